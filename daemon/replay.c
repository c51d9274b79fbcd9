/*
 * replay.c — the ZeroMQ ROUTER socket that answers replay and stats
 * requests from the store. A request is one msgpack frame after the peer's
 * identity (and an optional empty delimiter, echoed back). A replay streams
 * each event exactly as PUB sent it, then ["$end", end]; it is sent in
 * chunks, one per loop iteration, so a large replay never holds the loop.
 * ZMQ_FD is edge-triggered: after every wake-up and every send or receive we
 * look at ZMQ_EVENTS again and keep going while it says there is input.
 */
#include <errno.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "newswired.h"

#define REPLAY_CHUNK       256 /* events sent per job per loop iteration */
#define REPLAY_RECV_BUDGET 64  /* requests read per wake-up */
#define REPLAY_MAX_JOBS    64  /* replays in progress at once */
#define REPLAY_RETRY_MS    10  /* wait after a peer's queue is full */

/* One replay in progress. */
struct replay_job {
        uint8_t rj_ident[256]; /* the peer's routing id */
        size_t rj_identlen;
        bool rj_delim; /* the request had an empty delimiter frame */
        struct nw_request rj_req;
        uint64_t rj_cursor; /* last sequence sent (or since) */
        uint64_t rj_sent;
        uint64_t rj_limit;
        struct replay_job *rj_next;
};

struct replay {
        void *rp_sock;
        struct store *rp_store;
        struct event *rp_io;   /* ZMQ_FD readable */
        struct event *rp_pump; /* send the next chunks */
        struct replay_job *rp_jobs;
        size_t rp_njobs;
        int rp_limit, rp_max;
        struct zap *rp_zap; /* watches the socket's failed handshakes */
};

static void replay_io(struct replay *r);

/* Send frames to a peer: 0 sent, 1 peer's queue full, -1 peer gone/error. */
static int
replay_send(struct replay *r, const struct replay_job *j, const void *const *frames,
            const size_t *lens, size_t n)
{
        size_t i;

        if (zmq_send(r->rp_sock, j->rj_ident, j->rj_identlen, ZMQ_DONTWAIT | ZMQ_SNDMORE) == -1) {
                if (errno == EAGAIN)
                        return 1;
                log_debug("replay: peer gone: %s", zmq_strerror(errno));
                return -1;
        }
        if (j->rj_delim)
                zmq_send(r->rp_sock, "", 0, ZMQ_DONTWAIT | ZMQ_SNDMORE);
        for (i = 0; i < n; i++) {
                if (zmq_send(r->rp_sock, frames[i], lens[i],
                             ZMQ_DONTWAIT | (i + 1 < n ? ZMQ_SNDMORE : 0)) == -1) {
                        log_warnx("replay: zmq_send: %s", zmq_strerror(errno));
                        return -1;
                }
        }
        return 0;
}

/* Send one control reply ([topic, body]); best effort. */
static void
replay_control(struct replay *r, const struct replay_job *j, const char *topic, const char *buf,
               size_t len)
{
        const void *frames[2] = {topic, buf};
        size_t lens[2] = {strlen(topic), len};

        if (replay_send(r, j, frames, lens, 2) == 1)
                log_warnx("replay: reply %s dropped, peer's queue is full", topic);
}

/* Reply ["$error", error]. */
static void
replay_error(struct replay *r, const struct replay_job *j, uint64_t req_id, int code,
             const char *msg)
{
        struct nw_error_reply e;
        char *buf;
        size_t len;

        memset(&e, 0, sizeof e);
        e.req_id = req_id;
        e.code = code;
        snprintf(e.message, sizeof e.message, "%s", msg);
        metrics.m_replay_errors++;
        if (nw_error_encode(&e, &buf, &len) != 0) {
                log_warnx("replay: cannot encode error reply");
                return;
        }
        replay_control(r, j, NW_TOPIC_ERROR, buf, len);
        free(buf);
}

/* Reply ["$stats", stats]. */
static void
replay_stats(struct replay *r, const struct replay_job *j)
{
        struct nw_stat s[16];
        size_t n = 0;
        char *buf;
        size_t len;

#define STAT(k, v)                                                                                 \
        do {                                                                                       \
                snprintf(s[n].name, sizeof s[n].name, "%s", k);                                    \
                s[n++].value = (v);                                                                \
        } while (0)
        STAT("articles_received", metrics.m_received);
        STAT("articles_duplicate", metrics.m_duplicate);
        STAT("articles_failed", metrics.m_failed);
        STAT("articles_processed", metrics.m_processed);
        STAT("events_published", metrics.m_events);
        STAT("publish_dropped", metrics.m_pub_dropped);
        STAT("subscribers", metrics.m_subscribers);
        STAT("replay_requests", metrics.m_replay_requests);
        STAT("replay_errors", metrics.m_replay_errors);
        STAT("queue_depth", ingest_queue_depth());
        STAT("last_seq", store_last_seq(r->rp_store));
        STAT("epoch", store_epoch(r->rp_store));
        STAT("uptime_seconds", (util_wall_ms() - metrics.m_start_ms) / 1000);
#undef STAT
        if (nw_stats_encode(j->rj_req.req_id, s, n, &buf, &len) != 0) {
                log_warnx("replay: cannot encode stats");
                return;
        }
        replay_control(r, j, NW_TOPIC_STATS, buf, len);
        free(buf);
}

/* Reply ["$end", end] for a finished replay. */
static void
replay_end(struct replay *r, struct replay_job *j, bool more)
{
        struct nw_end e;
        char *buf;
        size_t len;

        memset(&e, 0, sizeof e);
        e.req_id = j->rj_req.req_id;
        e.count = j->rj_sent;
        e.last_seq = j->rj_cursor;
        e.head_seq = store_last_seq(r->rp_store);
        e.more = more;
        memcpy(e.origin, store_origin(r->rp_store), NW_ORIGIN_LEN);
        e.epoch = store_epoch(r->rp_store);
        if (nw_end_encode(&e, &buf, &len) != 0) {
                log_warnx("replay: cannot encode end");
                return;
        }
        replay_control(r, j, NW_TOPIC_END, buf, len);
        free(buf);
}

/* Handle one received message: [ident, (""), request]. */
static void
replay_handle(struct replay *r, zmq_msg_t *parts, size_t n)
{
        struct replay_job tmp, *j;
        char *cause = NULL;
        const zmq_msg_t *req;
        int rc;

        metrics.m_replay_requests++;
        memset(&tmp, 0, sizeof tmp);
        if (zmq_msg_size(&parts[0]) > sizeof tmp.rj_ident)
                return;
        tmp.rj_identlen = zmq_msg_size(&parts[0]);
        memcpy(tmp.rj_ident, zmq_msg_data(&parts[0]), tmp.rj_identlen);
        if (n == 3 && zmq_msg_size(&parts[1]) == 0) {
                tmp.rj_delim = true;
                req = &parts[2];
        } else if (n == 2)
                req = &parts[1];
        else {
                replay_error(r, &tmp, 0, NW_E_MALFORMED,
                             "a request is one msgpack frame (after an optional empty delimiter)");
                return;
        }
        rc = nw_request_decode(zmq_msg_data((zmq_msg_t *)req), zmq_msg_size((zmq_msg_t *)req),
                               &tmp.rj_req, &cause);
        if (rc != 0) {
                char msg[256];
                snprintf(msg, sizeof msg, "bad request: %s", cause ? cause : nw_strerror(rc));
                free(cause);
                log_debug("replay: %s", msg);
                replay_error(r, &tmp, 0, rc, msg);
                return;
        }
        if (tmp.rj_req.op == NW_REQ_STATS) {
                replay_stats(r, &tmp);
                return;
        }
        if (tmp.rj_req.op != NW_REQ_REPLAY) {
                replay_error(r, &tmp, tmp.rj_req.req_id, NW_E_VALUE, "unknown request op");
                return;
        }
        if (r->rp_njobs >= REPLAY_MAX_JOBS) {
                replay_error(r, &tmp, tmp.rj_req.req_id, NW_E_LIMIT,
                             "too many replays in progress, retry in a moment");
                return;
        }
        tmp.rj_req.prefix[sizeof tmp.rj_req.prefix - 1] = '\0';
        tmp.rj_cursor = tmp.rj_req.since;
        tmp.rj_limit = tmp.rj_req.limit == 0 ? (uint64_t)r->rp_limit : tmp.rj_req.limit;
        if (tmp.rj_limit > (uint64_t)r->rp_max)
                tmp.rj_limit = (uint64_t)r->rp_max;
        log_debug("replay: since %llu limit %llu prefix \"%s\"", (unsigned long long)tmp.rj_cursor,
                  (unsigned long long)tmp.rj_limit, tmp.rj_req.prefix);
        j = xmalloc(sizeof *j);
        *j = tmp;
        j->rj_next = r->rp_jobs;
        r->rp_jobs = j;
        r->rp_njobs++;
        event_active(r->rp_pump, 0, 0);
}

/* Receive one whole multipart message; false when none is waiting. */
static bool
replay_recv(struct replay *r)
{
        zmq_msg_t parts[4];
        size_t n = 0, i;
        int more;
        size_t ml = sizeof more;
        bool toolong = false;

        for (;;) {
                zmq_msg_t tmp;
                zmq_msg_init(&tmp);
                if (zmq_msg_recv(&tmp, r->rp_sock, ZMQ_DONTWAIT) == -1) {
                        zmq_msg_close(&tmp);
                        if (n == 0)
                                return false;
                        break;
                }
                if (n < 4)
                        parts[n++] = tmp;
                else {
                        zmq_msg_close(&tmp);
                        toolong = true;
                }
                more = 0;
                zmq_getsockopt(r->rp_sock, ZMQ_RCVMORE, &more, &ml);
                if (!more)
                        break;
        }
        if (toolong) {
                struct replay_job tmp;
                memset(&tmp, 0, sizeof tmp);
                metrics.m_replay_requests++;
                if (zmq_msg_size(&parts[0]) <= sizeof tmp.rj_ident) {
                        tmp.rj_identlen = zmq_msg_size(&parts[0]);
                        memcpy(tmp.rj_ident, zmq_msg_data(&parts[0]), tmp.rj_identlen);
                        replay_error(r, &tmp, 0, NW_E_MALFORMED, "too many frames in a request");
                }
        } else if (n >= 1)
                replay_handle(r, parts, n);
        for (i = 0; i < n; i++)
                zmq_msg_close(&parts[i]);
        return true;
}

/* Read requests while ZMQ_EVENTS says there are some (bounded per call). */
static void
replay_io(struct replay *r)
{
        int events, budget = REPLAY_RECV_BUDGET;
        size_t len = sizeof events;

        for (;;) {
                if (zmq_getsockopt(r->rp_sock, ZMQ_EVENTS, &events, &len) != 0)
                        return;
                if (!(events & ZMQ_POLLIN))
                        return;
                if (budget-- == 0) {
                        /* More input: come back on the next loop iteration. */
                        event_active(r->rp_io, EV_READ, 0);
                        return;
                }
                if (!replay_recv(r))
                        return;
        }
}

/* ZMQ_FD woke us. */
static void
replay_io_cb(evutil_socket_t fd, short what, void *arg)
{
        replay_io(arg);
}

/* Remove j from the job list and free it. */
static void
replay_job_free(struct replay *r, struct replay_job *j)
{
        struct replay_job **pp;

        for (pp = &r->rp_jobs; *pp != NULL; pp = &(*pp)->rj_next) {
                if (*pp == j) {
                        *pp = j->rj_next;
                        break;
                }
        }
        r->rp_njobs--;
        free(j);
}

/* Send the next chunk of one job: 1 more to do, 0 finished, 2 blocked. */
static int
replay_chunk(struct replay *r, struct replay_job *j)
{
        struct store_event *ev = NULL;
        size_t n = 0, i, want;
        char *cause = NULL;
        int rc = 1;

        want = j->rj_limit - j->rj_sent;
        if (want > REPLAY_CHUNK)
                want = REPLAY_CHUNK;
        if (want > 0 &&
            store_events(r->rp_store, j->rj_cursor, j->rj_req.prefix, want, &ev, &n, &cause) != 0) {
                log_warnx("replay: %s", cause);
                replay_error(r, j, j->rj_req.req_id, NW_E_MALFORMED, "store error");
                free(cause);
                return 0;
        }
        for (i = 0; i < n; i++) {
                char *trailer;
                size_t tlen;
                int s;
                if (publish_trailer(store_origin(r->rp_store), store_epoch(r->rp_store),
                                    ev[i].se_seq, &trailer, &tlen) != 0)
                        break;
                const void *frames[3] = {ev[i].se_type, ev[i].se_payload, trailer};
                size_t lens[3] = {strlen(ev[i].se_type), ev[i].se_len, tlen};
                s = replay_send(r, j, frames, lens, 3);
                free(trailer);
                if (s == 1) {
                        rc = 2;
                        break;
                }
                if (s == -1) {
                        store_events_free(ev, n);
                        return -1;
                }
                j->rj_cursor = ev[i].se_seq;
                j->rj_sent++;
                metrics.m_replay_events++;
        }
        store_events_free(ev, n);
        if (rc == 2)
                return 2;
        if (n < want) {
                replay_end(r, j, false);
                return 0;
        }
        if (j->rj_sent >= j->rj_limit) {
                /* Limit reached: is there anything after it? */
                struct store_event *more = NULL;
                size_t nmore = 0;
                if (store_events(r->rp_store, j->rj_cursor, j->rj_req.prefix, 1, &more, &nmore,
                                 NULL) == 0)
                        store_events_free(more, nmore);
                replay_end(r, j, nmore > 0);
                return 0;
        }
        return 1;
}

/* Pump: one chunk for every job, then come back if work remains. */
static void
replay_pump_cb(evutil_socket_t fd, short what, void *arg)
{
        struct replay *r = arg;
        struct replay_job *j, *next;
        bool again = false, blocked = false;
        int rc;

        for (j = r->rp_jobs; j != NULL; j = next) {
                next = j->rj_next;
                rc = replay_chunk(r, j);
                if (rc == 1)
                        again = true;
                else if (rc == 2)
                        blocked = true;
                else
                        replay_job_free(r, j);
        }
        /* Sending may have changed ZMQ_EVENTS: look for requests now. */
        replay_io(r);
        if (again)
                event_active(r->rp_pump, 0, 0);
        else if (blocked) {
                struct timeval tv = {0, REPLAY_RETRY_MS * 1000};
                event_add(r->rp_pump, &tv);
        }
}

/* Bind the ROUTER socket on every endpoint. */
struct replay *
replay_new(struct event_base *base, void *zctx, struct zap *z, char **endpoints, size_t n,
           struct store *st, int limit, int max, char **cause)
{
        struct replay *r = xcalloc(1, sizeof *r);
        int one = 1, linger = 0, hwm = 20000;
        int fd;
        size_t fdlen = sizeof fd, i;

        r->rp_store = st;
        r->rp_limit = limit;
        r->rp_max = max;
        if ((r->rp_sock = zmq_socket(zctx, ZMQ_ROUTER)) == NULL) {
                xasprintf(cause, "zmq_socket ROUTER: %s", zmq_strerror(errno));
                replay_destroy(&r);
                return NULL;
        }
        zmq_setsockopt(r->rp_sock, ZMQ_ROUTER_MANDATORY, &one, sizeof one);
        zmq_setsockopt(r->rp_sock, ZMQ_LINGER, &linger, sizeof linger);
        zmq_setsockopt(r->rp_sock, ZMQ_SNDHWM, &hwm, sizeof hwm);
        if (z != NULL) {
                if (zap_watch(z, base, zctx, r->rp_sock, "replay", cause) != 0) {
                        replay_destroy(&r);
                        return NULL;
                }
                r->rp_zap = z;
        }
        for (i = 0; i < n; i++) {
                char *err = NULL;
                if (zap_bind(z, r->rp_sock, endpoints[i], &err) != 0) {
                        xasprintf(cause, "ROUTER: %s", err);
                        free(err);
                        replay_destroy(&r);
                        return NULL;
                }
                log_info("replay on %s%s", endpoints[i],
                         zap_curve_for(z, endpoints[i]) ? " (CURVE)" : "");
        }
        if (zmq_getsockopt(r->rp_sock, ZMQ_FD, &fd, &fdlen) != 0) {
                xasprintf(cause, "ZMQ_FD: %s", zmq_strerror(errno));
                replay_destroy(&r);
                return NULL;
        }
        r->rp_io = event_new(base, fd, EV_READ | EV_PERSIST, replay_io_cb, r);
        event_add(r->rp_io, NULL);
        r->rp_pump = event_new(base, -1, 0, replay_pump_cb, r);
        /* Messages may have arrived before the event existed. */
        event_active(r->rp_io, EV_READ, 0);
        return r;
}

/* Drop the jobs and close the socket. */
void
replay_destroy(struct replay **rp)
{
        struct replay *r = *rp;

        if (r == NULL)
                return;
        while (r->rp_jobs != NULL)
                replay_job_free(r, r->rp_jobs);
        if (r->rp_io != NULL)
                event_free(r->rp_io);
        if (r->rp_pump != NULL)
                event_free(r->rp_pump);
        if (r->rp_sock != NULL) {
                if (r->rp_zap != NULL)
                        zap_unwatch(r->rp_zap, r->rp_sock);
                zmq_close(r->rp_sock);
        }
        free(r);
        *rp = NULL;
}

/* Replays in progress. */
size_t
replay_active(struct replay *r)
{
        return r->rp_njobs;
}
