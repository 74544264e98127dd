/* fuzz_extract.c -- libFuzzer target for nw_extract(): the input is article text (first line
 * the title, the rest the body), normalized as the pipeline would, dateline split off, then
 * facts extracted twice (the second call must give the same record) and serialized; the
 * record must parse as JSON. */
#include <string.h>
#include <yajl/yajl_tree.h>

#include "fuzz.h"
#include "nw_article.h"
#include "nw_buf.h"
#include "nw_dateline.h"
#include "nw_extract.h"
#include "nw_serialize.h"
#include "nw_text.h"

static char *normalized(const char *s, size_t n, int multiline)
{
        struct nw_buf b;

        nw_buf_init(&b, 4 * n + 64);
        if (nw_text_normalize(s, n, multiline, &b) != NW_OK) {
                nw_buf_free(&b);
                return NULL;
        }
        return nw_buf_take(&b);
}

static void record(const struct nw_article *a, struct nw_buf *out)
{
        yajl_val v;
        char err[256];

        nw_buf_reset(out);
        NW_FUZZ_CHECK(nw_serialize(a, "2024-01-01T00:00:00Z", "fuzz", out) == NW_OK,
                      "an extracted article serializes");
        nw_fuzz_check_utf8(nw_buf_str(out), "the record");
        v = yajl_tree_parse(nw_buf_str(out), err, sizeof(err));
        if (!v) {
                fprintf(stderr, "record does not parse (%s): %s\n", err, nw_buf_str(out));
                abort();
        }
        yajl_tree_free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        const char *s = (const char *)data;
        const char *nl;
        struct nw_article a;
        struct nw_buf first, second;
        char errstr[256] = "";
        size_t tlen;

        if (nw_utf8_validate(s, size, NULL) != NW_OK) {
                return 0;       /* decode refuses such input before extraction */
        }
        nl = memchr(s, '\n', size);
        tlen = nl ? (size_t)(nl - s) : size;
        nw_article_init(&a);
        a.title = normalized(s, tlen, 0);
        a.body = nl ? normalized(nl + 1, size - tlen - 1, 1) : nw_xstrdup("");
        if (!a.title || !a.body) {
                nw_article_free(&a);
                return 0;
        }
        /* relative dates need an anchor; the pipeline takes it from published_at */
        a.published_at = nw_xstrdup("2021-05-20T08:00:00Z");
        a.id = nw_xstrdup("fuzz");
        nw_dateline_split(&a);
        nw_fuzz_check_text(a.body, 1, "body after the dateline split");
        nw_buf_init(&first, 0);
        nw_buf_init(&second, 0);
        if (nw_extract(&a, errstr, sizeof(errstr)) == NW_OK) {
                record(&a, &first);
                NW_FUZZ_CHECK(nw_extract(&a, errstr, sizeof(errstr)) == NW_OK,
                              "a second extraction succeeds");
                record(&a, &second);
                NW_FUZZ_CHECK(first.len == second.len &&
                              memcmp(first.data, second.data, first.len) == 0,
                              "a second extraction gives the same record");
        }
        nw_buf_free(&first);
        nw_buf_free(&second);
        nw_article_free(&a);
        return 0;
}
