/*
 * publish.c — the ZeroMQ PUB socket of the event stream. Events are sent
 * only after their commit, as [type, msgpack event, trailer] (PROTOCOL.md),
 * and a heartbeat ["$hb", heartbeat] every heartbeat_ms carries the last
 * sequence so an idle subscriber can tell it missed nothing. Sends never
 * block: a subscriber over SNDHWM loses messages inside libzmq.
 */
#include <errno.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "newswired.h"

struct publish {
        void *pb_sock;
        void *pb_mon;            /* PAIR receiving the PUB socket's monitor events */
        struct event *pb_mon_ev; /* its ZMQ_FD */
        int pb_subscribers;      /* connections accepted and not yet closed */
        struct event *pb_hb;     /* heartbeat timer */
        uint8_t pb_origin[NW_ORIGIN_LEN];
        uint64_t pb_epoch;
        uint64_t pb_last_seq; /* last sequence sent */
};

/* Build the trailer frame for seq. */
int
publish_trailer(const uint8_t *origin, uint64_t epoch, uint64_t seq, char **out, size_t *len)
{
        struct nw_trailer t;

        memcpy(t.origin, origin, NW_ORIGIN_LEN);
        t.epoch = epoch;
        t.seq = seq;
        return nw_trailer_encode(&t, out, len);
}

/* Send a multipart message without blocking; false when libzmq refused it. */
static bool
publish_send(void *sock, const void *const *frames, const size_t *lens, size_t n)
{
        size_t i;

        for (i = 0; i < n; i++) {
                int flags = ZMQ_DONTWAIT | (i + 1 < n ? ZMQ_SNDMORE : 0);
                if (zmq_send(sock, frames[i], lens[i], flags) == -1) {
                        /* Only the first frame can be refused: a multipart message
                         * is queued whole or not at all. */
                        if (i == 0 && errno != EAGAIN)
                                log_warnx("publish: zmq_send: %s", zmq_strerror(errno));
                        return false;
                }
        }
        return true;
}

/* Timer: send a heartbeat. */
static void
publish_hb_cb(evutil_socket_t fd, short what, void *arg)
{
        publish_heartbeat(arg);
}

/* Count subscribers and log failed handshakes from the PUB socket's monitor. */
static void
publish_mon_cb(evutil_socket_t fd, short what, void *arg)
{
        struct publish *p = arg;
        uint16_t ev;
        uint32_t value;

        while (zap_monitor_next(p->pb_mon, &ev, &value)) {
                if (ev == ZMQ_EVENT_ACCEPTED)
                        p->pb_subscribers++;
                else if (ev == ZMQ_EVENT_DISCONNECTED && p->pb_subscribers > 0)
                        p->pb_subscribers--;
                else if ((ev & ZAP_HANDSHAKE_EVENTS) != 0)
                        zap_handshake_failed("PUB", ev, value);
                metrics.m_subscribers = (uint64_t)p->pb_subscribers;
        }
}

/* Count subscriber connections through the socket monitor. */
static int
publish_monitor(struct publish *p, struct event_base *base, void *zctx, char **cause)
{
        char addr[64];
        int fd;
        size_t fdlen = sizeof fd;

        snprintf(addr, sizeof addr, "inproc://newswired-pub-monitor-%p", (void *)p);
        if (zmq_socket_monitor(p->pb_sock, addr,
                               ZMQ_EVENT_ACCEPTED | ZMQ_EVENT_DISCONNECTED |
                                   ZAP_HANDSHAKE_EVENTS) != 0 ||
            (p->pb_mon = zmq_socket(zctx, ZMQ_PAIR)) == NULL || zmq_connect(p->pb_mon, addr) != 0 ||
            zmq_getsockopt(p->pb_mon, ZMQ_FD, &fd, &fdlen) != 0) {
                xasprintf(cause, "PUB monitor: %s", zmq_strerror(errno));
                return -1;
        }
        p->pb_mon_ev = event_new(base, fd, EV_READ | EV_PERSIST, publish_mon_cb, p);
        event_add(p->pb_mon_ev, NULL);
        event_active(p->pb_mon_ev, EV_READ, 0);
        return 0;
}

/* Subscriber connections open now. */
int
publish_subscribers(struct publish *p)
{
        return p->pb_subscribers;
}

/* Bind the PUB socket and start the heartbeat. */
struct publish *
publish_new(struct event_base *base, void *zctx, struct zap *z, char **endpoints, size_t n,
            int sndhwm, int hb_ms, const uint8_t *origin, uint64_t epoch, uint64_t last_seq,
            char **cause)
{
        struct publish *p = xcalloc(1, sizeof *p);
        struct timeval tv = {hb_ms / 1000, (hb_ms % 1000) * 1000};
        int linger = 0;
        size_t i;

        memcpy(p->pb_origin, origin, NW_ORIGIN_LEN);
        p->pb_epoch = epoch;
        p->pb_last_seq = last_seq;
        if ((p->pb_sock = zmq_socket(zctx, ZMQ_PUB)) == NULL) {
                xasprintf(cause, "zmq_socket PUB: %s", zmq_strerror(errno));
                publish_destroy(&p);
                return NULL;
        }
        zmq_setsockopt(p->pb_sock, ZMQ_SNDHWM, &sndhwm, sizeof sndhwm);
        zmq_setsockopt(p->pb_sock, ZMQ_LINGER, &linger, sizeof linger);
        if (publish_monitor(p, base, zctx, cause) != 0) {
                publish_destroy(&p);
                return NULL;
        }
        for (i = 0; i < n; i++) {
                char *err = NULL;
                if (zap_bind(z, p->pb_sock, endpoints[i], &err) != 0) {
                        xasprintf(cause, "PUB: %s", err);
                        free(err);
                        publish_destroy(&p);
                        return NULL;
                }
                log_info("publishing on %s%s", endpoints[i],
                         zap_curve_for(z, endpoints[i]) ? " (CURVE)" : "");
        }
        p->pb_hb = event_new(base, -1, EV_PERSIST, publish_hb_cb, p);
        event_add(p->pb_hb, &tv);
        return p;
}

/* Close the socket and stop the heartbeat. */
void
publish_destroy(struct publish **pp)
{
        struct publish *p = *pp;

        if (p == NULL)
                return;
        if (p->pb_hb != NULL)
                event_free(p->pb_hb);
        if (p->pb_mon_ev != NULL)
                event_free(p->pb_mon_ev);
        if (p->pb_sock != NULL) {
                zmq_socket_monitor(p->pb_sock, NULL, 0);
                zmq_close(p->pb_sock);
        }
        if (p->pb_mon != NULL) {
                int linger = 0;
                zmq_setsockopt(p->pb_mon, ZMQ_LINGER, &linger, sizeof linger);
                zmq_close(p->pb_mon);
        }
        free(p);
        *pp = NULL;
}

/* Publish one committed event. */
void
publish_event(struct publish *p, const char *type, const void *payload, size_t len, uint64_t seq)
{
        char *trailer;
        size_t tlen;
        const void *frames[3];
        size_t lens[3];

        if (publish_trailer(p->pb_origin, p->pb_epoch, seq, &trailer, &tlen) != 0) {
                log_warnx("publish: cannot encode trailer for seq %llu", (unsigned long long)seq);
                metrics.m_pub_dropped++;
                return;
        }
        frames[0] = type;
        lens[0] = strlen(type);
        frames[1] = payload;
        lens[1] = len;
        frames[2] = trailer;
        lens[2] = tlen;
        if (!publish_send(p->pb_sock, frames, lens, 3))
                metrics.m_pub_dropped++;
        else
                metrics.m_events++;
        if (seq > p->pb_last_seq)
                p->pb_last_seq = seq;
        free(trailer);
}

/* Send ["$hb", heartbeat] with the last sequence. */
void
publish_heartbeat(struct publish *p)
{
        struct nw_heartbeat hb;
        char *buf;
        size_t len;
        const void *frames[2];
        size_t lens[2];

        memcpy(hb.origin, p->pb_origin, NW_ORIGIN_LEN);
        hb.epoch = p->pb_epoch;
        hb.last_seq = p->pb_last_seq;
        hb.time_ms = util_wall_ms();
        if (nw_heartbeat_encode(&hb, &buf, &len) != 0) {
                log_warnx("publish: cannot encode heartbeat");
                return;
        }
        frames[0] = NW_TOPIC_HEARTBEAT;
        lens[0] = strlen(NW_TOPIC_HEARTBEAT);
        frames[1] = buf;
        lens[1] = len;
        publish_send(p->pb_sock, frames, lens, 2);
        free(buf);
}
