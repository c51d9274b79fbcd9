/*
 * ctl-metrics.c — "newswire-ctl metrics": GET /metrics, printed as is
 * (Prometheus text format).
 */
#include "ctl.h"

/* Ask and print. */
static int
ctl_metrics_exec(struct ctl_ctx *cx, int argc, char **argv)
{
        return ctl_http_get_print(cx, "metrics", "metrics");
}

const struct ctl_cmd ctl_metrics_cmd = {
    .c_name = "metrics",
    .c_synopsis = "",
    .c_help = "the daemon's Prometheus metrics",
    .c_min_args = 0,
    .c_max_args = 0,
    .c_exec = ctl_metrics_exec,
};
