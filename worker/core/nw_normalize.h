/* nw_normalize.h -- raw fields to the normalized article: text clean-up (HTML, NFKC,
 * whitespace), canonical URL, published_at in RFC 3339, language. */
#ifndef NW_CORE_NORMALIZE_H
#define NW_CORE_NORMALIZE_H

#include <stddef.h>
#include "nw_article.h"
#include "nw_decode.h"

/** @brief Fill the text fields of @p a from @p raw (borrowed). @p a must be initialised.
 *  @returns NW_OK, NW_ERR_BAD_UTF8, NW_ERR_TOO_DEEP (HTML), NW_ERR_TOO_BIG or
 *  NW_ERR_NO_CONTENT (nothing left after clean-up), with a reason in @p errstr. */
enum nw_err nw_normalize(const struct nw_raw *raw, const struct nw_limits *lim,
                         struct nw_article *a, char *errstr, size_t errstr_size);

/** @brief nw_normalize(), which may hand strings over from @p raw instead of copying them
 *  (the pipeline frees raw after), and which gives the lengths of a->title and a->body in
 *  @p title_len and @p body_len on success. */
enum nw_err nw_normalize_take(struct nw_raw *raw, const struct nw_limits *lim,
                              struct nw_article *a, size_t *title_len, size_t *body_len,
                              char *errstr, size_t errstr_size);

/** @returns "en", "zh", "ja", "ko" or NULL (another or unknown language) for normalized
 *  text, from its scripts and common English words. Borrowed static string. */
const char *nw_detect_language(const char *text, size_t len);

#endif
