/*
 * sub.c — the subscriber: one SUB socket and one replay client per
 * publisher; decodes and validates every message, tracks (origin, epoch,
 * seq) per publisher and fills every gap from the replay socket, so events
 * come out in sequence order, each once.
 *
 * Gaps. With no type prefix every sequence reaches us, so seq != last + 1 is
 * a gap. With prefixes the publisher's sequence skips the types we did not
 * subscribe to, so a jump is ambiguous: we ask the replay socket for our
 * prefixes after the last sequence we know about ("the watermark"), which
 * returns exactly what we missed, possibly nothing. Heartbeats carry the
 * publisher's last sequence; one above the watermark means events were lost
 * at the tail (or, with prefixes, not ours), and triggers the same check.
 * The watermark is the last sequence delivered, or the head_seq of a
 * finished replay (everything of ours up to it was sent, PROTOCOL.md 5).
 * Live events at or below the watermark are duplicates and dropped.
 *
 * Order. Live events are held back while a catch-up is pending: nothing
 * above the watermark is delivered out of the replay path.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <zmq.h>

#include "client.h"

/* One publisher. */
struct sub_pub {
        char *sp_pub_ep;    /* its PUB endpoint */
        char *sp_replay_ep; /* its replay endpoint */
        void *sp_sock;      /* the SUB socket */
        void *sp_mon;       /* PAIR of its monitor: failed handshakes */
        struct replay *sp_replay;
        bool sp_heard;      /* something arrived since the (re)connect */
        bool sp_ever_heard; /* something arrived since sub_start */
        bool sp_known;      /* sp_origin and sp_epoch are set */
        uint8_t sp_origin[NW_ORIGIN_LEN];
        uint64_t sp_epoch;
        bool sp_have_last;   /* sp_last is meaningful */
        uint64_t sp_last;    /* the watermark: everything <= it was delivered or is not ours */
        bool sp_catchup;     /* a replay from sp_last is due */
        int64_t sp_last_msg; /* monotonic ms of the last message (or connect) */
        bool sp_down;        /* a heartbeat timeout was reported, not yet recovered */
        int64_t sp_retry_at; /* earliest time of the next catch-up attempt after a failure */
};

/* A queued event. */
struct sub_item {
        struct nw_event *si_event;
        struct nw_trailer si_trailer;
        size_t si_pub;
        bool si_replayed;
};

/* The subscriber. */
struct sub {
        void *s_ctx;
        struct sub_pub *s_pubs;
        size_t s_npubs;
        char **s_prefixes;
        size_t s_nprefixes;
        bool s_has_since;
        uint64_t s_since;
        bool s_has_origin; /* s_since belongs to this origin */
        uint8_t s_origin[NW_ORIGIN_LEN];
        int64_t s_hb_timeout;
        int s_replay_timeout;
        uint32_t s_replay_limit;
        int s_rcvhwm;
        bool s_wait;
        bool s_started;
        sub_notify_fn s_notify;
        void *s_notify_arg;
        struct sub_item *s_queue; /* FIFO of events ready to deliver */
        size_t s_qhead, s_qlen, s_qcap;
        uint64_t s_replayed;   /* events delivered from replay */
        uint64_t s_reconnects; /* heartbeat-timeout reconnects */
        struct client_curve s_curve;
};

static void sub_pub_close(struct sub_pub *p);

/* The default notice: a line on stderr. */
static void
sub_default_notify(void *arg, const char *message)
{
        client_warnx("%s", message);
}

/* Tell the user something. */
static void __attribute__((format(printf, 2, 3))) sub_notice(struct sub *s, const char *fmt, ...)
{
        va_list ap;
        char *m;

        va_start(ap, fmt);
        if (vasprintf(&m, fmt, ap) == -1)
                m = NULL;
        va_end(ap);
        if (m != NULL && s->s_notify != NULL)
                s->s_notify(s->s_notify_arg, m);
        free(m);
}

/* A new subscriber. */
struct sub *
sub_new(void)
{
        struct sub *s = nw_xcalloc(1, sizeof *s);

        s->s_hb_timeout = 3500;
        s->s_replay_timeout = 5000;
        s->s_replay_limit = 1000;
        s->s_notify = sub_default_notify;
        return s;
}

/* Free everything. */
void
sub_destroy(struct sub **sp)
{
        struct sub *s = *sp;
        size_t i;

        if (s == NULL)
                return;
        for (i = 0; i < s->s_npubs; i++) {
                sub_pub_close(&s->s_pubs[i]);
                replay_destroy(&s->s_pubs[i].sp_replay);
                free(s->s_pubs[i].sp_pub_ep);
                free(s->s_pubs[i].sp_replay_ep);
        }
        free(s->s_pubs);
        for (i = 0; i < s->s_nprefixes; i++)
                free(s->s_prefixes[i]);
        free(s->s_prefixes);
        for (i = 0; i < s->s_qlen; i++)
                nw_event_destroy(&s->s_queue[(s->s_qhead + i) % s->s_qcap].si_event);
        free(s->s_queue);
        if (s->s_ctx != NULL)
                zmq_ctx_term(s->s_ctx);
        free(s);
        *sp = NULL;
}

/* Add a publisher. */
void
sub_add_endpoint(struct sub *s, const char *pub, const char *replay)
{
        struct sub_pub *p;

        s->s_pubs = nw_xrealloc(s->s_pubs, (s->s_npubs + 1) * sizeof *s->s_pubs);
        p = &s->s_pubs[s->s_npubs++];
        memset(p, 0, sizeof *p);
        p->sp_pub_ep = nw_xstrdup(pub);
        p->sp_replay_ep = nw_xstrdup(replay);
}

/* Add a SUB prefix. */
void
sub_add_prefix(struct sub *s, const char *prefix)
{
        s->s_prefixes = nw_xrealloc(s->s_prefixes, (s->s_nprefixes + 1) * sizeof(char *));
        s->s_prefixes[s->s_nprefixes++] = nw_xstrdup(prefix);
}

/* Start after since. */
void
sub_set_since(struct sub *s, uint64_t since)
{
        s->s_has_since = true;
        s->s_since = since;
}

/* The origin of the since position. */
void
sub_set_origin(struct sub *s, const uint8_t origin[NW_ORIGIN_LEN])
{
        s->s_has_origin = true;
        memcpy(s->s_origin, origin, NW_ORIGIN_LEN);
}

/* A publisher silent for longer than ms (no event, no heartbeat) is reconnected. */
void
sub_set_heartbeat_timeout(struct sub *s, int64_t ms)
{
        s->s_hb_timeout = ms;
}

/* How long a replay request may wait for its answer, in ms. */
void
sub_set_replay_timeout(struct sub *s, int ms)
{
        s->s_replay_timeout = ms;
}

/* Events asked for per replay request (0: 1000). */
void
sub_set_replay_limit(struct sub *s, uint32_t limit)
{
        s->s_replay_limit = limit ? limit : 1000;
}

/* ZMQ_RCVHWM of the SUB sockets (0: the zmq default). */
void
sub_set_rcvhwm(struct sub *s, int hwm)
{
        s->s_rcvhwm = hwm;
}

/* Keep waiting for a publisher never heard from instead of failing. */
void
sub_set_wait(struct sub *s, bool wait)
{
        s->s_wait = wait;
}

/* Where notices (reconnects, gaps filled...) go instead of the default. */
void
sub_set_notify(struct sub *s, sub_notify_fn fn, void *arg)
{
        s->s_notify = fn;
        s->s_notify_arg = arg;
}

/* Events received through replay so far. */
uint64_t
sub_replayed_count(const struct sub *s)
{
        return s->s_replayed;
}

/* Reconnections after a heartbeat timeout so far. */
uint64_t
sub_reconnect_count(const struct sub *s)
{
        return s->s_reconnects;
}

/* Connect as a CURVE client. */
void
sub_set_curve(struct sub *s, const struct client_curve *cc)
{
        s->s_curve = *cc;
}

/* Why p's handshakes failed, from its monitor (malloc'd), or NULL when no
 * handshake failure was seen. */
static char *
sub_handshake_reason(const struct sub *s, struct sub_pub *p)
{
        char *why = NULL;
        zmq_msg_t m;
        uint16_t ev;
        uint32_t value;
        int more, rank = 0;
        size_t ml;

        if (p->sp_mon == NULL)
                return NULL;
        for (;;) {
                zmq_msg_init(&m);
                if (zmq_msg_recv(&m, p->sp_mon, ZMQ_DONTWAIT) == -1) {
                        zmq_msg_close(&m);
                        return why;
                }
                if (zmq_msg_size(&m) >= 6) {
                        memcpy(&ev, zmq_msg_data(&m), sizeof ev);
                        memcpy(&value, (const char *)zmq_msg_data(&m) + 2, sizeof value);
                        /* The most telling failure wins: a refused key, then a
                         * mechanism mismatch, then a connection closed early. */
                        if (ev == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH && rank < 3) {
                                rank = 3;
                                free(why);
                                why = nw_xprintf("the daemon refused our CURVE key (status %u): "
                                                 "is our NAME.pub in its curve_clients_dir?",
                                                 (unsigned)value);
                        } else if (ev == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL &&
                                   value == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH &&
                                   rank < 2) {
                                rank = 2;
                                free(why);
                                why = nw_xprintf(
                                    "%s", s->s_curve.cc_on
                                              ? "the daemon does not use CURVE on this endpoint "
                                                "(drop --server-key and --client-key)"
                                              : "the daemon requires CURVE on this endpoint (give "
                                                "--server-key and --client-key)");
                        } else if (rank < 1) {
                                rank = 1;
                                free(why);
                                why = nw_xprintf(
                                    "the daemon closed the connection during the handshake (%s)",
                                    s->s_curve.cc_on ? "a wrong --server-key, or no CURVE there?"
                                                     : "it requires CURVE? give --server-key and "
                                                       "--client-key");
                        }
                }
                do {
                        more = 0;
                        ml = sizeof more;
                        zmq_getsockopt(p->sp_mon, ZMQ_RCVMORE, &more, &ml);
                        if (more)
                                zmq_msg_recv(&m, p->sp_mon, ZMQ_DONTWAIT);
                } while (more);
                zmq_msg_close(&m);
        }
}

/* Close p's SUB socket and its monitor. */
static void
sub_pub_close(struct sub_pub *p)
{
        if (p->sp_sock != NULL) {
                if (p->sp_mon != NULL)
                        zmq_socket_monitor(p->sp_sock, NULL, 0);
                zmq_close(p->sp_sock);
                p->sp_sock = NULL;
        }
        if (p->sp_mon != NULL) {
                zmq_close(p->sp_mon);
                p->sp_mon = NULL;
        }
}

/* (Re)create a publisher's sockets. */
static int
sub_pub_connect(struct sub *s, struct sub_pub *p, char **cause)
{
        int64_t maxsize = NW_MAX_MESSAGE + 1024;
        int linger = 0;
        size_t i;

        char addr[80];

        sub_pub_close(p);
        replay_destroy(&p->sp_replay);
        if ((p->sp_sock = zmq_socket(s->s_ctx, ZMQ_SUB)) == NULL)
                return client_fail(cause, "zmq_socket: %s", zmq_strerror(errno));
        /* A monitor tells a refused key from a daemon that is not there. */
        static unsigned nmon;
        snprintf(addr, sizeof addr, "inproc://newswire-sub-monitor-%p-%u", (void *)p, nmon++);
        if (zmq_socket_monitor(p->sp_sock, addr,
                               ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL |
                                   ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                                   ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) == 0 &&
            (p->sp_mon = zmq_socket(s->s_ctx, ZMQ_PAIR)) != NULL) {
                zmq_setsockopt(p->sp_mon, ZMQ_LINGER, &linger, sizeof linger);
                if (zmq_connect(p->sp_mon, addr) != 0) {
                        zmq_close(p->sp_mon);
                        p->sp_mon = NULL;
                }
        }
        zmq_setsockopt(p->sp_sock, ZMQ_LINGER, &linger, sizeof linger);
        zmq_setsockopt(p->sp_sock, ZMQ_MAXMSGSIZE, &maxsize, sizeof maxsize);
        if (s->s_rcvhwm > 0)
                zmq_setsockopt(p->sp_sock, ZMQ_RCVHWM, &s->s_rcvhwm, sizeof s->s_rcvhwm);
        if (s->s_nprefixes == 0)
                zmq_setsockopt(p->sp_sock, ZMQ_SUBSCRIBE, "", 0);
        else {
                for (i = 0; i < s->s_nprefixes; i++)
                        zmq_setsockopt(p->sp_sock, ZMQ_SUBSCRIBE, s->s_prefixes[i],
                                       strlen(s->s_prefixes[i]));
                zmq_setsockopt(p->sp_sock, ZMQ_SUBSCRIBE, NW_TOPIC_HEARTBEAT,
                               strlen(NW_TOPIC_HEARTBEAT));
        }
        if (curve_apply(&s->s_curve, p->sp_sock, cause) != 0)
                return -1;
        if (zmq_connect(p->sp_sock, p->sp_pub_ep) != 0)
                return client_fail(cause, "%s: %s", p->sp_pub_ep, zmq_strerror(errno));
        if ((p->sp_replay = replay_new(s->s_ctx, p->sp_replay_ep, &s->s_curve, cause)) == NULL)
                return -1;
        p->sp_heard = false;
        p->sp_last_msg = client_now_ms();
        return 0;
}

/* Create the context and connect every publisher. */
int
sub_start(struct sub *s, char **cause)
{
        size_t i;

        if (s->s_npubs == 0)
                return client_fail(cause, "no endpoint to subscribe to");
        if ((s->s_ctx = zmq_ctx_new()) == NULL)
                return client_fail(cause, "zmq_ctx_new: %s", zmq_strerror(errno));
        for (i = 0; i < s->s_npubs; i++) {
                struct sub_pub *p = &s->s_pubs[i];

                if (s->s_has_since) {
                        p->sp_have_last = true;
                        p->sp_last = s->s_since;
                        p->sp_catchup = true;
                }
                if (sub_pub_connect(s, p, cause) != 0)
                        return -1;
        }
        s->s_started = true;
        return 0;
}

/* Queue an event for delivery (takes ev). */
static void
sub_enqueue(struct sub *s, size_t pub, struct nw_event *ev, const struct nw_trailer *t,
            bool replayed)
{
        struct sub_item *it;

        if (s->s_qlen == s->s_qcap) {
                size_t ncap = s->s_qcap ? s->s_qcap * 2 : 64, i;
                struct sub_item *nq = nw_xcalloc(ncap, sizeof *nq);

                for (i = 0; i < s->s_qlen; i++)
                        nq[i] = s->s_queue[(s->s_qhead + i) % s->s_qcap];
                free(s->s_queue);
                s->s_queue = nq;
                s->s_qcap = ncap;
                s->s_qhead = 0;
        }
        it = &s->s_queue[(s->s_qhead + s->s_qlen++) % s->s_qcap];
        it->si_event = ev;
        it->si_trailer = *t;
        it->si_pub = pub;
        it->si_replayed = replayed;
        if (replayed)
                s->s_replayed++;
}

/* Events collected during one catch-up. */
struct sub_pending {
        struct sub_item *pd_items;
        size_t pd_n, pd_cap;
        const struct sub_pub *pd_pub;
        bool pd_origin_bad;
};

/* replay_events callback: collect. */
static int
sub_pending_add(void *arg, struct nw_event *ev, const struct nw_trailer *t)
{
        struct sub_pending *pd = arg;

        if (pd->pd_pub->sp_known && memcmp(t->origin, pd->pd_pub->sp_origin, NW_ORIGIN_LEN) != 0) {
                pd->pd_origin_bad = true;
                nw_event_destroy(&ev);
                return -1;
        }
        if (pd->pd_n == pd->pd_cap) {
                pd->pd_cap = pd->pd_cap ? pd->pd_cap * 2 : 64;
                pd->pd_items = nw_xrealloc(pd->pd_items, pd->pd_cap * sizeof *pd->pd_items);
        }
        pd->pd_items[pd->pd_n].si_event = ev;
        pd->pd_items[pd->pd_n].si_trailer = *t;
        pd->pd_n++;
        return 0;
}

/* qsort order: by sequence. */
static int
sub_item_cmp(const void *a, const void *b)
{
        const struct sub_item *x = a, *y = b;

        if (x->si_trailer.seq != y->si_trailer.seq)
                return x->si_trailer.seq < y->si_trailer.seq ? -1 : 1;
        return 0;
}

/*
 * Replay everything of ours after the watermark and queue it in order. Each
 * prefix is paged separately; a page's events are safe to deliver only up to
 * the smallest cursor among prefixes that have more to come.
 */
static int
sub_catchup(struct sub *s, size_t pi, char **cause)
{
        struct sub_pub *p = &s->s_pubs[pi];
        size_t np = s->s_nprefixes ? s->s_nprefixes : 1, i, k, rounds;
        uint64_t *cursor = nw_xcalloc(np, sizeof *cursor), horizon, head = UINT64_MAX;
        bool *done = nw_xcalloc(np, sizeof *done), all;
        struct sub_pending pd = {.pd_pub = p};
        uint64_t start = p->sp_last, delivered = 0;
        struct nw_end end;
        int rc = -1;

        for (i = 0; i < np; i++)
                cursor[i] = p->sp_last;
        for (rounds = 0; rounds < 1000000; rounds++) {
                for (i = 0; i < np; i++) {
                        uint64_t before = cursor[i];

                        if (done[i])
                                continue;
                        if (replay_events(p->sp_replay, cursor[i], s->s_replay_limit,
                                          s->s_nprefixes ? s->s_prefixes[i] : "",
                                          s->s_replay_timeout, sub_pending_add, &pd, &end,
                                          cause) != 0) {
                                if (pd.pd_origin_bad) {
                                        free(*cause);
                                        client_fail(cause,
                                                    "replay from %s has another origin than "
                                                    "its PUB socket",
                                                    p->sp_replay_ep);
                                }
                                goto out;
                        }
                        if (!p->sp_known) {
                                memcpy(p->sp_origin, end.origin, NW_ORIGIN_LEN);
                                p->sp_epoch = end.epoch;
                                p->sp_known = true;
                        } else if (memcmp(end.origin, p->sp_origin, NW_ORIGIN_LEN) != 0) {
                                client_fail(cause,
                                            "replay from %s has another origin than its PUB "
                                            "socket",
                                            p->sp_replay_ep);
                                goto out;
                        }
                        cursor[i] = end.last_seq > cursor[i] ? end.last_seq : cursor[i];
                        done[i] = !end.more;
                        if (done[i] && end.head_seq < head)
                                head = end.head_seq;
                        if (end.more && cursor[i] == before) {
                                client_fail(cause, "replay from %s makes no progress after %llu",
                                            p->sp_replay_ep, (unsigned long long)before);
                                goto out;
                        }
                }
                all = true;
                horizon = UINT64_MAX;
                for (i = 0; i < np; i++)
                        if (!done[i]) {
                                all = false;
                                if (cursor[i] < horizon)
                                        horizon = cursor[i];
                        }
                if (pd.pd_n > 1)
                        qsort(pd.pd_items, pd.pd_n, sizeof *pd.pd_items, sub_item_cmp);
                for (i = 0, k = 0; i < pd.pd_n; i++) {
                        struct sub_item *it = &pd.pd_items[i];

                        if (it->si_trailer.seq > horizon) {
                                pd.pd_items[k++] = *it;
                                continue;
                        }
                        if (it->si_trailer.seq <= p->sp_last) { /* overlapping prefixes */
                                nw_event_destroy(&it->si_event);
                                continue;
                        }
                        p->sp_last = it->si_trailer.seq;
                        sub_enqueue(s, pi, it->si_event, &it->si_trailer, true);
                        delivered++;
                }
                pd.pd_n = k;
                if (all)
                        break;
        }
        /* PROTOCOL.md 5: a finished replay of a prefix has sent every matching
         * event up to its head_seq, so the watermark may move there (the
         * smallest head over our prefixes). */
        if (head != UINT64_MAX && head > p->sp_last)
                p->sp_last = head;
        p->sp_have_last = true;
        p->sp_catchup = false;
        if (delivered > 0)
                sub_notice(s, "%s: replayed %llu event%s after seq %llu", p->sp_pub_ep,
                           (unsigned long long)delivered, delivered == 1 ? "" : "s",
                           (unsigned long long)start);
        rc = 0;
out:
        for (i = 0; i < pd.pd_n; i++)
                nw_event_destroy(&pd.pd_items[i].si_event);
        free(pd.pd_items);
        free(cursor);
        free(done);
        return rc;
}

/* Check a message's origin and epoch against what we know of p. */
static void
sub_check_origin(struct sub *s, struct sub_pub *p, const uint8_t *origin, uint64_t epoch,
                 uint64_t last_seq)
{
        char hex[2 * NW_ORIGIN_LEN + 1];

        if (!p->sp_known) {
                memcpy(p->sp_origin, origin, NW_ORIGIN_LEN);
                p->sp_epoch = epoch;
                p->sp_known = true;
                if (s->s_has_origin && memcmp(s->s_origin, origin, NW_ORIGIN_LEN) != 0) {
                        nw_origin_hex(origin, hex);
                        sub_notice(s,
                                   "%s: the start position is for another publisher "
                                   "(now origin %s, a new store?); following it live "
                                   "from seq %llu",
                                   p->sp_pub_ep, hex, (unsigned long long)last_seq);
                        p->sp_have_last = true;
                        p->sp_last = last_seq;
                        p->sp_catchup = false;
                }
                return;
        }
        if (memcmp(p->sp_origin, origin, NW_ORIGIN_LEN) != 0) {
                nw_origin_hex(origin, hex);
                sub_notice(s,
                           "%s: a different publisher (origin %s) now answers; following it "
                           "from seq %llu",
                           p->sp_pub_ep, hex, (unsigned long long)last_seq);
                memcpy(p->sp_origin, origin, NW_ORIGIN_LEN);
                p->sp_epoch = epoch;
                p->sp_have_last = true;
                p->sp_last = last_seq;
                p->sp_catchup = false;
                return;
        }
        if (epoch != p->sp_epoch) {
                sub_notice(s, "%s: publisher restarted (epoch %llu)", p->sp_pub_ep,
                           (unsigned long long)epoch);
                p->sp_epoch = epoch;
                if (p->sp_have_last)
                        p->sp_catchup = true;
        }
}

/* Note that p spoke; say so when it had been silent. */
static void
sub_heard(struct sub *s, struct sub_pub *p)
{
        p->sp_last_msg = client_now_ms();
        if (!p->sp_heard) {
                p->sp_heard = true;
                if (p->sp_have_last)
                        p->sp_catchup = true; /* what happened while we were away */
        }
        p->sp_ever_heard = true;
        if (p->sp_down) {
                p->sp_down = false;
                sub_notice(s, "%s: publisher is back", p->sp_pub_ep);
        }
}

/* Read and handle one message from p's SUB socket. 0 when none was waiting. */
static int
sub_read_one(struct sub *s, size_t pi)
{
        struct sub_pub *p = &s->s_pubs[pi];
        zmq_msg_t m[3], extra;
        size_t n = 0;
        int more, got = 0;
        struct nw_heartbeat hb;
        struct nw_trailer t;
        struct nw_event *ev = NULL;
        char *why = NULL;

        do {
                zmq_msg_t *cur = n < 3 ? &m[n] : &extra;

                zmq_msg_init(cur);
                if (zmq_msg_recv(cur, p->sp_sock, got ? 0 : ZMQ_DONTWAIT) == -1) {
                        zmq_msg_close(cur);
                        goto done;
                }
                got = 1;
                more = zmq_msg_more(cur);
                if (n < 3)
                        n++;
                else {
                        zmq_msg_close(cur);
                        n = 4;
                }
        } while (more);
        if (n > 3) {
                n = 3;
                sub_notice(s, "%s: dropped a message with too many frames", p->sp_pub_ep);
                goto done;
        }
        if (zmq_msg_size(&m[0]) == strlen(NW_TOPIC_HEARTBEAT) &&
            memcmp(zmq_msg_data(&m[0]), NW_TOPIC_HEARTBEAT, strlen(NW_TOPIC_HEARTBEAT)) == 0) {
                if (n != 2 ||
                    nw_heartbeat_decode(zmq_msg_data(&m[1]), zmq_msg_size(&m[1]), &hb, &why) != 0) {
                        sub_notice(s, "%s: dropped a malformed heartbeat: %s", p->sp_pub_ep,
                                   why ? why : "wrong frame count");
                        goto done;
                }
                sub_heard(s, p);
                sub_check_origin(s, p, hb.origin, hb.epoch, hb.last_seq);
                if (!p->sp_have_last) {
                        p->sp_have_last = true; /* live from here */
                        p->sp_last = hb.last_seq;
                } else if (hb.last_seq > p->sp_last)
                        p->sp_catchup = true;
                goto done;
        }
        if (zmq_msg_size(&m[0]) > 0 && *(char *)zmq_msg_data(&m[0]) == '$') {
                sub_heard(s, p); /* a control topic we do not know: newer publisher */
                goto done;
        }
        if (n != 3) {
                sub_notice(s, "%s: dropped an event message of %zu frames", p->sp_pub_ep, n);
                goto done;
        }
        if (nw_trailer_decode(zmq_msg_data(&m[2]), zmq_msg_size(&m[2]), &t, &why) != 0 ||
            nw_event_decode(zmq_msg_data(&m[1]), zmq_msg_size(&m[1]), &ev, &why) != 0) {
                sub_notice(s, "%s: dropped a malformed event: %s", p->sp_pub_ep, why);
                goto done;
        }
        if (t.seq == 0 || (ev->has_seq && ev->seq != t.seq) || ev->type == NULL ||
            zmq_msg_size(&m[0]) != strlen(ev->type) ||
            memcmp(zmq_msg_data(&m[0]), ev->type, zmq_msg_size(&m[0])) != 0) {
                sub_notice(
                    s,
                    "%s: dropped event seq %llu: bad seq, or topic or seq disagrees with its body",
                    p->sp_pub_ep, (unsigned long long)t.seq);
                goto done;
        }
        sub_heard(s, p);
        sub_check_origin(s, p, t.origin, t.epoch, t.seq - 1);
        if (!p->sp_have_last) {
                p->sp_have_last = true;
                p->sp_last = t.seq - 1;
        }
        if (t.seq <= p->sp_last)
                goto done; /* already delivered from replay */
        if (p->sp_catchup || t.seq != p->sp_last + 1) {
                /* a gap (or, with prefixes, maybe types we skip): the replay
                 * delivers whatever is missing in order, this one included */
                p->sp_catchup = true;
                goto done;
        }
        p->sp_last = t.seq;
        sub_enqueue(s, pi, ev, &t, false);
        ev = NULL;
done:
        nw_event_destroy(&ev);
        free(why);
        while (n > 0)
                zmq_msg_close(&m[--n]);
        return got;
}

/* Reconnect p after a heartbeat timeout. */
static int
sub_reconnect(struct sub *s, struct sub_pub *p, char **cause)
{
        if (!p->sp_down)
                sub_notice(s, "%s: no heartbeat for %.1f s; reconnecting", p->sp_pub_ep,
                           s->s_hb_timeout / 1000.0);
        p->sp_down = true;
        s->s_reconnects++;
        return sub_pub_connect(s, p, cause);
}

/* Pop the next queued event into m. */
static void
sub_pop(struct sub *s, struct sub_msg *m)
{
        struct sub_item *it = &s->s_queue[s->s_qhead];

        m->sm_event = it->si_event;
        m->sm_trailer = it->si_trailer;
        m->sm_endpoint = s->s_pubs[it->si_pub].sp_pub_ep;
        m->sm_replayed = it->si_replayed;
        s->s_qhead = (s->s_qhead + 1) % s->s_qcap;
        s->s_qlen--;
}

/* The next event; see client.h. */
int
sub_next(struct sub *s, int64_t timeout_ms, struct sub_msg *m, char **cause)
{
        int64_t now = client_now_ms(), deadline = timeout_ms < 0 ? INT64_MAX : now + timeout_ms;
        zmq_pollitem_t *items;
        size_t i;
        int n, rc = -1;

        if (!s->s_started && sub_start(s, cause) != 0)
                return -1;
        items = nw_xcalloc(s->s_npubs, sizeof *items);
        for (;;) {
                int64_t wait, next;

                if (s->s_qlen > 0) {
                        sub_pop(s, m);
                        rc = 1;
                        break;
                }
                /* Catch up where due, once the publisher is heard (SUB is live). */
                now = client_now_ms();
                for (i = 0; i < s->s_npubs; i++) {
                        struct sub_pub *p = &s->s_pubs[i];
                        char *why = NULL;

                        if (!p->sp_catchup || !p->sp_heard || now < p->sp_retry_at)
                                continue;
                        if (sub_catchup(s, i, &why) != 0) {
                                sub_notice(s, "%s: cannot replay missed events (will retry): %s",
                                           p->sp_pub_ep, why);
                                free(why);
                                p->sp_retry_at = client_now_ms() + 1000;
                        }
                }
                if (s->s_qlen > 0)
                        continue;

                now = client_now_ms();
                next = deadline;
                for (i = 0; i < s->s_npubs; i++) {
                        struct sub_pub *p = &s->s_pubs[i];
                        int64_t due = p->sp_last_msg + s->s_hb_timeout;

                        if (now >= due) {
                                char *why = sub_handshake_reason(s, p);
                                if (!p->sp_ever_heard && !s->s_wait) {
                                        if (why != NULL)
                                                client_fail(cause, "%s: %s", p->sp_pub_ep, why);
                                        else
                                                client_fail(cause,
                                                            "no heartbeat from %s within %.1f s: "
                                                            "is newswired running there?",
                                                            p->sp_pub_ep, s->s_hb_timeout / 1000.0);
                                        free(why);
                                        goto out;
                                }
                                if (why != NULL && !p->sp_down)
                                        sub_notice(s, "%s: %s", p->sp_pub_ep, why);
                                free(why);
                                if (sub_reconnect(s, p, cause) != 0)
                                        goto out;
                                due = p->sp_last_msg + s->s_hb_timeout;
                        }
                        if (due < next)
                                next = due;
                        if (p->sp_catchup && p->sp_heard && p->sp_retry_at > now &&
                            p->sp_retry_at < next)
                                next = p->sp_retry_at;
                }
                if (now >= deadline) {
                        rc = 0;
                        break;
                }
                wait = next - now;
                if (wait < 0)
                        wait = 0;
                if (wait > 1000)
                        wait = 1000;
                for (i = 0; i < s->s_npubs; i++) {
                        items[i].socket = s->s_pubs[i].sp_sock;
                        items[i].events = ZMQ_POLLIN;
                        items[i].revents = 0;
                }
                n = zmq_poll(items, (int)s->s_npubs, (long)wait);
                if (n == -1) {
                        if (errno == EINTR) {
                                rc = 0; /* let the caller look at its signals */
                                break;
                        }
                        client_fail(cause, "zmq_poll: %s", zmq_strerror(errno));
                        goto out;
                }
                for (i = 0; i < s->s_npubs; i++) {
                        int k;

                        if (!(items[i].revents & ZMQ_POLLIN))
                                continue;
                        for (k = 0; k < 10000 && sub_read_one(s, i); k++)
                                ;
                }
        }
out:
        free(items);
        return rc;
}
