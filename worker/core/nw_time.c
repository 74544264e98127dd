/* nw_time.c -- date parsing and RFC 3339 formatting without the C library's time zone state. */
#include "nw_time.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Howard Hinnant's days_from_civil algorithm (public domain arithmetic). */
int64_t nw_days_from_civil(int64_t y, unsigned m, unsigned d)
{
        int64_t era;
        unsigned yoe, doy, doe;

        y -= m <= 2;
        era = (y >= 0 ? y : y - 399) / 400;
        yoe = (unsigned)(y - era * 400);
        doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
        doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
        int64_t era;
        unsigned doe, yoe, doy, mp;

        z += 719468;
        era = (z >= 0 ? z : z - 146096) / 146097;
        doe = (unsigned)(z - era * 146097);
        yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        *y = (int64_t)yoe + era * 400;
        doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        mp = (5 * doy + 2) / 153;
        *d = doy - (153 * mp + 2) / 5 + 1;
        *m = mp < 10 ? mp + 3 : mp - 9;
        *y += *m <= 2;
}

/* @p v in exactly @p width decimal digits (it fits); @returns the end. */
static char *put_digits(char *p, unsigned v, int width)
{
        for (int i = width - 1; i >= 0; i--) {
                p[i] = (char)('0' + v % 10);
                v /= 10;
        }
        return p + width;
}

void nw_time_format(int64_t unix_ms, int with_ms, char *out, size_t out_size)
{
        int64_t secs = unix_ms >= 0 ? unix_ms / 1000 : (unix_ms - 999) / 1000;
        int64_t ms = unix_ms - secs * 1000;
        int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
        int64_t rem = secs - days * 86400;
        int64_t y;
        unsigned m, d;

        civil_from_days(days, &y, &m, &d);
        if (y >= 0 && y <= 9999 && out_size >= 25) {
                /* what the formats below print, without printf: every field has its width */
                char *p = out;
                p = put_digits(p, (unsigned)y, 4);
                *p++ = '-';
                p = put_digits(p, m, 2);
                *p++ = '-';
                p = put_digits(p, d, 2);
                *p++ = 'T';
                p = put_digits(p, (unsigned)(rem / 3600), 2);
                *p++ = ':';
                p = put_digits(p, (unsigned)(rem / 60 % 60), 2);
                *p++ = ':';
                p = put_digits(p, (unsigned)(rem % 60), 2);
                if (with_ms) {
                        *p++ = '.';
                        p = put_digits(p, (unsigned)ms, 3);
                }
                *p++ = 'Z';
                *p = '\0';
                return;
        }
        if (with_ms) {
                snprintf(out, out_size, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ", (long long)y, m, d,
                         (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60), (int)ms);
        } else {
                snprintf(out, out_size, "%04lld-%02u-%02uT%02d:%02d:%02dZ", (long long)y, m, d,
                         (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
        }
}

int nw_month_from_name(const char *s, size_t len, size_t *n)
{
        static const char *const full[] = {"january", "february", "march", "april", "may",
                                           "june", "july", "august", "september", "october",
                                           "november", "december"};
        size_t k = 0;

        while (k < len && isalpha((unsigned char)s[k])) {
                k++;
        }
        if (k < 3) {
                return 0;
        }
        for (int i = 0; i < 12; i++) {
                size_t fl = strlen(full[i]);
                /* the full name, a three-letter abbreviation, or "Sept" */
                if ((k == fl || k == 3 || (i == 8 && k == 4)) && k <= fl &&
                    strncasecmp(s, full[i], k) == 0) {
                        *n = k;
                        return i + 1;
                }
        }
        return 0;
}

/* A tiny cursor over the input, so each form reads as a sequence of expectations. */
struct cur {
        const char *p, *end;
};

static void skip_ws(struct cur *c)
{
        while (c->p < c->end && isspace((unsigned char)*c->p)) {
                c->p++;
        }
}

static int digits(struct cur *c, int min, int max, int *v)
{
        int n = 0, val = 0;

        while (c->p < c->end && n < max && isdigit((unsigned char)*c->p)) {
                val = val * 10 + (*c->p - '0');
                c->p++;
                n++;
        }
        if (n < min) {
                return -1;
        }
        *v = val;
        return 0;
}

static int lit(struct cur *c, char ch)
{
        if (c->p < c->end && *c->p == ch) {
                c->p++;
                return 0;
        }
        return -1;
}

static int month_name(struct cur *c, int *mon)
{
        size_t n;
        int m = nw_month_from_name(c->p, (size_t)(c->end - c->p), &n);

        if (!m) {
                return -1;
        }
        c->p += n;
        if (c->p < c->end && *c->p == '.') {
                c->p++;
        }
        *mon = m;
        return 0;
}

/* "HH:MM[:SS[.frac]]" then an optional zone: Z, UTC, GMT, +HH:MM, +HHMM. */
static int clock_and_zone(struct cur *c, int *secs_of_day, int *offset_s)
{
        int hh, mm, ss = 0;

        *secs_of_day = 0;
        *offset_s = 0;
        if (digits(c, 1, 2, &hh) || lit(c, ':') || digits(c, 2, 2, &mm)) {
                return -1;
        }
        if (lit(c, ':') == 0) {
                if (digits(c, 2, 2, &ss)) {
                        return -1;
                }
                if (c->p < c->end && (*c->p == '.' || *c->p == ',')) {
                        c->p++;
                        while (c->p < c->end && isdigit((unsigned char)*c->p)) {
                                c->p++;
                        }
                }
        }
        if (hh > 23 || mm > 59 || ss > 60) {
                return -1;
        }
        *secs_of_day = hh * 3600 + mm * 60 + (ss == 60 ? 59 : ss);
        skip_ws(c);
        if (c->p >= c->end) {
                return 0;
        }
        if (*c->p == 'Z' || *c->p == 'z') {
                c->p++;
        } else if ((size_t)(c->end - c->p) >= 3 &&
                   (strncasecmp(c->p, "UTC", 3) == 0 || strncasecmp(c->p, "GMT", 3) == 0)) {
                c->p += 3;
        } else if (*c->p == '+' || *c->p == '-') {
                int sign = *c->p == '-' ? -1 : 1, oh, om = 0;
                c->p++;
                if (digits(c, 2, 2, &oh)) {
                        return -1;
                }
                lit(c, ':');
                if (c->p < c->end && digits(c, 2, 2, &om)) {
                        return -1;
                }
                if (oh > 18 || om > 59) {
                        return -1;
                }
                *offset_s = sign * (oh * 3600 + om * 60);
        }
        return 0;
}

static int finish(struct cur *c, int y, int m, int d, int sod, int off, int64_t *unix_s)
{
        static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

        skip_ws(c);
        if (c->p != c->end || y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1]) {
                return -1;
        }
        if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) {
                return -1;
        }
        *unix_s = nw_days_from_civil(y, (unsigned)m, (unsigned)d) * 86400 + sod - off;
        return 0;
}

static int parse_iso(struct cur c, int64_t *unix_s)
{
        int y, m, d, sod = 0, off = 0;

        if (digits(&c, 4, 4, &y) || lit(&c, '-') || digits(&c, 2, 2, &m) || lit(&c, '-') ||
            digits(&c, 2, 2, &d)) {
                return -1;
        }
        /* a space separates a time only when one follows: "2021-05-20 " is a bare date */
        if (c.p < c.end && (*c.p == 'T' || *c.p == 't' ||
                            (*c.p == ' ' && c.end - c.p > 1 && isdigit((unsigned char)c.p[1])))) {
                c.p++;
                if (clock_and_zone(&c, &sod, &off)) {
                        return -1;
                }
        }
        return finish(&c, y, m, d, sod, off, unix_s);
}

/* "Thu, 26 Feb 1987 15:01:01 GMT", "26 February 1987", "26-FEB-1987 15:01:01.79" */
static int parse_day_month_year(struct cur c, int64_t *unix_s)
{
        int y, m, d, sod = 0, off = 0;

        if (c.p < c.end && isalpha((unsigned char)*c.p)) {
                while (c.p < c.end && isalpha((unsigned char)*c.p)) {
                        c.p++;  /* weekday */
                }
                lit(&c, ',');
                skip_ws(&c);
        }
        if (digits(&c, 1, 2, &d)) {
                return -1;
        }
        if (lit(&c, '-') && lit(&c, ' ')) {
                return -1;
        }
        skip_ws(&c);
        if (month_name(&c, &m)) {
                return -1;
        }
        if (lit(&c, '-')) {
                lit(&c, ',');
                skip_ws(&c);
        }
        if (digits(&c, 4, 4, &y)) {
                return -1;
        }
        skip_ws(&c);
        if (c.p < c.end && clock_and_zone(&c, &sod, &off)) {
                return -1;
        }
        return finish(&c, y, m, d, sod, off, unix_s);
}

/* "Feb 26, 1987", "February 26 1987 10:00 UTC" */
static int parse_month_day_year(struct cur c, int64_t *unix_s)
{
        int y, m, d, sod = 0, off = 0;

        if (month_name(&c, &m)) {
                return -1;
        }
        skip_ws(&c);
        if (digits(&c, 1, 2, &d)) {
                return -1;
        }
        lit(&c, ',');
        skip_ws(&c);
        if (digits(&c, 4, 4, &y)) {
                return -1;
        }
        skip_ws(&c);
        if (c.p < c.end && clock_and_zone(&c, &sod, &off)) {
                return -1;
        }
        return finish(&c, y, m, d, sod, off, unix_s);
}

int nw_time_parse(const char *s, size_t len, int64_t *unix_s)
{
        struct cur c = {s, s + len};

        skip_ws(&c);
        if (parse_iso(c, unix_s) == 0 || parse_day_month_year(c, unix_s) == 0 ||
            parse_month_day_year(c, unix_s) == 0) {
                return 0;
        }
        return -1;
}
