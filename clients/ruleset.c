/*
 * ruleset.c — newswire-alert's rules file (INI, read with libinih; the format
 * is documented in newswire-alert(1) and examples/alert.rules):
 *
 *   [newswire]                 optional: where to connect, where the cursor lives
 *   pub = tcp://127.0.0.1:5555
 *   replay = tcp://127.0.0.1:5556
 *   state = /var/lib/newswire-alert/cursor
 *
 *   [meta-products]            every other section is a rule, named by it
 *   type = product.            filters, as newswire-sub's options
 *   entity = meta
 *   related = yes
 *   modality = planned, asserted
 *   min-confidence = 0.5
 *   webhook = https://chat.example/hooks/xyz   actions: any of webhook, exec, file
 *   format = slack             json (default), slack or mattermost
 *   exec = notify-send "$NEWSWIRE_SUMMARY"
 *   file = /var/log/newswire/meta.jsonl
 *   rate = 10/min              at most 10 alerts a minute; the rest are skipped
 *   retries = 5                webhook retries, backoff doubling from
 *   backoff = 1                this many seconds, up to
 *   backoff-max = 60           this many
 *   timeout = 10               seconds per webhook request or command
 *   continue = no              yes: later rules may alert this event too
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

#include "client.h"

/* Parser state. */
struct ruleset_ctx {
        struct rules *rc_rules;
        const char *rc_datadir;
        char *rc_error; /* the first error, for the line inih reports */
        int rc_nerrors;
};

/* Record the first error; returns 0 for inih. */
static int __attribute__((format(printf, 2, 3)))
ruleset_error(struct ruleset_ctx *ctx, const char *fmt, ...)
{
        va_list ap;
        char *m;

        if (ctx->rc_nerrors++ == 0) {
                va_start(ap, fmt);
                if (vasprintf(&m, fmt, ap) == -1)
                        m = NULL;
                va_end(ap);
                ctx->rc_error = m;
        }
        return 0;
}

/* Take an error cause into the context. */
static int
ruleset_error_cause(struct ruleset_ctx *ctx, const char *key, char *why)
{
        ruleset_error(ctx, "%s: %s", key, why ? why : "invalid value");
        free(why);
        return 0;
}

/* Parse "N/UNIT" (UNIT: s, min, h, day, or a number of seconds). */
static int
ruleset_parse_rate(const char *v, unsigned *count, int64_t *ms, char **cause)
{
        static const struct {
                const char *u;
                int64_t ms;
        } units[] = {{"s", 1000},     {"sec", 1000},     {"second", 1000}, {"m", 60000},
                     {"min", 60000},  {"minute", 60000}, {"h", 3600000},   {"hour", 3600000},
                     {"d", 86400000}, {"day", 86400000}};
        char *copy = nw_xstrdup(v), *slash = strchr(copy, '/'), *why = NULL;
        uint64_t n;
        size_t i;
        int rc = -1;

        if (slash == NULL) {
                client_fail(cause, "'%s' is not COUNT/PERIOD (e.g. 10/min)", v);
                goto out;
        }
        *slash = '\0';
        if (client_parse_u64(copy, &n, &why) != 0 || n == 0 || n > 1000000) {
                client_fail(cause, "'%s': count must be 1..1000000", v);
                goto out;
        }
        *count = (unsigned)n;
        for (i = 0; i < sizeof units / sizeof units[0]; i++)
                if (strcasecmp(slash + 1, units[i].u) == 0) {
                        *ms = units[i].ms;
                        rc = 0;
                        goto out;
                }
        if (client_parse_seconds(slash + 1, ms, &why) != 0 || *ms <= 0) {
                client_fail(cause, "'%s': period must be s, min, h, day or seconds", v);
                goto out;
        }
        rc = 0;
out:
        free(why);
        free(copy);
        return rc;
}

/* filter_add_type in the shape filter_add_list takes. */
static int
ruleset_add_type(struct filter *f, const char *prefix, char **cause)
{
        filter_add_type(f, prefix);
        return 0;
}

/* Set a string once. */
static int
ruleset_set_str(struct ruleset_ctx *ctx, char **dst, const char *name, const char *v)
{
        if (*dst != NULL)
                return ruleset_error(ctx, "%s given twice", name);
        if (*v == '\0')
                return ruleset_error(ctx, "%s is empty", name);
        *dst = nw_xstrdup(v);
        return 1;
}

/*
 * The keys of a rule section: one handler each, found through
 * ruleset_rule_keys[]. A handler returns 1, or 0 after ruleset_error (inih's
 * convention for "keep going, but the file is bad").
 */

/* type = a, b: event type prefixes. */
static int
ruleset_key_type(struct ruleset_ctx *ctx, struct rule *r, const char *name, const char *v)
{
        char *why = NULL;

        if (filter_add_list(r->r_filter, v, ruleset_add_type, "empty list", &why) != 0)
                return ruleset_error_cause(ctx, name, why);
        return 1;
}

/* entity = a, b: entity slugs. */
static int
ruleset_key_entity(struct ruleset_ctx *ctx, struct rule *r, const char *name, const char *v)
{
        char *why = NULL;

        if (filter_add_list(r->r_filter, v, filter_add_entity, "empty list", &why) != 0)
                return ruleset_error_cause(ctx, name, why);
        return 1;
}

/* modality = asserted, likely... */
static int
ruleset_key_modality(struct ruleset_ctx *ctx, struct rule *r, const char *name, const char *v)
{
        char *why = NULL;

        if (filter_add_list(r->r_filter, v, filter_add_modality, "empty list", &why) != 0)
                return ruleset_error_cause(ctx, name, why);
        return 1;
}

/* related = yes: entities match what the lexicon puts under them. */
static int
ruleset_key_related(struct ruleset_ctx *ctx, struct rule *r, const char *name, const char *v)
{
        char *why = NULL;
        bool b;

        if (client_parse_bool(v, &b, &why) != 0)
                return ruleset_error_cause(ctx, name, why);
        if (b && filter_set_related(r->r_filter, ctx->rc_datadir, &why) != 0)
                return ruleset_error_cause(ctx, name, why);
        return 1;
}

/* min-confidence = 0..1. */
static int
ruleset_key_min_confidence(struct ruleset_ctx *ctx, struct rule *r, const char *name, const char *v)
{
        char *why = NULL;
        double d;

        if (client_parse_double(v, 0, 1, &d, &why) != 0)
                return ruleset_error_cause(ctx, name, why);
        filter_set_min_confidence(r->r_filter, d);
        return 1;
}

/* exec = shell command. */
static int
ruleset_key_exec(struct ruleset_ctx *ctx, struct rule *r, const char *name, const char *v)
{
        return ruleset_set_str(ctx, &r->r_exec, name, v);
}

/* webhook = http(s):// URL. */
static int
ruleset_key_webhook(struct ruleset_ctx *ctx, struct rule *r, const char *name, const char *v)
{
        if (strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0)
                return ruleset_error(ctx, "webhook: '%s' is not an http:// or https:// URL", v);
        return ruleset_set_str(ctx, &r->r_webhook, name, v);
}

/* file = path events are appended to. */
static int
ruleset_key_file(struct ruleset_ctx *ctx, struct rule *r, const char *name, const char *v)
{
        return ruleset_set_str(ctx, &r->r_file, name, v);
}

/* format = json, slack or mattermost: the webhook's body. */
static int
ruleset_key_format(struct ruleset_ctx *ctx, struct rule *r, const char *name, const char *v)
{
        if (strcmp(v, "json") == 0)
                r->r_format = RULES_WEBHOOK_JSON;
        else if (strcmp(v, "slack") == 0 || strcmp(v, "mattermost") == 0)
                r->r_format = RULES_WEBHOOK_SLACK;
        else
                return ruleset_error(ctx, "format: '%s' is not json, slack or mattermost", v);
        return 1;
}

/* continue = yes: later rules may match the same event too. */
static int
ruleset_key_continue(struct ruleset_ctx *ctx, struct rule *r, const char *name, const char *v)
{
        char *why = NULL;

        if (client_parse_bool(v, &r->r_continue, &why) != 0)
                return ruleset_error_cause(ctx, name, why);
        return 1;
}

/* rate = COUNT/PERIOD. */
static int
ruleset_key_rate(struct ruleset_ctx *ctx, struct rule *r, const char *name, const char *v)
{
        char *why = NULL;

        if (ruleset_parse_rate(v, &r->r_rate_count, &r->r_rate_ms, &why) != 0)
                return ruleset_error_cause(ctx, name, why);
        return 1;
}

/* retries = 0..100. */
static int
ruleset_key_retries(struct ruleset_ctx *ctx, struct rule *r, const char *name, const char *v)
{
        char *why = NULL;
        uint64_t n;

        if (client_parse_u64(v, &n, &why) != 0 || n > 100) {
                free(why);
                return ruleset_error(ctx, "retries: '%s' is not 0..100", v);
        }
        r->r_retries = (unsigned)n;
        return 1;
}

/* backoff = seconds before the first retry. */
static int
ruleset_key_backoff(struct ruleset_ctx *ctx, struct rule *r, const char *name, const char *v)
{
        char *why = NULL;

        if (client_parse_seconds(v, &r->r_backoff_ms, &why) != 0)
                return ruleset_error_cause(ctx, name, why);
        return 1;
}

/* backoff-max = longest wait between retries, in seconds. */
static int
ruleset_key_backoff_max(struct ruleset_ctx *ctx, struct rule *r, const char *name, const char *v)
{
        char *why = NULL;

        if (client_parse_seconds(v, &r->r_backoff_max_ms, &why) != 0)
                return ruleset_error_cause(ctx, name, why);
        return 1;
}

/* timeout = seconds an action may take. */
static int
ruleset_key_timeout(struct ruleset_ctx *ctx, struct rule *r, const char *name, const char *v)
{
        char *why = NULL;

        if (client_parse_seconds(v, &r->r_timeout_ms, &why) != 0 || r->r_timeout_ms <= 0) {
                free(why);
                return ruleset_error(ctx, "timeout: '%s' is not a positive number of seconds", v);
        }
        return 1;
}

/* The keys a rule section takes. */
static const struct {
        const char *rk_name; /* key in the file */
        int (*rk_set)(struct ruleset_ctx *, struct rule *, const char *, const char *);
} ruleset_rule_keys[] = {
    {"type", ruleset_key_type},
    {"entity", ruleset_key_entity},
    {"modality", ruleset_key_modality},
    {"related", ruleset_key_related},
    {"min-confidence", ruleset_key_min_confidence},
    {"exec", ruleset_key_exec},
    {"webhook", ruleset_key_webhook},
    {"file", ruleset_key_file},
    {"format", ruleset_key_format},
    {"continue", ruleset_key_continue},
    {"rate", ruleset_key_rate},
    {"retries", ruleset_key_retries},
    {"backoff", ruleset_key_backoff},
    {"backoff-max", ruleset_key_backoff_max},
    {"timeout", ruleset_key_timeout},
};

/* A key of a rule section. */
static int
ruleset_rule_key(struct ruleset_ctx *ctx, struct rule *r, const char *name, const char *v)
{
        size_t i;

        for (i = 0; i < sizeof ruleset_rule_keys / sizeof ruleset_rule_keys[0]; i++)
                if (strcmp(name, ruleset_rule_keys[i].rk_name) == 0)
                        return ruleset_rule_keys[i].rk_set(ctx, r, name, v);
        return ruleset_error(ctx, "unknown key '%s' in rule [%s]", name, r->r_name);
}

/* The rule named section, created on first sight. */
static struct rule *
ruleset_rule(struct ruleset_ctx *ctx, const char *section)
{
        struct rules *rs = ctx->rc_rules;
        struct rule *r;

        if (rs->rs_nrules > 0 && strcmp(rs->rs_rules[rs->rs_nrules - 1].r_name, section) == 0)
                return &rs->rs_rules[rs->rs_nrules - 1];
        for (size_t i = 0; i < rs->rs_nrules; i++)
                if (strcmp(rs->rs_rules[i].r_name, section) == 0)
                        return NULL;
        rs->rs_rules = nw_xrealloc(rs->rs_rules, (rs->rs_nrules + 1) * sizeof *r);
        r = &rs->rs_rules[rs->rs_nrules++];
        memset(r, 0, sizeof *r);
        r->r_name = nw_xstrdup(section);
        r->r_filter = filter_new();
        r->r_retries = 5;
        r->r_backoff_ms = 1000;
        r->r_backoff_max_ms = 60000;
        r->r_timeout_ms = 10000;
        return r;
}

/* The keys of [newswire]: strings of struct rules, each given once. */
static const struct {
        const char *nk_name; /* key in the file */
        size_t nk_off;       /* offset of its char * in struct rules */
} ruleset_newswire_keys[] = {
    {"pub", offsetof(struct rules, rs_pub)},
    {"replay", offsetof(struct rules, rs_replay)},
    {"state", offsetof(struct rules, rs_state)},
    {"server_key", offsetof(struct rules, rs_server_key)},
    {"client_key", offsetof(struct rules, rs_client_key)},
};

/* inih handler. */
static int
ruleset_handler(void *arg, const char *section, const char *name, const char *value)
{
        struct ruleset_ctx *ctx = arg;
        struct rules *rs = ctx->rc_rules;
        struct rule *r;
        size_t i;

        if (*section == '\0')
                return ruleset_error(ctx, "'%s' outside a section ([newswire] or a rule)", name);
        if (strcmp(section, "newswire") == 0) {
                for (i = 0; i < sizeof ruleset_newswire_keys / sizeof ruleset_newswire_keys[0]; i++)
                        if (strcmp(name, ruleset_newswire_keys[i].nk_name) == 0)
                                return ruleset_set_str(
                                    ctx, (char **)((char *)rs + ruleset_newswire_keys[i].nk_off),
                                    name, value);
                return ruleset_error(ctx,
                                     "unknown key '%s' in [newswire] (pub, replay, state, "
                                     "server_key, client_key)",
                                     name);
        }
        if ((r = ruleset_rule(ctx, section)) == NULL)
                return ruleset_error(ctx, "rule [%s] appears twice", section);
        return ruleset_rule_key(ctx, r, name, value);
}

/* Parse rules from buf. */
struct rules *
ruleset_parse(const char *buf, size_t len, const char *name, const char *datadir, char **cause)
{
        struct ruleset_ctx ctx = {.rc_datadir = datadir};
        char *copy;
        size_t i;
        int line;

        if (memchr(buf, '\0', len) != NULL) {
                client_fail(cause, "%s: not a text file (NUL byte)", name);
                return NULL;
        }
        if (!nw_utf8_valid(buf, len)) {
                client_fail(cause, "%s: not UTF-8", name);
                return NULL;
        }
        ctx.rc_rules = nw_xcalloc(1, sizeof *ctx.rc_rules);
        copy = nw_xcalloc(1, len + 1);
        memcpy(copy, buf, len);
        line = ini_parse_string(copy, ruleset_handler, &ctx);
        free(copy);
        if (line != 0) {
                if (line < 0)
                        client_fail(cause, "%s: cannot parse", name);
                else if (ctx.rc_error != NULL)
                        client_fail(cause, "%s:%d: %s", name, line, ctx.rc_error);
                else
                        client_fail(cause,
                                    "%s:%d: syntax error (expected [section] or key = value)", name,
                                    line);
                goto fail;
        }
        if (ctx.rc_rules->rs_nrules == 0) {
                client_fail(cause, "%s: no rules (add a [name] section with an action)", name);
                goto fail;
        }
        for (i = 0; i < ctx.rc_rules->rs_nrules; i++) {
                struct rule *r = &ctx.rc_rules->rs_rules[i];

                if (r->r_exec == NULL && r->r_webhook == NULL && r->r_file == NULL) {
                        client_fail(cause, "%s: rule [%s] has no action (webhook, exec or file)",
                                    name, r->r_name);
                        goto fail;
                }
                if (r->r_backoff_max_ms < r->r_backoff_ms)
                        r->r_backoff_max_ms = r->r_backoff_ms;
        }
        free(ctx.rc_error);
        return ctx.rc_rules;
fail:
        free(ctx.rc_error);
        ruleset_destroy(&ctx.rc_rules);
        return NULL;
}

/* Read and parse a rules file. */
struct rules *
ruleset_load(const char *path, const char *datadir, char **cause)
{
        struct rules *rs;
        char *buf;
        size_t len;

        if (client_read_file(path, &buf, &len, cause) != 0)
                return NULL;
        rs = ruleset_parse(buf, len, path, datadir, cause);
        free(buf);
        return rs;
}

/* Free everything. */
void
ruleset_destroy(struct rules **rsp)
{
        struct rules *rs = *rsp;
        size_t i;

        if (rs == NULL)
                return;
        for (i = 0; i < rs->rs_nrules; i++) {
                struct rule *r = &rs->rs_rules[i];

                free(r->r_name);
                filter_destroy(&r->r_filter);
                free(r->r_exec);
                free(r->r_webhook);
                free(r->r_file);
                free(r->r_sent);
        }
        free(rs->rs_rules);
        free(rs->rs_pub);
        free(rs->rs_replay);
        free(rs->rs_state);
        free(rs->rs_server_key);
        free(rs->rs_client_key);
        free(rs);
        *rsp = NULL;
}

/* Sliding-window rate limit. */
bool
ruleset_rate_take(struct rule *r, int64_t now_ms)
{
        size_t i, k = 0;

        if (r->r_rate_count == 0)
                return true;
        for (i = 0; i < r->r_nsent; i++)
                if (r->r_sent[i] > now_ms - r->r_rate_ms)
                        r->r_sent[k++] = r->r_sent[i];
        r->r_nsent = k;
        if (r->r_nsent >= r->r_rate_count)
                return false;
        r->r_sent = nw_xrealloc(r->r_sent, (r->r_nsent + 1) * sizeof *r->r_sent);
        r->r_sent[r->r_nsent++] = now_ms;
        return true;
}
