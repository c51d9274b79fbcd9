/*
 * daemon.c — newswired's main: configuration, privileges, the one libevent
 * loop, the subsystems' start and stop, signals (SIGHUP reloads, SIGTERM and
 * SIGINT drain and exit), systemd notifications. The pipeline is ingest.c.
 */
#include <errno.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include "extract.h"
#include "newswired.h"

/* The daemon's subsystems: one per process. */
static struct {
        struct event_base *g_base;
        struct config *g_cfg;
        int g_argc;
        char **g_argv;
        char *g_datadir;
        struct store *g_store;
        struct worker *g_worker;
        struct publish *g_publish;
        struct replay *g_replay;
        struct zap *g_zap;
        struct http *g_http;
        struct spool *g_spool;
        void *g_zctx;
        struct event *g_sigs[3];
        struct event *g_cron; /* housekeeping */
} g;

/* SIGHUP: reload lexicons and rules (and the reloadable options). */
static void
daemon_reload(void)
{
        struct extractor *x;
        struct config *cfg;
        char *cause = NULL;
        bool check;
        size_t ne, nr;

        log_info("SIGHUP: reloading");
        notify_reloading();
        cfg = config_new();
        if (config_load(cfg, g.g_argc, g.g_argv, &check, &cause) != 0) {
                log_warnx("reload: configuration refused, keeping the old one: %s",
                          cause ? cause : "?");
                free(cause);
                cause = NULL;
        } else {
                log_setlevel(cfg->cfg_log_level);
                g.g_cfg->cfg_log_level = cfg->cfg_log_level;
                free(g.g_cfg->cfg_token);
                g.g_cfg->cfg_token = cfg->cfg_token;
                cfg->cfg_token = NULL;
        }
        config_destroy(&cfg);
        if (zap_reload(g.g_zap, &cause) != 0) {
                metrics.m_reload_failures++;
                log_warnx("reload: keeping the old authorised keys: %s", cause ? cause : "?");
                free(cause);
                cause = NULL;
        }
        x = extractor_new(g.g_datadir, &cause);
        if (x == NULL) {
                metrics.m_reload_failures++;
                log_warnx("reload: keeping the old lexicons and rules: %s", cause ? cause : "?");
                free(cause);
        } else {
                worker_set_extractor(g.g_worker, x);
                metrics.m_reloads++;
                worker_extractor_counts(g.g_worker, &ne, &nr);
                log_info("reload: %zu entities, %zu rules from %s", ne, nr, g.g_datadir);
        }
        notify_ready();
}

/* Signal events. */
static void
daemon_signal_cb(evutil_socket_t sig, short what, void *arg)
{
        switch (sig) {
        case SIGHUP:
                daemon_reload();
                break;
        case SIGTERM:
        case SIGINT:
                if (!ingest_stopping()) {
                        log_info("signal %d: finishing in-flight work", (int)sig);
                        notify_stopping();
                        if (g.g_http != NULL)
                                http_stop_accepting(g.g_http);
                }
                ingest_stop();
                break;
        }
}

/* Housekeeping: once a second. */
static void
daemon_cron_cb(evutil_socket_t fd, short what, void *arg)
{
        ingest_cron();
        notify_status("%llu articles, last seq %llu, queue %zu",
                      (unsigned long long)metrics.m_received,
                      (unsigned long long)store_last_seq(g.g_store), ingest_queue_depth());
}

/* Detach from the terminal when not told to stay. */
static void
daemon_detach(void)
{
        if (daemon(1, 0) == -1)
                fatal("daemon");
        log_init(g.g_cfg->cfg_log_level, true);
}

/* Configure, open the store, start every subsystem, run the loop, and tear
 * everything down in reverse order once it ends. */
int
main(int argc, char **argv)
{
        struct config *cfg;
        char *cause = NULL;
        bool check = false;
        struct extractor *x;
        size_t ne, nr, i, nk;
        int rc;
        const int sigs[] = {SIGTERM, SIGINT, SIGHUP};
        struct timeval sec = {1, 0};

        log_init(LOG_LEVEL_INFO, false);
        umask(0077);
        cfg = config_new();
        rc = config_load(cfg, argc, argv, &check, &cause);
        if (rc == 1) {
                config_destroy(&cfg);
                return 0;
        }
        if (rc != 0) {
                log_warnx("configuration: %s", cause);
                free(cause);
                config_destroy(&cfg);
                return 1;
        }
        if (check) {
                /* As httpd -n: the configuration, and here the data files too. */
                char *dir = *cfg->cfg_data_dir ? xstrdup(cfg->cfg_data_dir) : nw_datadir();
                if (dir == NULL || (x = extractor_new(dir, &cause)) == NULL) {
                        log_warnx("data files: %s", dir ? cause : "no data directory found");
                        free(cause);
                        free(dir);
                        config_destroy(&cfg);
                        return 1;
                }
                if (zap_check(cfg, &nk, &cause) != 0) {
                        log_warnx("%s", cause);
                        free(cause);
                        extractor_destroy(&x);
                        free(dir);
                        config_destroy(&cfg);
                        return 1;
                }
                fprintf(stderr, "configuration OK; %zu entities, %zu rules in %s\n",
                        extractor_entity_count(x), extractor_rule_count(x), dir);
                if (*cfg->cfg_curve_secret_key_file != '\0')
                        fprintf(stderr, "CURVE: %zu authorised client keys in %s\n", nk,
                                cfg->cfg_curve_clients_dir);
                extractor_destroy(&x);
                free(dir);
                config_destroy(&cfg);
                return 0;
        }
        g.g_cfg = cfg;
        g.g_argc = argc;
        g.g_argv = argv;
        log_setlevel(cfg->cfg_log_level);
        if (geteuid() == 0 && !cfg->cfg_allow_root)
                fatalx("refusing to run as root (use a dedicated user, or allow_root = yes)");
        signal(SIGPIPE, SIG_IGN);

        g.g_datadir = *cfg->cfg_data_dir ? xstrdup(cfg->cfg_data_dir) : nw_datadir();
        if (g.g_datadir == NULL)
                fatalx("no data directory found (set data_dir or NEWSWIRE_DATA)");
        if ((x = extractor_new(g.g_datadir, &cause)) == NULL)
                fatalx("lexicons and rules: %s", cause);

        if ((g.g_store = store_open(cfg->cfg_state_dir, cfg->cfg_sync, &cause)) == NULL)
                fatalx("%s", cause);
        {
                char hex[2 * NW_ORIGIN_LEN + 1];
                nw_origin_hex(store_origin(g.g_store), hex);
                log_info("store %s/newswire.db: origin %s epoch %llu last seq %llu",
                         cfg->cfg_state_dir, hex, (unsigned long long)store_epoch(g.g_store),
                         (unsigned long long)store_last_seq(g.g_store));
        }

        if (!cfg->cfg_foreground)
                daemon_detach();

        evthread_use_pthreads();
        if ((g.g_base = event_base_new()) == NULL)
                fatalx("event_base_new failed");
        metrics.m_start_ms = util_wall_ms();
        g.g_worker =
            worker_new(g.g_base, (int)cfg->cfg_workers, x, ingest_results_ready, NULL, &cause);
        if (g.g_worker == NULL)
                fatalx("%s", cause);
        worker_extractor_counts(g.g_worker, &ne, &nr);
        log_info("extractor: %zu entities, %zu rules from %s", ne, nr, g.g_datadir);

        g.g_zctx = zmq_ctx_new();
        if ((g.g_zap = zap_new(g.g_base, g.g_zctx, cfg, &cause)) == NULL)
                fatalx("%s", cause);
        g.g_publish =
            publish_new(g.g_base, g.g_zctx, g.g_zap, cfg->cfg_pub, cfg->cfg_npub,
                        (int)cfg->cfg_sndhwm, (int)cfg->cfg_heartbeat_ms, store_origin(g.g_store),
                        store_epoch(g.g_store), store_last_seq(g.g_store), &cause);
        if (g.g_publish == NULL)
                fatalx("%s", cause);
        g.g_replay =
            replay_new(g.g_base, g.g_zctx, g.g_zap, cfg->cfg_replay, cfg->cfg_nreplay, g.g_store,
                       (int)cfg->cfg_replay_limit, (int)cfg->cfg_replay_max, &cause);
        if (g.g_replay == NULL)
                fatalx("%s", cause);
        ingest_init(g.g_base, cfg, g.g_store, g.g_worker, g.g_publish);
        if (*cfg->cfg_http != '\0' && (g.g_http = http_new(g.g_base, cfg, &cause)) == NULL)
                fatalx("%s", cause);

        for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
                g.g_sigs[i] = evsignal_new(g.g_base, sigs[i], daemon_signal_cb, NULL);
                event_add(g.g_sigs[i], NULL);
        }
        g.g_cron = event_new(g.g_base, -1, EV_PERSIST, daemon_cron_cb, NULL);
        event_add(g.g_cron, &sec);

        /* Articles stored by an earlier run and never processed. */
        ingest_start_backlog();

        if (*cfg->cfg_spool != '\0' &&
            (g.g_spool = spool_new(g.g_base, cfg->cfg_spool, (size_t)cfg->cfg_max_body, &cause)) ==
                NULL)
                fatalx("%s", cause);

        notify_watchdog_start(g.g_base);
        notify_ready();
        log_info("newswired ready (pid %d)", (int)getpid());
        event_base_dispatch(g.g_base);

        log_info("stopping");
        notify_watchdog_stop();
        http_destroy(&g.g_http);
        spool_destroy(&g.g_spool);
        worker_destroy(&g.g_worker);
        /* Results that arrived after the loop ended are dropped uncommitted:
         * their articles are still queued in the store. */
        ingest_free();
        replay_destroy(&g.g_replay);
        publish_destroy(&g.g_publish);
        zap_destroy(&g.g_zap);
        zmq_ctx_term(g.g_zctx);
        store_close(&g.g_store);
        for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
                event_free(g.g_sigs[i]);
        event_free(g.g_cron);
        event_base_free(g.g_base);
        free(g.g_datadir);
        config_destroy(&g.g_cfg);
        log_info("stopped");
        return 0;
}
