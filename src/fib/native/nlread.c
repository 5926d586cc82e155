/*
 * Reading a namespace's routing table over rtnetlink (RFC 3549 §2.3.3; Linux rtnetlink(7)) without running
 * `ip`: a dump of one family's routes, and a socket subscribed to route changes (RTMGRP_IPV4_ROUTE,
 * RTMGRP_IPV6_ROUTE) that is read without blocking. Bytes only: the messages are parsed in TypeScript
 * (src/fib/nl-routes.ts). Sockets come from open() in rtnl.c (created inside the namespace).
 *   dump(fd, family 4|6)          -> Buffer   every RTM_NEWROUTE message of the dump, back to back
 *   subscribe(fd, groups)         -> void     join the multicast groups (bitmask of RTMGRP_*)
 *   poll(fd)                      -> Buffer | number | null   pending messages; a number is an errno
 *                                             (ENOBUFS: events were lost); null: nothing pending
 *   ifname(fd, index)             -> string   SIOCGIFNAME in the socket's namespace ("" when none)
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static napi_value nlr_throw(napi_env env, const char *what, int e) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(e));
  napi_throw_error(env, "ERR_FIB_NETLINK", msg);
  return NULL;
}

typedef struct { char *p; size_t len, cap; } growbuf;
static int gb_add(growbuf *b, const void *d, size_t n) {
  if (b->len + n > b->cap) {
    size_t c = b->cap ? b->cap * 2 : 65536;
    while (c < b->len + n) c *= 2;
    char *q = realloc(b->p, c);
    if (!q) return -1;
    b->p = q;
    b->cap = c;
  }
  memcpy(b->p + b->len, d, n);
  b->len += n;
  return 0;
}

static napi_value to_buffer(napi_env env, growbuf *b) {
  napi_value out;
  void *data = NULL;
  napi_create_buffer_copy(env, b->len, b->p ? b->p : "", &data, &out);
  free(b->p);
  return out;
}

static napi_value Dump(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd = -1, fam = 4;
  napi_get_value_int32(env, argv[0], &fd);
  napi_get_value_int32(env, argv[1], &fam);
  static uint32_t seq = 0x40000000;
  uint32_t myseq = ++seq;
  struct { struct nlmsghdr h; struct rtmsg r; } req;
  memset(&req, 0, sizeof req);
  req.h.nlmsg_len = sizeof req;
  req.h.nlmsg_type = RTM_GETROUTE;
  req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.h.nlmsg_seq = myseq;
  req.r.rtm_family = fam == 6 ? AF_INET6 : AF_INET;
  ssize_t s;
  do s = send(fd, &req, sizeof req, 0);
  while (s < 0 && errno == EINTR);
  if (s < 0) return nlr_throw(env, "send(RTM_GETROUTE)", errno);
  growbuf b = {0};
  static char buf[1 << 16];
  for (;;) {
    ssize_t got = recv(fd, buf, sizeof buf, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      free(b.p);
      return nlr_throw(env, "recv(route dump)", e);
    }
    int done = 0;
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)got); h = NLMSG_NEXT(h, got)) {
      if (h->nlmsg_seq != myseq) continue; /* answers to earlier writes on this socket: not ours */
      if (h->nlmsg_type == NLMSG_DONE) { done = 1; break; }
      if (h->nlmsg_type == NLMSG_ERROR) {
        struct nlmsgerr *ne = (struct nlmsgerr *)NLMSG_DATA(h);
        if (ne->error == 0) continue;
        free(b.p);
        return nlr_throw(env, "route dump", -ne->error);
      }
      if (h->nlmsg_type == RTM_NEWROUTE && gb_add(&b, h, NLMSG_ALIGN(h->nlmsg_len)) < 0) {
        free(b.p);
        return nlr_throw(env, "route dump", ENOMEM);
      }
    }
    if (done) break;
  }
  return to_buffer(env, &b);
}

static napi_value Subscribe(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd = -1;
  uint32_t groups = 0;
  napi_get_value_int32(env, argv[0], &fd);
  napi_get_value_uint32(env, argv[1], &groups);
  for (int g = 1; g <= 32; g++) {
    if (!(groups & (1u << (g - 1)))) continue;
    if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &g, sizeof g) < 0) return nlr_throw(env, "NETLINK_ADD_MEMBERSHIP", errno);
  }
  return NULL;
}

static napi_value Poll(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd = -1;
  napi_get_value_int32(env, argv[0], &fd);
  growbuf b = {0};
  static char buf[1 << 16];
  for (;;) {
    ssize_t got = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (got < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      int e = errno;
      free(b.p);
      napi_value r;
      napi_create_int32(env, e, &r);
      return r;
    }
    if (got == 0) break;
    if (gb_add(&b, buf, (size_t)got) < 0) break;
    if (b.len > (8u << 20)) break; /* the rest on the next poll */
  }
  if (b.len == 0) {
    free(b.p);
    napi_value n;
    napi_get_null(env, &n);
    return n;
  }
  return to_buffer(env, &b);
}

static napi_value IfName(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd = -1, idx = 0;
  napi_get_value_int32(env, argv[0], &fd);
  napi_get_value_int32(env, argv[1], &idx);
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  ifr.ifr_ifindex = idx;
  napi_value r;
  if (ioctl(fd, SIOCGIFNAME, &ifr) < 0) ifr.ifr_name[0] = 0;
  napi_create_string_utf8(env, ifr.ifr_name, NAPI_AUTO_LENGTH, &r);
  return r;
}

void nlread_register(napi_env env, napi_value exports) {
  napi_property_descriptor d[] = {
    {"dump", NULL, Dump, NULL, NULL, NULL, napi_default, NULL},
    {"subscribe", NULL, Subscribe, NULL, NULL, NULL, napi_default, NULL},
    {"poll", NULL, Poll, NULL, NULL, NULL, napi_default, NULL},
    {"ifname", NULL, IfName, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof d / sizeof d[0], d);
}
