/* nw_url.h -- canonical URLs for dedupe and ids: the same page under tracking parameters,
 * another host case, a default port or a fragment maps to one string. */
#ifndef NW_CORE_URL_H
#define NW_CORE_URL_H

#include <stddef.h>
#include "nw_buf.h"

/** @brief Append the canonical form of @p url to @p out: scheme and host lower-cased, user
 *  info (credentials) dropped, default port dropped, empty path made "/", fragment dropped,
 *  tracking parameters (utm_*, fbclid, gclid, ...) removed and the remaining query
 *  parameters sorted.
 *  @returns NW_OK; NW_ERR_BAD_FIELD when @p url is not an absolute http(s) URL (out unchanged);
 *  NW_ERR_TOO_BIG (cap of @p out). */
enum nw_err nw_url_canonical(const char *url, size_t len, struct nw_buf *out);

#endif
