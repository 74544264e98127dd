/* nw_dateline.h -- the dateline and byline at the head of wire copy, split off the body:
 * "Xinhua News Agency Sichuan Channel, May 20th (Chen Juwei, Feng Lei)", "BEIJING, May 20
 * (Xinhua) --", "HOUSTON, Feb 26 -", "NEW YORK (AP) --", "New Delhi, Feb 25 (PTI)", and a
 * leading "By NAME and NAME" line. */
#ifndef NW_CORE_DATELINE_H
#define NW_CORE_DATELINE_H

#include <stddef.h>
#include <stdint.h>
#include "nw_article.h"

/** @brief Look for a dateline (and byline) at the start of @p a->body; when one is found, set
 *  @p a->dateline and @p a->authors and remove it from the body. The dateline's year comes
 *  from @p a->published_at (the latest such date not after publication, so a December
 *  dateline published in January gets the previous year) or from the text; without either
 *  the date stays NULL.
 *  @returns 1 when a dateline or byline was split off, else 0 (the article is unchanged). */
int nw_dateline_split(struct nw_article *a);

/** @brief nw_dateline_split() for a body whose length is known: @p body_len holds
 *  strlen(@p a->body) on entry and the body's new length on return. */
int nw_dateline_split_n(struct nw_article *a, size_t *body_len);

#endif
