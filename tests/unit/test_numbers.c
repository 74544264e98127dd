/* test_numbers.c -- unit tests for nw_numbers: digit and word forms, scale words (western,
 * Indian, Chinese), qualifiers and money in every common written form. Strings are ours. */
#include "nw_test.h"

#include <string.h>

#include "nw_numbers.h"

struct num_case {
        const char *in;
        double want;
        size_t consumed;        /* 0: the whole string */
};

static const struct num_case num_cases[] = {
        {"200", 200, 0},
        {"1,000", 1000, 0},
        {"191,950", 191950, 0},
        {"5,91,61,730", 59161730, 0},        /* Indian grouping */
        {"3.75", 3.75, 0},
        {"6.15 billion", 6150000000.0, 0},
        {"67.9 bln", 67900000000.0, 0},
        {"180bln", 180000000000.0, 0},
        {"2 bn", 2000000000.0, 0},
        {"28.35m", 28350000, 0},
        {"3.5b", 3500000000.0, 0},
        {"4 mln", 4000000, 0},
        {"1.2 mn", 1200000, 0},
        {"9 thousand", 9000, 0},
        {"3 trillion", 3e12, 0},
        {"1.5 tn", 1.5e12, 0},
        {"50 crore", 500000000, 0},
        {"70,000-cr", 700000000000.0, 0},
        {"19.3 lakh", 1930000, 0},
        {"1.10 lakh crore", 1100000000000.0, 0},
        {"30 lakh 77 thousand crore", 30770000000000.0, 0},
        {"1.12-billion", 1120000000.0, 0},
        {"3.5\xe4\xba\xbf", 350000000, 0},  /* 亿 */
        {"12\xe4\xb8\x87", 120000, 0},      /* 万 */
        {"seven", 7, 0},
        {"Thirty-seven", 37, 0},
        {"a dozen", 12, 0},
        {"two hundred", 200, 0},
        {"five lakh", 500000, 0},
        {"twenty one", 21, 0},
        {"200-300 people", 200, 7},
        {"20th", 20, 0},
        {"1,234 companies", 1234, 5},
};

static void test_num_forms(void)
{
        for (size_t i = 0; i < sizeof(num_cases) / sizeof(num_cases[0]); i++) {
                const struct num_case *c = &num_cases[i];
                struct nw_num n;
                size_t len = strlen(c->in);
                int ok = nw_num_parse(c->in, len, 0, &n);
                CU_ASSERT_TRUE(ok);
                if (!ok) {
                        NW_ASSERT_STR("no number", "number", c->in);
                        continue;
                }
                CU_ASSERT_DOUBLE_EQUAL(n.value, c->want, c->want * 1e-9 + 1e-9);
                CU_ASSERT_EQUAL(n.end, c->consumed ? c->consumed : len);
                if (n.value < c->want * (1 - 1e-9) || n.value > c->want * (1 + 1e-9)) {
                        NW_ASSERT_STR("wrong value", "right value", c->in);
                }
        }
}

static void test_num_flags(void)
{
        struct nw_num n;

        CU_ASSERT_TRUE(nw_num_parse("200-300", 7, 0, &n));
        CU_ASSERT_TRUE(n.flags & NW_NUM_RANGE);
        CU_ASSERT_DOUBLE_EQUAL(n.hi, 300, 1e-9);
        CU_ASSERT_TRUE(nw_num_parse("first", 5, 0, &n));
        CU_ASSERT_TRUE(n.flags & NW_NUM_ORDINAL);
        CU_ASSERT_TRUE(nw_num_parse("2021", 4, 0, &n));
        CU_ASSERT_EQUAL(n.digits, 4);
        CU_ASSERT_FALSE(nw_num_parse("alone", 5, 0, &n));
        CU_ASSERT_FALSE(nw_num_parse("a", 1, 0, &n));
        /* not the tail of another number */
        CU_ASSERT_FALSE(nw_num_parse("1,000", 5, 2, &n));
}

struct qual_case {
        const char *in;         /* the number is the last word */
        enum nw_qualifier want;
};

static const struct qual_case qual_cases[] = {
        {"over 200", NW_Q_MORE_THAN},        {"more than 200", NW_Q_MORE_THAN},
        {"exceeding 200", NW_Q_MORE_THAN},   {"topping 200", NW_Q_MORE_THAN},
        {"above 200", NW_Q_MORE_THAN},       {"at least 200", NW_Q_AT_LEAST},
        {"no less than 200", NW_Q_AT_LEAST}, {"around 200", NW_Q_ABOUT},
        {"about 200", NW_Q_ABOUT},           {"some 200", NW_Q_ABOUT},
        {"approximately 200", NW_Q_ABOUT},   {"nearly 200", NW_Q_LESS_THAN},
        {"almost 200", NW_Q_LESS_THAN},      {"close to 200", NW_Q_LESS_THAN},
        {"less than 200", NW_Q_LESS_THAN},   {"up to 200", NW_Q_UP_TO},
        {"no more than 200", NW_Q_UP_TO},    {"the 200", NW_Q_EXACT},
        {"moreover 200", NW_Q_EXACT},
};

static void test_qualifiers(void)
{
        for (size_t i = 0; i < sizeof(qual_cases) / sizeof(qual_cases[0]); i++) {
                const char *s = qual_cases[i].in;
                size_t pos = strlen(s) - 3, start;
                enum nw_qualifier q = nw_qualifier_before(s, pos, &start);
                NW_ASSERT_STR(nw_qualifier_name(q), nw_qualifier_name(qual_cases[i].want), s);
        }
        {
                size_t e;
                const char *s = "9000-odd fans";
                CU_ASSERT_EQUAL(nw_qualifier_after(s, strlen(s), 4, &e), NW_Q_ABOUT);
                CU_ASSERT_EQUAL(e, 8);
                s = "200-plus";
                CU_ASSERT_EQUAL(nw_qualifier_after(s, strlen(s), 3, &e), NW_Q_MORE_THAN);
        }
}

struct money_case {
        const char *ctx;        /* the article text the context comes from ("" for none) */
        const char *in;
        double value;
        const char *cur;
        enum nw_qualifier q;
};

static const struct money_case money_cases[] = {
        {"", "6.15 billion yuan", 6150000000.0, "CNY", NW_Q_EXACT},
        {"", "RMB180bln", 180000000000.0, "CNY", NW_Q_EXACT},
        {"", "RMB 3 million", 3000000, "CNY", NW_Q_EXACT},
        {"", "CNY 5 billion", 5000000000.0, "CNY", NW_Q_EXACT},
        {"", "20 billion renminbi", 20000000000.0, "CNY", NW_Q_EXACT},
        {"", "3.5\xe4\xba\xbf\xe5\x85\x83", 350000000, "CNY", NW_Q_EXACT},
        {"", "$1.5 billion", 1500000000.0, "USD", NW_Q_EXACT},
        {"", "US$20m", 20000000, "USD", NW_Q_EXACT},
        {"", "USD 2.8 billion", 2800000000.0, "USD", NW_Q_EXACT},
        {"", "989.2 million U.S. dollars", 989200000, "USD", NW_Q_EXACT},
        {"", "20.8-billion-dollars", 20800000000.0, "USD", NW_Q_EXACT},
        {"", "1.12-billion-USD", 1120000000.0, "USD", NW_Q_EXACT},
        {"", "150 mln dlrs", 150000000, "USD", NW_Q_EXACT},
        {"", "HK$3 billion", 3000000000.0, "HKD", NW_Q_EXACT},
        {"", "A$450 million", 450000000, "AUD", NW_Q_EXACT},
        {"", "Aus$8.8 billion", 8800000000.0, "AUD", NW_Q_EXACT},
        {"", "C$2 billion", 2000000000.0, "CAD", NW_Q_EXACT},
        {"", "S$12m", 12000000, "SGD", NW_Q_EXACT},
        {"", "NT$153.78 billion", 153780000000.0, "TWD", NW_Q_EXACT},
        {"", "\xe2\x82\xac" "4.6bn", 4600000000.0, "EUR", NW_Q_EXACT},
        {"", "EUR4.6 bln", 4600000000.0, "EUR", NW_Q_EXACT},
        {"", "850 million euros", 850000000, "EUR", NW_Q_EXACT},
        {"", "one euro", 0, NULL, NW_Q_EXACT},  /* a spelled unit is no amount */
        {"", "\xc2\xa3" "29.5 billion", 29500000000.0, "GBP", NW_Q_EXACT},
        {"", "597 million pounds", 597000000, "GBP", NW_Q_EXACT},
        {"", "10 million pounds sterling", 10000000, "GBP", NW_Q_EXACT},
        {"", "6.8 billion yen", 6800000000.0, "JPY", NW_Q_EXACT},
        {"Tokyo shares", "\xc2\xa5" "500 million", 500000000, "JPY", NW_Q_EXACT},
        {"a deal in yuan in Shanghai", "\xc2\xa5" "500 million", 500000000, "CNY", NW_Q_EXACT},
        {"", "1.25 trillion won", 1250000000000.0, "KRW", NW_Q_EXACT},
        /* context words match in any case ("Japan", "RMB" as written) */
        {"The Japanese insurer, which also sells yuan bonds, is based in Tokyo, Japan.",
         "\xc2\xa5" "500 million", 500000000, "JPY", NW_Q_EXACT},
        {"RMB loans from Beijing banks", "\xc2\xa5" "500 million", 500000000, "CNY", NW_Q_EXACT},
        {"Shares in Yokohama rose; yen weakened against the yuan.", "\xc2\xa5" "2 billion",
         2000000000.0, "JPY", NW_Q_EXACT},
        /* a "$" written with its US$ conversion is the local dollar of the story */
        {"The Singapore lender raised $28m (US$20m) in its latest round.", "$28m", 28000000,
         "SGD", NW_Q_EXACT},
        {"A Canadian pension fund paid $1,250 million (US$900 million) for it.", "$3 billion",
         3000000000.0, "CAD", NW_Q_EXACT},
        {"Hong Kong developer sold the tower for $4.2 billion (US$540 million).", "$4.2 billion",
         4200000000.0, "HKD", NW_Q_EXACT},
        /* ... but a country named without that pairing leaves "$" the US dollar */
        {"The firm, which also sells in Singapore and Australia, raised $40 million.",
         "$40 million", 40000000, "USD", NW_Q_EXACT},
        {"The toll is Rs 40 per car.", "R250 crore", 2500000000.0, "INR",
         NW_Q_EXACT},
        {"", "Rs 26.33 lakh crore", 26330000000000.0, "INR", NW_Q_EXACT},
        {"", "Rs.23,850 crore", 238500000000.0, "INR", NW_Q_EXACT},
        {"", "Rs 70,000-cr", 700000000000.0, "INR", NW_Q_EXACT},
        {"", "Rs 1.10 lakh crore", 1100000000000.0, "INR", NW_Q_EXACT},
        {"", "INR 500 crore", 5000000000.0, "INR", NW_Q_EXACT},
        {"", "\xe2\x82\xb9" "5,91,61,730", 59161730, "INR", NW_Q_EXACT},
        {"", "30 lakh 77 thousand crore rupees", 30770000000000.0, "INR", NW_Q_EXACT},
        {"investments in crore", "worth 12,000 crore", 120000000000.0, "INR", NW_Q_EXACT},
        {"investments in crore", "R12,000 crore", 120000000000.0, "INR", NW_Q_EXACT},
        {"", "RM1.2 billion", 1200000000.0, "MYR", NW_Q_EXACT},
        {"", "300 million ringgit", 300000000, "MYR", NW_Q_EXACT},
        {"", "VND25 trillion", 25000000000000.0, "VND", NW_Q_EXACT},
        {"", "over 180 billion yuan", 180000000000.0, "CNY", NW_Q_MORE_THAN},
        {"", "nearly 70 billion yuan", 70000000000.0, "CNY", NW_Q_LESS_THAN},
        {"", "about $5 million", 5000000, "USD", NW_Q_ABOUT},
        {"", "up to 476 billion yen", 476000000000.0, "JPY", NW_Q_UP_TO},
        {"", "at least VND25 trillion", 25000000000000.0, "VND", NW_Q_AT_LEAST},
        {"", "200 people", 0, NULL, NW_Q_EXACT},
};

static void test_money(void)
{
        for (size_t i = 0; i < sizeof(money_cases) / sizeof(money_cases[0]); i++) {
                const struct money_case *c = &money_cases[i];
                struct nw_money_ctx ctx;
                struct nw_money m;
                const char *s = c->in;
                size_t pos = 0, len = strlen(s);
                int ok;

                nw_money_ctx_init(&ctx, c->ctx, strlen(c->ctx));
                /* start at the sign or number, after any qualifier words */
                while (pos < len && !nw_money_parse(s, len, pos, &ctx, &m)) {
                        while (pos < len && s[pos] != ' ') {
                                pos++;
                        }
                        pos += pos < len;
                }
                ok = pos < len;
                if (!c->cur) {
                        CU_ASSERT_FALSE(ok);
                        if (ok) {
                                NW_ASSERT_STR(m.currency, "(no money)", s);
                        }
                        continue;
                }
                CU_ASSERT_TRUE(ok);
                if (!ok) {
                        NW_ASSERT_STR("(no money)", c->cur, s);
                        continue;
                }
                NW_ASSERT_STR(m.currency, c->cur, s);
                CU_ASSERT_DOUBLE_EQUAL(m.value, c->value, c->value * 1e-9);
                if (m.value < c->value * (1 - 1e-9) || m.value > c->value * (1 + 1e-9)) {
                        NW_ASSERT_STR("wrong value", "right value", s);
                }
                NW_ASSERT_STR(nw_qualifier_name(m.qualifier), nw_qualifier_name(c->q), s);
        }
}

static void test_currency_words(void)
{
        static const char *const pairs[][2] = {
                {"yuan", "CNY"}, {"RMB", "CNY"},  {"renminbi", "CNY"}, {"US$", "USD"},
                {"dlrs", "USD"}, {"dollars", "USD"}, {"euros", "EUR"}, {"pounds", "GBP"},
                {"yen", "JPY"},  {"won", "KRW"},  {"rupees", "INR"},   {"Rs", "INR"},
                {"ringgit", "MYR"}, {"NT$", "TWD"}, {"HK$", "HKD"},    {"S$", "SGD"},
                {"C$", "CAD"},   {"A$", "AUD"},   {"sterling", "GBP"},
        };
        for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
                NW_ASSERT_STR(nw_currency_code(pairs[i][0], strlen(pairs[i][0])), pairs[i][1],
                              pairs[i][0]);
        }
        CU_ASSERT_PTR_NULL(nw_currency_code("people", 6));
}

int nw_test_register_numbers(void)
{
        static const struct nw_test tests[] = {
                {"number forms", test_num_forms},
                {"number flags", test_num_flags},
                {"qualifiers", test_qualifiers},
                {"money forms", test_money},
                {"currency words", test_currency_words},
                {NULL, NULL},
        };
        return nw_test_add_suite("numbers", tests);
}
