/*
 * client.h — libnwclient, the library every newswire client tool links:
 * the subscriber (sub.c) and its replay client (replay.c), event filters
 * (filter.c), option tables and small helpers (opt.c, util.c), output
 * (out.c), HTTP (http.c), and the alert bot's parts (ruleset.c, action.c,
 * cursor.c). A section per file.
 *
 * Errors: 0 / -1 with a malloc'd *cause the caller frees, as in proto/.
 */
#ifndef NW_CLIENT_H
#define NW_CLIENT_H

#include <stdarg.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "newswire.h"

struct sub;
struct filter;

/* Exit codes shared by every tool (documented in each man page). */
enum client_exit {
        CLIENT_EXIT_OK = 0,          /* success */
        CLIENT_EXIT_FAIL = 1,        /* some work failed (a file not posted, a count not reached) */
        CLIENT_EXIT_USAGE = 2,       /* bad option, missing or malformed input file */
        CLIENT_EXIT_UNREACHABLE = 3, /* the daemon could not be reached or answered wrongly */
};

/* Endpoints used when neither an option nor the environment gives one. */
#define CLIENT_DEFAULT_URL    "http://127.0.0.1:7700"
#define CLIENT_DEFAULT_PUB    "tcp://127.0.0.1:7701"
#define CLIENT_DEFAULT_REPLAY "tcp://127.0.0.1:7702"

/* ---- util.c ---- */

/* Allocation: libnewswire's nw_xmalloc, nw_xstrdup, nw_xprintf... (newswire.h). */
/* Set *cause (when non-NULL) to a formatted message and return -1. */
int client_fail(char **cause, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The tool's name for messages ("newswire-sub"), set once by client_init. */
extern const char *client_progname;
/* Record the tool name; ignore SIGPIPE (a closed pipe is reported by write). */
void client_init(const char *progname);
/* Print "progname: message" on stderr. */
void client_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "progname: message" and exit with code. */
void client_exitx(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
/* Set by SIGINT/SIGTERM once client_catch_stop installed the handler. */
extern volatile sig_atomic_t client_stop;
void client_catch_stop(void);

/* Monotonic and wall clocks in milliseconds. */
int64_t client_now_ms(void);
int64_t client_wall_ms(void);

/* Read a whole file ("-" is stdin) into a NUL-terminated buffer. */
int client_read_file(const char *path, char **buf, size_t *len, char **cause);
/* Parse numbers strictly (whole string, range checked). */
int client_parse_u64(const char *s, uint64_t *v, char **cause);
/* A whole-string count of at least 1. */
int client_parse_count(const char *s, uint64_t *v, char **cause);
int client_parse_double(const char *s, double min, double max, double *v, char **cause);
/* Parse a duration in seconds with an optional fraction ("1.5") into ms. */
int client_parse_seconds(const char *s, int64_t *ms, char **cause);
/* Parse yes/no/true/false/1/0/on/off. */
int client_parse_bool(const char *s, bool *v, char **cause);
/* An environment value, or dflt when unset or empty. */
const char *client_env(const char *name, const char *dflt);

/* ---- curve.c: CURVE keys ---- */

/* A client's CURVE keys (Z85 text), all empty when off. */
struct client_curve {
        bool cc_on;
        char cc_server[NW_KEY_Z85_LEN + 1]; /* the daemon's public key */
        char cc_public[NW_KEY_Z85_LEN + 1]; /* ours, derived from the secret */
        char cc_secret[NW_KEY_Z85_LEN + 1];
};

/* Read the daemon's public key file and our secret key file (both, or
 * neither: then cc is off). -1 with *cause. */
int curve_load(struct client_curve *cc, const char *server_key, const char *client_key,
               char **cause);
/* Set the CURVE client options on sock (before connect) when cc is on. */
int curve_apply(const struct client_curve *cc, void *sock, char **cause);

/* ---- opt.c: declarative option tables ---- */

/* One option of a tool; the table ends with a zeroed entry. */
struct opt {
        const char *o_name; /* long name, without "--" */
        int o_short;        /* short letter, or 0 */
        const char *o_arg;  /* metavariable when it takes a value, NULL for a flag */
        const char *o_help; /* one line for --help */
        int o_key;          /* what the handler receives */
};

/* Called for each option found; returns 0, or -1 with *cause set. */
typedef int (*opt_fn)(void *arg, int key, const char *value, char **cause);

/* Parse argv by the table (--help prints the usage and exits 0); returns the
 * index of the first operand, or exits CLIENT_EXIT_USAGE with one line. */
int opt_parse(int argc, char **argv, const struct opt *table, const char *synopsis, opt_fn fn,
              void *arg);
/* Print the usage generated from the table. */
void opt_usage(FILE *f, const char *synopsis, const struct opt *table);

/* Options shared by the tools (keys from 1000, tools use smaller ones). */
enum opt_shared {
        OPT_PUB = 1000,     /* --pub ENDPOINT (repeatable, pairs with --replay) */
        OPT_REPLAY,         /* --replay ENDPOINT */
        OPT_HB_TIMEOUT,     /* --heartbeat-timeout SECONDS */
        OPT_WAIT,           /* --wait: keep waiting for a silent daemon */
        OPT_TYPE,           /* --type PREFIX */
        OPT_ENTITY,         /* --entity ID */
        OPT_RELATED,        /* --related */
        OPT_MODALITY,       /* --modality LIST */
        OPT_MIN_CONFIDENCE, /* --min-confidence X */
        OPT_SERVER_KEY,     /* --server-key FILE */
        OPT_CLIENT_KEY,     /* --client-key FILE */
};

/* The table rows of the shared options, to paste into a tool's table. */
#define OPT_CONNECT_ROWS                                                                           \
        {"pub", 0, "ENDPOINT", "PUB endpoint (default $NEWSWIRE_PUB or " CLIENT_DEFAULT_PUB ")",   \
         OPT_PUB},                                                                                 \
            {"replay", 0, "ENDPOINT",                                                              \
             "replay endpoint (default $NEWSWIRE_REPLAY or " CLIENT_DEFAULT_REPLAY ")",            \
             OPT_REPLAY},                                                                          \
            {"heartbeat-timeout", 0, "SECONDS", "reconnect after this much silence (3.5)",         \
             OPT_HB_TIMEOUT},                                                                      \
            {"server-key", 0, "FILE",                                                              \
             "CURVE: the daemon's public key file (default $NEWSWIRE_SERVER_KEY)",                 \
             OPT_SERVER_KEY},                                                                      \
            {"client-key", 0, "FILE",                                                              \
             "CURVE: your secret key file (default $NEWSWIRE_CLIENT_KEY)", OPT_CLIENT_KEY},        \
        {                                                                                          \
                "wait", 0, NULL, "wait for a daemon that is not up yet instead of exiting 3",      \
                    OPT_WAIT                                                                       \
        }
#define OPT_FILTER_ROWS                                                                            \
        {"type", 't', "PREFIX", "only types starting with PREFIX (repeatable)", OPT_TYPE},         \
            {"entity", 'e', "ID", "only events with entity ID in any role (repeatable)",           \
             OPT_ENTITY},                                                                          \
            {"related", 'r', NULL, "--entity also matches what the lexicon puts under it",         \
             OPT_RELATED},                                                                         \
            {"modality", 'm', "LIST", "only these modalities (asserted,planned,likely,negated)",   \
             OPT_MODALITY},                                                                        \
        {                                                                                          \
                "min-confidence", 'c', "X", "only events with confidence >= X (0..1)",             \
                    OPT_MIN_CONFIDENCE                                                             \
        }

/* What the shared options collect. */
struct opt_common {
        char **oc_pubs, **oc_replays;
        size_t oc_npubs, oc_nreplays;
        int64_t oc_hb_timeout; /* 0: the default */
        bool oc_wait;
        bool oc_related;
        struct filter *oc_filter;
        char *oc_server_key, *oc_client_key; /* CURVE key files, or NULL */
};

/* Handle a shared option: 1 when key was one, 0 when not, -1 on a bad value. */
int opt_common(struct opt_common *oc, int key, const char *value, char **cause);
/* After parsing: load the lexicon for --related, configure s (endpoints with
 * their defaults, prefixes, timeouts). -1 on a usage error. */
int opt_common_apply(struct opt_common *oc, struct sub *s, char **cause);
void opt_common_clear(struct opt_common *oc);

/* ---- http.c ---- */

/* One HTTP response. */
struct http_response {
        long hr_status; /* HTTP status, 0 before a response */
        char *hr_body;  /* NUL-terminated body */
        size_t hr_len;
};

/* Perform one request: method "GET" or "POST", body may be NULL. token, when
 * non-NULL, goes in "Authorization: Bearer". Returns -1 (with *cause) only
 * when no HTTP response came (connection refused, timeout...). */
int http_request(const char *method, const char *url, const char *content_type, const char *body,
                 size_t len, const char *token, long timeout_ms, struct http_response *r,
                 char **cause);
/* Free the body of r. */
void http_response_clear(struct http_response *r);
/* Read a token file: first line, trailing whitespace removed; non-empty. */
int http_read_token(const char *path, char **token, char **cause);
/* A one-line message from an error response: its JSON "error" field, or the
 * body's first line, or the status text. Malloc'd. */
char *http_error_text(const struct http_response *r);

/* ---- replay.c: a DEALER client of the replay socket ---- */

struct replay;

/* Connect a DEALER to endpoint within zmq context ctx, a CURVE client when
 * cc (may be NULL) is on. */
struct replay *replay_new(void *ctx, const char *endpoint, const struct client_curve *cc,
                          char **cause);
void replay_destroy(struct replay **r);

/* Called for each event of a reply; return 0 to go on, -1 to abort. */
typedef int (*replay_event_fn)(void *arg, struct nw_event *ev, const struct nw_trailer *t);

/*
 * Send one REPLAY request (since, limit, prefix) and receive its events (each
 * handed to fn, which takes ownership of ev) up to the "$end", stored in *end.
 * Every receive waits at most timeout_ms. An "$error" reply, a malformed
 * message or a timeout is -1 with *cause; after a failure the socket is
 * rebuilt so late replies of the old request cannot be mistaken.
 */
int replay_events(struct replay *r, uint64_t since, uint32_t limit, const char *prefix,
                  int timeout_ms, replay_event_fn fn, void *arg, struct nw_end *end, char **cause);
/* Ask for the publisher's statistics; *stats malloc'd, *n entries. */
int replay_stats(struct replay *r, int timeout_ms, struct nw_stat **stats, size_t *n, char **cause);

/* ---- sub.c: the subscriber ---- */

/* One delivered event: the caller owns sm_event (nw_event_destroy it). */
struct sub_msg {
        struct nw_event *sm_event;
        struct nw_trailer sm_trailer;
        const char *sm_endpoint; /* the PUB endpoint it belongs to (owned by the sub) */
        bool sm_replayed;        /* came from the replay socket, not live */
};

/* What the subscriber tells its user about (reconnects, gaps filled...). */
typedef void (*sub_notify_fn)(void *arg, const char *message);

struct sub;

/* A subscriber with no endpoints yet. Defaults: heartbeat timeout 3.5 s,
 * replay timeout 5 s, replay page 1000, notices to stderr via client_warnx. */
struct sub *sub_new(void);
void sub_destroy(struct sub **s);
/* Add a publisher: its PUB endpoint and its replay (ROUTER) endpoint. */
void sub_add_endpoint(struct sub *s, const char *pub, const char *replay);
/* Add a type prefix (socket-level SUB filter); none means every type. */
void sub_add_prefix(struct sub *s, const char *prefix);
/* Start after sequence since: replay (since, head], then live. */
void sub_set_since(struct sub *s, uint64_t since);
/* The publisher the since position belongs to: when the one heard is
 * another (a new store), say so and follow it live instead. */
void sub_set_origin(struct sub *s, const uint8_t origin[NW_ORIGIN_LEN]);
void sub_set_heartbeat_timeout(struct sub *s, int64_t ms);
void sub_set_replay_timeout(struct sub *s, int ms);
void sub_set_replay_limit(struct sub *s, uint32_t limit);
/* ZMQ_RCVHWM of the SUB sockets (0: the zmq default). */
void sub_set_rcvhwm(struct sub *s, int hwm);
/* Keep waiting for a publisher never heard from instead of failing. */
void sub_set_wait(struct sub *s, bool wait);
void sub_set_notify(struct sub *s, sub_notify_fn fn, void *arg);
/* Connect as a CURVE client with these keys (copied). */
void sub_set_curve(struct sub *s, const struct client_curve *cc);
/* Create the sockets and connect. */
int sub_start(struct sub *s, char **cause);
/*
 * The next event, in sequence order per publisher, each once. Waits at most
 * timeout_ms (-1: no limit). Returns 1 with *m filled, 0 on timeout, -1 with
 * *cause when a publisher was never heard from within the heartbeat timeout
 * (and sub_set_wait was not set) or on an internal error.
 */
int sub_next(struct sub *s, int64_t timeout_ms, struct sub_msg *m, char **cause);
/* Counters for tests and logs. */
uint64_t sub_replayed_count(const struct sub *s);
uint64_t sub_reconnect_count(const struct sub *s);

/* ---- filter.c: what an event must be to pass ---- */

struct filter;

struct filter *filter_new(void);
void filter_destroy(struct filter **f);
/* Kinds are ANDed, values within a kind ORed. */
void filter_add_type(struct filter *f, const char *prefix);
int filter_add_entity(struct filter *f, const char *id, char **cause);
int filter_add_modality(struct filter *f, const char *modality, char **cause);
/* Call add for each item of a comma list (blanks trimmed, empty items
 * skipped); -1 with *cause on the first bad item, or empty when none. */
int filter_add_list(struct filter *f, const char *list,
                    int (*add)(struct filter *, const char *, char **), const char *empty,
                    char **cause);
/* Comma-separated list of modalities. */
int filter_add_modalities(struct filter *f, const char *list, char **cause);
void filter_set_min_confidence(struct filter *f, double min);
/* Entities also match what the lexicon puts under them; loads the lexicon
 * from datadir (NULL: nw_datadir()). */
int filter_set_related(struct filter *f, const char *datadir, char **cause);
bool filter_match(const struct filter *f, const struct nw_event *ev);
/* The type prefixes, for sub_add_prefix. */
size_t filter_type_count(const struct filter *f);
const char *filter_type(const struct filter *f, size_t i);

/* ---- out.c: how events are printed ---- */

enum out_format {
        OUT_AUTO, /* JSON when stdout is not a terminal, text when it is */
        OUT_JSON, /* one JSON object per line */
        OUT_TEXT, /* time, type, summary */
};

/* Resolve OUT_AUTO for the stream f. */
enum out_format out_resolve(enum out_format fmt, FILE *f);
/* Write ev in the format, flushed; -1 with *cause on a write error. */
int out_event(FILE *f, enum out_format fmt, const struct nw_event *ev, char **cause);
/* The readable line of an event (no newline), malloc'd. */
char *out_text(const struct nw_event *ev);

/* ---- cursor.c: newswire-alert's persistent position ---- */

/* Where a consumer is: the last event it finished. */
struct cursor {
        bool c_valid; /* false: nothing committed yet */
        uint8_t c_origin[NW_ORIGIN_LEN];
        uint64_t c_seq;
};

/* Load path; a missing file is c_valid = false, a malformed one is -1. */
int cursor_load(const char *path, struct cursor *c, char **cause);
/* Write path atomically (temp file, fsync, rename, fsync directory). */
int cursor_save(const char *path, const struct cursor *c, char **cause);

/* ---- ruleset.c: newswire-alert's rules file ---- */

enum rules_webhook_format {
        RULES_WEBHOOK_JSON,  /* the event's JSON as body */
        RULES_WEBHOOK_SLACK, /* {"text": "..."}: Slack and Mattermost incoming webhooks */
};

/* One rule: a filter and its actions. */
struct rule {
        char *r_name;
        struct filter *r_filter;
        char *r_exec;    /* command for /bin/sh -c, or NULL */
        char *r_webhook; /* URL, or NULL */
        enum rules_webhook_format r_format;
        char *r_file;          /* path to append JSON lines to, or NULL */
        bool r_continue;       /* later rules may alert the same event too */
        unsigned r_rate_count; /* at most this many alerts ... (0: unlimited) */
        int64_t r_rate_ms;     /* ... per this window */
        unsigned r_retries;    /* webhook attempts after the first */
        int64_t r_backoff_ms;  /* first retry delay, doubled each time */
        int64_t r_backoff_max_ms;
        int64_t r_timeout_ms; /* per webhook request / exec run */
        /* runtime: the window's alerts */
        int64_t *r_sent;
        size_t r_nsent;
};

/* The whole file. */
struct rules {
        char *rs_pub, *rs_replay, *rs_state; /* [newswire] section, NULL when absent */
        char *rs_server_key, *rs_client_key; /* [newswire] CURVE key files, or NULL */
        struct rule *rs_rules;
        size_t rs_nrules;
};

/* Parse a rules file; -1 with "FILE:LINE: message" in *cause. */
struct rules *ruleset_load(const char *path, const char *datadir, char **cause);
/* Parse rules from a buffer (name is used in messages). */
struct rules *ruleset_parse(const char *buf, size_t len, const char *name, const char *datadir,
                            char **cause);
void ruleset_destroy(struct rules **rs);
/* Whether the rule's rate limit lets one more alert through at now_ms; if
 * so, count it. */
bool ruleset_rate_take(struct rule *r, int64_t now_ms);

/* ---- action.c: what a matching rule does ---- */

/* Run every action of r for ev. Returns 0, or -1 with *cause when an action
 * failed (after its retries). stop, when it becomes true, cuts retries short. */
int action_run(const struct rule *r, const struct nw_event *ev, const struct nw_trailer *t,
               volatile sig_atomic_t *stop, char **cause);
/* The Slack/Mattermost body {"text": ...} for ev, malloc'd. */
char *action_slack_body(const struct nw_event *ev, const char *rule);

#endif /* NW_CLIENT_H */
