/*
 * replay.c — a DEALER client of newswired's replay (ROUTER) socket: sends one
 * request frame and reads the reply (event messages identical to PUB's, then
 * "$end"; or "$error"; or "$stats"). PROTOCOL.md has the framing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <zmq.h>

#include "client.h"

/* A replay connection. */
struct replay {
        void *rp_ctx;      /* the zmq context (not owned) */
        char *rp_endpoint; /* where it connects */
        void *rp_sock;     /* the DEALER */
        uint64_t rp_req;   /* the last request id used */
        struct client_curve rp_curve;
};

/* A received multipart message, at most 4 frames. */
struct replay_frames {
        zmq_msg_t f_msg[4];
        size_t f_n;
        bool f_overflow; /* more than 4 frames were sent */
};

/* (Re)create the DEALER socket. */
static int
replay_connect(struct replay *r, char **cause)
{
        int linger = 0;
        int64_t maxsize = NW_MAX_MESSAGE + 1024;

        if (r->rp_sock != NULL)
                zmq_close(r->rp_sock);
        if ((r->rp_sock = zmq_socket(r->rp_ctx, ZMQ_DEALER)) == NULL)
                return client_fail(cause, "zmq_socket: %s", zmq_strerror(errno));
        zmq_setsockopt(r->rp_sock, ZMQ_LINGER, &linger, sizeof linger);
        zmq_setsockopt(r->rp_sock, ZMQ_MAXMSGSIZE, &maxsize, sizeof maxsize);
        if (curve_apply(&r->rp_curve, r->rp_sock, cause) != 0)
                return -1;
        if (zmq_connect(r->rp_sock, r->rp_endpoint) != 0)
                return client_fail(cause, "%s: %s", r->rp_endpoint, zmq_strerror(errno));
        return 0;
}

/* Connect a new replay client. */
struct replay *
replay_new(void *ctx, const char *endpoint, const struct client_curve *cc, char **cause)
{
        struct replay *r = nw_xcalloc(1, sizeof *r);

        if (cc != NULL)
                r->rp_curve = *cc;
        r->rp_ctx = ctx;
        r->rp_endpoint = nw_xstrdup(endpoint);
        r->rp_req = (uint64_t)client_wall_ms() << 16;
        if (replay_connect(r, cause) != 0) {
                replay_destroy(&r);
                return NULL;
        }
        return r;
}

/* Close and free. */
void
replay_destroy(struct replay **rp)
{
        struct replay *r = *rp;

        if (r == NULL)
                return;
        if (r->rp_sock != NULL)
                zmq_close(r->rp_sock);
        free(r->rp_endpoint);
        explicit_bzero(&r->rp_curve, sizeof r->rp_curve);
        free(r);
        *rp = NULL;
}

/* Release received frames. */
static void
replay_frames_close(struct replay_frames *f)
{
        size_t i;

        for (i = 0; i < f->f_n; i++)
                zmq_msg_close(&f->f_msg[i]);
        f->f_n = 0;
}

/* Receive one multipart message within timeout_ms. */
static int
replay_recv(struct replay *r, int timeout_ms, struct replay_frames *f, char **cause)
{
        zmq_pollitem_t pi = {r->rp_sock, 0, ZMQ_POLLIN, 0};
        zmq_msg_t extra;
        int more, n;

        f->f_n = 0;
        f->f_overflow = false;
        do
                n = zmq_poll(&pi, 1, timeout_ms);
        while (n == -1 && errno == EINTR);
        if (n == -1)
                return client_fail(cause, "zmq_poll: %s", zmq_strerror(errno));
        if (n == 0)
                return client_fail(cause, "no answer from %s within %.1f s", r->rp_endpoint,
                                   timeout_ms / 1000.0);
        do {
                zmq_msg_t *m = f->f_n < 4 ? &f->f_msg[f->f_n] : &extra;

                zmq_msg_init(m);
                if (zmq_msg_recv(m, r->rp_sock, 0) == -1) {
                        zmq_msg_close(m);
                        replay_frames_close(f);
                        return client_fail(cause, "%s: %s", r->rp_endpoint, zmq_strerror(errno));
                }
                more = zmq_msg_more(m);
                if (f->f_n < 4)
                        f->f_n++;
                else {
                        zmq_msg_close(m);
                        f->f_overflow = true;
                }
        } while (more);
        return 0;
}

/* Whether frame i of f is the string s. */
static bool
replay_frame_is(struct replay_frames *f, size_t i, const char *s)
{
        size_t n = strlen(s);

        return zmq_msg_size(&f->f_msg[i]) == n && memcmp(zmq_msg_data(&f->f_msg[i]), s, n) == 0;
}

/* Send a request. */
static int
replay_send(struct replay *r, const struct nw_request *req, char **cause)
{
        char *buf;
        size_t len;
        int rc;

        if (nw_request_encode(req, &buf, &len) != 0)
                return client_fail(cause, "cannot encode the replay request");
        rc = zmq_send(r->rp_sock, buf, len, 0);
        free(buf);
        if (rc == -1)
                return client_fail(cause, "%s: %s", r->rp_endpoint, zmq_strerror(errno));
        return 0;
}

/* Turn an "$error" message into a cause. */
static int
replay_error(struct replay *r, struct replay_frames *f, char **cause)
{
        struct nw_error_reply e;
        char *why = NULL;

        if (f->f_n == 2 &&
            nw_error_decode(zmq_msg_data(&f->f_msg[1]), zmq_msg_size(&f->f_msg[1]), &e, &why) == 0)
                return client_fail(cause, "%s refused the request: %s (%s)", r->rp_endpoint,
                                   e.message, nw_strerror(e.code));
        client_fail(cause, "%s sent a malformed error: %s", r->rp_endpoint,
                    why ? why : "wrong frame count");
        free(why);
        return -1;
}

/* Replay events after since; see client.h. */
int
replay_events(struct replay *r, uint64_t since, uint32_t limit, const char *prefix, int timeout_ms,
              replay_event_fn fn, void *arg, struct nw_end *end, char **cause)
{
        struct nw_request req;
        struct replay_frames f;
        struct nw_trailer t;
        struct nw_event *ev;
        char *why = NULL;

        memset(&req, 0, sizeof req);
        req.op = NW_REQ_REPLAY;
        req.req_id = ++r->rp_req;
        req.since = since;
        req.limit = limit;
        if (prefix != NULL && strlen(prefix) >= sizeof req.prefix)
                return client_fail(cause, "type prefix too long");
        snprintf(req.prefix, sizeof req.prefix, "%s", prefix ? prefix : "");
        if (replay_send(r, &req, cause) != 0)
                goto fail;
        for (;;) {
                if (replay_recv(r, timeout_ms, &f, cause) != 0)
                        goto fail;
                if (f.f_overflow || f.f_n < 2) {
                        client_fail(cause, "%s sent a message of %s frames", r->rp_endpoint,
                                    f.f_overflow ? "too many" : "too few");
                        goto fail_frames;
                }
                if (replay_frame_is(&f, 0, NW_TOPIC_END)) {
                        if (f.f_n != 2 ||
                            nw_end_decode(zmq_msg_data(&f.f_msg[1]), zmq_msg_size(&f.f_msg[1]), end,
                                          &why) != 0) {
                                client_fail(cause, "%s sent a malformed $end: %s", r->rp_endpoint,
                                            why ? why : "wrong frame count");
                                goto fail_frames;
                        }
                        replay_frames_close(&f);
                        if (end->req_id != req.req_id)
                                continue; /* a late reply to an older request */
                        break;
                }
                if (replay_frame_is(&f, 0, NW_TOPIC_ERROR)) {
                        replay_error(r, &f, cause);
                        goto fail_frames;
                }
                if (f.f_n != 3) {
                        client_fail(cause, "%s sent an event of %zu frames", r->rp_endpoint, f.f_n);
                        goto fail_frames;
                }
                if (nw_trailer_decode(zmq_msg_data(&f.f_msg[2]), zmq_msg_size(&f.f_msg[2]), &t,
                                      &why) != 0 ||
                    nw_event_decode(zmq_msg_data(&f.f_msg[1]), zmq_msg_size(&f.f_msg[1]), &ev,
                                    &why) != 0) {
                        client_fail(cause, "%s sent a malformed event: %s", r->rp_endpoint, why);
                        goto fail_frames;
                }
                replay_frames_close(&f);
                if (ev->has_seq && ev->seq != t.seq) {
                        client_fail(
                            cause, "%s sent an event whose seq %llu is not its trailer's %llu",
                            r->rp_endpoint, (unsigned long long)ev->seq, (unsigned long long)t.seq);
                        nw_event_destroy(&ev);
                        goto fail;
                }
                if (t.seq <= since) {
                        nw_event_destroy(&ev);
                        continue;
                }
                if (fn(arg, ev, &t) != 0) {
                        client_fail(cause, "replay aborted");
                        goto fail;
                }
        }
        free(why);
        return 0;

fail_frames:
        replay_frames_close(&f);
fail:
        free(why);
        replay_connect(r, NULL); /* drop whatever else the old request sends */
        return -1;
}

/* Ask for statistics. */
int
replay_stats(struct replay *r, int timeout_ms, struct nw_stat **stats, size_t *n, char **cause)
{
        struct nw_request req;
        struct replay_frames f;
        uint64_t id;
        char *why = NULL;

        memset(&req, 0, sizeof req);
        req.op = NW_REQ_STATS;
        req.req_id = ++r->rp_req;
        if (replay_send(r, &req, cause) != 0)
                return -1;
        for (;;) {
                if (replay_recv(r, timeout_ms, &f, cause) != 0)
                        goto fail;
                if (f.f_n == 2 && replay_frame_is(&f, 0, NW_TOPIC_STATS)) {
                        if (nw_stats_decode(zmq_msg_data(&f.f_msg[1]), zmq_msg_size(&f.f_msg[1]),
                                            &id, stats, n, &why) != 0) {
                                client_fail(cause, "%s sent malformed stats: %s", r->rp_endpoint,
                                            why);
                                free(why);
                                replay_frames_close(&f);
                                goto fail;
                        }
                        replay_frames_close(&f);
                        if (id != req.req_id) {
                                free(*stats);
                                continue;
                        }
                        return 0;
                }
                if (f.f_n >= 1 && replay_frame_is(&f, 0, NW_TOPIC_ERROR)) {
                        replay_error(r, &f, cause);
                        replay_frames_close(&f);
                        goto fail;
                }
                replay_frames_close(&f); /* something else: a stale reply */
        }
fail:
        replay_connect(r, NULL);
        return -1;
}
