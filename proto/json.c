/*
 * json.c — the JSON form of events: a hand-written renderer (one line, valid
 * UTF-8, every control character escaped, invalid bytes as U+FFFD) and a
 * parser on jansson that converts the document to msgpack and hands it to the
 * msgpack decoder, so both forms are validated by the same code.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "nw-private.h"

/* Append s as a JSON string literal, or null when s is NULL. */
static void
json_add_str(struct nw_buf *b, const char *s)
{
        static const char hex[] = "0123456789abcdef";
        const unsigned char *u = (const unsigned char *)s;
        size_t n, i = 0, run = 0;
        uint32_t cp;
        char esc[7];
        int r;

        if (s == NULL) {
                nw_buf_adds(b, "null");
                return;
        }
        n = strlen(s);
        nw_buf_addc(b, '"');
        while (i < n) {
                if (u[i] >= 0x20 && u[i] < 0x7f && u[i] != '"' && u[i] != '\\') {
                        i++, run++;
                        continue;
                }
                if (u[i] >= 0x80) {
                        r = nw_utf8_decode(u + i, n - i, &cp);
                        if (r > 0 && cp != 0x2028 && cp != 0x2029) {
                                i += (size_t)r, run += (size_t)r;
                                continue;
                        }
                }
                nw_buf_add(b, s + i - run, run);
                run = 0;
                switch (u[i]) {
                case '"':
                        nw_buf_adds(b, "\\\"");
                        i++;
                        continue;
                case '\\':
                        nw_buf_adds(b, "\\\\");
                        i++;
                        continue;
                case '\b':
                        nw_buf_adds(b, "\\b");
                        i++;
                        continue;
                case '\f':
                        nw_buf_adds(b, "\\f");
                        i++;
                        continue;
                case '\n':
                        nw_buf_adds(b, "\\n");
                        i++;
                        continue;
                case '\r':
                        nw_buf_adds(b, "\\r");
                        i++;
                        continue;
                case '\t':
                        nw_buf_adds(b, "\\t");
                        i++;
                        continue;
                }
                if (u[i] < 0x80) { /* other C0 controls and DEL */
                        snprintf(esc, sizeof esc, "\\u00%c%c", hex[u[i] >> 4], hex[u[i] & 0xf]);
                        nw_buf_adds(b, esc);
                        i++;
                        continue;
                }
                r = nw_utf8_decode(u + i, n - i, &cp);
                if (r > 0) { /* U+2028, U+2029: legal JSON, but not in JavaScript strings */
                        nw_buf_adds(b, cp == 0x2028 ? "\\u2028" : "\\u2029");
                        i += (size_t)r;
                } else {
                        nw_buf_add(b, "\xef\xbf\xbd", 3);
                        i += (size_t)-r;
                }
        }
        nw_buf_add(b, s + i - run, run);
        nw_buf_addc(b, '"');
}

/* Append a finite double in the shortest form that reads back exactly. */
static void
json_add_double(struct nw_buf *b, double d)
{
        char s[40];
        int prec;

        if (!isfinite(d)) {
                nw_buf_adds(b, "null"); /* the encoder refuses these; never rendered invalid */
                return;
        }
        if (d == 0 && signbit(d)) {
                nw_buf_adds(b, "-0.0"); /* "-0" would read back as the integer 0 */
                return;
        }
        for (prec = 15; prec <= 17; prec++) {
                snprintf(s, sizeof s, "%.*g", prec, d);
                if (strtod(s, NULL) == d)
                        break;
        }
        nw_buf_adds(b, s);
}

/* Append ,"key": */
static void
json_add_key(struct nw_buf *b, const char *key, bool first)
{
        if (!first)
                nw_buf_addc(b, ',');
        json_add_str(b, key);
        nw_buf_addc(b, ':');
}

/* Render ev as one line of JSON (no newline). */
char *
nw_event_to_json(const struct nw_event *ev)
{
        const struct nw_article_ref *a = &ev->article;
        struct nw_buf b = {0};
        size_t i;

        nw_buf_addc(&b, '{');
        json_add_key(&b, "v", true);
        nw_buf_addf(&b, "%d", NW_VERSION_MAJOR);
        json_add_key(&b, "id", false);
        json_add_str(&b, ev->id);
        if (ev->has_seq) {
                json_add_key(&b, "seq", false);
                nw_buf_addf(&b, "%llu", (unsigned long long)ev->seq);
        }
        json_add_key(&b, "type", false);
        json_add_str(&b, ev->type);
        json_add_key(&b, "modality", false);
        json_add_str(&b, ev->modality);
        json_add_key(&b, "confidence", false);
        json_add_double(&b, ev->confidence);

        json_add_key(&b, "args", false);
        nw_buf_addc(&b, '[');
        for (i = 0; i < ev->nargs; i++) {
                nw_buf_adds(&b, i ? ",{" : "{");
                json_add_key(&b, "role", true);
                json_add_str(&b, ev->args[i].role);
                json_add_key(&b, "id", false);
                json_add_str(&b, ev->args[i].id);
                json_add_key(&b, "text", false);
                json_add_str(&b, ev->args[i].text);
                nw_buf_addc(&b, '}');
        }
        nw_buf_addc(&b, ']');

        json_add_key(&b, "attrs", false);
        nw_buf_addc(&b, '{');
        for (i = 0; i < ev->nattrs; i++) {
                json_add_key(&b, ev->attrs[i].key ? ev->attrs[i].key : "", i == 0);
                json_add_str(&b, ev->attrs[i].value);
        }
        nw_buf_addc(&b, '}');

        if (ev->time_value != NULL || ev->time_text != NULL) {
                json_add_key(&b, "time", false);
                nw_buf_addc(&b, '{');
                json_add_key(&b, "value", true);
                json_add_str(&b, ev->time_value);
                json_add_key(&b, "text", false);
                json_add_str(&b, ev->time_text);
                nw_buf_addc(&b, '}');
        }

        json_add_key(&b, "quantities", false);
        nw_buf_addc(&b, '[');
        for (i = 0; i < ev->nquantities; i++) {
                nw_buf_adds(&b, i ? ",{" : "{");
                json_add_key(&b, "kind", true);
                json_add_str(&b, ev->quantities[i].kind);
                json_add_key(&b, "value", false);
                json_add_double(&b, ev->quantities[i].value);
                json_add_key(&b, "unit", false);
                json_add_str(&b, ev->quantities[i].unit);
                json_add_key(&b, "text", false);
                json_add_str(&b, ev->quantities[i].text);
                nw_buf_addc(&b, '}');
        }
        nw_buf_addc(&b, ']');

        json_add_key(&b, "reported_by", false);
        nw_buf_addc(&b, '[');
        for (i = 0; i < ev->nreported_by; i++) {
                nw_buf_adds(&b, i ? ",{" : "{");
                json_add_key(&b, "id", true);
                json_add_str(&b, ev->reported_by[i].id);
                json_add_key(&b, "text", false);
                json_add_str(&b, ev->reported_by[i].text);
                nw_buf_addc(&b, '}');
        }
        nw_buf_addc(&b, ']');

        json_add_key(&b, "summary", false);
        json_add_str(&b, ev->summary);
        json_add_key(&b, "evidence", false);
        nw_buf_addc(&b, '{');
        json_add_key(&b, "text", true);
        json_add_str(&b, ev->evidence_text);
        json_add_key(&b, "start", false);
        nw_buf_addf(&b, "%llu", (unsigned long long)ev->evidence_start);
        json_add_key(&b, "end", false);
        nw_buf_addf(&b, "%llu", (unsigned long long)ev->evidence_end);
        nw_buf_addc(&b, '}');

        json_add_key(&b, "article", false);
        nw_buf_addc(&b, '{');
        json_add_key(&b, "id", true);
        json_add_str(&b, a->id);
        json_add_key(&b, "url", false);
        json_add_str(&b, a->url);
        json_add_key(&b, "title", false);
        json_add_str(&b, a->title);
        json_add_key(&b, "published", false);
        json_add_str(&b, a->published);
        json_add_key(&b, "source", false);
        json_add_str(&b, a->source);
        json_add_key(&b, "lang", false);
        json_add_str(&b, a->lang);
        nw_buf_adds(&b, "}}");
        return b.b_data;
}

/* Pack a jansson value as msgpack; NW_E_LIMIT past NW_MAX_DEPTH. */
static int
json_to_msgpack(msgpack_packer *pk, const json_t *j, unsigned depth, char **cause)
{
        const char *key;
        json_t *val;
        size_t i, n;
        int r;

        switch (json_typeof(j)) {
        case JSON_OBJECT:
        case JSON_ARRAY:
                if (depth >= NW_MAX_DEPTH)
                        return nw_fail(cause, NW_E_LIMIT, "nesting deeper than %d", NW_MAX_DEPTH);
                break;
        default:
                break;
        }
        switch (json_typeof(j)) {
        case JSON_OBJECT:
                msgpack_pack_map(pk, json_object_size(j));
                json_object_foreach((json_t *)j, key, val)
                {
                        n = strlen(key);
                        msgpack_pack_str(pk, n);
                        msgpack_pack_str_body(pk, key, n);
                        if ((r = json_to_msgpack(pk, val, depth + 1, cause)) != NW_OK)
                                return r;
                }
                return NW_OK;
        case JSON_ARRAY:
                n = json_array_size(j);
                msgpack_pack_array(pk, n);
                for (i = 0; i < n; i++) {
                        if ((r = json_to_msgpack(pk, json_array_get(j, i), depth + 1, cause)) !=
                            NW_OK)
                                return r;
                }
                return NW_OK;
        case JSON_STRING:
                n = json_string_length(j);
                msgpack_pack_str(pk, n);
                msgpack_pack_str_body(pk, json_string_value(j), n);
                return NW_OK;
        case JSON_INTEGER:
                if (json_integer_value(j) < 0)
                        msgpack_pack_int64(pk, json_integer_value(j));
                else
                        msgpack_pack_uint64(pk, (uint64_t)json_integer_value(j));
                return NW_OK;
        case JSON_REAL:
                msgpack_pack_double(pk, json_real_value(j));
                return NW_OK;
        case JSON_TRUE:
                msgpack_pack_true(pk);
                return NW_OK;
        case JSON_FALSE:
                msgpack_pack_false(pk);
                return NW_OK;
        case JSON_NULL:
                msgpack_pack_nil(pk);
                return NW_OK;
        }
        return nw_fail(cause, NW_E_MALFORMED, "unknown JSON value");
}

/* Map a jansson error to an nw_err. */
static int
json_error_to_nw(const json_error_t *err)
{
        switch (json_error_code(err)) {
        case json_error_premature_end_of_input:
                return NW_E_TRUNCATED;
        case json_error_invalid_utf8:
        case json_error_null_character:
        case json_error_duplicate_key:
                return NW_E_VALUE;
        case json_error_numeric_overflow:
        case json_error_stack_overflow:
                return NW_E_LIMIT;
        case json_error_out_of_memory:
                return NW_E_NOMEM;
        default:
                return NW_E_MALFORMED;
        }
}

/* Parse the JSON form back into an event. */
int
nw_event_from_json(const char *buf, size_t len, struct nw_event **ev, char **cause)
{
        msgpack_sbuffer sb;
        msgpack_packer pk;
        json_error_t err;
        json_t *j;
        int r;

        *ev = NULL;
        if (cause != NULL)
                *cause = NULL;
        if (len > NW_MAX_MESSAGE)
                return nw_fail(cause, NW_E_LIMIT, "JSON of %zu bytes (limit %u)", len,
                               NW_MAX_MESSAGE);
        j = json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
        if (j == NULL)
                return nw_fail(cause, json_error_to_nw(&err), "JSON at line %d column %d: %s",
                               err.line, err.column, err.text);
        msgpack_sbuffer_init(&sb);
        msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
        r = json_to_msgpack(&pk, j, 0, cause);
        json_decref(j);
        if (r == NW_OK)
                r = nw_event_decode(sb.data, sb.size, ev, cause);
        msgpack_sbuffer_destroy(&sb);
        return r;
}
