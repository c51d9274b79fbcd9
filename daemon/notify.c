/*
 * notify.c — systemd readiness and watchdog notifications (sd_notify).
 * Every call is a no-op unless NOTIFY_SOCKET is set; the watchdog timer runs
 * only when WATCHDOG_USEC is set, pinging at half the interval.
 */
#include <event2/event.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#ifdef HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "newswired.h"

static struct event *notify_wd;

/* Send one notification string. */
static void
notify_send(const char *msg)
{
#ifdef HAVE_SYSTEMD
        if (sd_notify(0, msg) < 0)
                log_debug("sd_notify failed");
#else
        (void)msg;
#endif
}

/* READY=1: the daemon serves. */
void
notify_ready(void)
{
        notify_send("READY=1");
}

/* RELOADING=1: SIGHUP reload in progress (READY=1 follows). */
void
notify_reloading(void)
{
        notify_send("RELOADING=1");
}

/* STOPPING=1: draining for exit. */
void
notify_stopping(void)
{
        notify_send("STOPPING=1");
}

/* STATUS=...: a line systemctl status shows. */
void
notify_status(const char *fmt, ...)
{
        char buf[512];
        va_list ap;
        int n;

        n = snprintf(buf, sizeof buf, "STATUS=");
        va_start(ap, fmt);
        vsnprintf(buf + n, sizeof buf - (size_t)n, fmt, ap);
        va_end(ap);
        notify_send(buf);
}

/* Timer: WATCHDOG=1. */
static void
notify_wd_cb(evutil_socket_t fd, short what, void *arg)
{
        notify_send("WATCHDOG=1");
}

/* Start pinging the watchdog when systemd asks for it. */
void
notify_watchdog_start(struct event_base *base)
{
#ifdef HAVE_SYSTEMD
        uint64_t usec = 0;
        struct timeval tv;

        if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0)
                return;
        usec /= 2;
        tv.tv_sec = (time_t)(usec / 1000000);
        tv.tv_usec = (suseconds_t)(usec % 1000000);
        notify_wd = event_new(base, -1, EV_PERSIST, notify_wd_cb, NULL);
        event_add(notify_wd, &tv);
        notify_send("WATCHDOG=1");
        log_info("systemd watchdog every %llu ms", (unsigned long long)(usec / 1000));
#else
        (void)base;
        (void)notify_wd_cb;
#endif
}

/* Stop the watchdog timer. */
void
notify_watchdog_stop(void)
{
        if (notify_wd != NULL) {
                event_free(notify_wd);
                notify_wd = NULL;
        }
}
