/*
 * test_alert_parts.c — the pieces of newswire-alert and newswire-sub that
 * need no daemon: filters (every kind, --related through the real lexicon),
 * the rules file parser (good files, every error with its line), rate
 * limits, the cursor file (round trip, atomic replace, malformed), the
 * Slack body, the file and exec actions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "client.h"

/* An event with an agent and a product. */
static struct nw_event *
mkevent(const char *type, const char *agent, const char *product, const char *modality, double conf)
{
        struct nw_event *ev = nw_event_new();

        nw_event_set_id(ev, "e1");
        nw_event_set_type(ev, type);
        nw_event_set_modality(ev, modality);
        nw_event_set_summary(ev, "Something happened\nacross lines");
        ev->confidence = conf;
        ev->has_seq = true;
        ev->seq = 7;
        if (agent)
                nw_event_add_arg(ev, "agent", agent, agent);
        if (product)
                nw_event_add_arg(ev, "product", product, product);
        return ev;
}

static void
test_filter_kinds(void **state)
{
        struct nw_event *ev = mkevent("product.plan", "meta", "avocado", "planned", 0.8);
        struct filter *f = filter_new();
        char *cause = NULL;

        assert_true(filter_match(f, ev)); /* empty: everything */
        filter_add_type(f, "finance.");
        assert_false(filter_match(f, ev));
        filter_add_type(f, "product.");
        assert_true(filter_match(f, ev)); /* ORed within a kind */
        assert_int_equal(filter_add_entity(f, "google", &cause), 0);
        assert_false(filter_match(f, ev));
        assert_int_equal(filter_add_entity(f, "avocado", &cause), 0); /* any role */
        assert_true(filter_match(f, ev));
        assert_int_equal(filter_add_modalities(f, "asserted, likely", &cause), 0);
        assert_false(filter_match(f, ev));
        assert_int_equal(filter_add_modality(f, "planned", &cause), 0);
        assert_true(filter_match(f, ev));
        filter_set_min_confidence(f, 0.9);
        assert_false(filter_match(f, ev));
        filter_set_min_confidence(f, 0.8);
        assert_true(filter_match(f, ev));
        assert_int_equal(filter_add_modality(f, "maybe", &cause), -1);
        assert_non_null(strstr(cause, "unknown modality 'maybe'"));
        free(cause);
        assert_int_equal(filter_add_entity(f, "", &cause), -1);
        free(cause);
        assert_int_equal(filter_type_count(f), 2);
        assert_string_equal(filter_type(f, 1), "product.");
        filter_destroy(&f);
        assert_null(f);
        nw_event_destroy(&ev);
}

static void
test_filter_related(void **state)
{
        struct nw_event *ev = mkevent("product.release", "someone", "qwen3-max", "asserted", 0.9);
        struct nw_event *other = mkevent("product.release", "meta", "llama", "asserted", 0.9);
        struct filter *f = filter_new();
        char *cause = NULL;

        assert_int_equal(filter_add_entity(f, "alibaba", &cause), 0);
        assert_false(filter_match(f, ev)); /* not without --related */
        if (filter_set_related(f, NULL, &cause) != 0)
                fail_msg("%s", cause);
        assert_true(filter_match(f, ev)); /* qwen3-max -> ... -> alibaba */
        assert_false(filter_match(f, other));
        filter_destroy(&f);
        nw_event_destroy(&ev);
        nw_event_destroy(&other);
}

/* Parse text as rules; return NULL and the cause. */
static struct rules *
parse(const char *text, char **cause)
{
        *cause = NULL;
        return ruleset_parse(text, strlen(text), "t.rules", NULL, cause);
}

static void
test_rules_good(void **state)
{
        const char *text = "# comment\n"
                           "[newswire]\n"
                           "pub = tcp://127.0.0.1:9\n"
                           "replay = tcp://127.0.0.1:10\n"
                           "state = /tmp/x.cursor\n"
                           "server_key = /etc/newswire/curve/server.pub\n"
                           "client_key = bot.key\n"
                           "\n"
                           "[meta-products]\n"
                           "type = product., market.\n"
                           "entity = meta\n"
                           "modality = planned, asserted\n"
                           "min-confidence = 0.5\n"
                           "webhook = http://127.0.0.1:1/hook\n"
                           "format = slack\n"
                           "rate = 10/min\n"
                           "retries = 3\n"
                           "backoff = 0.5\n"
                           "continue = yes\n"
                           "\n"
                           "[log]\n"
                           "file = /tmp/all.jsonl\n"
                           "exec = cat >/dev/null\n"
                           "rate = 2/30\n"
                           "timeout = 2\n";
        struct rules *rs;
        char *cause;
        struct nw_event *ev = mkevent("product.plan", "meta", NULL, "planned", 0.8);

        rs = parse(text, &cause);
        if (rs == NULL)
                fail_msg("%s", cause);
        assert_string_equal(rs->rs_pub, "tcp://127.0.0.1:9");
        assert_string_equal(rs->rs_replay, "tcp://127.0.0.1:10");
        assert_string_equal(rs->rs_state, "/tmp/x.cursor");
        assert_string_equal(rs->rs_server_key, "/etc/newswire/curve/server.pub");
        assert_string_equal(rs->rs_client_key, "bot.key");
        assert_int_equal(rs->rs_nrules, 2);
        assert_string_equal(rs->rs_rules[0].r_name, "meta-products");
        assert_int_equal(rs->rs_rules[0].r_format, RULES_WEBHOOK_SLACK);
        assert_true(rs->rs_rules[0].r_continue);
        assert_int_equal(rs->rs_rules[0].r_rate_count, 10);
        assert_int_equal(rs->rs_rules[0].r_rate_ms, 60000);
        assert_int_equal(rs->rs_rules[0].r_retries, 3);
        assert_int_equal(rs->rs_rules[0].r_backoff_ms, 500);
        assert_true(filter_match(rs->rs_rules[0].r_filter, ev));
        assert_int_equal(filter_type_count(rs->rs_rules[0].r_filter), 2);
        assert_string_equal(rs->rs_rules[1].r_file, "/tmp/all.jsonl");
        assert_int_equal(rs->rs_rules[1].r_rate_ms, 30000);
        assert_int_equal(rs->rs_rules[1].r_timeout_ms, 2000);
        assert_false(rs->rs_rules[1].r_continue);
        assert_int_equal(rs->rs_rules[1].r_retries, 5); /* default */

        /* rate: 2 per 30 s, sliding */
        assert_true(ruleset_rate_take(&rs->rs_rules[1], 1000));
        assert_true(ruleset_rate_take(&rs->rs_rules[1], 2000));
        assert_false(ruleset_rate_take(&rs->rs_rules[1], 3000));
        assert_false(ruleset_rate_take(&rs->rs_rules[1], 30999));
        assert_true(ruleset_rate_take(&rs->rs_rules[1], 31001));
        ruleset_destroy(&rs);
        assert_null(rs);
        nw_event_destroy(&ev);
}

/* Each malformed file gives this message. */
static void
expect_error(const char *text, const char *want)
{
        char *cause;
        struct rules *rs = parse(text, &cause);

        assert_null(rs);
        assert_non_null(cause);
        if (strstr(cause, want) == NULL)
                fail_msg("got '%s', wanted '%s'", cause, want);
        free(cause);
}

static void
test_rules_errors(void **state)
{
        expect_error("", "t.rules: no rules");
        expect_error("[a]\ntype = product.\n", "rule [a] has no action");
        expect_error("[a]\nfile = /tmp/x\nbogus = 1\n",
                     "t.rules:3: unknown key 'bogus' in rule [a]");
        expect_error("[a]\nfile = /tmp/x\nmodality = sure\n",
                     "t.rules:3: modality: unknown modality");
        expect_error("[a]\nfile = /tmp/x\nmin-confidence = 2\n",
                     "t.rules:3: min-confidence: '2' is not between 0 and 1");
        expect_error("[a]\nwebhook = ftp://x\n", "t.rules:2: webhook: 'ftp://x' is not an http");
        expect_error("[a]\nfile = /tmp/x\nformat = xml\n", "t.rules:3: format: 'xml'");
        expect_error("[a]\nfile = /tmp/x\nrate = lots\n",
                     "t.rules:3: rate: 'lots' is not COUNT/PERIOD");
        expect_error("[a]\nfile = /tmp/x\nrate = 0/min\n", "t.rules:3: rate:");
        expect_error("[a]\nfile = /tmp/x\nrate = 5/fortnight\n", "t.rules:3: rate:");
        expect_error("[a]\nfile = /tmp/x\nretries = -1\n", "t.rules:3: retries");
        expect_error("[a]\nfile = /tmp/x\ncontinue = perhaps\n", "t.rules:3: continue:");
        expect_error("[a]\nfile = /tmp/x\nfile = /tmp/y\n", "t.rules:3: file given twice");
        expect_error("[a]\nfile = /tmp/x\n[b]\nfile = /tmp/y\n[a]\nexec = true\n",
                     "t.rules:6: rule [a] appears twice");
        expect_error("pub = x\n[a]\nfile = /tmp/x\n", "t.rules:1: 'pub' outside a section");
        expect_error("[newswire]\nport = 3\n", "t.rules:2: unknown key 'port' in [newswire]");
        expect_error("[a]\nfile = /tmp/x\nthis line has no equals\n", "t.rules:3: syntax error");
        expect_error("[a\nfile = /tmp/x\n", "t.rules:1:");
        expect_error("[a]\nfile = /tmp/\xff\n", "t.rules: not UTF-8");
        expect_error("[a]\nfile = \n", "t.rules:2: file is empty");
        expect_error("[a]\ntimeout = 0\nfile = x\n", "t.rules:2: timeout:");
}

static void
test_rules_file_missing(void **state)
{
        char *cause = NULL;

        assert_null(ruleset_load("/nonexistent/x.rules", NULL, &cause));
        assert_string_equal(cause, "/nonexistent/x.rules: No such file or directory");
        free(cause);
}

static void
test_cursor(void **state)
{
        char dir[] = "/tmp/nwcursor.XXXXXX", *path, *tmp, *cause = NULL;
        struct cursor c = {0}, d;
        FILE *f;
        int i;

        assert_non_null(mkdtemp(dir));
        path = nw_xprintf("%s/cursor", dir);
        tmp = nw_xprintf("%s/cursor.tmp", dir);
        assert_int_equal(cursor_load(path, &d, &cause), 0); /* missing: not valid */
        assert_false(d.c_valid);
        c.c_valid = true;
        for (i = 0; i < NW_ORIGIN_LEN; i++)
                c.c_origin[i] = (uint8_t)(i * 17);
        c.c_seq = 18446744073709551615ull;
        assert_int_equal(cursor_save(path, &c, &cause), 0);
        assert_int_equal(access(tmp, F_OK), -1); /* renamed away */
        {
                struct stat sb;
                assert_int_equal(stat(path, &sb), 0);
                assert_int_equal(sb.st_mode & 0777, 0600); /* state: private */
        }
        assert_int_equal(cursor_load(path, &d, &cause), 0);
        assert_true(d.c_valid);
        assert_memory_equal(d.c_origin, c.c_origin, NW_ORIGIN_LEN);
        assert_int_equal(d.c_seq, c.c_seq);
        c.c_seq = 42;
        assert_int_equal(cursor_save(path, &c, &cause), 0);
        assert_int_equal(cursor_load(path, &d, &cause), 0);
        assert_int_equal(d.c_seq, 42);

        f = fopen(path, "w");
        fputs("newswire-alert-cursor 1\norigin zz\nseq 1\n", f);
        fclose(f);
        assert_int_equal(cursor_load(path, &d, &cause), -1);
        assert_non_null(strstr(cause, "cursor:2: not a newswire-alert cursor file"));
        free(cause);
        f = fopen(path, "w");
        fputs("newswire-alert-cursor 1\nseq 1\n", f);
        fclose(f);
        assert_int_equal(cursor_load(path, &d, &cause), -1);
        assert_non_null(strstr(cause, "incomplete"));
        free(cause);
        unlink(path);
        /* an unwritable place */
        free(path);
        path = nw_xprintf("%s/no/such/dir/cursor", dir);
        assert_int_equal(cursor_save(path, &c, &cause), -1);
        assert_non_null(strstr(cause, "No such file or directory"));
        free(cause);
        rmdir(dir);
        free(path);
        free(tmp);
}

static void
test_slack_body_and_text(void **state)
{
        struct nw_event *ev = mkevent("product.plan", "meta", NULL, "planned", 0.82);
        char *b = action_slack_body(ev, "r1"), *t = out_text(ev);

        assert_non_null(strstr(b, "{\"text\":\"[r1] #7 product.plan Something happened across"));
        assert_non_null(
            strstr(t, "#7 product.plan Something happened across lines [planned 0.82]"));
        assert_null(strchr(t, '\n'));
        free(b);
        free(t);
        nw_event_destroy(&ev);
}

static void
test_actions_file_exec(void **state)
{
        char dir[] = "/tmp/nwaction.XXXXXX", *text, *buf, *cause = NULL, *out;
        struct nw_event *ev = mkevent("finance.funding", "openai", NULL, "asserted", 0.9);
        struct nw_trailer t = {.seq = 7, .epoch = 1};
        struct rules *rs;
        size_t len;

        assert_non_null(mkdtemp(dir));
        out = nw_xprintf("%s/env.out", dir);
        text = nw_xprintf("[r]\nfile = %s/a.jsonl\n"
                          "exec = cat > %s/stdin.out; echo \"$NEWSWIRE_RULE $NEWSWIRE_SEQ "
                          "$NEWSWIRE_TYPE $NEWSWIRE_ENTITIES\" > %s\n"
                          "[slow]\nexec = sleep 5\ntimeout = 0.3\n"
                          "[bad]\nexec = exit 4\n",
                          dir, dir, out);
        rs = ruleset_parse(text, strlen(text), "t", NULL, &cause);
        assert_non_null(rs);
        assert_int_equal(action_run(&rs->rs_rules[0], ev, &t, NULL, &cause), 0);
        assert_int_equal(action_run(&rs->rs_rules[0], ev, &t, NULL, &cause), 0);
        free(text);
        text = nw_xprintf("%s/a.jsonl", dir);
        assert_int_equal(client_read_file(text, &buf, &len, &cause), 0);
        assert_non_null(strstr(buf, "\"type\":\"finance.funding\""));
        assert_int_equal(strchr(buf, '\n') - buf + 1, (long)len / 2); /* two equal lines */
        free(buf);
        unlink(text);
        assert_int_equal(client_read_file(out, &buf, &len, &cause), 0);
        assert_string_equal(buf, "r 7 finance.funding openai\n");
        free(buf);
        unlink(out);
        free(text);
        text = nw_xprintf("%s/stdin.out", dir);
        assert_int_equal(client_read_file(text, &buf, &len, &cause), 0);
        assert_non_null(strstr(buf, "\"id\":\"e1\""));
        free(buf);
        unlink(text);
        free(text);

        assert_int_equal(action_run(&rs->rs_rules[1], ev, &t, NULL, &cause), -1);
        assert_non_null(strstr(cause, "command timed out after 0.3 s"));
        free(cause);
        assert_int_equal(action_run(&rs->rs_rules[2], ev, &t, NULL, &cause), -1);
        assert_string_equal(cause, "command exited 4: exit 4");
        free(cause);
        ruleset_destroy(&rs);
        rmdir(dir);
        free(out);
        nw_event_destroy(&ev);
}

static void
test_parse_numbers(void **state)
{
        uint64_t u;
        double d;
        int64_t ms;
        bool b;
        char *cause = NULL;

        assert_int_equal(client_parse_u64("18446744073709551615", &u, &cause), 0);
        assert_int_equal(client_parse_u64("18446744073709551616", &u, &cause), -1);
        free(cause);
        assert_int_equal(client_parse_u64("-1", &u, &cause), -1);
        free(cause);
        assert_int_equal(client_parse_u64("12x", &u, &cause), -1);
        free(cause);
        assert_int_equal(client_parse_double("nan", 0, 1, &d, &cause), -1);
        free(cause);
        assert_int_equal(client_parse_seconds("1.5", &ms, &cause), 0);
        assert_int_equal(ms, 1500);
        assert_int_equal(client_parse_bool("Yes", &b, &cause), 0);
        assert_true(b);
        assert_int_equal(client_parse_bool("nah", &b, &cause), -1);
        free(cause);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_filter_kinds),        cmocka_unit_test(test_filter_related),
            cmocka_unit_test(test_rules_good),          cmocka_unit_test(test_rules_errors),
            cmocka_unit_test(test_rules_file_missing),  cmocka_unit_test(test_cursor),
            cmocka_unit_test(test_slack_body_and_text), cmocka_unit_test(test_actions_file_exec),
            cmocka_unit_test(test_parse_numbers),
        };

        client_init("test_alert_parts");
        return cmocka_run_group_tests(tests, NULL, NULL);
}
