/* test_article.c — article_parse, article_from_json, language and id. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"

/* Headers are read up to the first empty line; the body keeps its bytes. */
static void
test_headers(void **state)
{
        const char *t = "Title: Meta筹划闭源\nPublished: 2025-12-11\nSource: 彭博社\n"
                        "URL: https://x.example/a\nLanguage: zh\n\n曾经身为领军者的Meta。\n";
        char *cause = NULL;
        struct article *a = article_parse(t, strlen(t), &cause);
        assert_non_null(a);
        assert_string_equal(a->title, "Meta筹划闭源");
        assert_string_equal(a->published, "2025-12-11");
        assert_string_equal(a->source, "彭博社");
        assert_string_equal(a->url, "https://x.example/a");
        assert_string_equal(a->lang, "zh");
        assert_string_equal(a->body, "曾经身为领军者的Meta。\n");
        assert_int_equal(strlen(a->id), 16);
        article_destroy(&a);
        assert_null(a);
        article_destroy(&a); /* idempotent */
}

/* No header block: everything is body; language detected. */
static void
test_no_headers(void **state)
{
        const char *t = "Nvidia reported first-quarter revenue of $44.1 billion on Wednesday.";
        struct article *a = article_parse(t, strlen(t), NULL);
        assert_non_null(a);
        assert_null(a->title);
        assert_string_equal(a->body, t);
        assert_string_equal(a->lang, "en");
        article_destroy(&a);
        const char *z = "百度于2月14日宣布，将在未来几个月中陆续推出文心大模型4.5系列。";
        a = article_parse(z, strlen(z), NULL);
        assert_non_null(a);
        assert_string_equal(a->lang, "zh");
        article_destroy(&a);
        /* only the characters starting in the first 64 KB count: 16 Latin
         * letters, then spaces, a Han character starting just before the
         * mark and 3000 after it: one counts, too few for 16 letters (8
         * each); with another before the mark, enough */
        size_t n = 65535 + 3 * 3001;
        char *m = malloc(n);
        memset(m, 'a', 16);
        memset(m + 16, ' ', 65535 - 16);
        for (size_t k = 65535; k < n; k += 3)
                memcpy(m + k, "中", 3);
        assert_string_equal(article_detect_lang(m, n), "en");
        memcpy(m + 16, "中", 3);
        assert_string_equal(article_detect_lang(m, n), "zh");
        free(m);
}

/* A BOM, CRLF lines and a region subtag are handled. */
static void
test_bom_crlf(void **state)
{
        const char *t = "\xef\xbb\xbfTitle: x\r\nLanguage: en-US\r\n\r\nApple said so.\r\n";
        struct article *a = article_parse(t, strlen(t), NULL);
        assert_non_null(a);
        assert_string_equal(a->title, "x");
        assert_string_equal(a->lang, "en");
        assert_string_equal(a->body, "Apple said so.\r\n");
        article_destroy(&a);
}

/* Only headers, or nothing: no article, with a reason. */
static void
test_empty(void **state)
{
        char *cause = NULL;
        const char *t = "Title: x\nPublished: 2025-01-01\n\n   \n";
        assert_null(article_parse(t, strlen(t), &cause));
        assert_non_null(cause);
        assert_non_null(strstr(cause, "empty"));
        free(cause);
        cause = NULL;
        assert_null(article_parse("", 0, &cause));
        free(cause);
        assert_null(article_parse(NULL, 0, NULL));
}

/* The id depends on the body only, and on every byte of it. */
static void
test_id(void **state)
{
        const char *a1 = "Title: one\n\nSame body.\n", *a2 = "Title: two\n\nSame body.\n",
                   *a3 = "Title: one\n\nOther body.\n";
        struct article *x = article_parse(a1, strlen(a1), NULL),
                       *y = article_parse(a2, strlen(a2), NULL),
                       *z = article_parse(a3, strlen(a3), NULL);
        assert_string_equal(x->id, y->id);
        assert_string_not_equal(x->id, z->id);
        article_destroy(&x);
        article_destroy(&y);
        article_destroy(&z);
}

/* Invalid UTF-8 in headers is replaced, never kept. */
static void
test_bad_utf8_header(void **state)
{
        const char *t = "Title: bad\xff\xfe title\n\nBody text here.";
        struct article *a = article_parse(t, strlen(t), NULL);
        assert_non_null(a);
        assert_true(nw_utf8_valid(a->title, strlen(a->title)));
        assert_non_null(strstr(a->title, "\xef\xbf\xbd"));
        article_destroy(&a);
}

/* The JSON form. */
static void
test_json(void **state)
{
        const char *j =
            "{\"title\":\"T\",\"url\":\"u\",\"published\":\"2025-09-06\","
            "\"source\":\"s\",\"language\":\"en\",\"text\":\"Anthropic raised $13 billion.\"}";
        char *cause = NULL;
        struct article *a = article_from_json(j, strlen(j), &cause);
        assert_non_null(a);
        assert_string_equal(a->title, "T");
        assert_string_equal(a->published, "2025-09-06");
        assert_string_equal(a->body, "Anthropic raised $13 billion.");
        article_destroy(&a);
        assert_null(article_from_json("{\"title\":\"x\"}", 13, &cause));
        assert_non_null(strstr(cause, "text"));
        free(cause);
        cause = NULL;
        assert_null(article_from_json("[1,2]", 5, &cause));
        free(cause);
        cause = NULL;
        assert_null(article_from_json("{\"text\":", 8, &cause));
        assert_non_null(strstr(cause, "JSON"));
        free(cause);
        cause = NULL;
        assert_null(article_from_json("{\"text\":\"  \"}", 13, &cause));
        free(cause);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_headers),  cmocka_unit_test(test_no_headers),
            cmocka_unit_test(test_bom_crlf), cmocka_unit_test(test_empty),
            cmocka_unit_test(test_id),       cmocka_unit_test(test_bad_utf8_header),
            cmocka_unit_test(test_json),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
