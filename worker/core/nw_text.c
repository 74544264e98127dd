/* nw_text.c -- UTF-8 validation and NFKC/whitespace normalization (utf8proc does the Unicode). */
#include "nw_text.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

enum nw_err nw_utf8_validate(const char *s, size_t len, size_t *bad_at)
{
        const unsigned char *p = (const unsigned char *)s;
        size_t i = 0;

        while (i < len) {
                unsigned char c = p[i];
                size_t n;
                uint32_t cp;

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

/* Lines are collected first so that hard-wrapped wire copy can be re-joined: a newline
 * inside a paragraph becomes a space when the next line starts in lower case or with a
 * digit, or when the line before ends mid-clause (a comma, a hyphen, a lower-case letter)
 * and is long enough to have been wrapped by a fixed-width terminal. Otherwise the
 * newline is taken to separate paragraphs, which is how most web copy uses it. */
static int line_ends_open(const char *line, size_t len)
{
        unsigned char last;

        if (len == 0) {
                return 0;
        }
        last = (unsigned char)line[len - 1];
        if (last == ',' || last == ';' || last == '-' || last == '(') {
                return 1;
        }
        return len >= 40 && ((last >= 'a' && last <= 'z') || (last >= '0' && last <= '9'));
}

static int line_starts_continuation(const char *line, size_t len)
{
        unsigned char first;

        if (len == 0) {
                return 0;
        }
        first = (unsigned char)line[0];
        return (first >= 'a' && first <= 'z') || first == '(' ;
}

static int is_ascii(const char *s, size_t len)
{
        unsigned char acc = 0;

        for (size_t i = 0; i < len; i++) {
                acc |= (unsigned char)s[i];
        }
        return acc < 0x80;
}

/* Where the last flushed line sits in the output: an offset, since the buffer may move. */
struct line_state {
        int have_prev;
        size_t prev_off, prev_len;
        int pending_break;      /* 0 none, 1 one newline seen, 2 a paragraph break seen */
};

static enum nw_err flush_line(struct nw_buf *out, struct nw_buf *line, struct line_state *st)
{
        size_t at;

        if (st->have_prev) {
                int join = st->pending_break == 1 &&
                           (line_ends_open(out->data + st->prev_off, st->prev_len) ||
                            line_starts_continuation(line->data, line->len));
                if (nw_buf_append(out, join ? " " : "\n\n", join ? 1 : 2) != NW_OK) {
                        return NW_ERR_TOO_BIG;
                }
        }
        at = out->len;
        if (nw_buf_append(out, line->data, line->len) != NW_OK) {
                return NW_ERR_TOO_BIG;
        }
        st->have_prev = 1;
        st->prev_off = at;
        st->prev_len = line->len;
        nw_buf_reset(line);
        return NW_OK;
}

enum nw_err nw_text_normalize(const char *s, size_t len, int multiline, struct nw_buf *out)
{
        utf8proc_uint8_t *nfkc = NULL;
        const utf8proc_uint8_t *text;
        utf8proc_ssize_t nlen;
        struct nw_buf line;
        enum nw_err err = NW_OK;
        struct line_state st = {0, 0, 0, 0};
        int pending_space = 0;

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
        nw_buf_init(&line, 0);

        for (utf8proc_ssize_t i = 0; i < nlen;) {
                utf8proc_int32_t cp;
                utf8proc_ssize_t n;
                utf8proc_category_t cat;
                int is_nl = 0, is_space = 0, drop = 0;

                if (text[i] >= 0x20 && text[i] < 0x7F) {
                        /* printable ASCII: the common case, no table lookups */
                        if (text[i] == ' ') {
                                pending_space = 1;
                                i++;
                                continue;
                        }
                        if (pending_space && line.len > 0) {
                                nw_buf_putc(&line, ' ');
                        }
                        pending_space = 0;
                        if (nw_buf_putc(&line, (char)text[i]) != NW_OK) {
                                err = NW_ERR_TOO_BIG;
                                goto out;
                        }
                        i++;
                        continue;
                }
                n = utf8proc_iterate(text + i, nlen - i, &cp);
                if (n <= 0) {
                        err = NW_ERR_BAD_UTF8;
                        goto out;
                }
                cat = utf8proc_category(cp);
                if (cp == '\n' || cp == 0x2028 || cp == 0x85) {
                        is_nl = 1;
                } else if (cp == 0x2029) {
                        is_nl = 2;
                } else if (cp == '\r') {
                        /* CR LF is one newline; a lone CR is one too */
                        is_nl = !(i + 1 < nlen && text[i + 1] == '\n');
                        drop = !is_nl;
                } else if (cp == '\t' || cp == '\v' || cp == '\f' || cat == UTF8PROC_CATEGORY_ZS) {
                        is_space = 1;
                } else if (cat == UTF8PROC_CATEGORY_CC || cat == UTF8PROC_CATEGORY_CF ||
                           cat == UTF8PROC_CATEGORY_CS || cat == UTF8PROC_CATEGORY_CO) {
                        drop = 1;
                }
                i += n;
                if (drop) {
                        continue;
                }
                if (is_space || (is_nl && !multiline)) {
                        pending_space = 1;
                        continue;
                }
                if (is_nl) {
                        if (line.len == 0) {
                                /* an empty line, or one that held only white space */
                                if (st.have_prev) {
                                        st.pending_break = 2;
                                }
                        } else {
                                err = flush_line(out, &line, &st);
                                if (err != NW_OK) {
                                        goto out;
                                }
                                st.pending_break = is_nl == 2 ? 2 : 1;
                        }
                        pending_space = 0;
                        continue;
                }
                if (pending_space && line.len > 0) {
                        nw_buf_putc(&line, ' ');
                }
                pending_space = 0;
                if (nw_buf_append(&line, text + i - n, (size_t)n) != NW_OK) {
                        err = NW_ERR_TOO_BIG;
                        goto out;
                }
        }
        if (line.len > 0) {
                err = flush_line(out, &line, &st);
        }
out:
        nw_buf_free(&line);
        free(nfkc);
        return err;
}
