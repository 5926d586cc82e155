// Shared by the udpbatch sources: the socket state, its constants and the helpers each file uses.
#ifndef UDPBATCH_H
#define UDPBATCH_H
#ifndef _GNU_SOURCE
#define _GNU_SOURCE  // recvmmsg, sendmmsg, struct in6_pktinfo
#endif
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

// udpbatch.c
void free_sock(udpsock *s);
void on_uv_close(uv_handle_t *h);
int throw_errno(napi_env env, const char *what, const char *detail, int err);
udpsock *get_sock(napi_env env, napi_value v);
int get_typed(napi_env env, napi_value v, napi_typedarray_type want, void **data, size_t *len, napi_ref *ref);
void cleanup_hook(void *arg);
void finalize(napi_env env, void *data, void *hint);
// socket.c
napi_value js_version(napi_env env, napi_callback_info info);
napi_value js_open(napi_env env, napi_callback_info info);
napi_value js_local_port(napi_env env, napi_callback_info info);
// batch.c
napi_value js_start(napi_env env, napi_callback_info info);
napi_value js_flush(napi_env env, napi_callback_info info);

#define CHECK(call)                                                          \
  do {                                                                       \
    if ((call) != napi_ok) {                                                 \
      napi_throw_error(env, "ERR_UDPBATCH", "Node-API call failed: " #call); \
      return NULL;                                                           \
    }                                                                        \
  } while (0)

#endif
