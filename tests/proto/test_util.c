/*
 * test_util.c — helpers: UTF-8 validation, error names, origin hex, the data
 * directory lookup.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "newswire.h"

static void
test_utf8_valid(void **state)
{
        static const char *const good[] = {"",
                                           "ascii",
                                           "é",
                                           "中文",
                                           "\xf0\x9f\x98\x80",
                                           "\xf4\x8f\xbf\xbf",
                                           "\xed\x9f\xbf",
                                           "\xee\x80\x80",
                                           "\xef\xbf\xbd"};
        static const char *const bad[] = {"\x80",
                                          "\xbf",
                                          "\xc0\x80",
                                          "\xc1\xbf",
                                          "\xe0\x80\x80",
                                          "\xed\xa0\x80",
                                          "\xed\xbf\xbf",
                                          "\xf0\x80\x80\x80",
                                          "\xf4\x90\x80\x80",
                                          "\xf5\x80\x80\x80",
                                          "\xff",
                                          "\xe4\xb8",
                                          "\xc3",
                                          "a\xc3",
                                          "\xc3(",
                                          "\xe4\xb8("};
        size_t i;

        for (i = 0; i < sizeof good / sizeof good[0]; i++)
                assert_true(nw_utf8_valid(good[i], strlen(good[i])));
        for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
                assert_false(nw_utf8_valid(bad[i], strlen(bad[i])));
        /* NUL is a valid character; the length decides. */
        assert_true(nw_utf8_valid("a\0b", 3));
        assert_true(nw_utf8_valid(NULL, 0));
}

static void
test_strerror(void **state)
{
        static const int codes[] = {NW_OK,        NW_E_TRUNCATED, NW_E_MALFORMED,
                                    NW_E_TYPE,    NW_E_MISSING,   NW_E_LIMIT,
                                    NW_E_VERSION, NW_E_VALUE,     NW_E_NOMEM};
        size_t i, j;

        for (i = 0; i < sizeof codes / sizeof codes[0]; i++) {
                assert_non_null(nw_strerror(codes[i]));
                for (j = 0; j < i; j++)
                        assert_string_not_equal(nw_strerror(codes[i]), nw_strerror(codes[j]));
        }
        assert_string_equal(nw_strerror(NW_E_TRUNCATED), "truncated");
        assert_string_equal(nw_strerror(-99), "unknown error");
}

static void
test_origin_hex(void **state)
{
        uint8_t o[NW_ORIGIN_LEN];
        char hex[2 * NW_ORIGIN_LEN + 1];
        int i;

        for (i = 0; i < NW_ORIGIN_LEN; i++)
                o[i] = (uint8_t)(i * 17 + 10);
        nw_origin_hex(o, hex);
        assert_string_equal(hex, "0a1b2c3d4e5f708192a3b4c5d6e7f809");
}

static void
test_datadir_env(void **state)
{
        char *d;

        setenv("NEWSWIRE_DATA", "/some/where", 1);
        d = nw_datadir();
        assert_string_equal(d, "/some/where");
        free(d);
}

/* Without the variable, a binary in <build>/tests finds <source>/data only
 * when the build tree is inside the source tree; otherwise the install path. */
static void
test_datadir_relative(void **state)
{
        char exe[PATH_MAX], want[PATH_MAX + 16], *d, *slash;
        ssize_t n;

        unsetenv("NEWSWIRE_DATA");
        d = nw_datadir();
        assert_non_null(d);
        n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        assert_true(n > 0);
        exe[n] = '\0';
        slash = strrchr(exe, '/');
        *slash = '\0';
        snprintf(want, sizeof want, "%s/../../data", exe);
        if (realpath(want, exe) != NULL)
                assert_string_equal(d, exe);
        else
                assert_true(d[0] == '/');
        free(d);
        setenv("NEWSWIRE_DATA", "", 1); /* empty counts as unset */
        d = nw_datadir();
        assert_true(strcmp(d, "") != 0);
        free(d);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_utf8_valid),       cmocka_unit_test(test_strerror),
            cmocka_unit_test(test_origin_hex),       cmocka_unit_test(test_datadir_env),
            cmocka_unit_test(test_datadir_relative),
        };

        return cmocka_run_group_tests_name("proto_util", tests, NULL, NULL);
}
