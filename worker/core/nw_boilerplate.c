/* nw_boilerplate.c -- the boilerplate rules. To add one, add a row: a paragraph matches when
 * it is at most max_len bytes and starts with (or, for ANYWHERE rows, contains) the text,
 * ignoring case. Long paragraphs never match, so a story that quotes "Source:" survives. */
#include "nw_boilerplate.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

enum where { START, ANYWHERE, WHOLE };

struct rule {
        const char *name;
        enum where where;
        const char *text;
        size_t len;             /* of text */
        size_t max_len;
        unsigned need;          /* ANYWHERE: hints (see anywhere_hints()) without which the
                                 * text cannot be in the paragraph; 0 always searches */
};

/* What one pass over a paragraph tells the ANYWHERE rules (anywhere_hints()). */
#define MAY_SIGN 1u             /* a byte past ASCII, as in the copyright sign C2 A9 */
#define MAY_RESERVED 2u         /* "rv" in any case, as in "reserved" (rare in other text) */

#define RULE(name, where, text, max_len) {name, where, text, sizeof(text) - 1, max_len, 0}
#define RULE_NEEDS(name, where, text, max_len, need)                                           \
        {name, where, text, sizeof(text) - 1, max_len, need}

static const struct rule rules[] = {
        RULE("navigation", START, "Prev:", 300),
        RULE("navigation", START, "Previous:", 300),
        RULE("navigation", START, "Next:", 300),
        RULE("navigation", START, "Previous article", 300),
        RULE("navigation", START, "Next article", 300),
        RULE("navigation", START, "Back to top", 40),
        RULE("editor", START, "Editor:", 120),
        RULE("editor", START, "Editors:", 120),
        RULE("editor", START, "Edited by ", 120),
        RULE("editor", START, "Responsible editor", 120),
        RULE("source", START, "Source:", 120),
        RULE("source", START, "Sources:", 120),
        RULE("copyright", START, "Copyright", 300),
        RULE_NEEDS("copyright", ANYWHERE, "\xC2\xA9", 300, MAY_SIGN),   /* the copyright sign */
        RULE_NEEDS("copyright", ANYWHERE, "All rights reserved", 300, MAY_RESERVED),
        RULE("photo", START, "Photo:", 200),
        RULE("photo", START, "Photos:", 200),
        RULE("photo", START, "Photo credit", 200),
        RULE("photo", START, "File photo", 200),
        RULE("photo", START, "(Photo", 200),
        RULE("photo", START, "Image:", 200),
        RULE("photo", START, "Image credit", 200),
        RULE("share", START, "Share this", 120),
        RULE("share", START, "Share on", 120),
        RULE("share", START, "Share:", 120),
        RULE("share", START, "Follow us on", 160),
        RULE("share", START, "Subscribe to", 160),
        RULE("share", START, "Sign up for", 160),
        RULE("share", START, "Click here", 160),
        RULE("share", START, "Read more", 160),
        RULE("share", START, "Related:", 160),
        RULE("share", START, "Also read", 160),
        RULE("advert", WHOLE, "Advertisement", 0),
        RULE("advert", WHOLE, "Sponsored", 0),
        RULE("advert", WHOLE, "Sponsored content", 0),
};

#define MAX_RULE_LEN 300 /* the largest max_len above, and longer than any WHOLE text */

/* Case is folded as strncasecmp() does in the C locale the worker runs in: ASCII only. */
static unsigned char lower(unsigned char c)
{
        return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static int eq_ci(const char *a, const char *b, size_t k)
{
        for (size_t i = 0; i < k; i++) {
                if (lower((unsigned char)a[i]) != lower((unsigned char)b[i])) {
                        return 0;
                }
        }
        return 1;
}

/* Candidates for the needle's first two bytes are found eight positions at a time: with the
 * case bit forced on for a letter, 'A' and 'a' both become zero bytes of (x | fold) ^ want,
 * and the lowest flagged byte of a zero-byte test is always a real one. Two bytes, because a
 * single letter ("a" of "All rights reserved") turns up every few words. */
static uint64_t match8(const char *p, unsigned char c)
{
        const uint64_t ones = 0x0101010101010101ULL, high = ones * 0x80;
        uint64_t fold = c >= 'a' && c <= 'z' ? ones * 0x20 : 0, x, y;

        memcpy(&x, p, 8);
        y = (x | fold) ^ (ones * c);
        return (y - ones) & ~y & high;
}

static int contains_ci(const char *p, size_t n, const char *needle, size_t k)
{
        unsigned char first = lower((unsigned char)needle[0]);
        unsigned char second = k > 1 ? lower((unsigned char)needle[1]) : 0;
        size_t i = 0;

        while (i + k <= n) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
                if (k > 1 && n - i >= 9) {
                        /* the lowest set bit of both tests together may be a false one of
                         * either (above a real one of the other), so it is only a
                         * candidate: eq_ci decides */
                        uint64_t m = match8(p + i, first) & match8(p + i + 1, second);
                        if (!m) {
                                i += 8;
                                continue;
                        }
                        i += (size_t)__builtin_ctzll(m) >> 3;
                        if (i + k > n) {
                                return 0;
                        }
                } else
#endif
                if (lower((unsigned char)p[i]) != first) {
                        i++;
                        continue;
                }
                if (eq_ci(p + i, needle, k)) {
                        return 1;
                }
                i++;
        }
        return 0;
}

/* The hints of a paragraph, from one pass over it: most short paragraphs have neither, and
 * then the ANYWHERE rules need no search of their own. */
static unsigned anywhere_hints(const char *p, size_t n)
{
        const uint64_t high = 0x8080808080808080ULL;
        uint64_t any = 0, rv = 0;
        unsigned past_ascii = 0;
        size_t i = 0;

#if defined(__SSE2__) && !defined(NW_SWAR_ONLY)
        for (; n - i >= 17; i += 16) {
                __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
                __m128i w = _mm_loadu_si128((const __m128i *)(const void *)(p + i + 1));
                __m128i fold = _mm_set1_epi8(0x20);
                __m128i r = _mm_cmpeq_epi8(_mm_or_si128(v, fold), _mm_set1_epi8('r'));
                __m128i vv = _mm_cmpeq_epi8(_mm_or_si128(w, fold), _mm_set1_epi8('v'));
                past_ascii |= (unsigned)_mm_movemask_epi8(v);
                rv |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_and_si128(r, vv));
        }
#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        for (; n - i >= 9; i += 8) {
                uint64_t x;
                memcpy(&x, p + i, 8);
                any |= x;
                rv |= match8(p + i, 'r') & match8(p + i + 1, 'v');
        }
#endif
        for (; i < n; i++) {
                unsigned char c = (unsigned char)p[i];
                any |= c;
                rv |= lower(c) == 'r' && i + 1 < n && lower((unsigned char)p[i + 1]) == 'v';
        }
        return ((any & high) || past_ascii ? MAY_SIGN : 0) | (rv ? MAY_RESERVED : 0);
}

#define NRULES (sizeof(rules) / sizeof(rules[0]))

/* by_first[c]: the rules a paragraph whose first byte folds to c can match, bit i for row i
 * (the START and WHOLE rows starting with c, and every ANYWHERE row): a paragraph is tried
 * against a few rows instead of all. Built once. */
static uint64_t by_first[256];
static pthread_once_t by_first_once = PTHREAD_ONCE_INIT;

static void by_first_build(void)
{
        _Static_assert(sizeof(rules) / sizeof(rules[0]) <= 64, "one bit per rule");
        for (unsigned c = 0; c < 256; c++) {
                for (size_t i = 0; i < NRULES; i++) {
                        if (rules[i].where == ANYWHERE ||
                            lower((unsigned char)rules[i].text[0]) == lower((unsigned char)c)) {
                                by_first[c] |= 1ULL << i;
                        }
                }
        }
}

/* nw_boilerplate_match() with the paragraph's hints known already (~0u: not yet). */
static const char *match_rules(const char *p, size_t n, unsigned hints)
{
        uint64_t todo;

        /* every rule is for short paragraphs; most content is longer */
        if (n > MAX_RULE_LEN || n == 0) {
                return NULL;
        }
        pthread_once(&by_first_once, by_first_build);
        /* in table order, so that the first matching row names the match */
        for (todo = by_first[(unsigned char)p[0]]; todo; todo &= todo - 1) {
                const struct rule *r = &rules[__builtin_ctzll(todo)];
                size_t k = r->len;
                switch (r->where) {
                case START:
                        if (n <= r->max_len && n >= k && eq_ci(p, r->text, k)) {
                                return r->name;
                        }
                        break;
                case ANYWHERE:
                        if (hints == ~0u) {
                                hints = anywhere_hints(p, n);
                        }
                        if ((hints & r->need) != r->need) {
                                continue;
                        }
                        if (n <= r->max_len && contains_ci(p, n, r->text, k)) {
                                return r->name;
                        }
                        break;
                case WHOLE:
                        if (n == k && eq_ci(p, r->text, k)) {
                                return r->name;
                        }
                        break;
                }
        }
        return NULL;
}

const char *nw_boilerplate_match(const char *p, size_t n)
{
        return match_rules(p, n, ~0u);
}

/* The first "\n\n" in [@p p, @p end), or NULL; *@p hints gets anywhere_hints() of the bytes
 * before it (or of all, without one). The strip reads each paragraph once for both: its end
 * and what the ANYWHERE rules need, sixteen bytes a step while both loads (the bytes, and the
 * bytes one on) stay inside the body. */
static const char *paragraph_scan(const char *p, const char *end, unsigned *hints)
{
        const char *q = p;
        unsigned high = 0, rv = 0;

#if defined(__SSE2__) && !defined(NW_SWAR_ONLY)
        while (end - q >= 17) {
                __m128i v = _mm_loadu_si128((const __m128i *)(const void *)q);
                __m128i w = _mm_loadu_si128((const __m128i *)(const void *)(q + 1));
                __m128i fold = _mm_set1_epi8(0x20);
                unsigned brk = (unsigned)_mm_movemask_epi8(_mm_and_si128(
                        _mm_cmpeq_epi8(v, _mm_set1_epi8('\n')), _mm_cmpeq_epi8(w, _mm_set1_epi8('\n'))));
                unsigned hm = (unsigned)_mm_movemask_epi8(v);
                unsigned rm = (unsigned)_mm_movemask_epi8(_mm_and_si128(
                        _mm_cmpeq_epi8(_mm_or_si128(v, fold), _mm_set1_epi8('r')),
                        _mm_cmpeq_epi8(_mm_or_si128(w, fold), _mm_set1_epi8('v'))));
                if (brk) {
                        /* the bytes before the break (no "rv" straddles it: it is a newline) */
                        unsigned keep = (1u << __builtin_ctz(brk)) - 1;
                        high |= hm & keep;
                        rv |= rm & keep;
                        *hints = (high ? MAY_SIGN : 0) | (rv ? MAY_RESERVED : 0);
                        return q + __builtin_ctz(brk);
                }
                high |= hm;
                rv |= rm;
                q += 16;
        }
#endif
        for (; q < end; q++) {
                unsigned char c = (unsigned char)*q;
                if (c == '\n' && q + 1 < end && q[1] == '\n') {
                        break;
                }
                high |= c & 0x80;
                rv |= lower(c) == 'r' && q + 1 < end && lower((unsigned char)q[1]) == 'v';
        }
        *hints = (high ? MAY_SIGN : 0) | (rv ? MAY_RESERVED : 0);
        return q < end ? q : NULL;
}

size_t nw_boilerplate_strip_n(char *body, size_t *len)
{
        char *out = body;
        const char *p = body, *end = body + *len;
        size_t removed = 0;

        while (p < end) {
                unsigned hints;
                const char *brk = paragraph_scan(p, end, &hints);
                size_t n = brk ? (size_t)(brk - p) : (size_t)(end - p);
                if (match_rules(p, n, hints)) {
                        removed++;
                } else {
                        if (out != body) {
                                memcpy(out, "\n\n", 2);
                                out += 2;
                        }
                        if (out != p) {
                                memmove(out, p, n);     /* nothing was dropped before: in place */
                        }
                        out += n;
                }
                p += n;
                if (brk) {
                        p += 2;
                }
        }
        *out = '\0';
        *len = (size_t)(out - body);
        return removed;
}

size_t nw_boilerplate_strip(char *body)
{
        size_t len = strlen(body);

        return nw_boilerplate_strip_n(body, &len);
}
