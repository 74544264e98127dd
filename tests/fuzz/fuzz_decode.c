/* fuzz_decode.c -- libFuzzer target for nw_decode(): any bytes, under each content-type hint
 * the daemon can pass, must decode or fail with a DLQ code and reason; decoded fields must be
 * valid UTF-8 (they reach the record and the logs unchanged); and the one-pass reader of simple
 * objects must give exactly what yajl gives (nw_decode_reference()). */
#include <string.h>

#include "fuzz.h"
#include "nw_decode.h"

static int same(const char *a, const char *b)
{
        return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* The fast path and yajl agree on the result, the reason and every field. */
static void against_reference(const uint8_t *data, size_t size, const char *content_type,
                              enum nw_err err, const char *errstr, const struct nw_raw *raw)
{
        struct nw_raw ref;
        char referr[256] = "";
        enum nw_err e = nw_decode_reference((const char *)data, size, content_type,
                                            &nw_fuzz_limits, &ref, referr, sizeof(referr));

        NW_FUZZ_CHECK(e == err, "fast and reference decode return the same code");
        NW_FUZZ_CHECK(strcmp(errstr, referr) == 0, "fast and reference decode give the same reason");
        NW_FUZZ_CHECK(same(raw->id, ref.id) && same(raw->source, ref.source) &&
                      same(raw->url, ref.url) && same(raw->title, ref.title) &&
                      same(raw->body, ref.body) && same(raw->published_at, ref.published_at) &&
                      same(raw->language, ref.language) &&
                      same(raw->content_type, ref.content_type) &&
                      same(raw->extra_json, ref.extra_json) && raw->is_json == ref.is_json,
                      "fast and reference decode read the same fields");
        nw_raw_free(&ref);
}

static void one(const uint8_t *data, size_t size, const char *content_type)
{
        struct nw_raw raw;
        char errstr[256] = "";
        enum nw_err err;

        err = nw_decode((const char *)data, size, content_type, &nw_fuzz_limits, &raw, errstr,
                        sizeof(errstr));
        against_reference(data, size, content_type, err, errstr, &raw);
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
