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
//
// Files: udpbatch.h (state), socket.c (open, bind, options), batch.c (the recvmmsg → JS → sendmmsg loop),
// udpbatch.c (this: lifecycle, close, stats, module registration).
#include "udpbatch.h"

void free_sock(udpsock *s) {
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

void on_uv_close(uv_handle_t *h) {
  udpsock *s = (udpsock *)h->data;
  s->uv_done = 1;
  if (s->js_gone) free_sock(s);
}

void finalize(napi_env env, void *data, void *hint) {
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

int throw_errno(napi_env env, const char *what, const char *detail, int err) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s %s: %s", what, detail, strerror(err));
  napi_throw_error(env, uv_err_name(-err), msg);
  return -1;
}

udpsock *get_sock(napi_env env, napi_value v) {
  void *p = NULL;
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_external || napi_get_value_external(env, v, &p) != napi_ok || !p) {
    napi_throw_type_error(env, "ERR_UDPBATCH", "not a udpbatch handle");
    return NULL;
  }
  return (udpsock *)p;
}

int get_typed(napi_env env, napi_value v, napi_typedarray_type want, void **data, size_t *len, napi_ref *ref) {
  bool is;
  napi_typedarray_type type;
  napi_value ab;
  size_t off;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) return -1;
  if (napi_get_typedarray_info(env, v, &type, len, data, &ab, &off) != napi_ok) return -1;
  if (type != want && !(want == napi_uint8_array && type == napi_uint8_clamped_array)) return -1;
  return napi_create_reference(env, v, 1, ref) == napi_ok ? 0 : -1;
}

void cleanup_hook(void *arg) {
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