/*
 * log.c — logging in the manner of OpenBSD's log.c: to stderr with a syslog
 * priority prefix ("<4>") that journald understands, or to syslog when the
 * daemon detached. log_warn appends strerror(errno); fatal exits 1.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "newswired.h"

static int log_level = LOG_LEVEL_INFO;
static bool log_syslog;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

/* Start logging at a level, to stderr or to syslog. */
void
log_init(int level, bool to_syslog)
{
        log_level = level;
        log_syslog = to_syslog;
        if (to_syslog)
                openlog("newswired", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

/* Change the level (config reload, tests). */
void
log_setlevel(int level)
{
        log_level = level;
}

/* The current level. */
int
log_getlevel(void)
{
        return log_level;
}

/* "warn", "info" or "debug" to a level; -1 when unknown. */
int
log_level_parse(const char *s)
{
        if (strcasecmp(s, "warn") == 0 || strcasecmp(s, "warning") == 0)
                return LOG_LEVEL_WARN;
        if (strcasecmp(s, "info") == 0)
                return LOG_LEVEL_INFO;
        if (strcasecmp(s, "debug") == 0)
                return LOG_LEVEL_DEBUG;
        return -1;
}

/* Write one line at a syslog priority, with an optional errno text. */
static void
log_vwrite(int pri, const char *errstr, const char *fmt, va_list ap)
{
        char msg[2048];

        vsnprintf(msg, sizeof msg, fmt, ap);
        if (log_syslog) {
                if (errstr != NULL)
                        syslog(pri, "%s: %s", msg, errstr);
                else
                        syslog(pri, "%s", msg);
                return;
        }
        pthread_mutex_lock(&log_lock);
        if (errstr != NULL)
                fprintf(stderr, "<%d>%s: %s\n", pri, msg, errstr);
        else
                fprintf(stderr, "<%d>%s\n", pri, msg);
        fflush(stderr);
        pthread_mutex_unlock(&log_lock);
}

/* A warning with strerror(errno) appended. */
void
log_warn(const char *fmt, ...)
{
        va_list ap;
        int saved = errno;

        va_start(ap, fmt);
        log_vwrite(LOG_WARNING, strerror(saved), fmt, ap);
        va_end(ap);
        errno = saved;
}

/* A warning. */
void
log_warnx(const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        log_vwrite(LOG_WARNING, NULL, fmt, ap);
        va_end(ap);
}

/* An informational message, shown at level info and above. */
void
log_info(const char *fmt, ...)
{
        va_list ap;

        if (log_level < LOG_LEVEL_INFO)
                return;
        va_start(ap, fmt);
        log_vwrite(LOG_INFO, NULL, fmt, ap);
        va_end(ap);
}

/* A debug message, shown at level debug. */
void
log_debug(const char *fmt, ...)
{
        va_list ap;

        if (log_level < LOG_LEVEL_DEBUG)
                return;
        va_start(ap, fmt);
        log_vwrite(LOG_DEBUG, NULL, fmt, ap);
        va_end(ap);
}

/* Log an error with strerror(errno) and exit 1. */
void
fatal(const char *fmt, ...)
{
        va_list ap;
        int saved = errno;

        va_start(ap, fmt);
        log_vwrite(LOG_CRIT, strerror(saved), fmt, ap);
        va_end(ap);
        exit(1);
}

/* Log an error and exit 1. */
void
fatalx(const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        log_vwrite(LOG_CRIT, NULL, fmt, ap);
        va_end(ap);
        exit(1);
}
