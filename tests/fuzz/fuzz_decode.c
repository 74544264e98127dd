/* fuzz_decode.c -- libFuzzer target for nw_decode(): any bytes, under each content-type hint
 * the daemon can pass, must decode or fail with a DLQ code and reason; decoded fields must be
 * valid UTF-8 (they reach the record and the logs unchanged). */
#include <string.h>

#include "fuzz.h"
#include "nw_decode.h"

static void one(const uint8_t *data, size_t size, const char *content_type)
{
        struct nw_raw raw;
        char errstr[256] = "";
        enum nw_err err;

        err = nw_decode((const char *)data, size, content_type, &nw_fuzz_limits, &raw, errstr,
                        sizeof(errstr));
        if (err != NW_OK) {
                nw_fuzz_check_dlq_reason(err, errstr);
                NW_FUZZ_CHECK(!raw.title && !raw.body && !raw.extra_json,
                              "a failed decode leaves nothing behind");
                return;
        }
        nw_fuzz_check_utf8(raw.id, "id");
        nw_fuzz_check_utf8(raw.source, "source");
        nw_fuzz_check_utf8(raw.url, "url");
        nw_fuzz_check_utf8(raw.title, "title");
        nw_fuzz_check_utf8(raw.body, "body");
        nw_fuzz_check_utf8(raw.published_at, "published_at");
        nw_fuzz_check_utf8(raw.language, "language");
        nw_fuzz_check_utf8(raw.content_type, "content_type");
        nw_fuzz_check_utf8(raw.extra_json, "extra_json");
        nw_raw_free(&raw);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        /* the three ways the daemon calls it: no header, a JSON header, a text header */
        one(data, size, NULL);
        one(data, size, "application/json");
        one(data, size, "text/plain; charset=utf-8");
        return 0;
}
