/*
 * metrics.c — the daemon's counters and the extraction-time histogram, and
 * their rendering in the Prometheus text exposition format for GET /metrics.
 * Only the loop thread touches them (workers hand their timings back with
 * their results).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "newswired.h"

struct metrics metrics;

/* Upper bounds of the extraction histogram buckets, in seconds. */
static const double metrics_bounds[METRICS_NBUCKETS] = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2.5,
};

/* Add one extraction duration to the histogram. */
void
metrics_observe_extract(double seconds)
{
        size_t i;

        metrics.m_extract_count++;
        metrics.m_extract_sum += seconds;
        for (i = 0; i < METRICS_NBUCKETS; i++) {
                if (seconds <= metrics_bounds[i])
                        metrics.m_extract_buckets[i]++;
        }
}

/* Append one counter or gauge with its HELP and TYPE lines. */
static void
metrics_one(FILE *f, const char *name, const char *type, const char *help, uint64_t v)
{
        fprintf(f, "# HELP %s %s\n# TYPE %s %s\n%s %" PRIu64 "\n", name, help, name, type, name, v);
}

/* Render every metric; malloc'd text. */
char *
metrics_render(void)
{
        char *buf = NULL;
        size_t len = 0, i;
        FILE *f = open_memstream(&buf, &len);

        if (f == NULL)
                fatal("open_memstream");
        metrics_one(f, "newswire_articles_received_total", "counter",
                    "Articles accepted and durably stored (HTTP 202 or spool).",
                    metrics.m_received);
        metrics_one(f, "newswire_articles_duplicate_total", "counter",
                    "Articles refused because the same content was already stored.",
                    metrics.m_duplicate);
        metrics_one(f, "newswire_articles_rejected_total", "counter",
                    "Ingest requests refused (bad input, size, type, token, queue full).",
                    metrics.m_rejected);
        metrics_one(f, "newswire_articles_failed_total", "counter",
                    "Articles whose extraction failed.", metrics.m_failed);
        metrics_one(f, "newswire_articles_processed_total", "counter",
                    "Articles whose events are committed.", metrics.m_processed);
        metrics_one(f, "newswire_events_published_total", "counter",
                    "Events committed and handed to the PUB socket.", metrics.m_events);
        metrics_one(f, "newswire_publish_dropped_total", "counter",
                    "PUB sends refused by libzmq (EAGAIN or error). A PUB socket drops "
                    "silently for a subscriber at its SNDHWM; those drops are not visible to "
                    "the publisher and show as seq gaps at that subscriber, which replays.",
                    metrics.m_pub_dropped);
        metrics_one(f, "newswire_subscribers", "gauge",
                    "Connections to the PUB socket (tcp and ipc) open now.", metrics.m_subscribers);
        metrics_one(f, "newswire_replay_requests_total", "counter",
                    "Requests received on the replay socket.", metrics.m_replay_requests);
        metrics_one(f, "newswire_replay_errors_total", "counter",
                    "Replay requests answered with an error (malformed, refused).",
                    metrics.m_replay_errors);
        metrics_one(f, "newswire_replay_events_total", "counter",
                    "Events sent in replies to replay requests.", metrics.m_replay_events);
        metrics_one(f, "newswire_store_commits_total", "counter", "Store transactions committed.",
                    metrics.m_commits);
        metrics_one(f, "newswire_reloads_total", "counter",
                    "Lexicon and rule reloads (SIGHUP) that succeeded.", metrics.m_reloads);
        metrics_one(f, "newswire_reload_failures_total", "counter",
                    "Reloads refused because a data file is broken.", metrics.m_reload_failures);
        metrics_one(f, "newswire_http_connections", "gauge", "Open HTTP connections.",
                    metrics.m_http_conns);
        metrics_one(f, "newswire_http_connections_refused_total", "counter",
                    "HTTP connections closed at once because the cap was reached.",
                    metrics.m_http_refused);
        metrics_one(f, "newswire_spool_done_total", "counter", "Spool files moved to done/.",
                    metrics.m_spool_done);
        metrics_one(f, "newswire_spool_failed_total", "counter", "Spool files moved to failed/.",
                    metrics.m_spool_failed);
        metrics_one(f, "newswire_zap_allowed_total", "counter",
                    "CURVE clients let in: their public key is in curve_clients_dir.",
                    metrics.m_zap_allowed);
        metrics_one(f, "newswire_zap_denied_total", "counter",
                    "CURVE clients refused by the ZAP handler: their key is not authorised.",
                    metrics.m_zap_denied);
        metrics_one(f, "newswire_handshake_failed_total", "counter",
                    "ZeroMQ handshakes failed on the PUB and replay sockets (a plaintext "
                    "client on a CURVE endpoint, a refused key, a wrong server key).",
                    metrics.m_handshake_failed);
        metrics_one(f, "newswire_queue_depth", "gauge", "Articles stored and not yet processed.",
                    ingest_queue_depth());
        metrics_one(f, "newswire_uptime_seconds", "gauge", "Seconds since the daemon started.",
                    (util_wall_ms() - metrics.m_start_ms) / 1000);

        fprintf(f, "# HELP newswire_extraction_seconds Time to extract one article.\n"
                   "# TYPE newswire_extraction_seconds histogram\n");
        for (i = 0; i < METRICS_NBUCKETS; i++)
                fprintf(f, "newswire_extraction_seconds_bucket{le=\"%g\"} %" PRIu64 "\n",
                        metrics_bounds[i], metrics.m_extract_buckets[i]);
        fprintf(f, "newswire_extraction_seconds_bucket{le=\"+Inf\"} %" PRIu64 "\n",
                metrics.m_extract_count);
        fprintf(f, "newswire_extraction_seconds_sum %.6f\n", metrics.m_extract_sum);
        fprintf(f, "newswire_extraction_seconds_count %" PRIu64 "\n", metrics.m_extract_count);
        fclose(f);
        return buf;
}
