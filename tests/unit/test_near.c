/* test_near.c -- unit tests for nw_near: copies that are trimmed, re-headlined or wrapped in
 * extra text score high containment and share an LSH band; different stories on the same
 * topic score low; the offline index flags the copy and never the item itself. */
#include "nw_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nw_buf.h"
#include "nw_near.h"

/* A deterministic story of @p n sentences from vocabulary seeded by @p seed. */
static char *story(unsigned seed, int n)
{
        static const char *const words[] = {
                "port", "grain", "tariff", "bank", "steel", "rail", "crop", "bond", "yield",
                "export", "mill", "fleet", "quota", "loan", "refinery", "harvest", "cargo",
                "levy", "index", "plant", "minister", "council", "province", "contract",
        };
        struct nw_buf b;
        unsigned s = seed;

        nw_buf_init(&b, 0);
        for (int i = 0; i < n; i++) {
                for (int w = 0; w < 12; w++) {
                        s = s * 1103515245u + 12345u;
                        nw_buf_printf(&b, "%s%s", w ? " " : "", words[(s >> 16) % 24]);
                }
                nw_buf_puts(&b, ". ");
        }
        return nw_buf_take(&b);
}

static void sig_of(const char *text, struct nw_near_sig *sig)
{
        nw_near_signature(text, strlen(text), sig);
}

static int shares_band(const struct nw_near_sig *a, const struct nw_near_sig *b)
{
        for (int i = 0; i < NW_NEAR_BANDS; i++) {
                if (nw_near_band(a, i) == nw_near_band(b, i)) {
                        return 1;
                }
        }
        return 0;
}

static void test_identical(void)
{
        char *t = story(1, 20);
        struct nw_near_sig a, b;

        sig_of(t, &a);
        sig_of(t, &b);
        CU_ASSERT(a.shingles > 100);
        CU_ASSERT_DOUBLE_EQUAL(nw_near_containment(&a, &b), 1.0, 1e-9);
        CU_ASSERT(shares_band(&a, &b));
        free(t);
}

static void test_truncated_copy(void)
{
        char *full = story(2, 30);
        char *half = strdup(full);
        struct nw_near_sig a, b;

        half[strlen(half) * 2 / 5] = '\0';      /* the first 40 percent */
        sig_of(full, &a);
        sig_of(half, &b);
        /* Jaccard is about 0.4, but nearly all of the short copy is in the original */
        CU_ASSERT(nw_near_containment(&a, &b) >= 0.75);
        CU_ASSERT(shares_band(&a, &b));
        free(full);
        free(half);
}

static void test_wrapped_copy(void)
{
        char *body = story(3, 20);
        char *extra = story(99, 6);
        struct nw_buf b;
        struct nw_near_sig x, y;

        nw_buf_init(&b, 0);
        nw_buf_printf(&b, "Republished with permission. %s %s", body, extra);
        sig_of(body, &x);
        sig_of(nw_buf_str(&b), &y);
        CU_ASSERT(nw_near_containment(&x, &y) >= 0.75);
        nw_buf_free(&b);
        free(body);
        free(extra);
}

static void test_different_stories(void)
{
        char *a = story(4, 20), *b = story(5, 20);
        struct nw_near_sig x, y;

        sig_of(a, &x);
        sig_of(b, &y);
        CU_ASSERT(nw_near_containment(&x, &y) < 0.2);
        free(a);
        free(b);
}

static void test_short_text(void)
{
        struct nw_near_sig s;

        sig_of("Too short here", &s);
        CU_ASSERT_EQUAL(s.shingles, 0);
        CU_ASSERT_DOUBLE_EQUAL(nw_near_containment(&s, &s), 0.0, 1e-9);
}

static void test_case_and_punctuation_folded(void)
{
        struct nw_near_sig a, b;

        sig_of("The Port Authority said on Monday that cargo volumes rose sharply. Officials at "
               "the harbour added that container traffic had reached a record level for the "
               "season, while bulk shipments of grain and coal were unchanged from last year.", &a);
        sig_of("the port authority said, on monday, that cargo volumes rose sharply; officials at "
               "the harbour added that container traffic had reached a record level for the "
               "season -- while bulk shipments of grain and coal were unchanged from last year", &b);
        CU_ASSERT_DOUBLE_EQUAL(nw_near_containment(&a, &b), 1.0, 1e-9);
}

static void test_figures_must_agree(void)
{
        /* two templated notices: the same words, other figures -- different events */
        static const char a[] =
                "The central bank entered the government securities market to arrange 2.5 billion "
                "dollars of customer repurchase agreements, a spokesman said. Federal funds were "
                "trading at 6-1/8 percent when the bank began its temporary and indirect supply of "
                "reserves to the banking system through the repurchase agreements on Tuesday.";
        static const char b[] =
                "The central bank entered the government securities market to arrange 1.5 billion "
                "dollars of customer repurchase agreements, a spokesman said. Federal funds were "
                "trading at 5-7/8 percent when the bank began its temporary and indirect supply of "
                "reserves to the banking system through the repurchase agreements on Thursday.";
        struct nw_near_sig x, y, z;
        char *c = strdup(a);

        sig_of(a, &x);
        sig_of(b, &y);
        CU_ASSERT_EQUAL(x.nnum, 2);      /* "2.5" and "6-1/8" */
        CU_ASSERT_DOUBLE_EQUAL(nw_near_containment(&x, &y), 0.0, 1e-9);
        /* the same notice trimmed keeps its figures and matches */
        c[strlen(a) * 3 / 4] = '\0';
        sig_of(c, &z);
        CU_ASSERT(nw_near_containment(&x, &z) >= 0.7);
        free(c);
}

static void test_sig_bytes(void)
{
        struct nw_near_sig s;
        unsigned char out[NW_NEAR_SIG_BYTES];
        char *t = story(6, 5);

        sig_of(t, &s);
        nw_near_sig_bytes(&s, out);
        CU_ASSERT_EQUAL(out[0] | out[1] << 8 | out[2] << 16 | (unsigned)out[3] << 24, s.shingles);
        CU_ASSERT_EQUAL(out[4] | out[5] << 8 | out[6] << 16 | (unsigned)out[7] << 24, s.h[0]);
        free(t);
}

static void test_index(void)
{
        struct nw_near_index *ix = nw_near_index_new();
        char *orig = story(7, 25), *other = story(8, 25);
        char *copy = strdup(orig);
        struct nw_near_sig so, sc, sx;
        double sim = 0;
        const char *of;

        copy[strlen(copy) * 3 / 4] = '\0';
        sig_of(orig, &so);
        sig_of(copy, &sc);
        sig_of(other, &sx);
        CU_ASSERT_PTR_NULL(nw_near_index_check_insert(ix, "orig", &so, 0.5, &sim));
        CU_ASSERT_PTR_NULL(nw_near_index_check_insert(ix, "other", &sx, 0.5, &sim));
        of = nw_near_index_check_insert(ix, "copy", &sc, 0.5, &sim);
        NW_ASSERT_STR(of, "orig", "copy points at the original");
        CU_ASSERT(sim >= 0.75);
        /* the original processed again (a redelivery) does not match itself */
        CU_ASSERT_PTR_NULL(nw_near_index_check_insert(ix, "orig", &so, 0.5, &sim));
        /* many items: the table grows and still finds the copy */
        for (int i = 0; i < 3000; i++) {
                char id[32];
                char *t = story(1000u + (unsigned)i, 4);
                struct nw_near_sig s;
                snprintf(id, sizeof(id), "filler-%d", i);
                sig_of(t, &s);
                nw_near_index_check_insert(ix, id, &s, 0.9, &sim);
                free(t);
        }
        of = nw_near_index_check_insert(ix, "copy-2", &sc, 0.5, &sim);
        /* the original or its first copy: both came before, the copy matches best */
        CU_ASSERT_PTR_NOT_NULL_FATAL(of);
        CU_ASSERT(strcmp(of, "orig") == 0 || strcmp(of, "copy") == 0);
        nw_near_index_destroy(ix);
        free(orig);
        free(other);
        free(copy);
}

/* The band filter has no false negatives and few false positives, and an empty one holds
 * nothing. */
static void test_band_filter(void)
{
        enum { N = 100000 };
        struct nw_near_filter f, none = {NULL, 0};
        size_t missed = 0, false_pos = 0;
        uint32_t x = 12345;

        CU_ASSERT_EQUAL(nw_near_filter_init(&f, N), nw_near_filter_bytes(N));
        CU_ASSERT_TRUE(nw_near_filter_bytes(N) * 8 >= (size_t)N * 16);
        for (size_t i = 0; i < N; i++) {
                x = x * 1664525u + 1013904223u;
                nw_near_filter_add(&f, (int)(i % NW_NEAR_BANDS), x);
        }
        x = 12345;
        for (size_t i = 0; i < N; i++) {
                x = x * 1664525u + 1013904223u;
                missed += !nw_near_filter_maybe(&f, (int)(i % NW_NEAR_BANDS), x);
                /* the same key in another band is another field */
                false_pos += (size_t)nw_near_filter_maybe(&f, (int)((i + 1) % NW_NEAR_BANDS), x);
        }
        CU_ASSERT_EQUAL(missed, 0);
        CU_ASSERT_TRUE(false_pos < N / 100);
        CU_ASSERT_FALSE(nw_near_filter_maybe(&none, 0, 1));
        nw_near_filter_free(&f);
        CU_ASSERT_PTR_NULL(f.w);
}

int nw_test_register_near(void)
{
        static const struct nw_test tests[] = {
                {"identical texts", test_identical},
                {"truncated copy: high containment, shared band", test_truncated_copy},
                {"copy wrapped in extra text", test_wrapped_copy},
                {"different stories are far apart", test_different_stories},
                {"text shorter than a shingle", test_short_text},
                {"case and punctuation do not matter", test_case_and_punctuation_folded},
                {"figures must agree", test_figures_must_agree},
                {"signature bytes for Redis", test_sig_bytes},
                {"offline index", test_index},
                {"band filter", test_band_filter},
                {NULL, NULL},
        };
        return nw_test_add_suite("near", tests);
}
