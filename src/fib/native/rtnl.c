/*
 * anycast_rtnl: the smallest native piece the kernel FIB needs, an rtnetlink socket (RFC 3549 §2.3.3 message
 * format; Linux rtnetlink(7)) opened inside a network namespace. Messages are encoded in TypeScript
 * (src/fib/rtnl-encode.ts); this file only moves bytes:
 *   open(nsPath | null) -> fd          socket created inside the namespace (setns there and back)
 *   send(fd, buffer)    -> errors      one sendmsg of many requests without NLM_F_ACK: the kernel handles them
 *                                      inside the call and answers only failures, each with the request's
 *                                      sequence number, its errno and (extended ack) the kernel's message
 *   ifindex(fd, name)   -> number      SIOCGIFINDEX in the socket's namespace (0: no such device)
 *   close(fd)
 * The same addon carries the namespace TCP sockets of nssock.c (tcpSocket, tcpListen, localPort) and the
 * route reading of nlread.c (dump, subscribe, poll, ifname).
 * errors: an array of [seq, errno, message]; seq -1 means the receive buffer overflowed (ENOBUFS) and some
 * failures were lost.
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif
#ifndef NLM_F_ACK_TLVS
#define NLM_F_ACK_TLVS 0x200
#endif
#ifndef NLMSGERR_ATTR_MSG
#define NLMSGERR_ATTR_MSG 1
#endif

static napi_value throw_errno(napi_env env, const char *what, int e) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(e));
  napi_throw_error(env, "ERR_FIB_NETLINK", msg);
  return NULL;
}

static int arg_int(napi_env env, napi_value v) {
  int32_t x = -1;
  napi_get_value_int32(env, v, &x);
  return x;
}

static napi_value Open(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char path[512] = {0};
  int has_path = 0;
  if (argc >= 1) {
    napi_valuetype t;
    napi_typeof(env, argv[0], &t);
    if (t == napi_string) {
      size_t l = 0;
      napi_get_value_string_utf8(env, argv[0], path, sizeof path, &l);
      has_path = l > 0;
    }
  }
  int self = -1, target = -1;
  if (has_path) {
    self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (self < 0) return throw_errno(env, "open /proc/thread-self/ns/net", errno);
    target = open(path, O_RDONLY | O_CLOEXEC);
    if (target < 0) {
      int e = errno;
      close(self);
      return throw_errno(env, path, e);
    }
    if (setns(target, CLONE_NEWNET) < 0) {
      int e = errno;
      close(self);
      close(target);
      return throw_errno(env, "setns", e);
    }
  }
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  int e = errno;
  if (has_path) {
    /* Back to our own namespace before anything else runs on this thread; staying elsewhere is not an option. */
    if (setns(self, CLONE_NEWNET) < 0) abort();
    close(self);
    close(target);
  }
  if (fd < 0) return throw_errno(env, "socket(AF_NETLINK)", e);
  int one = 1;
  setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
  setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one);
  int size = 8 << 20;
  if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size) < 0) setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) < 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  struct sockaddr_nl sa;
  memset(&sa, 0, sizeof sa);
  sa.nl_family = AF_NETLINK;
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
    e = errno;
    close(fd);
    return throw_errno(env, "bind(AF_NETLINK)", e);
  }
  napi_value r;
  napi_create_int32(env, fd, &r);
  return r;
}

static void push_error(napi_env env, napi_value arr, uint32_t *n, int64_t seq, int err, const char *msg, size_t msglen) {
  napi_value tuple, vseq, verr, vmsg;
  napi_create_array_with_length(env, 3, &tuple);
  napi_create_int64(env, seq, &vseq);
  napi_create_int32(env, err, &verr);
  napi_create_string_utf8(env, msg, msglen, &vmsg);
  napi_set_element(env, tuple, 0, vseq);
  napi_set_element(env, tuple, 1, verr);
  napi_set_element(env, tuple, 2, vmsg);
  napi_set_element(env, arr, (*n)++, tuple);
}

static napi_value Send(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int fd = arg_int(env, argv[0]);
  void *data = NULL;
  size_t len = 0;
  if (napi_get_buffer_info(env, argv[1], &data, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "send(fd, buffer): buffer expected");
    return NULL;
  }
  ssize_t sent;
  do sent = send(fd, data, len, 0);
  while (sent < 0 && errno == EINTR);
  if (sent < 0) return throw_errno(env, "sendmsg(rtnetlink)", errno);
  napi_value arr;
  napi_create_array(env, &arr);
  uint32_t n = 0;
  static char buf[1 << 16];
  for (;;) {
    ssize_t got = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (got < 0) {
      if (errno == EINTR) continue;
      if (errno == ENOBUFS) {
        push_error(env, arr, &n, -1, ENOBUFS, "netlink receive buffer overflow", 31);
        continue;
      }
      break; /* EAGAIN: every answer to this send has been read */
    }
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)got); h = NLMSG_NEXT(h, got)) {
      if (h->nlmsg_type != NLMSG_ERROR) continue;
      struct nlmsgerr *ne = (struct nlmsgerr *)NLMSG_DATA(h);
      if (ne->error == 0) continue;
      const char *msg = "";
      size_t msglen = 0;
      if (h->nlmsg_flags & NLM_F_ACK_TLVS) {
        /* With NETLINK_CAP_ACK the request's payload is not echoed: the TLVs follow the header copy. */
        size_t off = NLMSG_HDRLEN + sizeof(struct nlmsgerr);
        while (off + sizeof(struct nlattr) <= h->nlmsg_len) {
          struct nlattr *a = (struct nlattr *)((char *)h + off);
          if (a->nla_len < sizeof(struct nlattr) || off + a->nla_len > h->nlmsg_len) break;
          if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
            msg = (const char *)a + NLA_HDRLEN;
            msglen = strnlen(msg, a->nla_len - NLA_HDRLEN);
          }
          off += NLA_ALIGN(a->nla_len);
        }
      }
      push_error(env, arr, &n, (int64_t)ne->msg.nlmsg_seq, -ne->error, msg, msglen);
    }
  }
  return arr;
}

static napi_value IfIndex(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int fd = arg_int(env, argv[0]);
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  size_t l = 0;
  napi_get_value_string_utf8(env, argv[1], ifr.ifr_name, IFNAMSIZ, &l);
  int idx = 0;
  if (ioctl(fd, SIOCGIFINDEX, &ifr) == 0) idx = ifr.ifr_ifindex;
  napi_value r;
  napi_create_int32(env, idx, &r);
  return r;
}

static napi_value Close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  close(arg_int(env, argv[0]));
  return NULL;
}

void nssock_register(napi_env env, napi_value exports);
void nlread_register(napi_env env, napi_value exports);

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor d[] = {
    {"open", NULL, Open, NULL, NULL, NULL, napi_default, NULL},
    {"send", NULL, Send, NULL, NULL, NULL, napi_default, NULL},
    {"ifindex", NULL, IfIndex, NULL, NULL, NULL, napi_default, NULL},
    {"close", NULL, Close, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof d / sizeof d[0], d);
  nssock_register(env, exports);
  nlread_register(env, exports);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
