/* test_dates.c -- unit tests for nw_dates: absolute forms, relative dates against a
 * reference (with month and year rollover), year inference and wire datelines. */
#include "nw_test.h"

#include <string.h>

#include "nw_dates.h"

struct date_case {
        const char *ref;        /* reference date, or NULL */
        const char *in;
        const char *want;       /* ISO date, or "" when it cannot be resolved */
};

static const struct date_case cases[] = {
        {NULL, "2021-05-19", "2021-05-19"},
        {NULL, "May 20, 2021", "2021-05-20"},
        {NULL, "Sept. 17, 2023", "2023-09-17"},
        {NULL, "17 April 2019", "2019-04-17"},
        {NULL, "May 20th", ""},
        {"2021-05-20", "May 20th", "2021-05-20"},
        {"2021-05-20", "Aug. 9", "2020-08-09"},           /* months later: last year */
        {"2021-05-20", "July 1", "2021-07-01"},           /* six weeks ahead: this year */
        {"2024-01-03", "December 28", "2023-12-28"},      /* year rollover */
        {"2023-12-30", "January 4", "2024-01-04"},
        {"2021-05-20", "the 19th", "2021-05-19"},
        {"2021-05-03", "the 29th", "2021-04-29"},         /* month rollover */
        {"2021-01-02", "the 30th", "2020-12-30"},         /* month and year rollover */
        {"2021-05-20", "the 19th of May", "2021-05-19"},
        {"2021-05-20", "Tuesday", "2021-05-18"},          /* 2021-05-20 was a Thursday */
        {"2021-05-20", "Thursday", "2021-05-20"},
        {"2021-05-20", "last Thursday", "2021-05-13"},
        {"2021-05-20", "next Monday", "2021-05-24"},
        {"2021-03-01", "Sunday", "2021-02-28"},
        {"2021-01-01", "Wednesday", "2020-12-30"},
        {"2021-05-20", "yesterday", "2021-05-19"},
        {"2021-03-01", "yesterday", "2021-02-28"},
        {"2021-01-01", "yesterday", "2020-12-31"},
        {"2021-05-20", "today", "2021-05-20"},
        {"2021-12-31", "tomorrow", "2022-01-01"},
        {"2021-05-20", "last week", "2021-05-13"},
        {"2024-02-26", "Saturday (Feb. 24)", "2024-02-24"},
        {NULL, "Tuesday", ""},
};

static void test_parse(void)
{
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                const struct date_case *c = &cases[i];
                struct nw_date ref = {0, 0, 0}, out;
                size_t end;
                char iso[11] = "";
                int ok;

                if (c->ref) {
                        CU_ASSERT_TRUE(nw_date_from_iso(c->ref, &ref));
                }
                ok = nw_date_parse_at(c->in, strlen(c->in), 0, &ref, NW_DATE_PAST, &out, &end);
                CU_ASSERT_TRUE(ok);
                if (ok && out.y) {
                        nw_date_format(&out, iso);
                }
                NW_ASSERT_STR(iso, c->want, c->in);
        }
}

static void test_future_and_rejects(void)
{
        struct nw_date ref = {2021, 5, 20}, out;
        size_t end;
        char iso[11];

        CU_ASSERT_TRUE(nw_date_parse_at("Tuesday", 7, 0, &ref, NW_DATE_FUTURE, &out, &end));
        nw_date_format(&out, iso);
        NW_ASSERT_STR(iso, "2021-05-25", "future Tuesday");
        CU_ASSERT_TRUE(nw_date_parse_at("the 25th", 8, 0, &ref, NW_DATE_FUTURE, &out, &end));
        nw_date_format(&out, iso);
        NW_ASSERT_STR(iso, "2021-05-25", "future 25th");
        /* an edition number, not a date */
        CU_ASSERT_FALSE(nw_date_parse_at("the 20th Expo", 13, 0, &ref, NW_DATE_PAST, &out, &end));
        CU_ASSERT_FALSE(nw_date_parse_at("Mayor", 5, 0, &ref, NW_DATE_PAST, &out, &end));
        CU_ASSERT_FALSE(nw_date_from_iso("2021-02-30", &out));
        CU_ASSERT_FALSE(nw_date_from_iso(NULL, &out));
}

static void test_calendar(void)
{
        struct nw_date d = {2024, 2, 28};
        char iso[11];

        d = nw_date_add_days(d, 1);
        nw_date_format(&d, iso);
        NW_ASSERT_STR(iso, "2024-02-29", "leap day");
        d = nw_date_add_days(d, 1);
        nw_date_format(&d, iso);
        NW_ASSERT_STR(iso, "2024-03-01", "after leap day");
        CU_ASSERT_EQUAL(nw_date_weekday(&(struct nw_date){1970, 1, 1}), 3);
        CU_ASSERT_EQUAL(nw_date_infer_year(2, 29, &(struct nw_date){2024, 3, 10}), 2024);
}

struct dl_case {
        const char *body;
        const char *published;
        const char *want;       /* ISO, "" when no year, NULL when no dateline */
};

static const struct dl_case dl_cases[] = {
        {"HOUSTON, Feb 26 - Oil prices rose.", "1987-02-26", "1987-02-26"},
        {"BEIJING, May 18 (Xinhua) -- Officials said.", "2020-05-18", "2020-05-18"},
        {"Metro News Agency Riverside Channel, May 20th (Ann Lee, Bo Chen) The fair opened.",
         "2021-05-20", "2021-05-20"},
        {"SPRINGFIELD, China, July 1, 2019 /PRNewswire/ -- A fair opened.", NULL, "2019-07-01"},
        {"Page chrome\n\nSEOUL, April 12 Banks said.", NULL, ""},
        {"The fair opened on Tuesday, May 4, in the city.", "2021-05-05", NULL},
};

static void test_dateline(void)
{
        for (size_t i = 0; i < sizeof(dl_cases) / sizeof(dl_cases[0]); i++) {
                const struct dl_case *c = &dl_cases[i];
                struct nw_date pub = {0, 0, 0}, out;
                size_t w, we;
                char iso[11] = "";
                int ok;

                if (c->published) {
                        nw_date_from_iso(c->published, &pub);
                }
                ok = nw_date_find_dateline(c->body, strlen(c->body), &pub, &out, &w, &we);
                if (!c->want) {
                        CU_ASSERT_FALSE(ok);
                        continue;
                }
                CU_ASSERT_TRUE(ok);
                if (ok && out.y) {
                        nw_date_format(&out, iso);
                }
                NW_ASSERT_STR(iso, c->want, c->body);
        }
}

int nw_test_register_dates(void)
{
        static const struct nw_test tests[] = {
                {"absolute and relative", test_parse},
                {"future and rejects", test_future_and_rejects},
                {"calendar", test_calendar},
                {"datelines", test_dateline},
                {NULL, NULL},
        };
        return nw_test_add_suite("dates", tests);
}
