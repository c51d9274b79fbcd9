/*
 * zap.c — CURVE on the PUB and replay sockets. The daemon's key pair comes
 * from files; the public keys of the clients it lets in are the *.pub files
 * of curve_clients_dir, checked by a ZAP handler (RFC 27) bound on
 * inproc://zeromq.zap.01 in the daemon's context and served from the libevent
 * loop through its ZMQ_FD (edge-triggered: we drain while ZMQ_EVENTS says
 * there is input). SIGHUP reloads the directory. CURVE applies to tcp://
 * endpoints, and to ipc:// ones too with curve_ipc. Handshake failures seen
 * by the sockets' monitors (a plaintext client, a refused key) are counted
 * for /metrics and logged at most once a second.
 */
#include <dirent.h>
#include <errno.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zmq.h>

#include "newswired.h"

#define ZAP_ENDPOINT "inproc://zeromq.zap.01"
#define ZAP_DOMAIN   "newswire"
#define ZAP_MAXKEYS  100000
#define ZAP_NWATCH   4
#define ZAP_BUDGET   256 /* requests answered per wake-up */

/* A socket monitor watching for handshake failures. */
struct zap_watch {
        void *zw_mon;        /* PAIR receiving monitor events */
        struct event *zw_ev; /* its ZMQ_FD */
        void *zw_sock;       /* the socket watched */
        const char *zw_name; /* "replay", for logs */
};

struct zap {
        bool z_on;  /* CURVE configured */
        bool z_ipc; /* also on ipc:// */
        char z_secret[NW_KEY_Z85_LEN + 1];
        char z_public[NW_KEY_Z85_LEN + 1];
        char *z_dir;           /* curve_clients_dir */
        uint8_t (*z_keys)[32]; /* authorised client keys, sorted */
        size_t z_nkeys;
        void *z_sock; /* the REP handler */
        struct event *z_ev;
        struct zap_watch z_watch[ZAP_NWATCH];
        size_t z_nwatch;
};

/* Rate limit of the denial messages: at most one line a second. */
static uint64_t zap_log_ms;
static uint64_t zap_log_suppressed;

/* Whether a warning may be logged now; counts the ones that may not. */
static bool
zap_log_ok(void)
{
        uint64_t now = util_mono_ms();

        if (zap_log_ms != 0 && now - zap_log_ms < 1000) {
                zap_log_suppressed++;
                return false;
        }
        zap_log_ms = now;
        if (zap_log_suppressed > 0) {
                log_warnx("curve: %llu more refused connections not logged",
                          (unsigned long long)zap_log_suppressed);
                zap_log_suppressed = 0;
        }
        return true;
}

/* Order of keys for qsort and bsearch. */
static int
zap_keycmp(const void *a, const void *b)
{
        return memcmp(a, b, 32);
}

/* Read every *.pub file of dir into a sorted key array. */
static int
zap_load_keys(const char *dir, uint8_t (**keys)[32], size_t *nkeys, char **cause)
{
        DIR *d;
        struct dirent *de;
        uint8_t(*k)[32] = NULL;
        size_t n = 0, cap = 0, len;
        char z85[NW_KEY_Z85_LEN + 1], *path, *err = NULL;

        if ((d = opendir(dir)) == NULL) {
                xasprintf(cause, "curve_clients_dir %s: %s", dir, strerror(errno));
                return -1;
        }
        while ((de = readdir(d)) != NULL) {
                len = strlen(de->d_name);
                if (de->d_name[0] == '.' || len < 5 || strcmp(de->d_name + len - 4, ".pub") != 0)
                        continue;
                xasprintf(&path, "%s/%s", dir, de->d_name);
                if (nw_key_read(path, z85, &err) != 0) {
                        xasprintf(cause, "curve_clients_dir: %s", err);
                        free(err);
                        free(path);
                        free(k);
                        closedir(d);
                        return -1;
                }
                free(path);
                if (n == ZAP_MAXKEYS) {
                        xasprintf(cause, "curve_clients_dir %s: more than %d keys", dir,
                                  ZAP_MAXKEYS);
                        free(k);
                        closedir(d);
                        return -1;
                }
                if (n == cap) {
                        cap = cap ? cap * 2 : 16;
                        k = xrealloc(k, cap * sizeof *k);
                }
                zmq_z85_decode(k[n++], z85);
        }
        closedir(d);
        if (n > 0)
                qsort(k, n, sizeof *k, zap_keycmp);
        *keys = k;
        *nkeys = n;
        return 0;
}

/* Read the daemon's key pair; the public key file, when given, must match. */
static int
zap_load_server(struct zap *z, const struct config *cfg, char **cause)
{
        char *err = NULL, pub[NW_KEY_Z85_LEN + 1];
        struct stat sb;

        if (nw_key_read(cfg->cfg_curve_secret_key_file, z->z_secret, &err) != 0) {
                xasprintf(cause, "curve_secret_key_file: %s", err);
                free(err);
                return -1;
        }
        if (stat(cfg->cfg_curve_secret_key_file, &sb) == 0 && (sb.st_mode & 0077) != 0)
                log_warnx("curve_secret_key_file %s is readable by others (chmod 600 it)",
                          cfg->cfg_curve_secret_key_file);
        if (zmq_curve_public(z->z_public, z->z_secret) != 0) {
                xasprintf(cause, "curve_secret_key_file %s: %s", cfg->cfg_curve_secret_key_file,
                          zmq_strerror(errno));
                return -1;
        }
        if (*cfg->cfg_curve_public_key_file != '\0') {
                if (nw_key_read(cfg->cfg_curve_public_key_file, pub, &err) != 0) {
                        xasprintf(cause, "curve_public_key_file: %s", err);
                        free(err);
                        return -1;
                }
                if (strcmp(pub, z->z_public) != 0) {
                        xasprintf(cause,
                                  "curve_public_key_file %s is not the public key of "
                                  "curve_secret_key_file %s",
                                  cfg->cfg_curve_public_key_file, cfg->cfg_curve_secret_key_file);
                        return -1;
                }
        }
        return 0;
}

/* Receive one whole ZAP request (at most 8 frames kept); -1 when none. */
static int
zap_recv(void *sock, zmq_msg_t *f, size_t *n)
{
        int more;
        size_t ml = sizeof more;
        zmq_msg_t extra;

        *n = 0;
        for (;;) {
                zmq_msg_t *m = *n < 8 ? &f[*n] : &extra;
                zmq_msg_init(m);
                if (zmq_msg_recv(m, sock, ZMQ_DONTWAIT) == -1) {
                        zmq_msg_close(m);
                        return *n > 0 ? 0 : -1;
                }
                if (*n < 8)
                        (*n)++;
                else
                        zmq_msg_close(&extra);
                more = 0;
                zmq_getsockopt(sock, ZMQ_RCVMORE, &more, &ml);
                if (!more)
                        return 0;
        }
}

/* Send the ZAP reply for request_id. */
static void
zap_reply(void *sock, zmq_msg_t *reqid, const char *code, const char *text)
{
        zmq_send(sock, "1.0", 3, ZMQ_SNDMORE | ZMQ_DONTWAIT);
        zmq_send(sock, zmq_msg_data(reqid), zmq_msg_size(reqid), ZMQ_SNDMORE | ZMQ_DONTWAIT);
        zmq_send(sock, code, strlen(code), ZMQ_SNDMORE | ZMQ_DONTWAIT);
        zmq_send(sock, text, strlen(text), ZMQ_SNDMORE | ZMQ_DONTWAIT);
        zmq_send(sock, "", 0, ZMQ_SNDMORE | ZMQ_DONTWAIT); /* user id */
        zmq_send(sock, "", 0, ZMQ_DONTWAIT);               /* metadata */
}

/* Decide one request: CURVE keys must be in the directory; NULL (an ipc
 * endpoint without CURVE) passes; anything else is refused. */
static void
zap_handle(struct zap *z, zmq_msg_t *f, size_t n)
{
        char addr[128], key[NW_KEY_Z85_LEN + 1];
        size_t mlen;
        const char *mech;

        /* version, request id, domain, address, identity, mechanism, credentials... */
        if (n < 6 || zmq_msg_size(&f[0]) != 3 || memcmp(zmq_msg_data(&f[0]), "1.0", 3) != 0) {
                if (n >= 2)
                        zap_reply(z->z_sock, &f[1], "500", "malformed ZAP request");
                else
                        zap_reply(z->z_sock, &f[0], "500", "malformed ZAP request");
                return;
        }
        snprintf(addr, sizeof addr, "%.*s", (int)zmq_msg_size(&f[3]),
                 (const char *)zmq_msg_data(&f[3]));
        mech = zmq_msg_data(&f[5]);
        mlen = zmq_msg_size(&f[5]);
        if (mlen == 4 && memcmp(mech, "NULL", 4) == 0) {
                zap_reply(z->z_sock, &f[1], "200", "OK");
                return;
        }
        if (mlen == 5 && memcmp(mech, "CURVE", 5) == 0 && n >= 7 && zmq_msg_size(&f[6]) == 32) {
                if (z->z_nkeys > 0 &&
                    bsearch(zmq_msg_data(&f[6]), z->z_keys, z->z_nkeys, 32, zap_keycmp) != NULL) {
                        metrics.m_zap_allowed++;
                        zap_reply(z->z_sock, &f[1], "200", "OK");
                        return;
                }
                metrics.m_zap_denied++;
                zmq_z85_encode(key, zmq_msg_data(&f[6]), 32);
                if (zap_log_ok())
                        log_warnx("curve: refused client key %s from %s: not in %s", key, addr,
                                  z->z_dir);
                zap_reply(z->z_sock, &f[1], "400", "unknown client key");
                return;
        }
        metrics.m_zap_denied++;
        if (zap_log_ok())
                log_warnx("curve: refused %.*s client from %s", (int)(mlen > 16 ? 16 : mlen), mech,
                          addr);
        zap_reply(z->z_sock, &f[1], "400", "mechanism not allowed");
}

/* ZMQ_FD of the handler woke us: answer every request waiting. */
static void
zap_cb(evutil_socket_t fd, short what, void *arg)
{
        struct zap *z = arg;
        zmq_msg_t f[8];
        size_t n, i;
        int events, budget;
        size_t len;

        for (budget = 0; budget < ZAP_BUDGET; budget++) {
                len = sizeof events;
                if (zmq_getsockopt(z->z_sock, ZMQ_EVENTS, &events, &len) != 0 ||
                    !(events & ZMQ_POLLIN))
                        return;
                if (zap_recv(z->z_sock, f, &n) != 0)
                        return;
                zap_handle(z, f, n);
                for (i = 0; i < n; i++)
                        zmq_msg_close(&f[i]);
        }
        /* More may be waiting: come back on the next loop pass. */
        event_active(z->z_ev, EV_READ, 0);
}

/* Count and log one handshake failure seen by a socket monitor. */
void
zap_handshake_failed(const char *sockname, uint16_t event, uint32_t value)
{
        metrics.m_handshake_failed++;
        if (!zap_log_ok())
                return;
        if (event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)
                log_warnx("curve: %s: handshake refused by ZAP (status %u)", sockname,
                          (unsigned)value);
        else if (event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL &&
                 value == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH)
                log_warnx("curve: %s: handshake failed: the client's security mechanism differs "
                          "(a plaintext client on a CURVE endpoint, or the reverse)",
                          sockname);
        else if (event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL)
                log_warnx("curve: %s: handshake failed: protocol error 0x%x (a wrong server "
                          "key on the client side?)",
                          sockname, (unsigned)value);
        else
                log_warnx("curve: %s: handshake failed: the connection closed during the "
                          "handshake",
                          sockname);
}

/* Read a monitor event; *event and *value filled. -1 when none. */
static int
zap_monitor_read(void *mon, uint16_t *event, uint32_t *value)
{
        zmq_msg_t m;
        int more;
        size_t ml = sizeof more;
        int rc = -1;

        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, mon, ZMQ_DONTWAIT) == -1) {
                zmq_msg_close(&m);
                return -1;
        }
        if (zmq_msg_size(&m) >= 6) {
                memcpy(event, zmq_msg_data(&m), sizeof *event);
                memcpy(value, (const char *)zmq_msg_data(&m) + 2, sizeof *value);
                rc = 0;
        }
        do {
                more = 0;
                zmq_getsockopt(mon, ZMQ_RCVMORE, &more, &ml);
                if (more)
                        zmq_msg_recv(&m, mon, ZMQ_DONTWAIT);
        } while (more);
        zmq_msg_close(&m);
        return rc;
}

/* Next event of a monitor whose ZMQ_FD woke us: true with *event and *value
 * set, false once ZMQ_EVENTS says none is left (ZMQ_FD is edge-triggered, so
 * callers loop until false). Malformed event messages are skipped. */
bool
zap_monitor_next(void *mon, uint16_t *event, uint32_t *value)
{
        int events;
        size_t len;

        for (;;) {
                len = sizeof events;
                if (zmq_getsockopt(mon, ZMQ_EVENTS, &events, &len) != 0 || !(events & ZMQ_POLLIN))
                        return false;
                if (zap_monitor_read(mon, event, value) == 0)
                        return true;
        }
}

/* A watched socket's monitor woke us: drain it. */
static void
zap_watch_cb(evutil_socket_t fd, short what, void *arg)
{
        struct zap_watch *w = arg;
        uint16_t ev;
        uint32_t value;

        while (zap_monitor_next(w->zw_mon, &ev, &value))
                if ((ev & ZAP_HANDSHAKE_EVENTS) != 0)
                        zap_handshake_failed(w->zw_name, ev, value);
}

/* Watch sock's handshake failures (for sockets without a monitor of their own). */
int
zap_watch(struct zap *z, struct event_base *base, void *zctx, void *sock, const char *name,
          char **cause)
{
        struct zap_watch *w;
        char addr[80];
        int fd;
        size_t fdlen = sizeof fd;

        if (z->z_nwatch == ZAP_NWATCH) {
                xasprintf(cause, "zap: too many watched sockets");
                return -1;
        }
        w = &z->z_watch[z->z_nwatch];
        snprintf(addr, sizeof addr, "inproc://newswired-zap-watch-%p-%zu", (void *)z, z->z_nwatch);
        if (zmq_socket_monitor(sock, addr, ZAP_HANDSHAKE_EVENTS) != 0 ||
            (w->zw_mon = zmq_socket(zctx, ZMQ_PAIR)) == NULL || zmq_connect(w->zw_mon, addr) != 0 ||
            zmq_getsockopt(w->zw_mon, ZMQ_FD, &fd, &fdlen) != 0) {
                xasprintf(cause, "%s monitor: %s", name, zmq_strerror(errno));
                if (w->zw_mon != NULL)
                        zmq_close(w->zw_mon);
                w->zw_mon = NULL;
                return -1;
        }
        w->zw_sock = sock;
        w->zw_name = name;
        w->zw_ev = event_new(base, fd, EV_READ | EV_PERSIST, zap_watch_cb, w);
        event_add(w->zw_ev, NULL);
        event_active(w->zw_ev, EV_READ, 0);
        z->z_nwatch++;
        return 0;
}

/* Stop watching sock (before it is closed). */
void
zap_unwatch(struct zap *z, void *sock)
{
        size_t i;
        int linger = 0;

        for (i = 0; i < z->z_nwatch; i++) {
                struct zap_watch *w = &z->z_watch[i];
                if (w->zw_sock != sock || w->zw_mon == NULL)
                        continue;
                zmq_socket_monitor(sock, NULL, 0);
                event_free(w->zw_ev);
                zmq_setsockopt(w->zw_mon, ZMQ_LINGER, &linger, sizeof linger);
                zmq_close(w->zw_mon);
                w->zw_mon = NULL;
                w->zw_ev = NULL;
                w->zw_sock = NULL;
        }
}

/* Load the keys and bind the ZAP handler when CURVE is configured. */
struct zap *
zap_new(struct event_base *base, void *zctx, const struct config *cfg, char **cause)
{
        struct zap *z = xcalloc(1, sizeof *z);
        int fd, linger = 0;
        size_t fdlen = sizeof fd;

        if (*cfg->cfg_curve_secret_key_file == '\0')
                return z;
        z->z_on = true;
        z->z_ipc = cfg->cfg_curve_ipc;
        z->z_dir = xstrdup(cfg->cfg_curve_clients_dir);
        if (zmq_has("curve") == 0) {
                xasprintf(cause, "curve_secret_key_file is set but libzmq has no CURVE support");
                goto fail;
        }
        if (zap_load_server(z, cfg, cause) != 0 ||
            zap_load_keys(z->z_dir, &z->z_keys, &z->z_nkeys, cause) != 0)
                goto fail;
        if ((z->z_sock = zmq_socket(zctx, ZMQ_REP)) == NULL) {
                xasprintf(cause, "zmq_socket REP: %s", zmq_strerror(errno));
                goto fail;
        }
        zmq_setsockopt(z->z_sock, ZMQ_LINGER, &linger, sizeof linger);
        if (zmq_bind(z->z_sock, ZAP_ENDPOINT) != 0 ||
            zmq_getsockopt(z->z_sock, ZMQ_FD, &fd, &fdlen) != 0) {
                xasprintf(cause, "ZAP handler %s: %s", ZAP_ENDPOINT, zmq_strerror(errno));
                goto fail;
        }
        z->z_ev = event_new(base, fd, EV_READ | EV_PERSIST, zap_cb, z);
        event_add(z->z_ev, NULL);
        event_active(z->z_ev, EV_READ, 0);
        log_info("curve: server key %s, %zu authorised client keys in %s", z->z_public, z->z_nkeys,
                 z->z_dir);
        return z;
fail:
        zap_destroy(&z);
        return NULL;
}

/* For -n: read the key files and the clients directory as zap_new would. */
int
zap_check(const struct config *cfg, size_t *nkeys, char **cause)
{
        struct zap z;
        int rc = 0;

        memset(&z, 0, sizeof z);
        *nkeys = 0;
        if (*cfg->cfg_curve_secret_key_file == '\0')
                return 0;
        if (zmq_has("curve") == 0) {
                xasprintf(cause, "curve_secret_key_file is set but libzmq has no CURVE support");
                return -1;
        }
        if (zap_load_server(&z, cfg, cause) != 0 ||
            zap_load_keys(cfg->cfg_curve_clients_dir, &z.z_keys, nkeys, cause) != 0)
                rc = -1;
        explicit_bzero(z.z_secret, sizeof z.z_secret);
        free(z.z_keys);
        return rc;
}

/* Close the handler and the monitors, free the keys. */
void
zap_destroy(struct zap **zp)
{
        struct zap *z = *zp;
        size_t i;

        if (z == NULL)
                return;
        for (i = 0; i < z->z_nwatch; i++)
                if (z->z_watch[i].zw_sock != NULL)
                        zap_unwatch(z, z->z_watch[i].zw_sock);
        if (z->z_ev != NULL)
                event_free(z->z_ev);
        if (z->z_sock != NULL)
                zmq_close(z->z_sock);
        explicit_bzero(z->z_secret, sizeof z->z_secret);
        free(z->z_keys);
        free(z->z_dir);
        free(z);
        *zp = NULL;
}

/* SIGHUP: read the authorised keys again; the old set stays on error. */
int
zap_reload(struct zap *z, char **cause)
{
        uint8_t(*keys)[32];
        size_t n;

        if (!z->z_on)
                return 0;
        if (zap_load_keys(z->z_dir, &keys, &n, cause) != 0)
                return -1;
        free(z->z_keys);
        z->z_keys = keys;
        z->z_nkeys = n;
        log_info("curve: %zu authorised client keys in %s", n, z->z_dir);
        return 0;
}

/* Whether CURVE guards endpoint. */
bool
zap_curve_for(const struct zap *z, const char *endpoint)
{
        if (z == NULL || !z->z_on)
                return false;
        if (strncmp(endpoint, "tcp://", 6) == 0)
                return true;
        return z->z_ipc && strncmp(endpoint, "ipc://", 6) == 0;
}

/* Bind sock to endpoint, as a CURVE server when the endpoint needs it.
 * Socket options are taken at bind time, so one socket may have CURVE on
 * its tcp endpoints and none on its ipc ones. */
int
zap_bind(struct zap *z, void *sock, const char *endpoint, char **cause)
{
        bool curve = zap_curve_for(z, endpoint);
        int on = curve ? 1 : 0, rc;

        if (curve) {
                if (zmq_setsockopt(sock, ZMQ_CURVE_SERVER, &on, sizeof on) != 0 ||
                    zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, z->z_secret, NW_KEY_Z85_LEN + 1) !=
                        0 ||
                    zmq_setsockopt(sock, ZMQ_ZAP_DOMAIN, ZAP_DOMAIN, strlen(ZAP_DOMAIN)) != 0) {
                        xasprintf(cause, "CURVE options for %s: %s", endpoint, zmq_strerror(errno));
                        return -1;
                }
        }
        rc = zmq_bind(sock, endpoint);
        if (rc != 0)
                xasprintf(cause, "bind %s: %s", endpoint, zmq_strerror(errno));
        if (curve) {
                on = 0;
                zmq_setsockopt(sock, ZMQ_CURVE_SERVER, &on, sizeof on);
                zmq_setsockopt(sock, ZMQ_ZAP_DOMAIN, "", 0);
        }
        return rc == 0 ? 0 : -1;
}
