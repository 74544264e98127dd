/* test_serialize.c -- unit tests for nw_serialize: the v1 record is the contract with
 * downstream consumers, so every key, type and number format they read is checked here by
 * parsing the output back with yajl's tree API. */
#include "nw_test.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <stdio.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "nw_article.h"
#include "nw_fingerprint.h"
#include "nw_serialize.h"

/* A minimal article: only what the pipeline always sets. */
static void minimal(struct nw_article *a)
{
        nw_article_init(a);
        a->id = nw_xstrdup("wire-0001");
        a->title = nw_xstrdup("Port opens");
        a->body = nw_xstrdup("Ships returned on Monday.");
        nw_fp_content_sha256(a->title, a->body, a->sha256_hex);
        a->simhash = 0x0123456789abcdefULL;
}

/* Serialize @p a and parse the result; the text goes to @p text (caller frees) if not NULL. */
static yajl_val record(const struct nw_article *a, char **text)
{
        struct nw_buf out;
        char err[200] = "";
        yajl_val root;

        nw_buf_init(&out, 0);
        CU_ASSERT_EQUAL(nw_serialize(a, "2021-05-20T10:00:00.000Z", "0.1.0", &out), NW_OK);
        /* one line of JSON: a newline would split the record in line-based consumers */
        CU_ASSERT_PTR_NULL(strchr(nw_buf_str(&out), '\n'));
        root = yajl_tree_parse(nw_buf_str(&out), err, sizeof(err));
        if (!root) {
                fprintf(stderr, "\nrecord does not parse: %s\n%s\n", err, nw_buf_str(&out));
        }
        if (text) {
                *text = nw_buf_take(&out);
        }
        nw_buf_free(&out);
        return root;
}

static yajl_val get(yajl_val v, const char *k1, const char *k2, yajl_type type)
{
        const char *path[3] = {k1, k2, NULL};
        return yajl_tree_get(v, path, type);
}

static const char *get_str(yajl_val v, const char *k1, const char *k2)
{
        yajl_val s = get(v, k1, k2, yajl_t_string);
        return s ? YAJL_GET_STRING(s) : NULL;
}

static int is_null(yajl_val v, const char *k1, const char *k2)
{
        yajl_val n = get(v, k1, k2, yajl_t_any);
        return n != NULL && YAJL_IS_NULL(n);
}

static void test_minimal_record_has_every_key(void)
{
        static const char *const top[] = {
                "schema", "id", "source", "title", "body", "language", "published_at",
                "dateline", "authors", "fingerprint", "dedupe", "events", "investments",
                "statistics", "people", "organizations", "locations", "processed_at", "worker",
        };
        static const char *const source_keys[] = {"name", "url", "canonical_url", "topic",
                                                  "partition", "offset"};
        struct nw_article a;
        yajl_val root;

        minimal(&a);
        root = record(&a, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(root);
        CU_ASSERT_FATAL(YAJL_IS_OBJECT(root));
        for (size_t i = 0; i < sizeof(top) / sizeof(top[0]); i++) {
                CU_ASSERT_PTR_NOT_NULL(get(root, top[i], NULL, yajl_t_any));
                if (!get(root, top[i], NULL, yajl_t_any)) {
                        fprintf(stderr, "\nrecord lacks \"%s\"\n", top[i]);
                }
        }
        /* exactly those keys: "extra" only appears when there is something in it */
        CU_ASSERT_EQUAL(YAJL_GET_OBJECT(root)->len, sizeof(top) / sizeof(top[0]));
        CU_ASSERT_PTR_NULL(get(root, "extra", NULL, yajl_t_any));
        for (size_t i = 0; i < sizeof(source_keys) / sizeof(source_keys[0]); i++) {
                CU_ASSERT_PTR_NOT_NULL(get(root, "source", source_keys[i], yajl_t_any));
        }
        CU_ASSERT_EQUAL(YAJL_GET_OBJECT(get(root, "source", NULL, yajl_t_object))->len, 6);

        NW_ASSERT_STR(get_str(root, "schema", NULL), "newsworker.enriched/v1", "schema");
        NW_ASSERT_STR(get_str(root, "id", NULL), "wire-0001", "id");
        NW_ASSERT_STR(get_str(root, "title", NULL), "Port opens", "title");
        NW_ASSERT_STR(get_str(root, "body", NULL), "Ships returned on Monday.", "body");
        NW_ASSERT_STR(get_str(root, "processed_at", NULL), "2021-05-20T10:00:00.000Z", "processed_at");
        NW_ASSERT_STR(get_str(root, "worker", "version"), "0.1.0", "worker.version");
        NW_ASSERT_STR(get_str(root, "fingerprint", "sha256"), a.sha256_hex, "sha256");
        NW_ASSERT_STR(get_str(root, "fingerprint", "simhash"), "0123456789abcdef", "simhash");
        NW_ASSERT_STR(get_str(root, "dedupe", "status"), "unique", "dedupe.status");
        CU_ASSERT(is_null(root, "dedupe", "duplicate_of"));
        CU_ASSERT(is_null(root, "dedupe", "distance"));
        /* absent optional values are null, not missing and not "" */
        CU_ASSERT(is_null(root, "language", NULL));
        CU_ASSERT(is_null(root, "published_at", NULL));
        CU_ASSERT(is_null(root, "dateline", NULL));
        CU_ASSERT(is_null(root, "source", "name"));
        CU_ASSERT(is_null(root, "source", "url"));
        CU_ASSERT(is_null(root, "source", "canonical_url"));
        CU_ASSERT(is_null(root, "source", "topic"));
        CU_ASSERT(is_null(root, "source", "partition"));
        CU_ASSERT(is_null(root, "source", "offset"));
        /* fact lists are empty arrays */
        {
                static const char *const arrays[] = {"authors", "events", "investments",
                                                     "statistics", "people", "organizations",
                                                     "locations"};
                for (size_t i = 0; i < sizeof(arrays) / sizeof(arrays[0]); i++) {
                        yajl_val arr = get(root, arrays[i], NULL, yajl_t_array);
                        CU_ASSERT_PTR_NOT_NULL(arr);
                        CU_ASSERT(arr && YAJL_GET_ARRAY(arr)->len == 0);
                }
        }
        yajl_tree_free(root);
        nw_article_free(&a);
}

static void test_source_coordinates_and_big_integers(void)
{
        struct nw_article a;
        yajl_val root, off;
        char *text = NULL;

        minimal(&a);
        a.source_name = nw_xstrdup("Harbour Wire");
        a.url = nw_xstrdup("https://Example.com/a?utm_source=x");
        a.canonical_url = nw_xstrdup("https://example.com/a");
        a.has_coords = 1;
        a.topic = nw_xstrdup("news.raw");
        a.partition = 7;
        a.offset = 6150000000LL;
        root = record(&a, &text);
        CU_ASSERT_PTR_NOT_NULL_FATAL(root);
        NW_ASSERT_STR(get_str(root, "source", "name"), "Harbour Wire", "source.name");
        NW_ASSERT_STR(get_str(root, "source", "url"), "https://Example.com/a?utm_source=x", "url");
        NW_ASSERT_STR(get_str(root, "source", "canonical_url"), "https://example.com/a", "canon");
        NW_ASSERT_STR(get_str(root, "source", "topic"), "news.raw", "topic");
        CU_ASSERT(YAJL_IS_INTEGER(get(root, "source", "partition", yajl_t_number)));
        CU_ASSERT_EQUAL(YAJL_GET_INTEGER(get(root, "source", "partition", yajl_t_number)), 7);
        off = get(root, "source", "offset", yajl_t_number);
        CU_ASSERT_FATAL(off != NULL && YAJL_IS_INTEGER(off));
        CU_ASSERT_EQUAL(YAJL_GET_INTEGER(off), 6150000000LL);
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"offset\":6150000000"));
        free(text);
        yajl_tree_free(root);
        nw_article_free(&a);
}

static void test_extra_spliced_verbatim(void)
{
        struct nw_article a;
        yajl_val root;
        char *text = NULL;

        minimal(&a);
        a.extra_json = nw_xstrdup("{\"desk\":\"metro\",\"meta\":{\"tags\":[\"a\",1,null,true]}}");
        root = record(&a, &text);
        CU_ASSERT_PTR_NOT_NULL_FATAL(root);
        CU_ASSERT_PTR_NOT_NULL(get(root, "extra", NULL, yajl_t_object));
        NW_ASSERT_STR(get_str(root, "extra", "desk"), "metro", "extra.desk");
        CU_ASSERT_PTR_NOT_NULL(
                strstr(text, "\"extra\":{\"desk\":\"metro\",\"meta\":{\"tags\":[\"a\",1,null,true]}}"));
        free(text);
        yajl_tree_free(root);
        nw_article_free(&a);
}

static void test_strings_escaped(void)
{
        struct nw_article a;
        yajl_val root;
        const char *title = "A \"quoted\" \\ back\\slash\ttab \xE4\xB8\xAD \xE2\x80\x9C" "curly\xE2\x80\x9D";

        minimal(&a);
        free(a.title);
        a.title = nw_xstrdup(title);
        free(a.body);
        a.body = nw_xstrdup("Para one.\n\nPara two.");
        root = record(&a, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(root);
        NW_ASSERT_STR(get_str(root, "title", NULL), title, "title round trip");
        NW_ASSERT_STR(get_str(root, "body", NULL), "Para one.\n\nPara two.", "body round trip");
        yajl_tree_free(root);
        nw_article_free(&a);
}

static void test_investment_fields(void)
{
        struct nw_article a;
        struct nw_investment *inv;
        yajl_val root, arr, item;
        char *text = NULL;

        minimal(&a);
        a.investments = nw_xcalloc(1, sizeof(*a.investments));
        a.n_investments = 1;
        inv = &a.investments[0];
        inv->deal_count = 12;
        inv->deal_unit = nw_xstrdup("projects");
        inv->amount.present = 1;
        inv->amount.value = 6150000000.0;
        memcpy(inv->amount.currency, "CNY", 4);
        inv->amount.qualifier = NW_Q_MORE_THAN;
        inv->amount.text = nw_xstrdup("more than 6.15 billion yuan");
        nw_strv_push(&inv->sectors, "logistics", 9);
        nw_strv_push(&inv->parties, "Harbour Group", 13);
        inv->status = nw_xstrdup("signed");
        inv->location = nw_xstrdup("Chengdu");
        inv->sentence = nw_xstrdup("Twelve projects were signed.");
        root = record(&a, &text);
        CU_ASSERT_PTR_NOT_NULL_FATAL(root);
        arr = get(root, "investments", NULL, yajl_t_array);
        CU_ASSERT_FATAL(arr != NULL && YAJL_GET_ARRAY(arr)->len == 1);
        item = YAJL_GET_ARRAY(arr)->values[0];
        CU_ASSERT_EQUAL(YAJL_GET_INTEGER(get(item, "deal_count", NULL, yajl_t_number)), 12);
        NW_ASSERT_STR(get_str(item, "deal_unit", NULL), "projects", "deal_unit");
        NW_ASSERT_STR(get_str(item, "amount", "currency"), "CNY", "amount.currency");
        NW_ASSERT_STR(get_str(item, "amount", "qualifier"), "more_than", "amount.qualifier");
        NW_ASSERT_STR(get_str(item, "amount", "text"), "more than 6.15 billion yuan", "amount.text");
        CU_ASSERT(YAJL_IS_INTEGER(get(item, "amount", "value", yajl_t_number)));
        CU_ASSERT_EQUAL(YAJL_GET_INTEGER(get(item, "amount", "value", yajl_t_number)), 6150000000LL);
        /* whole amounts print as integers, never 6.15e+09 */
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"value\":6150000000,"));
        NW_ASSERT_STR(get_str(item, "status", NULL), "signed", "status");
        NW_ASSERT_STR(get_str(item, "location", NULL), "Chengdu", "location");
        NW_ASSERT_STR(get_str(item, "sentence", NULL), "Twelve projects were signed.", "sentence");
        {
                yajl_val sec = get(item, "sectors", NULL, yajl_t_array);
                yajl_val par = get(item, "parties", NULL, yajl_t_array);
                CU_ASSERT_FATAL(sec && YAJL_GET_ARRAY(sec)->len == 1);
                CU_ASSERT_FATAL(par && YAJL_GET_ARRAY(par)->len == 1);
                NW_ASSERT_STR(YAJL_GET_STRING(YAJL_GET_ARRAY(sec)->values[0]), "logistics", NULL);
                NW_ASSERT_STR(YAJL_GET_STRING(YAJL_GET_ARRAY(par)->values[0]), "Harbour Group", NULL);
        }
        free(text);
        yajl_tree_free(root);

        /* unknown count and no amount are nulls */
        inv->deal_count = -1;
        inv->amount.present = 0;
        root = record(&a, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(root);
        item = YAJL_GET_ARRAY(get(root, "investments", NULL, yajl_t_array))->values[0];
        CU_ASSERT(is_null(item, "deal_count", NULL));
        CU_ASSERT(is_null(item, "amount", NULL));
        yajl_tree_free(root);
        nw_article_free(&a);
}

static void test_statistics_events_people_numbers(void)
{
        struct nw_article a;
        yajl_val root, st, ev, pe;
        char *text = NULL;

        minimal(&a);
        a.statistics = nw_xcalloc(2, sizeof(*a.statistics));
        a.n_statistics = 2;
        a.statistics[0].value = 60;
        a.statistics[0].qualifier = NW_Q_ABOUT;
        a.statistics[0].unit = nw_xstrdup("percent");
        a.statistics[1].value = 2.5;
        a.statistics[1].qualifier = NW_Q_UP_TO;
        a.statistics[1].unit = nw_xstrdup("million");
        a.events = nw_xcalloc(1, sizeof(*a.events));
        a.n_events = 1;
        a.events[0].name = nw_xstrdup("Harbour Trade Fair");
        a.events[0].attendance.present = 1;
        a.events[0].attendance.value = 200;
        a.events[0].attendance.qualifier = NW_Q_LESS_THAN;
        nw_strv_push(&a.events[0].organizers, "Port Authority", 14);
        a.people = nw_xcalloc(1, sizeof(*a.people));
        a.n_people = 1;
        a.people[0].name = nw_xstrdup("Li Wen");
        a.dateline = nw_xcalloc(1, sizeof(*a.dateline));
        a.dateline->location = nw_xstrdup("Chengdu");
        nw_strv_push(&a.authors, "Li Wen", 6);
        nw_strv_push(&a.organizations, "Port Authority", 14);
        nw_strv_push(&a.locations, "Chengdu", 7);
        /* rounded to three decimals: 0.7504 -> similarity 0.75, distance 0.25 */
        nw_article_mark_near(&a, "wire-0000", 0.7504);
        a.language = nw_xstrdup("en");
        a.published_at = nw_xstrdup("2021-05-20T02:00:00Z");
        root = record(&a, &text);
        CU_ASSERT_PTR_NOT_NULL_FATAL(root);
        st = get(root, "statistics", NULL, yajl_t_array);
        CU_ASSERT_FATAL(st && YAJL_GET_ARRAY(st)->len == 2);
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"value\":60,\"unit\":\"percent\",\"qualifier\":\"about\""));
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"value\":2.5,\"unit\":\"million\",\"qualifier\":\"up_to\""));
        ev = YAJL_GET_ARRAY(get(root, "events", NULL, yajl_t_array))->values[0];
        NW_ASSERT_STR(get_str(ev, "name", NULL), "Harbour Trade Fair", "event.name");
        NW_ASSERT_STR(get_str(ev, "attendance", "qualifier"), "less_than", "attendance.qualifier");
        /* attendance is not money: no currency key */
        CU_ASSERT_PTR_NULL(get(ev, "attendance", "currency", yajl_t_any));
        CU_ASSERT(is_null(ev, "type", NULL));
        NW_ASSERT_STR(YAJL_GET_STRING(YAJL_GET_ARRAY(get(ev, "organizers", NULL, yajl_t_array))->values[0]),
                      "Port Authority", "organizers");
        pe = YAJL_GET_ARRAY(get(root, "people", NULL, yajl_t_array))->values[0];
        NW_ASSERT_STR(get_str(pe, "name", NULL), "Li Wen", "person.name");
        CU_ASSERT(is_null(pe, "title", NULL));
        NW_ASSERT_STR(get_str(root, "dateline", "location"), "Chengdu", "dateline.location");
        CU_ASSERT(is_null(root, "dateline", "agency"));
        NW_ASSERT_STR(get_str(root, "dedupe", "status"), "near_duplicate", "dedupe.status");
        NW_ASSERT_STR(get_str(root, "dedupe", "duplicate_of"), "wire-0000", "duplicate_of");
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"distance\":0.25,\"similarity\":0.75}"));
        if (!strstr(text, "\"distance\":0.25,\"similarity\":0.75}")) {
                fprintf(stderr, "\nrecord: %s\n", text);
        }
        NW_ASSERT_STR(get_str(root, "language", NULL), "en", "language");
        NW_ASSERT_STR(get_str(root, "published_at", NULL), "2021-05-20T02:00:00Z", "published_at");
        free(text);
        yajl_tree_free(root);
        nw_article_free(&a);
}

static void test_non_finite_number_is_null(void)
{
        struct nw_article a;
        yajl_val root;

        minimal(&a);
        a.has_distance = 1;
        a.distance = NAN;
        a.dedupe_status = NW_DEDUPE_UNCHECKED;
        root = record(&a, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(root);
        CU_ASSERT(is_null(root, "dedupe", "distance"));
        NW_ASSERT_STR(get_str(root, "dedupe", "status"), "unchecked", NULL);
        yajl_tree_free(root);
        nw_article_free(&a);
}

/* Deterministic bytes for the randomized tests below (xorshift64*). */
static uint64_t rnd_next(uint64_t *st)
{
        *st ^= *st >> 12;
        *st ^= *st << 25;
        *st ^= *st >> 27;
        return *st * 0x2545F4914F6CDD1DULL;
}

/* A random valid UTF-8 string without NUL: control characters, the bytes JSON escapes,
 * ASCII, and two- to four-byte sequences. */
static size_t random_text(uint64_t *st, char *out, size_t cap)
{
        size_t n = 0, want = rnd_next(st) % 60;

        while (n < want && n + 4 < cap) {
                unsigned r = (unsigned)(rnd_next(st) % 10);
                uint32_t cp;
                if (r < 2) {
                        cp = 1 + (uint32_t)(rnd_next(st) % 0x1F);       /* control */
                } else if (r < 4) {
                        cp = (uint32_t)"\"\\/\x7f<>&'"[rnd_next(st) % 8];
                } else if (r < 7) {
                        cp = 0x20 + (uint32_t)(rnd_next(st) % 0x5F);
                } else if (r < 8) {
                        cp = 0x80 + (uint32_t)(rnd_next(st) % 0x780);
                } else if (r < 9) {
                        cp = 0x800 + (uint32_t)(rnd_next(st) % 0xF800);
                        if (cp >= 0xD800 && cp <= 0xDFFF) {
                                cp = 0x2028 + (cp & 1);         /* line/paragraph separators */
                        }
                } else {
                        cp = 0x10000 + (uint32_t)(rnd_next(st) % 0x100000);
                }
                if (cp < 0x80) {
                        out[n++] = (char)cp;
                } else if (cp < 0x800) {
                        out[n++] = (char)(0xC0 | cp >> 6);
                        out[n++] = (char)(0x80 | (cp & 0x3F));
                } else if (cp < 0x10000) {
                        out[n++] = (char)(0xE0 | cp >> 12);
                        out[n++] = (char)(0x80 | (cp >> 6 & 0x3F));
                        out[n++] = (char)(0x80 | (cp & 0x3F));
                } else {
                        out[n++] = (char)(0xF0 | cp >> 18);
                        out[n++] = (char)(0x80 | (cp >> 12 & 0x3F));
                        out[n++] = (char)(0x80 | (cp >> 6 & 0x3F));
                        out[n++] = (char)(0x80 | (cp & 0x3F));
                }
        }
        out[n] = '\0';
        return n;
}

/* yajl_gen is the reference for how a string is written: the record must carry exactly what
 * it makes of the same bytes, and parse back to them. */
static void test_random_strings_match_yajl(void)
{
        uint64_t st = 0x9E3779B97F4A7C15ULL;
        int mismatches = 0;

        for (int i = 0; i < 2000; i++) {
                char title[512], *text = NULL, want[2048];
                const unsigned char *g;
                size_t glen;
                struct nw_article a;
                yajl_val root;
                yajl_gen gen = yajl_gen_alloc(NULL);

                random_text(&st, title, sizeof(title));
                yajl_gen_string(gen, (const unsigned char *)title, strlen(title));
                yajl_gen_get_buf(gen, &g, &glen);
                snprintf(want, sizeof(want), "\"title\":%.*s,", (int)glen, (const char *)g);
                minimal(&a);
                free(a.title);
                a.title = nw_xstrdup(title);
                root = record(&a, &text);
                if (!root || !get_str(root, "title", NULL) ||
                    strcmp(get_str(root, "title", NULL), title) != 0 || !strstr(text, want)) {
                        if (mismatches++ < 3) {
                                fprintf(stderr, "\nstring %d: want %s in\n%s\n", i, want, text);
                        }
                }
                yajl_tree_free(root);
                free(text);
                nw_article_free(&a);
                yajl_gen_free(gen);
        }
        CU_ASSERT_EQUAL(mismatches, 0);
}

/* Numbers as the record promises them: a whole number below 2^53 in plain digits, anything
 * else to 15 significant digits ("%.15g": 6.15 stays 6.15, not 6.1500000000000003553), so a
 * faster writer must print exactly what printf prints. */
static void test_random_numbers_as_printf(void)
{
        uint64_t st = 0xD1B54A32D192ED03ULL;
        int mismatches = 0;

        for (int i = 0; i < 3000; i++) {
                double v;
                char want[80], num[40], *text = NULL;
                struct nw_article a;
                yajl_val root, st0;
                uint64_t r = rnd_next(&st);

                switch (r % 5) {
                case 0: v = (double)(int64_t)(rnd_next(&st) % 2000001) - 1000000; break;
                case 1: v = (double)(rnd_next(&st) % 100000) / 100.0; break;
                case 2: v = (double)(rnd_next(&st) % 1000000007) * 1e6; break;
                case 3: v = (double)(rnd_next(&st) >> 11) / 9007199254740992.0; break;
                default: v = ldexp((double)(rnd_next(&st) >> 11), (int)(rnd_next(&st) % 120) - 80);
                }
                if (r & 0x100) {
                        v = -v;
                }
                if (v == floor(v) && fabs(v) < 9007199254740992.0) {
                        snprintf(num, sizeof(num), "%.0f", v);
                } else {
                        snprintf(num, sizeof(num), "%.15g", v);
                }
                snprintf(want, sizeof(want), "\"value\":%s,", num);
                minimal(&a);
                a.statistics = nw_xcalloc(1, sizeof(*a.statistics));
                a.n_statistics = 1;
                a.statistics[0].value = v;
                root = record(&a, &text);
                st0 = root ? get(root, "statistics", NULL, yajl_t_array) : NULL;
                if (!st0 || YAJL_GET_ARRAY(st0)->len != 1 || !strstr(text, want) ||
                    YAJL_GET_DOUBLE(get(YAJL_GET_ARRAY(st0)->values[0], "value", NULL,
                                        yajl_t_number)) != strtod(num, NULL)) {
                        if (mismatches++ < 3) {
                                fprintf(stderr, "\nnumber %.17g: want %s in\n%s\n", v, want, text);
                        }
                }
                yajl_tree_free(root);
                free(text);
                nw_article_free(&a);
        }
        CU_ASSERT_EQUAL(mismatches, 0);
}

static void test_cap_leaves_output_unchanged(void)
{
        struct nw_article a;
        struct nw_buf out;

        minimal(&a);
        nw_buf_init(&out, 64);
        nw_buf_puts(&out, "pre");
        CU_ASSERT_EQUAL(nw_serialize(&a, "2021-05-20T10:00:00Z", "0.1.0", &out), NW_ERR_TOO_BIG);
        NW_ASSERT_STR(nw_buf_str(&out), "pre", NULL);
        nw_buf_free(&out);
        nw_article_free(&a);
}

int nw_test_register_serialize(void)
{
        static const struct nw_test tests[] = {
                {"minimal record has every key", test_minimal_record_has_every_key},
                {"source coordinates, big integers", test_source_coordinates_and_big_integers},
                {"extra spliced verbatim", test_extra_spliced_verbatim},
                {"strings escaped and round-trip", test_strings_escaped},
                {"investment fields", test_investment_fields},
                {"statistics, events, people, dedupe", test_statistics_events_people_numbers},
                {"non-finite number is null", test_non_finite_number_is_null},
                {"cap leaves output unchanged", test_cap_leaves_output_unchanged},
                {"random strings written as yajl_gen writes them", test_random_strings_match_yajl},
                {"random numbers written as printf writes them", test_random_numbers_as_printf},
                {NULL, NULL},
        };
        return nw_test_add_suite("serialize", tests);
}
