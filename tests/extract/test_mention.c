/* test_mention.c — the lexicon loader and matcher (longest match, word
 * boundaries, case), unknown organisations, injected noise, anaphors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpers.h"

/* The mention whose text is want in d, or NULL. */
static const struct ex_mention *
find(const struct ex_doc *d, const char *want)
{
        for (size_t i = 0; i < d->nments; i++) {
                const struct ex_mention *m = &d->ments[i];
                if (m->end - m->start == strlen(want) &&
                    memcmp(d->t.s + m->start, want, m->end - m->start) == 0)
                        return m;
        }
        return NULL;
}

/* Unknown Chinese names: registered names with their place and brackets, stock
 * codes, people by title, no dates or trigger words inside; stable ids. */
static void
test_unknown_zh(void **state)
{
        (void)state;
        struct ex_doc d;
        struct article a;
        th_doc(&d, &a,
               "青木电气(603999)公告,公司拟收购上海星河支付服务股份有限公司;2月白鹭光电加仓云帆"
               "股份,宏远科技收购云帆网络(深圳)有限公司,董事长王刚表示满意。",
               "2025-12-11", EX_ZH);
        const char *want[] = {"青木电气", "上海星河支付服务股份有限公司", "白鹭光电",
                              "云帆股份", "云帆网络(深圳)有限公司",       "王刚"};
        for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
                const struct ex_mention *m = find(&d, want[i]);
                if (m == NULL)
                        fail_msg("no mention %s", want[i]);
                assert_true(mention_id(&d, m) != NULL && strncmp(mention_id(&d, m), "x-", 2) == 0);
        }
        assert_int_equal(find(&d, "王刚")->kind, EK_PERSON);
        assert_null(find(&d, "加仓云帆股份"));
        assert_null(find(&d, "月白鹭光电"));
        assert_null(find(&d, "支付服务股份有限公司"));
        /* the same name gets the same id in another document */
        char *id = ex_xstrdup(mention_id(&d, find(&d, "白鹭光电")));
        th_doc_free(&d, &a);
        th_doc(&d, &a, "白鹭光电与青木电气签署合作协议。", "2025-12-11", EX_ZH);
        assert_non_null(find(&d, "白鹭光电"));
        assert_string_equal(mention_id(&d, find(&d, "白鹭光电")), id);
        free(id);
        th_doc_free(&d, &a);
        /* a short alias inside a longer word is no mention: 思科 in 蓝思科技 */
        th_doc(&d, &a, "蓝思科技与苹果公司签订了供货合同,思科未参与。", "2025-12-11", EX_ZH);
        assert_non_null(find(&d, "蓝思科技"));
        const struct ex_mention *m = find(&d, "思科");
        assert_non_null(m); /* the standalone one */
        assert_true(m->start > 20);
        th_doc_free(&d, &a);
}

/* The scans that jump ahead (to a quote, a '(' or the next ASCII byte) and
 * the sort of many mentions: names at the very end of the text, a quote or
 * bracket left open there, and a long list of names in order of start. */
static void
test_scan_edges(void **state)
{
        (void)state;
        struct ex_doc d;
        struct article a;
        th_doc(&d, &a, "宏远科技收购了“蓝鲸贝”和「云帆」", "2025-12-11", EX_ZH);
        const struct ex_mention *m = find(&d, "蓝鲸贝");
        assert_non_null(m);
        assert_int_equal(m->kind, EK_QUOTED);
        m = find(&d, "云帆");
        assert_non_null(m);
        assert_int_equal(m->kind, EK_QUOTED);
        /* an unknown Chinese name's id: "x-" and ten hex digits */
        const char *id = mention_id(&d, m);
        assert_int_equal(strlen(id), 12);
        assert_int_equal(strspn(id + 2, "0123456789abcdef"), 10);
        th_doc_free(&d, &a);
        const char *open[] = {"宏远科技收购了“", "宏远科技收购了(", "宏远科技收购了(60",
                              "宏远科技收购了(603999", "宏远科技收购了云帆(603999)"};
        for (size_t i = 0; i < sizeof open / sizeof open[0]; i++) {
                th_doc(&d, &a, open[i], "2025-12-11", EX_ZH);
                for (size_t k = 0; k < d.nments; k++)
                        assert_true(d.ments[k].end <= d.t.len);
                th_doc_free(&d, &a);
        }
        /* Latin names in Chinese text, the last one at the very end */
        th_doc(&d, &a, "宏远科技收购了数据公司Nimbus Data,并与QuantaEdge", "2025-12-11", EX_ZH);
        m = find(&d, "Nimbus Data");
        assert_non_null(m);
        assert_string_equal(mention_id(&d, m), "nimbus-data");
        assert_non_null(find(&d, "QuantaEdge"));
        th_doc_free(&d, &a);
        /* more names than the short-array sort takes: still by start */
        char body[4096] = "Apex Corp acquired ";
        for (int i = 0; i < 40; i++) {
                char w[64];
                snprintf(w, sizeof w, "%sNova%c%c Labs", i ? ", " : "", 'A' + i % 26, 'a' + i / 26);
                strcat(body, w);
        }
        strcat(body, ".");
        th_doc(&d, &a, body, "2025-12-11", EX_EN);
        assert_true(d.nments > 32);
        for (size_t k = 1; k < d.nments; k++) {
                assert_true(d.ments[k - 1].start <= d.ments[k].start);
                if (d.ments[k - 1].start == d.ments[k].start)
                        assert_true(d.ments[k - 1].end >= d.ments[k].end);
        }
        assert_non_null(find(&d, "NovaAb Labs"));
        th_doc_free(&d, &a);
}

/* Longest alias wins; ids come from the lexicon. */
static void
test_longest(void **state)
{
        struct ex_doc d;
        struct article a;
        th_doc(&d, &a, "中国科技公司阿里巴巴旗下的通义千问模型,以及Llama系列和Qwen3-Max。",
               "2025-12-11", EX_ZH);
        const struct ex_mention *m = find(&d, "通义千问");
        assert_non_null(m);
        assert_string_equal(mention_id(&d, m), "qwen");
        m = find(&d, "Llama系列");
        assert_non_null(m);
        assert_string_equal(mention_id(&d, m), "llama");
        m = find(&d, "Qwen3-Max");
        assert_non_null(m);
        assert_string_equal(mention_id(&d, m), "qwen3-max");
        assert_null(find(&d, "Qwen3"));
        /* 中国科技公司 is generic: no organisation */
        assert_null(find(&d, "中国科技公司"));
        th_doc_free(&d, &a);
}

/* Latin aliases need word boundaries: Llama4 is not Llama, GLM-4.5V not GLM-4.5. */
static void
test_boundaries(void **state)
{
        struct ex_doc d;
        struct article a;
        th_doc(&d, &a, "Meta在开展其Llama4项目,智谱将开源GLM-4.5V,Metadata不是Meta。", "2025-12-11",
               EX_ZH);
        const struct ex_mention *m = find(&d, "Llama4");
        assert_non_null(m);
        assert_string_equal(mention_id(&d, m), "llama-4");
        assert_null(find(&d, "GLM-4.5"));
        assert_null(find(&d, "Metadata") != NULL && find(&d, "Metadata")->entity >= 0 ? (void *)1
                                                                                      : NULL);
        int metas = 0;
        for (size_t i = 0; i < d.nments; i++)
                if (d.ments[i].entity >= 0 && strcmp(mention_id(&d, &d.ments[i]), "meta") == 0)
                        metas++;
        assert_int_equal(metas, 2);
        th_doc_free(&d, &a);
}

/* '=' aliases match their exact case only; others ignore case. */
static void
test_case(void **state)
{
        struct ex_doc d;
        struct article a;
        th_doc(&d, &a, "META and meta are words; Meta is a company. OPENAI hired staff.",
               "2025-01-01", EX_EN);
        int metas = 0;
        for (size_t i = 0; i < d.nments; i++)
                if (d.ments[i].entity >= 0 && strcmp(mention_id(&d, &d.ments[i]), "meta") == 0)
                        metas++;
        assert_int_equal(metas, 1);
        const struct ex_mention *m = find(&d, "OPENAI");
        assert_non_null(m);
        assert_string_equal(mention_id(&d, m), "openai");
        th_doc_free(&d, &a);
}

/* Unknown organisations from Chinese suffixes and Latin names. */
static void
test_unknown(void **state)
{
        struct ex_doc d;
        struct article a;
        th_doc(&d, &a, "皇氏集团以4.65亿元收购筑望科技100%股权,新组建的TBD实验室和Perplexity合作。",
               "2025-12-11", EX_ZH);
        const struct ex_mention *m = find(&d, "皇氏集团");
        assert_non_null(m);
        assert_int_equal(m->kind, EK_UNIT);
        assert_non_null(mention_id(&d, m)); /* derived on first use */
        assert_non_null(find(&d, "筑望科技"));
        assert_non_null(find(&d, "TBD实验室"));
        m = find(&d, "Perplexity");
        assert_non_null(m);
        th_doc_free(&d, &a);
        th_doc(&d, &a,
               "Clarkson Law Firm sued Apple, and Humain Labs signed with TrendyDeals.com "
               "Exclusive Summer Offer.",
               "2025-01-01", EX_EN);
        m = find(&d, "Clarkson Law Firm");
        assert_non_null(m);
        assert_string_equal(mention_id(&d, m), "clarkson-law-firm");
        for (size_t i = 0; i < d.nments; i++) {
                const char *t = d.t.s + d.ments[i].start;
                assert_false(memmem(t, d.ments[i].end - d.ments[i].start, "TrendyDeals", 11) !=
                             NULL);
        }
        th_doc_free(&d, &a);
}

/* A name glued to the end of another (injected) is marked as noise. */
static void
test_glued_noise(void **state)
{
        struct ex_doc d;
        struct article a;
        th_doc(&d, &a,
               "数周之后,杭州城投产业基金、上城资本鑫海汇通国际贸易有限公司又宣布联合投资智谱。",
               "2025-08-04", EX_ZH);
        const struct ex_mention *m = find(&d, "鑫海汇通国际贸易有限公司");
        assert_non_null(m);
        assert_true(m->flags & M_NOISE);
        assert_non_null(find(&d, "上城资本"));
        th_doc_free(&d, &a);
}

/* Anaphors resolve to the nearest earlier name of their kind. */
static void
test_anaphor(void **state)
{
        struct ex_doc d;
        struct article a;
        th_doc(
            &d, &a,
            "阿里巴巴推出了通义千问。在硅谷,使用它的有亚马逊。该公司另外设定了目标,其中一项很难。",
            "2025-12-11", EX_ZH);
        const struct ex_mention *m = find(&d, "它");
        assert_non_null(m);
        assert_true(m->flags & M_ANAPHOR);
        assert_string_equal(mention_id(&d, m), "qwen");
        m = find(&d, "该公司");
        assert_non_null(m);
        assert_string_equal(mention_id(&d, m), "amazon");
        assert_null(find(&d, "其"));
        th_doc_free(&d, &a);
}

/* Many places and names in one document: more held words (与) and more
 * mentions than the first arrays hold, each name with the id it gets alone;
 * 其 inside 极其 is no anaphor, before 产品 it is one. */
static void
test_many(void **state)
{
        (void)state;
        static const char *han[] = {"甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸",
                                    "金", "木", "水", "火", "土", "山", "川", "林", "石", "泉"};
        enum { N = sizeof han / sizeof han[0] };
        char body[4096] = "宏远科技";
        for (int i = 0; i < N; i++)
                snprintf(body + strlen(body), sizeof body - strlen(body), "与蓝%s星签约,", han[i]);
        for (int i = 0; i < N; i++)
                snprintf(body + strlen(body), sizeof body - strlen(body), "“云%s帆”", han[i]);
        strcat(body, "。青木电气极其重视其产品。");
        struct ex_doc d;
        struct article a;
        th_doc(&d, &a, body, "2025-12-11", EX_ZH);
        assert_true(d.nments > 2 * N);
        char ids[N][16];
        for (int i = 0; i < N; i++) {
                char w[32];
                snprintf(w, sizeof w, "蓝%s星", han[i]);
                if (find(&d, w) == NULL)
                        fail_msg("no mention %s", w);
                snprintf(w, sizeof w, "云%s帆", han[i]);
                const struct ex_mention *m = find(&d, w);
                if (m == NULL)
                        fail_msg("no mention %s", w);
                snprintf(ids[i], sizeof ids[i], "%s", mention_id(&d, m));
        }
        size_t anaphors = 0;
        for (size_t k = 0; k < d.nments; k++)
                if (d.ments[k].flags & M_ANAPHOR) {
                        anaphors++;
                        assert_memory_equal(d.t.s + d.ments[k].start, "其产品", 3);
                }
        assert_int_equal(anaphors, 1);
        th_doc_free(&d, &a);
        for (int i = 0; i < N; i++) {
                char one[64], w[32];
                snprintf(w, sizeof w, "云%s帆", han[i]);
                snprintf(one, sizeof one, "宏远科技收购了“%s”", w);
                th_doc(&d, &a, one, "2025-12-11", EX_ZH);
                const struct ex_mention *m = find(&d, w);
                assert_non_null(m);
                assert_string_equal(mention_id(&d, m), ids[i]);
                th_doc_free(&d, &a);
        }
}

/* Write a file under dir. */
static void
put(const char *dir, const char *name, const char *text)
{
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, name);
        FILE *fp = fopen(path, "w");
        assert_non_null(fp);
        fputs(text, fp);
        fclose(fp);
}

/* A data directory with one lexicon file and minimal rules; returns the error or NULL. */
static char *
load(const char *lexicon)
{
        char dir[] = "/tmp/nwx-lexXXXXXX";
        assert_non_null(mkdtemp(dir));
        char sub[600];
        snprintf(sub, sizeof sub, "%s/lexicon", dir);
        mkdir(sub, 0700);
        snprintf(sub, sizeof sub, "%s/rules", dir);
        mkdir(sub, 0700);
        put(dir, "lexicon/10-test.tsv", lexicon);
        put(dir, "rules/cues.txt", "[zh]\nlist 、\n");
        put(dir, "rules/x.rules",
            "type product.release\nrequire product\n[zh]\ntrigger 发布\n"
            "role product right product\n");
        char *cause = NULL;
        struct extractor *x = extractor_new(dir, &cause);
        if (x != NULL) {
                assert_int_equal(extractor_rule_count(x), 1);
                extractor_destroy(&x);
        }
        char cmd[700];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        assert_int_equal(system(cmd), 0);
        return cause;
}

/* Broken lexicon lines are refused with file and line. */
static void
test_loader_errors(void **state)
{
        char *c = load("# ok\nalibaba\torg\t-\tAlibaba|阿里巴巴\nqwen\tproduct\talibaba\tQwen\n");
        assert_null(c);
        c = load("a\torg\t-\tA1\na\torg\t-\tA2\n");
        assert_non_null(c);
        assert_non_null(strstr(c, ":2:"));
        assert_non_null(strstr(c, "duplicate"));
        free(c);
        c = load("a\tcompany\t-\tA\n");
        assert_non_null(strstr(c, "unknown kind"));
        free(c);
        c = load("a\torg\tnobody\tA\n");
        assert_non_null(strstr(c, "unknown parent"));
        free(c);
        c = load("Bad_Id\torg\t-\tA\n");
        assert_non_null(strstr(c, "[a-z0-9-]"));
        free(c);
        c = load("a\torg\t-\n");
        assert_non_null(strstr(c, ":1:"));
        free(c);
}

/* The lexicon answers parents and counts. */
static void
test_parents(void **state)
{
        const struct extractor *x = th_extractor();
        assert_true(extractor_entity_count(x) > 400);
        assert_true(extractor_rule_count(x) >= 15); /* product.plan comes from product.release */
        assert_string_equal(extractor_entity_parent(x, "qwen3-max"), "qwen3");
        assert_string_equal(extractor_entity_parent(x, "qwen"), "alibaba");
        assert_null(extractor_entity_parent(x, "no-such-entity"));
}

/* Latin names: where a word may start (not right after a letter, digit, '-',
 * '.' or apostrophe), words joined by '-' or '.', capitals inside a word,
 * digits, .com furniture; in Chinese text, Latin runs at any byte offset. */
static void
test_latin_scan(void **state)
{
        (void)state;
        struct ex_doc d;
        struct article a;
        th_doc(&d, &a,
               "Shares of 3M rose as O'Brien Capital, iQubit and Zeta-4.5X Labs met "
               "x-Ray Works, Deals.com Group and 42Crunch in Paris.",
               "2025-01-01", EX_EN);
        assert_non_null(find(&d, "iQubit"));
        assert_non_null(find(&d, "Zeta-4.5X Labs"));
        assert_non_null(find(&d, "x-Ray Works"));
        assert_non_null(find(&d, "Capital")); /* no word starts after the apostrophe */
        assert_null(find(&d, "Brien Capital"));
        for (size_t i = 0; i < d.nments; i++) {
                const char *t = d.t.s + d.ments[i].start;
                size_t n = d.ments[i].end - d.ments[i].start;
                assert_null(memmem(t, n, "Deals", 5));
                assert_null(memmem(t, n, "Crunch", 6));
        }
        th_doc_free(&d, &a);
        /* a Latin name after 1 to 8 Chinese characters (its first byte at
         * each offset of an eight-byte word) */
        for (int n = 1; n <= 8; n++) {
                char text[128];
                snprintf(text, sizeof text, "%.*s收购了Qubitron与Zyxel两家。", 3 * n,
                         "据悉一家集团宣布今年将要");
                th_doc(&d, &a, text, "2025-01-01", EX_ZH);
                if (find(&d, "Qubitron") == NULL)
                        fail_msg("no Qubitron in %s", text);
                th_doc_free(&d, &a);
        }
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_longest),       cmocka_unit_test(test_boundaries),
            cmocka_unit_test(test_case),          cmocka_unit_test(test_unknown),
            cmocka_unit_test(test_glued_noise),   cmocka_unit_test(test_anaphor),
            cmocka_unit_test(test_loader_errors), cmocka_unit_test(test_parents),
            cmocka_unit_test(test_unknown_zh),    cmocka_unit_test(test_scan_edges),
            cmocka_unit_test(test_latin_scan),    cmocka_unit_test(test_many),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
