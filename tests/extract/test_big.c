/* test_big.c — a 10 MB article of junk (random bytes, broken UTF-8, endless
 * sentences, markup) completes and yields well-formed events. Bounded by the
 * CTest timeout; speed itself is measured by bench_extract, not here. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"

/* A deterministic pseudo-random generator (xorshift). */
static uint32_t
rnd(uint32_t *s)
{
        *s ^= *s << 13;
        *s ^= *s >> 17;
        *s ^= *s << 5;
        return *s;
}

/* 10 MB of mixed junk with real trigger words and names sprinkled in. */
static void
test_junk_10mb(void **state)
{
        static const char *bits[] = {"阿里巴巴发布了",
                                     "Qwen3-Max",
                                     "，",
                                     "。",
                                     "\xff\xfe",
                                     "<b>",
                                     "&nbsp;",
                                     "收购",
                                     "公司",
                                     "集团",
                                     "3000万",
                                     "明年春天",
                                     "“",
                                     "”",
                                     "Meta",
                                     " raised $1 billion ",
                                     "\n",
                                     "的",
                                     "据彭博社报道",
                                     "其",
                                     "它",
                                     "、",
                                     "和",
                                     "\xe4\xb8",
                                     "2025年",
                                     "十倍",
                                     "前三"};
        size_t size = 10u * 1024 * 1024;
        char *buf = malloc(size + 64);
        assert_non_null(buf);
        const char *hdr = "Published: 2025-06-01\nLanguage: zh\n\n";
        size_t n = strlen(hdr);
        memcpy(buf, hdr, n);
        uint32_t seed = 2463534242u;
        while (n < size) {
                uint32_t r = rnd(&seed);
                if (r % 4 == 0) {
                        buf[n++] = (char)(rnd(&seed) & 0xff);
                } else {
                        const char *b = bits[r % (sizeof bits / sizeof bits[0])];
                        size_t l = strlen(b);
                        memcpy(buf + n, b, l);
                        n += l;
                }
        }
        char *cause = NULL;
        struct article *a = article_parse(buf, n, &cause);
        assert_non_null(a);
        struct nw_event **evs = NULL;
        size_t ne = 0;
        assert_int_equal(extractor_run(th_extractor(), a, &evs, &ne, &cause), 0);
        for (size_t i = 0; i < ne; i++) {
                assert_true(evs[i]->evidence_end <= a->body_len);
                assert_true(evs[i]->evidence_start <= evs[i]->evidence_end);
                for (size_t k = 0; k < evs[i]->nargs; k++)
                        assert_true(
                            evs[i]->args[k].text == NULL ||
                            nw_utf8_valid(evs[i]->args[k].text, strlen(evs[i]->args[k].text)));
                char *js = nw_event_to_json(evs[i]);
                assert_non_null(js);
                free(js);
        }
        extractor_free_events(&evs, ne);
        article_destroy(&a);
        free(buf);
}

/* Degenerate inputs: one huge line of one character, only punctuation. */
static void
test_degenerate(void **state)
{
        size_t size = 2u * 1024 * 1024;
        char *buf = malloc(size + 1);
        memset(buf, 'a', size);
        buf[size] = '\0';
        size_t n = 0;
        struct nw_event **evs = th_run(buf, &n);
        extractor_free_events(&evs, n);
        for (size_t i = 0; i + 3 <= size; i += 3)
                memcpy(buf + i, "。", 3);
        buf[size - size % 3] = '\0';
        evs = th_run(buf, &n);
        extractor_free_events(&evs, n);
        free(buf);
}

/* An article over 1 GB is refused with a cause, before its body is read
 * (offsets inside the extractor are 32-bit). */
static void
test_too_large(void **state)
{
        (void)state;
        char body[] = "OpenAI released GPT-5 on Thursday.";
        struct article a = {.body = body, .body_len = ((size_t)1 << 30) + 1};
        struct nw_event **evs = NULL;
        size_t n = 0;
        char *cause = NULL;
        assert_int_equal(extractor_run(th_extractor(), &a, &evs, &n, &cause), -1);
        assert_non_null(cause);
        assert_non_null(strstr(cause, "too large"));
        assert_null(evs);
        free(cause);
        a.body_len = strlen(body);
        assert_int_equal(extractor_run(th_extractor(), &a, &evs, &n, &cause), 0);
        extractor_free_events(&evs, n);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_junk_10mb),
            cmocka_unit_test(test_degenerate),
            cmocka_unit_test(test_too_large),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
