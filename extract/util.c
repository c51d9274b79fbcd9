/*
 * util.c — the extractor's small helpers: allocation that aborts on failure,
 * formatted strings, UTF-8 decoding and growable buffers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract-int.h"

/* Abort with a message: the only answer to an allocation failure. */
static void
ex_oom(void)
{
        fputs("newswire extract: out of memory\n", stderr);
        abort();
}

void *
ex_xmalloc(size_t n)
{
        void *p = malloc(n ? n : 1);
        if (p == NULL)
                ex_oom();
        return p;
}

void *
ex_xcalloc(size_t n, size_t size)
{
        void *p = calloc(n ? n : 1, size ? size : 1);
        if (p == NULL)
                ex_oom();
        return p;
}

void *
ex_xrealloc(void *p, size_t n)
{
        p = realloc(p, n ? n : 1);
        if (p == NULL)
                ex_oom();
        return p;
}

char *
ex_xstrdup(const char *s)
{
        return s == NULL ? NULL : ex_xstrndup(s, strlen(s));
}

char *
ex_xstrndup(const char *s, size_t n)
{
        if (s == NULL)
                return NULL;
        char *p = ex_xmalloc(n + 1);
        memcpy(p, s, n);
        p[n] = '\0';
        return p;
}

char *
ex_xprintf(const char *fmt, ...)
{
        va_list ap;
        char *s;

        va_start(ap, fmt);
        if (vasprintf(&s, fmt, ap) < 0)
                ex_oom();
        va_end(ap);
        return s;
}

int
ex_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
        unsigned char c = s[0];
        uint32_t v;
        int len;

        if (c < 0x80) {
                *cp = c;
                return 1;
        }
        /* the common case of Chinese text: three bytes with a lead byte that
         * needs no overlong or surrogate check */
        if (c >= 0xe1 && c <= 0xef && c != 0xed && n >= 3 && (s[1] & 0xc0) == 0x80 &&
            (s[2] & 0xc0) == 0x80) {
                *cp = (uint32_t)(c & 0x0f) << 12 | (uint32_t)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
                return 3;
        }
        if (c >= 0xc2 && c <= 0xdf) {
                len = 2;
                v = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
                len = 3;
                v = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
                len = 4;
                v = c & 0x07;
        } else {
                return -1;
        }
        for (int i = 1; i < len; i++) {
                if ((size_t)i >= n || (s[i] & 0xc0) != 0x80)
                        return -i;
                /* Reject overlongs and surrogates at the second byte, as Unicode's
                 * "maximal subpart" rule wants. */
                if (i == 1) {
                        if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f) ||
                            (c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] > 0x8f))
                                return -1;
                }
                v = (v << 6) | (s[i] & 0x3f);
        }
        *cp = v;
        return len;
}

int
ex_utf8_encode(uint32_t cp, char out[4])
{
        if (cp < 0x80) {
                out[0] = (char)cp;
                return 1;
        }
        if (cp < 0x800) {
                out[0] = (char)(0xc0 | (cp >> 6));
                out[1] = (char)(0x80 | (cp & 0x3f));
                return 2;
        }
        if (cp < 0x10000) {
                out[0] = (char)(0xe0 | (cp >> 12));
                out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
                out[2] = (char)(0x80 | (cp & 0x3f));
                return 3;
        }
        out[0] = (char)(0xf0 | (cp >> 18));
        out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[3] = (char)(0x80 | (cp & 0x3f));
        return 4;
}

/* The length of the longest prefix of s[0..n) that is well-formed UTF-8
 * without NULs: the common case is all of it. Eight ASCII bytes at a time, a
 * three-byte character in line. */
static size_t
util_utf8_clean_prefix(const char *s, size_t n)
{
        const unsigned char *u = (const unsigned char *)s;
        const uint64_t ones = 0x0101010101010101u, high = ones * 0x80;
        size_t i = 0;

        while (i < n) {
                uint64_t x;
                if (i + 8 <= n) {
                        memcpy(&x, u + i, 8);
                        if (((((x - ones) & ~x) | x) & high) == 0) { /* no NUL, no high bit */
                                i += 8;
                                continue;
                        }
                }
                unsigned char c = u[i];
                if (c != 0 && c < 0x80) {
                        i++;
                        continue;
                }
                if (c >= 0xe1 && c <= 0xef && c != 0xed && i + 3 <= n &&
                    (u[i + 1] & 0xc0) == 0x80 && (u[i + 2] & 0xc0) == 0x80) {
                        i += 3;
                        continue;
                }
                uint32_t cp;
                int k = ex_utf8_decode(u + i, n - i, &cp);
                if (k < 0 || cp == 0)
                        break;
                i += (size_t)k;
        }
        return i;
}

size_t
ex_utf8_put(char *d, const char *s, size_t n)
{
        const unsigned char *u = (const unsigned char *)s;
        size_t i = util_utf8_clean_prefix(s, n), m = i;

        if (d != NULL)
                memcpy(d, s, i);
        while (i < n) {
                uint32_t cp;
                int k = ex_utf8_decode(u + i, n - i, &cp);
                if (k < 0 || cp == 0) {
                        if (d != NULL)
                                memcpy(d + m, "\xef\xbf\xbd", 3);
                        m += 3;
                        i += k < 0 ? (size_t)-k : 1;
                } else {
                        if (d != NULL)
                                memcpy(d + m, s + i, (size_t)k);
                        m += (size_t)k;
                        i += (size_t)k;
                }
        }
        return m;
}

char *
ex_utf8_dup(const char *s, size_t n)
{
        size_t i = util_utf8_clean_prefix(s, n);

        if (i == n) { /* the common case: copied whole */
                char *d = ex_xmalloc(n + 1);
                memcpy(d, s, n);
                d[n] = '\0';
                return d;
        }
        size_t m = ex_utf8_put(NULL, s, n);
        char *d = ex_xmalloc(m + 1);
        ex_utf8_put(d, s, n);
        d[m] = '\0';
        return d;
}

void
ex_buf_grow(struct ex_buf *b, size_t n)
{
        if (b->len + n + 1 > b->cap) {
                size_t cap = b->cap ? b->cap : 64;
                while (cap < b->len + n + 1)
                        cap *= 2;
                b->data = ex_xrealloc(b->data, cap);
                b->cap = cap;
        }
}

void
ex_buf_addf(struct ex_buf *b, const char *fmt, ...)
{
        va_list ap;

        /* Format straight into the buffer; grow and format again only when it
         * did not fit (no temporary string per call). */
        for (int pass = 0; pass < 2; pass++) {
                size_t room = b->cap > b->len ? b->cap - b->len : 0;
                va_start(ap, fmt);
                int n = vsnprintf(room > 0 ? b->data + b->len : NULL, room, fmt, ap);
                va_end(ap);
                if (n < 0)
                        ex_oom();
                if ((size_t)n < room) {
                        b->len += (size_t)n;
                        return;
                }
                size_t cap = b->cap ? b->cap : 64;
                while (cap < b->len + (size_t)n + 1)
                        cap *= 2;
                b->data = ex_xrealloc(b->data, cap);
                b->cap = cap;
        }
}

uint32_t
ex_cp_at_slow(const char *s, size_t len, size_t i, int *k)
{
        uint32_t cp = 0;
        int n = ex_utf8_decode((const unsigned char *)s + i, len - i, &cp);
        if (n < 0) {
                *k = -n;
                return 0xfffd;
        }
        *k = n;
        return cp;
}

void
ex_slug(const char *s, size_t n, struct ex_buf *out)
{
        bool dash = false;
        size_t start = out->len;

        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char)s[i];
                if (c >= 'A' && c <= 'Z')
                        c += 'a' - 'A';
                if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                        if (dash && out->len > start)
                                ex_buf_add(out, "-", 1);
                        dash = false;
                        ex_buf_add(out, &c, 1);
                } else if (c == '&' && out->len > start) {
                        if (out->len > start)
                                ex_buf_add(out, "-and", 4);
                        dash = true;
                } else {
                        dash = true;
                }
        }
}

/* A word of lowercase letters as a number (see extract-int.h). */
uint64_t
ex_word_key(const char *low, size_t i, size_t e)
{
        uint64_t key = 0;
        if (e - i < 8) {
                for (size_t k = i; k < e; k++)
                        key |= (uint64_t)(unsigned char)low[k] << (8 * (k - i));
                return key;
        }
        if (e - i > EX_WORD_KEY_MAX)
                return 0;
        for (size_t k = i; k < e; k++)
                key = key << 5 | ((unsigned char)low[k] & 31);
        return key | (uint64_t)1 << 63;
}
