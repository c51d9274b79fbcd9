/*
 * fakepub.c — see fakepub.h.
 */
#include <stdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include <zmq.h>

#include "fakepub.h"

/* Abort on a failure (unlike assert, never compiled out). */
#define FP_CHECK(x)                                                                                \
        do {                                                                                       \
                if (!(x)) {                                                                        \
                        fprintf(stderr, "fakepub: %s failed\n", #x);                               \
                        abort();                                                                   \
                }                                                                                  \
        } while (0)

/* Send frames [id?] + parts. */
static void
fakepub_send(void *sock, zmq_msg_t *id, const void *const *parts, const size_t *lens, int n)
{
        int i;

        if (id != NULL) {
                zmq_msg_t copy;

                zmq_msg_init(&copy);
                zmq_msg_copy(&copy, id);
                zmq_msg_send(&copy, sock, ZMQ_SNDMORE);
        }
        for (i = 0; i < n; i++)
                zmq_send(sock, parts[i], lens[i], i + 1 < n ? ZMQ_SNDMORE : 0);
}

/* Send one stored event: [id?] type, event, trailer. */
static void
fakepub_send_event(struct fakepub *f, void *sock, zmq_msg_t *id, const struct nw_event *ev)
{
        struct nw_trailer t;
        char *eb, *tb;
        size_t el, tl;
        const void *parts[3];
        size_t lens[3];

        memcpy(t.origin, f->fp_origin, NW_ORIGIN_LEN);
        t.epoch = f->fp_epoch;
        t.seq = ev->seq;
        FP_CHECK(nw_event_encode(ev, &eb, &el) == 0);
        FP_CHECK(nw_trailer_encode(&t, &tb, &tl) == 0);
        parts[0] = ev->type;
        lens[0] = strlen(ev->type);
        parts[1] = eb;
        lens[1] = el;
        parts[2] = tb;
        lens[2] = tl;
        fakepub_send(sock, id, parts, lens, 3);
        free(eb);
        free(tb);
}

/* Serve one request on the ROUTER. */
static void
fakepub_serve(struct fakepub *f)
{
        zmq_msg_t id, req;
        struct nw_request r;
        struct nw_end end;
        char *buf, *cause = NULL;
        size_t len, i;
        const void *parts[2];
        size_t lens[2];

        zmq_msg_init(&id);
        zmq_msg_init(&req);
        if (zmq_msg_recv(&id, f->fp_router, 0) == -1)
                goto out;
        if (!zmq_msg_more(&id) || zmq_msg_recv(&req, f->fp_router, 0) == -1)
                goto out;
        if (nw_request_decode(zmq_msg_data(&req), zmq_msg_size(&req), &r, &cause) != 0) {
                struct nw_error_reply e = {.req_id = 0, .code = NW_E_MALFORMED};

                snprintf(e.message, sizeof e.message, "%s", cause);
                free(cause);
                nw_error_encode(&e, &buf, &len);
                parts[0] = NW_TOPIC_ERROR;
                lens[0] = strlen(NW_TOPIC_ERROR);
                parts[1] = buf;
                lens[1] = len;
                fakepub_send(f->fp_router, &id, parts, lens, 2);
                free(buf);
                goto out;
        }
        f->fp_requests++;
        if (r.op == NW_REQ_STATS) {
                struct nw_stat st[1];

                snprintf(st[0].name, sizeof st[0].name, "head_seq");
                pthread_mutex_lock(&f->fp_mu);
                st[0].value = f->fp_n;
                pthread_mutex_unlock(&f->fp_mu);
                nw_stats_encode(r.req_id, st, 1, &buf, &len);
                parts[0] = NW_TOPIC_STATS;
                lens[0] = strlen(NW_TOPIC_STATS);
                parts[1] = buf;
                lens[1] = len;
                fakepub_send(f->fp_router, &id, parts, lens, 2);
                free(buf);
                goto out;
        }
        memset(&end, 0, sizeof end);
        end.req_id = r.req_id;
        end.last_seq = r.since;
        memcpy(end.origin, f->fp_origin, NW_ORIGIN_LEN);
        end.epoch = f->fp_epoch;
        pthread_mutex_lock(&f->fp_mu);
        end.head_seq = f->fp_n;
        for (i = r.since; i < f->fp_n; i++) {
                const struct nw_event *ev = f->fp_store[i];

                if (strncmp(ev->type, r.prefix, strlen(r.prefix)) != 0)
                        continue;
                if (r.limit > 0 && end.count == r.limit) {
                        end.more = true;
                        break;
                }
                fakepub_send_event(f, f->fp_router, &id, ev);
                end.count++;
                end.last_seq = ev->seq;
        }
        pthread_mutex_unlock(&f->fp_mu);
        nw_end_encode(&end, &buf, &len);
        parts[0] = NW_TOPIC_END;
        lens[0] = strlen(NW_TOPIC_END);
        parts[1] = buf;
        lens[1] = len;
        fakepub_send(f->fp_router, &id, parts, lens, 2);
        free(buf);
out:
        zmq_msg_close(&id);
        zmq_msg_close(&req);
}

/* The server thread. */
static void *
fakepub_thread(void *arg)
{
        struct fakepub *f = arg;
        zmq_pollitem_t pi;

        while (!f->fp_stop) {
                pi.socket = f->fp_router;
                pi.events = ZMQ_POLLIN;
                pi.revents = 0;
                if (zmq_poll(&pi, 1, 20) > 0)
                        fakepub_serve(f);
        }
        return NULL;
}

/* Bind and start. */
void
fakepub_start(struct fakepub *f, int sndhwm)
{
        size_t n;
        int linger = 0, i;
        struct timeval tv;

        memset(f, 0, sizeof *f);
        gettimeofday(&tv, NULL);
        for (i = 0; i < NW_ORIGIN_LEN; i++)
                f->fp_origin[i] = (uint8_t)(rand() ^ tv.tv_usec ^ i);
        f->fp_epoch = (uint64_t)tv.tv_sec;
        pthread_mutex_init(&f->fp_mu, NULL);
        f->fp_ctx = zmq_ctx_new();
        f->fp_pub = zmq_socket(f->fp_ctx, ZMQ_PUB);
        f->fp_router = zmq_socket(f->fp_ctx, ZMQ_ROUTER);
        zmq_setsockopt(f->fp_pub, ZMQ_LINGER, &linger, sizeof linger);
        zmq_setsockopt(f->fp_router, ZMQ_LINGER, &linger, sizeof linger);
        if (sndhwm > 0) {
                f->fp_sndhwm = sndhwm;
                zmq_setsockopt(f->fp_pub, ZMQ_SNDHWM, &sndhwm, sizeof sndhwm);
        }
        FP_CHECK(zmq_bind(f->fp_pub, "tcp://127.0.0.1:*") == 0);
        FP_CHECK(zmq_bind(f->fp_router, "tcp://127.0.0.1:*") == 0);
        n = sizeof f->fp_pub_ep;
        zmq_getsockopt(f->fp_pub, ZMQ_LAST_ENDPOINT, f->fp_pub_ep, &n);
        n = sizeof f->fp_replay_ep;
        zmq_getsockopt(f->fp_router, ZMQ_LAST_ENDPOINT, f->fp_replay_ep, &n);
        FP_CHECK(pthread_create(&f->fp_thread, NULL, fakepub_thread, f) == 0);
}

/* Stop and free. */
void
fakepub_stop(struct fakepub *f)
{
        size_t i;

        f->fp_stop = 1;
        pthread_join(f->fp_thread, NULL);
        zmq_close(f->fp_pub);
        zmq_close(f->fp_router);
        zmq_ctx_term(f->fp_ctx);
        for (i = 0; i < f->fp_n; i++)
                nw_event_destroy(&f->fp_store[i]);
        free(f->fp_store);
        pthread_mutex_destroy(&f->fp_mu);
}

/* Store (and maybe send) one event. */
uint64_t
fakepub_event(struct fakepub *f, const char *type, const char *entity, bool lose)
{
        struct nw_event *ev = nw_event_new();
        char id[64], *summary;
        uint64_t seq;

        pthread_mutex_lock(&f->fp_mu);
        seq = f->fp_n + 1;
        pthread_mutex_unlock(&f->fp_mu);
        snprintf(id, sizeof id, "ev-%llu", (unsigned long long)seq);
        nw_event_set_id(ev, id);
        nw_event_set_type(ev, type);
        nw_event_set_modality(ev, "asserted");
        ev->confidence = 0.9;
        ev->has_seq = true;
        ev->seq = seq;
        if (entity != NULL)
                nw_event_add_arg(ev, "agent", entity, entity);
        summary = malloc(f->fp_pad + 64);
        snprintf(summary, 64, "event %llu", (unsigned long long)seq);
        if (f->fp_pad > 0) {
                size_t l = strlen(summary);

                memset(summary + l, 'x', f->fp_pad);
                summary[l + f->fp_pad] = '\0';
        }
        nw_event_set_summary(ev, summary);
        free(summary);
        pthread_mutex_lock(&f->fp_mu);
        f->fp_store = realloc(f->fp_store, (f->fp_n + 1) * sizeof *f->fp_store);
        f->fp_store[f->fp_n++] = ev;
        pthread_mutex_unlock(&f->fp_mu);
        if (!lose)
                fakepub_send_event(f, f->fp_pub, NULL, ev);
        return seq;
}

/* One heartbeat. */
void
fakepub_heartbeat(struct fakepub *f)
{
        struct nw_heartbeat hb;
        char *buf;
        size_t len;

        memcpy(hb.origin, f->fp_origin, NW_ORIGIN_LEN);
        hb.epoch = f->fp_epoch;
        pthread_mutex_lock(&f->fp_mu);
        hb.last_seq = f->fp_n;
        pthread_mutex_unlock(&f->fp_mu);
        hb.time_ms = 0;
        FP_CHECK(nw_heartbeat_encode(&hb, &buf, &len) == 0);
        zmq_send(f->fp_pub, NW_TOPIC_HEARTBEAT, strlen(NW_TOPIC_HEARTBEAT), ZMQ_SNDMORE);
        zmq_send(f->fp_pub, buf, len, 0);
        free(buf);
}
