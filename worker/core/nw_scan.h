/* nw_scan.h -- byte-level scanning helpers shared by the fact extractors (numbers, dates,
 * facts): word boundaries, case-insensitive word matching and look-behind over ASCII words.
 * Everything works on (s, len, pos) spans of normalized UTF-8; non-ASCII bytes count as
 * word characters so that a match never ends inside a multi-byte character. */
#ifndef NW_CORE_SCAN_H
#define NW_CORE_SCAN_H

#include <stddef.h>

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
/** @returns the first position at or after @p pos that is not a space. */
size_t nw_scan_skip_spaces(const char *s, size_t len, size_t pos);
/** @returns the end of the word (letters, digits, '-', '\'') starting at @p pos.
 *  Inline: the extractors ask it for nearly every word they step over. */
static inline size_t nw_scan_word_end(const char *s, size_t len, size_t pos)
{
        for (;;) {
                while (pos < len && nw_scan_wordc((unsigned char)s[pos])) {
                        pos++;
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
/** @brief Case-insensitive match of @p word (ASCII, may contain spaces and dots) at @p pos,
 *  ending on a word boundary. @returns the end position, or 0 when it does not match. */
size_t nw_scan_word_at(const char *s, size_t len, size_t pos, const char *word);
/** @brief Case-insensitive match of @p phrase ending exactly at @p end (spaces before @p end
 *  skipped), starting on a word boundary. @returns 1 and sets *start, or 0. */
int nw_scan_phrase_before(const char *s, size_t end, const char *phrase, size_t *start);
/** @brief Case-insensitive search for @p word as a whole word in [from, to).
 *  @returns its position, or (size_t)-1. */
size_t nw_scan_find_word(const char *s, size_t from, size_t to, const char *word);
/** @returns 1 when s[pos..] starts with an upper-case ASCII letter. */
static inline int nw_scan_upper(const char *s, size_t len, size_t pos)
{
        return pos < len && s[pos] >= 'A' && s[pos] <= 'Z';
}

#endif
