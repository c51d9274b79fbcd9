/*
 * newswire-alert — the alert bot: subscribes like newswire-sub, matches each
 * event against the rules of a rules file (ruleset.c) in order and runs the
 * first matching rule's actions (action.c), or several rules' when a rule
 * says continue = yes. After an event's actions it commits its position to
 * the state file (cursor.c), so a restart resumes right after it.
 * Exit codes: 0 stopped by SIGINT/SIGTERM or --count reached, 2 usage or
 * malformed rules/state file, 3 daemon unreachable at start.
 */
#include <stdlib.h>
#include <string.h>

#include "client.h"

enum {
        O_RULES = 1,
        O_STATE,
        O_SINCE,
        O_COUNT,
        O_CHECK,
        O_VERBOSE,
};

static const struct opt alert_opts[] = {
    {"rules", 'f', "FILE", "the rules file (required; see newswire-alert(1))", O_RULES},
    {"state", 's', "FILE",
     "cursor file (default: state = in [newswire], else ./newswire-alert.cursor)", O_STATE},
    {"since", 0, "SEQ", "without a cursor yet, start after SEQ (default: live)", O_SINCE},
    {"count", 'n', "N", "exit after N events seen (for tests and batch runs)", O_COUNT},
    {"check", 'C', NULL, "check the rules file and exit", O_CHECK},
    {"verbose", 'v', NULL, "log every event seen, not only alerts", O_VERBOSE},
    OPT_CONNECT_ROWS,
    {NULL, 0, NULL, NULL, 0},
};

/* What the options say. */
struct alert_args {
        struct opt_common a_common;
        const char *a_rules;
        const char *a_state;
        bool a_has_since;
        uint64_t a_since;
        uint64_t a_count;
        bool a_check;
        bool a_verbose;
};

/* Option handler. */
static int
alert_option(void *arg, int key, const char *value, char **cause)
{
        struct alert_args *a = arg;
        int rc;

        if ((rc = opt_common(&a->a_common, key, value, cause)) != 0)
                return rc < 0 ? -1 : 0;
        switch (key) {
        case O_RULES:
                a->a_rules = value;
                return 0;
        case O_STATE:
                a->a_state = value;
                return 0;
        case O_SINCE:
                a->a_has_since = true;
                return client_parse_u64(value, &a->a_since, cause);
        case O_COUNT:
                return client_parse_count(value, &a->a_count, cause);
        case O_CHECK:
                a->a_check = true;
                return 0;
        case O_VERBOSE:
                a->a_verbose = true;
                return 0;
        }
        return 0;
}

/* Subscribe to the union of the rules' types (all when a rule takes all). */
static void
alert_prefixes(struct rules *rs, struct sub *s)
{
        size_t i, k;

        for (i = 0; i < rs->rs_nrules; i++)
                if (filter_type_count(rs->rs_rules[i].r_filter) == 0)
                        return;
        for (i = 0; i < rs->rs_nrules; i++)
                for (k = 0; k < filter_type_count(rs->rs_rules[i].r_filter); k++)
                        sub_add_prefix(s, filter_type(rs->rs_rules[i].r_filter, k));
}

/* Match ev against the rules and run actions; -1 when a stop request cut an
 * action short (the event is then not committed, and redone at restart). */
static int
alert_event(struct alert_args *a, struct rules *rs, const struct sub_msg *m)
{
        const struct nw_event *ev = m->sm_event;
        unsigned long long seq = (unsigned long long)m->sm_trailer.seq;
        char *cause = NULL;
        bool matched = false;
        size_t i;

        for (i = 0; i < rs->rs_nrules && !client_stop; i++) {
                struct rule *r = &rs->rs_rules[i];

                if (!filter_match(r->r_filter, ev))
                        continue;
                matched = true;
                if (!ruleset_rate_take(r, client_now_ms())) {
                        client_warnx("rule [%s]: rate limit reached, no alert for seq %llu (%s)",
                                     r->r_name, seq, ev->type);
                } else if (action_run(r, ev, &m->sm_trailer, &client_stop, &cause) != 0) {
                        client_warnx("rule [%s]: seq %llu: %s", r->r_name, seq, cause);
                        free(cause);
                        cause = NULL;
                        if (client_stop)
                                return -1;
                } else
                        client_warnx("rule [%s]: alerted seq %llu %s: %s", r->r_name, seq, ev->type,
                                     ev->summary ? ev->summary : "");
                if (!r->r_continue)
                        break;
        }
        if (!matched && a->a_verbose)
                client_warnx("seq %llu %s: no rule matches", seq, ev->type);
        return 0;
}

int
main(int argc, char **argv)
{
        struct alert_args a = {0};
        struct cursor cur;
        struct rules *rs;
        struct sub *s;
        struct sub_msg m;
        char *cause = NULL;
        uint64_t seen = 0;
        int first, rc, code = CLIENT_EXIT_OK;

        client_init("newswire-alert");
        first = opt_parse(argc, argv, alert_opts, "--rules FILE [options]", alert_option, &a);
        if (first != argc)
                client_exitx(CLIENT_EXIT_USAGE, "unexpected argument '%s' (see --help)",
                             argv[first]);
        if (a.a_rules == NULL)
                client_exitx(CLIENT_EXIT_USAGE, "no rules file: give --rules FILE (see --help)");
        if ((rs = ruleset_load(a.a_rules, NULL, &cause)) == NULL)
                client_exitx(CLIENT_EXIT_USAGE, "%s", cause);
        if (a.a_check) {
                printf("%s: %zu rule%s, ok\n", a.a_rules, rs->rs_nrules,
                       rs->rs_nrules == 1 ? "" : "s");
                ruleset_destroy(&rs);
                opt_common_clear(&a.a_common);
                return CLIENT_EXIT_OK;
        }
        if (a.a_state == NULL)
                a.a_state = rs->rs_state;
        memset(&cur, 0, sizeof cur);
        if (a.a_state == NULL)
                a.a_state = "newswire-alert.cursor"; /* in the working directory */
        if (cursor_load(a.a_state, &cur, &cause) != 0)
                client_exitx(CLIENT_EXIT_USAGE, "%s", cause);

        s = sub_new();
        if (a.a_common.oc_npubs == 0 && rs->rs_pub != NULL)
                opt_common(&a.a_common, OPT_PUB, rs->rs_pub, NULL);
        if (a.a_common.oc_nreplays == 0 && rs->rs_replay != NULL)
                opt_common(&a.a_common, OPT_REPLAY, rs->rs_replay, NULL);
        if (a.a_common.oc_server_key == NULL && rs->rs_server_key != NULL)
                opt_common(&a.a_common, OPT_SERVER_KEY, rs->rs_server_key, NULL);
        if (a.a_common.oc_client_key == NULL && rs->rs_client_key != NULL)
                opt_common(&a.a_common, OPT_CLIENT_KEY, rs->rs_client_key, NULL);
        if (opt_common_apply(&a.a_common, s, &cause) != 0)
                client_exitx(CLIENT_EXIT_USAGE, "%s", cause);
        alert_prefixes(rs, s);
        if (cur.c_valid) {
                sub_set_since(s, cur.c_seq);
                sub_set_origin(s, cur.c_origin);
                client_warnx("resuming after seq %llu", (unsigned long long)cur.c_seq);
        } else if (a.a_has_since)
                sub_set_since(s, a.a_since);
        if (sub_start(s, &cause) != 0)
                client_exitx(CLIENT_EXIT_UNREACHABLE, "%s", cause);

        client_catch_stop();

        while (!client_stop) {
                rc = sub_next(s, 250, &m, &cause);
                if (rc < 0) {
                        client_warnx("%s", cause);
                        free(cause);
                        code = CLIENT_EXIT_UNREACHABLE;
                        break;
                }
                if (rc == 0)
                        continue;
                rc = alert_event(&a, rs, &m);
                nw_event_destroy(&m.sm_event);
                if (rc != 0)
                        break;
                cur.c_valid = true;
                memcpy(cur.c_origin, m.sm_trailer.origin, NW_ORIGIN_LEN);
                cur.c_seq = m.sm_trailer.seq;
                if (a.a_state != NULL && cursor_save(a.a_state, &cur, &cause) != 0) {
                        client_warnx("cannot save the cursor: %s", cause);
                        free(cause);
                        code = CLIENT_EXIT_FAIL;
                        break;
                }
                if (a.a_count > 0 && ++seen >= a.a_count)
                        break;
                if (a.a_count == 0)
                        seen++;
        }
        sub_destroy(&s);
        ruleset_destroy(&rs);
        opt_common_clear(&a.a_common);
        return code;
}
