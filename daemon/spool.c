/*
 * spool.c — ingest from a spool directory. A producer writes a file
 * elsewhere on the same filesystem and renames it in; inotify (IN_MOVED_TO,
 * IN_CLOSE_WRITE) tells us, and a scan at start (and after a full queue)
 * finds what arrived while we were away. A file is moved to done/ once its
 * article is committed (or was already stored), or to failed/ with
 * NAME.error saying why. Names starting with '.' are ignored (in progress).
 * "NAME.json" is the JSON form, anything else the text form.
 */
#include <dirent.h>
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "extract.h"
#include "newswired.h"

struct spool {
        char *sp_dir;
        size_t sp_max_body;
        int sp_fd; /* inotify */
        struct event *sp_ev;
        struct event *sp_retry; /* rescan while the queue was full */
        size_t sp_inflight;     /* files waiting for their commit */
};

/* One file waiting for its commit. */
struct spool_file {
        struct spool *sf_spool;
        char *sf_name;
};

/* Move name into sub/ (done or failed). */
static void
spool_move(struct spool *s, const char *name, const char *sub)
{
        char *from, *to;

        xasprintf(&from, "%s/%s", s->sp_dir, name);
        xasprintf(&to, "%s/%s/%s", s->sp_dir, sub, name);
        if (rename(from, to) == -1)
                log_warn("spool: rename %s to %s", from, to);
        free(from);
        free(to);
}

/* Move name to failed/ and write failed/NAME.error with the reason. */
static void
spool_fail(struct spool *s, const char *name, const char *why)
{
        char *path;
        FILE *f;

        log_warnx("spool: %s failed: %s", name, why);
        spool_move(s, name, "failed");
        xasprintf(&path, "%s/failed/%s.error", s->sp_dir, name);
        if ((f = fopen(path, "w")) != NULL) {
                fprintf(f, "%s\n", why);
                fclose(f);
        } else
                log_warn("spool: %s", path);
        free(path);
        metrics.m_spool_failed++;
}

/* The ingest outcome of a file. */
static void
spool_done(void *arg, enum ingest_result res, const char *id)
{
        struct spool_file *sf = arg;
        struct spool *s = sf->sf_spool;

        s->sp_inflight--;
        switch (res) {
        case INGEST_STORED:
        case INGEST_DUPLICATE:
                log_debug("spool: %s -> article %s%s", sf->sf_name, id,
                          res == INGEST_DUPLICATE ? " (duplicate)" : "");
                spool_move(s, sf->sf_name, "done");
                metrics.m_spool_done++;
                break;
        case INGEST_FULL:
        case INGEST_ERROR: {
                /* Leave it in place; try again later. */
                struct timeval tv = {1, 0};
                evtimer_add(s->sp_retry, &tv);
                break;
        }
        }
        free(sf->sf_name);
        free(sf);
}

/* Ingest one file of the spool directory. */
static void
spool_file(struct spool *s, const char *name)
{
        char *path, *raw, *cause = NULL;
        size_t len, nl = strlen(name);
        struct article *a;
        struct ingest *ing;
        struct spool_file *sf;
        struct stat sb;
        int format;

        if (name[0] == '.' || (nl > 6 && strcmp(name + nl - 6, ".error") == 0))
                return;
        xasprintf(&path, "%s/%s", s->sp_dir, name);
        if (lstat(path, &sb) == -1 || !S_ISREG(sb.st_mode)) {
                free(path);
                return;
        }
        if (!ingest_room() || ingest_stopping()) {
                struct timeval tv = {1, 0};
                evtimer_add(s->sp_retry, &tv);
                free(path);
                return;
        }
        if (util_read_file(path, s->sp_max_body, &raw, &len, &cause) != 0) {
                free(path);
                spool_fail(s, name, cause);
                free(cause);
                return;
        }
        free(path);
        format = nl > 5 && strcmp(name + nl - 5, ".json") == 0 ? STORE_JSON : STORE_TEXT;
        if (len == 0)
                xasprintf(&cause, "empty file");
        else if (!nw_utf8_valid(raw, len))
                xasprintf(&cause, "not valid UTF-8");
        a = NULL;
        if (cause == NULL) {
                a = format == STORE_JSON ? article_from_json(raw, len, &cause)
                                         : article_parse(raw, len, &cause);
                if (a == NULL && cause == NULL)
                        cause = xstrdup("not an article");
        }
        if (a == NULL) {
                char *why;
                xasprintf(&why, "not an article: %s", cause);
                spool_fail(s, name, why);
                free(why);
                free(cause);
                free(raw);
                return;
        }
        free(cause);
        sf = xcalloc(1, sizeof *sf);
        sf->sf_spool = s;
        sf->sf_name = xstrdup(name);
        s->sp_inflight++;
        ing = xcalloc(1, sizeof *ing);
        ing->in_article = a;
        ing->in_format = format;
        ing->in_raw = raw;
        ing->in_rawlen = len;
        ing->in_done = spool_done;
        ing->in_arg = sf;
        ingest_submit(ing);
}

/* Scan the directory for files already there. */
void
spool_rescan(struct spool *s)
{
        DIR *d;
        struct dirent *de;

        if (s->sp_inflight > 0) {
                /* Files in flight are still in the directory: wait for them. */
                struct timeval tv = {1, 0};
                evtimer_add(s->sp_retry, &tv);
                return;
        }
        if ((d = opendir(s->sp_dir)) == NULL) {
                log_warn("spool: %s", s->sp_dir);
                return;
        }
        while ((de = readdir(d)) != NULL) {
                if (de->d_type != DT_REG && de->d_type != DT_UNKNOWN)
                        continue;
                spool_file(s, de->d_name);
        }
        closedir(d);
}

/* inotify readable: ingest every file named. */
static void
spool_inotify_cb(evutil_socket_t fd, short what, void *arg)
{
        struct spool *s = arg;
        char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
        ssize_t n;
        char *p;

        for (;;) {
                n = read(fd, buf, sizeof buf);
                if (n <= 0) {
                        if (n == -1 && errno != EAGAIN && errno != EINTR)
                                log_warn("spool: inotify read");
                        return;
                }
                for (p = buf; p < buf + n;) {
                        struct inotify_event *ie = (struct inotify_event *)p;
                        if (ie->mask & IN_Q_OVERFLOW)
                                spool_rescan(s);
                        else if (ie->len > 0 && !(ie->mask & IN_ISDIR))
                                spool_file(s, ie->name);
                        p += sizeof *ie + ie->len;
                }
        }
}

/* Retry timer: scan again. */
static void
spool_retry_cb(evutil_socket_t fd, short what, void *arg)
{
        spool_rescan(arg);
}

/* Watch dir (creating it, done/ and failed/), then scan it. */
struct spool *
spool_new(struct event_base *base, const char *dir, size_t max_body, char **cause)
{
        struct spool *s = xcalloc(1, sizeof *s);
        char *sub;

        s->sp_fd = -1;
        s->sp_dir = xstrdup(dir);
        s->sp_max_body = max_body;
        xasprintf(&sub, "%s/done", dir);
        if (util_mkdirs(sub, cause) != 0) {
                free(sub);
                spool_destroy(&s);
                return NULL;
        }
        free(sub);
        xasprintf(&sub, "%s/failed", dir);
        if (util_mkdirs(sub, cause) != 0) {
                free(sub);
                spool_destroy(&s);
                return NULL;
        }
        free(sub);
        if ((s->sp_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1 ||
            inotify_add_watch(s->sp_fd, dir, IN_MOVED_TO | IN_CLOSE_WRITE | IN_ONLYDIR) == -1) {
                xasprintf(cause, "spool: inotify on %s: %s", dir, strerror(errno));
                spool_destroy(&s);
                return NULL;
        }
        s->sp_ev = event_new(base, s->sp_fd, EV_READ | EV_PERSIST, spool_inotify_cb, s);
        event_add(s->sp_ev, NULL);
        s->sp_retry = evtimer_new(base, spool_retry_cb, s);
        log_info("spool on %s", dir);
        spool_rescan(s);
        return s;
}

/* Stop watching. Files in flight stay in the directory for the next start. */
void
spool_destroy(struct spool **sp)
{
        struct spool *s = *sp;

        if (s == NULL)
                return;
        if (s->sp_ev != NULL)
                event_free(s->sp_ev);
        if (s->sp_retry != NULL)
                event_free(s->sp_retry);
        if (s->sp_fd != -1)
                close(s->sp_fd);
        free(s->sp_dir);
        free(s);
        *sp = NULL;
}
