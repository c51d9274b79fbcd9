/*
 * wire.c — the control messages of PROTOCOL.md around events: the trailer
 * frame, heartbeats, replay/stats requests, and the $end, $error and $stats
 * replies. Each is one msgpack map with "v"; unknown keys are skipped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nw-private.h"

/* Start a packer on a new buffer. */
static void
wire_begin(msgpack_sbuffer *sb, msgpack_packer *pk)
{
        msgpack_sbuffer_init(sb);
        msgpack_packer_init(pk, sb, msgpack_sbuffer_write);
}

/* Hand the buffer to the caller. */
static int
wire_finish(msgpack_sbuffer *sb, char **out, size_t *outlen)
{
        if (sb->data == NULL || sb->size > NW_MAX_MESSAGE) {
                msgpack_sbuffer_destroy(sb);
                *out = NULL;
                *outlen = 0;
                return -1;
        }
        *out = sb->data;
        *outlen = sb->size;
        return 0;
}

/* Pack "key": uint. */
static void
wire_pack_uint(msgpack_packer *pk, const char *key, uint64_t v)
{
        nw_codec_pack_key(pk, key);
        msgpack_pack_uint64(pk, v);
}

/* Pack "key": bin of n bytes. */
static void
wire_pack_bin(msgpack_packer *pk, const char *key, const uint8_t *p, size_t n)
{
        nw_codec_pack_key(pk, key);
        msgpack_pack_bin(pk, n);
        msgpack_pack_bin_body(pk, p, n);
}

/* Pack "v": NW_VERSION_MAJOR. */
static void
wire_pack_v(msgpack_packer *pk)
{
        wire_pack_uint(pk, "v", NW_VERSION_MAJOR);
}

/*
 * Unpack buf, check it is a map of our version, and collect the values of
 * names[1..n) (names[0] must be "v"). Every names[i] with required[i] must be
 * present. On NW_OK the caller reads vals and then destroys *u.
 */
static int
wire_open(const void *buf, size_t len, const char *what, const char *const *names,
          const bool *required, size_t n, msgpack_unpacked *u, const msgpack_object **vals,
          char **cause)
{
        size_t i;
        int r;

        if (cause != NULL)
                *cause = NULL;
        r = nw_codec_unpack(buf, len, u, cause);
        if (r != NW_OK)
                return r;
        r = nw_codec_fields(&u->data, what, names, n, vals, cause);
        if (r != NW_OK)
                return r;
        r = nw_codec_version(vals[0], what, cause);
        if (r != NW_OK)
                return r;
        for (i = 1; i < n; i++) {
                if (required[i] && vals[i] == NULL)
                        return nw_fail(cause, NW_E_MISSING, "%s: no \"%s\"", what, names[i]);
        }
        return NW_OK;
}

/* Read an optional unsigned field (absent: unchanged). */
static int
wire_uint(const msgpack_object *o, const char *field, uint64_t *v, char **cause)
{
        if (o == NULL)
                return NW_OK;
        return nw_codec_uint(o, field, v, cause);
}

/* ---- trailer ---- */

static const char *const wire_trailer_keys[] = {"v", "origin", "epoch", "seq"};
static const bool wire_trailer_req[] = {true, true, true, true};

/* Encode the trailer frame {v, origin, epoch, seq}. */
int
nw_trailer_encode(const struct nw_trailer *t, char **out, size_t *outlen)
{
        msgpack_sbuffer sb;
        msgpack_packer pk;

        wire_begin(&sb, &pk);
        msgpack_pack_map(&pk, 4);
        wire_pack_v(&pk);
        wire_pack_bin(&pk, "origin", t->origin, NW_ORIGIN_LEN);
        wire_pack_uint(&pk, "epoch", t->epoch);
        wire_pack_uint(&pk, "seq", t->seq);
        return wire_finish(&sb, out, outlen);
}

/* Decode a trailer frame. */
int
nw_trailer_decode(const void *buf, size_t len, struct nw_trailer *t, char **cause)
{
        const msgpack_object *f[4];
        msgpack_unpacked u;
        int r;

        memset(t, 0, sizeof *t);
        msgpack_unpacked_init(&u);
        r = wire_open(buf, len, "trailer", wire_trailer_keys, wire_trailer_req, 4, &u, f, cause);
        if (r == NW_OK)
                r = nw_codec_bin(f[1], "trailer.origin", t->origin, NW_ORIGIN_LEN, cause);
        if (r == NW_OK)
                r = nw_codec_uint(f[2], "trailer.epoch", &t->epoch, cause);
        if (r == NW_OK)
                r = nw_codec_uint(f[3], "trailer.seq", &t->seq, cause);
        msgpack_unpacked_destroy(&u);
        return r;
}

/* ---- heartbeat ---- */

static const char *const wire_hb_keys[] = {"v", "origin", "epoch", "last_seq", "time_ms"};
static const bool wire_hb_req[] = {true, true, true, true, true};

/* Encode a heartbeat {v, origin, epoch, last_seq, time_ms}. */
int
nw_heartbeat_encode(const struct nw_heartbeat *h, char **out, size_t *outlen)
{
        msgpack_sbuffer sb;
        msgpack_packer pk;

        wire_begin(&sb, &pk);
        msgpack_pack_map(&pk, 5);
        wire_pack_v(&pk);
        wire_pack_bin(&pk, "origin", h->origin, NW_ORIGIN_LEN);
        wire_pack_uint(&pk, "epoch", h->epoch);
        wire_pack_uint(&pk, "last_seq", h->last_seq);
        wire_pack_uint(&pk, "time_ms", h->time_ms);
        return wire_finish(&sb, out, outlen);
}

/* Decode a heartbeat. */
int
nw_heartbeat_decode(const void *buf, size_t len, struct nw_heartbeat *h, char **cause)
{
        const msgpack_object *f[5];
        msgpack_unpacked u;
        int r;

        memset(h, 0, sizeof *h);
        msgpack_unpacked_init(&u);
        r = wire_open(buf, len, "heartbeat", wire_hb_keys, wire_hb_req, 5, &u, f, cause);
        if (r == NW_OK)
                r = nw_codec_bin(f[1], "heartbeat.origin", h->origin, NW_ORIGIN_LEN, cause);
        if (r == NW_OK)
                r = nw_codec_uint(f[2], "heartbeat.epoch", &h->epoch, cause);
        if (r == NW_OK)
                r = nw_codec_uint(f[3], "heartbeat.last_seq", &h->last_seq, cause);
        if (r == NW_OK)
                r = nw_codec_uint(f[4], "heartbeat.time_ms", &h->time_ms, cause);
        msgpack_unpacked_destroy(&u);
        return r;
}

/* ---- request ---- */

static const char *const wire_req_keys[] = {"v", "op", "req", "since", "limit", "prefix"};
static const bool wire_req_req[] = {true, true, false, false, false, false};

/* Encode a request {v, op, req, since, limit, prefix}; -1 on a bad op or prefix. */
int
nw_request_encode(const struct nw_request *r, char **out, size_t *outlen)
{
        msgpack_sbuffer sb;
        msgpack_packer pk;
        const char *op;
        size_t plen = strnlen(r->prefix, sizeof r->prefix);

        *out = NULL;
        *outlen = 0;
        if (r->op == NW_REQ_REPLAY)
                op = "replay";
        else if (r->op == NW_REQ_STATS)
                op = "stats";
        else
                return -1;
        if (plen == sizeof r->prefix || !nw_utf8_valid(r->prefix, plen))
                return -1;
        wire_begin(&sb, &pk);
        msgpack_pack_map(&pk, r->op == NW_REQ_REPLAY ? 6 : 3);
        wire_pack_v(&pk);
        nw_codec_pack_key(&pk, "op");
        nw_codec_pack_str(&pk, op);
        wire_pack_uint(&pk, "req", r->req_id);
        if (r->op == NW_REQ_REPLAY) {
                wire_pack_uint(&pk, "since", r->since);
                wire_pack_uint(&pk, "limit", r->limit);
                nw_codec_pack_key(&pk, "prefix");
                nw_codec_pack_str(&pk, r->prefix);
        }
        return wire_finish(&sb, out, outlen);
}

/* Decode a request. */
int
nw_request_decode(const void *buf, size_t len, struct nw_request *rq, char **cause)
{
        const msgpack_object *f[6];
        msgpack_unpacked u;
        char *op = NULL;
        uint64_t limit = 0;
        int r;

        memset(rq, 0, sizeof *rq);
        msgpack_unpacked_init(&u);
        r = wire_open(buf, len, "request", wire_req_keys, wire_req_req, 6, &u, f, cause);
        if (r == NW_OK)
                r = nw_codec_str(f[1], "request.op", false, NW_MAX_STRING, &op, cause);
        if (r == NW_OK) {
                if (strcmp(op, "replay") == 0)
                        rq->op = NW_REQ_REPLAY;
                else if (strcmp(op, "stats") == 0)
                        rq->op = NW_REQ_STATS;
                else
                        r = nw_fail(cause, NW_E_VALUE, "request.op: unknown operation \"%.32s\"",
                                    op);
        }
        free(op);
        if (r == NW_OK)
                r = wire_uint(f[2], "request.req", &rq->req_id, cause);
        if (r == NW_OK)
                r = wire_uint(f[3], "request.since", &rq->since, cause);
        if (r == NW_OK)
                r = wire_uint(f[4], "request.limit", &limit, cause);
        if (r == NW_OK && limit > UINT32_MAX)
                r = nw_fail(cause, NW_E_VALUE, "request.limit: %llu out of range",
                            (unsigned long long)limit);
        rq->limit = (uint32_t)limit;
        if (r == NW_OK && f[5] != NULL)
                r = nw_codec_strbuf(f[5], "request.prefix", rq->prefix, sizeof rq->prefix, cause);
        msgpack_unpacked_destroy(&u);
        return r;
}

/* ---- $end ---- */

static const char *const wire_end_keys[] = {"v",        "req",  "count",  "last_seq",
                                            "head_seq", "more", "origin", "epoch"};
static const bool wire_end_req[] = {true, true, true, true, true, true, true, true};

/* Encode an end of replay. */
int
nw_end_encode(const struct nw_end *e, char **out, size_t *outlen)
{
        msgpack_sbuffer sb;
        msgpack_packer pk;

        wire_begin(&sb, &pk);
        msgpack_pack_map(&pk, 8);
        wire_pack_v(&pk);
        wire_pack_uint(&pk, "req", e->req_id);
        wire_pack_uint(&pk, "count", e->count);
        wire_pack_uint(&pk, "last_seq", e->last_seq);
        wire_pack_uint(&pk, "head_seq", e->head_seq);
        nw_codec_pack_key(&pk, "more");
        if (e->more)
                msgpack_pack_true(&pk);
        else
                msgpack_pack_false(&pk);
        wire_pack_bin(&pk, "origin", e->origin, NW_ORIGIN_LEN);
        wire_pack_uint(&pk, "epoch", e->epoch);
        return wire_finish(&sb, out, outlen);
}

/* Decode an end of replay. */
int
nw_end_decode(const void *buf, size_t len, struct nw_end *e, char **cause)
{
        const msgpack_object *f[8];
        msgpack_unpacked u;
        int r;

        memset(e, 0, sizeof *e);
        msgpack_unpacked_init(&u);
        r = wire_open(buf, len, "end", wire_end_keys, wire_end_req, 8, &u, f, cause);
        if (r == NW_OK)
                r = nw_codec_uint(f[1], "end.req", &e->req_id, cause);
        if (r == NW_OK)
                r = nw_codec_uint(f[2], "end.count", &e->count, cause);
        if (r == NW_OK)
                r = nw_codec_uint(f[3], "end.last_seq", &e->last_seq, cause);
        if (r == NW_OK)
                r = nw_codec_uint(f[4], "end.head_seq", &e->head_seq, cause);
        if (r == NW_OK)
                r = nw_codec_bool(f[5], "end.more", &e->more, cause);
        if (r == NW_OK)
                r = nw_codec_bin(f[6], "end.origin", e->origin, NW_ORIGIN_LEN, cause);
        if (r == NW_OK)
                r = nw_codec_uint(f[7], "end.epoch", &e->epoch, cause);
        msgpack_unpacked_destroy(&u);
        return r;
}

/* ---- $error ---- */

static const char *const wire_error_keys[] = {"v", "req", "code", "message"};
static const bool wire_error_req[] = {true, true, true, true};

/* Copy at most cap-1 bytes of s into buf, cutting at a UTF-8 boundary. */
static void
wire_copy_utf8(char *buf, size_t cap, const char *s, size_t n)
{
        if (n >= cap) {
                n = cap - 1;
                while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
                        n--;
        }
        memcpy(buf, s, n);
        buf[n] = '\0';
}

/* Encode an error reply; the message is repaired to valid UTF-8. */
int
nw_error_encode(const struct nw_error_reply *e, char **out, size_t *outlen)
{
        struct nw_buf b = {0};
        msgpack_sbuffer sb;
        msgpack_packer pk;
        char msg[sizeof e->message];

        nw_buf_add_utf8(&b, e->message, strnlen(e->message, sizeof e->message));
        wire_copy_utf8(msg, sizeof msg, b.b_data ? b.b_data : "", b.b_len);
        free(b.b_data);
        wire_begin(&sb, &pk);
        msgpack_pack_map(&pk, 4);
        wire_pack_v(&pk);
        wire_pack_uint(&pk, "req", e->req_id);
        nw_codec_pack_key(&pk, "code");
        msgpack_pack_int32(&pk, e->code);
        nw_codec_pack_key(&pk, "message");
        nw_codec_pack_str(&pk, msg);
        return wire_finish(&sb, out, outlen);
}

/* Decode an error reply; a message longer than 255 bytes is cut. */
int
nw_error_decode(const void *buf, size_t len, struct nw_error_reply *e, char **cause)
{
        const msgpack_object *f[4];
        msgpack_unpacked u;
        char *msg = NULL;
        int64_t code = 0;
        int r;

        memset(e, 0, sizeof *e);
        msgpack_unpacked_init(&u);
        r = wire_open(buf, len, "error", wire_error_keys, wire_error_req, 4, &u, f, cause);
        if (r == NW_OK)
                r = nw_codec_uint(f[1], "error.req", &e->req_id, cause);
        if (r == NW_OK)
                r = nw_codec_int(f[2], "error.code", &code, cause);
        if (r == NW_OK && (code < INT32_MIN || code > INT32_MAX))
                r = nw_fail(cause, NW_E_VALUE, "error.code: %lld out of range", (long long)code);
        e->code = (int32_t)code;
        if (r == NW_OK)
                r = nw_codec_str(f[3], "error.message", false, NW_MAX_STRING, &msg, cause);
        if (r == NW_OK)
                wire_copy_utf8(e->message, sizeof e->message, msg, strlen(msg));
        free(msg);
        msgpack_unpacked_destroy(&u);
        return r;
}

/* ---- $stats ---- */

/* Encode a stats reply {v, req, name: uint...}; names must be non-empty valid
 * UTF-8 other than "v" and "req". */
int
nw_stats_encode(uint64_t req_id, const struct nw_stat *stats, size_t n, char **out, size_t *outlen)
{
        msgpack_sbuffer sb;
        msgpack_packer pk;
        size_t i, nl;

        *out = NULL;
        *outlen = 0;
        if (n > NW_MAX_ITEMS - 2)
                return -1;
        for (i = 0; i < n; i++) {
                nl = strnlen(stats[i].name, sizeof stats[i].name);
                if (nl == 0 || nl == sizeof stats[i].name || !nw_utf8_valid(stats[i].name, nl) ||
                    strcmp(stats[i].name, "v") == 0 || strcmp(stats[i].name, "req") == 0)
                        return -1;
        }
        wire_begin(&sb, &pk);
        msgpack_pack_map(&pk, 2 + n);
        wire_pack_v(&pk);
        wire_pack_uint(&pk, "req", req_id);
        for (i = 0; i < n; i++)
                wire_pack_uint(&pk, stats[i].name, stats[i].value);
        return wire_finish(&sb, out, outlen);
}

/* Decode a stats reply: every key but "v" and "req" is a stat. */
int
nw_stats_decode(const void *buf, size_t len, uint64_t *req_id, struct nw_stat **stats, size_t *n,
                char **cause)
{
        static const char *const keys[] = {"v", "req"};
        static const bool req[] = {true, true};
        const msgpack_object *f[2];
        const msgpack_object_kv *kv;
        msgpack_unpacked u;
        struct nw_stat *s = NULL;
        char field[96];
        size_t k = 0;
        uint32_t i;
        int r;

        *req_id = 0;
        *stats = NULL;
        *n = 0;
        msgpack_unpacked_init(&u);
        r = wire_open(buf, len, "stats", keys, req, 2, &u, f, cause);
        if (r == NW_OK)
                r = nw_codec_uint(f[1], "stats.req", req_id, cause);
        if (r == NW_OK && u.data.via.map.size > 0)
                s = nw_xcalloc(u.data.via.map.size, sizeof *s);
        for (i = 0; r == NW_OK && i < u.data.via.map.size; i++) {
                kv = &u.data.via.map.ptr[i];
                if (nw_codec_key_is(&kv->key, "v") || nw_codec_key_is(&kv->key, "req"))
                        continue;
                r = nw_codec_strbuf(&kv->key, "stats name", s[k].name, sizeof s[k].name, cause);
                if (r != NW_OK)
                        break;
                if (s[k].name[0] == '\0') {
                        r = nw_fail(cause, NW_E_VALUE, "stats: empty name");
                        break;
                }
                snprintf(field, sizeof field, "stats.%s", s[k].name);
                r = nw_codec_uint(&kv->val, field, &s[k].value, cause);
                k++;
        }
        msgpack_unpacked_destroy(&u);
        if (r != NW_OK) {
                free(s);
                *req_id = 0;
                return r;
        }
        *stats = s;
        *n = k;
        return NW_OK;
}
