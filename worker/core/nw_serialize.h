/* nw_serialize.h -- struct nw_article to the v1 enriched record (one line of JSON). */
#ifndef NW_CORE_SERIALIZE_H
#define NW_CORE_SERIALIZE_H

#include "nw_article.h"
#include "nw_buf.h"

#define NW_RECORD_SCHEMA "newsworker.enriched/v1"

/** @brief Append the record of @p a to @p out, with every field of DESIGN.md present.
 *  @p processed_at is an RFC 3339 string from the caller's clock; @p version the worker's.
 *  @returns NW_OK or NW_ERR_TOO_BIG (cap of @p out). */
enum nw_err nw_serialize(const struct nw_article *a, const char *processed_at,
                         const char *version, struct nw_buf *out);

#endif
