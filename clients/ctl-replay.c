/*
 * ctl-replay.c — "newswire-ctl replay --since N [--type P] [--limit N]":
 * stored events after N from the replay socket, as JSON lines, page by page
 * up to the head of the store (or --limit events).
 */
#include <stdlib.h>
#include <string.h>

#include <zmq.h>

#include "ctl.h"

enum {
        O_SINCE = 1,
        O_TYPE,
        O_LIMIT,
};

static const struct opt ctl_replay_opts[] = {
    {"since", 's', "SEQ", "events after SEQ (default 0: all)", O_SINCE},
    {"type", 't', "PREFIX", "only types starting with PREFIX", O_TYPE},
    {"limit", 'n', "N", "at most N events", O_LIMIT},
    {NULL, 0, NULL, NULL, 0},
};

/* The command's arguments. */
struct ctl_replay_args {
        uint64_t ra_since;
        const char *ra_type;
        uint64_t ra_limit; /* 0: all */
        uint64_t ra_printed;
        bool ra_failed;
};

/* Option handler. */
static int
ctl_replay_option(void *arg, int key, const char *value, char **cause)
{
        struct ctl_replay_args *a = arg;

        switch (key) {
        case O_SINCE:
                return client_parse_u64(value, &a->ra_since, cause);
        case O_TYPE:
                a->ra_type = value;
                return 0;
        case O_LIMIT:
                return client_parse_u64(value, &a->ra_limit, cause);
        }
        return 0;
}

/* Print one replayed event. */
static int
ctl_replay_print(void *arg, struct nw_event *ev, const struct nw_trailer *t)
{
        struct ctl_replay_args *a = arg;
        char *cause = NULL;
        int rc = 0;

        if (a->ra_limit == 0 || a->ra_printed < a->ra_limit) {
                if (out_event(stdout, OUT_JSON, ev, &cause) != 0) {
                        client_warnx("%s", cause);
                        free(cause);
                        a->ra_failed = true;
                        rc = -1;
                } else
                        a->ra_printed++;
        }
        nw_event_destroy(&ev);
        return rc;
}

/* Page through the store. */
static int
ctl_replay_exec(struct ctl_ctx *cx, int argc, char **argv)
{
        struct ctl_replay_args a = {0};
        struct replay *r;
        struct nw_end end;
        char *cause = NULL;
        uint64_t since;
        int first, code = CLIENT_EXIT_OK, pages;
        void *ctx;

        first = opt_parse(argc, argv, ctl_replay_opts,
                          "replay [--since SEQ] [--type PREFIX] "
                          "[--limit N]",
                          ctl_replay_option, &a);
        if (first != argc)
                client_exitx(CLIENT_EXIT_USAGE, "replay: unexpected argument '%s'", argv[first]);
        ctx = zmq_ctx_new();
        if ((r = replay_new(ctx, cx->cx_replay, &cx->cx_curve, &cause)) == NULL) {
                client_warnx("%s", cause);
                free(cause);
                zmq_ctx_term(ctx);
                return CLIENT_EXIT_USAGE;
        }
        since = a.ra_since;
        for (pages = 0; pages < 10000000; pages++) {
                if (replay_events(r, since, 1000, a.ra_type, (int)cx->cx_timeout, ctl_replay_print,
                                  &a, &end, &cause) != 0) {
                        client_warnx("%s", cause);
                        free(cause);
                        code = a.ra_failed ? CLIENT_EXIT_FAIL : CLIENT_EXIT_UNREACHABLE;
                        break;
                }
                if (!end.more || (a.ra_limit > 0 && a.ra_printed >= a.ra_limit))
                        break;
                if (end.last_seq <= since) {
                        client_warnx("replay makes no progress after seq %llu",
                                     (unsigned long long)since);
                        code = CLIENT_EXIT_UNREACHABLE;
                        break;
                }
                since = end.last_seq;
        }
        replay_destroy(&r);
        zmq_ctx_term(ctx);
        return code;
}

const struct ctl_cmd ctl_replay_cmd = {
    .c_name = "replay",
    .c_synopsis = "[--since SEQ] [--type PREFIX] [--limit N]",
    .c_help = "stored events after SEQ, as JSON lines",
    .c_opts = ctl_replay_opts,
    .c_exec = ctl_replay_exec,
};
