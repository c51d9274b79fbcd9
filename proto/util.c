/*
 * util.c — the small helpers every part of libnewswire needs: allocation that
 * aborts on failure, error messages, UTF-8 decoding and validation, a growing
 * buffer, origin ids as hex, and finding the data directory.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nw-private.h"

#ifndef NW_INSTALL_DATADIR
#define NW_INSTALL_DATADIR "/usr/local/share/newswire"
#endif

/* A short constant name for an error code. */
const char *
nw_strerror(int err)
{
        switch (err) {
        case NW_OK:
                return "ok";
        case NW_E_TRUNCATED:
                return "truncated";
        case NW_E_MALFORMED:
                return "malformed";
        case NW_E_TYPE:
                return "wrong type";
        case NW_E_MISSING:
                return "missing field";
        case NW_E_LIMIT:
                return "limit exceeded";
        case NW_E_VERSION:
                return "unsupported version";
        case NW_E_VALUE:
                return "invalid value";
        case NW_E_NOMEM:
                return "out of memory";
        }
        return "unknown error";
}

/* Abort with a message: the one place allocation failure ends up. */
static void
util_oom(size_t n)
{
        fprintf(stderr, "newswire: out of memory allocating %zu bytes\n", n);
        abort();
}

/* malloc or abort. */
void *
nw_xmalloc(size_t n)
{
        void *p = malloc(n ? n : 1);

        if (p == NULL)
                util_oom(n);
        return p;
}

/* calloc or abort. */
void *
nw_xcalloc(size_t n, size_t size)
{
        void *p = calloc(n ? n : 1, size ? size : 1);

        if (p == NULL)
                util_oom(n * size);
        return p;
}

/* realloc or abort. */
void *
nw_xrealloc(void *p, size_t n)
{
        void *q = realloc(p, n ? n : 1);

        if (q == NULL)
                util_oom(n);
        return q;
}

/* strdup or abort; NULL stays NULL. */
char *
nw_xstrdup(const char *s)
{
        if (s == NULL)
                return NULL;
        return nw_xstrndup(s, strlen(s));
}

/* Copy n bytes of s and a NUL, or abort; NULL stays NULL. */
char *
nw_xstrndup(const char *s, size_t n)
{
        char *p;

        if (s == NULL)
                return NULL;
        p = nw_xmalloc(n + 1);
        memcpy(p, s, n);
        p[n] = '\0';
        return p;
}

/* vasprintf or abort. */
char *
nw_xvprintf(const char *fmt, va_list ap)
{
        char *s;

        if (vasprintf(&s, fmt, ap) == -1)
                util_oom(strlen(fmt));
        return s;
}

/* asprintf or abort. */
char *
nw_xprintf(const char *fmt, ...)
{
        va_list ap;
        char *s;

        va_start(ap, fmt);
        s = nw_xvprintf(fmt, ap);
        va_end(ap);
        return s;
}

/* Set *cause to a formatted message (if cause is non-NULL) and return err. */
int
nw_fail(char **cause, int err, const char *fmt, ...)
{
        va_list ap;

        if (cause != NULL) {
                va_start(ap, fmt);
                *cause = nw_xvprintf(fmt, ap);
                va_end(ap);
        }
        return err;
}

/* Decode one UTF-8 sequence; see nw-private.h for the return convention. */
int
nw_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
        unsigned char c = s[0], lo = 0x80, hi = 0xbf;
        size_t need, i;
        uint32_t v;

        if (c < 0x80) {
                *cp = c;
                return 1;
        }
        if (c >= 0xc2 && c <= 0xdf) {
                need = 1;
                v = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
                need = 2;
                v = c & 0x0f;
                if (c == 0xe0)
                        lo = 0xa0; /* no overlongs */
                else if (c == 0xed)
                        hi = 0x9f; /* no surrogates */
        } else if (c >= 0xf0 && c <= 0xf4) {
                need = 3;
                v = c & 0x07;
                if (c == 0xf0)
                        lo = 0x90; /* no overlongs */
                else if (c == 0xf4)
                        hi = 0x8f; /* nothing above U+10FFFF */
        } else {
                return -1; /* a continuation byte, C0, C1 or F5..FF */
        }
        for (i = 1; i <= need; i++) {
                if (i >= n || s[i] < lo || s[i] > hi)
                        return -(int)i;
                v = (v << 6) | (s[i] & 0x3f);
                lo = 0x80;
                hi = 0xbf;
        }
        *cp = v;
        return (int)need + 1;
}

/* True when buf is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
bool
nw_utf8_valid(const char *buf, size_t len)
{
        const unsigned char *s = (const unsigned char *)buf;
        size_t i = 0;
        uint32_t cp;
        int r;

        while (i < len) {
                if (s[i] < 0x80) {
                        i++;
                        continue;
                }
                r = nw_utf8_decode(s + i, len - i, &cp);
                if (r < 0)
                        return false;
                i += (size_t)r;
        }
        return true;
}

/* Make room for n more bytes and the NUL. */
static void
util_buf_grow(struct nw_buf *b, size_t n)
{
        size_t cap;

        if (b->b_cap - b->b_len > n && b->b_data != NULL)
                return;
        cap = b->b_cap ? b->b_cap : 256;
        while (cap - b->b_len <= n) {
                if (cap > SIZE_MAX / 2)
                        util_oom(SIZE_MAX);
                cap *= 2;
        }
        b->b_data = nw_xrealloc(b->b_data, cap);
        b->b_cap = cap;
}

/* Append n bytes. */
void
nw_buf_add(struct nw_buf *b, const void *p, size_t n)
{
        util_buf_grow(b, n);
        if (n > 0)
                memcpy(b->b_data + b->b_len, p, n);
        b->b_len += n;
        b->b_data[b->b_len] = '\0';
}

/* Append one byte. */
void
nw_buf_addc(struct nw_buf *b, char c)
{
        nw_buf_add(b, &c, 1);
}

/* Append a C string. */
void
nw_buf_adds(struct nw_buf *b, const char *s)
{
        nw_buf_add(b, s, strlen(s));
}

/* Append a formatted string. */
void
nw_buf_addf(struct nw_buf *b, const char *fmt, ...)
{
        va_list ap;
        char *s;

        va_start(ap, fmt);
        s = nw_xvprintf(fmt, ap);
        va_end(ap);
        nw_buf_adds(b, s);
        free(s);
}

/* Append s with each maximal invalid UTF-8 subpart replaced by U+FFFD. */
void
nw_buf_add_utf8(struct nw_buf *b, const char *s, size_t n)
{
        const unsigned char *u = (const unsigned char *)s;
        size_t i = 0, run = 0;
        uint32_t cp;
        int r;

        while (i < n) {
                r = u[i] < 0x80 ? 1 : nw_utf8_decode(u + i, n - i, &cp);
                if (r > 0) {
                        i += (size_t)r;
                        run += (size_t)r;
                        continue;
                }
                nw_buf_add(b, s + i - run, run);
                run = 0;
                nw_buf_add(b, "\xef\xbf\xbd", 3);
                i += (size_t)-r;
        }
        nw_buf_add(b, s + i - run, run);
}

/* A yes/no word of a config or rules file: yes, true, on, 1 or no, false,
 * off, 0, in any case. 0 with *v set, or -1. */
int
nw_parse_bool(const char *s, bool *v)
{
        static const char *const yes[] = {"yes", "true", "on", "1"};
        static const char *const no[] = {"no", "false", "off", "0"};
        size_t i;

        for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
                if (strcasecmp(s, yes[i]) == 0) {
                        *v = true;
                        return 0;
                }
                if (strcasecmp(s, no[i]) == 0) {
                        *v = false;
                        return 0;
                }
        }
        return -1;
}

/* Origin ids as 32 lowercase hex characters and a NUL. */
void
nw_origin_hex(const uint8_t origin[NW_ORIGIN_LEN], char hex[2 * NW_ORIGIN_LEN + 1])
{
        static const char digits[] = "0123456789abcdef";
        size_t i;

        for (i = 0; i < NW_ORIGIN_LEN; i++) {
                hex[2 * i] = digits[origin[i] >> 4];
                hex[2 * i + 1] = digits[origin[i] & 0xf];
        }
        hex[2 * NW_ORIGIN_LEN] = '\0';
}

/* Whether path names a directory. */
static bool
util_is_dir(const char *path)
{
        struct stat sb;

        return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* The directory of the running executable, malloc'd, or NULL. */
static char *
util_exe_dir(void)
{
        char path[PATH_MAX], *slash;
        ssize_t n;

        n = readlink("/proc/self/exe", path, sizeof path - 1);
        if (n <= 0)
                return NULL;
        path[n] = '\0';
        slash = strrchr(path, '/');
        if (slash == NULL)
                return NULL;
        *slash = '\0';
        return nw_xstrdup(path);
}

/* Find the data directory: $NEWSWIRE_DATA, <exe>/../share/newswire,
 * <exe>/../../data, else the compiled-in install path. */
char *
nw_datadir(void)
{
        const char *env = getenv("NEWSWIRE_DATA");
        char *exe, *path, resolved[PATH_MAX];
        static const char *const rel[] = {"../share/newswire", "../../data"};
        size_t i;

        if (env != NULL && *env != '\0')
                return nw_xstrdup(env);
        exe = util_exe_dir();
        if (exe != NULL) {
                for (i = 0; i < sizeof rel / sizeof rel[0]; i++) {
                        path = nw_xprintf("%s/%s", exe, rel[i]);
                        if (util_is_dir(path)) {
                                free(exe);
                                if (realpath(path, resolved) != NULL) {
                                        free(path);
                                        return nw_xstrdup(resolved);
                                }
                                return path;
                        }
                        free(path);
                }
                free(exe);
        }
        return nw_xstrdup(NW_INSTALL_DATADIR);
}

/* Whether c is a character of the Z85 alphabet (ZeroMQ RFC 32). */
static bool
util_z85_char(int c)
{
        return c != '\0' && strchr("0123456789abcdefghijklmnopqrstuvwxyz"
                                   "ABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#",
                                   c) != NULL;
}

/* Read a CURVE key file: the first line that is not blank or a comment. */
int
nw_key_read(const char *path, char z85[NW_KEY_Z85_LEN + 1], char **cause)
{
        FILE *f;
        char line[256];
        size_t len, i;
        int found = 0;

        if ((f = fopen(path, "r")) == NULL)
                return nw_fail(cause, -1, "%s: %s", path, strerror(errno));
        while (!found && fgets(line, sizeof line, f) != NULL) {
                len = strcspn(line, "\r\n");
                while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
                        len--;
                line[len] = '\0';
                i = strspn(line, " \t");
                if (line[i] == '\0' || line[i] == '#')
                        continue;
                found = 1;
                if (len - i != NW_KEY_Z85_LEN)
                        break;
                for (; i < len; i++)
                        if (!util_z85_char((unsigned char)line[i]))
                                break;
                if (i < len)
                        break;
                memcpy(z85, line + len - NW_KEY_Z85_LEN, NW_KEY_Z85_LEN);
                z85[NW_KEY_Z85_LEN] = '\0';
                fclose(f);
                return 0;
        }
        fclose(f);
        return nw_fail(cause, -1, "%s: not a CURVE key file (expected a line of %d Z85 characters)",
                       path, NW_KEY_Z85_LEN);
}
