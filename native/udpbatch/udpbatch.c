// udpbatch: batched UDP receive and send for the DNS responder (Linux, Node-API).
//
// node:dgram makes one recvmsg and one sendmsg system call and one JS callback per datagram. This addon owns the
// UDP socket instead: a libuv poll watcher wakes it when the socket is readable, recvmmsg(2) takes up to `batch`
// datagrams into a JS-owned receive buffer (one slot per datagram), ONE JS call hands the whole batch over, and
// sendmmsg(2) sends every reply the JS side wrote into a JS-owned send buffer. JS and C share these buffers, so
// nothing is allocated or copied per datagram on the JS side.
//
// Sockets bound to a wildcard address (0.0.0.0, ::) ask for IP_PKTINFO / IPV6_RECVPKTINFO and send each reply
// from the address its query arrived on (RFC 1122 §4.1.3.5: a reply to a datagram uses the address it was sent
// to; this matters when several anycast addresses sit on lo). Sockets bound to one address need nothing: the
// kernel uses the bound address. IPv6 sockets are IPv6-only (IPV6_V6ONLY), as in the node:dgram path.
//
// JS interface (see src/dns/udp/native.ts):
//   version() -> API version
//   open(address, port, rcvbuf, sndbuf) -> handle          throws Error with .code (EADDRINUSE, ...)
//   localPort(handle) -> port
//   start(handle, batch, slot, rx, rxMeta, tx, txMeta, onBatch(n) -> replies)
//   flush(handle, replies) -> sent now (mid-batch, when the send buffer is full)
//   close(handle)                                           the fd is closed when this returns
//   stats(handle) -> { batches, datagrams, truncated, maxBatch, sent, sendErrors, recvErrors, lastError }
// rxMeta (Int32Array, META_WORDS per slot): length, flags (1 = datagram larger than the slot, truncated),
// source port, family (4|6), then the 16 source address octets (4 used for IPv4).
// txMeta (Int32Array, 3 per reply): index of the query's slot (the reply goes to its source, from its
// destination), offset in tx, length.
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <node_api.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#define UDPBATCH_API 1
#define META_WORDS 8
#define CTL_SIZE 64     // room for one cmsg carrying in6_pktinfo (CMSG_SPACE(20) = 40)
#define MAX_ROUNDS 8    // batches per wakeup before yielding to the event loop (TCP, timers); libuv polls
                        // level-triggered, so what is left wakes us again at once

typedef union {
  struct in_pktinfo v4;
  struct in6_pktinfo v6;
} pktinfo_t;

typedef struct {
  napi_env env;
  int fd;
  int family;
  int pktinfo;       // wildcard bind: receive and send pktinfo
  int closed;
  int polling;       // uv_poll_init done: the handle must go through uv_close
  int uv_done;       // the uv handle is closed (or was never initialised)
  int js_gone;       // the JS handle was finalised
  uv_poll_t poll;
  unsigned batch, slot, cur_n;
  uint8_t *rx;
  size_t rx_len;
  int32_t *rxm;
  size_t rxm_words;
  uint8_t *tx;
  size_t tx_len;
  int32_t *txm;
  size_t txm_words;
  struct mmsghdr *rmsg, *smsg;
  struct iovec *riov, *siov;
  struct sockaddr_storage *peer;
  pktinfo_t *dst;
  uint8_t *dst_ok;
  char *rctl, *sctl;
  napi_ref self, cb, rx_ref, rxm_ref, tx_ref, txm_ref;
  napi_async_context actx;
  double batches, datagrams, truncated, sent, send_errors, recv_errors;
  int max_batch, last_errno;
} udpsock;

static void free_sock(udpsock *s) {
  free(s->rmsg);
  free(s->smsg);
  free(s->riov);
  free(s->siov);
  free(s->peer);
  free(s->dst);
  free(s->dst_ok);
  free(s->rctl);
  free(s->sctl);
  free(s);
}

static void on_uv_close(uv_handle_t *h) {
  udpsock *s = (udpsock *)h->data;
  s->uv_done = 1;
  if (s->js_gone) free_sock(s);
}

static void finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  udpsock *s = (udpsock *)data;
  s->js_gone = 1;
  if (!s->closed) {  // unreachable while open (a strong reference is held), kept as a safety net
    s->closed = 1;
    if (s->fd >= 0) close(s->fd);
    s->fd = -1;
  }
  if (s->uv_done) free_sock(s);
}

static int throw_errno(napi_env env, const char *what, const char *detail, int err) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s %s: %s", what, detail, strerror(err));
  napi_throw_error(env, uv_err_name(-err), msg);
  return -1;
}

#define CHECK(call)                                                     \
  do {                                                                  \
    if ((call) != napi_ok) {                                            \
      napi_throw_error(env, "ERR_UDPBATCH", "Node-API call failed: " #call); \
      return NULL;                                                      \
    }                                                                   \
  } while (0)

static udpsock *get_sock(napi_env env, napi_value v) {
  void *p = NULL;
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_external || napi_get_value_external(env, v, &p) != napi_ok || !p) {
    napi_throw_type_error(env, "ERR_UDPBATCH", "not a udpbatch handle");
    return NULL;
  }
  return (udpsock *)p;
}

static int get_typed(napi_env env, napi_value v, napi_typedarray_type want, void **data, size_t *len, napi_ref *ref) {
  bool is;
  napi_typedarray_type type;
  napi_value ab;
  size_t off;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) return -1;
  if (napi_get_typedarray_info(env, v, &type, len, data, &ab, &off) != napi_ok) return -1;
  if (type != want && !(want == napi_uint8_array && type == napi_uint8_clamped_array)) return -1;
  return napi_create_reference(env, v, 1, ref) == napi_ok ? 0 : -1;
}

static void cleanup_hook(void *arg) {
  udpsock *s = (udpsock *)arg;
  if (s->closed) return;
  s->closed = 1;
  if (s->polling) {
    uv_poll_stop(&s->poll);
    uv_close((uv_handle_t *)&s->poll, NULL);  // the process or worker is going away; memory goes with it
  }
  if (s->fd >= 0) close(s->fd);
  s->fd = -1;
}

// ---- open / localPort ----

static napi_value js_version(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value v;
  CHECK(napi_create_int32(env, UDPBATCH_API, &v));
  return v;
}

static napi_value js_open(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  char addr[128];
  size_t alen = 0;
  if (argc < 4 || napi_get_value_string_utf8(env, argv[0], addr, sizeof addr, &alen) != napi_ok) {
    napi_throw_type_error(env, "ERR_UDPBATCH", "open(address, port, rcvbuf, sndbuf)");
    return NULL;
  }
  int32_t port = 0, rcvbuf = 0, sndbuf = 0;
  napi_get_value_int32(env, argv[1], &port);
  napi_get_value_int32(env, argv[2], &rcvbuf);
  napi_get_value_int32(env, argv[3], &sndbuf);
  if (port < 0 || port > 65535) {
    napi_throw_range_error(env, "ERR_UDPBATCH", "port must be 0..65535");
    return NULL;
  }
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  socklen_t sslen;
  int family, wildcard;
  char *pct = strchr(addr, '%');
  if (pct) *pct = 0;
  if (strchr(addr, ':')) {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET6, addr, &a->sin6_addr) != 1) goto bad;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons((uint16_t)port);
    if (pct) {
      char *end;
      unsigned long id = strtoul(pct + 1, &end, 10);
      a->sin6_scope_id = *end == 0 && end != pct + 1 ? (uint32_t)id : if_nametoindex(pct + 1);
      if (a->sin6_scope_id == 0) goto bad;
    }
    family = AF_INET6;
    sslen = sizeof *a;
    wildcard = IN6_IS_ADDR_UNSPECIFIED(&a->sin6_addr);
  } else {
    struct sockaddr_in *a = (struct sockaddr_in *)&ss;
    if (pct || inet_pton(AF_INET, addr, &a->sin_addr) != 1) goto bad;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    family = AF_INET;
    sslen = sizeof *a;
    wildcard = a->sin_addr.s_addr == htonl(INADDR_ANY);
  }
  if (pct) *pct = '%';

  int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    throw_errno(env, "socket", addr, errno);
    return NULL;
  }
  int one = 1;
  if (family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) != 0) {
    int e = errno;
    close(fd);
    throw_errno(env, "IPV6_V6ONLY", addr, e);
    return NULL;
  }
  // Larger kernel buffers absorb bursts; the kernel caps them at net.core.[rw]mem_max, which is not an error.
  if (rcvbuf > 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  if (sndbuf > 0) setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
  if (wildcard) {
    int r = family == AF_INET ? setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one)
                              : setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one);
    if (r != 0) {
      int e = errno;
      close(fd);
      throw_errno(env, "PKTINFO", addr, e);
      return NULL;
    }
  }
  if (bind(fd, (struct sockaddr *)&ss, sslen) != 0) {
    int e = errno;
    close(fd);
    char what[160];
    snprintf(what, sizeof what, "%s port %d", addr, port);
    throw_errno(env, "bind", what, e);
    return NULL;
  }
  udpsock *s = (udpsock *)calloc(1, sizeof *s);
  if (!s) {
    close(fd);
    napi_throw_error(env, "ENOMEM", "out of memory");
    return NULL;
  }
  s->env = env;
  s->fd = fd;
  s->family = family;
  s->pktinfo = wildcard;
  s->uv_done = 1;  // until uv_poll_init
  napi_value ext;
  if (napi_create_external(env, s, finalize, NULL, &ext) != napi_ok) {
    close(fd);
    free(s);
    napi_throw_error(env, "ERR_UDPBATCH", "napi_create_external failed");
    return NULL;
  }
  // Held until close(): an open socket is not collected, like a dgram socket.
  napi_create_reference(env, ext, 1, &s->self);
  napi_add_env_cleanup_hook(env, cleanup_hook, s);
  return ext;
bad:
  napi_throw_type_error(env, "EINVAL", "not an IP address (with an optional %scope for IPv6)");
  return NULL;
}

static napi_value js_local_port(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  udpsock *s = argc >= 1 ? get_sock(env, argv[0]) : NULL;
  if (!s) return NULL;
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  if (s->closed || getsockname(s->fd, (struct sockaddr *)&ss, &len) != 0) {
    throw_errno(env, "getsockname", "", s->closed ? EBADF : errno);
    return NULL;
  }
  int port = ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
                                      : ntohs(((struct sockaddr_in *)&ss)->sin_port);
  napi_value v;
  CHECK(napi_create_int32(env, port, &v));
  return v;
}

// ---- the batch loop ----

static int send_replies(udpsock *s, int count) {
  if (count <= 0 || s->closed) return 0;
  if ((unsigned)count > s->batch) count = (int)s->batch;
  if ((size_t)count * 3 > s->txm_words) count = (int)(s->txm_words / 3);
  int m = 0;
  for (int i = 0; i < count; i++) {
    int32_t idx = s->txm[i * 3], off = s->txm[i * 3 + 1], len = s->txm[i * 3 + 2];
    // Never trust indices from JS with raw memory: skip anything out of range.
    if (idx < 0 || (unsigned)idx >= s->cur_n || off < 0 || len <= 0 || (size_t)off + (size_t)len > s->tx_len) {
      s->send_errors++;
      continue;
    }
    struct msghdr *h = &s->smsg[m].msg_hdr;
    h->msg_name = &s->peer[idx];
    h->msg_namelen = s->rmsg[idx].msg_hdr.msg_namelen;
    s->siov[m].iov_base = s->tx + off;
    s->siov[m].iov_len = (size_t)len;
    h->msg_iov = &s->siov[m];
    h->msg_iovlen = 1;
    h->msg_control = NULL;
    h->msg_controllen = 0;
    h->msg_flags = 0;
    if (s->pktinfo && s->dst_ok[idx]) {
      char *ctl = s->sctl + (size_t)m * CTL_SIZE;
      memset(ctl, 0, CTL_SIZE);
      h->msg_control = ctl;
      struct cmsghdr *c;
      if (s->family == AF_INET) {
        // ipi_spec_dst is the local address the query was for (for a broadcast, a local unicast address the
        // kernel chose); ifindex 0 lets routing pick the way out, which need not be the way in.
        struct in_pktinfo pi;
        memset(&pi, 0, sizeof pi);
        pi.ipi_spec_dst = s->dst[idx].v4.ipi_spec_dst;
        h->msg_controllen = CMSG_SPACE(sizeof pi);
        c = CMSG_FIRSTHDR(h);
        c->cmsg_level = IPPROTO_IP;
        c->cmsg_type = IP_PKTINFO;
        c->cmsg_len = CMSG_LEN(sizeof pi);
        memcpy(CMSG_DATA(c), &pi, sizeof pi);
      } else {
        struct in6_pktinfo pi = s->dst[idx].v6;  // address and interface the query arrived on (link-local)
        h->msg_controllen = CMSG_SPACE(sizeof pi);
        c = CMSG_FIRSTHDR(h);
        c->cmsg_level = IPPROTO_IPV6;
        c->cmsg_type = IPV6_PKTINFO;
        c->cmsg_len = CMSG_LEN(sizeof pi);
        memcpy(CMSG_DATA(c), &pi, sizeof pi);
      }
    }
    m++;
  }
  int done = 0, sent = 0;
  while (done < m) {
    int r = sendmmsg(s->fd, s->smsg + done, (unsigned)(m - done), MSG_DONTWAIT);
    if (r < 0) {
      if (errno == EINTR) continue;
      s->last_errno = errno;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {  // send buffer full: UDP may drop, and we count it
        s->send_errors += m - done;
        break;
      }
      s->send_errors++;  // this one datagram failed (e.g. no route): skip it, send the rest
      done++;
      continue;
    }
    done += r;
    sent += r;
  }
  s->sent += sent;
  return sent;
}

static void on_poll(uv_poll_t *p, int status, int events) {
  (void)events;
  udpsock *s = (udpsock *)p->data;
  if (s->closed) return;
  if (status < 0) {
    s->recv_errors++;
    s->last_errno = -status;
    return;
  }
  napi_env env = s->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  for (int round = 0; round < MAX_ROUNDS && !s->closed; round++) {
    for (unsigned i = 0; i < s->batch; i++) {
      struct msghdr *h = &s->rmsg[i].msg_hdr;
      h->msg_namelen = sizeof(struct sockaddr_storage);
      h->msg_control = s->pktinfo ? s->rctl + (size_t)i * CTL_SIZE : NULL;
      h->msg_controllen = s->pktinfo ? CTL_SIZE : 0;
      h->msg_flags = 0;
    }
    int n = recvmmsg(s->fd, s->rmsg, s->batch, MSG_DONTWAIT, NULL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        s->recv_errors++;
        s->last_errno = errno;
      }
      break;
    }
    if (n == 0) break;
    for (int i = 0; i < n; i++) {
      struct msghdr *h = &s->rmsg[i].msg_hdr;
      int32_t *m = s->rxm + (size_t)i * META_WORDS;
      m[0] = (int32_t)s->rmsg[i].msg_len;
      m[1] = (h->msg_flags & MSG_TRUNC) ? 1 : 0;
      if (m[1]) s->truncated++;
      uint8_t *a = (uint8_t *)(m + 4);
      if (s->peer[i].ss_family == AF_INET6) {
        struct sockaddr_in6 *sa = (struct sockaddr_in6 *)&s->peer[i];
        m[2] = ntohs(sa->sin6_port);
        m[3] = 6;
        memcpy(a, &sa->sin6_addr, 16);
      } else {
        struct sockaddr_in *sa = (struct sockaddr_in *)&s->peer[i];
        m[2] = ntohs(sa->sin_port);
        m[3] = 4;
        memcpy(a, &sa->sin_addr, 4);
        memset(a + 4, 0, 12);
      }
      s->dst_ok[i] = 0;
      if (s->pktinfo) {
        for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c; c = CMSG_NXTHDR(h, c)) {
          if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
            memcpy(&s->dst[i].v4, CMSG_DATA(c), sizeof(struct in_pktinfo));
            s->dst_ok[i] = 1;
          } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
            memcpy(&s->dst[i].v6, CMSG_DATA(c), sizeof(struct in6_pktinfo));
            // A reply cannot come from a multicast address: let the kernel choose then.
            s->dst_ok[i] = !IN6_IS_ADDR_MULTICAST(&s->dst[i].v6.ipi6_addr);
          }
        }
      }
    }
    s->batches++;
    s->datagrams += n;
    if (n > s->max_batch) s->max_batch = n;
    s->cur_n = (unsigned)n;

    napi_value cb, recv, argv[1], ret;
    int32_t replies = 0;
    napi_get_reference_value(env, s->cb, &cb);
    napi_get_global(env, &recv);  // napi_make_callback needs an object as the receiver
    napi_create_int32(env, n, &argv[0]);
    napi_status st = napi_make_callback(env, s->actx, recv, cb, 1, argv, &ret);
    if (st == napi_ok) {
      if (napi_get_value_int32(env, ret, &replies) != napi_ok) replies = 0;
    } else {
      // The JS side catches per datagram; anything escaping is a bug: report it like any uncaught exception.
      bool pending = false;
      napi_is_exception_pending(env, &pending);
      if (pending) {
        napi_value err;
        napi_get_and_clear_last_exception(env, &err);
        napi_fatal_exception(env, err);
      }
      replies = 0;
    }
    if (s->closed) break;  // close() was called from the callback
    send_replies(s, replies);
    s->cur_n = 0;
    if ((unsigned)n < s->batch) break;  // the socket is drained
  }
  napi_close_handle_scope(env, scope);
}

static napi_value js_start(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  udpsock *s = argc >= 8 ? get_sock(env, argv[0]) : NULL;
  if (!s) return NULL;
  if (s->closed || s->polling) {
    napi_throw_error(env, "ERR_UDPBATCH", s->closed ? "socket is closed" : "already started");
    return NULL;
  }
  int32_t batch = 0, slot = 0;
  napi_get_value_int32(env, argv[1], &batch);
  napi_get_value_int32(env, argv[2], &slot);
  if (batch < 1 || batch > 1024 || slot < 12 || slot > 65536) {
    napi_throw_range_error(env, "ERR_UDPBATCH", "batch must be 1..1024 and slot 12..65536");
    return NULL;
  }
  void *rx, *rxm, *tx, *txm;
  size_t rx_len, rxm_len, tx_len, txm_len;
  napi_valuetype t;
  napi_typeof(env, argv[7], &t);
  if (t != napi_function ||
      get_typed(env, argv[3], napi_uint8_array, &rx, &rx_len, &s->rx_ref) != 0 ||
      get_typed(env, argv[4], napi_int32_array, &rxm, &rxm_len, &s->rxm_ref) != 0 ||
      get_typed(env, argv[5], napi_uint8_array, &tx, &tx_len, &s->tx_ref) != 0 ||
      get_typed(env, argv[6], napi_int32_array, &txm, &txm_len, &s->txm_ref) != 0) {
    napi_throw_type_error(env, "ERR_UDPBATCH",
      "start(handle, batch, slot, rx: Uint8Array, rxMeta: Int32Array, tx: Uint8Array, txMeta: Int32Array, onBatch)");
    return NULL;
  }
  if (rx_len < (size_t)batch * (size_t)slot || rxm_len < (size_t)batch * META_WORDS || txm_len < (size_t)batch * 3) {
    napi_throw_range_error(env, "ERR_UDPBATCH", "buffers too small for batch x slot");
    return NULL;
  }
  s->batch = (unsigned)batch;
  s->slot = (unsigned)slot;
  s->rx = (uint8_t *)rx;
  s->rx_len = rx_len;
  s->rxm = (int32_t *)rxm;
  s->rxm_words = rxm_len;
  s->tx = (uint8_t *)tx;
  s->tx_len = tx_len;
  s->txm = (int32_t *)txm;
  s->txm_words = txm_len;
  s->rmsg = calloc((size_t)batch, sizeof *s->rmsg);
  s->smsg = calloc((size_t)batch, sizeof *s->smsg);
  s->riov = calloc((size_t)batch, sizeof *s->riov);
  s->siov = calloc((size_t)batch, sizeof *s->siov);
  s->peer = calloc((size_t)batch, sizeof *s->peer);
  s->dst = calloc((size_t)batch, sizeof *s->dst);
  s->dst_ok = calloc((size_t)batch, 1);
  s->rctl = calloc((size_t)batch, CTL_SIZE);
  s->sctl = calloc((size_t)batch, CTL_SIZE);
  if (!s->rmsg || !s->smsg || !s->riov || !s->siov || !s->peer || !s->dst || !s->dst_ok || !s->rctl || !s->sctl) {
    napi_throw_error(env, "ENOMEM", "out of memory");
    return NULL;
  }
  for (int i = 0; i < batch; i++) {
    s->riov[i].iov_base = s->rx + (size_t)i * (size_t)slot;
    s->riov[i].iov_len = (size_t)slot;
    s->rmsg[i].msg_hdr.msg_name = &s->peer[i];
    s->rmsg[i].msg_hdr.msg_iov = &s->riov[i];
    s->rmsg[i].msg_hdr.msg_iovlen = 1;
  }
  CHECK(napi_create_reference(env, argv[7], 1, &s->cb));
  napi_value name;
  CHECK(napi_create_string_utf8(env, "anycast:udpbatch", NAPI_AUTO_LENGTH, &name));
  CHECK(napi_async_init(env, argv[0], name, &s->actx));
  uv_loop_t *loop;
  CHECK(napi_get_uv_event_loop(env, &loop));
  int r = uv_poll_init(loop, &s->poll, s->fd);
  if (r != 0) {
    throw_errno(env, "uv_poll_init", "", -r);
    return NULL;
  }
  s->poll.data = s;
  s->polling = 1;
  s->uv_done = 0;
  r = uv_poll_start(&s->poll, UV_READABLE, on_poll);
  if (r != 0) {
    throw_errno(env, "uv_poll_start", "", -r);
    return NULL;
  }
  return NULL;
}

static napi_value js_flush(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  udpsock *s = argc >= 2 ? get_sock(env, argv[0]) : NULL;
  if (!s) return NULL;
  int32_t count = 0;
  napi_get_value_int32(env, argv[1], &count);
  napi_value v;
  CHECK(napi_create_int32(env, send_replies(s, count), &v));
  return v;
}

static void drop_ref(napi_env env, napi_ref *r) {
  if (*r) napi_delete_reference(env, *r);
  *r = NULL;
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  udpsock *s = argc >= 1 ? get_sock(env, argv[0]) : NULL;
  if (!s || s->closed) return NULL;
  s->closed = 1;
  napi_remove_env_cleanup_hook(env, cleanup_hook, s);
  // Stop polling first (libuv removes the fd from epoll), then close the fd: the port is free on return.
  if (s->polling) uv_poll_stop(&s->poll);
  close(s->fd);
  s->fd = -1;
  if (s->polling) uv_close((uv_handle_t *)&s->poll, on_uv_close);
  if (s->actx) napi_async_destroy(env, s->actx);
  s->actx = NULL;
  drop_ref(env, &s->cb);
  drop_ref(env, &s->rx_ref);
  drop_ref(env, &s->rxm_ref);
  drop_ref(env, &s->tx_ref);
  drop_ref(env, &s->txm_ref);
  drop_ref(env, &s->self);
  return NULL;
}

static void set_num(napi_env env, napi_value o, const char *k, double v) {
  napi_value x;
  napi_create_double(env, v, &x);
  napi_set_named_property(env, o, k, x);
}

static napi_value js_stats(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  udpsock *s = argc >= 1 ? get_sock(env, argv[0]) : NULL;
  if (!s) return NULL;
  napi_value o;
  CHECK(napi_create_object(env, &o));
  set_num(env, o, "batches", s->batches);
  set_num(env, o, "datagrams", s->datagrams);
  set_num(env, o, "truncated", s->truncated);
  set_num(env, o, "maxBatch", s->max_batch);
  set_num(env, o, "sent", s->sent);
  set_num(env, o, "sendErrors", s->send_errors);
  set_num(env, o, "recvErrors", s->recv_errors);
  napi_value e;
  CHECK(napi_create_string_utf8(env, s->last_errno ? uv_err_name(-s->last_errno) : "", NAPI_AUTO_LENGTH, &e));
  napi_set_named_property(env, o, "lastError", e);
  return o;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor d[] = {
    {"version", NULL, js_version, NULL, NULL, NULL, napi_enumerable, NULL},
    {"open", NULL, js_open, NULL, NULL, NULL, napi_enumerable, NULL},
    {"localPort", NULL, js_local_port, NULL, NULL, NULL, napi_enumerable, NULL},
    {"start", NULL, js_start, NULL, NULL, NULL, napi_enumerable, NULL},
    {"flush", NULL, js_flush, NULL, NULL, NULL, napi_enumerable, NULL},
    {"close", NULL, js_close, NULL, NULL, NULL, napi_enumerable, NULL},
    {"stats", NULL, js_stats, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof d / sizeof d[0], d) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
