/* test_text.c -- unit tests for nw_text: UTF-8 validation (with the offsets DLQ reasons quote)
 * and normalization (NFKC, controls, white space, paragraphs, re-joined hard wraps). */
#include "nw_test.h"

#include <stdlib.h>
#include <string.h>

#include "nw_text.h"

struct utf8_case {
        const char *name;
        const char *s;
        size_t len;             /* explicit: some cases hold a NUL byte */
        enum nw_err want;
        size_t bad_at;          /* checked when want != NW_OK */
};

#define S(lit) lit, sizeof(lit) - 1

static const struct utf8_case utf8_cases[] = {
        {"ascii", S("plain ascii"), NW_OK, 0},
        {"empty", S(""), NW_OK, 0},
        {"2-byte e-acute", S("caf\xC3\xA9"), NW_OK, 0},
        {"3-byte euro", S("\xE2\x82\xAC 5"), NW_OK, 0},
        {"3-byte CJK", S("\xE4\xB8\xAD\xE6\x96\x87"), NW_OK, 0},
        {"4-byte emoji", S("\xF0\x9F\x98\x80"), NW_OK, 0},
        {"U+10FFFF is the last code point", S("\xF4\x8F\xBF\xBF"), NW_OK, 0},
        {"U+D7FF just below surrogates", S("\xED\x9F\xBF"), NW_OK, 0},
        {"U+E000 just above surrogates", S("\xEE\x80\x80"), NW_OK, 0},
        {"U+0800 smallest 3-byte", S("\xE0\xA0\x80"), NW_OK, 0},
        {"U+10000 smallest 4-byte", S("\xF0\x90\x80\x80"), NW_OK, 0},
        {"overlong NUL C0 80", S("ab\xC0\x80"), NW_ERR_BAD_UTF8, 2},
        {"overlong C1 BF", S("\xC1\xBF"), NW_ERR_BAD_UTF8, 0},
        {"overlong 3-byte E0 80 80", S("x\xE0\x80\x80"), NW_ERR_BAD_UTF8, 1},
        {"overlong 3-byte E0 9F BF", S("\xE0\x9F\xBF"), NW_ERR_BAD_UTF8, 0},
        {"overlong 4-byte F0 8F BF BF", S("12\xF0\x8F\xBF\xBF"), NW_ERR_BAD_UTF8, 2},
        {"high surrogate ED A0 80", S("\xED\xA0\x80"), NW_ERR_BAD_UTF8, 0},
        {"low surrogate ED BF BF", S("ok \xED\xBF\xBF"), NW_ERR_BAD_UTF8, 3},
        {"past U+10FFFF F4 90 80 80", S("abc\xF4\x90\x80\x80"), NW_ERR_BAD_UTF8, 3},
        {"lead F5", S("\xF5\x80\x80\x80"), NW_ERR_BAD_UTF8, 0},
        {"byte FF", S("a\xFF"), NW_ERR_BAD_UTF8, 1},
        {"lone continuation", S("ab\x80"), NW_ERR_BAD_UTF8, 2},
        {"truncated 3-byte at end", S("ok\xE2\x82"), NW_ERR_BAD_UTF8, 2},
        {"truncated 2-byte at end", S("\xC3"), NW_ERR_BAD_UTF8, 0},
        {"truncated 4-byte at end", S("xyz\xF0\x9F\x98"), NW_ERR_BAD_UTF8, 3},
        {"truncated then ascii", S("\xE2\x82 more"), NW_ERR_BAD_UTF8, 0},
        {"offset after multi-byte", S("\xC3\xA9\xC3\xA9\xFF"), NW_ERR_BAD_UTF8, 4},
        {"NUL byte", S("ab\0cd"), NW_ERR_NUL_BYTE, 2},
        {"NUL first", S("\0"), NW_ERR_NUL_BYTE, 0},
};

static void test_utf8_validate_table(void)
{
        for (size_t i = 0; i < sizeof(utf8_cases) / sizeof(utf8_cases[0]); i++) {
                const struct utf8_case *c = &utf8_cases[i];
                size_t bad_at = (size_t)-1;
                enum nw_err got = nw_utf8_validate(c->s, c->len, &bad_at);

                CU_ASSERT_EQUAL(got, c->want);
                if (got != c->want) {
                        fprintf(stderr, "\nutf8 case [%s]: got %d want %d\n", c->name, got,
                                c->want);
                        continue;
                }
                if (c->want != NW_OK) {
                        CU_ASSERT_EQUAL(bad_at, c->bad_at);
                        if (bad_at != c->bad_at) {
                                fprintf(stderr, "\nutf8 case [%s]: bad_at %zu want %zu\n",
                                        c->name, bad_at, c->bad_at);
                        }
                }
        }
}

static void test_utf8_validate_null_offset(void)
{
        /* bad_at may be NULL */
        CU_ASSERT_EQUAL(nw_utf8_validate("\xC0\x80", 2, NULL), NW_ERR_BAD_UTF8);
        CU_ASSERT_EQUAL(nw_utf8_validate("a\0", 2, NULL), NW_ERR_NUL_BYTE);
        /* the length bounds the check: bytes past it are not read */
        CU_ASSERT_EQUAL(nw_utf8_validate("ab\xFF", 2, NULL), NW_OK);
}

struct norm_case {
        const char *name;
        const char *in;
        int multiline;
        const char *want;
};

static const struct norm_case norm_cases[] = {
        {"full-width digits (NFKC)", "\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93", 0, "123"},
        {"full-width letters (NFKC)", "\xEF\xBC\xA1\xEF\xBD\x82", 0, "Ab"},
        {"ligature fi (NFKC)", "\xEF\xAC\x81nal", 0, "final"},
        {"combining accent composed", "cafe\xCC\x81", 0, "caf\xC3\xA9"},
        {"ideographic space", "Chengdu\xE3\x80\x80" "Sichuan", 0, "Chengdu Sichuan"},
        {"no-break space", "6.15\xC2\xA0" "billion", 0, "6.15 billion"},
        {"C0 and DEL controls dropped", "a\x01" "b\x1B" "c\x7F" "d", 0, "abcd"},
        {"C1 control dropped", "a\xC2\x9A" "b", 0, "ab"},
        {"zero-width space dropped", "port\xE2\x80\x8B" "side", 0, "portside"},
        {"soft hyphen dropped", "co\xC2\xAD" "operation", 0, "cooperation"},
        {"BOM dropped", "\xEF\xBB\xBFHeadline", 0, "Headline"},
        {"tabs and spaces collapsed", "a\t\tb   c \t d", 0, "a b c d"},
        {"leading and trailing space trimmed", "  \t Title here \t ", 0, "Title here"},
        {"title folds newlines", "Line one\nline two\r\nthree\rfour", 0,
         "Line one line two three four"},
        {"title folds paragraph breaks", "Top\n\n\nStory", 0, "Top Story"},
        {"curly quotes kept", "\xE2\x80\x9CWe agree,\xE2\x80\x9D she said \xE2\x80\x98today\xE2\x80\x99.",
         1, "\xE2\x80\x9CWe agree,\xE2\x80\x9D she said \xE2\x80\x98today\xE2\x80\x99."},
        {"paragraphs separated by one blank line", "One.\n\n\n\nTwo.", 1, "One.\n\nTwo."},
        {"CRLF paragraphs", "First para.\r\n\r\nSecond para.\r\n", 1,
         "First para.\n\nSecond para."},
        {"lone CR is a newline", "Alpha.\rBeta.", 1, "Alpha.\n\nBeta."},
        {"white-space-only line is a blank line", "One.\n \t \nTwo.", 1, "One.\n\nTwo."},
        {"leading and trailing blank lines dropped", "\n\n  \nOne.\n\n\n", 1, "One."},
        {"sentence end then capital: paragraph break", "The talks ended on Monday.\nDelegates left.",
         1, "The talks ended on Monday.\n\nDelegates left."},
        {"hard wrap re-joined before a capital",
         "Officials said the new container terminal opened in the\nBahia zone on Monday.", 1,
         "Officials said the new container terminal opened in the Bahia zone on Monday."},
        {"hard wrap re-joined before lower case", "Prices rose\nsharply in May.", 1,
         "Prices rose sharply in May."},
        {"wrap after a comma", "Exports rose,\nImports fell.", 1, "Exports rose, Imports fell."},
        {"wrap after a hyphen", "a well-\nknown firm", 1, "a well- known firm"},
        {"wrap with trailing spaces", "the deal was\t  \nsigned today", 1, "the deal was signed today"},
        {"three wrapped lines, two paragraphs",
         "The provincial government said the investment would go to\nlogistics and "
         "advanced manufacturing,\nmostly around Chengdu.\n\nTalks resume in June.",
         1,
         "The provincial government said the investment would go to logistics and advanced "
         "manufacturing, mostly around Chengdu.\n\nTalks resume in June."},
        {"short line then capital stays a break", "By Staff Writer\nChengdu", 1,
         "By Staff Writer\n\nChengdu"},
        {"paragraph separator U+2029", "One.\xE2\x80\xA9Two.", 1, "One.\n\nTwo."},
        {"tabs inside a paragraph", "Col\tA\t\tB", 1, "Col A B"},
        {"full-width in a body", "Up \xEF\xBC\x95\xEF\xBC\x90\xEF\xBC\x85.", 1, "Up 50%."},
};

static char *normalize(const char *in, int multiline, enum nw_err *err)
{
        struct nw_buf out;

        nw_buf_init(&out, 0);
        *err = nw_text_normalize(in, strlen(in), multiline, &out);
        return nw_buf_take(&out);
}

static void test_normalize_table(void)
{
        for (size_t i = 0; i < sizeof(norm_cases) / sizeof(norm_cases[0]); i++) {
                const struct norm_case *c = &norm_cases[i];
                enum nw_err err;
                char *got = normalize(c->in, c->multiline, &err);

                CU_ASSERT_EQUAL(err, NW_OK);
                NW_ASSERT_STR(got, c->want, c->name);
                free(got);
        }
}

/* The header's invariant, checked on messy input: valid UTF-8, no control characters but
 * '\n', newlines only as "\n\n" between paragraphs, no white space at either end. */
static void test_normalize_invariants(void)
{
        static const char *const inputs[] = {
                "\r\n\r\n  lead\t\x01\n\n\n\ntail  \r\n",
                "a\n\n\n\nb\n \n\nc\r\rd\n",
                "\xE3\x80\x80\xE3\x80\x80x\xE2\x80\xA8y\xC2\x85z\n\t\n",
                "Short.\nLine.\nAnother one.\n  \n \xC2\xA0 \nEnd.",
        };
        for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
                enum nw_err err;
                char *got = normalize(inputs[i], 1, &err);
                size_t n = strlen(got);

                CU_ASSERT_EQUAL(err, NW_OK);
                CU_ASSERT_EQUAL(nw_utf8_validate(got, n, NULL), NW_OK);
                CU_ASSERT_PTR_NULL(strstr(got, "\n\n\n"));
                CU_ASSERT(n > 0 && got[0] != ' ' && got[0] != '\n');
                CU_ASSERT(n > 0 && got[n - 1] != ' ' && got[n - 1] != '\n');
                for (size_t k = 0; k < n; k++) {
                        unsigned char c = (unsigned char)got[k];
                        CU_ASSERT(c >= 0x20 || c == '\n');
                        CU_ASSERT(c != 0x7F);
                        if (c == '\n') {
                                /* each newline is half of exactly one "\n\n" */
                                int pair = (k + 1 < n && got[k + 1] == '\n') ||
                                           (k > 0 && got[k - 1] == '\n');
                                CU_ASSERT(pair);
                        }
                        if (c == ' ' && k + 1 < n) {
                                CU_ASSERT(got[k + 1] != ' ' && got[k + 1] != '\n');
                        }
                }
                free(got);
        }
}

static void test_normalize_appends_to_existing_output(void)
{
        struct nw_buf out;

        nw_buf_init(&out, 0);
        nw_buf_puts(&out, "title: ");
        CU_ASSERT_EQUAL(nw_text_normalize("  x  y ", 7, 0, &out), NW_OK);
        NW_ASSERT_STR(nw_buf_str(&out), "title: x y", NULL);
        nw_buf_free(&out);
}

static void test_normalize_empty_and_blank(void)
{
        enum nw_err err;
        char *got = normalize("", 1, &err);

        CU_ASSERT_EQUAL(err, NW_OK);
        NW_ASSERT_STR(got, "", "empty");
        free(got);
        got = normalize(" \t\r\n\n\x01 ", 1, &err);
        CU_ASSERT_EQUAL(err, NW_OK);
        NW_ASSERT_STR(got, "", "blank");
        free(got);
}

static void test_normalize_bad_utf8(void)
{
        struct nw_buf out;

        nw_buf_init(&out, 0);
        CU_ASSERT_EQUAL(nw_text_normalize("ok \xC0\x80", 5, 1, &out), NW_ERR_BAD_UTF8);
        CU_ASSERT_EQUAL(nw_text_normalize("\xED\xA0\x80", 3, 0, &out), NW_ERR_BAD_UTF8);
        nw_buf_free(&out);
}

static void test_normalize_respects_cap(void)
{
        struct nw_buf out;

        nw_buf_init(&out, 8);
        CU_ASSERT_EQUAL(nw_text_normalize("short", 5, 0, &out), NW_OK);
        nw_buf_reset(&out);
        CU_ASSERT_EQUAL(nw_text_normalize("a line that is too long", 23, 0, &out),
                        NW_ERR_TOO_BIG);
        CU_ASSERT(out.len <= 8);
        nw_buf_reset(&out);
        CU_ASSERT_EQUAL(nw_text_normalize("One.\n\nTwo three.", 16, 1, &out), NW_ERR_TOO_BIG);
        CU_ASSERT(out.len <= 8);
        nw_buf_free(&out);
}

int nw_test_register_text(void)
{
        static const struct nw_test tests[] = {
                {"utf8: validation table", test_utf8_validate_table},
                {"utf8: NULL offset, length bound", test_utf8_validate_null_offset},
                {"normalize: table", test_normalize_table},
                {"normalize: output invariants", test_normalize_invariants},
                {"normalize: appends to existing output", test_normalize_appends_to_existing_output},
                {"normalize: empty and blank", test_normalize_empty_and_blank},
                {"normalize: bad UTF-8", test_normalize_bad_utf8},
                {"normalize: respects the cap", test_normalize_respects_cap},
                {NULL, NULL},
        };
        return nw_test_add_suite("text", tests);
}
