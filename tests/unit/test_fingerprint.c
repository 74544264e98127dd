/* test_fingerprint.c -- unit tests for nw_fingerprint: SHA-256 known answers (exact-duplicate
 * claims and "c-" ids hang on them) and SimHash distances (near-duplicate detection). */
#include "nw_test.h"

#include <string.h>

#include "nw_fingerprint.h"

/* Known answers computed with coreutils, e.g. printf 'T\nB' | sha256sum. */
#define SHA_T_NL_B "e1725446192b97dc9f6faa7e5c3ebe3960b960b7947a6c0981f69aa6f6af6ce6"
#define SHA_NL_B "bbfd71abb9fcc1f3e41a9ba4774ae7f11060da4b01e8cd4d93e779d4b8d353d3"
#define SHA_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define SHA_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

static void test_sha256_known_answers(void)
{
        char hex[65];

        nw_fp_sha256_hex("T\nB", 3, hex);
        NW_ASSERT_STR(hex, SHA_T_NL_B, "T\\nB");
        nw_fp_sha256_hex("", 0, hex);
        NW_ASSERT_STR(hex, SHA_EMPTY, "empty");
        nw_fp_sha256_hex("abcdef", 3, hex);
        NW_ASSERT_STR(hex, SHA_ABC, "abc (length bounds input)");
}

static void test_content_sha256_is_title_newline_body(void)
{
        char hex[65], direct[65];

        nw_fp_content_sha256("T", "B", hex);
        NW_ASSERT_STR(hex, SHA_T_NL_B, "content(T, B)");
        /* NULL reads as "" */
        nw_fp_content_sha256(NULL, "B", hex);
        NW_ASSERT_STR(hex, SHA_NL_B, "content(NULL, B)");
        nw_fp_content_sha256("", "B", direct);
        NW_ASSERT_STR(direct, hex, "content(\"\", B)");
        /* and for longer text it is exactly sha256(title "\n" body) */
        nw_fp_content_sha256("Port opens", "Ships returned.\n\nTrade resumed.", hex);
        nw_fp_sha256_hex("Port opens\nShips returned.\n\nTrade resumed.", 42, direct);
        NW_ASSERT_STR(hex, direct, "long content");
        /* the separator matters: moving a word across it changes the hash */
        nw_fp_content_sha256("Port", "opens", hex);
        nw_fp_content_sha256("Port opens", "", direct);
        CU_ASSERT_STRING_NOT_EQUAL(hex, direct);
}

/* Sixty words of invented wire copy, and the same with one word changed. */
#define PARA_A                                                                                  \
        "The provincial trade office said on Tuesday that a new rail freight service between " \
        "the inland port and the coast would begin running next month carrying electronics "   \
        "machinery and farm goods while officials expect the line to cut delivery times by "   \
        "about a third and to draw more investment into the logistics park near the city "     \
        "airport over the years"
#define PARA_B                                                                                  \
        "The provincial trade office said on Wednesday that a new rail freight service between " \
        "the inland port and the coast would begin running next month carrying electronics "   \
        "machinery and farm goods while officials expect the line to cut delivery times by "   \
        "about a third and to draw more investment into the logistics park near the city "     \
        "airport over the years"
#define PARA_OTHER                                                                               \
        "Heavy rain flooded several low lying streets in the old quarter overnight and the "    \
        "weather bureau warned residents to stay away from the riverbanks as water levels kept " \
        "rising while schools closed for the day and volunteers handed out sandbags blankets "  \
        "and bottled water to families waiting in community halls for the storm to pass "       \
        "before dawn tomorrow in town"

static size_t count_words(const char *s)
{
        size_t n = 0;
        int in = 0;

        for (; *s; s++) {
                if (*s == ' ') {
                        in = 0;
                } else if (!in) {
                        in = 1;
                        n++;
                }
        }
        return n;
}

static void test_simhash_distances(void)
{
        uint64_t a = nw_fp_simhash(PARA_A, strlen(PARA_A));
        uint64_t a2 = nw_fp_simhash(PARA_A, strlen(PARA_A));
        uint64_t b = nw_fp_simhash(PARA_B, strlen(PARA_B));
        uint64_t o = nw_fp_simhash(PARA_OTHER, strlen(PARA_OTHER));
        int d_ab = nw_fp_hamming(a, b), d_ao = nw_fp_hamming(a, o);

        CU_ASSERT_EQUAL(count_words(PARA_A), 60);
        CU_ASSERT_EQUAL(count_words(PARA_OTHER), 60);
        CU_ASSERT_EQUAL(a, a2);
        CU_ASSERT_EQUAL(nw_fp_hamming(a, a2), 0);
        CU_ASSERT(a != b);
        CU_ASSERT(d_ab <= 10);
        CU_ASSERT(d_ao >= 20);
        if (d_ab > 10 || d_ao < 20) {
                fprintf(stderr, "\nsimhash: one word changed %d bits, unrelated %d bits\n", d_ab,
                        d_ao);
        }
}

static void test_simhash_ignores_case_and_punctuation(void)
{
        const char *x = "Ships returned to the harbour on Monday";
        const char *y = "SHIPS returned, to the harbour -- on monday!";

        CU_ASSERT_EQUAL(nw_fp_simhash(x, strlen(x)), nw_fp_simhash(y, strlen(y)));
        /* but word order matters: shingles are ordered */
        CU_ASSERT_NOT_EQUAL(nw_fp_simhash(x, strlen(x)),
                            nw_fp_simhash("Monday on harbour the to returned Ships", 39));
}

static void test_simhash_edge_inputs(void)
{
        CU_ASSERT_EQUAL(nw_fp_simhash("", 0), 0);
        CU_ASSERT_EQUAL(nw_fp_simhash(" ,.!? -- ", 9), 0);
        /* fewer than three words still fingerprint, and differently */
        CU_ASSERT_NOT_EQUAL(nw_fp_simhash("Port", 4), 0);
        CU_ASSERT_NOT_EQUAL(nw_fp_simhash("Port", 4), nw_fp_simhash("Harbour", 7));
        CU_ASSERT_NOT_EQUAL(nw_fp_simhash("Port opens", 10), nw_fp_simhash("Port", 4));
        /* non-ASCII runs are words */
        CU_ASSERT_NOT_EQUAL(nw_fp_simhash("\xE4\xB8\xAD\xE6\x96\x87", 6), 0);
}

static void test_hamming(void)
{
        CU_ASSERT_EQUAL(nw_fp_hamming(0, 0), 0);
        CU_ASSERT_EQUAL(nw_fp_hamming(0, UINT64_MAX), 64);
        CU_ASSERT_EQUAL(nw_fp_hamming(1, 2), 2);
        CU_ASSERT_EQUAL(nw_fp_hamming(0xF0, 0x0F), 8);
        CU_ASSERT_EQUAL(nw_fp_hamming(0x8000000000000000ULL, 0), 1);
        CU_ASSERT_EQUAL(nw_fp_hamming(0x0123456789abcdefULL, 0x0123456789abcdefULL), 0);
}

int nw_test_register_fingerprint(void)
{
        static const struct nw_test tests[] = {
                {"sha256: known answers", test_sha256_known_answers},
                {"sha256: content is title \\n body", test_content_sha256_is_title_newline_body},
                {"simhash: distances", test_simhash_distances},
                {"simhash: case and punctuation", test_simhash_ignores_case_and_punctuation},
                {"simhash: edge inputs", test_simhash_edge_inputs},
                {"hamming", test_hamming},
                {NULL, NULL},
        };
        return nw_test_add_suite("fingerprint", tests);
}
