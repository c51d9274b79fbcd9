/*
 * newswire-sub — print newswired's events as they come, filtered, in order,
 * each once; optionally starting from a past sequence (replay, then live).
 * Exit codes: 0 done (--count reached, --timeout without --count, or SIGINT),
 * 1 --timeout before --count events, 2 usage, 3 daemon unreachable.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"

enum {
        O_SINCE = 1,
        O_COUNT,
        O_TIMEOUT,
        O_JSON,
        O_TEXT,
        O_RCVHWM,
        O_QUIET,
};

static const struct opt sub_opts[] = {
    OPT_FILTER_ROWS,
    {"since", 's', "SEQ", "replay events after SEQ, then go live", O_SINCE},
    {"count", 'n', "N", "exit after N events", O_COUNT},
    {"timeout", 'T', "SECONDS", "exit after this long (1 if --count not reached)", O_TIMEOUT},
    {"json", 'j', NULL, "JSON lines (the default when stdout is not a terminal)", O_JSON},
    {"text", 0, NULL, "readable lines (the default on a terminal)", O_TEXT},
    OPT_CONNECT_ROWS,
    {"rcvhwm", 0, "N", "receive queue limit in messages (tuning; 0: zmq's 1000)", O_RCVHWM},
    {"quiet", 'q', NULL, "do not report reconnects and replays on stderr", O_QUIET},
    {NULL, 0, NULL, NULL, 0},
};

/* What the options say. */
struct sub_args {
        struct opt_common a_common;
        bool a_has_since;
        uint64_t a_since;
        uint64_t a_count;  /* 0: no limit */
        int64_t a_timeout; /* -1: none */
        enum out_format a_format;
        int a_rcvhwm;
        bool a_quiet;
};

/* Notices to stderr unless --quiet. */
static void
sub_notify_quiet(void *arg, const char *message)
{
}

/* Option handler. */
static int
sub_option(void *arg, int key, const char *value, char **cause)
{
        struct sub_args *a = arg;
        uint64_t n;
        int rc;

        if ((rc = opt_common(&a->a_common, key, value, cause)) != 0)
                return rc < 0 ? -1 : 0;
        switch (key) {
        case O_SINCE:
                a->a_has_since = true;
                return client_parse_u64(value, &a->a_since, cause);
        case O_COUNT:
                return client_parse_count(value, &a->a_count, cause);
        case O_TIMEOUT:
                return client_parse_seconds(value, &a->a_timeout, cause);
        case O_JSON:
                a->a_format = OUT_JSON;
                return 0;
        case O_TEXT:
                a->a_format = OUT_TEXT;
                return 0;
        case O_RCVHWM:
                if (client_parse_u64(value, &n, cause) != 0)
                        return -1;
                if (n > 1000000)
                        return client_fail(cause, "at most 1000000");
                a->a_rcvhwm = (int)n;
                return 0;
        case O_QUIET:
                a->a_quiet = true;
                return 0;
        }
        return 0;
}

int
main(int argc, char **argv)
{
        struct sub_args a = {.a_timeout = -1, .a_format = OUT_AUTO};
        struct sub *s;
        struct sub_msg m;
        char *cause = NULL;
        uint64_t printed = 0;
        int64_t deadline, left;
        int rc, first, code = CLIENT_EXIT_OK;

        client_init("newswire-sub");
        first = opt_parse(argc, argv, sub_opts, "[options]", sub_option, &a);
        if (first != argc)
                client_exitx(CLIENT_EXIT_USAGE, "unexpected argument '%s' (see --help)",
                             argv[first]);
        s = sub_new();
        if (opt_common_apply(&a.a_common, s, &cause) != 0)
                client_exitx(CLIENT_EXIT_USAGE, "%s", cause);
        if (a.a_has_since)
                sub_set_since(s, a.a_since);
        if (a.a_rcvhwm > 0)
                sub_set_rcvhwm(s, a.a_rcvhwm);
        if (a.a_quiet)
                sub_set_notify(s, sub_notify_quiet, NULL);
        if (sub_start(s, &cause) != 0)
                client_exitx(CLIENT_EXIT_UNREACHABLE, "%s", cause);

        client_catch_stop();

        deadline = a.a_timeout >= 0 ? client_now_ms() + a.a_timeout : -1;
        while (!client_stop) {
                left = deadline < 0 ? 250 : deadline - client_now_ms();
                if (left < 0)
                        left = 0;
                if (left > 250)
                        left = 250; /* look at client_stop now and then */
                rc = sub_next(s, left, &m, &cause);
                if (rc < 0) {
                        client_warnx("%s", cause);
                        free(cause);
                        code = CLIENT_EXIT_UNREACHABLE;
                        break;
                }
                if (rc == 1) {
                        if (filter_match(a.a_common.oc_filter, m.sm_event)) {
                                if (out_event(stdout, a.a_format, m.sm_event, &cause) != 0) {
                                        nw_event_destroy(&m.sm_event);
                                        if (errno != EPIPE) { /* | head: not an error */
                                                client_warnx("%s", cause);
                                                code = CLIENT_EXIT_FAIL;
                                        }
                                        free(cause);
                                        break;
                                }
                                printed++;
                        }
                        nw_event_destroy(&m.sm_event);
                        if (a.a_count > 0 && printed >= a.a_count)
                                break;
                        continue;
                }
                if (deadline >= 0 && client_now_ms() >= deadline) {
                        if (a.a_count > 0) {
                                client_warnx("timeout: %llu of %llu events",
                                             (unsigned long long)printed,
                                             (unsigned long long)a.a_count);
                                code = CLIENT_EXIT_FAIL;
                        }
                        break;
                }
        }
        sub_destroy(&s);
        opt_common_clear(&a.a_common);
        return code;
}
