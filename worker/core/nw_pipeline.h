/* nw_pipeline.h -- one message in, one article (or one classified DLQ reason) out: decode,
 * normalize, fingerprint, choose the id. The daemon, the offline mode, the tests and the
 * fuzzers all call exactly this. */
#ifndef NW_CORE_PIPELINE_H
#define NW_CORE_PIPELINE_H

#include <stddef.h>
#include <stdint.h>
#include "nw_article.h"
#include "nw_buf.h"
#include "nw_decode.h"

/* One input message; all borrowed. */
struct nw_msg {
        const char *value;
        size_t len;
        const char *content_type;       /* from a Kafka header, or NULL */
        int has_coords;                 /* 0 outside Kafka */
        const char *topic;
        int32_t partition;
        int64_t offset;
};

/** @brief Process @p msg into @p a (initialised by the caller; freed on error).
 *  @returns NW_OK, or a per-message error (see nw_decode(), nw_normalize()) with the reason
 *  in @p errstr: such a message belongs in the dead-letter topic. */
enum nw_err nw_pipeline_process(const struct nw_limits *lim, const struct nw_msg *msg,
                                struct nw_article *a, char *errstr, size_t errstr_size);

/** @brief The fingerprints of a normalized article (SHA-256 of title and body, SimHash,
 *  MinHash signature), as nw_pipeline_process() computes them; the benchmark's staged pass
 *  calls it too. */
void nw_pipeline_fingerprint(struct nw_article *a);

/* Redis keys of an article's exact-duplicate claims. */
struct nw_claim_keys {
        char content[80];       /* <prefix>x:<sha256 of title+body> */
        char url[80];           /* <prefix>u:<sha256 of canonical URL>, or "" */
};

/** @brief Fill the claim keys of @p a under @p prefix (at most 8 bytes, e.g. "nw:"). */
void nw_claim_keys(const struct nw_article *a, const char *prefix, struct nw_claim_keys *k);

/** @brief The claim value: which message made the claim and what record it became,
 *  "<topic>/<partition>/<offset> <id>", so that a redelivery of the same message finds its
 *  own claim. Appended to @p out. */
enum nw_err nw_claim_value(const struct nw_article *a, struct nw_buf *out);

#endif
