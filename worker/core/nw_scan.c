/* nw_scan.c -- byte-level scanning helpers for the fact extractors (see nw_scan.h). */
#include "nw_scan.h"

#include <string.h>

int nw_scan_wordc(unsigned char c)
{
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               c >= 0x80;
}

int nw_scan_alpha(unsigned char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

int nw_scan_digit(unsigned char c)
{
        return c >= '0' && c <= '9';
}

int nw_scan_at_word_start(const char *s, size_t pos)
{
        return pos == 0 || !nw_scan_wordc((unsigned char)s[pos - 1]);
}

size_t nw_scan_skip_spaces(const char *s, size_t len, size_t pos)
{
        while (pos < len && s[pos] == ' ') {
                pos++;
        }
        return pos;
}

size_t nw_scan_word_end(const char *s, size_t len, size_t pos)
{
        while (pos < len) {
                unsigned char c = (unsigned char)s[pos];
                if (nw_scan_wordc(c)) {
                        pos++;
                } else if ((c == '-' || c == '\'') && pos + 1 < len &&
                           nw_scan_wordc((unsigned char)s[pos + 1])) {
                        pos++;
                } else {
                        break;
                }
        }
        return pos;
}

static unsigned char lower(unsigned char c)
{
        return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

size_t nw_scan_word_at(const char *s, size_t len, size_t pos, const char *word)
{
        size_t n = strlen(word);

        if (pos + n > len) {
                return 0;
        }
        for (size_t i = 0; i < n; i++) {
                if (lower((unsigned char)s[pos + i]) != (unsigned char)word[i]) {
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

size_t nw_scan_find_word(const char *s, size_t from, size_t to, const char *word)
{
        size_t n = strlen(word);
        unsigned char first = (unsigned char)word[0];

        for (size_t i = from; i + n <= to; i++) {
                if (lower((unsigned char)s[i]) == first && nw_scan_at_word_start(s, i) &&
                    nw_scan_word_at(s, to, i, word)) {
                        return i;
                }
        }
        return (size_t)-1;
}

int nw_scan_upper(const char *s, size_t len, size_t pos)
{
        return pos < len && s[pos] >= 'A' && s[pos] <= 'Z';
}
