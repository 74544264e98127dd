/* test_dateline.c -- unit tests for nw_dateline: each dateline form the worker recognizes, the
 * year rules (from published_at, rolled back across New Year, from the text), bylines, and
 * bodies that must stay untouched. */
#include "nw_test.h"

#include <stdlib.h>
#include <string.h>

#include "nw_dateline.h"

struct dl_case {
        const char *body, *published_at;
        const char *agency, *location, *date; /* expected; location NULL: no dateline */
        const char *authors;                  /* "A|B" or "" */
        const char *rest;                     /* body after the split */
};

static const struct dl_case cases[] = {
        {"Xinhua News Agency Hunan Channel, June 14th (Wang Fang, Li Qiang) The fair opened.",
         "2024-06-14T09:00:00Z", "Xinhua News Agency", "Hunan", "2024-06-14", "Wang Fang|Li Qiang",
         "The fair opened."},
        {"BEIJING, May 20 (Xinhua) -- Officials met on Monday.", "2021-05-20T03:00:00Z",
         "Xinhua", "Beijing", "2021-05-20", "", "Officials met on Monday."},
        {"HOUSTON, Feb 26 - Gulf Coast Oil Co said it sold a field.", "1987-02-26T15:00:00Z",
         NULL, "Houston", "1987-02-26", "", "Gulf Coast Oil Co said it sold a field."},
        {"NEW YORK (AP) \xE2\x80\x94 Stocks rose on Friday.", "2020-01-10T15:00:00Z", "AP",
         "New York", NULL, "", "Stocks rose on Friday."},
        {"New Delhi, Feb 25 (PTI) The summit ended with pledges.", "2023-02-25T12:00:00Z", "PTI",
         "New Delhi", "2023-02-25", "", "The summit ended with pledges."},
        {"SHANGHAI, Nov 10 (Reuters) - The expo closed.", "2021-11-10T08:00:00Z", "Reuters",
         "Shanghai", "2021-11-10", "", "The expo closed."},
        {"PORTLAND, Ore., Feb 26 - Timber Inns said it filed.", "1987-02-26T10:00:00Z", NULL,
         "Portland, Ore.", "1987-02-26", "", "Timber Inns said it filed."},
        {"CALGARY, Alberta, March 3 - Prairie Gas Ltd said.", "1987-03-03T10:00:00Z", NULL,
         "Calgary, Alberta", "1987-03-03", "", "Prairie Gas Ltd said."},
        /* published in January, dated late December: the previous year */
        {"LONDON, Dec 31 - Markets closed early.", "2022-01-01T02:00:00Z", NULL, "London",
         "2021-12-31", "", "Markets closed early."},
        /* a year written in the dateline wins */
        {"PARIS, March 3, 2019 - The show opened.", NULL, NULL, "Paris", "2019-03-03", "",
         "The show opened."},
        /* no date anywhere: the place is kept, the date is unknown */
        {"TOKYO, April 2 - Exports rose.", NULL, NULL, "Tokyo", NULL, "", "Exports rose."},
        /* a leading byline paragraph */
        {"By Jane Roe and John Doe\n\nMUNICH, March 14 \xE2\x80\x93 The fair drew buyers.",
         "2023-03-14T12:00:00Z", NULL, "Munich", "2023-03-14", "Jane Roe|John Doe",
         "The fair drew buyers."},
        /* not datelines */
        {"The Sichuan Provincial Government, in a statement, said.", "2021-05-20T00:00:00Z", NULL,
         NULL, NULL, "", "The Sichuan Provincial Government, in a statement, said."},
        {"Apple, Google and Meta reported results.", NULL, NULL, NULL, NULL, "",
         "Apple, Google and Meta reported results."},
        {"HOUSTON, Feb 26 officials said nothing.", "1987-02-26T00:00:00Z", NULL, NULL, NULL, "",
         "HOUSTON, Feb 26 officials said nothing."},
};

static void test_forms(void)
{
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                const struct dl_case *c = &cases[i];
                struct nw_article a;
                char authors[200] = "";
                int found;

                nw_article_init(&a);
                a.body = strdup(c->body);
                a.title = strdup("A title without a year");
                a.published_at = c->published_at ? strdup(c->published_at) : NULL;
                found = nw_dateline_split(&a);
                if (!c->location) {
                        CU_ASSERT_PTR_NULL(a.dateline);
                        CU_ASSERT_EQUAL(found, 0);
                } else {
                        CU_ASSERT_PTR_NOT_NULL_FATAL(a.dateline);
                        NW_ASSERT_STR(a.dateline->agency, c->agency, c->body);
                        NW_ASSERT_STR(a.dateline->location, c->location, c->body);
                        NW_ASSERT_STR(a.dateline->date, c->date, c->body);
                }
                for (size_t k = 0; k < a.authors.n; k++) {
                        strcat(authors, k ? "|" : "");
                        strcat(authors, a.authors.v[k]);
                }
                NW_ASSERT_STR(authors, c->authors, c->body);
                NW_ASSERT_STR(a.body, c->rest, c->body);
                nw_article_free(&a);
        }
}

static void test_year_from_title(void)
{
        struct nw_article a;

        nw_article_init(&a);
        a.title = strdup("Invest North Summit 2023 ends");
        a.body = strdup("New Delhi, Feb 25 (PTI) The summit ended.");
        CU_ASSERT_EQUAL(nw_dateline_split(&a), 1);
        CU_ASSERT_PTR_NOT_NULL_FATAL(a.dateline);
        NW_ASSERT_STR(a.dateline->date, "2023-02-25", "year from the title");
        nw_article_free(&a);
}

int nw_test_register_dateline(void)
{
        static const struct nw_test tests[] = {
                {"dateline and byline forms", test_forms},
                {"year from the title when published_at is missing", test_year_from_title},
                {NULL, NULL},
        };
        return nw_test_add_suite("dateline", tests);
}
