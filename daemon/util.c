/*
 * util.c — allocation wrappers that abort on failure, clocks, directories
 * and whole-file reads shared by the daemon's subsystems.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "newswired.h"

/* malloc that never returns NULL. */
void *
xmalloc(size_t size)
{
        void *p = malloc(size ? size : 1);

        if (p == NULL)
                fatalx("out of memory (%zu bytes)", size);
        return p;
}

/* calloc that never returns NULL. */
void *
xcalloc(size_t n, size_t size)
{
        void *p = calloc(n ? n : 1, size ? size : 1);

        if (p == NULL)
                fatalx("out of memory (%zu x %zu bytes)", n, size);
        return p;
}

/* realloc that never returns NULL. */
void *
xrealloc(void *p, size_t size)
{
        void *q = realloc(p, size ? size : 1);

        if (q == NULL)
                fatalx("out of memory (%zu bytes)", size);
        return q;
}

/* strdup that never returns NULL. */
char *
xstrdup(const char *s)
{
        char *p = strdup(s);

        if (p == NULL)
                fatalx("out of memory");
        return p;
}

/* strndup that never returns NULL. */
char *
xstrndup(const char *s, size_t n)
{
        char *p = strndup(s, n);

        if (p == NULL)
                fatalx("out of memory");
        return p;
}

/* asprintf that never fails. */
int
xasprintf(char **ret, const char *fmt, ...)
{
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vasprintf(ret, fmt, ap);
        va_end(ap);
        if (n < 0)
                fatalx("out of memory");
        return n;
}

/* Milliseconds of CLOCK_MONOTONIC. */
uint64_t
util_mono_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Milliseconds since the Unix epoch. */
uint64_t
util_wall_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* mkdir -p with mode 0700 for every component created. */
int
util_mkdirs(const char *dir, char **cause)
{
        char *p, *s;
        struct stat sb;

        if (dir == NULL || *dir == '\0') {
                xasprintf(cause, "empty directory name");
                return -1;
        }
        s = xstrdup(dir);
        for (p = s + 1;; p++) {
                if (*p != '/' && *p != '\0')
                        continue;
                char c = *p;
                *p = '\0';
                if (mkdir(s, 0700) == -1 && errno != EEXIST) {
                        xasprintf(cause, "mkdir %s: %s", s, strerror(errno));
                        free(s);
                        return -1;
                }
                *p = c;
                if (c == '\0')
                        break;
        }
        free(s);
        if (stat(dir, &sb) == -1 || !S_ISDIR(sb.st_mode)) {
                xasprintf(cause, "%s: not a directory", dir);
                return -1;
        }
        return 0;
}

/* Read a file of at most max bytes into a NUL-terminated buffer. */
int
util_read_file(const char *path, size_t max, char **out, size_t *outlen, char **cause)
{
        int fd;
        struct stat sb;
        char *buf;
        size_t len = 0;
        ssize_t n;

        if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
                xasprintf(cause, "open %s: %s", path, strerror(errno));
                return -1;
        }
        if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
                xasprintf(cause, "%s: not a regular file", path);
                close(fd);
                return -1;
        }
        if ((size_t)sb.st_size > max) {
                xasprintf(cause, "%s: %lld bytes is over the limit of %zu", path,
                          (long long)sb.st_size, max);
                close(fd);
                return -1;
        }
        buf = xmalloc(max + 1);
        while (len <= max) {
                n = read(fd, buf + len, max + 1 - len);
                if (n == -1 && errno == EINTR)
                        continue;
                if (n == -1) {
                        xasprintf(cause, "read %s: %s", path, strerror(errno));
                        free(buf);
                        close(fd);
                        return -1;
                }
                if (n == 0)
                        break;
                len += (size_t)n;
        }
        close(fd);
        if (len > max) {
                xasprintf(cause, "%s: over the limit of %zu bytes", path, max);
                free(buf);
                return -1;
        }
        buf[len] = '\0';
        *out = buf;
        *outlen = len;
        return 0;
}
