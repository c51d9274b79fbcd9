/*
 * test_util.c — helpers: UTF-8 validation, error names, origin hex, the data
 * directory lookup, and SHA-256 (sha256.c) against FIPS 180-4 vectors.
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

/* SHA-256 of s as hex. */
static void
check_sha(const void *s, size_t n, const char *want)
{
        char hex[65];

        nw_sha256_hex(s, n, hex);
        assert_string_equal(hex, want);
}

static void
test_sha256_vectors(void **state)
{
        static const char m448[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
        static const char m896[] = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
                                   "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
        char *mil = malloc(1000000);

        check_sha("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        check_sha("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        check_sha(m448, strlen(m448),
                  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
        check_sha(m896, strlen(m896),
                  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
        memset(mil, 'a', 1000000);
        check_sha(mil, 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
        free(mil);
}

/* Lengths around the padding boundary (55, 56, 63, 64, 65 'a's), digests
 * from coreutils sha256sum. */
static void
test_sha256_boundaries(void **state)
{
        static const struct {
                size_t n;
                const char *hex;
        } v[] = {
            {55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
            {56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
            {63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"},
            {64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
            {65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"},
        };
        char buf[65];
        size_t i;

        memset(buf, 'a', sizeof buf);
        for (i = 0; i < sizeof v / sizeof v[0]; i++)
                check_sha(buf, v[i].n, v[i].hex);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_utf8_valid),        cmocka_unit_test(test_strerror),
            cmocka_unit_test(test_origin_hex),        cmocka_unit_test(test_datadir_env),
            cmocka_unit_test(test_datadir_relative),  cmocka_unit_test(test_sha256_vectors),
            cmocka_unit_test(test_sha256_boundaries),
        };

        return cmocka_run_group_tests_name("proto_util", tests, NULL, NULL);
}
