/*
 * article.c — articles in: the text form (header block + body) and the JSON
 * form, language detection and the article id.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "extract-int.h"

/* Set *cause to a formatted message (when cause is non-NULL). */
static void
article_fail(char **cause, const char *msg)
{
        if (cause != NULL)
                *cause = ex_xstrdup(msg);
}

/* Whether line[0..n) is a "Name: value" header line. */
static bool
article_header_line(const char *line, size_t n, size_t *colon)
{
        size_t i = 0, max = n < 33 ? n : 33; /* a name of 33 bytes is too long already */

        for (; i < max; i++) {
                unsigned char c = (unsigned char)line[i];
                if (!((unsigned char)((c | 0x20) - 'a') < 26 || c == '-' || c == '_'))
                        break;
        }
        if (i == 0 || i > 32 || i >= n || line[i] != ':')
                return false;
        *colon = i;
        return true;
}

/* The header values of an article while it is read, each a piece of the
 * input (s NULL when absent), in the order of the fields of struct article. */
enum { ART_TITLE, ART_URL, ART_PUBLISHED, ART_SOURCE, ART_LANG, ART_NVALUES };
struct article_src {
        const char *s;
        size_t n;
};

/* Take the header name[0..nlen): v[0..vlen) trimmed for its value (known
 * names only, others are ignored; an empty value is none; the last of a
 * name counts). */
static void
article_set_header(struct article_src *src, const char *name, size_t nlen, const char *v,
                   size_t vlen)
{
        int k = -1;

        if (nlen == 5 && strncasecmp(name, "title", 5) == 0)
                k = ART_TITLE;
        else if (nlen == 3 && strncasecmp(name, "url", 3) == 0)
                k = ART_URL;
        else if (nlen == 9 && strncasecmp(name, "published", 9) == 0)
                k = ART_PUBLISHED;
        else if (nlen == 6 && strncasecmp(name, "source", 6) == 0)
                k = ART_SOURCE;
        else if ((nlen == 8 && strncasecmp(name, "language", 8) == 0) ||
                 (nlen == 4 && strncasecmp(name, "lang", 4) == 0))
                k = ART_LANG;
        if (k < 0)
                return;
        while (vlen > 0 && (*v == ' ' || *v == '\t')) {
                v++;
                vlen--;
        }
        while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t' || v[vlen - 1] == '\r'))
                vlen--;
        src[k].s = vlen > 0 ? v : NULL;
        src[k].n = vlen;
}

/* Guess "zh" or "en" from the share of Han characters among letters (in
 * the first 64 KB). Eight ASCII bytes at a time (their letters counted at
 * once), a well-formed three-byte character decoded in line. */
const char *
article_detect_lang(const char *s, size_t n)
{
        const uint64_t ones = 0x0101010101010101u, high = ones * 0x80;
        const unsigned char *u = (const unsigned char *)s;
        size_t han = 0, latin = 0, i = 0, lim = n < 65536 ? n : 65536;

        while (i < lim) {
                uint64_t x;
                if (i + 8 <= lim && (memcpy(&x, u + i, 8), (x & high) == 0)) {
                        /* per byte b | 0x20 (below 0x80): its top bit set by
                         * adding 0x80 - 'a' when it is >= 'a', by adding
                         * 0x80 - 'z' - 1 when it is > 'z' */
                        uint64_t l = x | ones * 0x20;
                        uint64_t ge = (l + ones * (0x80 - 'a')) & high;
                        uint64_t gt = (l + ones * (0x80 - 'z' - 1)) & high;
                        latin += (size_t)__builtin_popcountll(ge & ~gt);
                        i += 8;
                        continue;
                }
                unsigned char c = u[i];
                if (c < 0x80) {
                        if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
                                latin++;
                        i++;
                        continue;
                }
                uint32_t cp;
                int k;
                if (c >= 0xe1 && c <= 0xec && i + 3 <= n && (u[i + 1] & 0xc0) == 0x80 &&
                    (u[i + 2] & 0xc0) == 0x80) {
                        /* no overlong or surrogate form with these lead bytes */
                        cp = (uint32_t)(c & 0x0f) << 12 | (uint32_t)(u[i + 1] & 0x3f) << 6 |
                             (u[i + 2] & 0x3f);
                        k = 3;
                } else {
                        k = ex_utf8_decode(u + i, n - i, &cp);
                }
                if (k < 0) {
                        i += (size_t)-k;
                        continue;
                }
                if (cp >= 0x4e00 && cp <= 0x9fff)
                        han++;
                i += (size_t)k;
        }
        /* A Han character carries about as much as a short Latin word. */
        return han * 4 >= latin / 2 && han > 0 ? "zh" : "en";
}

/* Whether the body holds anything but white space. */
static bool
article_has_text(const char *s, size_t n)
{
        for (size_t i = 0; i < n; i++)
                if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
                        return true;
        return false;
}

/* A new article of the header values src (UTF-8-safe copies) and the body
 * body[0..len), its lang detected when missing, and its id; NULL when the
 * body is empty. One block holds the struct, the values and the body (see
 * article_destroy); the lang's room takes a detected "zh" or "en". */
static struct article *
article_make(const struct article_src src[ART_NVALUES], const char *body, size_t len, char **cause)
{
        if (!article_has_text(body, len)) {
                article_fail(cause, "no article: the body is empty");
                return NULL;
        }
        size_t vlen[ART_NVALUES], size = sizeof(struct article) + len + 1;
        for (int k = 0; k < ART_NVALUES; k++) {
                vlen[k] = src[k].s != NULL ? ex_utf8_put(NULL, src[k].s, src[k].n) : 0;
                size += (k == ART_LANG && vlen[k] < 2 ? 2 : vlen[k]) + 1;
        }
        struct article *a = ex_xmalloc(size);
        memset(a, 0, sizeof *a);
        char *p = (char *)(a + 1), *lang_room = NULL;
        char **field[ART_NVALUES] = {&a->title, &a->url, &a->published, &a->source, &a->lang};
        for (int k = 0; k < ART_NVALUES; k++) {
                if (k == ART_LANG)
                        lang_room = p;
                if (src[k].s != NULL) {
                        *field[k] = p;
                        ex_utf8_put(p, src[k].s, src[k].n);
                        p[vlen[k]] = '\0';
                }
                p += (k == ART_LANG && vlen[k] < 2 ? 2 : vlen[k]) + 1;
        }
        a->body = p;
        memcpy(a->body, body, len);
        a->body[len] = '\0';
        a->body_len = len;
        if (a->lang != NULL) {
                /* Keep only the primary subtag: zh-CN -> zh. */
                char *dash = strpbrk(a->lang, "-_");
                if (dash != NULL)
                        *dash = '\0';
                for (char *q = a->lang; *q; q++)
                        if (*q >= 'A' && *q <= 'Z')
                                *q += 'a' - 'A';
        }
        if (a->lang == NULL || (strcmp(a->lang, "zh") != 0 && strcmp(a->lang, "en") != 0)) {
                a->lang = lang_room;
                memcpy(a->lang, article_detect_lang(body, len), 3);
        }
        /* The id hashes the body without surrounding white space and CRs. */
        size_t s = 0, e = len;
        while (s < e && (body[s] == ' ' || body[s] == '\t' || body[s] == '\r' || body[s] == '\n'))
                s++;
        while (e > s && (body[e - 1] == ' ' || body[e - 1] == '\t' || body[e - 1] == '\r' ||
                         body[e - 1] == '\n'))
                e--;
        char hex[65];
        if (memchr(body + s, '\r', e - s) == NULL) {
                nw_sha256_hex(body + s, e - s, hex); /* no CR: hash in place */
        } else {
                char *tmp = ex_xmalloc(e - s + 1);
                size_t k = 0;
                for (size_t i = s; i < e; i++)
                        if (body[i] != '\r')
                                tmp[k++] = body[i];
                nw_sha256_hex(tmp, k, hex);
                free(tmp);
        }
        memcpy(a->id, hex, 16);
        a->id[16] = '\0';
        return a;
}

struct article *
article_parse(const char *buf, size_t len, char **cause)
{
        struct article_src src[ART_NVALUES] = {{NULL, 0}};
        size_t pos = 0;

        if (buf == NULL)
                len = 0;
        if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
                pos = 3;
        /* A header block only when the first line is a header; the loop
         * takes that answer for it (a CR at its end changes nothing: a name
         * stops before it). */
        size_t colon;
        const char *nl = len > pos ? memchr(buf + pos, '\n', len - pos) : NULL;
        size_t first = (nl != NULL ? (size_t)(nl - buf) : len) - pos;
        if (len > pos && article_header_line(buf + pos, first, &colon)) {
                for (bool known = true; pos < len; known = false) {
                        if (!known)
                                nl = memchr(buf + pos, '\n', len - pos);
                        size_t end = nl != NULL ? (size_t)(nl - buf) : len;
                        size_t ll = end - pos;
                        if (ll > 0 && buf[end - 1] == '\r')
                                ll--;
                        if (ll == 0) {
                                pos = end < len ? end + 1 : len;
                                break;
                        }
                        if (known || article_header_line(buf + pos, ll, &colon))
                                article_set_header(src, buf + pos, colon, buf + pos + colon + 1,
                                                   ll - colon - 1);
                        else
                                break; /* not a header: the body starts here */
                        pos = end < len ? end + 1 : len;
                }
        }
        return article_make(src, buf + pos, len - pos, cause);
}

/* A string member of o as a piece (s NULL when absent or empty). */
static struct article_src
article_json_str(json_t *o, const char *key)
{
        json_t *v = json_object_get(o, key);
        struct article_src r = {NULL, 0};
        if (json_is_string(v) && json_string_length(v) > 0) {
                r.s = json_string_value(v);
                r.n = json_string_length(v);
        }
        return r;
}

struct article *
article_from_json(const char *buf, size_t len, char **cause)
{
        json_error_t err;
        json_t *o = json_loadb(buf != NULL ? buf : "", buf != NULL ? len : 0,
                               JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &err);

        if (o == NULL) {
                if (cause != NULL)
                        *cause = ex_xprintf("not JSON: %s (line %d column %d)", err.text, err.line,
                                            err.column);
                return NULL;
        }
        if (!json_is_object(o)) {
                json_decref(o);
                article_fail(cause, "not an article: the JSON is not an object");
                return NULL;
        }
        json_t *text = json_object_get(o, "text");
        if (!json_is_string(text)) {
                json_decref(o);
                article_fail(cause, "not an article: no \"text\" string");
                return NULL;
        }
        struct article_src src[ART_NVALUES];
        src[ART_TITLE] = article_json_str(o, "title");
        src[ART_URL] = article_json_str(o, "url");
        src[ART_PUBLISHED] = article_json_str(o, "published");
        src[ART_SOURCE] = article_json_str(o, "source");
        src[ART_LANG] = article_json_str(o, "language");
        if (src[ART_LANG].s == NULL)
                src[ART_LANG] = article_json_str(o, "lang");
        struct article *a =
            article_make(src, json_string_value(text), json_string_length(text), cause);
        json_decref(o);
        return a;
}

/* Free p unless it lies in a's block (from a to the end of its body). */
static void
article_free_field(const struct article *a, char *p)
{
        uintptr_t q = (uintptr_t)p;
        if (q < (uintptr_t)a || q > (uintptr_t)(a->body + a->body_len))
                free(p);
}

/* The struct, its header values and body are one block; a field a caller
 * set to a string of its own (malloc'ed, as newswire-extract does with
 * published) lies outside it and is freed on its own. */
void
article_destroy(struct article **ap)
{
        if (ap == NULL || *ap == NULL)
                return;
        struct article *a = *ap;
        article_free_field(a, a->title);
        article_free_field(a, a->url);
        article_free_field(a, a->published);
        article_free_field(a, a->source);
        article_free_field(a, a->lang);
        free(a);
        *ap = NULL;
}
