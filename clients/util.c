/*
 * util.c — small helpers every client tool shares: messages, the stop flag,
 * clocks, whole-file reads and strict number parsing (allocation wrappers
 * come from libnewswire: nw_xmalloc and kin).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client.h"

const char *client_progname = "newswire";
volatile sig_atomic_t client_stop;

/* Set *cause and return -1. */
int
client_fail(char **cause, const char *fmt, ...)
{
        va_list ap;

        if (cause != NULL) {
                va_start(ap, fmt);
                *cause = nw_xvprintf(fmt, ap);
                va_end(ap);
        }
        return -1;
}

/* Remember the tool's name and ignore SIGPIPE. */
void
client_init(const char *progname)
{
        client_progname = progname;
        signal(SIGPIPE, SIG_IGN);
}

/* Write "tool: message" and a newline on stderr. */
static void
client_vwarnx(const char *fmt, va_list ap)
{
        fprintf(stderr, "%s: ", client_progname);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
}

/* One line on stderr, prefixed by the tool's name. */
void
client_warnx(const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        client_vwarnx(fmt, ap);
        va_end(ap);
}

/* One line on stderr, then exit. */
void
client_exitx(int code, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        client_vwarnx(fmt, ap);
        va_end(ap);
        exit(code);
}

/* SIGINT/SIGTERM handler: ask the tool's loop to stop. */
static void
client_on_stop(int sig)
{
        client_stop = 1;
}

/* Set client_stop on SIGINT and SIGTERM instead of dying. */
void
client_catch_stop(void)
{
        struct sigaction sa;

        memset(&sa, 0, sizeof sa);
        sa.sa_handler = client_on_stop;
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
}

/* Milliseconds of CLOCK_MONOTONIC. */
int64_t
client_now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds since the Unix epoch. */
int64_t
client_wall_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read all of fd into a NUL-terminated buffer. */
static int
client_read_fd(int fd, const char *path, char **buf, size_t *len, char **cause)
{
        size_t cap = 65536, n = 0;
        char *b = nw_xmalloc(cap);
        ssize_t r;

        for (;;) {
                if (cap - n < 2) {
                        if (cap > (size_t)256 << 20) {
                                free(b);
                                return client_fail(cause, "%s: file too large", path);
                        }
                        cap *= 2;
                        b = nw_xrealloc(b, cap);
                }
                r = read(fd, b + n, cap - n - 1);
                if (r == 0)
                        break;
                if (r < 0) {
                        if (errno == EINTR)
                                continue;
                        free(b);
                        return client_fail(cause, "%s: %s", path, strerror(errno));
                }
                n += (size_t)r;
        }
        b[n] = '\0';
        *buf = b;
        *len = n;
        return 0;
}

/* Read path ("-" for stdin) whole. */
int
client_read_file(const char *path, char **buf, size_t *len, char **cause)
{
        int fd, rc;

        if (strcmp(path, "-") == 0)
                return client_read_fd(STDIN_FILENO, "stdin", buf, len, cause);
        if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
                return client_fail(cause, "%s: %s", path, strerror(errno));
        rc = client_read_fd(fd, path, buf, len, cause);
        close(fd);
        return rc;
}

/* A whole-string unsigned decimal. */
int
client_parse_u64(const char *s, uint64_t *v, char **cause)
{
        unsigned long long x;
        char *end;

        if (s == NULL || *s < '0' || *s > '9')
                return client_fail(cause, "'%s' is not a number", s ? s : "");
        errno = 0;
        x = strtoull(s, &end, 10);
        if (errno != 0 || *end != '\0')
                return client_fail(cause, "'%s' is not a number", s);
        *v = x;
        return 0;
}

/* A whole-string count of at least 1 (--count N). */
int
client_parse_count(const char *s, uint64_t *v, char **cause)
{
        if (client_parse_u64(s, v, cause) != 0)
                return -1;
        return *v > 0 ? 0 : client_fail(cause, "must be at least 1");
}

/* A whole-string finite number within [min, max]. */
int
client_parse_double(const char *s, double min, double max, double *v, char **cause)
{
        char *end;
        double x;

        if (s == NULL || *s == '\0')
                return client_fail(cause, "empty number");
        errno = 0;
        x = strtod(s, &end);
        if (errno != 0 || *end != '\0' || !isfinite(x))
                return client_fail(cause, "'%s' is not a number", s);
        if (x < min || x > max)
                return client_fail(cause, "'%s' is not between %g and %g", s, min, max);
        *v = x;
        return 0;
}

/* Seconds (fraction allowed, at most a day) as milliseconds. */
int
client_parse_seconds(const char *s, int64_t *ms, char **cause)
{
        double x;

        if (client_parse_double(s, 0, 86400.0 * 365, &x, cause) != 0)
                return -1;
        *ms = (int64_t)llround(x * 1000.0);
        return 0;
}

/* A boolean word. */
int
client_parse_bool(const char *s, bool *v, char **cause)
{
        if (nw_parse_bool(s, v) == 0)
                return 0;
        return client_fail(cause, "'%s' is not yes or no", s);
}

/* getenv with a default for unset or empty. */
const char *
client_env(const char *name, const char *dflt)
{
        const char *v = getenv(name);

        return (v != NULL && *v != '\0') ? v : dflt;
}
