/* nw_scan.h -- byte-level scanning helpers shared by the fact extractors (numbers, dates,
 * facts): word boundaries, case-insensitive word matching and look-behind over ASCII words.
 * Everything works on (s, len, pos) spans of normalized UTF-8; non-ASCII bytes count as
 * word characters so that a match never ends inside a multi-byte character. */
#ifndef NW_CORE_SCAN_H
#define NW_CORE_SCAN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Byte classes: one table lookup instead of a chain of compares, since the extractor asks
 * for every byte of every sentence. */
enum {
        NW_SCAN_WORD = 1,       /* ASCII letter or digit, or any byte >= 0x80 */
        NW_SCAN_ALPHA = 2,      /* ASCII letter */
        NW_SCAN_DIGIT = 4       /* ASCII digit */
};
extern const unsigned char nw_scan_class[256];

/** @returns 1 for ASCII letters and digits and every byte of a multi-byte character. */
static inline int nw_scan_wordc(unsigned char c)
{
        return nw_scan_class[c] & NW_SCAN_WORD;
}
/** @returns 1 for ASCII letters only. */
static inline int nw_scan_alpha(unsigned char c)
{
        return (nw_scan_class[c] & NW_SCAN_ALPHA) != 0;
}
/** @returns 1 for ASCII digits. */
static inline int nw_scan_digit(unsigned char c)
{
        return (nw_scan_class[c] & NW_SCAN_DIGIT) != 0;
}
/** @returns the ASCII lower case of @p c (other bytes unchanged). */
static inline unsigned char nw_scan_lower(unsigned char c)
{
        return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}
/** @returns 1 when s[pos] starts a word (pos is 0 or the byte before is not a word byte). */
static inline int nw_scan_at_word_start(const char *s, size_t pos)
{
        return pos == 0 || !nw_scan_wordc((unsigned char)s[pos - 1]);
}
/** @returns the eight bytes s[i, i + 8) as a little-endian number, with zeros for the bytes
 *  at or past @p len (0 when i >= len). Only s[0, len) is read: near the end the eight bytes
 *  that end at @p len are read and shifted down. A zero byte is no word byte, so the end
 *  reads as a word boundary to the byte tests of nw_scan_letters() and the like. */
static inline uint64_t nw_scan_load8(const char *s, size_t i, size_t len)
{
        uint64_t x = 0;

        if (i >= len) {
                return 0;
        }
        if (len - i >= 8) {
                memcpy(&x, s + i, 8);
        } else if (len >= 8) {
                memcpy(&x, s + len - 8, 8);
        } else {
                for (size_t k = 0; k < len - i; k++) {
                        x |= (uint64_t)(unsigned char)s[i + k] << (8 * k);
                }
                return x;
        }
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        x = __builtin_bswap64(x);
#endif
        return len - i >= 8 ? x : x >> (8 * (8 - (len - i)));
}
/** @returns one bit per byte of @p x (bit k for byte k, little endian) set for the ASCII
 *  letters. Each byte is tested on its own (no carry crosses a byte); the eight results are
 *  gathered by one multiply. */
static inline unsigned nw_scan_letters(uint64_t x)
{
        const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
        uint64_t y = (x & ~high) | (ones * 0x20);
        uint64_t m = (y + ones * (0x80 - 'a')) & ~(y + ones * (0x7f - 'z')) & ~x & high;

        return (unsigned)((m * 0x0002040810204081ull) >> 56);
}
/** @returns one bit per byte of @p x (bit k for byte k, little endian) set for the word bytes
 *  of nw_scan_wordc(): ASCII letters and digits and every byte >= 0x80. */
static inline unsigned nw_scan_words(uint64_t x)
{
        const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
        uint64_t x7 = x & ~high, y = x7 | (ones * 0x20);
        uint64_t letter = (y + ones * (0x80 - 'a')) & ~(y + ones * (0x7f - 'z'));
        uint64_t digit = (x7 + ones * (0x80 - '0')) & ~(x7 + ones * (0x7f - '9'));
        uint64_t m = (letter | digit | x) & high;

        return (unsigned)((m * 0x0002040810204081ull) >> 56);
}
/** @returns the eight bytes of @p x, each lowered as nw_scan_lower() does: the capitals A-Z,
 *  each tested in its own byte, get their case bit. */
static inline uint64_t nw_scan_lower8(uint64_t x)
{
        const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
        uint64_t t = x & ~high;

        return x | ((t + ones * (0x80 - 'A')) & ~(t + ones * (0x7f - 'Z')) & ~x & high) >> 2;
}
/** @returns the first position at or after @p pos that is not a space. */
static inline size_t nw_scan_skip_spaces(const char *s, size_t len, size_t pos)
{
        while (pos < len && s[pos] == ' ') {
                pos++;
        }
        return pos;
}
/** @returns the end of the word (letters, digits, '-', '\'') starting at @p pos.
 *  Inline: the extractors ask it for nearly every word they step over. */
static inline size_t nw_scan_word_end(const char *s, size_t len, size_t pos)
{
        for (;;) {
                /* eight bytes a step: the end is found without a branch per byte (most
                 * words end within the first eight; the bytes past len read as no word) */
                for (;;) {
                        unsigned stop = ~nw_scan_words(nw_scan_load8(s, pos, len)) & 0xffu;
                        if (stop) {
                                pos += (size_t)__builtin_ctz(stop);
                                break;
                        }
                        pos += 8;
                }
                /* a hyphen or apostrophe joins two runs of word bytes ("year-old", "Xi's") */
                if (pos + 1 < len && (s[pos] == '-' || s[pos] == '\'') &&
                    nw_scan_wordc((unsigned char)s[pos + 1])) {
                        pos += 2;
                        continue;
                }
                return pos;
        }
}
/** @brief nw_scan_word_at() once the first byte is known to match: s[pos] lower-cased is
 *  word[0] and pos < len. */
size_t nw_scan_word_at_rest(const char *s, size_t len, size_t pos, const char *word);
/** @brief Case-insensitive match of @p word (ASCII, may contain spaces and dots) at @p pos,
 *  ending on a word boundary. @returns the end position, or 0 when it does not match.
 *  Inline: most calls fail on the first byte (a constant for a literal @p word), and then
 *  cost no call. */
static inline size_t nw_scan_word_at(const char *s, size_t len, size_t pos, const char *word)
{
        if (pos >= len || nw_scan_lower((unsigned char)s[pos]) != (unsigned char)word[0]) {
                return 0;
        }
#if defined(__GNUC__)
        /* a literal of at most eight bytes, with eight bytes of text left: one compare of
         * the text, lower-cased, with the word as a constant number (gcc folds the word) */
        if (__builtin_constant_p(__builtin_strlen(word)) && __builtin_strlen(word) <= 8 &&
            len - pos >= 8) {
                size_t n = __builtin_strlen(word);
                uint64_t k = 0, x;
                memcpy(&k, word, n);
                memcpy(&x, s + pos, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
                k = __builtin_bswap64(k);
                x = __builtin_bswap64(x);
#endif
                x = nw_scan_lower8(x);
                if (((x ^ k) & (n >= 8 ? ~(uint64_t)0 : ((uint64_t)1 << (8 * n)) - 1)) != 0) {
                        return 0;
                }
                /* a word ending in '.' or '$' carries its own boundary */
                if (pos + n < len && nw_scan_wordc((unsigned char)s[pos + n]) &&
                    nw_scan_wordc((unsigned char)word[n - 1])) {
                        return 0;
                }
                return pos + n;
        }
#endif
        return nw_scan_word_at_rest(s, len, pos, word);
}
/** @brief Case-insensitive match of @p phrase ending exactly at @p end (spaces before @p end
 *  skipped), starting on a word boundary. @returns 1 and sets *start, or 0. */
int nw_scan_phrase_before(const char *s, size_t end, const char *phrase, size_t *start);
/** @brief nw_scan_find_word() with the length @p n of @p word (strlen(word)) known. */
size_t nw_scan_find_word_n(const char *s, size_t from, size_t to, const char *word, size_t n);
/** @brief Case-insensitive search for @p word as a whole word in [from, to).
 *  @returns its position, or (size_t)-1. Inline: the word is nearly always a literal, whose
 *  length the compiler knows, so no call measures it. */
static inline size_t nw_scan_find_word(const char *s, size_t from, size_t to, const char *word)
{
        return nw_scan_find_word_n(s, from, to, word, strlen(word));
}
/** @returns 1 when s[pos..] starts with an upper-case ASCII letter. */
static inline int nw_scan_upper(const char *s, size_t len, size_t pos)
{
        return pos < len && s[pos] >= 'A' && s[pos] <= 'Z';
}

#endif
