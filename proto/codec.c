/*
 * codec.c — the msgpack form of events, and the msgpack plumbing the control
 * messages of wire.c share: a structural pre-check of raw bytes against the
 * NW_MAX_* limits (so msgpack-c never sees a hostile length), typed field
 * readers, and the event encoder/decoder.
 *
 * Decoding is two passes: codec_check() walks the bytes once, refusing
 * truncation, the unused 0xc1 byte, trailing bytes, and anything over a
 * limit; only then msgpack_unpack_next() builds objects, whose allocations
 * are therefore bounded by the input size.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nw-private.h"

/* Read a big-endian unsigned integer of n bytes. */
static uint64_t
codec_be(const uint8_t *p, size_t n)
{
        uint64_t v = 0;
        size_t i;

        for (i = 0; i < n; i++)
                v = v << 8 | p[i];
        return v;
}

/*
 * Walk one msgpack value at p[*pos..len), advancing *pos past it; depth is
 * the number of containers around it (0 for the top value). Containers may nest NW_MAX_DEPTH deep,
 * hold NW_MAX_ITEMS elements (pairs for maps); strings, bins and exts NW_MAX_STRING bytes; *count
 * values in all (keys included) at most NW_MAX_OBJECTS, which bounds what msgpack-c allocates (24
 * bytes a value) whatever the nesting.
 */
static int
codec_check_value(const uint8_t *p, size_t len, size_t *pos, unsigned depth, size_t *count,
                  char **cause)
{
        size_t at = *pos, left = len - at, hdr, n = 0, i;
        uint8_t b;
        bool is_map = false, is_array = false;
        int r;

        if (left == 0)
                return nw_fail(cause, NW_E_TRUNCATED, "input ends at byte %zu inside a value", at);
        if (++*count > NW_MAX_OBJECTS)
                return nw_fail(cause, NW_E_LIMIT, "more than %d values at byte %zu", NW_MAX_OBJECTS,
                               at);
        b = p[at];
        if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3) {
                *pos = at + 1; /* fixints, nil, bools */
                return NW_OK;
        }
        if (b == 0xc1)
                return nw_fail(cause, NW_E_MALFORMED, "byte 0xc1 (never used) at %zu", at);
        if (b >= 0x80 && b <= 0x8f) {
                is_map = true, n = b & 0x0f, hdr = 1;
        } else if (b >= 0x90 && b <= 0x9f) {
                is_array = true, n = b & 0x0f, hdr = 1;
        } else if (b >= 0xa0 && b <= 0xbf) {
                n = b & 0x1f, hdr = 1; /* fixstr */
        } else {
                static const struct {
                        uint8_t lenbytes; /* bytes of the length field, 0 when fixed */
                        uint8_t fixed;    /* payload bytes after the header when fixed */
                } f[0x20] = {
                    [0x04] = {1, 0},  [0x05] = {2, 0}, [0x06] = {4, 0}, /* bin */
                    [0x07] = {1, 1},  [0x08] = {2, 1}, [0x09] = {4, 1}, /* ext: +type */
                    [0x0a] = {0, 4},  [0x0b] = {0, 8},                  /* float */
                    [0x0c] = {0, 1},  [0x0d] = {0, 2}, [0x0e] = {0, 4}, [0x0f] = {0, 8}, /* uint */
                    [0x10] = {0, 1},  [0x11] = {0, 2}, [0x12] = {0, 4}, [0x13] = {0, 8}, /* int */
                    [0x14] = {0, 2},  [0x15] = {0, 3}, [0x16] = {0, 5}, [0x17] = {0, 9},
                    [0x18] = {0, 17},                                   /* fixext */
                    [0x19] = {1, 0},  [0x1a] = {2, 0}, [0x1b] = {4, 0}, /* str */
                    [0x1c] = {2, 0},  [0x1d] = {4, 0},                  /* array */
                    [0x1e] = {2, 0},  [0x1f] = {4, 0},                  /* map */
                };
                unsigned k = b - 0xc0;

                if (f[k].lenbytes == 0) {
                        if (left < 1 + (size_t)f[k].fixed)
                                return nw_fail(cause, NW_E_TRUNCATED,
                                               "input ends inside a value at byte %zu", at);
                        *pos = at + 1 + f[k].fixed;
                        return NW_OK;
                }
                hdr = 1 + f[k].lenbytes;
                if (left < hdr)
                        return nw_fail(cause, NW_E_TRUNCATED,
                                       "input ends inside a header at byte %zu", at);
                n = (size_t)codec_be(p + at + 1, f[k].lenbytes);
                if (b == 0xdc || b == 0xdd) {
                        is_array = true;
                } else if (b == 0xde || b == 0xdf) {
                        is_map = true;
                } else if (b >= 0xc7 && b <= 0xc9) {
                        hdr++; /* ext type byte */
                        if (left < hdr)
                                return nw_fail(cause, NW_E_TRUNCATED,
                                               "input ends inside a header at byte %zu", at);
                }
        }
        if (!is_map && !is_array) {
                if (n > NW_MAX_STRING)
                        return nw_fail(cause, NW_E_LIMIT,
                                       "string of %zu bytes at byte %zu (limit %u)", n, at,
                                       NW_MAX_STRING);
                if (left - hdr < n)
                        return nw_fail(cause, NW_E_TRUNCATED,
                                       "input ends inside a %zu-byte string at byte %zu", n, at);
                *pos = at + hdr + n;
                return NW_OK;
        }
        if (depth + 1 > NW_MAX_DEPTH)
                return nw_fail(cause, NW_E_LIMIT, "nesting deeper than %d at byte %zu",
                               NW_MAX_DEPTH, at);
        if (n > NW_MAX_ITEMS)
                return nw_fail(cause, NW_E_LIMIT, "%s of %zu items at byte %zu (limit %d)",
                               is_map ? "map" : "array", n, at, NW_MAX_ITEMS);
        *pos = at + hdr;
        for (i = 0; i < (is_map ? 2 * n : n); i++) {
                r = codec_check_value(p, len, pos, depth + 1, count, cause);
                if (r != NW_OK)
                        return r;
        }
        return NW_OK;
}

/* Check buf, then unpack it with msgpack-c into *u. */
int
nw_codec_unpack(const void *buf, size_t len, msgpack_unpacked *u, char **cause)
{
        size_t pos = 0, off = 0, count = 0;
        int r;

        if (len > NW_MAX_MESSAGE)
                return nw_fail(cause, NW_E_LIMIT, "message of %zu bytes (limit %u)", len,
                               NW_MAX_MESSAGE);
        if (len == 0)
                return nw_fail(cause, NW_E_TRUNCATED, "empty message");
        r = codec_check_value(buf, len, &pos, 0, &count, cause);
        if (r != NW_OK)
                return r;
        if (pos != len)
                return nw_fail(cause, NW_E_MALFORMED, "%zu trailing bytes after the value",
                               len - pos);
        switch (msgpack_unpack_next(u, buf, len, &off)) {
        case MSGPACK_UNPACK_SUCCESS:
                if (off == len)
                        return NW_OK;
                break;
        case MSGPACK_UNPACK_NOMEM_ERROR:
                return nw_fail(cause, NW_E_NOMEM, "out of memory unpacking");
        default:
                break;
        }
        return nw_fail(cause, NW_E_MALFORMED, "msgpack-c refused the message");
}

/* A name for a msgpack object type, for messages. */
const char *
nw_codec_type_name(const msgpack_object *o)
{
        switch (o->type) {
        case MSGPACK_OBJECT_NIL:
                return "nil";
        case MSGPACK_OBJECT_BOOLEAN:
                return "boolean";
        case MSGPACK_OBJECT_POSITIVE_INTEGER:
        case MSGPACK_OBJECT_NEGATIVE_INTEGER:
                return "integer";
        case MSGPACK_OBJECT_FLOAT32:
        case MSGPACK_OBJECT_FLOAT64:
                return "float";
        case MSGPACK_OBJECT_STR:
                return "string";
        case MSGPACK_OBJECT_ARRAY:
                return "array";
        case MSGPACK_OBJECT_MAP:
                return "map";
        case MSGPACK_OBJECT_BIN:
                return "bin";
        case MSGPACK_OBJECT_EXT:
                return "ext";
        }
        return "unknown";
}

/* NW_E_TYPE with a uniform message. */
static int
codec_wrong_type(const msgpack_object *o, const char *field, const char *want, char **cause)
{
        return nw_fail(cause, NW_E_TYPE, "%s: expected %s, got %s", field, want,
                       nw_codec_type_name(o));
}

/* Whether a map key is the string name. */
bool
nw_codec_key_is(const msgpack_object *key, const char *name)
{
        size_t n = strlen(name);

        return key->type == MSGPACK_OBJECT_STR && key->via.str.size == n &&
               memcmp(key->via.str.ptr, name, n) == 0;
}

/* Read a non-negative integer. */
int
nw_codec_uint(const msgpack_object *o, const char *field, uint64_t *v, char **cause)
{
        if (o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
                return nw_fail(cause, NW_E_VALUE, "%s: negative (%lld)", field,
                               (long long)o->via.i64);
        if (o->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
                return codec_wrong_type(o, field, "unsigned integer", cause);
        *v = o->via.u64;
        return NW_OK;
}

/* Read a signed 64-bit integer. */
int
nw_codec_int(const msgpack_object *o, const char *field, int64_t *v, char **cause)
{
        if (o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER) {
                *v = o->via.i64;
                return NW_OK;
        }
        if (o->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
                return codec_wrong_type(o, field, "integer", cause);
        if (o->via.u64 > INT64_MAX)
                return nw_fail(cause, NW_E_VALUE, "%s: %llu out of range", field,
                               (unsigned long long)o->via.u64);
        *v = (int64_t)o->via.u64;
        return NW_OK;
}

/* Read a finite number: any integer or float. */
int
nw_codec_number(const msgpack_object *o, const char *field, double *v, char **cause)
{
        double d;

        switch (o->type) {
        case MSGPACK_OBJECT_POSITIVE_INTEGER:
                d = (double)o->via.u64;
                break;
        case MSGPACK_OBJECT_NEGATIVE_INTEGER:
                d = (double)o->via.i64;
                break;
        case MSGPACK_OBJECT_FLOAT32:
        case MSGPACK_OBJECT_FLOAT64:
                d = o->via.f64;
                break;
        default:
                return codec_wrong_type(o, field, "number", cause);
        }
        if (!isfinite(d))
                return nw_fail(cause, NW_E_VALUE, "%s: not a finite number", field);
        *v = d;
        return NW_OK;
}

/* Read a boolean. */
int
nw_codec_bool(const msgpack_object *o, const char *field, bool *v, char **cause)
{
        if (o->type != MSGPACK_OBJECT_BOOLEAN)
                return codec_wrong_type(o, field, "boolean", cause);
        *v = o->via.boolean;
        return NW_OK;
}

/* Check a string object's bytes: length, NUL, UTF-8. */
static int
codec_str_check(const msgpack_object *o, const char *field, size_t max, char **cause)
{
        if (o->type != MSGPACK_OBJECT_STR)
                return codec_wrong_type(o, field, "string", cause);
        if (o->via.str.size > max)
                return nw_fail(cause, NW_E_LIMIT, "%s: string of %u bytes (limit %zu)", field,
                               o->via.str.size, max);
        if (o->via.str.size > 0 && memchr(o->via.str.ptr, '\0', o->via.str.size) != NULL)
                return nw_fail(cause, NW_E_VALUE, "%s: string contains a NUL byte", field);
        if (!nw_utf8_valid(o->via.str.ptr, o->via.str.size))
                return nw_fail(cause, NW_E_VALUE, "%s: invalid UTF-8", field);
        return NW_OK;
}

/* Read a string into a new allocation; nil gives NULL when nullable. */
int
nw_codec_str(const msgpack_object *o, const char *field, bool nullable, size_t max, char **v,
             char **cause)
{
        int r;

        if (nullable && o->type == MSGPACK_OBJECT_NIL) {
                *v = NULL;
                return NW_OK;
        }
        if (o->type != MSGPACK_OBJECT_STR)
                return codec_wrong_type(o, field, nullable ? "string or nil" : "string", cause);
        r = codec_str_check(o, field, max, cause);
        if (r != NW_OK)
                return r;
        /* msgpack-c gives an empty string a NULL pointer */
        *v = nw_xstrndup(o->via.str.size > 0 ? o->via.str.ptr : "", o->via.str.size);
        return NW_OK;
}

/* Read a string into buf of size cap (NUL included). */
int
nw_codec_strbuf(const msgpack_object *o, const char *field, char *buf, size_t cap, char **cause)
{
        int r;

        r = codec_str_check(o, field, cap - 1, cause);
        if (r != NW_OK)
                return r;
        if (o->via.str.size > 0) /* an empty string has a NULL pointer */
                memcpy(buf, o->via.str.ptr, o->via.str.size);
        buf[o->via.str.size] = '\0';
        return NW_OK;
}

/* Read a bin of exactly n bytes. */
int
nw_codec_bin(const msgpack_object *o, const char *field, uint8_t *buf, size_t n, char **cause)
{
        if (o->type != MSGPACK_OBJECT_BIN)
                return codec_wrong_type(o, field, "bin", cause);
        if (o->via.bin.size != n)
                return nw_fail(cause, NW_E_VALUE, "%s: %u bytes, expected %zu", field,
                               o->via.bin.size, n);
        if (n > 0)
                memcpy(buf, o->via.bin.ptr, n);
        return NW_OK;
}

/*
 * Collect the values of the known keys of a map: vals[i] is the value of
 * names[i], or NULL when absent. Unknown keys are skipped; a non-string key
 * is NW_E_TYPE and a repeated known key NW_E_VALUE.
 */
int
nw_codec_fields(const msgpack_object *o, const char *what, const char *const *names, size_t n,
                const msgpack_object **vals, char **cause)
{
        const msgpack_object_kv *kv;
        uint32_t i;
        size_t k;

        if (o->type != MSGPACK_OBJECT_MAP)
                return codec_wrong_type(o, what, "map", cause);
        for (k = 0; k < n; k++)
                vals[k] = NULL;
        for (i = 0; i < o->via.map.size; i++) {
                kv = &o->via.map.ptr[i];
                if (kv->key.type != MSGPACK_OBJECT_STR)
                        return nw_fail(cause, NW_E_TYPE, "%s: a key is %s, not a string", what,
                                       nw_codec_type_name(&kv->key));
                for (k = 0; k < n; k++) {
                        if (!nw_codec_key_is(&kv->key, names[k]))
                                continue;
                        if (vals[k] != NULL)
                                return nw_fail(cause, NW_E_VALUE, "%s: key \"%s\" repeated", what,
                                               names[k]);
                        vals[k] = &kv->val;
                        break;
                }
        }
        return NW_OK;
}

/* Check a message's "v": present, an unsigned integer, our major. */
int
nw_codec_version(const msgpack_object *v, const char *what, char **cause)
{
        uint64_t n;
        char field[64];
        int r;

        if (v == NULL)
                return nw_fail(cause, NW_E_MISSING, "%s: no \"v\"", what);
        snprintf(field, sizeof field, "%s.v", what);
        r = nw_codec_uint(v, field, &n, cause);
        if (r != NW_OK)
                return r;
        if (n != NW_VERSION_MAJOR)
                return nw_fail(cause, NW_E_VERSION, "%s: version %llu, this library speaks %d",
                               what, (unsigned long long)n, NW_VERSION_MAJOR);
        return NW_OK;
}

/* Pack a string (NULL packs nil). */
void
nw_codec_pack_str(msgpack_packer *pk, const char *s)
{
        size_t n;

        if (s == NULL) {
                msgpack_pack_nil(pk);
                return;
        }
        n = strlen(s);
        msgpack_pack_str(pk, n);
        msgpack_pack_str_body(pk, s, n);
}

/* Pack a map key. */
void
nw_codec_pack_key(msgpack_packer *pk, const char *s)
{
        nw_codec_pack_str(pk, s);
}

/* ---- events ---------------------------------------------------------- */

/* A string field of an event: valid after repair when it has bad UTF-8. */
static void
codec_pack_text(msgpack_packer *pk, const char *s)
{
        struct nw_buf b = {0};
        size_t n;

        if (s == NULL) {
                msgpack_pack_nil(pk);
                return;
        }
        n = strlen(s);
        if (nw_utf8_valid(s, n)) {
                msgpack_pack_str(pk, n);
                msgpack_pack_str_body(pk, s, n);
                return;
        }
        nw_buf_add_utf8(&b, s, n);
        msgpack_pack_str(pk, b.b_len);
        msgpack_pack_str_body(pk, b.b_data, b.b_len);
        free(b.b_data);
}

/* Whether s fits a string field once repaired (U+FFFD may triple a byte). */
static bool
codec_text_ok(const char *s)
{
        struct nw_buf b = {0};
        size_t n;
        bool ok;

        if (s == NULL)
                return true;
        n = strlen(s);
        if (n <= NW_MAX_STRING / 3 || nw_utf8_valid(s, n))
                return n <= NW_MAX_STRING;
        nw_buf_add_utf8(&b, s, n);
        ok = b.b_len <= NW_MAX_STRING;
        free(b.b_data);
        return ok;
}

/* Whether ev can be encoded: required fields, finite numbers, limits. */
static bool
codec_event_ok(const struct nw_event *ev)
{
        const struct nw_article_ref *a = &ev->article;
        size_t i;

        if (ev->id == NULL || ev->type == NULL || ev->modality == NULL ||
            !isfinite(ev->confidence) || ev->nargs > NW_MAX_ITEMS || ev->nattrs > NW_MAX_ITEMS ||
            ev->nquantities > NW_MAX_ITEMS || ev->nreported_by > NW_MAX_ITEMS)
                return false;
        if (!codec_text_ok(ev->id) || !codec_text_ok(ev->type) || !codec_text_ok(ev->modality) ||
            !codec_text_ok(ev->time_value) || !codec_text_ok(ev->time_text) ||
            !codec_text_ok(ev->summary) || !codec_text_ok(ev->evidence_text) ||
            !codec_text_ok(a->id) || !codec_text_ok(a->url) || !codec_text_ok(a->title) ||
            !codec_text_ok(a->published) || !codec_text_ok(a->source) || !codec_text_ok(a->lang))
                return false;
        for (i = 0; i < ev->nargs; i++) {
                if (ev->args[i].role == NULL || !codec_text_ok(ev->args[i].role) ||
                    !codec_text_ok(ev->args[i].id) || !codec_text_ok(ev->args[i].text))
                        return false;
        }
        for (i = 0; i < ev->nattrs; i++) {
                if (ev->attrs[i].key == NULL || ev->attrs[i].value == NULL ||
                    !codec_text_ok(ev->attrs[i].key) || !codec_text_ok(ev->attrs[i].value))
                        return false;
        }
        for (i = 0; i < ev->nquantities; i++) {
                if (ev->quantities[i].kind == NULL || !isfinite(ev->quantities[i].value) ||
                    !codec_text_ok(ev->quantities[i].kind) ||
                    !codec_text_ok(ev->quantities[i].unit) ||
                    !codec_text_ok(ev->quantities[i].text))
                        return false;
        }
        for (i = 0; i < ev->nreported_by; i++) {
                if (!codec_text_ok(ev->reported_by[i].id) ||
                    !codec_text_ok(ev->reported_by[i].text))
                        return false;
        }
        return true;
}

/* Encode ev as one msgpack map with the keys of the JSON form. */
int
nw_event_encode(const struct nw_event *ev, char **out, size_t *outlen)
{
        const struct nw_article_ref *a = &ev->article;
        msgpack_sbuffer sb;
        msgpack_packer pk;
        bool has_time = ev->time_value != NULL || ev->time_text != NULL;
        size_t i;

        *out = NULL;
        *outlen = 0;
        if (!codec_event_ok(ev))
                return -1;
        msgpack_sbuffer_init(&sb);
        msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
        msgpack_pack_map(&pk, 12 + (ev->has_seq ? 1 : 0) + (has_time ? 1 : 0));
        nw_codec_pack_key(&pk, "v");
        msgpack_pack_uint32(&pk, NW_VERSION_MAJOR);
        nw_codec_pack_key(&pk, "id");
        codec_pack_text(&pk, ev->id);
        if (ev->has_seq) {
                nw_codec_pack_key(&pk, "seq");
                msgpack_pack_uint64(&pk, ev->seq);
        }
        nw_codec_pack_key(&pk, "type");
        codec_pack_text(&pk, ev->type);
        nw_codec_pack_key(&pk, "modality");
        codec_pack_text(&pk, ev->modality);
        nw_codec_pack_key(&pk, "confidence");
        msgpack_pack_double(&pk, ev->confidence);

        nw_codec_pack_key(&pk, "args");
        msgpack_pack_array(&pk, ev->nargs);
        for (i = 0; i < ev->nargs; i++) {
                msgpack_pack_map(&pk, 3);
                nw_codec_pack_key(&pk, "role");
                codec_pack_text(&pk, ev->args[i].role);
                nw_codec_pack_key(&pk, "id");
                codec_pack_text(&pk, ev->args[i].id);
                nw_codec_pack_key(&pk, "text");
                codec_pack_text(&pk, ev->args[i].text);
        }
        nw_codec_pack_key(&pk, "attrs");
        msgpack_pack_map(&pk, ev->nattrs);
        for (i = 0; i < ev->nattrs; i++) {
                codec_pack_text(&pk, ev->attrs[i].key);
                codec_pack_text(&pk, ev->attrs[i].value);
        }
        if (has_time) {
                nw_codec_pack_key(&pk, "time");
                msgpack_pack_map(&pk, 2);
                nw_codec_pack_key(&pk, "value");
                codec_pack_text(&pk, ev->time_value);
                nw_codec_pack_key(&pk, "text");
                codec_pack_text(&pk, ev->time_text);
        }
        nw_codec_pack_key(&pk, "quantities");
        msgpack_pack_array(&pk, ev->nquantities);
        for (i = 0; i < ev->nquantities; i++) {
                msgpack_pack_map(&pk, 4);
                nw_codec_pack_key(&pk, "kind");
                codec_pack_text(&pk, ev->quantities[i].kind);
                nw_codec_pack_key(&pk, "value");
                msgpack_pack_double(&pk, ev->quantities[i].value);
                nw_codec_pack_key(&pk, "unit");
                codec_pack_text(&pk, ev->quantities[i].unit);
                nw_codec_pack_key(&pk, "text");
                codec_pack_text(&pk, ev->quantities[i].text);
        }
        nw_codec_pack_key(&pk, "reported_by");
        msgpack_pack_array(&pk, ev->nreported_by);
        for (i = 0; i < ev->nreported_by; i++) {
                msgpack_pack_map(&pk, 2);
                nw_codec_pack_key(&pk, "id");
                codec_pack_text(&pk, ev->reported_by[i].id);
                nw_codec_pack_key(&pk, "text");
                codec_pack_text(&pk, ev->reported_by[i].text);
        }
        nw_codec_pack_key(&pk, "summary");
        codec_pack_text(&pk, ev->summary);
        nw_codec_pack_key(&pk, "evidence");
        msgpack_pack_map(&pk, 3);
        nw_codec_pack_key(&pk, "text");
        codec_pack_text(&pk, ev->evidence_text);
        nw_codec_pack_key(&pk, "start");
        msgpack_pack_uint64(&pk, ev->evidence_start);
        nw_codec_pack_key(&pk, "end");
        msgpack_pack_uint64(&pk, ev->evidence_end);
        nw_codec_pack_key(&pk, "article");
        msgpack_pack_map(&pk, 6);
        nw_codec_pack_key(&pk, "id");
        codec_pack_text(&pk, a->id);
        nw_codec_pack_key(&pk, "url");
        codec_pack_text(&pk, a->url);
        nw_codec_pack_key(&pk, "title");
        codec_pack_text(&pk, a->title);
        nw_codec_pack_key(&pk, "published");
        codec_pack_text(&pk, a->published);
        nw_codec_pack_key(&pk, "source");
        codec_pack_text(&pk, a->source);
        nw_codec_pack_key(&pk, "lang");
        codec_pack_text(&pk, a->lang);

        if (sb.size > NW_MAX_MESSAGE || sb.data == NULL) {
                msgpack_sbuffer_destroy(&sb);
                return -1;
        }
        *out = sb.data;
        *outlen = sb.size;
        return 0;
}

/* Read an optional nullable string field into *v (absent: NULL). */
static int
codec_opt_str(const msgpack_object *o, const char *field, char **v, char **cause)
{
        *v = NULL;
        if (o == NULL)
                return NW_OK;
        return nw_codec_str(o, field, true, NW_MAX_STRING, v, cause);
}

/* Read a required non-null string field into *v. */
static int
codec_req_str(const msgpack_object *o, const char *field, char **v, char **cause)
{
        *v = NULL;
        if (o == NULL)
                return nw_fail(cause, NW_E_MISSING, "%s: missing", field);
        return nw_codec_str(o, field, false, NW_MAX_STRING, v, cause);
}

/* Check an array field (absent or nil: empty) and return its length. */
static int
codec_array(const msgpack_object *o, const char *field, uint32_t *n, char **cause)
{
        *n = 0;
        if (o == NULL || o->type == MSGPACK_OBJECT_NIL)
                return NW_OK;
        if (o->type != MSGPACK_OBJECT_ARRAY)
                return codec_wrong_type(o, field, "array", cause);
        if (o->via.array.size > NW_MAX_ITEMS)
                return nw_fail(cause, NW_E_LIMIT, "%s: %u items (limit %d)", field,
                               o->via.array.size, NW_MAX_ITEMS);
        *n = o->via.array.size;
        return NW_OK;
}

/* Decode args[]. */
static int
codec_decode_args(const msgpack_object *o, struct nw_event *ev, char **cause)
{
        static const char *const names[] = {"role", "id", "text"};
        const msgpack_object *f[3];
        char path[64], field[80];
        uint32_t n, i;
        struct nw_arg *a;
        int r;

        if ((r = codec_array(o, "args", &n, cause)) != NW_OK)
                return r;
        if (n > 0)
                ev->args = nw_xcalloc(n, sizeof *ev->args);
        for (i = 0; i < n; i++) {
                snprintf(path, sizeof path, "args[%u]", i);
                if ((r = nw_codec_fields(&o->via.array.ptr[i], path, names, 3, f, cause)) != NW_OK)
                        return r;
                a = &ev->args[ev->nargs++];
                snprintf(field, sizeof field, "%s.role", path);
                if ((r = codec_req_str(f[0], field, &a->role, cause)) != NW_OK)
                        return r;
                snprintf(field, sizeof field, "%s.id", path);
                if ((r = codec_opt_str(f[1], field, &a->id, cause)) != NW_OK)
                        return r;
                snprintf(field, sizeof field, "%s.text", path);
                if ((r = codec_opt_str(f[2], field, &a->text, cause)) != NW_OK)
                        return r;
        }
        return NW_OK;
}

/* Decode attrs{}: string keys to string values, keys unique. */
static int
codec_decode_attrs(const msgpack_object *o, struct nw_event *ev, char **cause)
{
        const msgpack_object_kv *kv;
        struct nw_attr *a;
        uint32_t i, j;
        int r;

        if (o == NULL || o->type == MSGPACK_OBJECT_NIL)
                return NW_OK;
        if (o->type != MSGPACK_OBJECT_MAP)
                return codec_wrong_type(o, "attrs", "map", cause);
        if (o->via.map.size > NW_MAX_ITEMS)
                return nw_fail(cause, NW_E_LIMIT, "attrs: %u items (limit %d)", o->via.map.size,
                               NW_MAX_ITEMS);
        if (o->via.map.size > 0)
                ev->attrs = nw_xcalloc(o->via.map.size, sizeof *ev->attrs);
        for (i = 0; i < o->via.map.size; i++) {
                kv = &o->via.map.ptr[i];
                for (j = 0; j < i; j++) {
                        const msgpack_object *k = &o->via.map.ptr[j].key;

                        if (kv->key.type == MSGPACK_OBJECT_STR &&
                            k->via.str.size == kv->key.via.str.size &&
                            (k->via.str.size == 0 ||
                             memcmp(k->via.str.ptr, kv->key.via.str.ptr, k->via.str.size) == 0))
                                return nw_fail(cause, NW_E_VALUE, "attrs: key repeated");
                }
                a = &ev->attrs[ev->nattrs++];
                if ((r = nw_codec_str(&kv->key, "attrs key", false, NW_MAX_STRING, &a->key,
                                      cause)) != NW_OK)
                        return r;
                if ((r = nw_codec_str(&kv->val, "attrs value", false, NW_MAX_STRING, &a->value,
                                      cause)) != NW_OK)
                        return r;
        }
        return NW_OK;
}

/* Decode quantities[]. */
static int
codec_decode_quantities(const msgpack_object *o, struct nw_event *ev, char **cause)
{
        static const char *const names[] = {"kind", "value", "unit", "text"};
        const msgpack_object *f[4];
        char path[64], field[80];
        struct nw_quantity *q;
        uint32_t n, i;
        int r;

        if ((r = codec_array(o, "quantities", &n, cause)) != NW_OK)
                return r;
        if (n > 0)
                ev->quantities = nw_xcalloc(n, sizeof *ev->quantities);
        for (i = 0; i < n; i++) {
                snprintf(path, sizeof path, "quantities[%u]", i);
                if ((r = nw_codec_fields(&o->via.array.ptr[i], path, names, 4, f, cause)) != NW_OK)
                        return r;
                q = &ev->quantities[ev->nquantities++];
                snprintf(field, sizeof field, "%s.kind", path);
                if ((r = codec_req_str(f[0], field, &q->kind, cause)) != NW_OK)
                        return r;
                snprintf(field, sizeof field, "%s.value", path);
                if (f[1] == NULL)
                        return nw_fail(cause, NW_E_MISSING, "%s: missing", field);
                if ((r = nw_codec_number(f[1], field, &q->value, cause)) != NW_OK)
                        return r;
                snprintf(field, sizeof field, "%s.unit", path);
                if ((r = codec_opt_str(f[2], field, &q->unit, cause)) != NW_OK)
                        return r;
                snprintf(field, sizeof field, "%s.text", path);
                if ((r = codec_opt_str(f[3], field, &q->text, cause)) != NW_OK)
                        return r;
        }
        return NW_OK;
}

/* Decode reported_by[]. */
static int
codec_decode_reported_by(const msgpack_object *o, struct nw_event *ev, char **cause)
{
        static const char *const names[] = {"id", "text"};
        const msgpack_object *f[2];
        char path[64], field[80];
        struct nw_ref *ref;
        uint32_t n, i;
        int r;

        if ((r = codec_array(o, "reported_by", &n, cause)) != NW_OK)
                return r;
        if (n > 0)
                ev->reported_by = nw_xcalloc(n, sizeof *ev->reported_by);
        for (i = 0; i < n; i++) {
                snprintf(path, sizeof path, "reported_by[%u]", i);
                if ((r = nw_codec_fields(&o->via.array.ptr[i], path, names, 2, f, cause)) != NW_OK)
                        return r;
                ref = &ev->reported_by[ev->nreported_by++];
                snprintf(field, sizeof field, "%s.id", path);
                if ((r = codec_opt_str(f[0], field, &ref->id, cause)) != NW_OK)
                        return r;
                snprintf(field, sizeof field, "%s.text", path);
                if ((r = codec_opt_str(f[1], field, &ref->text, cause)) != NW_OK)
                        return r;
        }
        return NW_OK;
}

/* Decode time{value, text}; absent or nil means no time. */
static int
codec_decode_time(const msgpack_object *o, struct nw_event *ev, char **cause)
{
        static const char *const names[] = {"value", "text"};
        const msgpack_object *f[2];
        int r;

        if (o == NULL || o->type == MSGPACK_OBJECT_NIL)
                return NW_OK;
        if ((r = nw_codec_fields(o, "time", names, 2, f, cause)) != NW_OK)
                return r;
        if ((r = codec_opt_str(f[0], "time.value", &ev->time_value, cause)) != NW_OK)
                return r;
        return codec_opt_str(f[1], "time.text", &ev->time_text, cause);
}

/* Decode evidence{text, start, end}. */
static int
codec_decode_evidence(const msgpack_object *o, struct nw_event *ev, char **cause)
{
        static const char *const names[] = {"text", "start", "end"};
        const msgpack_object *f[3];
        int r;

        if (o == NULL || o->type == MSGPACK_OBJECT_NIL)
                return NW_OK;
        if ((r = nw_codec_fields(o, "evidence", names, 3, f, cause)) != NW_OK)
                return r;
        if ((r = codec_opt_str(f[0], "evidence.text", &ev->evidence_text, cause)) != NW_OK)
                return r;
        if (f[1] != NULL &&
            (r = nw_codec_uint(f[1], "evidence.start", &ev->evidence_start, cause)) != NW_OK)
                return r;
        if (f[2] != NULL &&
            (r = nw_codec_uint(f[2], "evidence.end", &ev->evidence_end, cause)) != NW_OK)
                return r;
        if (ev->evidence_start > ev->evidence_end)
                return nw_fail(cause, NW_E_VALUE, "evidence: start %llu after end %llu",
                               (unsigned long long)ev->evidence_start,
                               (unsigned long long)ev->evidence_end);
        return NW_OK;
}

/* Decode article{id, url, title, published, source, lang}. */
static int
codec_decode_article(const msgpack_object *o, struct nw_event *ev, char **cause)
{
        static const char *const names[] = {"id", "url", "title", "published", "source", "lang"};
        const msgpack_object *f[6];
        struct nw_article_ref *a = &ev->article;
        char **slots[6] = {&a->id, &a->url, &a->title, &a->published, &a->source, &a->lang};
        char field[32];
        size_t i;
        int r;

        if (o == NULL || o->type == MSGPACK_OBJECT_NIL)
                return NW_OK;
        if ((r = nw_codec_fields(o, "article", names, 6, f, cause)) != NW_OK)
                return r;
        for (i = 0; i < 6; i++) {
                snprintf(field, sizeof field, "article.%s", names[i]);
                if ((r = codec_opt_str(f[i], field, slots[i], cause)) != NW_OK)
                        return r;
        }
        return NW_OK;
}

/* The keys of an event map, in encoding order. */
enum {
        EV_V,
        EV_ID,
        EV_SEQ,
        EV_TYPE,
        EV_MODALITY,
        EV_CONFIDENCE,
        EV_ARGS,
        EV_ATTRS,
        EV_TIME,
        EV_QUANTITIES,
        EV_REPORTED_BY,
        EV_SUMMARY,
        EV_EVIDENCE,
        EV_ARTICLE,
        EV_NKEYS
};
static const char *const codec_event_keys[EV_NKEYS] = {
    "v",     "id",   "seq",        "type",        "modality", "confidence", "args",
    "attrs", "time", "quantities", "reported_by", "summary",  "evidence",   "article"};

/* Fill ev from a decoded event map. */
int
nw_codec_event_from_object(const msgpack_object *o, struct nw_event *ev, char **cause)
{
        const msgpack_object *f[EV_NKEYS];
        int r;

        if ((r = nw_codec_fields(o, "event", codec_event_keys, EV_NKEYS, f, cause)) != NW_OK)
                return r;
        if ((r = nw_codec_version(f[EV_V], "event", cause)) != NW_OK)
                return r;
        ev->v = NW_VERSION_MAJOR;
        nw_event_set_modality(ev, NULL); /* nw_event_new's default */
        if ((r = codec_req_str(f[EV_ID], "id", &ev->id, cause)) != NW_OK)
                return r;
        if (f[EV_SEQ] != NULL && f[EV_SEQ]->type != MSGPACK_OBJECT_NIL) {
                if ((r = nw_codec_uint(f[EV_SEQ], "seq", &ev->seq, cause)) != NW_OK)
                        return r;
                ev->has_seq = true;
        }
        if ((r = codec_req_str(f[EV_TYPE], "type", &ev->type, cause)) != NW_OK)
                return r;
        if ((r = codec_req_str(f[EV_MODALITY], "modality", &ev->modality, cause)) != NW_OK)
                return r;
        if (f[EV_CONFIDENCE] == NULL)
                return nw_fail(cause, NW_E_MISSING, "confidence: missing");
        if ((r = nw_codec_number(f[EV_CONFIDENCE], "confidence", &ev->confidence, cause)) != NW_OK)
                return r;
        if ((r = codec_decode_args(f[EV_ARGS], ev, cause)) != NW_OK)
                return r;
        if ((r = codec_decode_attrs(f[EV_ATTRS], ev, cause)) != NW_OK)
                return r;
        if ((r = codec_decode_time(f[EV_TIME], ev, cause)) != NW_OK)
                return r;
        if ((r = codec_decode_quantities(f[EV_QUANTITIES], ev, cause)) != NW_OK)
                return r;
        if ((r = codec_decode_reported_by(f[EV_REPORTED_BY], ev, cause)) != NW_OK)
                return r;
        if ((r = codec_opt_str(f[EV_SUMMARY], "summary", &ev->summary, cause)) != NW_OK)
                return r;
        if ((r = codec_decode_evidence(f[EV_EVIDENCE], ev, cause)) != NW_OK)
                return r;
        return codec_decode_article(f[EV_ARTICLE], ev, cause);
}

/* Decode one msgpack event. */
int
nw_event_decode(const void *buf, size_t len, struct nw_event **evp, char **cause)
{
        msgpack_unpacked u;
        struct nw_event *ev;
        int r;

        *evp = NULL;
        if (cause != NULL)
                *cause = NULL;
        msgpack_unpacked_init(&u);
        r = nw_codec_unpack(buf, len, &u, cause);
        if (r == NW_OK) {
                ev = nw_event_new();
                r = nw_codec_event_from_object(&u.data, ev, cause);
                if (r == NW_OK)
                        *evp = ev;
                else
                        nw_event_destroy(&ev);
        }
        msgpack_unpacked_destroy(&u);
        return r;
}
