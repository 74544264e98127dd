/* dump_core.c -- prints what the core makes of each input (the record or the DLQ code, and the
 * fingerprints of the raw bytes at every alignment), so that the core built with its SIMD
 * fast paths and the core built with NW_SWAR_ONLY can be compared byte for byte.
 * Linked with the fuzz replay runner, which calls LLVMFuzzerTestOneInput per file. */
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "nw_article.h"
#include "nw_boilerplate.h"
#include "nw_buf.h"
#include "nw_fingerprint.h"
#include "nw_near.h"
#include "nw_normalize.h"
#include "nw_pipeline.h"
#include "nw_serialize.h"
#include "nw_text.h"

static void print_sig(const struct nw_near_sig *sig)
{
        printf(" shingles %u nnum %u\n", (unsigned)sig->shingles, (unsigned)sig->nnum);
        for (int i = 0; i < NW_NEAR_HASHES; i++) {
                printf("%08x%c", (unsigned)sig->h[i], i % 8 == 7 ? '\n' : ' ');
        }
        for (unsigned i = 0; i < sig->nnum && i < NW_NEAR_NUMS; i++) {
                printf("%08x%c", (unsigned)sig->num[i], i % 8 == 7 ? '\n' : ' ');
        }
        printf("\n");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static const char *const hints[] = {NULL, NULL, "application/json", "text/html"};
        struct nw_msg msg = {(const char *)data, size, hints[size % 4], 1, "news.raw", 3, 42};
        struct nw_article a;
        struct nw_near_sig sig;
        struct nw_buf out;
        char errstr[256] = "";
        enum nw_err err;

        printf("== input of %zu bytes\n", size);
        nw_article_init(&a);
        err = nw_pipeline_process(&nw_fuzz_limits, &msg, &a, errstr, sizeof(errstr));
        if (err != NW_OK) {
                printf("dlq %s: %s\n", nw_err_name(err), errstr);
        } else {
                nw_buf_init(&out, 0);
                err = nw_serialize(&a, "2024-01-01T00:00:00Z", "portable", &out);
                printf("record %s %s\n", nw_err_name(err), nw_buf_str(&out));
                printf("near");
                print_sig(&a.near);
                nw_buf_free(&out);
                nw_article_free(&a);
        }
        /* the raw bytes from every start in the first 64, so each word and figure mask meets
         * every alignment and every length of tail */
        for (size_t k = 0; k < size && k < 64; k++) {
                const char *p = (const char *)data + k, *rule;
                size_t n = size - k, bad_at = 0;
                uint64_t simhash;

                nw_near_fingerprints(p, n, &simhash, &sig);
                printf("raw +%zu simhash %016llx %016llx", k, (unsigned long long)simhash,
                       (unsigned long long)nw_fp_simhash(p, n));
                print_sig(&sig);
                err = nw_utf8_validate(p, n, &bad_at);
                rule = nw_boilerplate_match(p, n);
                printf("utf8 %s at %zu language %s boilerplate %s\n", nw_err_name(err),
                       err == NW_OK ? 0 : bad_at, nw_detect_language(p, n), rule ? rule : "-");
                for (int multiline = 0; multiline < 2; multiline++) {
                        nw_buf_init(&out, 0);
                        err = nw_text_normalize(p, n, multiline, &out);
                        printf("text %d %s [%s]\n", multiline, nw_err_name(err),
                               err == NW_OK ? nw_buf_str(&out) : "");
                        nw_buf_free(&out);
                }
        }
        return 0;
}
