/*
 * ingest.c — the pipeline that ties the subsystems together:
 *
 *   ingest_submit (http.c, spool.c) -> group commit of new articles -> 202
 *   -> worker.c threads extract -> group commit of events with their seqs
 *   (and the article marked done) -> publish.c PUB
 *
 * One flush callback does both commits in one transaction per loop pass, so
 * throughput does not hinge on one fsync per article. Articles stored but
 * not processed (a crash, a SIGTERM) are processed at the next start. Runs
 * on the loop thread only.
 */
#include <errno.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "newswired.h"

/* Milliseconds finished extractions wait for company before their commit. */
#define INGEST_RESULT_DELAY_MS 2

/* The pipeline's state: one per process. */
static struct {
        struct event_base *d_base;
        const struct config *d_cfg; /* the subsystems, owned by daemon.c */
        struct store *d_store;
        struct worker *d_worker;
        struct publish *d_publish;
        struct event *d_flush;                         /* group commit, made active on demand */
        struct event *d_retry;                         /* flush again after a store error */
        struct event *d_deadline;                      /* shutdown bound */
        struct ingest *d_ing_head, *d_ing_tail;        /* articles waiting for commit */
        size_t d_ning;                                 /* how many */
        struct worker_result *d_res_head, *d_res_tail; /* results waiting for commit */
        size_t d_inflight;                             /* articles given to the workers */
        bool d_backlog;                                /* stored articles still to load */
        int64_t d_backlog_after, d_backlog_upto;       /* rowids: loaded up to, load up to */
        bool d_stopping;                               /* SIGTERM: no new work */
        bool d_exiting;                                /* loop exit requested */
} d;

/* The store, for http.c's GET and replay.c. */
struct store *
ingest_store(void)
{
        return d.d_store;
}

/* True while draining for exit. */
bool
ingest_stopping(void)
{
        return d.d_stopping;
}

/* Articles stored or about to be, and not yet processed. */
size_t
ingest_queue_depth(void)
{
        return d.d_inflight + d.d_ning;
}

/* Room for one more article? */
bool
ingest_room(void)
{
        return !d.d_stopping && ingest_queue_depth() < (size_t)d.d_cfg->cfg_queue_max;
}

/* Free an ingest record and what it still owns. */
static void
ingest_free_one(struct ingest *in)
{
        article_destroy(&in->in_article);
        free(in->in_raw);
        free(in);
}

/* Queue an article for the next group commit. */
void
ingest_submit(struct ingest *in)
{
        int rc;
        char *cause = NULL;
        char id[17];

        memcpy(id, in->in_article->id, sizeof id);
        rc = store_article_info(d.d_store, id, NULL, NULL, NULL, NULL, &cause);
        if (rc == 1) {
                metrics.m_duplicate++;
                in->in_done(in->in_arg, INGEST_DUPLICATE, id);
                ingest_free_one(in);
                return;
        }
        if (rc < 0) {
                log_warnx("%s", cause);
                free(cause);
                in->in_done(in->in_arg, INGEST_ERROR, id);
                ingest_free_one(in);
                return;
        }
        in->in_next = NULL;
        if (d.d_ing_tail != NULL)
                d.d_ing_tail->in_next = in;
        else
                d.d_ing_head = in;
        d.d_ing_tail = in;
        d.d_ning++;
        event_active(d.d_flush, 0, 0);
}

/* Load stored, unprocessed articles while the queue has room. */
static void
ingest_backlog(void)
{
        struct store_pending *p;
        size_t n, i, room;
        char *cause = NULL;

        while (d.d_backlog && !d.d_stopping) {
                if (d.d_inflight >= (size_t)d.d_cfg->cfg_queue_max / 2 + 1)
                        return;
                room = (size_t)d.d_cfg->cfg_queue_max - d.d_inflight;
                if (room > 512)
                        room = 512;
                if (store_pending(d.d_store, d.d_backlog_after, d.d_backlog_upto, room, &p, &n,
                                  &cause) != 0) {
                        log_warnx("backlog: %s", cause);
                        free(cause);
                        return;
                }
                if (n == 0) {
                        d.d_backlog = false;
                        log_info("backlog done");
                        free(p);
                        return;
                }
                for (i = 0; i < n; i++) {
                        struct article *a;
                        cause = NULL;
                        d.d_backlog_after = p[i].sp_rowid;
                        a = p[i].sp_format == STORE_JSON
                                ? article_from_json(p[i].sp_raw, p[i].sp_rawlen, &cause)
                                : article_parse(p[i].sp_raw, p[i].sp_rawlen, &cause);
                        if (a == NULL) {
                                /* Parsed when received; a new parser refuses it now. Hand a
                                 * failure to the commit path so it is marked failed. */
                                struct worker_result *r = xcalloc(1, sizeof *r);
                                memcpy(r->wr_id, p[i].sp_id, sizeof r->wr_id);
                                xasprintf(&r->wr_error, "no longer parses: %s",
                                          cause ? cause : "?");
                                if (d.d_res_tail != NULL)
                                        d.d_res_tail->wr_next = r;
                                else
                                        d.d_res_head = r;
                                d.d_res_tail = r;
                                d.d_inflight++;
                                free(cause);
                                continue;
                        }
                        free(cause);
                        if (strcmp(a->id, p[i].sp_id) != 0)
                                log_warnx("backlog: article %s now hashes to %s; keeping %s",
                                          p[i].sp_id, a->id, p[i].sp_id);
                        memcpy(a->id, p[i].sp_id, sizeof a->id);
                        worker_push(d.d_worker, a);
                        d.d_inflight++;
                }
                log_info("backlog: %zu stored articles queued for extraction", n);
                store_pending_free(p, n);
                event_active(d.d_flush, 0, 0);
        }
}

/* A committed event waiting to be published. */
struct ingest_pub {
        char *dp_type;
        char *dp_payload;
        size_t dp_len;
        uint64_t dp_seq;
};

/* Store one result's events with fresh seqs; collects what to publish. */
static int
ingest_store_result(struct worker_result *r, struct ingest_pub **pubs, size_t *npubs, size_t *cap,
                    char **cause)
{
        char *status = NULL;
        uint64_t stored = 0;
        size_t i;
        int rc;

        rc = store_article_info(d.d_store, r->wr_id, &status, NULL, NULL, NULL, cause);
        if (rc < 0)
                return -1;
        if (rc == 0 || strcmp(status, "queued") != 0) {
                /* Already processed (or gone): never store its events twice. */
                log_warnx("article %s is %s, result dropped", r->wr_id, rc ? status : "unknown");
                free(status);
                return 0;
        }
        free(status);
        if (r->wr_error != NULL)
                return store_finish_article(d.d_store, r->wr_id, false, r->wr_error, 0, cause);
        for (i = 0; i < r->wr_nevents; i++) {
                struct nw_event *ev = r->wr_events[i];
                uint64_t seq = store_last_seq(d.d_store) + 1;
                char *buf;
                size_t len;

                ev->has_seq = true;
                ev->seq = seq;
                if (ev->type == NULL || ev->id == NULL || nw_event_encode(ev, &buf, &len) != 0) {
                        log_warnx("article %s: event %zu cannot be encoded, skipped", r->wr_id, i);
                        continue;
                }
                rc = store_add_event(d.d_store, ev->id, ev->type, r->wr_id, buf, len, seq, cause);
                if (rc < 0) {
                        free(buf);
                        return -1;
                }
                if (rc == 0) {
                        log_info("article %s: event %s already stored, skipped", r->wr_id, ev->id);
                        free(buf);
                        continue;
                }
                if (*npubs == *cap) {
                        *cap = *cap ? *cap * 2 : 64;
                        *pubs = xrealloc(*pubs, *cap * sizeof **pubs);
                }
                (*pubs)[*npubs].dp_type = xstrdup(ev->type);
                (*pubs)[*npubs].dp_payload = buf;
                (*pubs)[*npubs].dp_len = len;
                (*pubs)[*npubs].dp_seq = seq;
                (*npubs)++;
                stored++;
        }
        return store_finish_article(d.d_store, r->wr_id, true, NULL, stored, cause);
}

/* Stop the loop once nothing is in flight. */
static void
ingest_check_done(void)
{
        struct timeval tv = {0, 100 * 1000};

        if (!d.d_stopping || d.d_exiting)
                return;
        if (d.d_ning > 0 || d.d_res_head != NULL || worker_busy(d.d_worker) > 0)
                return;
        log_info("in-flight work finished, exiting");
        d.d_exiting = true;
        /* Leave a moment for the last replies to be written. */
        event_base_loopexit(d.d_base, &tv);
}

/* The group commit: new articles and finished results in one transaction,
 * then the answers, the worker queue and the PUB socket. */
static void
ingest_flush_cb(evutil_socket_t fd, short what, void *arg)
{
        struct ingest *in, *next, *batch;
        struct worker_result *r, *rnext, *taken;
        struct ingest_pub *pubs = NULL;
        size_t npubs = 0, cap = 0, i, nres = 0;
        int *added = NULL;
        char *cause = NULL;
        size_t ning = d.d_ning, k;

        taken = worker_take(d.d_worker, (size_t)d.d_cfg->cfg_batch_max);
        if (taken != NULL) {
                if (d.d_res_tail != NULL)
                        d.d_res_tail->wr_next = taken;
                else
                        d.d_res_head = taken;
                for (r = taken; r->wr_next != NULL; r = r->wr_next)
                        ;
                d.d_res_tail = r;
        }
        if (ning == 0 && d.d_res_head == NULL) {
                ingest_check_done();
                return;
        }
        for (r = d.d_res_head; r != NULL; r = r->wr_next)
                nres++;

        added = xcalloc(ning + 1, sizeof *added);
        if (store_begin(d.d_store, &cause) != 0)
                goto fail;
        for (in = d.d_ing_head, k = 0; in != NULL; in = in->in_next, k++) {
                added[k] = store_add_article(d.d_store, in->in_article, in->in_format, in->in_raw,
                                             in->in_rawlen, &cause);
                if (added[k] < 0)
                        goto rollback;
        }
        for (r = d.d_res_head; r != NULL; r = r->wr_next) {
                if (ingest_store_result(r, &pubs, &npubs, &cap, &cause) != 0)
                        goto rollback;
        }
        if (store_commit(d.d_store, &cause) != 0)
                goto rollback;
        metrics.m_commits++;

        /* Committed: answer, hand articles to the workers, publish. */
        batch = d.d_ing_head;
        d.d_ing_head = d.d_ing_tail = NULL;
        d.d_ning = 0;
        for (in = batch, k = 0; in != NULL; in = next, k++) {
                char id[17];
                next = in->in_next;
                memcpy(id, in->in_article->id, sizeof id);
                if (added[k] == 1) {
                        metrics.m_received++;
                        d.d_inflight++;
                        worker_push(d.d_worker, in->in_article);
                        in->in_article = NULL;
                        in->in_done(in->in_arg, INGEST_STORED, id);
                } else {
                        metrics.m_duplicate++;
                        in->in_done(in->in_arg, INGEST_DUPLICATE, id);
                }
                ingest_free_one(in);
        }
        for (r = d.d_res_head; r != NULL; r = rnext) {
                rnext = r->wr_next;
                if (r->wr_error != NULL) {
                        metrics.m_failed++;
                        log_warnx("article %s: extraction failed: %s", r->wr_id, r->wr_error);
                } else {
                        metrics.m_processed++;
                        metrics_observe_extract(r->wr_seconds);
                        log_debug("article %s: %zu events", r->wr_id, r->wr_nevents);
                }
                d.d_inflight--;
                worker_result_free(r);
        }
        d.d_res_head = d.d_res_tail = NULL;
        for (i = 0; i < npubs; i++) {
                publish_event(d.d_publish, pubs[i].dp_type, pubs[i].dp_payload, pubs[i].dp_len,
                              pubs[i].dp_seq);
                free(pubs[i].dp_type);
                free(pubs[i].dp_payload);
        }
        free(pubs);
        free(added);
        if (nres > 0)
                log_debug("commit: %zu articles, %zu results, %zu events", ning, nres, npubs);
        if (worker_results_pending(d.d_worker) > 0)
                ingest_results_ready(NULL);
        ingest_backlog();
        ingest_check_done();
        return;

rollback:
        store_rollback(d.d_store);
fail:
        log_warnx("commit failed, retrying in 1 s: %s", cause ? cause : "?");
        free(cause);
        for (i = 0; i < npubs; i++) {
                free(pubs[i].dp_type);
                free(pubs[i].dp_payload);
        }
        free(pubs);
        free(added);
        /* New articles are refused (their clients may retry); results are kept
         * and committed on the retry. */
        batch = d.d_ing_head;
        d.d_ing_head = d.d_ing_tail = NULL;
        d.d_ning = 0;
        for (in = batch; in != NULL; in = next) {
                next = in->in_next;
                in->in_done(in->in_arg, INGEST_ERROR, in->in_article->id);
                ingest_free_one(in);
        }
        {
                struct timeval tv = {1, 0};
                evtimer_add(d.d_retry, &tv);
        }
}

/* Retry timer after a failed commit. */
static void
ingest_retry_cb(evutil_socket_t fd, short what, void *arg)
{
        event_active(d.d_flush, 0, 0);
}

/* The workers have results. */
void
ingest_results_ready(void *arg)
{
        struct timeval tv = {0, INGEST_RESULT_DELAY_MS * 1000};

        /* Results wait a moment so that more of them, and the next articles
         * posted, share one commit; a full batch or new articles flush now. */
        if (d.d_stopping || worker_results_pending(d.d_worker) >= (size_t)d.d_cfg->cfg_batch_max)
                event_active(d.d_flush, 0, 0);
        else if (!evtimer_pending(d.d_flush, NULL))
                evtimer_add(d.d_flush, &tv);
}

/* Shutdown bound reached. */
static void
ingest_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
        log_warnx("shutdown: %zu articles still being extracted after %lld s; they are "
                  "processed at the next start",
                  worker_busy(d.d_worker), (long long)d.d_cfg->cfg_shutdown_timeout);
        d.d_exiting = true;
        event_base_loopexit(d.d_base, NULL);
}

/* Stop taking work, finish what is in flight, then end the loop (bounded
 * by shutdown_timeout). A second call ends the loop at once. */
void
ingest_stop(void)
{
        struct timeval tv = {d.d_cfg->cfg_shutdown_timeout, 0};
        size_t dropped;

        if (d.d_stopping) {
                log_warnx("asked to stop again: exiting now");
                event_base_loopexit(d.d_base, NULL);
                return;
        }
        d.d_stopping = true;
        d.d_backlog = false;
        dropped = worker_clear(d.d_worker);
        d.d_inflight -= dropped;
        if (dropped > 0)
                log_info("%zu queued articles left for the next start", dropped);
        d.d_deadline = evtimer_new(d.d_base, ingest_deadline_cb, NULL);
        evtimer_add(d.d_deadline, &tv);
        event_active(d.d_flush, 0, 0);
}

/* Start the pipeline on base with its subsystems (not taken over). */
void
ingest_init(struct event_base *base, const struct config *cfg, struct store *st, struct worker *w,
            struct publish *pub)
{
        d.d_base = base;
        d.d_cfg = cfg;
        d.d_store = st;
        d.d_worker = w;
        d.d_publish = pub;
        d.d_flush = event_new(base, -1, 0, ingest_flush_cb, NULL);
        d.d_retry = evtimer_new(base, ingest_retry_cb, NULL);
}

/* Queue the articles an earlier run stored and never processed. */
void
ingest_start_backlog(void)
{
        int64_t n = store_count_articles(d.d_store, "queued");

        d.d_backlog_upto = store_max_rowid(d.d_store);
        d.d_backlog = n > 0;
        if (d.d_backlog)
                log_info("%lld stored articles wait for extraction", (long long)n);
        ingest_backlog();
}

/* Housekeeping, once a second: backlog refill, results not yet seen. */
void
ingest_cron(void)
{
        ingest_backlog();
        if (worker_results_pending(d.d_worker) > 0)
                event_active(d.d_flush, 0, 0);
}

/* After the loop: drop what was never committed (its articles are still
 * queued in the store) and free the pipeline's events. */
void
ingest_free(void)
{
        while (d.d_res_head != NULL) {
                struct worker_result *r = d.d_res_head;
                d.d_res_head = r->wr_next;
                worker_result_free(r);
        }
        while (d.d_ing_head != NULL) {
                struct ingest *in = d.d_ing_head;
                d.d_ing_head = in->in_next;
                ingest_free_one(in);
        }
        if (d.d_flush != NULL)
                event_free(d.d_flush);
        if (d.d_retry != NULL)
                event_free(d.d_retry);
        if (d.d_deadline != NULL)
                event_free(d.d_deadline);
        memset(&d, 0, sizeof d);
}
