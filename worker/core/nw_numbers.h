/* nw_numbers.h -- numbers, qualifiers and money as written in news text, turned into plain
 * values and ISO 4217 codes: "6.15 billion yuan" -> 6150000000 CNY, "Rs 1.10 lakh crore" ->
 * 1100000000000 INR, "over 200" -> 200 more_than, "thirty-seven" -> 37.
 * Pure functions over (text, length, position); no allocation; tables are const or indexes
 * built once from them (pthread_once), never changed after. */
#ifndef NW_CORE_NUMBERS_H
#define NW_CORE_NUMBERS_H

#include <stddef.h>
#include <stdint.h>

#include "nw_article.h"
#include "nw_scan.h"

enum {
        NW_NUM_SCALED = 1 << 0,    /* a scale word or suffix was applied (million, crore, bn) */
        NW_NUM_SPELLED = 1 << 1,   /* written in words ("seven", "a dozen") */
        NW_NUM_DECIMAL = 1 << 2,   /* had a decimal point */
        NW_NUM_GROUPED = 1 << 3,   /* had thousands separators */
        NW_NUM_ORDINAL = 1 << 4,   /* "20th", "first" */
        NW_NUM_RANGE = 1 << 5,     /* "200-300", "200 to 300": value is the low end, hi the high */
        NW_NUM_INDIAN = 1 << 6     /* lakh or crore */
};

struct nw_num {
        double value;
        double hi;              /* the high end of a range, else == value */
        size_t start, end;      /* the span [start, end) incl. scale words */
        unsigned flags;
        int digits;             /* count of integer digits written (0 when spelled) */
};

/** @brief Parse a number that starts exactly at @p pos (digits, or number words).
 *  Handles separators (1,000 and Indian 5,91,61,730), decimals, attached and separate scale
 *  words (3.5b, $75m, 6.15 billion, 26.33 lakh crore, 30 lakh 77 thousand crore, 3.5亿),
 *  spelled numbers (seven, thirty-seven, a dozen, five lakh) and ordinals (20th, first).
 *  @returns 1 and fills @p out, or 0 when no number starts at @p pos. */
int nw_num_parse(const char *s, size_t len, size_t pos, struct nw_num *out);

/* The first two letters of the words a spelled number starts with, as a table on the first
 * letter (lower case, minus 'a'): bit k is set when some word goes on with the letter 'a' + k,
 * bit 26 when some word is that one letter ("a"); 0 when no word starts with the letter. */
extern const uint32_t nw_num_second[26];
/* The third letters of those words, on their first two (lower case, minus 'a'): bit k is set
 * when some word goes on with the letter 'a' + k. Every word but "a" has three letters or
 * more. */
extern const uint32_t nw_num_third[26][26];

/** @brief nw_num_word_start() once the first two letters at @p pos are known to pass
 *  nw_num_second (pos < len). */
int nw_num_word_start_rest(const char *s, size_t len, size_t pos);

/** @brief Whether the letters at @p pos (up to the first non-letter) are a word a spelled
 *  number can start with ("seven", "first", "a", "dozen"). nw_num_parse() reads letters only
 *  when they are, so a 0 here means it finds no number at @p pos; a cheap test that spares
 *  a scanner the full parse on ordinary words. Inline: most words fail on their first three
 *  letters ("to", "and", "the" stop) and then cost no call. */
static inline int nw_num_word_start(const char *s, size_t len, size_t pos)
{
        unsigned c0, c1 = 26;

        if (pos >= len) {
                return 0;
        }
        c0 = ((unsigned char)s[pos] | 0x20u) - 'a';
        if (c0 >= 26 || nw_num_second[c0] == 0) {
                return 0;
        }
        if (pos + 1 < len && nw_scan_alpha((unsigned char)s[pos + 1])) {
                c1 = ((unsigned char)s[pos + 1] | 0x20u) - 'a';
        }
        if (!((nw_num_second[c0] >> c1) & 1u)) {
                return 0;
        }
        /* "the", "this", "sell", "first": the third letter before any call */
        if (c1 < 26) {
                unsigned c2;
                if (pos + 2 >= len || !nw_scan_alpha((unsigned char)s[pos + 2])) {
                        return 0;
                }
                c2 = ((unsigned char)s[pos + 2] | 0x20u) - 'a';
                if (!((nw_num_third[c0][c1] >> c2) & 1u)) {
                        return 0;
                }
        }
        return nw_num_word_start_rest(s, len, pos);
}

/** @brief The qualifier written just before @p pos ("more than", "over", "nearly", "up to",
 *  "about"...). @returns the qualifier (NW_Q_EXACT when none) and sets *start to where its
 *  words begin (== pos when none). */
enum nw_qualifier nw_qualifier_before(const char *s, size_t pos, size_t *start);
/** @brief A qualifier written just after a number at @p end ("-odd", "-plus", "or more").
 *  @returns the qualifier or NW_Q_EXACT and sets *new_end past its words. */
enum nw_qualifier nw_qualifier_after(const char *s, size_t len, size_t end, size_t *new_end);

/* What the rest of the article says about which "$" and "¥" it means. */
struct nw_money_ctx {
        char dollar[4];         /* currency of a bare "$" ("USD" unless told otherwise) */
        char local_dollar[4];   /* the article's local dollar (SGD, HKD, AUD...) or "" */
        char yen[4];            /* "JPY", or "CNY" when ¥ is the yuan sign */
        int indian;             /* the article writes rupees: "R250" and bare "crore" are INR */
};

/** @brief Fill @p ctx from the whole text: which dollar and which ¥ it means. */
void nw_money_ctx_init(struct nw_money_ctx *ctx, const char *s, size_t len);

/** @brief Fill @p ctx with what nw_money_ctx_init() says of a text without context words:
 *  "USD" for "$", "JPY" for "¥", no local dollar, not Indian copy. */
void nw_money_ctx_default(struct nw_money_ctx *ctx);

/** @brief Whether money read from @p s can depend on a context made from @p s itself. It can
 *  only through a "$", a "¥", an "R" before a digit or the word "crore"; a text with none of
 *  them parses the same with nw_money_ctx_default() as with nw_money_ctx_init(), and this
 *  test is one cheap pass where nw_money_ctx_init() looks up every word.
 *  @p s must have a NUL at or after @p len (a C string of length @p len will do).
 *  @returns 1 when the context may matter, 0 when the defaults do. */
int nw_money_ctx_matters(const char *s, size_t len);

struct nw_money {
        double value;           /* in currency units */
        char currency[4];       /* ISO 4217 */
        enum nw_qualifier qualifier;
        size_t start, end;      /* the whole mention, qualifier words included */
        size_t amount_start;    /* where the currency or number begins */
        int bare_dollar;        /* a "$" with no country mark */
};

/** @brief Parse a money amount whose currency sign or number starts exactly at @p pos:
 *  "US$20m", "$1.5 billion", "Rs.23,850 crore", "₹5.91 crore", "487.3 billion yuan",
 *  "4.6 billion euros", "£29.5 billion", "NT$153.78 billion", "1.12-billion-USD",
 *  "200 billion won", "VND25 trillion". The qualifier in front is included.
 *  @returns 1 and fills @p out, or 0. */
int nw_money_parse(const char *s, size_t len, size_t pos, const struct nw_money_ctx *ctx,
                   struct nw_money *out);

/** @brief nw_money_parse(), which reads the number at @p pos itself when no currency sign or
 *  code opens the amount; then *num_ok is what nw_num_parse(s, len, pos, num_at) returns and
 *  *num_at what it fills, so a caller that falls back to a plain number when this fails need
 *  not parse it again. Otherwise (a sign read, or @p pos past the end) *num_ok is -1 and
 *  *num_at untouched. @returns as nw_money_parse(). */
int nw_money_parse_num(const char *s, size_t len, size_t pos, const struct nw_money_ctx *ctx,
                       struct nw_money *out, struct nw_num *num_at, int *num_ok);

/** @brief Map a currency word or sign to ISO 4217 ("yuan" -> "CNY", "dlrs" -> "USD").
 *  @returns the code (static) or NULL. Used by the tests and the extractor alike. */
const char *nw_currency_code(const char *word, size_t len);

#endif
