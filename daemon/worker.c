/*
 * worker.c — extraction threads. The loop pushes parsed articles onto a
 * queue; each thread takes one, runs the extractor and puts the result on a
 * done list, then wakes the loop through an eventfd. The loop takes results
 * in batches and commits them. The extractor is shared read-only and
 * reference counted so SIGHUP can swap it while threads use the old one.
 */
#include <errno.h>
#include <event2/event.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "extract.h"
#include "newswired.h"

/* An extractor shared by the threads that use it. */
struct worker_xref {
        struct extractor *xr_x;
        int xr_refs; /* threads using it, plus one while it is current */
};

/* One queued article. */
struct worker_job {
        struct article *wj_article;
        struct worker_job *wj_next;
};

struct worker {
        pthread_mutex_t w_lock;
        pthread_cond_t w_cond;
        pthread_t *w_threads;
        int w_nthreads;
        bool w_stop;                        /* threads exit when set */
        struct worker_job *w_head, *w_tail; /* queued articles */
        size_t w_queued;
        size_t w_running;                        /* articles being extracted */
        struct worker_result *w_rhead, *w_rtail; /* finished, not yet taken */
        size_t w_results;
        struct worker_xref *w_xref; /* the current extractor */
        int w_efd;                  /* eventfd the loop listens on */
        struct event *w_ev;
        void (*w_done)(void *);
        void *w_arg;
};

/* Drop one reference; free the extractor with the last one. Lock held. */
static void
worker_xref_unref(struct worker_xref *xr)
{
        if (--xr->xr_refs == 0) {
                extractor_destroy(&xr->xr_x);
                free(xr);
        }
}

/* Seconds between two monotonic times. */
static double
worker_elapsed(const struct timespec *a, const struct timespec *b)
{
        return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* Thread body: take an article, extract, hand the result back. */
static void *
worker_main(void *arg)
{
        struct worker *w = arg;
        struct worker_job *job;
        struct worker_xref *xr;
        struct worker_result *r;
        struct timespec t0, t1;
        char *cause;
        uint64_t one = 1;
        ssize_t n;

        for (;;) {
                pthread_mutex_lock(&w->w_lock);
                while (!w->w_stop && w->w_head == NULL)
                        pthread_cond_wait(&w->w_cond, &w->w_lock);
                if (w->w_stop) {
                        pthread_mutex_unlock(&w->w_lock);
                        return NULL;
                }
                job = w->w_head;
                w->w_head = job->wj_next;
                if (w->w_head == NULL)
                        w->w_tail = NULL;
                w->w_queued--;
                w->w_running++;
                xr = w->w_xref;
                xr->xr_refs++;
                pthread_mutex_unlock(&w->w_lock);

                r = xcalloc(1, sizeof *r);
                memcpy(r->wr_id, job->wj_article->id, sizeof r->wr_id);
                cause = NULL;
                clock_gettime(CLOCK_MONOTONIC, &t0);
                if (extractor_run(xr->xr_x, job->wj_article, &r->wr_events, &r->wr_nevents,
                                  &cause) != 0) {
                        r->wr_events = NULL;
                        r->wr_nevents = 0;
                        r->wr_error = cause != NULL ? cause : xstrdup("extraction failed");
                } else
                        free(cause);
                clock_gettime(CLOCK_MONOTONIC, &t1);
                r->wr_seconds = worker_elapsed(&t0, &t1);
                article_destroy(&job->wj_article);
                free(job);

                pthread_mutex_lock(&w->w_lock);
                worker_xref_unref(xr);
                w->w_running--;
                if (w->w_rtail != NULL)
                        w->w_rtail->wr_next = r;
                else
                        w->w_rhead = r;
                w->w_rtail = r;
                w->w_results++;
                pthread_mutex_unlock(&w->w_lock);
                do
                        n = write(w->w_efd, &one, sizeof one);
                while (n == -1 && errno == EINTR);
        }
}

/* Loop callback: the eventfd fired; clear it and tell the daemon. */
static void
worker_wakeup(evutil_socket_t fd, short what, void *arg)
{
        struct worker *w = arg;
        uint64_t v;

        if (read(fd, &v, sizeof v) == -1 && errno != EAGAIN)
                log_warn("worker eventfd read");
        w->w_done(w->w_arg);
}

/* Start n threads on extractor x (taken over). */
struct worker *
worker_new(struct event_base *base, int n, struct extractor *x, void (*done)(void *), void *arg,
           char **cause)
{
        struct worker *w = xcalloc(1, sizeof *w);
        int i, err;

        w->w_efd = -1;
        pthread_mutex_init(&w->w_lock, NULL);
        pthread_cond_init(&w->w_cond, NULL);
        w->w_xref = xcalloc(1, sizeof *w->w_xref);
        w->w_xref->xr_x = x;
        w->w_xref->xr_refs = 1;
        w->w_done = done;
        w->w_arg = arg;
        if ((w->w_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1) {
                xasprintf(cause, "eventfd: %s", strerror(errno));
                worker_destroy(&w);
                return NULL;
        }
        w->w_ev = event_new(base, w->w_efd, EV_READ | EV_PERSIST, worker_wakeup, w);
        event_add(w->w_ev, NULL);
        w->w_threads = xcalloc((size_t)n, sizeof *w->w_threads);
        for (i = 0; i < n; i++) {
                if ((err = pthread_create(&w->w_threads[i], NULL, worker_main, w)) != 0) {
                        xasprintf(cause, "pthread_create: %s", strerror(err));
                        worker_destroy(&w);
                        return NULL;
                }
                w->w_nthreads++;
        }
        return w;
}

/* Stop the threads after their current article; free queue and results. */
void
worker_destroy(struct worker **wp)
{
        struct worker *w = *wp;
        struct worker_result *r, *next;
        int i;

        if (w == NULL)
                return;
        pthread_mutex_lock(&w->w_lock);
        w->w_stop = true;
        pthread_cond_broadcast(&w->w_cond);
        pthread_mutex_unlock(&w->w_lock);
        for (i = 0; i < w->w_nthreads; i++)
                pthread_join(w->w_threads[i], NULL);
        free(w->w_threads);
        worker_clear(w);
        for (r = w->w_rhead; r != NULL; r = next) {
                next = r->wr_next;
                worker_result_free(r);
        }
        if (w->w_xref != NULL)
                worker_xref_unref(w->w_xref);
        if (w->w_ev != NULL)
                event_free(w->w_ev);
        if (w->w_efd != -1)
                close(w->w_efd);
        pthread_cond_destroy(&w->w_cond);
        pthread_mutex_destroy(&w->w_lock);
        free(w);
        *wp = NULL;
}

/* Queue an article; ownership taken. */
void
worker_push(struct worker *w, struct article *a)
{
        struct worker_job *job = xcalloc(1, sizeof *job);

        job->wj_article = a;
        pthread_mutex_lock(&w->w_lock);
        if (w->w_tail != NULL)
                w->w_tail->wj_next = job;
        else
                w->w_head = job;
        w->w_tail = job;
        w->w_queued++;
        pthread_cond_signal(&w->w_cond);
        pthread_mutex_unlock(&w->w_lock);
}

/* Take up to max finished results, oldest first. */
struct worker_result *
worker_take(struct worker *w, size_t max)
{
        struct worker_result *head, *r;
        size_t n = 1;

        pthread_mutex_lock(&w->w_lock);
        head = w->w_rhead;
        if (head == NULL) {
                pthread_mutex_unlock(&w->w_lock);
                return NULL;
        }
        for (r = head; r->wr_next != NULL && n < max; r = r->wr_next)
                n++;
        w->w_rhead = r->wr_next;
        if (w->w_rhead == NULL)
                w->w_rtail = NULL;
        r->wr_next = NULL;
        w->w_results -= n;
        pthread_mutex_unlock(&w->w_lock);
        return head;
}

/* Free one result (not the rest of its list). */
void
worker_result_free(struct worker_result *r)
{
        if (r == NULL)
                return;
        if (r->wr_events != NULL)
                extractor_free_events(&r->wr_events, r->wr_nevents);
        free(r->wr_error);
        free(r);
}

/* Drop the articles not yet started. */
size_t
worker_clear(struct worker *w)
{
        struct worker_job *job, *next;
        size_t n;

        pthread_mutex_lock(&w->w_lock);
        for (job = w->w_head; job != NULL; job = next) {
                next = job->wj_next;
                article_destroy(&job->wj_article);
                free(job);
        }
        w->w_head = w->w_tail = NULL;
        n = w->w_queued;
        w->w_queued = 0;
        pthread_mutex_unlock(&w->w_lock);
        return n;
}

/* Articles queued or running, plus results not yet taken. */
size_t
worker_busy(struct worker *w)
{
        size_t n;

        pthread_mutex_lock(&w->w_lock);
        n = w->w_queued + w->w_running + w->w_results;
        pthread_mutex_unlock(&w->w_lock);
        return n;
}

/* Results waiting for the loop. */
size_t
worker_results_pending(struct worker *w)
{
        size_t n;

        pthread_mutex_lock(&w->w_lock);
        n = w->w_results;
        pthread_mutex_unlock(&w->w_lock);
        return n;
}

/* Make x the extractor for the next articles (taken over). */
void
worker_set_extractor(struct worker *w, struct extractor *x)
{
        struct worker_xref *xr = xcalloc(1, sizeof *xr);

        xr->xr_x = x;
        xr->xr_refs = 1;
        pthread_mutex_lock(&w->w_lock);
        worker_xref_unref(w->w_xref);
        w->w_xref = xr;
        pthread_mutex_unlock(&w->w_lock);
}

/* Entity and rule counts of the current extractor. */
void
worker_extractor_counts(struct worker *w, size_t *entities, size_t *rules)
{
        pthread_mutex_lock(&w->w_lock);
        *entities = extractor_entity_count(w->w_xref->xr_x);
        *rules = extractor_rule_count(w->w_xref->xr_x);
        pthread_mutex_unlock(&w->w_lock);
}
