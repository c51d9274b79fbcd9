/*
 * ctl-stats.c — "newswire-ctl stats": the publisher's statistics from the
 * replay socket ("$stats"), one "name value" line each, or a JSON object.
 */
#include <stdlib.h>

#include <zmq.h>

#include "ctl.h"

/* Ask and print. */
static int
ctl_stats_exec(struct ctl_ctx *cx, int argc, char **argv)
{
        struct nw_stat *st = NULL;
        struct replay *r;
        char *cause = NULL;
        size_t n = 0, i;
        void *ctx;
        int code = CLIENT_EXIT_OK;

        ctx = zmq_ctx_new();
        if ((r = replay_new(ctx, cx->cx_replay, &cx->cx_curve, &cause)) == NULL ||
            replay_stats(r, (int)cx->cx_timeout, &st, &n, &cause) != 0) {
                client_warnx("%s%s", cause,
                             r != NULL ? " (is newswired running, and is this its replay endpoint?)"
                                       : "");
                free(cause);
                code = r != NULL ? CLIENT_EXIT_UNREACHABLE : CLIENT_EXIT_USAGE;
        } else {
                if (cx->cx_json)
                        fputc('{', stdout);
                for (i = 0; i < n; i++) {
                        if (cx->cx_json)
                                printf("%s\"%s\":%llu", i ? "," : "", st[i].name,
                                       (unsigned long long)st[i].value);
                        else
                                printf("%-24s %llu\n", st[i].name, (unsigned long long)st[i].value);
                }
                if (cx->cx_json)
                        fputs("}\n", stdout);
        }
        free(st);
        replay_destroy(&r);
        zmq_ctx_term(ctx);
        return code;
}

const struct ctl_cmd ctl_stats_cmd = {
    .c_name = "stats",
    .c_synopsis = "",
    .c_help = "publisher statistics (sequence, subscribers...)",
    .c_min_args = 0,
    .c_max_args = 0,
    .c_exec = ctl_stats_exec,
};
