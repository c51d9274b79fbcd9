/*
 * newswired.h — the daemon's private header, one section per file.
 *
 * newswired takes articles in (HTTP, spool directory), stores them in SQLite,
 * extracts events on worker threads, commits the events with their sequence
 * numbers and publishes them on ZeroMQ PUB; a ROUTER socket replays them.
 * Everything but extraction runs on one libevent loop.
 */
#ifndef NEWSWIRED_H
#define NEWSWIRED_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "newswire.h"

struct event_base;
struct article;
struct extractor;

/* ---- util.c ------------------------------------------------------------ */

/* Allocation wrappers: abort with a message on failure. */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
int xasprintf(char **ret, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Milliseconds of the monotonic clock and of the wall clock. */
uint64_t util_mono_ms(void);
uint64_t util_wall_ms(void);
/* Create dir (and parents) with mode 0700; 0 or -1 with *cause. */
int util_mkdirs(const char *dir, char **cause);
/* Read a whole file of at most max bytes; *out is NUL-terminated. 0, or -1
 * with *cause (too large, unreadable). */
int util_read_file(const char *path, size_t max, char **out, size_t *outlen, char **cause);

/* ---- log.c ------------------------------------------------------------- */

enum log_level {
        LOG_LEVEL_WARN = 0,
        LOG_LEVEL_INFO = 1,
        LOG_LEVEL_DEBUG = 2,
};

/* Start logging to stderr (or syslog when to_syslog) at a level. */
void log_init(int level, bool to_syslog);
void log_setlevel(int level);
int log_getlevel(void);
/* Parse "warn", "info", "debug"; -1 when unknown. */
int log_level_parse(const char *s);
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* ---- config.c ---------------------------------------------------------- */

#define CONFIG_MAX_ENDPOINTS 8

/* The daemon's configuration: every field is an option of config.c's table. */
struct config {
        char *cfg_file;                      /* the INI file read, or NULL */
        bool cfg_foreground;                 /* do not daemonize */
        bool cfg_allow_root;                 /* run even as uid 0 */
        char *cfg_state_dir;                 /* SQLite store and default ipc sockets */
        char *cfg_data_dir;                  /* lexicons and rules; "" = nw_datadir() */
        char *cfg_http;                      /* ADDR:PORT of HTTP ingest; "" = off */
        char *cfg_pub[CONFIG_MAX_ENDPOINTS]; /* PUB endpoints */
        size_t cfg_npub;
        char *cfg_replay[CONFIG_MAX_ENDPOINTS]; /* ROUTER endpoints */
        size_t cfg_nreplay;
        char *cfg_spool;          /* spool directory; "" = off */
        int cfg_log_level;        /* enum log_level */
        char *cfg_token_file;     /* file holding the ingest token; "" = no token */
        char *cfg_token;          /* the token read from cfg_token_file, or NULL */
        int64_t cfg_workers;      /* extraction threads */
        int64_t cfg_max_body;     /* bytes of one article */
        int64_t cfg_queue_max;    /* articles stored but not yet processed, before 503 */
        int64_t cfg_http_timeout; /* seconds a client may stall */
        int64_t cfg_http_max_conns;
        int64_t cfg_sndhwm; /* PUB high-water mark (messages per subscriber) */
        int64_t cfg_heartbeat_ms;
        int64_t cfg_replay_limit;        /* events per replay request when it asks for 0 */
        int64_t cfg_replay_max;          /* most events one replay request may ask for */
        int64_t cfg_batch_max;           /* results committed in one transaction */
        int64_t cfg_shutdown_timeout;    /* seconds to finish in-flight work on SIGTERM */
        char *cfg_sync;                  /* SQLite synchronous: "full" or "normal" */
        bool cfg_allow_remote;           /* tcp endpoints other than loopback allowed */
        char *cfg_curve_secret_key_file; /* the daemon's CURVE secret key; "" = no CURVE */
        char *cfg_curve_public_key_file; /* checked against the secret key when set */
        char *cfg_curve_clients_dir;     /* authorised client public keys (*.pub) */
        bool cfg_curve_ipc;              /* CURVE on ipc endpoints too */
};

/* Defaults of the option table (state dir from $STATE_DIRECTORY or ./var). */
struct config *config_new(void);
void config_destroy(struct config **cfg);
/* Defaults, then the --config file, then the flags. 0 ok, 1 when the caller
 * should exit 0 (--help, --version, -n ok, --dump-config), -1 with *cause. */
int config_load(struct config *cfg, int argc, char **argv, bool *check_only, char **cause);
/* Read an INI file into cfg. 0 or -1 with *cause naming the line. */
int config_parse_file(struct config *cfg, const char *path, char **cause);
/* Parse INI text (for the fuzzer and tests). */
int config_parse_string(struct config *cfg, const char *text, char **cause);
/* Set one option from its INI name or flag name; 0 or -1 with *cause. */
int config_set(struct config *cfg, const char *name, const char *value, bool from_cli,
               char **cause);
/* Checks across options and reads the token file; 0 or -1 with *cause. */
int config_finish(struct config *cfg, char **cause);
/* Write the commented sample configuration / the --help text. */
void config_write_sample(FILE *f);
void config_write_help(FILE *f, const char *prog);

/* ---- metrics.c --------------------------------------------------------- */

#define METRICS_NBUCKETS 10

struct metrics {
        uint64_t m_received;    /* articles accepted (stored) */
        uint64_t m_duplicate;   /* articles refused as already seen */
        uint64_t m_rejected;    /* requests refused: 4xx/5xx */
        uint64_t m_failed;      /* articles whose extraction failed */
        uint64_t m_processed;   /* articles whose events are committed */
        uint64_t m_events;      /* events published */
        uint64_t m_pub_dropped; /* PUB sends refused (EAGAIN or error) */
        uint64_t m_subscribers; /* connections to the PUB socket now */
        uint64_t m_replay_requests;
        uint64_t m_replay_errors; /* malformed or refused replay requests */
        uint64_t m_replay_events; /* events sent by replays */
        uint64_t m_commits;       /* store transactions */
        uint64_t m_reloads;
        uint64_t m_reload_failures;
        uint64_t m_http_conns;   /* open HTTP connections */
        uint64_t m_http_refused; /* connections closed at the cap */
        uint64_t m_spool_done;
        uint64_t m_spool_failed;
        uint64_t m_zap_allowed;      /* CURVE clients whose key is authorised */
        uint64_t m_zap_denied;       /* CURVE clients refused by the ZAP handler */
        uint64_t m_handshake_failed; /* ZMTP handshakes failed (plaintext client, refused key) */
        uint64_t m_extract_count;    /* histogram of extraction seconds */
        double m_extract_sum;
        uint64_t m_extract_buckets[METRICS_NBUCKETS];
        uint64_t m_start_ms; /* wall clock at start */
};

extern struct metrics metrics;

/* Add one extraction duration to the histogram. */
void metrics_observe_extract(double seconds);
/* Render every metric in the Prometheus text format; malloc'd. */
char *metrics_render(void);

/* ---- store.c ----------------------------------------------------------- */

enum store_format {
        STORE_TEXT = 0,
        STORE_JSON = 1,
};

/* One article waiting for its events, read back from the store. */
struct store_pending {
        int64_t sp_rowid;
        char sp_id[17];
        int sp_format;
        char *sp_raw;
        size_t sp_rawlen;
};

/* One event read from the store for a replay. */
struct store_event {
        uint64_t se_seq;
        char *se_type;
        void *se_payload;
        size_t se_len;
};

struct store;

/* Open (create) the store in dir: WAL, schema, origin, a new epoch. */
struct store *store_open(const char *dir, const char *sync, char **cause);
void store_close(struct store **st);
const uint8_t *store_origin(struct store *st);
uint64_t store_epoch(struct store *st);
/* The last sequence committed (0 when none). */
uint64_t store_last_seq(struct store *st);

int store_begin(struct store *st, char **cause);
int store_commit(struct store *st, char **cause);
void store_rollback(struct store *st);
/* Insert a new article (status queued). 1 inserted, 0 when the id exists, -1. */
int store_add_article(struct store *st, const struct article *a, int format, const char *raw,
                      size_t rawlen, char **cause);
/* Insert one event with the next sequence, returned in *seq; payload is built
 * by the caller with that seq: encode(seq) is called with the seq to use.
 * 1 inserted, 0 when the event id exists (no seq used), -1 on error. */
int store_add_event(struct store *st, const char *id, const char *type, const char *article,
                    const void *payload, size_t len, uint64_t seq, char **cause);
/* Mark an article done (with its event count) or failed (with an error). */
int store_finish_article(struct store *st, const char *id, bool ok, const char *error,
                         uint64_t nevents, char **cause);
/* Status of an article: 1 found (strings malloc'd), 0 absent, -1 error. */
int store_article_info(struct store *st, const char *id, char **status, char **error,
                       uint64_t *nevents, uint64_t *received, char **cause);
/* Up to max queued articles with after < rowid <= upto, in order. */
int store_pending(struct store *st, int64_t after, int64_t upto, size_t max,
                  struct store_pending **out, size_t *n, char **cause);
/* The newest article rowid (0 when none). */
int64_t store_max_rowid(struct store *st);
void store_pending_free(struct store_pending *p, size_t n);
/* Up to max events with seq > since whose type starts with prefix. */
int store_events(struct store *st, uint64_t since, const char *prefix, size_t max,
                 struct store_event **out, size_t *n, char **cause);
void store_events_free(struct store_event *e, size_t n);
/* Counts for /metrics and stats. */
int64_t store_count_articles(struct store *st, const char *status);
int64_t store_count_events(struct store *st);

/* ---- worker.c ---------------------------------------------------------- */

/* A result of one article's extraction, handed back to the loop. */
struct worker_result {
        char wr_id[17];              /* article id */
        struct nw_event **wr_events; /* NULL on failure */
        size_t wr_nevents;
        char *wr_error;    /* why extraction failed, or NULL */
        double wr_seconds; /* time spent extracting */
        struct worker_result *wr_next;
};

struct worker;

/* Start n threads extracting with x (taken over); results are signalled to
 * the loop, which calls done(arg) on base. */
struct worker *worker_new(struct event_base *base, int n, struct extractor *x, void (*done)(void *),
                          void *arg, char **cause);
/* Stop the threads (after their current article) and free everything. */
void worker_destroy(struct worker **w);
/* Queue an article (ownership taken) with its id. */
void worker_push(struct worker *w, struct article *a);
/* Take every finished result (a list, oldest first) up to max; NULL if none. */
struct worker_result *worker_take(struct worker *w, size_t max);
void worker_result_free(struct worker_result *r);
/* Drop the queued (not started) articles; returns how many. */
size_t worker_clear(struct worker *w);
/* Articles queued or being extracted, results not yet taken. */
size_t worker_busy(struct worker *w);
size_t worker_results_pending(struct worker *w);
/* Swap the extractor (taken over); the old one is freed when unused. */
void worker_set_extractor(struct worker *w, struct extractor *x);
/* Counts of the current extractor for logs. */
void worker_extractor_counts(struct worker *w, size_t *entities, size_t *rules);

/* ---- zap.c ------------------------------------------------------------ */

struct zap;

/* Monitor events of a failed handshake. */
#define ZAP_HANDSHAKE_EVENTS                                                                       \
        (ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |              \
         ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)

/* Read the CURVE key pair and the authorised client keys and bind the ZAP
 * handler, when curve_secret_key_file is set (else a zap that binds plain). */
struct zap *zap_new(struct event_base *base, void *zctx, const struct config *cfg, char **cause);
void zap_destroy(struct zap **z);
/* For -n: read the key files and curve_clients_dir (*nkeys keys) without
 * binding anything. 0, or -1 with *cause. */
int zap_check(const struct config *cfg, size_t *nkeys, char **cause);
/* SIGHUP: read curve_clients_dir again; 0, or -1 with *cause (old keys kept). */
int zap_reload(struct zap *z, char **cause);
/* Whether CURVE guards endpoint (tcp://, and ipc:// with curve_ipc). */
bool zap_curve_for(const struct zap *z, const char *endpoint);
/* Bind sock to endpoint, as a CURVE server when zap_curve_for says so. */
int zap_bind(struct zap *z, void *sock, const char *endpoint, char **cause);
/* Count and log a failed handshake seen by a socket monitor. */
void zap_handshake_failed(const char *sockname, uint16_t event, uint32_t value);
/* Next event of a monitor woken through ZMQ_FD: true with *event and *value
 * set, false once none is left (loop until false: ZMQ_FD is edge-triggered). */
bool zap_monitor_next(void *mon, uint16_t *event, uint32_t *value);
/* Watch sock's failed handshakes through a monitor of its own / stop. */
int zap_watch(struct zap *z, struct event_base *base, void *zctx, void *sock, const char *name,
              char **cause);
void zap_unwatch(struct zap *z, void *sock);

/* ---- publish.c --------------------------------------------------------- */

struct publish;

/* Bind a PUB socket to every endpoint; heartbeat every hb_ms. */
struct publish *publish_new(struct event_base *base, void *zctx, struct zap *z, char **endpoints,
                            size_t n, int sndhwm, int hb_ms, const uint8_t *origin, uint64_t epoch,
                            uint64_t last_seq, char **cause);
void publish_destroy(struct publish **p);
/* Send one committed event: [type, payload, trailer]. */
void publish_event(struct publish *p, const char *type, const void *payload, size_t len,
                   uint64_t seq);
/* Send a heartbeat now. */
void publish_heartbeat(struct publish *p);
/* Subscriber connections open now (from the socket monitor). */
int publish_subscribers(struct publish *p);
/* Build the trailer frame for seq (malloc'd). */
int publish_trailer(const uint8_t *origin, uint64_t epoch, uint64_t seq, char **out, size_t *len);

/* ---- replay.c ---------------------------------------------------------- */

struct replay;

struct replay *replay_new(struct event_base *base, void *zctx, struct zap *z, char **endpoints,
                          size_t n, struct store *st, int limit, int max, char **cause);
void replay_destroy(struct replay **r);
/* Replays in progress. */
size_t replay_active(struct replay *r);

/* ---- notify.c ---------------------------------------------------------- */

/* sd_notify wrappers: no-ops without NOTIFY_SOCKET. */
void notify_ready(void);
void notify_reloading(void);
void notify_stopping(void);
void notify_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Start the watchdog timer on base when WATCHDOG_USEC is set. */
void notify_watchdog_start(struct event_base *base);
void notify_watchdog_stop(void);

/* ---- ingest.c ---------------------------------------------------------- */

/* How an article's submission ended. */
enum ingest_result {
        INGEST_STORED,    /* committed: 202 */
        INGEST_DUPLICATE, /* already seen: 200 */
        INGEST_FULL,      /* queue full: 503 */
        INGEST_ERROR,     /* storage error: 503 */
};

/* An article on its way to the store, and whom to tell. */
struct ingest {
        struct article *in_article; /* owned until stored */
        int in_format;              /* enum store_format */
        char *in_raw;               /* the bytes received (owned) */
        size_t in_rawlen;
        /* Called on the loop once the outcome is known; id is the article id. */
        void (*in_done)(void *arg, enum ingest_result res, const char *id);
        void *in_arg;
        struct ingest *in_next;
};

/* Start the pipeline (the subsystems stay the caller's). */
void ingest_init(struct event_base *base, const struct config *cfg, struct store *st,
                 struct worker *w, struct publish *pub);
/* Queue the articles an earlier run stored and never processed. */
void ingest_start_backlog(void);
/* Queue an article for the next group commit; ownership of in is taken.
 * The outcome comes through in->in_done (at once for a known duplicate). */
void ingest_submit(struct ingest *in);
/* Whether there is room for one more article (else 503). */
bool ingest_room(void);
/* The store, for GET /v1/articles/ID and replay. */
struct store *ingest_store(void);
/* True while draining for exit. */
bool ingest_stopping(void);
/* Articles stored (or being stored) and not yet processed. */
size_t ingest_queue_depth(void);
/* The worker's done callback: results are waiting. */
void ingest_results_ready(void *arg);
/* Stop taking work, finish in-flight work, end the loop (bounded). */
void ingest_stop(void);
/* Once a second: backlog refill. */
void ingest_cron(void);
/* After the loop: free what is left. */
void ingest_free(void);

/* ---- http.c ------------------------------------------------------------ */

struct http;
struct evbuffer;

/* Where a connection's request framer is in its byte stream (http.c). */
enum http_framer_state {
        FRAMER_HEAD,       /* reading a request's header block */
        FRAMER_BODY,       /* passing hf_left bytes of body */
        FRAMER_CHUNK_SIZE, /* chunked: reading a chunk-size line */
        FRAMER_CHUNK_DATA, /* chunked: keeping hf_left bytes of chunk data */
        FRAMER_TRAILER,    /* chunked: reading trailer lines up to the empty one */
        FRAMER_PASS,       /* unframed from here (malformed): pass everything */
        FRAMER_DISCARD,    /* after an oversize request: drop everything */
};

/* The framer of one connection's input; zeroed but for hf_max to start,
 * http_framer_clear frees what it holds. */
struct http_framer {
        enum http_framer_state hf_state;
        uint64_t hf_left;         /* FRAMER_BODY, FRAMER_CHUNK_DATA: bytes still to move */
        uint64_t hf_max;          /* max_body */
        char *hf_head;            /* chunked: the request's header block, held back */
        struct evbuffer *hf_body; /* chunked: its body so far, without the framing */
};

/* Move the bytes of src to dst for evhttp: a request whose Content-Length
 * is over hf_max is passed with Content-Length 0, Connection: close and
 * X-Newswire-Announced-Length, and its body dropped. A chunked request is
 * held until its last chunk and passed with a Content-Length instead; once
 * its chunks add up to more than hf_max, it is passed like an oversize one
 * but with X-Newswire-Chunked-Length. True when bytes moved. */
bool http_framer_run(struct http_framer *f, struct evbuffer *src, struct evbuffer *dst);
/* Free what a framer holds (a chunked request in progress). */
void http_framer_clear(struct http_framer *f);

struct http *http_new(struct event_base *base, const struct config *cfg, char **cause);
void http_destroy(struct http **h);
/* Stop accepting (drain for exit). */
void http_stop_accepting(struct http *h);

/* ---- spool.c ----------------------------------------------------------- */

struct spool;

struct spool *spool_new(struct event_base *base, const char *dir, size_t max_body, char **cause);
void spool_destroy(struct spool **s);
/* Scan the directory again (files left while the queue was full). */
void spool_rescan(struct spool *s);

#endif /* NEWSWIRED_H */
