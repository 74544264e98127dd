/* nw_scan.c -- byte-level scanning helpers for the fact extractors (see nw_scan.h). */
#include "nw_scan.h"

#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* bit 1 word byte, 2 ASCII letter, 4 ASCII digit (see nw_scan.h) */
const unsigned char nw_scan_class[256] = {
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 0, 0, 0, 0, 0, 0,
        0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 0,
        0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 0,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

#define lower nw_scan_lower

size_t nw_scan_word_at_rest(const char *s, size_t len, size_t pos, const char *word)
{
        size_t n;

        /* the first byte matched (nw_scan_word_at); the rest compare up to the word's NUL,
         * which measures it on the way instead of a strlen per call */
        for (n = 1; word[n]; n++) {
                if (pos + n >= len || lower((unsigned char)s[pos + n]) != (unsigned char)word[n]) {
                        return 0;
                }
        }
        /* a word ending in '.' or '$' carries its own boundary */
        if (pos + n < len && nw_scan_wordc((unsigned char)s[pos + n]) &&
            nw_scan_wordc((unsigned char)word[n - 1])) {
                return 0;
        }
        return pos + n;
}

int nw_scan_phrase_before(const char *s, size_t end, const char *phrase, size_t *start)
{
        size_t n = strlen(phrase);

        while (end > 0 && s[end - 1] == ' ') {
                end--;
        }
        if (end < n) {
                return 0;
        }
        for (size_t i = 0; i < n; i++) {
                if (lower((unsigned char)s[end - n + i]) != (unsigned char)phrase[i]) {
                        return 0;
                }
        }
        if (!nw_scan_at_word_start(s, end - n)) {
                return 0;
        }
        *start = end - n;
        return 1;
}

#define NO_HIT ((size_t)-2)

/* The candidates in @p hit, bit (k << @p shift) for byte i + k, tried in order: @returns
 * the first where @p word (@p n bytes) starts a word of s[.., to), (size_t)-1 when the next
 * would run past @p to (no later one can fit), or NO_HIT. */
static inline size_t try_hits(const char *s, size_t to, const char *word, size_t n, size_t i,
                              uint64_t hit, unsigned shift)
{
        while (hit) {
                size_t p = i + ((size_t)__builtin_ctzll(hit) >> shift);
                if (p + n > to) {
                        return (size_t)-1;
                }
                if (nw_scan_at_word_start(s, p) && nw_scan_word_at_rest(s, to, p, word)) {
                        return p;
                }
                hit &= hit - 1;
        }
        return NO_HIT;
}

size_t nw_scan_find_word_n(const char *s, size_t from, size_t to, const char *word, size_t n)
{
        unsigned char first = (unsigned char)word[0];

        if (first >= 'a' && first <= 'z') {
                /* the bytes that or-ed with the case bit equal the first letter are the places
                 * to try: sixteen bytes a step where SSE2 is, then eight a step (a zero test
                 * per byte that no carry crosses) */
                const uint64_t ones = 0x0101010101010101ull, low7 = ones * 0x7f;
                const uint64_t high = ones * 0x80, pat = ones * first;
                size_t i = from;
#if defined(__SSE2__)
                const __m128i case_bit = _mm_set1_epi8(0x20), pat16 = _mm_set1_epi8((char)first);
                for (; i + 16 <= to && i + n <= to; i += 16) {
                        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
                        unsigned hit = (unsigned)_mm_movemask_epi8(
                                _mm_cmpeq_epi8(_mm_or_si128(v, case_bit), pat16));
                        size_t r = try_hits(s, to, word, n, i, hit, 0);
                        if (r != NO_HIT) {
                                return r;
                        }
                }
#endif
                for (; i + n <= to; i += 8) {
                        uint64_t t = (nw_scan_load8(s, i, to) | (ones * 0x20)) ^ pat;
                        uint64_t hit = ~(((t & low7) + low7) | t) & high;
                        size_t r = try_hits(s, to, word, n, i, hit, 3);
                        if (r != NO_HIT) {
                                return r;
                        }
                }
                return (size_t)-1;
        }
        for (size_t i = from; i + n <= to; i++) {
                if (lower((unsigned char)s[i]) == first && nw_scan_at_word_start(s, i) &&
                    nw_scan_word_at_rest(s, to, i, word)) {
                        return i;
                }
        }
        return (size_t)-1;
}
