/* nw_dateline.c -- dateline and byline recognition by hand-written scanning: the forms are few
 * and positional (always the first words of the body), so a small cursor beats patterns. */
#include "nw_dateline.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "nw_buf.h"
#include "nw_swar.h"
#include "nw_time.h"

/* Agencies seen in parentheses after a place, and how they are named in the record. */
static const struct {
        const char *token, *name;
} agencies[] = {
        {"Xinhua", "Xinhua"}, {"Reuters", "Reuters"}, {"AP", "AP"}, {"AFP", "AFP"},
        {"PTI", "PTI"}, {"IANS", "IANS"}, {"UNI", "UNI"}, {"ANI", "ANI"}, {"Bernama", "Bernama"},
        {"Yonhap", "Yonhap"}, {"Kyodo", "Kyodo"}, {"Jiji", "Jiji"}, {"AAP", "AAP"},
        {"dpa", "dpa"}, {"DPA", "dpa"}, {"EFE", "EFE"}, {"ANSA", "ANSA"}, {"TASS", "TASS"},
        {"Bloomberg", "Bloomberg"}, {"CNA", "CNA"}, {"Antara", "Antara"}, {"APP", "APP"},
        {"UPI", "UPI"}, {"CNS", "CNS"}, {"WAM", "WAM"}, {"SPA", "SPA"}, {"AA", "AA"},
        {"Xinhua News Agency", "Xinhua News Agency"},
};

struct cur {
        const char *p, *end;
};

static void skip_spaces(struct cur *c)
{
        while (c->p < c->end && *c->p == ' ') {
                c->p++;
        }
}

static int at_dash(const struct cur *c, size_t *n)
{
        /* "-", "--", an en dash or an em dash (UTF-8), possibly doubled */
        const unsigned char *p = (const unsigned char *)c->p;
        size_t left = (size_t)(c->end - c->p);

        if (left >= 2 && p[0] == '-' && p[1] == '-') {
                *n = 2;
                return 1;
        }
        if (left >= 1 && p[0] == '-') {
                *n = 1;
                return 1;
        }
        if (left >= 3 && p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0x93 || p[2] == 0x94)) {
                *n = 3;
                return 1;
        }
        return 0;
}

/* A place: one to five words, each starting with an upper-case letter (or all caps), with
 * '.', '\'' and '-' inside words ("ST. LOUIS", "Port-au-Prince"). Ends before ',' or '('. */
static int place(struct cur *c, const char **start, size_t *len)
{
        const char *p = c->p;
        int words = 0;

        *start = p;
        while (p < c->end && words < 6) {
                const char *w = p;
                if (!isupper((unsigned char)*p)) {
                        break;
                }
                while (p < c->end && (isalpha((unsigned char)*p) || *p == '.' || *p == '\'' ||
                                      *p == '-')) {
                        p++;
                }
                if (p == w) {
                        break;
                }
                words++;
                if (p < c->end && *p == ' ' && p + 1 < c->end && isupper((unsigned char)p[1])) {
                        p++;
                        continue;
                }
                break;
        }
        if (words == 0 || words > 5 || p - *start > 40) {
                return 0;
        }
        *len = (size_t)(p - *start);
        c->p = p;
        return 1;
}

/* "May 20", "May 20th", "Feb. 26", "March 3, 2021"; sets month, day and year (0 if none). */
static int month_day(struct cur *c, int *mon, int *day, int *year)
{
        size_t n;
        const char *p;
        int d = 0, y = 0, k = 0;

        *mon = nw_month_from_name(c->p, (size_t)(c->end - c->p), &n);
        if (!*mon) {
                return 0;
        }
        p = c->p + n;
        if (p < c->end && *p == '.') {
                p++;
        }
        if (p >= c->end || *p != ' ') {
                return 0;
        }
        p++;
        while (p < c->end && isdigit((unsigned char)*p) && k < 2) {
                d = d * 10 + (*p++ - '0');
                k++;
        }
        if (k == 0 || d < 1 || d > 31 || (p < c->end && isdigit((unsigned char)*p))) {
                return 0;
        }
        if (c->end - p >= 2 && (!strncasecmp(p, "st", 2) || !strncasecmp(p, "nd", 2) ||
                                !strncasecmp(p, "rd", 2) || !strncasecmp(p, "th", 2))) {
                p += 2;
        }
        if (c->end - p >= 6 && p[0] == ',' && p[1] == ' ' && isdigit((unsigned char)p[2]) &&
            isdigit((unsigned char)p[3]) && isdigit((unsigned char)p[4]) &&
            isdigit((unsigned char)p[5])) {
                y = (p[2] - '0') * 1000 + (p[3] - '0') * 100 + (p[4] - '0') * 10 + (p[5] - '0');
                p += 6;
        }
        *day = d;
        *year = y;
        c->p = p;
        return 1;
}

/* "(Xinhua)" etc.: @returns the agency's record name or NULL; advances past ")". */
static const char *paren_agency(struct cur *c)
{
        const char *close;
        size_t n;

        if (c->p >= c->end || *c->p != '(') {
                return NULL;
        }
        close = memchr(c->p, ')', (size_t)(c->end - c->p));
        if (!close) {
                return NULL;
        }
        n = (size_t)(close - c->p - 1);
        for (size_t i = 0; i < sizeof(agencies) / sizeof(agencies[0]); i++) {
                if (strlen(agencies[i].token) == n && strncmp(agencies[i].token, c->p + 1, n) == 0) {
                        c->p = close + 1;
                        return agencies[i].name;
                }
        }
        return NULL;
}

/* "HOUSTON" -> "Houston", "NEW YORK" -> "New York"; mixed-case input is kept. */
static char *place_name(const char *s, size_t n)
{
        char *out = nw_xstrndup(s, n);
        int all_caps = 1, start = 1;

        for (size_t i = 0; i < n; i++) {
                if (islower((unsigned char)s[i])) {
                        all_caps = 0;
                }
        }
        if (!all_caps) {
                return out;
        }
        for (size_t i = 0; i < n; i++) {
                unsigned char ch = (unsigned char)out[i];
                out[i] = (char)(start ? toupper(ch) : tolower(ch));
                start = !isalpha(ch) && ch != '\'';
        }
        return out;
}

static int year_of(const char *rfc3339)
{
        if (!rfc3339 || strlen(rfc3339) < 10) {
                return 0;
        }
        return atoi(rfc3339) > 0 ? (int)strtol(rfc3339, NULL, 10) : 0;
}

/* The first standalone year (1900-2099) in @p s, or 0: the story's own year when nothing
 * else gives one ("Invest North Summit 2023"). */
/* The high bit of each byte of @p x that is an ASCII digit (bytes cut to 7 bits first so
 * that no sum carries into the next byte). */
static uint64_t digits8(uint64_t x)
{
        const uint64_t ones = 0x0101010101010101ULL, high = ones * 0x80;
        uint64_t t = x & ones * 0x7F;

        return (t + ones * (0x80 - '0')) & ~(t + ones * (0x7F - '9')) & ~x & high;
}

/* The first "19" or "20" at or after @p i in @p s[0, n), sixteen bytes a step while both
 * loads stay inside the text; @returns n - 16 or later when none is found that way. */
static size_t century_skip(const char *s, size_t i, size_t n)
{
#if defined(__SSE2__) && !defined(NW_SWAR_ONLY)
        while (n - i >= 17) {
                __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
                __m128i w = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 1));
                __m128i c19 = _mm_and_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('1')),
                                            _mm_cmpeq_epi8(w, _mm_set1_epi8('9')));
                __m128i c20 = _mm_and_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('2')),
                                            _mm_cmpeq_epi8(w, _mm_set1_epi8('0')));
                unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(c19, c20));
                if (m) {
                        return i + (size_t)__builtin_ctz(m);
                }
                i += 16;
        }
#else
        (void)s;
        (void)n;
#endif
        return i;
}

static int year_in_text_n(const char *s, size_t n)
{
        size_t i = 0;
        int found;

        while (i < n) {
                const char *p;
                /* a year starts with "19" or "20", which are passed to sixteen bytes a step;
                 * then the text between digits eight bytes a step (this scans whole bodies) */
                i = century_skip(s, i, n);
                i = nw_swar_skip(s, i, n, digits8, &found);
                if (i >= n) {
                        break;
                }
                p = s + i;
                /* the cheap byte tests first */
                if (((p[0] == '1' && p[1] == '9') || (p[0] == '2' && p[1] == '0')) &&
                    (p == s || !isalnum((unsigned char)p[-1])) &&
                    isdigit((unsigned char)p[2]) && isdigit((unsigned char)p[3]) &&
                    !isalnum((unsigned char)p[4])) {
                        return (int)strtol(p, NULL, 10);
                }
                i++;
        }
        return 0;
}

static int year_in_text(const char *s)
{
        return year_in_text_n(s, s ? strlen(s) : 0);
}

/* The latest month/day not after publication (plus a day of slack for time zones). */
static char *resolve_date(int mon, int day, int year, const char *published_at)
{
        char buf[16];
        int64_t pub;

        if (!year && published_at && nw_time_parse(published_at, strlen(published_at), &pub) == 0) {
                int py = year_of(published_at);
                int64_t cand = nw_days_from_civil(py, (unsigned)mon, (unsigned)day);
                year = cand > pub / 86400 + 1 ? py - 1 : py;
        }
        if (!year) {
                return NULL;
        }
        if (year >= 1000 && year <= 9999 && mon >= 0 && mon <= 99 && day >= 0 && day <= 99) {
                /* what "%04d-%02d-%02d" prints, without printf (a dateline per story) */
                buf[0] = (char)('0' + year / 1000);
                buf[1] = (char)('0' + year / 100 % 10);
                buf[2] = (char)('0' + year / 10 % 10);
                buf[3] = (char)('0' + year % 10);
                buf[4] = '-';
                buf[5] = (char)('0' + mon / 10);
                buf[6] = (char)('0' + mon % 10);
                buf[7] = '-';
                buf[8] = (char)('0' + day / 10);
                buf[9] = (char)('0' + day % 10);
                return nw_xstrndup(buf, 10);
        }
        snprintf(buf, sizeof(buf), "%04d-%02d-%02d", year, mon, day);
        return nw_xstrdup(buf);
}

/* "(Chen Juwei, Feng Lei)" -> authors; names are 1-4 capitalized words. */
static int byline_names(const char *s, size_t n, struct nw_strv *authors)
{
        size_t i = 0;
        int found = 0;

        while (i < n) {
                size_t start, end;
                while (i < n && (s[i] == ' ' || s[i] == ',')) {
                        i++;
                }
                start = i;
                while (i < n && s[i] != ',') {
                        i++;
                }
                end = i;
                while (end > start && s[end - 1] == ' ') {
                        end--;
                }
                if (end > start) {
                        /* a byline is on one line: "(Chen Juwei, F" + paragraph break +
                         * "... Feng Lei)" is two paragraphs, not a name with a newline in it */
                        if (!isupper((unsigned char)s[start]) || end - start > 40 ||
                            memchr(s + start, '\n', end - start)) {
                                return 0;
                        }
                        found++;
                }
        }
        if (!found) {
                return 0;
        }
        for (i = 0; i < n;) {
                size_t start, end;
                while (i < n && (s[i] == ' ' || s[i] == ',')) {
                        i++;
                }
                start = i;
                while (i < n && s[i] != ',') {
                        i++;
                }
                end = i;
                while (end > start && s[end - 1] == ' ') {
                        end--;
                }
                if (end > start) {
                        nw_strv_push(authors, s + start, end - start);
                }
        }
        return 1;
}

static void set_dateline(struct nw_article *a, const char *agency, char *location, char *date)
{
        a->dateline = nw_xcalloc(1, sizeof(*a->dateline));
        a->dateline->agency = agency ? nw_xstrdup(agency) : NULL;
        a->dateline->location = location;
        a->dateline->date = date;
}

/* The body from @p rest (inside it) on, moved in place: no copy to allocate. @p len, the
 * body's length, becomes the new one. */
static void cut_body(struct nw_article *a, const char *rest, size_t *len)
{
        const char *end = a->body + *len;

        while (*rest == ' ' || *rest == '\n') {
                rest++;
        }
        *len = (size_t)(end - rest);
        memmove(a->body, rest, *len + 1);
}

/* "Xinhua News Agency Sichuan Channel, May 20th (Chen Juwei, Feng Lei) ..." */
static int xinhua_channel(struct nw_article *a, size_t *len)
{
        static const char prefix[] = "Xinhua News Agency ";
        struct cur c = {a->body, a->body + *len};
        const char *loc, *chan;
        size_t loclen;
        int mon, day, year;
        char *location;

        if (strncmp(c.p, prefix, sizeof(prefix) - 1) != 0) {
                return 0;
        }
        c.p += sizeof(prefix) - 1;
        chan = strstr(c.p, " Channel, ");
        if (!chan || chan - c.p > 40 || memchr(c.p, '\n', (size_t)(chan - c.p))) {
                return 0;
        }
        loc = c.p;
        loclen = (size_t)(chan - c.p);
        c.p = chan + strlen(" Channel, ");
        if (!month_day(&c, &mon, &day, &year)) {
                return 0;
        }
        location = nw_xstrndup(loc, loclen);
        if (!year && !a->published_at) {
                year = year_in_text(a->title) ? year_in_text(a->title)
                                               : year_in_text_n(c.p, (size_t)(c.end - c.p));
        }
        set_dateline(a, "Xinhua News Agency", location, resolve_date(mon, day, year, a->published_at));
        skip_spaces(&c);
        if (c.p < c.end && *c.p == '(') {
                const char *close = memchr(c.p, ')', (size_t)(c.end - c.p));
                if (close && close - c.p < 120 &&
                    byline_names(c.p + 1, (size_t)(close - c.p - 1), &a->authors)) {
                        c.p = close + 1;
                }
        }
        cut_body(a, c.p, len);
        return 1;
}

/* "PLACE, Month Day[, Year] [(AGENCY)] [-|--|—]" and "PLACE (AGENCY) [-|--|—]" */
static int place_dateline(struct nw_article *a, size_t *len)
{
        struct cur c = {a->body, a->body + *len};
        const char *loc, *agency = NULL, *region = NULL;
        size_t loclen, dash, region_len = 0;
        char *location;
        int mon = 0, day = 0, year = 0, have_date = 0;

        if (!place(&c, &loc, &loclen)) {
                return 0;
        }
        if (c.p < c.end && *c.p == ',') {
                c.p++;
                skip_spaces(&c);
                have_date = month_day(&c, &mon, &day, &year);
                if (!have_date) {
                        /* a state or region after the city: "PORTLAND, Ore., Feb 26",
                         * "CALGARY, Alberta, Feb 26", "RICHMOND, Va. Feb 26" */
                        if (!place(&c, &region, &region_len) || region_len > 20) {
                                return 0;
                        }
                        if (c.p < c.end && *c.p == ',') {
                                c.p++;
                        }
                        skip_spaces(&c);
                        have_date = month_day(&c, &mon, &day, &year);
                        if (!have_date) {
                                return 0;
                        }
                }
        }
        skip_spaces(&c);
        agency = paren_agency(&c);
        if (!have_date && !agency) {
                return 0;       /* a capitalized phrase alone is not a dateline */
        }
        skip_spaces(&c);
        if (at_dash(&c, &dash)) {
                c.p += dash;
        } else if (c.p < c.end && *c.p == ':') {
                c.p++;
        } else if (!agency) {
                /* "HOUSTON, Feb 26 -" needs its dash; "New Delhi, Feb 25 (PTI)" its agency */
                return 0;
        }
        if (have_date && !year && !a->published_at) {
                year = year_in_text(a->title) ? year_in_text(a->title)
                                               : year_in_text_n(c.p, (size_t)(c.end - c.p));
        }
        location = place_name(loc, loclen);
        if (region) {
                size_t n = strlen(location);
                location = nw_xrealloc(location, n + 2 + region_len + 1);
                memcpy(location + n, ", ", 2);
                memcpy(location + n + 2, region, region_len);
                location[n + 2 + region_len] = '\0';
        }
        set_dateline(a, agency, location,
                     have_date ? resolve_date(mon, day, year, a->published_at) : NULL);
        cut_body(a, c.p, len);
        return 1;
}

/* A first paragraph "By Jane Roe and John Doe" (short, names only). */
static int by_line(struct nw_article *a, size_t *len)
{
        const char *b = a->body, *end = strstr(b, "\n\n");
        size_t n = end ? (size_t)(end - b) : *len;
        struct nw_buf names;
        int ok;

        if (n < 4 || n > 80 || strncmp(b, "By ", 3) != 0 || !end) {
                return 0;
        }
        /* "A and B" is read as "A, B" */
        nw_buf_init(&names, 0);
        for (size_t i = 3; i < n; i++) {
                if (i + 5 <= n && strncmp(b + i, " and ", 5) == 0) {
                        nw_buf_putc(&names, ',');
                        i += 4;
                        continue;
                }
                nw_buf_putc(&names, b[i]);
        }
        ok = byline_names(nw_buf_str(&names), names.len, &a->authors);
        nw_buf_free(&names);
        if (ok) {
                cut_body(a, end, len);
        }
        return ok;
}

int nw_dateline_split_n(struct nw_article *a, size_t *body_len)
{
        int found;

        if (!a->body || !*a->body) {
                return 0;
        }
        found = by_line(a, body_len);
        if (xinhua_channel(a, body_len) || place_dateline(a, body_len)) {
                found = 1;
        }
        return found;
}

int nw_dateline_split(struct nw_article *a)
{
        size_t len = a->body ? strlen(a->body) : 0;

        return nw_dateline_split_n(a, &len);
}
