// udpbatch: the batch loop. On each wake-up: recvmmsg up to `batch` datagrams (sources and, for wildcard binds,
// destination addresses from IP_PKTINFO / IPV6_PKTINFO), one JS call for the whole batch, sendmmsg of the replies
// it wrote — each to its query's source, from its query's destination — and again while batches come back full.
#include "udpbatch.h"

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

napi_value js_start(napi_env env, napi_callback_info info) {
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

napi_value js_flush(napi_env env, napi_callback_info info) {
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
