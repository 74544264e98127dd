/* nw_dates.h -- calendar dates as news text writes them, absolute ("May 20, 2021",
 * "17 April 2019", "2021-05-19", "Sept. 17") and relative ("on the 19th", "on Tuesday",
 * "yesterday", "last week"), resolved against a reference date (the dateline's or the
 * publication date). A month and day without a year take the year that puts them nearest
 * before the reference (a little after it is allowed: "on Dec. 28" read on Jan. 2 is last
 * year's). Pure functions; no clock. */
#ifndef NW_CORE_DATES_H
#define NW_CORE_DATES_H

#include <stddef.h>

struct nw_date {
        int y, m, d;            /* y == 0: unknown (not resolvable) */
};

/** @brief Read "YYYY-MM-DD" at the start of @p s (an RFC 3339 time may follow).
 *  @returns 1 and fills @p out, or 0. @p s may be NULL. */
int nw_date_from_iso(const char *s, struct nw_date *out);
/** @brief Write "YYYY-MM-DD" into @p out (11 bytes). */
void nw_date_format(const struct nw_date *d, char out[11]);
/** @returns 1 when y/m/d is a real calendar date. */
int nw_date_valid(int y, int m, int d);
/** @returns the day of the week, 0 = Monday ... 6 = Sunday. */
int nw_date_weekday(const struct nw_date *d);
/** @returns @p d moved by @p days (negative: back). */
struct nw_date nw_date_add_days(struct nw_date d, int days);
/** @brief The year for month @p m, day @p d as written in a story dated @p ref: the latest
 *  that is at most 60 days after @p ref. @returns the year, or 0 when @p ref is unknown. */
int nw_date_infer_year(int m, int d, const struct nw_date *ref);

/* Bit c - 'A' is set for the capital c that starts some month name. */
#define NW_MONTH_INITIALS                                                                 \
        ((1u << ('J' - 'A')) | (1u << ('F' - 'A')) | (1u << ('M' - 'A')) |               \
         (1u << ('A' - 'A')) | (1u << ('S' - 'A')) | (1u << ('O' - 'A')) |               \
         (1u << ('N' - 'A')) | (1u << ('D' - 'A')))
/** @brief nw_month_at() once s[pos] (pos < len) is known to be a capital in
 *  NW_MONTH_INITIALS. */
int nw_month_at_rest(const char *s, size_t len, size_t pos, size_t *end);
/** @returns 1..12 when a month name or abbreviation ("Sept.", "Aug", "December") starts at
 *  @p pos, with *end after it (and after its dot); 0 otherwise. Inline: the extractors ask
 *  it of many words, and most fail on their first byte, which then costs no call. */
static inline int nw_month_at(const char *s, size_t len, size_t pos, size_t *end)
{
        unsigned c;

        if (pos >= len) {
                return 0;
        }
        c = (unsigned)(unsigned char)s[pos] - 'A';
        if (c >= 26 || !((NW_MONTH_INITIALS >> c) & 1u)) {
                return 0;
        }
        return nw_month_at_rest(s, len, pos, end);
}
/** @returns 0..6 (Monday..Sunday) when a weekday name starts at @p pos, else -1. */
int nw_weekday_at(const char *s, size_t len, size_t pos, size_t *end);

/* Which way a bare weekday or "the 19th" points: news mostly reports what happened. */
enum nw_date_dir {
        NW_DATE_PAST = 0,
        NW_DATE_FUTURE
};

/** @brief Parse a date expression starting at @p pos: "2021-05-19", "May 20th", "Sept. 17,
 *  2023", "27 August 2022", "the 19th", "Tuesday", "yesterday", "today", "tomorrow",
 *  "last week". A leading "on"/"last"/"this"/"next" is the caller's to skip, except that
 *  "last"/"next" + weekday are read here.
 *  @p ref may be NULL or unknown (y == 0): then only dates that carry their year resolve.
 *  @returns 1 with @p out filled (out->y == 0 when it could not be resolved) and *end set,
 *  or 0 when no date expression starts at @p pos. */
int nw_date_parse_at(const char *s, size_t len, size_t pos, const struct nw_date *ref,
                     enum nw_date_dir dir, struct nw_date *out, size_t *end);

/** @brief Find a wire-style dateline near the start of a paragraph in the first part of
 *  @p body: "HOUSTON, Feb 26 -", "BEIJING, May 18 (Xinhua) --", "Xinhua News Agency Sichuan
 *  Channel, May 20th (Chen Juwei, Feng Lei)", "CHANGSHA, China, July 1, 2019 /PRNewswire/".
 *  The year, when not written, is inferred against @p published (may be NULL/unknown).
 *  @returns 1 and fills @p out (y may be 0) and the place span [*where, *where_end), or 0. */
int nw_date_find_dateline(const char *body, size_t len, const struct nw_date *published,
                          struct nw_date *out, size_t *where, size_t *where_end);

#endif
