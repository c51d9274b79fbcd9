/*
 * test_config.c — the option table: defaults, INI parsing with line numbers
 * in errors, bounds, lists, flags over the file, the token file, and that
 * the committed sample configuration is what the table generates.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "newswired.h"

/* Load cfg from argv (NULL-terminated list). */
static int
load(struct config *cfg, char **cause, ...)
{
        char *argv[32];
        int argc = 0;
        bool check;
        va_list ap;

        argv[argc++] = "newswired";
        va_start(ap, cause);
        while ((argv[argc] = va_arg(ap, char *)) != NULL)
                argc++;
        va_end(ap);
        return config_load(cfg, argc, argv, &check, cause);
}

/* Write text to a temp file; returns its malloc'd path. */
static char *
tmpfile_with(const char *text)
{
        char *path = strdup("/tmp/nwcfgXXXXXX");
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
        close(fd);
        return path;
}

static void
test_defaults(void **state)
{
        struct config *cfg = config_new();
        char *cause = NULL;

        unsetenv("STATE_DIRECTORY");
        config_destroy(&cfg);
        cfg = config_new();
        assert_int_equal(load(cfg, &cause, NULL), 0);
        assert_string_equal(cfg->cfg_state_dir, "var");
        assert_string_equal(cfg->cfg_http, "127.0.0.1:7700");
        assert_int_equal(cfg->cfg_npub, 2);
        assert_string_equal(cfg->cfg_pub[0], "ipc://var/pub.sock");
        assert_string_equal(cfg->cfg_pub[1], "tcp://127.0.0.1:7701");
        assert_int_equal(cfg->cfg_nreplay, 2);
        assert_int_equal(cfg->cfg_max_body, 1048576);
        assert_int_equal(cfg->cfg_log_level, LOG_LEVEL_INFO);
        assert_false(cfg->cfg_foreground);
        assert_null(cfg->cfg_token);
        config_destroy(&cfg);
        assert_null(cfg);
}

static void
test_state_directory_env(void **state)
{
        struct config *cfg;
        char *cause = NULL;

        setenv("STATE_DIRECTORY", "/var/lib/newswire:/other", 1);
        cfg = config_new();
        assert_int_equal(load(cfg, &cause, NULL), 0);
        assert_string_equal(cfg->cfg_state_dir, "/var/lib/newswire");
        assert_string_equal(cfg->cfg_pub[0], "ipc:///var/lib/newswire/pub.sock");
        unsetenv("STATE_DIRECTORY");
        config_destroy(&cfg);
}

static void
test_file_and_flags(void **state)
{
        char *path = tmpfile_with(
            "# comment\n[newswired]\nworkers = 3\nhttp = 127.0.0.1:9000\n"
            "pub = tcp://127.0.0.1:9001\npub = ipc:///tmp/x.sock\nlog_level = debug\n");
        struct config *cfg = config_new();
        char *cause = NULL;

        assert_int_equal(load(cfg, &cause, "--config", path, "--workers", "5", NULL), 0);
        assert_int_equal(cfg->cfg_workers, 5); /* the flag wins */
        assert_string_equal(cfg->cfg_http, "127.0.0.1:9000");
        assert_int_equal(cfg->cfg_npub, 2);
        assert_string_equal(cfg->cfg_pub[0], "tcp://127.0.0.1:9001");
        assert_string_equal(cfg->cfg_pub[1], "ipc:///tmp/x.sock");
        assert_int_equal(cfg->cfg_log_level, LOG_LEVEL_DEBUG);
        config_destroy(&cfg);

        /* A list flag replaces the file's list. */
        cfg = config_new();
        assert_int_equal(
            load(cfg, &cause, "-c", path, "--pub", "tcp://127.0.0.1:1", "--foreground", NULL), 0);
        assert_int_equal(cfg->cfg_npub, 1);
        assert_string_equal(cfg->cfg_pub[0], "tcp://127.0.0.1:1");
        assert_true(cfg->cfg_foreground);
        config_destroy(&cfg);
        unlink(path);
        free(path);
}

static void
test_errors(void **state)
{
        static const struct {
                const char *text;
                const char *want; /* substring of the error */
        } cases[] = {
            {"workers = 0\n", "config:1: workers: 0 is out of range 1..64"},
            {"\n\nworkers = many\n", "config:3: workers: \"many\" is not a number"},
            {"nosuch = 1\n", "config:1: unknown option \"nosuch\""},
            {"[other]\nworkers = 1\n", "unknown section [other]"},
            {"log_level = loud\n", "not warn, info or debug"},
            {"foreground = maybe\n", "not a boolean"},
            {"this is not ini\n", "config:1: syntax error"},
            {"max_body = 99999999999\n", "out of range"},
            {"state-dir = x\n", "with underscores"},
        };
        size_t i;

        for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                struct config *cfg = config_new();
                char *cause = NULL;
                assert_int_equal(config_parse_string(cfg, cases[i].text, &cause), -1);
                assert_non_null(cause);
                if (strstr(cause, cases[i].want) == NULL)
                        fail_msg("case %zu: \"%s\" does not contain \"%s\"", i, cause,
                                 cases[i].want);
                free(cause);
                config_destroy(&cfg);
        }
}

/* Non-loopback tcp endpoints need allow_remote; CURVE options go together. */
static void
test_remote_and_curve(void **state)
{
        static const char *const refused[][2] = {
            {"--http", "0.0.0.0:7700"},
            {"--http", "[::]:7700"},
            {"--http", "10.0.0.1:80"},
            {"--pub", "tcp://*:7701"},
            {"--pub", "tcp://127.0.0.1.example:1"},
            {"--replay", "tcp://192.0.2.7:7702"},
            {"--replay", "tcp://eth0:7702"},
        };
        static const char *const allowed[][2] = {
            {"--http", "127.0.0.1:7700"},      {"--http", "127.9.8.7:1"},
            {"--http", "[::1]:7700"},          {"--http", "LOCALHOST:7700"},
            {"--pub", "tcp://127.0.0.1:7701"}, {"--pub", "ipc:///tmp/x.sock"},
            {"--replay", "tcp://[::1]:7702"},  {"--replay", "inproc://x"},
        };
        struct config *cfg;
        char *cause = NULL;
        size_t i;

        for (i = 0; i < sizeof refused / sizeof refused[0]; i++) {
                cfg = config_new();
                assert_int_equal(load(cfg, &cause, refused[i][0], refused[i][1], NULL), -1);
                assert_non_null(strstr(cause, "is not a loopback address"));
                assert_non_null(strstr(cause, "allow_remote = yes"));
                free(cause);
                cause = NULL;
                config_destroy(&cfg);
                cfg = config_new();
                assert_int_equal(
                    load(cfg, &cause, refused[i][0], refused[i][1], "--allow-remote", NULL), 0);
                config_destroy(&cfg);
        }
        for (i = 0; i < sizeof allowed / sizeof allowed[0]; i++) {
                cfg = config_new();
                assert_int_equal(load(cfg, &cause, allowed[i][0], allowed[i][1], NULL), 0);
                config_destroy(&cfg);
        }

        cfg = config_new();
        assert_int_equal(load(cfg, &cause, "--curve-secret-key-file", "/k/server.key", NULL), -1);
        assert_non_null(strstr(cause, "curve_clients_dir"));
        free(cause);
        config_destroy(&cfg);
        cfg = config_new();
        assert_int_equal(load(cfg, &cause, "--curve-clients-dir", "/k/clients", NULL), -1);
        assert_non_null(strstr(cause, "need curve_secret_key_file"));
        free(cause);
        config_destroy(&cfg);
        cfg = config_new();
        assert_int_equal(load(cfg, &cause, "--curve-secret-key-file", "/k/server.key",
                              "--curve-clients-dir", "/k/clients", "--curve-ipc", NULL),
                         0);
        assert_true(cfg->cfg_curve_ipc);
        config_destroy(&cfg);
}

static void
test_finish_checks(void **state)
{
        struct config *cfg = config_new();
        char *cause = NULL;

        assert_int_equal(load(cfg, &cause, "--http", "localhost", NULL), -1);
        assert_non_null(strstr(cause, "ADDR:PORT"));
        free(cause);
        config_destroy(&cfg);

        cfg = config_new();
        assert_int_equal(load(cfg, &cause, "--pub", "http://x", NULL), -1);
        assert_non_null(strstr(cause, "tcp://"));
        free(cause);
        config_destroy(&cfg);

        cfg = config_new();
        assert_int_equal(load(cfg, &cause, "--replay-limit", "50", "--replay-max", "10", NULL), -1);
        free(cause);
        config_destroy(&cfg);

        cfg = config_new();
        assert_int_equal(load(cfg, &cause, "--bogus", NULL), -1);
        assert_non_null(strstr(cause, "unknown option"));
        free(cause);
        config_destroy(&cfg);

        cfg = config_new();
        assert_int_equal(load(cfg, &cause, "--workers", NULL), -1);
        assert_non_null(strstr(cause, "needs a value"));
        free(cause);
        config_destroy(&cfg);
}

static void
test_token_file(void **state)
{
        char *path = tmpfile_with("s3cret token  \nsecond line\n");
        char *empty = tmpfile_with("\n");
        struct config *cfg = config_new();
        char *cause = NULL;

        assert_int_equal(load(cfg, &cause, "--token-file", path, NULL), 0);
        assert_string_equal(cfg->cfg_token, "s3cret token");
        config_destroy(&cfg);

        cfg = config_new();
        assert_int_equal(load(cfg, &cause, "--token-file", empty, NULL), -1);
        assert_non_null(strstr(cause, "empty token"));
        free(cause);
        config_destroy(&cfg);

        cfg = config_new();
        assert_int_equal(load(cfg, &cause, "--token-file", "/nonexistent/token", NULL), -1);
        assert_non_null(strstr(cause, "/nonexistent/token"));
        free(cause);
        config_destroy(&cfg);
        unlink(path);
        unlink(empty);
        free(path);
        free(empty);
}

/* The committed sample equals the generated one, and it parses. */
static void
test_sample(void **state)
{
        char *buf = NULL, *committed, *cause = NULL;
        size_t len = 0, clen;
        FILE *f = open_memstream(&buf, &len);
        const char *src = getenv("NW_SOURCE_DIR");
        char *path;
        struct config *cfg;

        config_write_sample(f);
        fclose(f);
        assert_non_null(src);
        xasprintf(&path, "%s/daemon/newswired.conf", src);
        assert_int_equal(util_read_file(path, 1 << 20, &committed, &clen, &cause), 0);
        if (clen != len || memcmp(buf, committed, len) != 0)
                fail_msg("daemon/newswired.conf is stale: rebuild the target newswired-conf");
        cfg = config_new();
        assert_int_equal(config_parse_file(cfg, path, &cause), 0);
        assert_int_equal(config_finish(cfg, &cause), 0);
        config_destroy(&cfg);
        /* Uncommented, every default line parses too. */
        char *un = xcalloc(1, len + 1), *o = un;
        for (char *p = buf; *p != '\0'; p++) {
                if (*p == '#' && (p == buf || p[-1] == '\n') && p[1] >= 'a' && p[1] <= 'z')
                        continue;
                *o++ = *p;
        }
        cfg = config_new();
        if (config_parse_string(cfg, un, &cause) != 0)
                fail_msg("uncommented sample: %s", cause);
        free(un);
        config_destroy(&cfg);
        free(committed);
        free(path);
        free(buf);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_defaults),       cmocka_unit_test(test_state_directory_env),
            cmocka_unit_test(test_file_and_flags), cmocka_unit_test(test_errors),
            cmocka_unit_test(test_finish_checks),  cmocka_unit_test(test_token_file),
            cmocka_unit_test(test_sample),         cmocka_unit_test(test_remote_and_curve),
        };

        log_init(LOG_LEVEL_WARN, false);
        return cmocka_run_group_tests(tests, NULL, NULL);
}
