/* test_time.c -- unit tests for nw_time: the date forms producers send, RFC 3339 output (what
 * published_at and processed_at hold) and the calendar arithmetic under both. */
#include "nw_test.h"

#include <stdint.h>
#include <string.h>

#include "nw_time.h"

#define INVALID INT64_MIN

struct parse_case {
        const char *in;
        int64_t want;           /* unix seconds, or INVALID */
};

/* Expected instants were computed independently (Python's calendar.timegm). */
static const struct parse_case parse_cases[] = {
        {"2021-05-20T10:00:00Z", 1621504800},
        {"2021-05-20t10:00:00z", 1621504800},
        {"2021-05-20T10:00:00+08:00", 1621476000},
        {"2021-05-20T10:00:00+0800", 1621476000},
        {"2021-05-20T10:00:00-05:30", 1621524600},
        {"2021-05-20T10:00:00.123456Z", 1621504800},
        {"2021-05-20 10:00:00Z", 1621504800},
        {"2021-05-20T10:00:00", 1621504800},            /* no offset: UTC */
        {"2021-05-20T10:00Z", 1621504800},
        {"2021-05-20", 1621468800},
        {"  2021-05-20  ", 1621468800},
        {"2021-05-20 ", 1621468800},                    /* a trailing space is not a time */
        {"2021-05-20 10:00", 1621504800},
        {"1969-12-31T23:59:59Z", -1},
        {"1969-07-20T20:17:40Z", -14182940},
        {"2000-02-29", 951782400},
        {"Thu, 26 Feb 1987 15:01:01 GMT", 541350061},
        {"26 Feb 1987 15:01:01 +0000", 541350061},
        {"Thu, 26 Feb 1987 23:01:01 +0800", 541350061},
        {"26-FEB-1987 15:01:01.79", 541350061},
        {"Feb 26, 1987", 541296000},
        {"February 26 1987 10:00 UTC", 541332000},
        {"26 February 1987", 541296000},
        {"2021-02-30", INVALID},
        {"2021-02-29", INVALID},
        {"1900-02-29", INVALID},
        {"2021-13-01", INVALID},
        {"2021-00-10", INVALID},
        {"2021-04-31", INVALID},
        {"2021-05-00", INVALID},
        {"2021-05-20T24:00:00Z", INVALID},
        {"2021-05-20T10:60:00Z", INVALID},
        {"2021-05-20T10:00:00+19:00", INVALID},
        {"2021-05-20 and more", INVALID},
        {"30 Feb 1987", INVALID},
        {"Feb 30, 1987", INVALID},
        {"26-FOO-1987", INVALID},
        {"yesterday", INVALID},
        {"", INVALID},
        {"2021-5-20", INVALID},
};

static void test_parse_table(void)
{
        for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
                const struct parse_case *c = &parse_cases[i];
                int64_t got = 12345;
                int rc = nw_time_parse(c->in, strlen(c->in), &got);

                if (c->want == INVALID) {
                        CU_ASSERT_EQUAL(rc, -1);
                        if (rc != -1) {
                                fprintf(stderr, "\ntime parse [%s]: accepted as %lld\n", c->in,
                                        (long long)got);
                        }
                } else {
                        CU_ASSERT_EQUAL(rc, 0);
                        CU_ASSERT_EQUAL(got, c->want);
                        if (rc != 0 || got != c->want) {
                                fprintf(stderr, "\ntime parse [%s]: rc %d got %lld want %lld\n",
                                        c->in, rc, (long long)got, (long long)c->want);
                        }
                }
        }
}

static void test_parse_length_bounds_input(void)
{
        int64_t t = 0;

        /* only len bytes count: the "Z..." tail is outside */
        CU_ASSERT_EQUAL(nw_time_parse("2021-05-20garbage", 10, &t), 0);
        CU_ASSERT_EQUAL(t, 1621468800);
}

struct format_case {
        int64_t ms;
        int with_ms;
        const char *want;
};

static const struct format_case format_cases[] = {
        {0, 1, "1970-01-01T00:00:00.000Z"},
        {0, 0, "1970-01-01T00:00:00Z"},
        {1621504800123LL, 1, "2021-05-20T10:00:00.123Z"},
        {1621504800123LL, 0, "2021-05-20T10:00:00Z"},
        {951782400000LL, 0, "2000-02-29T00:00:00Z"},                     /* leap day */
        {951868800000LL, 0, "2000-03-01T00:00:00Z"},
        {1735689599000LL, 1, "2024-12-31T23:59:59.000Z"},                /* day 366 */
        {-1, 1, "1969-12-31T23:59:59.999Z"},
        {-1000, 0, "1969-12-31T23:59:59Z"},
        {-86400000LL, 1, "1969-12-31T00:00:00.000Z"},
        {-14182940000LL, 0, "1969-07-20T20:17:40Z"},
        {-2208988800000LL, 1, "1900-01-01T00:00:00.000Z"},
        {541350061790LL, 1, "1987-02-26T15:01:01.790Z"},
        {253402300799999LL, 1, "9999-12-31T23:59:59.999Z"},
};

static void test_format_table(void)
{
        for (size_t i = 0; i < sizeof(format_cases) / sizeof(format_cases[0]); i++) {
                const struct format_case *c = &format_cases[i];
                char out[32];

                memset(out, 'x', sizeof(out));
                nw_time_format(c->ms, c->with_ms, out, sizeof(out));
                NW_ASSERT_STR(out, c->want, c->want);
        }
}

static void test_format_parse_round_trip(void)
{
        /* seconds across eras, month ends and both sides of the epoch */
        static const int64_t secs[] = {
                0, 1, -1, 86399, 86400, 951782399, 951782400, 1621504800, -2208988800LL,
                -62135596800LL /* 0001-01-01 */, 4102444800LL /* 2100-01-01 */,
        };
        for (size_t i = 0; i < sizeof(secs) / sizeof(secs[0]); i++) {
                char out[32];
                int64_t back = 0;

                nw_time_format(secs[i] * 1000, 0, out, sizeof(out));
                CU_ASSERT_EQUAL(nw_time_parse(out, strlen(out), &back), 0);
                CU_ASSERT_EQUAL(back, secs[i]);
                if (back != secs[i]) {
                        fprintf(stderr, "\nround trip %lld -> %s -> %lld\n", (long long)secs[i],
                                out, (long long)back);
                }
        }
}

static void test_days_from_civil(void)
{
        CU_ASSERT_EQUAL(nw_days_from_civil(1970, 1, 1), 0);
        CU_ASSERT_EQUAL(nw_days_from_civil(1970, 1, 2), 1);
        CU_ASSERT_EQUAL(nw_days_from_civil(1969, 12, 31), -1);
        CU_ASSERT_EQUAL(nw_days_from_civil(2000, 2, 29), 11016);
        CU_ASSERT_EQUAL(nw_days_from_civil(2000, 3, 1), 11017);
        CU_ASSERT_EQUAL(nw_days_from_civil(1600, 1, 1), -135140);
        CU_ASSERT_EQUAL(nw_days_from_civil(1, 1, 1), -719162);
        CU_ASSERT_EQUAL(nw_days_from_civil(9999, 12, 31), 2932896);
        /* consecutive days across month and year ends differ by one */
        CU_ASSERT_EQUAL(nw_days_from_civil(2024, 3, 1) - nw_days_from_civil(2024, 2, 29), 1);
        CU_ASSERT_EQUAL(nw_days_from_civil(2023, 3, 1) - nw_days_from_civil(2023, 2, 28), 1);
        CU_ASSERT_EQUAL(nw_days_from_civil(2021, 1, 1) - nw_days_from_civil(2020, 12, 31), 1);
        CU_ASSERT_EQUAL(nw_days_from_civil(2025, 1, 1) - nw_days_from_civil(2024, 1, 1), 366);
        CU_ASSERT_EQUAL(nw_days_from_civil(1901, 1, 1) - nw_days_from_civil(1900, 1, 1), 365);
}

struct month_case {
        const char *s;
        int want;
        size_t n;
};

static const struct month_case month_cases[] = {
        {"jan", 1, 3},
        {"January", 1, 7},
        {"FEB", 2, 3},
        {"february 26", 2, 8},
        {"Mar.", 3, 3},
        {"May 5", 5, 3},
        {"june", 6, 4},
        {"Jul", 7, 3},
        {"Sept", 9, 4},
        {"sep", 9, 3},
        {"September", 9, 9},
        {"Dec1987", 12, 3},
        {"December", 12, 8},
        {"Ju", 0, 0},
        {"Janu", 0, 0},
        {"Decembers", 0, 0},
        {"Jux", 0, 0},
        {"Monday", 0, 0},
        {"", 0, 0},
};

static void test_month_from_name(void)
{
        for (size_t i = 0; i < sizeof(month_cases) / sizeof(month_cases[0]); i++) {
                const struct month_case *c = &month_cases[i];
                size_t n = 99;
                int got = nw_month_from_name(c->s, strlen(c->s), &n);

                CU_ASSERT_EQUAL(got, c->want);
                if (c->want) {
                        CU_ASSERT_EQUAL(n, c->n);
                }
                if (got != c->want) {
                        fprintf(stderr, "\nmonth [%s]: got %d want %d\n", c->s, got, c->want);
                }
        }
}

int nw_test_register_time(void)
{
        static const struct nw_test tests[] = {
                {"parse: table", test_parse_table},
                {"parse: length bounds the input", test_parse_length_bounds_input},
                {"format: table", test_format_table},
                {"format/parse round trip", test_format_parse_round_trip},
                {"days_from_civil", test_days_from_civil},
                {"month_from_name", test_month_from_name},
                {NULL, NULL},
        };
        return nw_test_add_suite("time", tests);
}
