/* nw_decode.h -- a raw Kafka value (JSON object or plain text) to its fields, or a classified
 * error with a reason fit for the dead-letter record. No normalization happens here. */
#ifndef NW_CORE_DECODE_H
#define NW_CORE_DECODE_H

#include <stddef.h>
#include "nw_err.h"

struct nw_limits {
        size_t max_bytes;       /* largest value accepted */
        int max_depth;          /* deepest JSON (and HTML) nesting accepted */
};

/* The fields of one raw item; every pointer is owned (heap) or NULL. */
struct nw_raw {
        char *id, *source, *url, *title, *body, *published_at, *language, *content_type;
        char *extra_json;       /* unknown top-level members as a JSON object, or NULL */
        size_t title_len, body_len;     /* strlen of title and body (0 when NULL) */
        int is_json;
};

/** @brief Decode @p len bytes at @p value. @p content_type (may be NULL) is the producer's
 *  hint from a Kafka header: "json" in it forces JSON, "text/plain" forces plain text;
 *  otherwise a value whose first non-blank byte is '{' or '[' is JSON.
 *  Plain text: the first non-empty line is the title, the rest the body.
 *  @returns NW_OK, or NW_ERR_EMPTY, _TOO_BIG, _BAD_UTF8, _NUL_BYTE, _BAD_JSON, _TOO_DEEP,
 *  _NOT_OBJECT, _BAD_FIELD, _NO_CONTENT with a reason in @p errstr.
 *  @remark On error @p out holds nothing (it is freed). */
enum nw_err nw_decode(const char *value, size_t len, const char *content_type,
                      const struct nw_limits *lim, struct nw_raw *out, char *errstr,
                      size_t errstr_size);

/** @brief nw_decode() with every JSON value read by yajl, none by the one-pass reader of
 *  simple flat objects: the reference the fuzzer holds that reader to. */
enum nw_err nw_decode_reference(const char *value, size_t len, const char *content_type,
                                const struct nw_limits *lim, struct nw_raw *out, char *errstr,
                                size_t errstr_size);

/** @brief Free what @p raw owns and zero it. */
void nw_raw_free(struct nw_raw *raw);

#endif
