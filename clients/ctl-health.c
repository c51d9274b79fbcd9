/*
 * ctl-health.c — "newswire-ctl health": GET /healthz; exit 0 when healthy,
 * 1 when the daemon says it is not, 3 when it cannot be reached.
 */
#include "ctl.h"

/* Ask and print. */
static int
ctl_health_exec(struct ctl_ctx *cx, int argc, char **argv)
{
        return ctl_http_get_print(cx, "healthz", "unhealthy");
}

const struct ctl_cmd ctl_health_cmd = {
    .c_name = "health",
    .c_synopsis = "",
    .c_help = "is the daemon healthy (exit 0) or not (1)",
    .c_min_args = 0,
    .c_max_args = 0,
    .c_exec = ctl_health_exec,
};
