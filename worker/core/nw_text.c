/* nw_text.c -- UTF-8 validation and NFKC/whitespace normalization (utf8proc does the Unicode). */
#include "nw_text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "nw_swar.h"

enum nw_err nw_utf8_validate(const char *s, size_t len, size_t *bad_at)
{
        const unsigned char *p = (const unsigned char *)s;
        size_t i = 0;

        while (i < len) {
                unsigned char c;
                size_t n;
                uint32_t cp;

#if defined(__SSE2__) && !defined(NW_SWAR_ONLY)
                /* ASCII without NUL, the bulk of most text, sixteen bytes a step */
                while (len - i >= 16) {
                        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
                        __m128i nul = _mm_cmpeq_epi8(v, _mm_setzero_si128());
                        if (_mm_movemask_epi8(_mm_or_si128(v, nul))) {
                                break;
                        }
                        i += 16;
                }
#endif
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
                /* ASCII without NUL, the bulk of most text, eight bytes a step */
                while (len - i >= 8) {
                        const uint64_t ones = 0x0101010101010101ULL, high = ones * 0x80;
                        uint64_t x;
                        memcpy(&x, p + i, 8);
                        if ((x | ((x - ones) & ~x)) & high) {
                                break;
                        }
                        i += 8;
                }
                if (i == len) {
                        break;
                }
#endif
                c = p[i];
                if (c < 0x80) {
                        if (c == 0) {
                                if (bad_at) {
                                        *bad_at = i;
                                }
                                return NW_ERR_NUL_BYTE;
                        }
                        i++;
                        continue;
                }
                if (c >= 0xC2 && c <= 0xDF) {
                        n = 1;
                        cp = c & 0x1F;
                } else if (c >= 0xE0 && c <= 0xEF) {
                        n = 2;
                        cp = c & 0x0F;
                } else if (c >= 0xF0 && c <= 0xF4) {
                        n = 3;
                        cp = c & 0x07;
                } else {
                        goto bad;       /* continuation byte, overlong 2-byte lead, or > F4 */
                }
                if (len - i <= n) {
                        goto bad;
                }
                for (size_t k = 1; k <= n; k++) {
                        if ((p[i + k] & 0xC0) != 0x80) {
                                goto bad;
                        }
                        cp = (cp << 6) | (p[i + k] & 0x3F);
                }
                /* reject overlong 3/4-byte forms, UTF-16 surrogates and > U+10FFFF */
                if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
                    (cp >= 0xD800 && cp <= 0xDFFF)) {
                        goto bad;
                }
                i += n + 1;
        }
        return NW_OK;
bad:
        if (bad_at) {
                *bad_at = i;
        }
        return NW_ERR_BAD_UTF8;
}

/* Hard-wrapped wire copy is re-joined: a newline inside a paragraph becomes a space when the
 * next line starts in lower case or with a digit, or when the line before ends mid-clause (a
 * comma, a hyphen, a lower-case letter) and is long enough to have been wrapped by a
 * fixed-width terminal. Otherwise the newline is taken to separate paragraphs, which is how
 * most web copy uses it. Both tests need only the last byte and length of the line before and
 * the first byte of the next, so lines go straight to the output: the separator is written
 * when the next line's first byte arrives. */
static int line_ends_open(unsigned char last, size_t len)
{
        if (last == ',' || last == ';' || last == '-' || last == '(') {
                return 1;
        }
        return len >= 40 && ((last >= 'a' && last <= 'z') || (last >= '0' && last <= '9'));
}

static int line_starts_continuation(unsigned char first)
{
        return (first >= 'a' && first <= 'z') || first == '(';
}

static int is_ascii(const char *s, size_t len)
{
        uint64_t acc = 0, x;
        size_t i = 0;

        /* eight bytes a step: a byte at a time this was a third of the normalization */
        for (; len - i >= 8; i += 8) {
                memcpy(&x, s + i, 8);
                acc |= x;
        }
        for (; i < len; i++) {
                acc |= (unsigned char)s[i];
        }
        return (acc & 0x8080808080808080ULL) == 0;
}

struct lines {
        struct nw_buf *out;
        size_t cur;             /* bytes of the current line so far; 0 before its first */
        int have_prev;          /* a line was written before this one */
        size_t prev_len;
        unsigned char prev_last;
        int pending_break;      /* 0 none, 1 one newline seen, 2 a paragraph break seen */
        int pending_space;
        size_t mark, sep;       /* where the current line's separator starts, and its length */
};

/* Past the cap, the output keeps what a line-at-a-time writer would have left: the lines
 * before, and this line's separator if that alone fits. */
static enum nw_err too_big(struct lines *st)
{
        struct nw_buf *out = st->out;
        size_t keep = st->mark;

        if (st->sep && !(out->max && st->mark + st->sep > out->max)) {
                keep += st->sep;
        }
        if (out->data) {
                out->len = keep;
                out->data[keep] = '\0';
        }
        return NW_ERR_TOO_BIG;
}

/* Append @p n bytes of text (no white space at either end) to the current line. */
static enum nw_err emit(struct lines *st, const unsigned char *p, size_t n)
{
        if (st->cur == 0) {
                st->mark = st->out->len;
                st->sep = 0;
                if (st->have_prev) {
                        int join = st->pending_break == 1 &&
                                   (line_ends_open(st->prev_last, st->prev_len) ||
                                    line_starts_continuation(p[0]));
                        st->sep = join ? 1 : 2;
                        if (nw_buf_append(st->out, join ? " " : "\n\n", st->sep) != NW_OK) {
                                return too_big(st);
                        }
                }
        } else if (st->pending_space) {
                if (nw_buf_putc(st->out, ' ') != NW_OK) {
                        return too_big(st);
                }
                st->cur++;
        }
        st->pending_space = 0;
        if (nw_buf_append(st->out, p, n) != NW_OK) {
                return too_big(st);
        }
        st->cur += n;
        return NW_OK;
}

/* A newline: @p kind 1 for a line break, 2 for a paragraph separator. */
static void newline(struct lines *st, int kind)
{
        if (st->cur == 0) {
                /* an empty line, or one that held only white space */
                if (st->have_prev) {
                        st->pending_break = 2;
                }
        } else {
                st->have_prev = 1;
                st->prev_len = st->cur;
                st->prev_last = (unsigned char)st->out->data[st->out->len - 1];
                st->cur = 0;
                st->pending_break = kind;
        }
        st->pending_space = 0;
}

#define ONES8 0x0101010101010101ULL
#define HIGH8 0x8080808080808080ULL

/* The high bit of each byte of @p x that continues a run of plain text: printable ASCII
 * other than the space ('!' to '~'), or a single space before such a byte. Such a run is
 * copied as it is. Bytes are cut to 7 bits before the sums so that none carries. */
static uint64_t plain8(uint64_t x)
{
        uint64_t t = x & ONES8 * 0x7F;
        uint64_t y = (x ^ ONES8 * ' ') & ONES8 * 0x7F;
        uint64_t print = (t + ONES8 * (0x80 - '!')) & ~(t + ONES8) & ~x & HIGH8;
        uint64_t space = ~((y + ONES8 * 0x7F) | x) & HIGH8;

        return print | (space & print >> 8);
}

static int plain(unsigned char c)
{
        return c > ' ' && c < 0x7F;
}

/* The bytes that end a plain run, as nw_swar_skip() wants them. */
static uint64_t stop8(uint64_t x)
{
        return ~plain8(x) & HIGH8;
}

/* The end of the run of plain text that starts at @p i (a printable byte, not a space).
 * Where a run is cut makes no difference to the output: a run cut at a single space goes on
 * after it as the next run, the space in between. */
static size_t plain_run(const unsigned char *text, size_t i, size_t len)
{
        int found;

        i++;
#if defined(__SSE2__) && !defined(NW_SWAR_ONLY)
        /* 64 bytes a step: masks of the printable bytes and of the spaces, from compares */
        while (len - i >= 64) {
                uint64_t print = 0, space = 0, cont;
                for (int k = 0; k < 4; k++) {
                        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(text + i + 16 * k));
                        /* '!' to '~', moved to start at -128 as a signed byte: below -128 + 94 */
                        __m128i pv = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - '!'))),
                                                    _mm_set1_epi8(-128 + 94));
                        print |= (uint64_t)(unsigned)_mm_movemask_epi8(pv) << (16 * k);
                        space |= (uint64_t)(unsigned)_mm_movemask_epi8(
                                         _mm_cmpeq_epi8(v, _mm_set1_epi8(' '))) << (16 * k);
                }
                /* a space continues the run before a printable byte (the last one of the
                 * block ends it, as in stop8) */
                cont = print | (space & print >> 1);
                if (~cont) {
                        return i + (size_t)__builtin_ctzll(~cont);
                }
                i += 64;
        }
#endif
        i = nw_swar_skip((const char *)text, i, len, stop8, &found);
        if (found) {
                return i;
        }
        while (i < len && (plain(text[i]) || (text[i] == ' ' && i + 1 < len && plain(text[i + 1])))) {
                i++;
        }
        return i;
}

enum nw_err nw_text_normalize(const char *s, size_t len, int multiline, struct nw_buf *out)
{
        utf8proc_uint8_t *nfkc = NULL;
        const utf8proc_uint8_t *text;
        utf8proc_ssize_t nlen;
        enum nw_err err = NW_OK;
        struct lines st = {out, 0, 0, 0, 0, 0, 0, 0, 0};

        if (len == 0) {
                return NW_OK;
        }
        /* NFKC leaves ASCII as it is, and most wire copy is ASCII: skip the Unicode pass */
        if (is_ascii(s, len)) {
                text = (const utf8proc_uint8_t *)s;
                nlen = (utf8proc_ssize_t)len;
        } else {
                nlen = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &nfkc,
                                    UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT);
                if (nlen < 0) {
                        return NW_ERR_BAD_UTF8;
                }
                text = nfkc;
        }
        /* the output is about as long as the text: one allocation instead of a doubling
         * series (past the cap nothing is reserved, and the appends report it) */
        (void)nw_buf_reserve(out, (size_t)nlen);

        for (utf8proc_ssize_t i = 0; i < nlen;) {
                utf8proc_int32_t cp;
                utf8proc_ssize_t n;
                int is_nl = 0, is_space = 0, drop = 0;

                if (plain(text[i])) {
                        /* printable ASCII, the common case: copied a run at a time */
                        size_t end = plain_run(text, (size_t)i, (size_t)nlen);
                        err = emit(&st, text + i, end - (size_t)i);
                        if (err != NW_OK) {
                                goto out;
                        }
                        i = (utf8proc_ssize_t)end;
                        continue;
                }
                if (text[i] < 0x80) {
                        /* the ASCII controls are all category Cc: no table lookups */
                        cp = text[i];
                        n = 1;
                        if (cp == '\n') {
                                is_nl = 1;
                        } else if (cp == '\r') {
                                /* CR LF is one newline; a lone CR is one too */
                                is_nl = !(i + 1 < nlen && text[i + 1] == '\n');
                                drop = !is_nl;
                        } else if (cp == ' ' || cp == '\t' || cp == '\v' || cp == '\f') {
                                is_space = 1;
                        } else {
                                drop = 1;
                        }
                } else {
                        utf8proc_category_t cat;
                        n = utf8proc_iterate(text + i, nlen - i, &cp);
                        if (n <= 0) {
                                err = NW_ERR_BAD_UTF8;
                                goto out;
                        }
                        cat = utf8proc_category(cp);
                        if (cp == 0x2028 || cp == 0x85) {
                                is_nl = 1;
                        } else if (cp == 0x2029) {
                                is_nl = 2;
                        } else if (cat == UTF8PROC_CATEGORY_ZS) {
                                is_space = 1;
                        } else if (cat == UTF8PROC_CATEGORY_CC || cat == UTF8PROC_CATEGORY_CF ||
                                   cat == UTF8PROC_CATEGORY_CS || cat == UTF8PROC_CATEGORY_CO) {
                                drop = 1;
                        }
                }
                i += n;
                if (drop) {
                        continue;
                }
                if (is_space || (is_nl && !multiline)) {
                        st.pending_space = 1;
                        continue;
                }
                if (is_nl) {
                        newline(&st, is_nl);
                        continue;
                }
                err = emit(&st, text + i - n, (size_t)n);
                if (err != NW_OK) {
                        goto out;
                }
        }
out:
        nw_free(nfkc);
        return err;
}
