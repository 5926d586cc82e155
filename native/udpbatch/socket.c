// udpbatch: opening the socket — address parsing (IPv6 %scope), IPV6_V6ONLY, buffer sizes, PKTINFO for
// wildcard binds, bind; errors thrown with the errno name as code (EADDRINUSE, EACCES, ...).
#include "udpbatch.h"

napi_value js_version(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value v;
  CHECK(napi_create_int32(env, UDPBATCH_API, &v));
  return v;
}

napi_value js_open(napi_env env, napi_callback_info info) {
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

napi_value js_local_port(napi_env env, napi_callback_info info) {
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
