/* test_url.c -- unit tests for nw_url_canonical: URL-derived ids and URL claim keys depend on
 * one page mapping to one string, whatever tracking, case, port or fragment it arrives with. */
#include "nw_test.h"

#include <string.h>

#include "nw_url.h"

struct url_case {
        const char *name;
        const char *in;
        const char *want;       /* NULL: NW_ERR_BAD_FIELD */
};

static const struct url_case url_cases[] = {
        {"already canonical", "https://example.com/news/1", "https://example.com/news/1"},
        {"scheme and host lower-cased, path kept", "HTTP://News.Example.COM/World/Story",
         "http://news.example.com/World/Story"},
        {"http default port dropped", "http://example.com:80/a", "http://example.com/a"},
        {"https default port dropped", "https://example.com:443/a", "https://example.com/a"},
        {"80 is not the https default", "https://example.com:80/a", "https://example.com:80/a"},
        {"443 is not the http default", "http://example.com:443/a", "http://example.com:443/a"},
        {"other port kept", "http://example.com:8080/a", "http://example.com:8080/a"},
        {"fragment dropped", "https://example.com/a#comments", "https://example.com/a"},
        {"fragment after query dropped", "https://example.com/a?id=3#top", "https://example.com/a?id=3"},
        {"tracking parameters removed",
         "https://example.com/a?utm_source=feed&id=5&utm_medium=rss&fbclid=AbC&gclid=x1&utm_campaign=c",
         "https://example.com/a?id=5"},
        {"tracking names case-insensitive", "https://example.com/a?UTM_Source=x&FBCLID=y&p=1",
         "https://example.com/a?p=1"},
        {"only tracking: no '?' left", "https://example.com/a?utm_source=x&gclid=y",
         "https://example.com/a"},
        {"query sorted", "https://example.com/s?q=port&b=2&a=1", "https://example.com/s?a=1&b=2&q=port"},
        {"query key without value", "https://example.com/s?z&a=1", "https://example.com/s?a=1&z"},
        {"empty query parts dropped", "https://example.com/s?&&b=1&", "https://example.com/s?b=1"},
        {"utm_ prefix only, not any 'utm'", "https://example.com/s?utmost=1", "https://example.com/s?utmost=1"},
        {"userinfo dropped", "https://reader:secret@example.com/a", "https://example.com/a"},
        {"userinfo with port", "http://u@Example.com:80/", "http://example.com/"},
        {"empty path made /", "https://example.com", "https://example.com/"},
        {"empty path with query", "https://example.com?b=1&a=2", "https://example.com/?a=2&b=1"},
        {"empty path with fragment", "https://example.com#x", "https://example.com/"},
        {"surrounding white space", "  https://example.com/a \n", "https://example.com/a"},
        {"IPv6 host with port", "http://[2001:DB8::1]:8080/x", "http://[2001:db8::1]:8080/x"},
        {"IPv6 host default port", "http://[2001:db8::1]:80/x", "http://[2001:db8::1]/x"},
        {"ftp rejected", "ftp://example.com/file", NULL},
        {"mailto rejected", "mailto:desk@example.com", NULL},
        {"javascript rejected", "javascript:alert(1)", NULL},
        {"relative rejected", "/news/1", NULL},
        {"no scheme rejected", "example.com/news", NULL},
        {"one slash rejected", "http:/example.com/a", NULL},
        {"no host rejected", "http:///a", NULL},
        {"only credentials rejected", "http://user@/a", NULL},
        {"non-numeric port rejected", "http://example.com:8o/a", NULL},
        {"unterminated IPv6 rejected", "http://[::1/a", NULL},
        {"empty rejected", "", NULL},
};

static void test_canonical_table(void)
{
        for (size_t i = 0; i < sizeof(url_cases) / sizeof(url_cases[0]); i++) {
                const struct url_case *c = &url_cases[i];
                struct nw_buf out;
                enum nw_err err;

                nw_buf_init(&out, 0);
                /* a prefix proves the result is appended and a refusal leaves it alone */
                nw_buf_puts(&out, ">");
                err = nw_url_canonical(c->in, strlen(c->in), &out);
                if (c->want) {
                        char want[256];
                        snprintf(want, sizeof(want), ">%s", c->want);
                        CU_ASSERT_EQUAL(err, NW_OK);
                        NW_ASSERT_STR(nw_buf_str(&out), want, c->name);
                } else {
                        CU_ASSERT_EQUAL(err, NW_ERR_BAD_FIELD);
                        NW_ASSERT_STR(nw_buf_str(&out), ">", c->name);
                }
                nw_buf_free(&out);
        }
}

static void test_variants_map_to_one_string(void)
{
        static const char *const variants[] = {
                "https://example.com/story?id=7&page=2",
                "HTTPS://EXAMPLE.com:443/story?page=2&id=7",
                "https://example.com/story?utm_source=x&page=2&id=7#comments",
                "https://editor:pw@example.com/story?id=7&fbclid=q&page=2",
        };
        struct nw_buf first, other;

        nw_buf_init(&first, 0);
        CU_ASSERT_EQUAL_FATAL(nw_url_canonical(variants[0], strlen(variants[0]), &first), NW_OK);
        for (size_t i = 1; i < sizeof(variants) / sizeof(variants[0]); i++) {
                nw_buf_init(&other, 0);
                CU_ASSERT_EQUAL(nw_url_canonical(variants[i], strlen(variants[i]), &other), NW_OK);
                NW_ASSERT_STR(nw_buf_str(&other), nw_buf_str(&first), variants[i]);
                nw_buf_free(&other);
        }
        nw_buf_free(&first);
}

static void test_length_bounds_the_input(void)
{
        /* the URL need not be NUL-terminated: only len bytes are read */
        const char *s = "https://example.com/a#then garbage";
        struct nw_buf out;

        nw_buf_init(&out, 0);
        CU_ASSERT_EQUAL(nw_url_canonical(s, 21, &out), NW_OK);
        NW_ASSERT_STR(nw_buf_str(&out), "https://example.com/a", NULL);
        nw_buf_free(&out);
}

static void test_cap_leaves_output_unchanged(void)
{
        const char *s = "https://example.com/a/long/path?b=2&a=1";
        struct nw_buf out;

        nw_buf_init(&out, 24);
        nw_buf_puts(&out, "pre");
        CU_ASSERT_EQUAL(nw_url_canonical(s, strlen(s), &out), NW_ERR_TOO_BIG);
        NW_ASSERT_STR(nw_buf_str(&out), "pre", NULL);
        nw_buf_free(&out);
}

int nw_test_register_url(void)
{
        static const struct nw_test tests[] = {
                {"canonical: table", test_canonical_table},
                {"canonical: variants map to one string", test_variants_map_to_one_string},
                {"canonical: length bounds the input", test_length_bounds_the_input},
                {"canonical: cap leaves output unchanged", test_cap_leaves_output_unchanged},
                {NULL, NULL},
        };
        return nw_test_add_suite("url", tests);
}
