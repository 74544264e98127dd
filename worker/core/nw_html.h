/* nw_html.h -- HTML bodies to plain text with gumbo: tags dropped, entities decoded,
 * block elements turned into paragraph breaks, scripts and styles dropped. */
#ifndef NW_CORE_HTML_H
#define NW_CORE_HTML_H

#include <stddef.h>
#include "nw_buf.h"

/** @returns 1 when @p s looks like HTML markup (a known tag or a closing tag), else 0. */
int nw_html_detect(const char *s, size_t len);

/** @brief Append the text of the HTML in @p s to @p out; paragraphs end with "\n\n".
 *  The result still needs nw_text_normalize(). Elements nested deeper than @p max_depth
 *  are refused (NW_ERR_TOO_DEEP) before parsing, so a tag bomb cannot exhaust the stack.
 *  @returns NW_OK, NW_ERR_TOO_DEEP or NW_ERR_TOO_BIG. */
enum nw_err nw_html_to_text(const char *s, size_t len, int max_depth, struct nw_buf *out);

#endif
