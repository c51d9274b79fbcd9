/*
 * test_sha256.c — nw_sha256_hex (sha256.c) against FIPS 180-4 vectors and
 * the lengths around the padding boundary.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "newswire.h"

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
            cmocka_unit_test(test_sha256_vectors),
            cmocka_unit_test(test_sha256_boundaries),
        };

        return cmocka_run_group_tests_name("proto_sha256", tests, NULL, NULL);
}
