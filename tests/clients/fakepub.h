/*
 * fakepub.h — a small in-process publisher built on proto (PUB + ROUTER on
 * 127.0.0.1 ephemeral ports) that the subscriber unit tests drive: the main
 * thread publishes (or "loses") events and heartbeats, a thread serves
 * replay and stats requests from the store. Real sockets, real framing.
 */
#ifndef FAKEPUB_H
#define FAKEPUB_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "newswire.h"

struct fakepub {
        void *fp_ctx;
        void *fp_pub;    /* used by the main thread only */
        void *fp_router; /* used by the server thread only */
        char fp_pub_ep[128], fp_replay_ep[128];
        pthread_t fp_thread;
        pthread_mutex_t fp_mu; /* guards the store */
        volatile int fp_stop;
        struct nw_event **fp_store; /* fp_store[i] has seq i + 1 */
        size_t fp_n;
        uint8_t fp_origin[NW_ORIGIN_LEN];
        uint64_t fp_epoch;
        volatile int fp_requests; /* replay requests served */
        int fp_sndhwm;            /* PUB SNDHWM (0: default) */
        size_t fp_pad;            /* bytes of padding in each summary */
};

/* Bind PUB and ROUTER (sndhwm 0: zmq default) and start the server thread. */
void fakepub_start(struct fakepub *f, int sndhwm);
void fakepub_stop(struct fakepub *f);
/* Store a new event of type; send it live unless lose. Returns its seq. */
uint64_t fakepub_event(struct fakepub *f, const char *type, const char *entity, bool lose);
/* Send a heartbeat with the current last seq. */
void fakepub_heartbeat(struct fakepub *f);

#endif
