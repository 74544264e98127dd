/* fuzz_pipeline.c -- libFuzzer target for the whole per-message core, as the daemon runs it:
 * nw_pipeline_process() then nw_serialize(). A message either becomes a record that parses
 * as JSON (yajl_tree_parse, which also checks UTF-8) or a DLQ code with a reason. */
#include <string.h>
#include <yajl/yajl_tree.h>

#include "fuzz.h"
#include "nw_article.h"
#include "nw_buf.h"
#include "nw_pipeline.h"
#include "nw_serialize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        /* the header a producer may set; picked by input length so the corpus stays plain
         * message values and still covers every hint */
        static const char *const hints[] = {NULL, NULL, "application/json", "text/html"};
        struct nw_msg msg = {(const char *)data, size, hints[size % 4], 1, "news.raw", 3, 42};
        struct nw_article a;
        struct nw_buf out;
        char errstr[256] = "";
        enum nw_err err;
        yajl_val v;
        char perr[256];

        nw_article_init(&a);
        err = nw_pipeline_process(&nw_fuzz_limits, &msg, &a, errstr, sizeof(errstr));
        if (err != NW_OK) {
                nw_fuzz_check_dlq_reason(err, errstr);
                nw_article_free(&a);
                return 0;
        }
        NW_FUZZ_CHECK(a.id && a.id[0], "every record has an id");
        /* uncapped, as in the daemon (nw_loop.c): a failure here is the serializer's own */
        nw_buf_init(&out, 0);
        err = nw_serialize(&a, "2024-01-01T00:00:00Z", "fuzz", &out);
        NW_FUZZ_CHECK(err == NW_OK, "a processed article serializes");
        /* yajl's parser lets encoded surrogates (ED A0 80..ED BF BF) through; consumers in
         * other languages do not, so the record is held to strict UTF-8 as well */
        nw_fuzz_check_utf8(nw_buf_str(&out), "the record");
        v = yajl_tree_parse(nw_buf_str(&out), perr, sizeof(perr));
        if (!v) {
                fprintf(stderr, "record does not parse (%s): %.2000s\n", perr, nw_buf_str(&out));
                abort();
        }
        yajl_tree_free(v);
        nw_buf_free(&out);
        nw_article_free(&a);
        return 0;
}
