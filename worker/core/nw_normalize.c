/* nw_normalize.c -- article-level normalization over nw_text, nw_html, nw_url and nw_time. */
#include "nw_normalize.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nw_boilerplate.h"
#include "nw_dateline.h"
#include "nw_html.h"
#include "nw_text.h"
#include "nw_time.h"
#include "nw_url.h"

static int is_cjk(uint32_t cp)
{
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
               (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0xF900 && cp <= 0xFAFF);
}

static int ascii_letter(unsigned char c)
{
        return (unsigned char)((c | 0x20) - 'a') < 26;
}

const char *nw_detect_language(const char *text, size_t len)
{
        /* the common English words, lower case, packed big-endian into an integer each */
        static const uint32_t common[] = {
                0x746865, 0x616e64, 0x6f66, 0x746f, 0x696e, 0x6973, 0x666f72, 0x73616964,
                0x776173, 0x6f6e, 0x77697468, 0x74686174};  /* the and of to in is for said
                                                               was on with that */
        size_t latin = 0, cjk = 0, kana = 0, hangul = 0, other = 0, hits = 0, words = 0;
        size_t i = 0;

        while (i < len) {
                unsigned char c = (unsigned char)text[i];
                if (c < 0x80) {
                        if (ascii_letter(c)) {
                                size_t start = i;
                                uint32_t key = 0;
                                while (i < len && ascii_letter((unsigned char)text[i])) {
                                        /* past 4 letters the key is never compared */
                                        key = key << 8 | ((unsigned char)text[i] | 0x20);
                                        i++;
                                }
                                latin += i - start;
                                words++;
                                if (i - start > 4) {
                                        continue;
                                }
                                for (size_t k = 0; k < sizeof(common) / sizeof(common[0]); k++) {
                                        if (common[k] == key) {
                                                hits++;
                                                break;
                                        }
                                }
                                continue;
                        }
                        i++;
                        continue;
                }
                {
                        /* decode one sequence (the text is valid UTF-8 here) */
                        uint32_t cp;
                        size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
                        if (i + n > len) {
                                break;
                        }
                        cp = c & (n == 4 ? 0x07 : n == 3 ? 0x0F : 0x1F);
                        for (size_t k = 1; k < n; k++) {
                                cp = (cp << 6) | ((unsigned char)text[i + k] & 0x3F);
                        }
                        if (is_cjk(cp)) {
                                cjk++;
                        } else if (cp >= 0x3040 && cp <= 0x30FF) {
                                kana++;         /* hiragana and katakana: only Japanese */
                        } else if ((cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0x1100 && cp <= 0x11FF)) {
                                hangul++;
                        } else {
                                other++;
                        }
                        i += n;
                }
        }
        /* a Japanese text mixes kanji with kana; Han alone is Chinese. Characters carry a
         * word each, letters count a quarter. */
        if (kana > 0 && (kana + cjk) * 2 >= latin / 4 + kana + cjk) {
                return "ja";
        }
        if (hangul > 0 && hangul * 2 >= latin / 4 + hangul) {
                return "ko";
        }
        if (cjk > 0 && cjk * 2 >= latin / 4 + cjk) {
                return "zh";
        }
        if (words >= 5 && hits * 10 >= words && other * 10 < latin) {
                return "en";
        }
        return NULL;
}

/* A producer's language tag: "en", "EN", "en-US", "zh_Hans" -> two lower-case letters. */
static char *language_tag(const char *tag)
{
        char out[3];

        if (!tag || !isalpha((unsigned char)tag[0]) || !isalpha((unsigned char)tag[1]) ||
            (tag[2] != '\0' && tag[2] != '-' && tag[2] != '_')) {
                return NULL;
        }
        out[0] = (char)tolower((unsigned char)tag[0]);
        out[1] = (char)tolower((unsigned char)tag[1]);
        out[2] = '\0';
        return nw_xstrdup(out);
}

static int blank(const char *s)
{
        return !s || !*s;
}

enum nw_err nw_normalize(const struct nw_raw *raw, const struct nw_limits *lim,
                         struct nw_article *a, char *errstr, size_t errstr_size)
{
        struct nw_buf b, html;
        enum nw_err err = NW_OK;
        int64_t ts;

        nw_buf_init(&b, lim->max_bytes * 2);
        nw_buf_init(&html, lim->max_bytes * 2);
        if (raw->title) {
                err = nw_text_normalize(raw->title, strlen(raw->title), 0, &b);
                if (err != NW_OK) {
                        snprintf(errstr, errstr_size, "title: %s", nw_err_str(err));
                        goto out;
                }
                a->title = nw_buf_take(&b);
        }
        if (raw->body) {
                const char *text = raw->body;
                size_t tlen = strlen(raw->body);
                int is_html = (raw->content_type && strstr(raw->content_type, "html")) ||
                              nw_html_detect(text, tlen);
                if (is_html) {
                        err = nw_html_to_text(text, tlen, lim->max_depth, &html);
                        if (err == NW_ERR_TOO_DEEP) {
                                /* nw_err_str() speaks of JSON; say what was refused */
                                snprintf(errstr, errstr_size,
                                         "HTML body: elements nested deeper than the limit of %d",
                                         lim->max_depth);
                                goto out;
                        }
                        if (err != NW_OK) {
                                snprintf(errstr, errstr_size, "%s",
                                         "HTML body: too many elements, or its text over the size limit");
                                goto out;
                        }
                        text = nw_buf_str(&html);
                        tlen = html.len;
                        a->body_was_html = 1;
                }
                err = nw_text_normalize(text, tlen, 1, &b);
                if (err != NW_OK) {
                        snprintf(errstr, errstr_size, "body: %s", nw_err_str(err));
                        goto out;
                }
                a->body = nw_buf_take(&b);
        }
        if (blank(a->title) && blank(a->body)) {
                err = NW_ERR_NO_CONTENT;
                snprintf(errstr, errstr_size, "%s",
                         "nothing is left of the title and body after clean-up");
                goto out;
        }
        if (!a->title) {
                a->title = nw_xstrdup("");
        }
        if (!a->body) {
                a->body = nw_xstrdup("");
        }
        if (raw->url && *raw->url) {
                a->url = nw_xstrdup(raw->url);
                nw_buf_reset(&b);
                if (nw_url_canonical(raw->url, strlen(raw->url), &b) == NW_OK) {
                        a->canonical_url = nw_buf_take(&b);
                }
        }
        if (raw->source && *raw->source) {
                a->source_name = nw_xstrdup(raw->source);
        }
        if (raw->published_at && nw_time_parse(raw->published_at, strlen(raw->published_at), &ts) == 0) {
                char when[40];
                nw_time_format(ts * 1000, 0, when, sizeof(when));
                a->published_at = nw_xstrdup(when);
        }
        /* site chrome first, then the dateline: a copy wrapped in boilerplate and the same
         * story without it should normalize alike */
        nw_boilerplate_strip(a->body);
        nw_dateline_split(a);
        /* checked again: a body that was all dateline and copyright line leaves nothing */
        if (blank(a->title) && blank(a->body)) {
                err = NW_ERR_NO_CONTENT;
                snprintf(errstr, errstr_size, "%s",
                         "nothing is left of the title and body after clean-up");
                goto out;
        }
        a->language = language_tag(raw->language);
        if (!a->language) {
                const char *lang = nw_detect_language(a->body[0] ? a->body : a->title,
                                                      strlen(a->body[0] ? a->body : a->title));
                a->language = lang ? nw_xstrdup(lang) : NULL;
        }
        if (raw->extra_json) {
                a->extra_json = nw_xstrdup(raw->extra_json);
        }
out:
        nw_buf_free(&b);
        nw_buf_free(&html);
        return err;
}
