/* test_extract.c -- unit tests for nw_extract on short stories written for these tests:
 * a signing at a forum, a funding round, an acquisition with a stated conversion, an Indian
 * summit in crore, and hard negatives (a storm's losses, a match crowd). */
#include "nw_test.h"

#include <string.h>

#include "nw_article.h"
#include "nw_buf.h"
#include "nw_extract.h"
#include "nw_extract_cues.h"

static void run(struct nw_article *a, const char *title, const char *body, const char *published)
{
        char err[128];

        nw_article_init(a);
        a->title = nw_xstrdup(title);
        a->body = nw_xstrdup(body);
        a->published_at = published ? nw_xstrdup(published) : NULL;
        CU_ASSERT_EQUAL(nw_extract(a, err, sizeof(err)), NW_OK);
}

static void test_forum_signing(void)
{
        struct nw_article a;

        run(&a, "Riverside Trade Forum held in Wuhan",
            "WUHAN, June 3 (Metro) -- The 2022 Riverside Green Industry Forum was held in Wuhan "
            "on Tuesday. At the forum, 12 projects were signed in fields such as new energy, "
            "biomedicine and other industries, with a total investment of 8.4 billion yuan "
            "(about 1.3 billion U.S. dollars).\n\n"
            "The forum was co-hosted by the Hubei Provincial People's Government and the "
            "Riverside Chamber of Commerce. It attracted more than 300 guests.\n\n"
            "\"We are pleased,\" said Wang Lei, deputy director of the Hubei Commerce Department.",
            "2022-06-03T08:00:00Z");
        CU_ASSERT_EQUAL_FATAL(a.n_events, 1);
        NW_ASSERT_STR(a.events[0].name, "2022 Riverside Green Industry Forum", "event name");
        NW_ASSERT_STR(a.events[0].type, "forum", "event type");
        NW_ASSERT_STR(a.events[0].location, "Wuhan", "event location");
        NW_ASSERT_STR(a.events[0].date, "2022-05-31", "event date (Tuesday before Fri June 3)");
        CU_ASSERT_EQUAL(a.events[0].organizers.n, 2);
        CU_ASSERT_TRUE(a.events[0].attendance.present);
        CU_ASSERT_DOUBLE_EQUAL(a.events[0].attendance.value, 300, 1e-9);
        CU_ASSERT_EQUAL(a.events[0].attendance.qualifier, NW_Q_MORE_THAN);
        CU_ASSERT_EQUAL_FATAL(a.n_investments, 1);
        CU_ASSERT_EQUAL(a.investments[0].deal_count, 12);
        CU_ASSERT_DOUBLE_EQUAL(a.investments[0].amount.value, 8.4e9, 1);
        NW_ASSERT_STR(a.investments[0].amount.currency, "CNY", "currency");
        CU_ASSERT_EQUAL(a.investments[0].n_alt_amounts, 1);
        CU_ASSERT_EQUAL(a.investments[0].sectors.n, 2);
        NW_ASSERT_STR(a.investments[0].status, "signed", "status");
        CU_ASSERT_EQUAL_FATAL(a.n_people, 1);
        NW_ASSERT_STR(a.people[0].name, "Wang Lei", "person");
        NW_ASSERT_STR(a.people[0].title, "deputy director", "title");
        NW_ASSERT_STR(a.people[0].organization, "Hubei Commerce Department", "organization");
        nw_article_free(&a);
}

static void test_funding_and_acquisition(void)
{
        struct nw_article a;

        run(&a, "Deals",
            "Brightpath, a payments start-up, has raised $40m in a Series B round led by Oakline "
            "Capital. Separately, Northgate Holdings agreed to acquire Quayside Foods for 310 "
            "million pounds ($402 million), the company said on Monday.",
            "2023-03-08");
        CU_ASSERT_EQUAL_FATAL(a.n_investments, 2);
        NW_ASSERT_STR(a.investments[0].kind, "funding_round", "kind");
        NW_ASSERT_STR(a.investments[0].round, "Series B", "round");
        CU_ASSERT_EQUAL(a.investments[0].deal_count, 1);
        NW_ASSERT_STR(a.investments[1].kind, "acquisition", "kind");
        NW_ASSERT_STR(a.investments[1].amount.currency, "GBP", "currency");
        CU_ASSERT_EQUAL(a.investments[1].n_alt_amounts, 1);
        NW_ASSERT_STR(a.investments[1].status, "agreed", "status");
        nw_article_free(&a);
}

static void test_indian_summit(void)
{
        struct nw_article a;

        run(&a, "Summit",
            "MoUs for 1,200 projects with investment proposals worth Rs 3.2 lakh crore were "
            "signed at the Coastal Investors Summit, Chief Minister Ravi Kumar said on Friday.",
            "2024-01-12");
        CU_ASSERT_EQUAL_FATAL(a.n_investments, 1);
        CU_ASSERT_EQUAL(a.investments[0].deal_count, 1200);
        CU_ASSERT_DOUBLE_EQUAL(a.investments[0].amount.value, 3.2e12, 1);
        NW_ASSERT_STR(a.investments[0].amount.currency, "INR", "currency");
        CU_ASSERT_EQUAL_FATAL(a.n_people, 1);
        NW_ASSERT_STR(a.people[0].title, "Chief Minister", "title");
        CU_ASSERT_EQUAL_FATAL(a.n_events, 1);
        NW_ASSERT_STR(a.events[0].type, "summit", "type");
        nw_article_free(&a);
}

static void test_negatives(void)
{
        struct nw_article a;

        run(&a, "Storm",
            "The storm killed 12 people and caused direct economic losses of 2.1 billion yuan, "
            "officials said. More than 40,000 fans watched the final, which ended 3-1.",
            "2023-08-01");
        CU_ASSERT_EQUAL(a.n_investments, 0);
        CU_ASSERT_TRUE(a.n_statistics >= 2);
        {
                int losses = 0;
                for (size_t i = 0; i < a.n_statistics; i++) {
                        if (a.statistics[i].value == 2.1e9 &&
                            strcmp(a.statistics[i].unit, "CNY") == 0) {
                                losses = 1;
                        }
                }
                CU_ASSERT_TRUE(losses);
        }
        /* a second run gives the same facts, not twice as many */
        {
                char err[64];
                size_t n = a.n_statistics;
                CU_ASSERT_EQUAL(nw_extract(&a, err, sizeof(err)), NW_OK);
                CU_ASSERT_EQUAL(a.n_statistics, n);
        }
        nw_article_free(&a);
}

static int has_event(const struct nw_article *a, const char *name)
{
        for (size_t i = 0; i < a->n_events; i++) {
                if (strcmp(a->events[i].name, name) == 0) {
                        return 1;
                }
        }
        return 0;
}

/* Gatherings named in lower case, after their keyword, or by a quoted title. */
static void test_event_forms(void)
{
        struct nw_article a;

        run(&a, "Meeting",
            "CHANGSHA, May 6 -- The investment promotion conference of the 3rd Lakeside Partners "
            "Week was held in Changsha on Monday. Later the Conference on \"Clean Rivers "
            "Together\" met in the city. The sixth edition of \"Build Here\" drew new pledges.",
            "2025-05-06");
        CU_ASSERT_EQUAL(a.n_events, 3);
        CU_ASSERT_TRUE(has_event(&a, "investment promotion conference of the 3rd Lakeside "
                                     "Partners Week"));
        CU_ASSERT_TRUE(has_event(&a, "Conference on \"Clean Rivers Together\""));
        CU_ASSERT_TRUE(has_event(&a, "Build Here"));
        if (a.n_events > 0) {
                NW_ASSERT_STR(a.events[0].location, "Changsha", "location");
                NW_ASSERT_STR(a.events[0].type, "conference", "type");
        }
        nw_article_free(&a);
}

/* One event under several names; venues, exchanges, legislatures and TV shows are not
 * gatherings. */
static void test_event_negatives_and_merge(void)
{
        struct nw_article a;

        run(&a, "Expo",
            "The Greenfield Trade Expo opened at the Harbor City Convention and Exhibition "
            "Center. Visitors at the 2nd Greenfield Trade Expo 2025 placed orders. Shares "
            "rose on the New York Stock Exchange. Republicans in Congress objected, and the "
            "Late Show aired a sketch. The board meeting was held on Friday.",
            "2025-03-01");
        CU_ASSERT_EQUAL(a.n_events, 1);
        if (a.n_events == 1) {
                NW_ASSERT_STR(a.events[0].name, "2nd Greenfield Trade Expo 2025", "merged name");
                NW_ASSERT_STR(a.events[0].type, "trade_fair", "type");
        }
        nw_article_free(&a);
        /* an exchange with a year is a gathering; one with market words is a market */
        run(&a, "Talent",
            "The 2024 Riverside Talent Exchange opened in Wuhan as the 2024 Hanford Futures "
            "Exchange reported record volumes.",
            "2024-06-01");
        CU_ASSERT_EQUAL(a.n_events, 1);
        CU_ASSERT_TRUE(has_event(&a, "2024 Riverside Talent Exchange"));
        nw_article_free(&a);
}

/* The cue bits must never miss a cue the full checks would find: single words are `sure`,
 * a phrase's first word or a hyphenated word only `maybe`. */
static void test_cues(void)
{
        struct nw_cues c;
        const char *t = "The co-founder signed a takeover; the show drew 300 visitors.";
        const char *u = "Talks to take over the mill stalled since spring.";
        const char *v = "Xsigned nothing here";

        CU_ASSERT_TRUE(nw_cues_table_ok());
        nw_cues_scan(t, 0, strlen(t), &c);
        CU_ASSERT_TRUE(nw_cues_sure(&c, NW_CUE_SIGNING));
        CU_ASSERT_TRUE(nw_cues_sure(&c, NW_CUE_INV));          /* "sign...", "takeover" */
        CU_ASSERT_TRUE(nw_cues_any(&c, NW_CUE_TITLE));         /* "founder" after "co-" */
        CU_ASSERT_TRUE(nw_cues_sure(&c, NW_CUE_ATTEND));       /* "drew" */
        CU_ASSERT_TRUE(nw_cues_sure(&c, NW_CUE_EV_KEYWORD));   /* "show" */
        CU_ASSERT_FALSE(nw_cues_any(&c, NW_CUE_STAT));
        CU_ASSERT_FALSE(nw_cues_any(&c, NW_CUE_NUMWORD));
        nw_cues_scan(u, 0, strlen(u), &c);
        CU_ASSERT_FALSE(nw_cues_sure(&c, NW_CUE_INV));         /* "take over" is a phrase */
        CU_ASSERT_TRUE(nw_cues_any(&c, NW_CUE_INV));
        CU_ASSERT_TRUE(nw_cues_sure(&c, NW_CUE_PERIOD));       /* "since" */
        /* a span that starts inside a word does not see that word */
        nw_cues_scan(v, 1, strlen(v), &c);
        CU_ASSERT_FALSE(nw_cues_any(&c, NW_CUE_SIGNING));
        nw_cues_scan("seven million", 0, 13, &c);
        CU_ASSERT_TRUE(nw_cues_sure(&c, NW_CUE_NUMWORD));
        /* the figure scan jumps to these starts: both words, in order */
        CU_ASSERT_EQUAL_FATAL(c.n_num, 2);
        CU_ASSERT_EQUAL(c.num_at[0], 0);
        CU_ASSERT_EQUAL(c.num_at[1], 6);
        /* an event keyword with a capital ends a name; the lower-case noun is a gathering */
        nw_cues_scan("at the Summit", 0, 13, &c);
        CU_ASSERT_TRUE(nw_cues_sure(&c, NW_CUE_EV_CAPITAL));
        CU_ASSERT_FALSE(nw_cues_any(&c, NW_CUE_EV_NOUN));
        nw_cues_scan("at the summit", 0, 13, &c);
        CU_ASSERT_TRUE(nw_cues_sure(&c, NW_CUE_EV_NOUN));
        CU_ASSERT_FALSE(nw_cues_any(&c, NW_CUE_EV_CAPITAL));
}

/* Amounts whose currency comes a few bytes before the digit ("U.S.$5", "USD 7"): the figure
 * scan starts early enough to see it. */
static void test_currency_before_digits(void)
{
        struct nw_article a;

        run(&a, "Deals",
            "Harbor Group agreed to acquire Norland Mills for U.S.$5 million. Westfield Energy "
            "will invest USD 7 million in a new terminal.",
            "2024-03-01");
        CU_ASSERT_EQUAL_FATAL(a.n_investments, 2);
        CU_ASSERT_DOUBLE_EQUAL(a.investments[0].amount.value, 5e6, 1);
        NW_ASSERT_STR(a.investments[0].amount.currency, "USD", "currency");
        NW_ASSERT_STR(a.investments[0].amount.text, "U.S.$5 million", "text");
        CU_ASSERT_DOUBLE_EQUAL(a.investments[1].amount.value, 7e6, 1);
        NW_ASSERT_STR(a.investments[1].amount.text, "USD 7 million", "text");
        nw_article_free(&a);
}

/* Spelled figures with a scale are money; goods bought by value, prices per unit and small
 * sums are not deals. */
static void test_money_not_deals(void)
{
        struct nw_article a;

        run(&a, "Trade",
            "Harbor Refining said it bought 64 mln dlrs of heavy crude from Norland last year. "
            "Its parent will invest six mln dlrs in a new terminal. Rivals offered 31 dlrs a "
            "share for the unit, and palm oil rose to 410 dlrs per tonne.",
            "1987-03-02");
        CU_ASSERT_EQUAL_FATAL(a.n_investments, 1);
        CU_ASSERT_DOUBLE_EQUAL(a.investments[0].amount.value, 6e6, 1);
        NW_ASSERT_STR(a.investments[0].amount.currency, "USD", "currency");
        NW_ASSERT_STR(a.investments[0].amount.text, "six mln dlrs", "text");
        {
                int crude = 0;
                for (size_t i = 0; i < a.n_statistics; i++) {
                        crude |= a.statistics[i].value == 64e6 &&
                                 strcmp(a.statistics[i].unit, "USD") == 0;
                }
                CU_ASSERT_TRUE(crude);
        }
        nw_article_free(&a);
        /* a sentence naming crude oil can still be a deal */
        run(&a, "Deal",
            "Westfield Energy agreed to acquire a crude oil producer for 240 mln dlrs.",
            "1987-03-02");
        CU_ASSERT_EQUAL_FATAL(a.n_investments, 1);
        NW_ASSERT_STR(a.investments[0].kind, "acquisition", "kind");
        nw_article_free(&a);
}

static int has_party(const struct nw_investment *inv, const char *name)
{
        for (size_t i = 0; i < inv->parties.n; i++) {
                if (strcmp(inv->parties.v[i], name) == 0) {
                        return 1;
                }
        }
        return 0;
}

/* Parties: buyer and target, a round's company and investors, signatories, investors. */
static void test_parties(void)
{
        struct nw_article a;

        run(&a, "Deals",
            "Brightpath, a payments start-up, has raised $40m in a Series B round led by Oakline "
            "Capital, Tern Ventures and Mosswood Partners. Separately, Northgate Holdings agreed "
            "to acquire Germany's Quayside Foods GmbH for 310 million pounds. Harlow Mills was "
            "acquired by Pellam Group for 25 million pounds. Regulators cleared Tallis Corp's "
            "proposed 80 mln dlr takeover of Brent Valley Water.",
            "2023-03-08");
        CU_ASSERT_EQUAL_FATAL(a.n_investments, 4);
        CU_ASSERT_EQUAL(a.investments[0].parties.n, 4);
        CU_ASSERT_TRUE(has_party(&a.investments[0], "Brightpath"));
        CU_ASSERT_TRUE(has_party(&a.investments[0], "Oakline Capital"));
        CU_ASSERT_TRUE(has_party(&a.investments[0], "Mosswood Partners"));
        CU_ASSERT_EQUAL(a.investments[1].parties.n, 2);
        CU_ASSERT_TRUE(has_party(&a.investments[1], "Northgate Holdings"));
        CU_ASSERT_TRUE(has_party(&a.investments[1], "Quayside Foods GmbH"));
        CU_ASSERT_EQUAL(a.investments[2].parties.n, 2);
        if (a.investments[2].parties.n == 2) {
                NW_ASSERT_STR(a.investments[2].parties.v[0], "Pellam Group", "buyer first");
        }
        CU_ASSERT_TRUE(has_party(&a.investments[3], "Tallis Corp"));
        CU_ASSERT_TRUE(has_party(&a.investments[3], "Brent Valley Water"));
        nw_article_free(&a);

        run(&a, "Summit",
            "Kestrel Motors, the Korean carmaker, agreed to invest Rs 7,000 crore in a plant, "
            "while Ridgeway Foods Rs 1,200 crore and Amber Textiles Rs 800 crore. Lunar Grid "
            "signed an agreement with Coastal Power Corporation (CPC) worth Rs 2,000 crore.",
            "2024-01-12");
        CU_ASSERT_EQUAL_FATAL(a.n_investments, 4);
        CU_ASSERT_EQUAL(a.investments[0].parties.n, 1);
        CU_ASSERT_TRUE(has_party(&a.investments[0], "Kestrel Motors"));
        CU_ASSERT_TRUE(has_party(&a.investments[1], "Ridgeway Foods"));
        CU_ASSERT_TRUE(has_party(&a.investments[2], "Amber Textiles"));
        CU_ASSERT_TRUE(has_party(&a.investments[3], "Lunar Grid"));
        CU_ASSERT_TRUE(has_party(&a.investments[3], "Coastal Power Corporation (CPC)"));
        nw_article_free(&a);

        /* a sentence with no name in a deal pattern gives no parties */
        run(&a, "Plant", "The company will invest 500 million euros in the plant.", "2024-01-12");
        CU_ASSERT_EQUAL_FATAL(a.n_investments, 1);
        CU_ASSERT_EQUAL(a.investments[0].parties.n, 0);
        nw_article_free(&a);
}

/* The organization of a person named "Title Name": before the title, or "of" after it. */
static void test_people_orgs(void)
{
        struct nw_article a;
        static const char *const want[][3] = {
                {"Dana Whitfield", "CEO", "Orbis Freight"},
                {"Tomas Reyes", "chairman", "Lakeland Mills"},
                {"Priya Nair", "economist", "Bank of Kerala"},
                {"Omar Haddad", "Chairman", "Sable Energy Corp"},
                {"Ravi Kumar", "Chief Minister", "Kerala"},
                {"Helen Park", "Finance Minister", NULL},
                {"Carl Brandt", "Bank president", NULL}, /* a generic word alone is no employer */
        };

        run(&a, "People",
            "Orbis Freight CEO Dana Whitfield said volumes rose. Lakeland Mills' chairman Tomas "
            "Reyes disagreed. Bank of Kerala economist Priya Nair expects cuts. Chairman Omar "
            "Haddad of Sable Energy Corp resigned. Kerala Chief Minister Ravi Kumar spoke. "
            "Finance Minister Helen Park spoke too. Bank president Carl Brandt left.",
            "2024-02-01");
        CU_ASSERT_EQUAL_FATAL(a.n_people, sizeof(want) / sizeof(want[0]));
        for (size_t i = 0; i < a.n_people; i++) {
                NW_ASSERT_STR(a.people[i].name, want[i][0], "name");
                NW_ASSERT_STR(a.people[i].title, want[i][1], a.people[i].name);
                if (want[i][2]) {
                        CU_ASSERT_PTR_NOT_NULL(a.people[i].organization);
                        if (a.people[i].organization) {
                                NW_ASSERT_STR(a.people[i].organization, want[i][2], a.people[i].name);
                        }
                } else {
                        CU_ASSERT_PTR_NULL(a.people[i].organization);
                }
        }
        nw_article_free(&a);
}

/* The statistic of @p value, or NULL. */
static const struct nw_statistic *stat_of(const struct nw_article *a, double value)
{
        for (size_t i = 0; i < a->n_statistics; i++) {
                if (a->statistics[i].value == value) {
                        return &a->statistics[i];
                }
        }
        return NULL;
}

/* A count's unit is the head of the noun phrase after it: an adverb, or a verb form after a
 * plural noun, ends the phrase, while one before the noun modifies it; an initialism is one
 * word, "U.S. dlrs" is money and "11 P.M." a time. */
static void test_statistic_units(void)
{
        struct nw_article a;
        static const struct {
                double value;
                const char *unit;
        } want[] = {
                {60, "kilos"},      {9.2e6, "shares"}, {185, "projects"}, {7.5, "cts"},
                {3, "rigs"},        {250, "companies"}, {5000, "people"}, {8490, "houses"},
                {6.28e9, "USD"},    {1.28e9, "HKD"},   {2, "units"},      {20, "companies"},
                {4e6, "shares"},    {5, "mills"},      {7, "convictions"}, {8, "plants"},
                {12, "subscribers"}, {15, "firms"},    {30, "workers"},  {300, "highway"},
                {14, "countries"},  {500, "plant"},    {9, "units"},      {24, "cts"},
        };

        run(&a, "Figures",
            "Arrivals were 155,221 bags of 60 kilos making a cumulative total for the season. "
            "The company has 9.2 mln shares outstanding. There were 185 projects implemented "
            "abroad. It earned 7.5 cts prior to the change. Harbor Energy owns three oil "
            "drilling rigs. The survey covered 250 U.S. industrial companies. Around 5,000 "
            "people came to the square. Some 8,490 houses collapsed in the storm. Reserves were "
            "6.28 billion U.S. Dlrs at the end of January. Profits were 1.28 billion H.K. Dlrs in "
            "1986. The group sold two fully owned units. It bought 20 publicly traded "
            "companies and issued 4 mln additional preferred shares. The plant has 5 steel "
            "rolling mills. He has seven prior convictions. They plan eight new coal-fired "
            "plants. The service has 12 paid subscribers. It owns 15 privately held firms. "
            "Some 30 workers left the site. The meeting ended at 11 P.M. on Friday. They opened "
            "a 300 km highway connecting Beijing. It sells to 14 gas exporting countries. A 500 "
            "MW power plant supplying electricity opened. It has 9 business operating units. "
            "Cocoa closed 24 cts higher.",
            "1987-03-02");
        for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
                const struct nw_statistic *st = stat_of(&a, want[i].value);
                CU_ASSERT_PTR_NOT_NULL_FATAL(st);
                NW_ASSERT_STR(st->unit, want[i].unit, "unit");
        }
        /* a time is no statistic */
        CU_ASSERT_PTR_NULL(stat_of(&a, 11));
        nw_article_free(&a);
}

static void test_empty(void)
{
        struct nw_article a;

        run(&a, "", "", NULL);
        CU_ASSERT_EQUAL(a.n_events + a.n_investments + a.n_statistics + a.n_people, 0);
        nw_article_free(&a);
}

int nw_test_register_extract(void)
{
        static const struct nw_test tests[] = {
                {"forum signing", test_forum_signing},
                {"funding and acquisition", test_funding_and_acquisition},
                {"indian summit", test_indian_summit},
                {"negatives", test_negatives},
                {"cue words", test_cues},
                {"currency before the digits", test_currency_before_digits},
                {"event forms", test_event_forms},
                {"event negatives and merge", test_event_negatives_and_merge},
                {"money that is not a deal", test_money_not_deals},
                {"parties", test_parties},
                {"people's organizations", test_people_orgs},
                {"statistic units", test_statistic_units},
                {"empty", test_empty},
                {NULL, NULL},
        };
        return nw_test_add_suite("extract", tests);
}
