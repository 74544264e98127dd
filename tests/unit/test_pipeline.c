/* test_pipeline.c -- unit tests for nw_pipeline: one message to one article, the record id
 * rules (producer id, else URL, else content), the Kafka coordinates, the claim keys and
 * values that exact-duplicate detection and crash recovery rely on, and DLQ reasons. */
#include "nw_test.h"

#include <stdlib.h>
#include <string.h>

#include "nw_fingerprint.h"
#include "nw_pipeline.h"

static const struct nw_limits lim = {1 << 20, 32};

static enum nw_err run(const char *value, const char *ct, struct nw_article *a, char *err,
                       size_t err_size)
{
        struct nw_msg msg = {value, strlen(value), ct, 0, NULL, 0, 0};

        nw_article_init(a);
        return nw_pipeline_process(&lim, &msg, a, err, err_size);
}

static int all_hex(const char *s, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
                        return 0;
                }
        }
        return s[n] == '\0';
}

static void test_producer_id_kept(void)
{
        struct nw_article a;
        char err[200] = "";
        char hex[65];

        CU_ASSERT_EQUAL_FATAL(run("{\"id\":\"wire-42\",\"title\":\"Port  opens\",\"body\":\"Ships "
                                  "returned.\",\"url\":\"https://Example.com/a?utm_source=x\","
                                  "\"source\":\"Harbour Wire\"}",
                                  NULL, &a, err, sizeof(err)),
                              NW_OK);
        NW_ASSERT_STR(a.id, "wire-42", "id");
        NW_ASSERT_STR(a.producer_id, "wire-42", "producer_id");
        NW_ASSERT_STR(a.title, "Port opens", "normalized title");
        NW_ASSERT_STR(a.body, "Ships returned.", "body");
        NW_ASSERT_STR(a.url, "https://Example.com/a?utm_source=x", "url as sent");
        NW_ASSERT_STR(a.canonical_url, "https://example.com/a", "canonical_url");
        NW_ASSERT_STR(a.source_name, "Harbour Wire", "source");
        /* the fingerprints are of the normalized text */
        nw_fp_content_sha256("Port opens", "Ships returned.", hex);
        NW_ASSERT_STR(a.sha256_hex, hex, "sha256");
        CU_ASSERT_EQUAL(a.simhash, nw_fp_simhash("Ships returned.", 15));
        CU_ASSERT_EQUAL(a.has_coords, 0);
        CU_ASSERT_PTR_NULL(a.topic);
        nw_article_free(&a);
}

static void test_numeric_producer_id(void)
{
        struct nw_article a;
        char err[200] = "";

        CU_ASSERT_EQUAL_FATAL(run("{\"id\":9001,\"title\":\"T\"}", NULL, &a, err, sizeof(err)), NW_OK);
        NW_ASSERT_STR(a.id, "9001", NULL);
        nw_article_free(&a);
}

static void test_url_id_stable_under_tracking(void)
{
        static const char *const msgs[] = {
                "{\"title\":\"Port opens\",\"url\":\"https://example.com/story?id=7\"}",
                "{\"title\":\"Port opens again\",\"url\":\"https://EXAMPLE.com/story?utm_source=feed&id=7&utm_medium=rss#top\"}",
                "{\"title\":\"Port\",\"url\":\"https://example.com:443/story?id=7&fbclid=z\"}",
                /* an unusable producer id (white space) falls back to the URL */
                "{\"id\":\"has space\",\"title\":\"T\",\"url\":\"https://example.com/story?id=7\"}",
        };
        struct nw_article a;
        char err[200] = "";
        char hex[65], want[64];

        nw_fp_sha256_hex("https://example.com/story?id=7", 30, hex);
        snprintf(want, sizeof(want), "u-%.32s", hex);
        for (size_t i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
                CU_ASSERT_EQUAL_FATAL(run(msgs[i], NULL, &a, err, sizeof(err)), NW_OK);
                NW_ASSERT_STR(a.id, want, msgs[i]);
                CU_ASSERT_EQUAL(strlen(a.id), 34);
                CU_ASSERT(all_hex(a.id + 2, 32));
                nw_article_free(&a);
        }
}

static void test_content_id_without_id_or_url(void)
{
        struct nw_article a, b;
        char err[200] = "";
        char want[64];

        CU_ASSERT_EQUAL_FATAL(run("{\"title\":\"Port opens\",\"body\":\"Ships returned.\"}", NULL,
                                  &a, err, sizeof(err)),
                              NW_OK);
        snprintf(want, sizeof(want), "c-%.32s", a.sha256_hex);
        NW_ASSERT_STR(a.id, want, "c- id");
        CU_ASSERT_EQUAL(strlen(a.id), 34);
        CU_ASSERT(all_hex(a.id + 2, 32));
        CU_ASSERT_PTR_NULL(a.producer_id);
        CU_ASSERT_PTR_NULL(a.canonical_url);
        /* the same text through plain text yields the same id: ids follow normalized content */
        CU_ASSERT_EQUAL_FATAL(run("Port opens\nShips returned.", NULL, &b, err, sizeof(err)), NW_OK);
        NW_ASSERT_STR(b.id, a.id, "plain-text twin");
        /* a URL the canonicalizer refuses does not become a u- id */
        nw_article_free(&b);
        CU_ASSERT_EQUAL_FATAL(run("{\"title\":\"Port opens\",\"body\":\"Ships returned.\","
                                  "\"url\":\"ftp://example.com/x\"}",
                                  NULL, &b, err, sizeof(err)),
                              NW_OK);
        NW_ASSERT_STR(b.id, a.id, "non-http url");
        nw_article_free(&a);
        nw_article_free(&b);
}

static void test_coordinates_carried(void)
{
        const char *v = "{\"id\":\"wire-42\",\"title\":\"T\"}";
        struct nw_msg msg = {v, strlen(v), NULL, 1, "news.raw", 3, 6150000000LL};
        struct nw_article a;
        char err[200] = "";

        nw_article_init(&a);
        CU_ASSERT_EQUAL_FATAL(nw_pipeline_process(&lim, &msg, &a, err, sizeof(err)), NW_OK);
        CU_ASSERT_EQUAL(a.has_coords, 1);
        NW_ASSERT_STR(a.topic, "news.raw", "topic");
        CU_ASSERT_EQUAL(a.partition, 3);
        CU_ASSERT_EQUAL(a.offset, 6150000000LL);
        nw_article_free(&a);
}

static void test_claim_keys(void)
{
        struct nw_article a;
        struct nw_claim_keys k;
        char err[200] = "";
        char want[100], hex[65];

        CU_ASSERT_EQUAL_FATAL(run("{\"id\":\"w1\",\"title\":\"T\",\"body\":\"B\","
                                  "\"url\":\"https://example.com/a\"}",
                                  NULL, &a, err, sizeof(err)),
                              NW_OK);
        nw_claim_keys(&a, "nw:", &k);
        /* content key: sha256("T\nB"), the known answer from test_fingerprint.c */
        NW_ASSERT_STR(k.content,
                      "nw:x:e1725446192b97dc9f6faa7e5c3ebe3960b960b7947a6c0981f69aa6f6af6ce6",
                      "content key");
        nw_fp_sha256_hex("https://example.com/a", 21, hex);
        snprintf(want, sizeof(want), "nw:u:%s", hex);
        NW_ASSERT_STR(k.url, want, "url key");
        NW_ASSERT_STR(k.url, "nw:u:2dce0a4c50441bfccfa9caf4b58c3cba6e06c420505dd829f0436de1aa44baac",
                      "url key known answer");
        /* the prefix is capped at 8 bytes so the keys always fit */
        nw_claim_keys(&a, "abcdefghijkl", &k);
        CU_ASSERT_EQUAL(strncmp(k.content, "abcdefghx:", 10), 0);
        CU_ASSERT_EQUAL(strlen(k.content), 8 + 2 + 64);
        CU_ASSERT_EQUAL(strncmp(k.url, "abcdefghu:", 10), 0);
        /* empty prefix */
        nw_claim_keys(&a, "", &k);
        CU_ASSERT_EQUAL(strncmp(k.content, "x:", 2), 0);
        nw_article_free(&a);

        /* no URL: no URL key */
        CU_ASSERT_EQUAL_FATAL(run("{\"title\":\"T\",\"body\":\"B\"}", NULL, &a, err, sizeof(err)),
                              NW_OK);
        nw_claim_keys(&a, "nw:", &k);
        NW_ASSERT_STR(k.url, "", "no url key");
        CU_ASSERT_EQUAL(strncmp(k.content, "nw:x:", 5), 0);
        nw_article_free(&a);
}

static void test_claim_value(void)
{
        const char *v = "{\"id\":\"wire-42\",\"title\":\"T\"}";
        struct nw_msg msg = {v, strlen(v), NULL, 1, "news.raw", 3, 1234567890123LL};
        struct nw_article a;
        struct nw_buf out;
        char err[200] = "";

        nw_article_init(&a);
        CU_ASSERT_EQUAL_FATAL(nw_pipeline_process(&lim, &msg, &a, err, sizeof(err)), NW_OK);
        nw_buf_init(&out, 0);
        CU_ASSERT_EQUAL(nw_claim_value(&a, &out), NW_OK);
        NW_ASSERT_STR(nw_buf_str(&out), "news.raw/3/1234567890123 wire-42", "with coordinates");
        nw_buf_free(&out);
        nw_article_free(&a);

        /* offline: no coordinates */
        CU_ASSERT_EQUAL_FATAL(run(v, NULL, &a, err, sizeof(err)), NW_OK);
        nw_buf_init(&out, 0);
        CU_ASSERT_EQUAL(nw_claim_value(&a, &out), NW_OK);
        NW_ASSERT_STR(nw_buf_str(&out), "-/-/- wire-42", "without coordinates");
        nw_buf_free(&out);
        nw_article_free(&a);
}

static void test_normalization_applied(void)
{
        struct nw_article a;
        char err[200] = "";

        CU_ASSERT_EQUAL_FATAL(
                run("{\"title\":\" Big\\tnews\\n today \",\"body\":\"<p>One &amp; two</p><p>three</p>\","
                    "\"published_at\":\"2021-05-20T10:00:00+08:00\",\"language\":\"EN-us\","
                    "\"desk\":\"metro\"}",
                    NULL, &a, err, sizeof(err)),
                NW_OK);
        NW_ASSERT_STR(a.title, "Big news today", "title");
        NW_ASSERT_STR(a.body, "One & two\n\nthree", "html body");
        CU_ASSERT_EQUAL(a.body_was_html, 1);
        NW_ASSERT_STR(a.published_at, "2021-05-20T02:00:00Z", "published_at in UTC");
        NW_ASSERT_STR(a.language, "en", "language tag");
        NW_ASSERT_STR(a.extra_json, "{\"desk\":\"metro\"}", "extra");
        nw_article_free(&a);

        /* an unparseable date is dropped, not an error; language is detected */
        CU_ASSERT_EQUAL_FATAL(
                run("{\"title\":\"T\",\"body\":\"The minister said that the port of the city is "
                    "open to ships and trade.\",\"published_at\":\"sometime soon\"}",
                    NULL, &a, err, sizeof(err)),
                NW_OK);
        CU_ASSERT_PTR_NULL(a.published_at);
        NW_ASSERT_STR(a.language, "en", "detected en");
        nw_article_free(&a);

        CU_ASSERT_EQUAL_FATAL(run("{\"title\":\"\xE6\x88\x90\xE9\x83\xBD\xE4\xB8\xBE\xE5\x8A\x9E"
                                  "\xE4\xBA\xA4\xE6\xB5\x81\xE4\xBC\x9A\"}",
                                  NULL, &a, err, sizeof(err)),
                              NW_OK);
        NW_ASSERT_STR(a.language, "zh", "detected zh");
        NW_ASSERT_STR(a.body, "", "missing body is \"\"");
        nw_article_free(&a);
}

struct bad_case {
        const char *name;
        const char *value;
        enum nw_err want;
};

static const struct bad_case bad_cases[] = {
        {"truncated JSON", "{\"title\":\"Port", NW_ERR_BAD_JSON},
        {"top-level array", "[\"a\"]", NW_ERR_NOT_OBJECT},
        {"title as number", "{\"title\":5}", NW_ERR_BAD_FIELD},
        {"invalid UTF-8", "Head\xC0\x80line", NW_ERR_BAD_UTF8},
        {"white space only", "   ", NW_ERR_EMPTY},
        {"no content", "{\"desk\":\"metro\"}", NW_ERR_NO_CONTENT},
        /* passes decode (not blank bytes) but nothing survives normalization */
        {"only control characters", "{\"title\":\"\\u0001\\u0002\",\"body\":\"\\u200b\"}",
         NW_ERR_NO_CONTENT},
        /* the HTML depth limit is lim.max_depth (32) */
        {"HTML tag bomb", "{\"title\":\"T\",\"body\":\"<div><div><div><div><div><div><div><div>"
                          "<div><div><div><div><div><div><div><div><div><div><div><div><div><div>"
                          "<div><div><div><div><div><div><div><div><div><div><div><div>\"}",
         NW_ERR_TOO_DEEP},
};

static void test_malformed_messages(void)
{
        for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
                const struct bad_case *c = &bad_cases[i];
                struct nw_article a;
                char err[200] = "";
                enum nw_err got = run(c->value, NULL, &a, err, sizeof(err));

                CU_ASSERT_EQUAL(got, c->want);
                if (got != c->want) {
                        fprintf(stderr, "\npipeline [%s]: got %s want %s (%s)\n", c->name,
                                nw_err_name(got), nw_err_name(c->want), err);
                }
                CU_ASSERT(strlen(err) > 0);
                /* the article is left empty: nothing half-built can be published */
                CU_ASSERT_PTR_NULL(a.id);
                CU_ASSERT_PTR_NULL(a.title);
                CU_ASSERT_PTR_NULL(a.body);
                nw_article_free(&a);
        }
}

int nw_test_register_pipeline(void)
{
        static const struct nw_test tests[] = {
                {"id: producer id kept", test_producer_id_kept},
                {"id: numeric producer id", test_numeric_producer_id},
                {"id: u- from canonical URL, stable under tracking", test_url_id_stable_under_tracking},
                {"id: c- from content", test_content_id_without_id_or_url},
                {"coordinates carried", test_coordinates_carried},
                {"claim keys", test_claim_keys},
                {"claim value", test_claim_value},
                {"normalization applied", test_normalization_applied},
                {"malformed messages", test_malformed_messages},
                {NULL, NULL},
        };
        return nw_test_add_suite("pipeline", tests);
}
