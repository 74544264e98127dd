/* nw_boilerplate.h -- site boilerplate dropped from normalized bodies: navigation ("Prev:",
 * "Next:"), "Editor:", "Source:", share and advert lines, copyright lines, photo credits.
 * Rules are rows of one table (nw_boilerplate.c); each drops a whole short paragraph. */
#ifndef NW_CORE_BOILERPLATE_H
#define NW_CORE_BOILERPLATE_H

#include <stddef.h>

/** @returns the name of the rule that matches the paragraph @p p (@p n bytes), or NULL when it
 *  is content. Borrowed static string. */
const char *nw_boilerplate_match(const char *p, size_t n);

/** @brief Remove boilerplate paragraphs from @p body (paragraphs separated by "\n\n") in place.
 *  @returns the number of paragraphs removed. */
size_t nw_boilerplate_strip(char *body);

/** @brief nw_boilerplate_strip() for a body whose length is known: @p len holds
 *  strlen(@p body) on entry and the body's new length on return. */
size_t nw_boilerplate_strip_n(char *body, size_t *len);

#endif
