/* test_rules_zh.c — Chinese financial news about companies no lexicon knows:
 * registered names and their boundaries, acquisitions (lists of targets, the
 * price of a purchase), stake investments, signed contracts, modality cues,
 * and sentences of types outside the taxonomy (中标) that yield no event.
 * The sentences are written for these tests, in the style of wire copy. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"

/* Extract one Chinese sentence; *n events. */
static struct nw_event **
run_zh(const char *text, size_t *n)
{
        char *art = ex_xprintf("Published: 2025-06-13\nLanguage: zh\n\n%s\n", text);
        struct nw_event **evs = th_run(art, n);
        free(art);
        return evs;
}

/* Free events. */
static void
free_events(struct nw_event **evs, size_t n)
{
        extractor_free_events(&evs, n);
}

/* How many events of a type. */
static size_t
count_type(struct nw_event **evs, size_t n, const char *type)
{
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
                if (strcmp(evs[i]->type, type) == 0)
                        k++;
        return k;
}

/* The event of a type whose role has exactly this text, or NULL. */
static const struct nw_event *
find_with(struct nw_event **evs, size_t n, const char *type, const char *role, const char *text)
{
        for (size_t i = 0; i < n; i++)
                if (strcmp(evs[i]->type, type) == 0 && th_has_arg(evs[i], role, text))
                        return evs[i];
        return NULL;
}

/* Whether any argument of any event has this text. */
static bool
any_arg_text(struct nw_event **evs, size_t n, const char *text)
{
        for (size_t i = 0; i < n; i++)
                for (size_t k = 0; k < evs[i]->nargs; k++)
                        if (evs[i]->args[k].text != NULL && strcmp(evs[i]->args[k].text, text) == 0)
                                return true;
        return false;
}

/* Expect an event of type with role=text (and, when other is not NULL, also
 * other_role=other) and modality (NULL: any). */
static void
expect(const char *sentence, const char *type, const char *role, const char *text,
       const char *other_role, const char *other, const char *modality)
{
        size_t n = 0;
        struct nw_event **evs = run_zh(sentence, &n);
        const struct nw_event *ev = find_with(evs, n, type, role, text);
        if (ev == NULL) {
                th_dump(evs, n);
                fail_msg("%s: no %s with %s=%s", sentence, type, role, text);
        }
        if (other != NULL && !th_has_arg(ev, other_role, other)) {
                th_dump(evs, n);
                fail_msg("%s: no %s=%s", sentence, other_role, other);
        }
        if (modality != NULL && strcmp(ev->modality, modality) != 0) {
                th_dump(evs, n);
                fail_msg("%s: modality %s, want %s", sentence, ev->modality, modality);
        }
        free_events(evs, n);
}

/* A registered name keeps the place it opens with, even across words that
 * end name stems elsewhere (支付, 也), and a place in brackets. */
static void
test_registered_names(void **state)
{
        (void)state;
        expect("华夏资本拟收购上海星河支付服务股份有限公司。", "finance.acquisition", "target",
               "上海星河支付服务股份有限公司", "acquirer", "华夏资本", "planned");
        expect("宏远科技宣布收购云帆网络(深圳)有限公司全部股权。", "finance.acquisition", "target",
               "云帆网络(深圳)有限公司", "acquirer", "宏远科技", NULL);
        expect("北海证券与杭州也青智慧数据服务有限公司签订了托管协议。", "org.partnership", "party",
               "杭州也青智慧数据服务有限公司", "party", "北海证券", NULL);
        /* a known organisation with its legal form is still the known one */
        expect("浪潮集团有限公司与华光科技签署合作协议。", "org.partnership", "party", "inspur",
               "party", "华光科技", NULL);
        expect("浪潮集团有限公司与华光科技签署合作协议。", "org.partnership", "party",
               "浪潮集团有限公司", NULL, NULL, NULL);
        /* a body named by its place */
        expect("大兴区人民政府与华光科技签署战略合作协议。", "org.partnership", "party",
               "大兴区人民政府", "party", "华光科技", NULL);
}

/* No leading junk inside a name: trigger words, a bare 公司, money, verbs. */
static void
test_name_boundaries(void **state)
{
        (void)state;
        expect("盛达资本三季度加仓青松股份。", "finance.investment", "target", "青松股份", "agent",
               "盛达资本", NULL);
        expect("远洋资本斥资12亿美元收购明月公司。", "finance.acquisition", "target", "明月公司",
               "acquirer", "远洋资本", NULL);
        expect("星海传媒去年收购影视公司南京光影文化传播有限公司。", "finance.acquisition",
               "target", "南京光影文化传播有限公司", NULL, NULL, NULL);
        expect("三年前,宏达电气斥资收购控股子公司上海青禾电力的剩余股权。", "finance.acquisition",
               "target", "上海青禾电力", NULL, NULL, NULL);
        /* a one-character trigger (达) inside a name does not cut it */
        expect("盛达资本收购青松股份。", "finance.acquisition", "acquirer", "盛达资本", "target",
               "青松股份", NULL);
        size_t n = 0;
        struct nw_event **evs = run_zh("事实上,在收购绿洲传媒之前,星海股份并无影视业务。", &n);
        if (any_arg_text(evs, n, "事实上") ||
            find_with(evs, n, "finance.acquisition", "target", "绿洲传媒") == NULL) {
                th_dump(evs, n);
                fail_msg("a discourse opener is no name");
        }
        free_events(evs, n);
        evs = run_zh("中证网讯(记者 王明)星海股份公告,拟收购绿洲传媒51%股权。", &n);
        if (any_arg_text(evs, n, "中证网讯")) {
                th_dump(evs, n);
                fail_msg("a dateline is no acquirer");
        }
        free_events(evs, n);
}

/* Names found by their context: a stock code, what is held by sellers, the
 * other party after 与, a place closing a name, a subject after an opener. */
static void
test_names_in_context(void **state)
{
        (void)state;
        expect("青木电气(603999)6月2日晚间公告,公司拟以现金收购白鹭光电51%股权。",
               "finance.acquisition", "acquirer", "青木电气", "target", "白鹭光电", "planned");
        expect("云帆科技以4.2亿元收购了张明、李华所持有的杭州青禾文化传播有限公司60%的股权。",
               "finance.acquisition", "target", "杭州青禾文化传播有限公司", "acquirer", "云帆科技",
               NULL);
        size_t n = 0;
        struct nw_event **evs = run_zh(
            "云帆科技以4.2亿元收购了张明、李华所持有的杭州青禾文化传播有限公司60%的股权。", &n);
        if (find_with(evs, n, "finance.acquisition", "target", "张明") != NULL) {
                th_dump(evs, n);
                fail_msg("the sellers are no targets");
        }
        free_events(evs, n);
        expect("8月3日,星河物流与云杉数据签订了战略合作协议。", "org.partnership", "party",
               "云杉数据", "party", "星河物流", NULL);
        expect("远航集团宣布收购明泽上海和明泽香港的物流业务。", "finance.acquisition", "target",
               "明泽香港", "acquirer", "远航集团", NULL);
        expect("比如星海股份收购青禾网络,就是一次跨界尝试。", "finance.acquisition", "acquirer",
               "星海股份", "target", "青禾网络", NULL);
        expect("【星海股份:拟收购青禾网络51%股权】星海股份公告,公司拟收购青禾网络51%股权。",
               "finance.acquisition", "acquirer", "星海股份", "target", "青禾网络", "planned");
        /* a one-character stop word (家) inside a registered name */
        expect("远航资本收购了浙江索菲尔家居有限公司全部股权。", "finance.acquisition", "target",
               "浙江索菲尔家居有限公司", NULL, NULL, NULL);
        /* a trigger word right after a unit is its verb */
        expect("宏远科技投资3亿元建设新工厂。", "finance.investment", "agent", "宏远科技", NULL,
               NULL, NULL);
}

/* One acquisition per target of a list; lists of stakes bought. */
static void
test_target_lists(void **state)
{
        (void)state;
        size_t n = 0;
        struct nw_event **evs = run_zh("天河科技先后收购了青禾网络、金石光电和北辰软件。", &n);
        const char *targets[] = {"青禾网络", "金石光电", "北辰软件"};
        for (size_t i = 0; i < 3; i++) {
                const struct nw_event *ev =
                    find_with(evs, n, "finance.acquisition", "target", targets[i]);
                if (ev == NULL || !th_has_arg(ev, "acquirer", "天河科技")) {
                        th_dump(evs, n);
                        fail_msg("no acquisition of %s by 天河科技", targets[i]);
                }
        }
        assert_int_equal(count_type(evs, n, "finance.acquisition"), 3);
        /* distinct ids */
        for (size_t i = 0; i < n; i++)
                for (size_t j = i + 1; j < n; j++)
                        assert_string_not_equal(evs[i]->id, evs[j]->id);
        free_events(evs, n);
        evs = run_zh("盛达投资三季度新进了青松股份、白鹭科技。", &n);
        if (find_with(evs, n, "finance.investment", "target", "青松股份") == NULL ||
            find_with(evs, n, "finance.investment", "target", "白鹭科技") == NULL ||
            !th_has_arg(find_with(evs, n, "finance.investment", "target", "白鹭科技"), "agent",
                        "盛达投资")) {
                th_dump(evs, n);
                fail_msg("stakes bought in a list");
        }
        free_events(evs, n);
}

/* A purchase told in the passive or from the seller's side. */
static void
test_passive_and_sale(void **state)
{
        (void)state;
        expect("青禾网络去年被星海股份以3亿元收购。", "finance.acquisition", "target", "青禾网络",
               "acquirer", "星海股份", NULL);
        expect("青木集团公告,拟将旗下白鹭物流科技有限公司60%的股权以3亿元出售给远航资本。",
               "finance.acquisition", "target", "白鹭物流科技有限公司", "acquirer", "远航资本",
               "planned");
        expect("远航资本拟受让白鹭物流20%股权。", "finance.acquisition", "target", "白鹭物流",
               "acquirer", "远航资本", "planned");
        size_t n = 0;
        struct nw_event **evs = run_zh("青木集团被罚款200万元。", &n);
        if (n != 0) {
                th_dump(evs, n);
                fail_msg("a passive fine is no purchase");
        }
        free_events(evs, n);
}

/* Money put up for a purchase is its price: one acquisition, no investment. */
static void
test_price_is_no_investment(void **state)
{
        (void)state;
        size_t n = 0;
        struct nw_event **evs = run_zh("2018年,长风集团出资8.5亿元,收购了青山环保60%的股权。", &n);
        const struct nw_event *ev = find_with(evs, n, "finance.acquisition", "target", "青山环保");
        if (ev == NULL || !th_has_arg(ev, "acquirer", "长风集团") ||
            count_type(evs, n, "finance.investment") != 0) {
                th_dump(evs, n);
                fail_msg("出资…收购 is one acquisition");
        }
        free_events(evs, n);
        /* an investment of its own stays one */
        expect("长风集团出资3亿元投资青山环保。", "finance.investment", "agent", "长风集团", NULL,
               NULL, NULL);
}

/* Signing a contract with someone: a partnership, even with one party named. */
static void
test_signing(void **state)
{
        (void)state;
        expect("公司与宁远物流签订了仓储服务合同。", "org.partnership", "party", "宁远物流", NULL,
               NULL, NULL);
        expect("8月3日,青木食品与云杉科技签约,共同建设智慧供应链平台。", "org.partnership", "party",
               "青木食品", "party", "云杉科技", NULL);
        /* signing alone, with nobody, is nothing */
        size_t n = 0;
        struct nw_event **evs = run_zh("该合同自双方签署之日起生效。", &n);
        if (count_type(evs, n, "org.partnership") != 0) {
                th_dump(evs, n);
                fail_msg("no party, no partnership");
        }
        free_events(evs, n);
}

/* People by their title, moves and legal actions in Chinese. */
static void
test_people_and_legal(void **state)
{
        (void)state;
        expect("青岚科技董事长王刚因个人原因辞职。", "people.move", "person", "王刚", "from",
               "青岚科技", NULL);
        expect("白鹭光电任命周立新为公司总经理。", "people.move", "person", "周立新", "to",
               "白鹭光电", NULL);
        expect("远航资本创始人兼CEO宋立峰将出任青木电气执行副总裁。", "people.move", "person",
               "宋立峰", "to", "青木电气", "planned");
        expect("青岚科技被证监会立案调查。", "legal.action", "target", "青岚科技", "actor",
               "证监会", NULL);
        expect("白鹭光电起诉青木电气侵犯其专利权。", "legal.action", "actor", "白鹭光电", "target",
               "青木电气", NULL);
}

/* Planned, likely and negated acquisitions. */
static void
test_modality(void **state)
{
        (void)state;
        expect("星海股份拟收购绿洲传媒。", "finance.acquisition", "target", "绿洲传媒", "acquirer",
               "星海股份", "planned");
        expect("星海股份计划以现金方式收购绿洲传媒。", "finance.acquisition", "target", "绿洲传媒",
               NULL, NULL, "planned");
        expect("北辰软件或将收购青禾网络。", "finance.acquisition", "target", "青禾网络", NULL,
               NULL, "likely");
        expect("北辰软件否认将收购青禾网络。", "finance.acquisition", "target", "青禾网络", NULL,
               NULL, "negated");
        expect("北辰软件宣布终止收购青禾网络。", "finance.acquisition", "target", "青禾网络", NULL,
               NULL, "negated");
        expect("北辰软件去年收购了青禾网络。", "finance.acquisition", "target", "青禾网络", NULL,
               NULL, "asserted");
        /* a modality cue after a name is no part of it */
        expect("据悉,远帆服饰计划通过全资子公司收购杭州云锦纺织有限公司。", "finance.acquisition",
               "acquirer", "远帆服饰", "target", "杭州云锦纺织有限公司", "planned");
        expect("青岚地产终止收购白塔物业持有的股份。", "finance.acquisition", "acquirer",
               "青岚地产", NULL, NULL, "negated");
}

/* Won bids (中标) and similar announcements are outside the taxonomy. */
static void
test_outside_taxonomy(void **state)
{
        (void)state;
        const char *s[] = {
            "云帆科技公告,公司中标南湖区智慧路灯采购项目,中标金额1.2亿元。",
            "青木电气(600999)5月6日晚公告,公司成为西湖区供水管网改造项目的第一中标候选人。",
            "中标金额约1.8亿元,公司将与业主方签订正式合同。",
        };
        for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
                size_t n = 0;
                struct nw_event **evs = run_zh(s[i], &n);
                if (n != 0) {
                        th_dump(evs, n);
                        fail_msg("%s: no event wanted", s[i]);
                }
                free_events(evs, n);
        }
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_registered_names), cmocka_unit_test(test_name_boundaries),
            cmocka_unit_test(test_target_lists),     cmocka_unit_test(test_price_is_no_investment),
            cmocka_unit_test(test_signing),          cmocka_unit_test(test_modality),
            cmocka_unit_test(test_outside_taxonomy), cmocka_unit_test(test_names_in_context),
            cmocka_unit_test(test_passive_and_sale), cmocka_unit_test(test_people_and_legal),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
