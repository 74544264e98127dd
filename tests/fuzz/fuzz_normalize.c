/* fuzz_normalize.c -- libFuzzer target for nw_decode() + nw_normalize(): HTML, NFKC,
 * white space, URL and time clean-up over any bytes. The normalizer's promises are checked:
 * title and body are valid UTF-8 without control characters (the body keeps '\n' only). */
#include <string.h>

#include "fuzz.h"
#include "nw_article.h"
#include "nw_buf.h"
#include "nw_decode.h"
#include "nw_normalize.h"

static void one(const uint8_t *data, size_t size, const char *content_type, int force_html)
{
        struct nw_raw raw;
        struct nw_article a;
        char errstr[256] = "";
        enum nw_err err;

        err = nw_decode((const char *)data, size, content_type, &nw_fuzz_limits, &raw, errstr,
                        sizeof(errstr));
        if (err != NW_OK) {
                return;         /* fuzz_decode checks this half */
        }
        if (force_html) {
                /* as if the producer said "content_type": "text/html": every body goes
                 * through gumbo, markup or not */
                free(raw.content_type);
                raw.content_type = nw_xstrdup("text/html");
        }
        nw_article_init(&a);
        err = nw_normalize(&raw, &nw_fuzz_limits, &a, errstr, sizeof(errstr));
        if (err != NW_OK) {
                nw_fuzz_check_dlq_reason(err, errstr);
        } else {
                NW_FUZZ_CHECK(a.title && a.body, "title and body are never NULL");
                NW_FUZZ_CHECK(a.title[0] || a.body[0], "an article has a title or a body");
                nw_fuzz_check_text(a.title, 0, "title");
                nw_fuzz_check_text(a.body, 1, "body");
                NW_FUZZ_CHECK(strstr(a.body, "\n\n\n") == NULL,
                              "paragraphs are separated by exactly one blank line");
                nw_fuzz_check_utf8(a.url, "url");
                nw_fuzz_check_utf8(a.canonical_url, "canonical_url");
                nw_fuzz_check_utf8(a.source_name, "source_name");
                nw_fuzz_check_utf8(a.published_at, "published_at");
                if (a.dateline) {
                        nw_fuzz_check_text(a.dateline->agency, 0, "dateline agency");
                        nw_fuzz_check_text(a.dateline->location, 0, "dateline location");
                }
                for (size_t i = 0; i < a.authors.n; i++) {
                        nw_fuzz_check_text(a.authors.v[i], 0, "author");
                }
        }
        nw_article_free(&a);
        nw_raw_free(&raw);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        one(data, size, NULL, 0);
        one(data, size, NULL, 1);
        return 0;
}
