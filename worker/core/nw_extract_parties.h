/* nw_extract_parties.h -- who is on each side of a deal, read from the deal's sentence:
 * buyer and target of an acquisition, the company and its investors in a funding round,
 * the signatories of an agreement, the investor of an investment. Pure, no allocation but
 * the names pushed to the caller's list. */
#ifndef NW_CORE_EXTRACT_PARTIES_H
#define NW_CORE_EXTRACT_PARTIES_H

#include <stddef.h>
#include "nw_article.h"

/** @brief Push the parties of the deal whose amount starts at @p at (or (size_t)-1 when the
 *  deal has no amount) in the sentence s[a, b) onto @p out, acting side first ("Northgate
 *  Holdings", "Quayside Foods"). @p kind is the deal's kind ("acquisition",
 *  "funding_round", ...) or NULL. Names are capitalized runs as written, without a leading
 *  "the", a possessive "'s" or Reuters' angle brackets; nothing is pushed when the sentence
 *  names no one in a known pattern. At most eight parties; duplicates are skipped. */
void nw_extract_parties(const char *s, size_t a, size_t b, size_t at, const char *kind,
                        struct nw_strv *out);

#endif
