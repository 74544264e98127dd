/* nw_extract.h -- fact extraction: events, investments, statistics, people, organizations and
 * places from a normalized article, per DESIGN.md's record fields and conventions.
 * Pure and single-pass per sentence: the body is split into sentences once, each sentence
 * is scanned for money, counts, percentages, dates, names and cue words with const tables
 * (nothing is compiled at run time), and the facts are assembled from those mentions. */
#ifndef NW_CORE_EXTRACT_H
#define NW_CORE_EXTRACT_H

#include <stddef.h>
#include "nw_article.h"
#include "nw_err.h"

/** @brief Fill a->events, investments, statistics, people, organizations and locations from
 *  a->title and a->body. Relative dates resolve against a->dateline->date, else a dateline
 *  found at the start of a body paragraph, else a->published_at.
 *  Facts already in @p a are dropped first, so a second call gives the same result.
 *  @returns NW_OK; NW_ERR_TOO_BIG when the body is over the extractor's size cap (the
 *  article keeps no facts then; the caller decides whether that matters). */
enum nw_err nw_extract(struct nw_article *a, char *errstr, size_t errstr_size);

/** @brief Release the fact arrays of @p a (events ... locations) and zero them. */
void nw_extract_clear(struct nw_article *a);

#endif
