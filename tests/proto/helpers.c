/*
 * helpers.c — test helpers: a sample event and msgpack tree surgery, so each
 * decoder error path can be reached from an otherwise valid message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

/* A fully populated event. */
struct nw_event *
helpers_sample_event(void)
{
        struct nw_event *ev = nw_event_new();
        struct nw_article_ref art = {.id = "0123456789abcdef",
                                     .url = "https://example.com/a",
                                     .title = "Meta 明年春天",
                                     .published = "2025-12-11",
                                     .source = "Example",
                                     .lang = "zh"};

        nw_event_set_id(ev, "ev-0001");
        ev->has_seq = true;
        ev->seq = 42;
        nw_event_set_type(ev, "product.plan");
        nw_event_set_modality(ev, "planned");
        ev->confidence = 0.82;
        nw_event_add_arg(ev, "agent", "meta", "Meta");
        nw_event_add_arg(ev, "product", "avocado", "牛油果");
        nw_event_set_attr(ev, "codename", "true");
        nw_event_set_attr(ev, "stage", "beta");
        nw_event_set_time(ev, "2026-21", "明年春天");
        nw_event_add_quantity(ev, "money", 380000000000.0, "CNY", "3800亿元");
        nw_event_add_quantity(ev, "count", 30000000, "users", "3000万");
        nw_event_add_reported_by(ev, "bloomberg", "彭博社");
        nw_event_add_reported_by(ev, NULL, "知情人士");
        nw_event_set_summary(ev, "Meta plans to release Avocado (spring 2026)");
        nw_event_set_evidence(ev, "the sentence it came from", 25, 0, 180);
        nw_event_set_article(ev, &art);
        return ev;
}

/* Find the kv of key name in map m, or NULL. */
static msgpack_object_kv *
helpers_find(msgpack_object *m, const char *name, size_t n)
{
        uint32_t i;

        assert_true(m->type == MSGPACK_OBJECT_MAP);
        for (i = 0; i < m->via.map.size; i++) {
                msgpack_object *k = &m->via.map.ptr[i].key;

                if (k->type == MSGPACK_OBJECT_STR && k->via.str.size == n &&
                    memcmp(k->via.str.ptr, name, n) == 0)
                        return &m->via.map.ptr[i];
        }
        return NULL;
}

/* Apply op at path inside root. */
static void
helpers_apply(msgpack_zone *z, msgpack_object *root, const char *path, enum helpers_op op,
              const msgpack_object *repl)
{
        msgpack_object *cur = root;
        const char *p = path, *dot, *br;
        msgpack_object_kv *kv, *nkv;
        size_t n;
        uint32_t i;

        if (*path == '\0') {
                *root = *repl;
                return;
        }
        for (;;) {
                dot = strchr(p, '.');
                n = dot ? (size_t)(dot - p) : strlen(p);
                br = memchr(p, '[', n);
                if (dot == NULL && br == NULL && op != HELPERS_REPLACE) {
                        if (op == HELPERS_DELETE) {
                                kv = helpers_find(cur, p, n);
                                assert_true(kv != NULL);
                                i = (uint32_t)(kv - cur->via.map.ptr);
                                memmove(kv, kv + 1, (cur->via.map.size - i - 1) * sizeof *kv);
                                cur->via.map.size--;
                        } else {
                                nkv = msgpack_zone_malloc(z, (cur->via.map.size + 1) * sizeof *nkv);
                                memcpy(nkv, cur->via.map.ptr, cur->via.map.size * sizeof *nkv);
                                nkv[cur->via.map.size].key = helpers_strn(p, n);
                                nkv[cur->via.map.size].val = *repl;
                                cur->via.map.ptr = nkv;
                                cur->via.map.size++;
                        }
                        return;
                }
                kv = helpers_find(cur, p, br ? (size_t)(br - p) : n);
                assert_true(kv != NULL);
                cur = &kv->val;
                if (br != NULL) {
                        assert_true(cur->type == MSGPACK_OBJECT_ARRAY);
                        i = (uint32_t)strtoul(br + 1, NULL, 10);
                        assert_true(i < cur->via.array.size);
                        cur = &cur->via.array.ptr[i];
                }
                if (dot == NULL)
                        break;
                p = dot + 1;
        }
        assert_true(op == HELPERS_REPLACE);
        *cur = *repl;
}

/* Re-pack bytes after a mutation. */
void
helpers_mutate(const void *in, size_t inlen, const char *path, enum helpers_op op,
               const msgpack_object *repl, char **out, size_t *outlen)
{
        msgpack_unpacked u;
        msgpack_sbuffer sb;
        msgpack_packer pk;
        size_t off = 0;

        msgpack_unpacked_init(&u);
        assert_true(msgpack_unpack_next(&u, in, inlen, &off) == MSGPACK_UNPACK_SUCCESS);
        helpers_apply(u.zone, &u.data, path, op, repl);
        msgpack_sbuffer_init(&sb);
        msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
        msgpack_pack_object(&pk, u.data);
        msgpack_unpacked_destroy(&u);
        *out = sb.data;
        *outlen = sb.size;
}

/* Encode the sample, mutate, decode. */
int
helpers_decode_mutated(const char *path, enum helpers_op op, const msgpack_object *repl,
                       char **cause)
{
        struct nw_event *ev = helpers_sample_event(), *got = NULL;
        char *buf, *mut, *c = NULL;
        size_t len, mlen;
        int r;

        assert_true(nw_event_encode(ev, &buf, &len) == 0);
        helpers_mutate(buf, len, path, op, repl, &mut, &mlen);
        r = nw_event_decode(mut, mlen, &got, &c);
        assert_true((r == NW_OK) == (got != NULL));
        assert_true((r == NW_OK) == (c == NULL));
        if (cause != NULL)
                *cause = c;
        else
                free(c);
        nw_event_destroy(&got);
        nw_event_destroy(&ev);
        free(buf);
        free(mut);
        return r;
}

/* A positive integer object. */
msgpack_object
helpers_uint(uint64_t v)
{
        msgpack_object o = {.type = MSGPACK_OBJECT_POSITIVE_INTEGER};

        o.via.u64 = v;
        return o;
}

/* An integer object (negative ones as such). */
msgpack_object
helpers_int(int64_t v)
{
        msgpack_object o = {.type = MSGPACK_OBJECT_NEGATIVE_INTEGER};

        if (v >= 0)
                return helpers_uint((uint64_t)v);
        o.via.i64 = v;
        return o;
}

/* A float64 object. */
msgpack_object
helpers_double(double v)
{
        msgpack_object o = {.type = MSGPACK_OBJECT_FLOAT64};

        o.via.f64 = v;
        return o;
}

/* A string object. */
msgpack_object
helpers_str(const char *s)
{
        return helpers_strn(s, strlen(s));
}

/* A string object of n bytes. */
msgpack_object
helpers_strn(const char *s, size_t n)
{
        msgpack_object o = {.type = MSGPACK_OBJECT_STR};

        o.via.str.ptr = s;
        o.via.str.size = (uint32_t)n;
        return o;
}

/* nil. */
msgpack_object
helpers_nil(void)
{
        msgpack_object o = {.type = MSGPACK_OBJECT_NIL};

        return o;
}

/* A boolean. */
msgpack_object
helpers_bool(bool v)
{
        msgpack_object o = {.type = MSGPACK_OBJECT_BOOLEAN};

        o.via.boolean = v;
        return o;
}

/* A bin object. */
msgpack_object
helpers_bin(const void *p, size_t n)
{
        msgpack_object o = {.type = MSGPACK_OBJECT_BIN};

        o.via.bin.ptr = p;
        o.via.bin.size = (uint32_t)n;
        return o;
}

/* An array object over items. */
msgpack_object
helpers_array(msgpack_object *items, uint32_t n)
{
        msgpack_object o = {.type = MSGPACK_OBJECT_ARRAY};

        o.via.array.ptr = items;
        o.via.array.size = n;
        return o;
}

/* A map object over kv. */
msgpack_object
helpers_map(msgpack_object_kv *kv, uint32_t n)
{
        msgpack_object o = {.type = MSGPACK_OBJECT_MAP};

        o.via.map.ptr = kv;
        o.via.map.size = n;
        return o;
}

/* Read a whole file. */
char *
helpers_read_file(const char *path, size_t *len)
{
        FILE *f = fopen(path, "rb");
        char *buf = NULL;
        size_t cap = 0, n = 0, got;

        if (f == NULL)
                return NULL;
        for (;;) {
                if (cap - n < 4096) {
                        cap = cap ? cap * 2 : 8192;
                        buf = realloc(buf, cap);
                        assert_true(buf != NULL);
                }
                got = fread(buf + n, 1, cap - n, f);
                n += got;
                if (got == 0)
                        break;
        }
        fclose(f);
        *len = n;
        return buf;
}
