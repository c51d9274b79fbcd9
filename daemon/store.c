/*
 * store.c — the SQLite store (WAL) in the state directory: articles with
 * their raw text and status, events with their sequence and msgpack payload,
 * and meta (origin id, epoch). The sequence is the events table's INTEGER
 * PRIMARY KEY, assigned in the transaction that stores an article's events
 * and marks it done, so it never repeats nor goes back across restarts.
 * Used from the loop thread only.
 */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "extract.h"
#include "newswired.h"

enum store_stmt {
        ST_ADD_ARTICLE,
        ST_ADD_EVENT,
        ST_FINISH,
        ST_INFO,
        ST_PENDING,
        ST_EVENTS,
        ST_META_SET,
        ST_NSTMTS,
};

static const char *store_sql[ST_NSTMTS] = {
    [ST_ADD_ARTICLE] =
        "INSERT OR IGNORE INTO articles (id, url, title, published, source, "
        "lang, received, status, format, raw) VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?)",
    [ST_ADD_EVENT] = "INSERT OR IGNORE INTO events (seq, id, type, article, payload, created) "
                     "VALUES (?, ?, ?, ?, ?, ?)",
    [ST_FINISH] = "UPDATE articles SET status = ?, error = ?, events = ? WHERE id = ?",
    [ST_INFO] = "SELECT status, error, events, received FROM articles WHERE id = ?",
    [ST_PENDING] = "SELECT rowid, id, format, raw FROM articles WHERE status = 'queued' "
                   "AND rowid > ? AND rowid <= ? ORDER BY rowid LIMIT ?",
    [ST_EVENTS] = "SELECT seq, type, payload FROM events WHERE seq > ? AND "
                  "substr(type, 1, length(?2)) = ?2 ORDER BY seq LIMIT ?3",
    [ST_META_SET] = "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
};

static const char store_schema[] =
    "CREATE TABLE IF NOT EXISTS articles ("
    " id TEXT PRIMARY KEY, url TEXT, title TEXT, published TEXT, source TEXT, lang TEXT,"
    " received INTEGER NOT NULL, status TEXT NOT NULL, error TEXT,"
    " events INTEGER NOT NULL DEFAULT 0, format INTEGER NOT NULL, raw BLOB NOT NULL);"
    "CREATE INDEX IF NOT EXISTS articles_status ON articles (status);"
    "CREATE TABLE IF NOT EXISTS events ("
    " seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL,"
    " article TEXT NOT NULL, payload BLOB NOT NULL, created INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS events_article ON events (article);"
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value);";

struct store {
        sqlite3 *st_db;
        sqlite3_stmt *st_stmt[ST_NSTMTS];
        uint8_t st_origin[NW_ORIGIN_LEN]; /* this store's publisher id */
        uint64_t st_epoch;                /* incremented at every open */
        uint64_t st_last_seq;             /* last sequence inserted (maybe uncommitted) */
        uint64_t st_begin_seq;            /* st_last_seq when the transaction began */
        bool st_in_txn;
};

/* Set *cause from the connection's last error. */
static int
store_error(struct store *st, const char *what, char **cause)
{
        if (cause != NULL)
                xasprintf(cause, "store: %s: %s", what, sqlite3_errmsg(st->st_db));
        return -1;
}

/* Run SQL with no result rows. */
static int
store_exec(struct store *st, const char *sql, char **cause)
{
        char *err = NULL;

        if (sqlite3_exec(st->st_db, sql, NULL, NULL, &err) != SQLITE_OK) {
                if (cause != NULL)
                        xasprintf(cause, "store: %s: %s", sql, err ? err : "error");
                sqlite3_free(err);
                return -1;
        }
        return 0;
}

/* A prepared statement, reset with its bindings cleared. */
static sqlite3_stmt *
store_stmt(struct store *st, enum store_stmt which)
{
        sqlite3_stmt *s = st->st_stmt[which];

        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
        return s;
}

/* Bind a text that may be NULL. */
static void
store_bind_text(sqlite3_stmt *s, int i, const char *v)
{
        if (v == NULL)
                sqlite3_bind_null(s, i);
        else
                sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

/* Read or create the origin, bump the epoch, find the last sequence. */
static int
store_meta(struct store *st, char **cause)
{
        sqlite3_stmt *s;
        const void *blob;
        int rc;

        if (store_exec(st, "BEGIN IMMEDIATE", cause) != 0)
                return -1;
        if (sqlite3_prepare_v2(st->st_db, "SELECT value FROM meta WHERE key = 'origin'", -1, &s,
                               NULL) != SQLITE_OK)
                goto fail;
        rc = sqlite3_step(s);
        if (rc == SQLITE_ROW && sqlite3_column_bytes(s, 0) == NW_ORIGIN_LEN &&
            (blob = sqlite3_column_blob(s, 0)) != NULL)
                memcpy(st->st_origin, blob, NW_ORIGIN_LEN);
        else {
                if (getrandom(st->st_origin, NW_ORIGIN_LEN, 0) != NW_ORIGIN_LEN) {
                        sqlite3_finalize(s);
                        xasprintf(cause, "getrandom: %s", strerror(errno));
                        store_exec(st, "ROLLBACK", NULL);
                        return -1;
                }
        }
        sqlite3_finalize(s);

        if (sqlite3_prepare_v2(st->st_db, "SELECT value FROM meta WHERE key = 'epoch'", -1, &s,
                               NULL) != SQLITE_OK)
                goto fail;
        st->st_epoch = sqlite3_step(s) == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(s, 0) : 0;
        sqlite3_finalize(s);
        st->st_epoch++;

        if (sqlite3_prepare_v2(st->st_db,
                               "SELECT max(coalesce((SELECT max(seq) FROM events), 0),"
                               " coalesce((SELECT value FROM meta WHERE key = 'last_seq'), 0))",
                               -1, &s, NULL) != SQLITE_OK)
                goto fail;
        st->st_last_seq = sqlite3_step(s) == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(s, 0) : 0;
        sqlite3_finalize(s);

        s = store_stmt(st, ST_META_SET);
        sqlite3_bind_text(s, 1, "origin", -1, SQLITE_STATIC);
        sqlite3_bind_blob(s, 2, st->st_origin, NW_ORIGIN_LEN, SQLITE_STATIC);
        if (sqlite3_step(s) != SQLITE_DONE)
                goto fail;
        s = store_stmt(st, ST_META_SET);
        sqlite3_bind_text(s, 1, "epoch", -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 2, (sqlite3_int64)st->st_epoch);
        if (sqlite3_step(s) != SQLITE_DONE)
                goto fail;
        sqlite3_reset(s);
        return store_exec(st, "COMMIT", cause);
fail:
        store_error(st, "meta", cause);
        store_exec(st, "ROLLBACK", NULL);
        return -1;
}

/* Open the store in dir (created 0700), the database file 0600. */
struct store *
store_open(const char *dir, const char *sync, char **cause)
{
        struct store *st;
        char *path, *sql;
        int i, fd;

        if (util_mkdirs(dir, cause) != 0)
                return NULL;
        chmod(dir, 0700);
        xasprintf(&path, "%s/newswire.db", dir);
        /* Create the file 0600 ourselves so SQLite never makes it wider. */
        if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1) {
                xasprintf(cause, "%s: %s", path, strerror(errno));
                free(path);
                return NULL;
        }
        fchmod(fd, 0600);
        close(fd);

        st = xcalloc(1, sizeof *st);
        if (sqlite3_open_v2(path, &st->st_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
            SQLITE_OK) {
                store_error(st, path, cause);
                free(path);
                store_close(&st);
                return NULL;
        }
        free(path);
        sqlite3_busy_timeout(st->st_db, 5000);
        xasprintf(&sql,
                  "PRAGMA journal_mode = WAL; PRAGMA synchronous = %s;"
                  "PRAGMA foreign_keys = OFF;",
                  strcmp(sync, "normal") == 0 ? "NORMAL" : "FULL");
        if (store_exec(st, sql, cause) != 0 || store_exec(st, store_schema, cause) != 0) {
                free(sql);
                store_close(&st);
                return NULL;
        }
        free(sql);
        for (i = 0; i < ST_NSTMTS; i++) {
                if (sqlite3_prepare_v3(st->st_db, store_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                                       &st->st_stmt[i], NULL) != SQLITE_OK) {
                        store_error(st, store_sql[i], cause);
                        store_close(&st);
                        return NULL;
                }
        }
        if (store_meta(st, cause) != 0) {
                store_close(&st);
                return NULL;
        }
        return st;
}

/* Close the database and free st. */
void
store_close(struct store **stp)
{
        struct store *st = *stp;
        int i;

        if (st == NULL)
                return;
        if (st->st_in_txn)
                store_rollback(st);
        for (i = 0; i < ST_NSTMTS; i++)
                sqlite3_finalize(st->st_stmt[i]);
        if (st->st_db != NULL) {
                sqlite3_exec(st->st_db, "PRAGMA wal_checkpoint(PASSIVE)", NULL, NULL, NULL);
                sqlite3_close(st->st_db);
        }
        free(st);
        *stp = NULL;
}

/* This store's origin id (NW_ORIGIN_LEN bytes). */
const uint8_t *
store_origin(struct store *st)
{
        return st->st_origin;
}

/* The epoch of this run. */
uint64_t
store_epoch(struct store *st)
{
        return st->st_epoch;
}

/* The last sequence inserted. */
uint64_t
store_last_seq(struct store *st)
{
        return st->st_last_seq;
}

/* Begin a write transaction. */
int
store_begin(struct store *st, char **cause)
{
        if (store_exec(st, "BEGIN IMMEDIATE", cause) != 0)
                return -1;
        st->st_in_txn = true;
        st->st_begin_seq = st->st_last_seq;
        return 0;
}

/* Commit, remembering the last sequence in meta as well. */
int
store_commit(struct store *st, char **cause)
{
        sqlite3_stmt *s;

        if (st->st_last_seq != st->st_begin_seq) {
                s = store_stmt(st, ST_META_SET);
                sqlite3_bind_text(s, 1, "last_seq", -1, SQLITE_STATIC);
                sqlite3_bind_int64(s, 2, (sqlite3_int64)st->st_last_seq);
                if (sqlite3_step(s) != SQLITE_DONE)
                        return store_error(st, "last_seq", cause);
                sqlite3_reset(s);
        }
        if (store_exec(st, "COMMIT", cause) != 0)
                return -1;
        st->st_in_txn = false;
        return 0;
}

/* Roll back; the sequences of the transaction are given back. */
void
store_rollback(struct store *st)
{
        store_exec(st, "ROLLBACK", NULL);
        st->st_in_txn = false;
        st->st_last_seq = st->st_begin_seq;
}

/* Insert a new article, queued. 1 inserted, 0 already there, -1 error. */
int
store_add_article(struct store *st, const struct article *a, int format, const char *raw,
                  size_t rawlen, char **cause)
{
        sqlite3_stmt *s = store_stmt(st, ST_ADD_ARTICLE);
        int rc;

        store_bind_text(s, 1, a->id);
        store_bind_text(s, 2, a->url);
        store_bind_text(s, 3, a->title);
        store_bind_text(s, 4, a->published);
        store_bind_text(s, 5, a->source);
        store_bind_text(s, 6, a->lang);
        sqlite3_bind_int64(s, 7, (sqlite3_int64)util_wall_ms());
        sqlite3_bind_int(s, 8, format);
        sqlite3_bind_blob(s, 9, raw, (int)rawlen, SQLITE_STATIC);
        rc = sqlite3_step(s);
        sqlite3_reset(s);
        if (rc != SQLITE_DONE)
                return store_error(st, "add article", cause);
        return sqlite3_changes(st->st_db) > 0 ? 1 : 0;
}

/* Insert one event with sequence seq (which must be store_last_seq() + 1). */
int
store_add_event(struct store *st, const char *id, const char *type, const char *article,
                const void *payload, size_t len, uint64_t seq, char **cause)
{
        sqlite3_stmt *s = store_stmt(st, ST_ADD_EVENT);
        int rc;

        sqlite3_bind_int64(s, 1, (sqlite3_int64)seq);
        store_bind_text(s, 2, id);
        store_bind_text(s, 3, type);
        store_bind_text(s, 4, article);
        sqlite3_bind_blob(s, 5, payload, (int)len, SQLITE_STATIC);
        sqlite3_bind_int64(s, 6, (sqlite3_int64)util_wall_ms());
        rc = sqlite3_step(s);
        sqlite3_reset(s);
        if (rc != SQLITE_DONE)
                return store_error(st, "add event", cause);
        if (sqlite3_changes(st->st_db) == 0)
                return 0;
        st->st_last_seq = seq;
        return 1;
}

/* Mark an article done or failed. */
int
store_finish_article(struct store *st, const char *id, bool ok, const char *error, uint64_t nevents,
                     char **cause)
{
        sqlite3_stmt *s = store_stmt(st, ST_FINISH);
        int rc;

        sqlite3_bind_text(s, 1, ok ? "done" : "failed", -1, SQLITE_STATIC);
        store_bind_text(s, 2, error);
        sqlite3_bind_int64(s, 3, (sqlite3_int64)nevents);
        store_bind_text(s, 4, id);
        rc = sqlite3_step(s);
        sqlite3_reset(s);
        if (rc != SQLITE_DONE)
                return store_error(st, "finish article", cause);
        return 0;
}

/* Status of one article. */
int
store_article_info(struct store *st, const char *id, char **status, char **error, uint64_t *nevents,
                   uint64_t *received, char **cause)
{
        sqlite3_stmt *s = store_stmt(st, ST_INFO);
        const unsigned char *t;
        int rc;

        store_bind_text(s, 1, id);
        rc = sqlite3_step(s);
        if (rc == SQLITE_DONE) {
                sqlite3_reset(s);
                return 0;
        }
        if (rc != SQLITE_ROW) {
                store_error(st, "article info", cause);
                sqlite3_reset(s);
                return -1;
        }
        if (status != NULL)
                *status = xstrdup((const char *)sqlite3_column_text(s, 0));
        if (error != NULL) {
                t = sqlite3_column_text(s, 1);
                *error = t != NULL ? xstrdup((const char *)t) : NULL;
        }
        if (nevents != NULL)
                *nevents = (uint64_t)sqlite3_column_int64(s, 2);
        if (received != NULL)
                *received = (uint64_t)sqlite3_column_int64(s, 3);
        sqlite3_reset(s);
        return 1;
}

/* Up to max queued articles with after < rowid <= upto. */
int
store_pending(struct store *st, int64_t after, int64_t upto, size_t max, struct store_pending **out,
              size_t *n, char **cause)
{
        sqlite3_stmt *s = store_stmt(st, ST_PENDING);
        struct store_pending *p = NULL;
        size_t count = 0;
        int rc;

        sqlite3_bind_int64(s, 1, after);
        sqlite3_bind_int64(s, 2, upto);
        sqlite3_bind_int64(s, 3, (sqlite3_int64)max);
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
                p = xrealloc(p, (count + 1) * sizeof *p);
                struct store_pending *sp = &p[count++];
                const void *raw = sqlite3_column_blob(s, 3);
                memset(sp, 0, sizeof *sp);
                sp->sp_rowid = sqlite3_column_int64(s, 0);
                snprintf(sp->sp_id, sizeof sp->sp_id, "%s", sqlite3_column_text(s, 1));
                sp->sp_format = sqlite3_column_int(s, 2);
                sp->sp_rawlen = (size_t)sqlite3_column_bytes(s, 3);
                sp->sp_raw = xmalloc(sp->sp_rawlen + 1);
                if (sp->sp_rawlen > 0)
                        memcpy(sp->sp_raw, raw, sp->sp_rawlen);
                sp->sp_raw[sp->sp_rawlen] = '\0';
        }
        sqlite3_reset(s);
        if (rc != SQLITE_DONE) {
                store_pending_free(p, count);
                return store_error(st, "pending", cause);
        }
        *out = p;
        *n = count;
        return 0;
}

/* Free what store_pending returned. */
void
store_pending_free(struct store_pending *p, size_t n)
{
        size_t i;

        for (i = 0; i < n; i++)
                free(p[i].sp_raw);
        free(p);
}

/* Up to max events after since whose type starts with prefix. */
int
store_events(struct store *st, uint64_t since, const char *prefix, size_t max,
             struct store_event **out, size_t *n, char **cause)
{
        sqlite3_stmt *s = store_stmt(st, ST_EVENTS);
        struct store_event *e;
        size_t count = 0;
        int rc = SQLITE_DONE;

        e = xcalloc(max, sizeof *e);
        sqlite3_bind_int64(s, 1, (sqlite3_int64)since);
        sqlite3_bind_text(s, 2, prefix, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 3, (sqlite3_int64)max);
        while (count < max && (rc = sqlite3_step(s)) == SQLITE_ROW) {
                struct store_event *se = &e[count++];
                se->se_seq = (uint64_t)sqlite3_column_int64(s, 0);
                se->se_type = xstrdup((const char *)sqlite3_column_text(s, 1));
                se->se_len = (size_t)sqlite3_column_bytes(s, 2);
                se->se_payload = xmalloc(se->se_len);
                memcpy(se->se_payload, sqlite3_column_blob(s, 2), se->se_len);
        }
        if (count < max && rc != SQLITE_DONE) {
                sqlite3_reset(s);
                store_events_free(e, count);
                return store_error(st, "events", cause);
        }
        sqlite3_reset(s);
        *out = e;
        *n = count;
        return 0;
}

/* Free what store_events returned. */
void
store_events_free(struct store_event *e, size_t n)
{
        size_t i;

        for (i = 0; i < n; i++) {
                free(e[i].se_type);
                free(e[i].se_payload);
        }
        free(e);
}

/* Run a count query with one optional text parameter. */
static int64_t
store_count(struct store *st, const char *sql, const char *arg)
{
        sqlite3_stmt *s;
        int64_t v = -1;

        if (sqlite3_prepare_v2(st->st_db, sql, -1, &s, NULL) != SQLITE_OK)
                return -1;
        if (arg != NULL)
                sqlite3_bind_text(s, 1, arg, -1, SQLITE_STATIC);
        if (sqlite3_step(s) == SQLITE_ROW)
                v = sqlite3_column_int64(s, 0);
        sqlite3_finalize(s);
        return v;
}

/* Articles with a status (NULL: all). */
int64_t
store_count_articles(struct store *st, const char *status)
{
        if (status == NULL)
                return store_count(st, "SELECT count(*) FROM articles", NULL);
        return store_count(st, "SELECT count(*) FROM articles WHERE status = ?", status);
}

/* Events stored. */
int64_t
store_count_events(struct store *st)
{
        return store_count(st, "SELECT count(*) FROM events", NULL);
}

/* The newest article rowid (0 when none). */
int64_t
store_max_rowid(struct store *st)
{
        return store_count(st, "SELECT coalesce(max(rowid), 0) FROM articles", NULL);
}
