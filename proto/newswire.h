/*
 * newswire.h — libnewswire, the public API shared by the daemon and clients.
 *
 * Owns: the event model of ../shared/event-model.md as C types, its msgpack
 * and JSON forms, the PUB/replay wire framing of PROTOCOL.md, and the few
 * helpers every executable needs (data directory lookup, sha256, UTF-8).
 *
 * Ownership: an nw_event owns every string it points to. Builders copy their
 * arguments into a string pool the event keeps (one allocation for many
 * strings); a field may also be given a malloc'd string directly, which the
 * event then owns. Never free a field yourself: replace it with a builder.
 * nw_event_destroy(&ev) frees everything and sets ev to NULL.
 * Errors: functions return 0 / -1 (or an nw_err code) and, where a char **cause
 * is taken, set *cause to a malloc'd message the caller frees.
 */
#ifndef NEWSWIRE_H
#define NEWSWIRE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NW_VERSION_MAJOR 1 /* the "v" of events and control messages */

/* Decoder limits: input beyond them is refused with NW_E_LIMIT. */
#define NW_MAX_MESSAGE (4u * 1024 * 1024) /* one encoded event or control message */
#define NW_MAX_STRING  (1u * 1024 * 1024) /* one string field */
#define NW_MAX_ITEMS   1024               /* args, attrs, quantities, reported_by */
#define NW_MAX_DEPTH   8                  /* nesting of maps/arrays, skipped keys included */
#define NW_MAX_OBJECTS 65536              /* msgpack values in one message, keys included */

/* Error codes of decoders and parsers (negative; 0 is success). */
enum nw_err {
        NW_OK = 0,
        NW_E_TRUNCATED = -1, /* input ends inside a value */
        NW_E_MALFORMED = -2, /* not msgpack / not JSON / trailing bytes */
        NW_E_TYPE = -3,      /* a field has the wrong type (string where int expected...) */
        NW_E_MISSING = -4,   /* a required field is absent */
        NW_E_LIMIT = -5,     /* a size, count or depth limit is exceeded */
        NW_E_VERSION = -6,   /* "v" is a major version this library does not speak */
        NW_E_VALUE = -7,     /* a field has an invalid value (bad UTF-8, negative count...) */
        NW_E_NOMEM = -8,
};

/* A short constant name for an error code ("truncated", "malformed", ...). */
const char *nw_strerror(int err);

/* ---- the event model ------------------------------------------------- */

struct nw_arg {
        char *role; /* "agent", "product", ... */
        char *id;   /* entity slug [a-z0-9-]+, or NULL */
        char *text; /* surface text as in the article, or NULL */
};

struct nw_attr {
        char *key;
        char *value;
};

struct nw_quantity {
        char *kind; /* money, count, duration, multiple, rank, percent */
        double value;
        char *unit; /* ISO 4217 for money; "users", "day", "x", "%", ... */
        char *text; /* surface text, or NULL */
};

struct nw_ref {
        char *id; /* a reporter (media) entity, or NULL */
        char *text;
};

struct nw_article_ref {
        char *id; /* sha256 prefix of the normalized body (hex) */
        char *url, *title, *published, *source, *lang; /* each may be NULL */
};

struct nw_event {
        uint32_t v;   /* NW_VERSION_MAJOR when built here */
        char *id;     /* deterministic event id */
        bool has_seq; /* seq is set on published events only */
        uint64_t seq;
        char *type;        /* "product.plan", ... */
        char *modality;    /* asserted, planned, likely, negated */
        double confidence; /* 0..1 */

        struct nw_arg *args;
        size_t nargs;
        struct nw_attr *attrs;
        size_t nattrs;

        char *time_value; /* ISO 8601 / EDTF, or NULL (no time, or a vague one) */
        char *time_text;  /* surface text, or NULL when there is no time at all */

        struct nw_quantity *quantities;
        size_t nquantities;
        struct nw_ref *reported_by;
        size_t nreported_by;

        char *summary;
        char *evidence_text;
        uint64_t evidence_start, evidence_end; /* byte offsets into the article body */

        struct nw_article_ref article;

        struct nw_event_pool *pool; /* private to event.c: the builders' copies */
};

/* A new empty event (v = NW_VERSION_MAJOR, modality "asserted"). Aborts on OOM. */
struct nw_event *nw_event_new(void);
/* Free ev and everything it owns; set *ev to NULL. NULL-safe, idempotent. */
void nw_event_destroy(struct nw_event **ev);
/* A deep copy. */
struct nw_event *nw_event_dup(const struct nw_event *ev);

/* Builders: each copies its string arguments (NULL allowed where the field
 * may be NULL) and replaces any previous value. */
void nw_event_set_id(struct nw_event *ev, const char *id);
void nw_event_set_type(struct nw_event *ev, const char *type);
void nw_event_set_modality(struct nw_event *ev, const char *modality);
void nw_event_set_summary(struct nw_event *ev, const char *summary);
void nw_event_set_time(struct nw_event *ev, const char *value, const char *text);
void nw_event_set_evidence(struct nw_event *ev, const char *text, size_t len, uint64_t start,
                           uint64_t end);
void nw_event_set_article(struct nw_event *ev, const struct nw_article_ref *art);
void nw_event_add_arg(struct nw_event *ev, const char *role, const char *id, const char *text);
void nw_event_set_attr(struct nw_event *ev, const char *key, const char *value);
void nw_event_add_quantity(struct nw_event *ev, const char *kind, double value, const char *unit,
                           const char *text);
void nw_event_add_reported_by(struct nw_event *ev, const char *id, const char *text);

/* Accessors for the common lookups. NULL when absent. */
const char *nw_event_attr(const struct nw_event *ev, const char *key);
/* The first argument with this role, or NULL. */
const struct nw_arg *nw_event_arg(const struct nw_event *ev, const char *role);
/* Whether a and b hold the same event, field by field (NULL equals only NULL;
 * seq compared only when has_seq; attrs as a map, in any order). */
bool nw_event_equal(const struct nw_event *a, const struct nw_event *b);

/* ---- msgpack form ------------------------------------------------------ */

/* Encode ev as one msgpack map with the keys of the JSON form. *out is
 * malloc'd, the caller frees it. Returns 0, or -1 on an invalid event. */
int nw_event_encode(const struct nw_event *ev, char **out, size_t *outlen);
/* Decode one msgpack event. Validates every field's type and bounds; unknown
 * keys are skipped; a "v" with a newer major is NW_E_VERSION. On success *ev
 * is a new event; on failure returns an nw_err and sets *cause (if non-NULL). */
int nw_event_decode(const void *buf, size_t len, struct nw_event **ev, char **cause);

/* ---- JSON form --------------------------------------------------------- */

/* Render ev as one line of JSON (no newline), the form of event-model.md.
 * Strings are valid UTF-8 JSON: control characters escaped, invalid bytes
 * replaced by U+FFFD. Returns a malloc'd string. */
char *nw_event_to_json(const struct nw_event *ev);
/* Parse the JSON form back. Same contract as nw_event_decode. */
int nw_event_from_json(const char *buf, size_t len, struct nw_event **ev, char **cause);

/* ---- wire framing (PROTOCOL.md) --------------------------------------- */

#define NW_ORIGIN_LEN 16 /* bytes of a publisher's origin id */

/* The third frame of every event message: who published it, which run of
 * that publisher (epoch changes on every restart), and the sequence. */
struct nw_trailer {
        uint8_t origin[NW_ORIGIN_LEN];
        uint64_t epoch;
        uint64_t seq;
};

int nw_trailer_encode(const struct nw_trailer *t, char **out, size_t *outlen);
int nw_trailer_decode(const void *buf, size_t len, struct nw_trailer *t, char **cause);

/* Topics that are not event types start with '$' so no type prefix matches them. */
#define NW_TOPIC_HEARTBEAT "$hb"
#define NW_TOPIC_END       "$end"
#define NW_TOPIC_ERROR     "$error"
#define NW_TOPIC_STATS     "$stats"

/* Heartbeat: [ "$hb", heartbeat msgpack ] every second on PUB. */
struct nw_heartbeat {
        uint8_t origin[NW_ORIGIN_LEN];
        uint64_t epoch;
        uint64_t last_seq; /* the last sequence published, 0 when none yet */
        uint64_t time_ms;  /* publisher's wall clock, ms since the Unix epoch */
};
int nw_heartbeat_encode(const struct nw_heartbeat *h, char **out, size_t *outlen);
int nw_heartbeat_decode(const void *buf, size_t len, struct nw_heartbeat *h, char **cause);

/* Requests to the replay (ROUTER) socket: one msgpack frame. */
enum nw_req_op {
        NW_REQ_REPLAY = 1, /* events with seq > since, at most limit, type prefix */
        NW_REQ_STATS = 2,  /* publisher statistics */
};
struct nw_request {
        enum nw_req_op op;
        uint64_t req_id;  /* echoed in the reply, for the client's bookkeeping */
        uint64_t since;   /* REPLAY: sequences strictly greater than this */
        uint32_t limit;   /* REPLAY: at most this many (0 = server default) */
        char prefix[128]; /* REPLAY: type prefix, "" for all */
};
int nw_request_encode(const struct nw_request *r, char **out, size_t *outlen);
int nw_request_decode(const void *buf, size_t len, struct nw_request *r, char **cause);

/* End of a replay: [ "$end", end msgpack ]. */
struct nw_end {
        uint64_t req_id;
        uint64_t count;    /* events sent for this request */
        uint64_t last_seq; /* the last sequence sent, or since when none */
        uint64_t head_seq; /* the newest sequence in the store */
        bool more;         /* limit reached: ask again from last_seq */
        uint8_t origin[NW_ORIGIN_LEN];
        uint64_t epoch;
};
int nw_end_encode(const struct nw_end *e, char **out, size_t *outlen);
int nw_end_decode(const void *buf, size_t len, struct nw_end *e, char **cause);

/* An error reply: [ "$error", error msgpack ]. */
struct nw_error_reply {
        uint64_t req_id;
        int32_t code; /* an nw_err, or NW_E_* of the request */
        char message[256];
};
int nw_error_encode(const struct nw_error_reply *e, char **out, size_t *outlen);
int nw_error_decode(const void *buf, size_t len, struct nw_error_reply *e, char **cause);

/* Stats reply: [ "$stats", msgpack map of string -> uint64 ]. */
struct nw_stat {
        char name[64];
        uint64_t value;
};
int nw_stats_encode(uint64_t req_id, const struct nw_stat *stats, size_t n, char **out,
                    size_t *outlen);
/* *stats is malloc'd (caller frees), *n its length. */
int nw_stats_decode(const void *buf, size_t len, uint64_t *req_id, struct nw_stat **stats,
                    size_t *n, char **cause);

/* ---- helpers ---------------------------------------------------------- */

/* Allocation wrappers for the library, the daemon's helpers and the clients:
 * they abort with a message on failure, so they never return NULL (but
 * nw_xstrdup and nw_xstrndup give NULL for NULL). */
void *nw_xmalloc(size_t n);
void *nw_xcalloc(size_t n, size_t size);
void *nw_xrealloc(void *p, size_t n);
char *nw_xstrdup(const char *s);
char *nw_xstrndup(const char *s, size_t n);
char *nw_xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *nw_xvprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Find the data directory (lexicons, rules): $NEWSWIRE_DATA, else
 * <exe>/../share/newswire (installed), else <exe>/../../data (build tree),
 * else the compiled-in install path. Returns a malloc'd path or NULL. */
char *nw_datadir(void);

/* SHA-256 of buf; hex must hold 65 bytes. */
void nw_sha256_hex(const void *buf, size_t len, char hex[65]);

/* True when buf is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
bool nw_utf8_valid(const char *buf, size_t len);

/* A yes/no word (yes true on 1 / no false off 0, any case) of the daemon's
 * config and the clients' rules files: 0 with *v set, or -1. */
int nw_parse_bool(const char *s, bool *v);

/* Origin ids as 32 lowercase hex characters (+ NUL). */
void nw_origin_hex(const uint8_t origin[NW_ORIGIN_LEN], char hex[2 * NW_ORIGIN_LEN + 1]);

/* CURVE key files (PROTOCOL.md 12): the first line that is neither blank nor
 * a '#' comment holds a key in Z85 (40 characters); z85 receives it (+ NUL).
 * 0, or -1 with *cause naming the file. */
#define NW_KEY_Z85_LEN 40
int nw_key_read(const char *path, char z85[NW_KEY_Z85_LEN + 1], char **cause);

#endif /* NEWSWIRE_H */
