/* nw_time.h -- timestamps: parsing the date forms producers send, RFC 3339 output.
 * Pure: the caller supplies "now" where one is needed. */
#ifndef NW_CORE_TIME_H
#define NW_CORE_TIME_H

#include <stddef.h>
#include <stdint.h>

/** @brief Parse a timestamp: RFC 3339 / ISO 8601 ("2021-05-20T10:00:00+08:00", a space for
 *  the T, fractions, "Z" or an offset, or a bare date), RFC 2822 ("Thu, 26 Feb 1987 15:01:01
 *  GMT"), "26-FEB-1987 15:01:01.79", "Feb 26, 1987" and "26 February 1987". A form without
 *  an offset is taken as UTC.
 *  @returns 0 and the instant in @p unix_s, or -1 when @p s is none of these. */
int nw_time_parse(const char *s, size_t len, int64_t *unix_s);

/** @brief Write @p unix_ms as "YYYY-MM-DDTHH:MM:SS.mmmZ" (or without millis when
 *  @p with_ms is 0) into @p out, which holds at least 32 bytes. */
void nw_time_format(int64_t unix_ms, int with_ms, char *out, size_t out_size);

/** @returns days since 1970-01-01 for a proleptic Gregorian date (any year). */
int64_t nw_days_from_civil(int64_t y, unsigned m, unsigned d);

/** @returns 1..12 for an English month name or abbreviation at @p s (case-insensitive),
 *  with the matched length in @p n; 0 when none. */
int nw_month_from_name(const char *s, size_t len, size_t *n);

#endif
