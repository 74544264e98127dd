/* nw_text.h -- UTF-8 validation and text clean-up: NFKC, control characters, whitespace.
 * Output text is valid UTF-8 with no control characters except '\n'; in multi-line mode
 * paragraphs are separated by exactly one blank line ("\n\n") and there are no other newlines. */
#ifndef NW_CORE_TEXT_H
#define NW_CORE_TEXT_H

#include <stddef.h>
#include "nw_buf.h"

/** @brief Check that @p s is well-formed UTF-8 (no overlongs, surrogates or code points past
 *  U+10FFFF) with no NUL byte.
 *  @returns NW_OK, NW_ERR_BAD_UTF8 or NW_ERR_NUL_BYTE; @p bad_at (may be NULL) gets the byte offset. */
enum nw_err nw_utf8_validate(const char *s, size_t len, size_t *bad_at);

/** @brief Append the normalized form of @p s to @p out: NFKC, control and format characters
 *  removed, white space collapsed. @p multiline 0 folds everything onto one line (titles);
 *  1 keeps paragraphs and re-joins lines that were hard-wrapped inside a paragraph.
 *  @returns NW_OK, NW_ERR_BAD_UTF8 or NW_ERR_TOO_BIG (cap of @p out). */
enum nw_err nw_text_normalize(const char *s, size_t len, int multiline, struct nw_buf *out);

#endif
