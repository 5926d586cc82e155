/*
 * Sockets of another network namespace (Linux network_namespaces(7), setns(2)): a socket belongs to the
 * namespace it was created in, for its whole life, whatever thread later uses it. So the calling thread enters
 * the namespace, creates (and for a listener binds and listens) the socket, and comes back at once; the fd is
 * then handed to node:net (net.Server.listen({fd}), new net.Socket({fd}).connect()) and behaves like any other.
 * This lets one process host many BGP speakers, each with its TCP (RFC 4271 §8) in its own namespace.
 *   tcpSocket(nsPath | null, family 4|6)                          -> fd   unbound, unconnected
 *   tcpListen(nsPath | null, address, port, v6only, backlog)      -> fd   bound and listening (SO_REUSEADDR)
 *   localPort(fd)                                                 -> port (after binding to port 0)
 *   inNetns(nsPath, fn)                                           -> fn()  fn runs with this thread in nsPath
 * inNetns is for sockets node makes itself (node:dgram cannot adopt an fd): every socket fn creates
 * synchronously, e.g. a dgram bind whose address lookup answers at once, is born in nsPath. It must not wait.
 * Errors are thrown with the failing step and errno text; the thread is always back in its own namespace
 * (or the process aborts: running on in a foreign namespace would silently misplace every later socket).
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static napi_value nss_throw(napi_env env, const char *what, int e) {
  char msg[600];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(e));
  napi_value err, code, text;
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &text);
  napi_create_string_utf8(env, "ERR_NETNS_SOCKET", NAPI_AUTO_LENGTH, &code);
  napi_create_error(env, code, text, &err);
  napi_value errno_v;
  napi_create_int32(env, e, &errno_v);
  napi_set_named_property(env, err, "errno", errno_v);
  napi_throw(env, err);
  return NULL;
}

/* Enter nsPath (when given); *self keeps our own namespace to come back to. Returns 0 or an errno. */
static int enter(const char *path, int *self, const char **step) {
  *self = -1;
  if (!path[0]) return 0;
  *self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (*self < 0) { *step = "open /proc/thread-self/ns/net"; return errno; }
  int target = open(path, O_RDONLY | O_CLOEXEC);
  if (target < 0) { int e = errno; close(*self); *self = -1; *step = path; return e; }
  int r = setns(target, CLONE_NEWNET);
  int e = errno;
  close(target);
  if (r < 0) { close(*self); *self = -1; *step = "setns"; return e; }
  return 0;
}

static void leave(int self) {
  if (self < 0) return;
  if (setns(self, CLONE_NEWNET) < 0) abort();
  close(self);
}

static void get_path(napi_env env, napi_value v, char *path, size_t size) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  path[0] = 0;
  if (t == napi_string) {
    size_t l = 0;
    napi_get_value_string_utf8(env, v, path, size, &l);
  }
}

static napi_value TcpSocket(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char path[512];
  get_path(env, argv[0], path, sizeof path);
  int32_t fam = 4;
  napi_get_value_int32(env, argv[1], &fam);
  int self;
  const char *step = "";
  int e = enter(path, &self, &step);
  if (e) return nss_throw(env, step, e);
  int fd = socket(fam == 6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  e = errno;
  leave(self);
  if (fd < 0) return nss_throw(env, "socket(SOCK_STREAM)", e);
  napi_value r;
  napi_create_int32(env, fd, &r);
  return r;
}

static napi_value TcpListen(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char path[512], addr[64];
  get_path(env, argv[0], path, sizeof path);
  size_t l = 0;
  if (napi_get_value_string_utf8(env, argv[1], addr, sizeof addr, &l) != napi_ok) {
    napi_throw_type_error(env, NULL, "tcpListen: address must be a string");
    return NULL;
  }
  int32_t port = 0, backlog = 511;
  bool v6only = false;
  napi_get_value_int32(env, argv[2], &port);
  napi_get_value_bool(env, argv[3], &v6only);
  napi_get_value_int32(env, argv[4], &backlog);
  struct sockaddr_storage ss;
  socklen_t slen;
  memset(&ss, 0, sizeof ss);
  int fam;
  if (strchr(addr, ':')) {
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons((uint16_t)port);
    if (inet_pton(AF_INET6, addr, &s6->sin6_addr) != 1) return nss_throw(env, "tcpListen: not an IPv6 address", EINVAL);
    slen = sizeof *s6;
    fam = AF_INET6;
  } else {
    struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
    s4->sin_family = AF_INET;
    s4->sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, addr, &s4->sin_addr) != 1) return nss_throw(env, "tcpListen: not an IPv4 address", EINVAL);
    slen = sizeof *s4;
    fam = AF_INET;
  }
  int self;
  const char *step = "";
  int e = enter(path, &self, &step);
  if (e) return nss_throw(env, step, e);
  int fd = socket(fam, SOCK_STREAM | SOCK_CLOEXEC, 0);
  e = errno;
  step = "socket(SOCK_STREAM)";
  if (fd >= 0) {
    int one = 1, v6 = v6only ? 1 : 0;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (fam == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6, sizeof v6);
    if (bind(fd, (struct sockaddr *)&ss, slen) < 0) { e = errno; step = "bind"; close(fd); fd = -1; }
    else if (listen(fd, backlog) < 0) { e = errno; step = "listen"; close(fd); fd = -1; }
  }
  leave(self);
  if (fd < 0) {
    char what[128];
    snprintf(what, sizeof what, "%s %s port %d", step, addr, port);
    return nss_throw(env, what, e);
  }
  napi_value r;
  napi_create_int32(env, fd, &r);
  return r;
}

static napi_value LocalPort(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd = -1;
  napi_get_value_int32(env, argv[0], &fd);
  struct sockaddr_storage ss;
  socklen_t l = sizeof ss;
  if (getsockname(fd, (struct sockaddr *)&ss, &l) < 0) return nss_throw(env, "getsockname", errno);
  int port = ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port) : ntohs(((struct sockaddr_in *)&ss)->sin_port);
  napi_value r;
  napi_create_int32(env, port, &r);
  return r;
}

static napi_value InNetns(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char path[512];
  get_path(env, argv[0], path, sizeof path);
  napi_valuetype t;
  if (argc < 2 || napi_typeof(env, argv[1], &t) != napi_ok || t != napi_function) {
    napi_throw_type_error(env, NULL, "inNetns: the second argument must be a function");
    return NULL;
  }
  int self;
  const char *step = "";
  int e = enter(path, &self, &step);
  if (e) return nss_throw(env, step, e);
  napi_value global, result = NULL;
  napi_get_global(env, &global);
  /* Back in our own namespace whatever fn did; an exception it threw stays pending and reaches the caller. */
  napi_status st = napi_call_function(env, global, argv[1], 0, NULL, &result);
  leave(self);
  return st == napi_ok ? result : NULL;
}

void nssock_register(napi_env env, napi_value exports) {
  napi_property_descriptor d[] = {
    {"tcpSocket", NULL, TcpSocket, NULL, NULL, NULL, napi_default, NULL},
    {"tcpListen", NULL, TcpListen, NULL, NULL, NULL, napi_default, NULL},
    {"localPort", NULL, LocalPort, NULL, NULL, NULL, napi_default, NULL},
    {"inNetns", NULL, InNetns, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof d / sizeof d[0], d);
}
