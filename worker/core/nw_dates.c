/* nw_dates.c -- absolute and relative dates in news text (see nw_dates.h). */
#include "nw_dates.h"

#include <stdio.h>
#include <string.h>

#include "nw_scan.h"

static int is_leap(int y)
{
        return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
        static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

int nw_date_valid(int y, int m, int d)
{
        return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= month_days(y, m);
}

/* days since 1970-01-01 and back (Howard Hinnant's civil algorithms) */
static long days_from_civil(int y, int m, int d)
{
        long yy = y - (m <= 2);
        long era = (yy >= 0 ? yy : yy - 399) / 400;
        long yoe = yy - era * 400;
        long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
}

static struct nw_date civil_from_days(long z)
{
        struct nw_date r;
        long era, doe, yoe, y, doy, mp;

        z += 719468;
        era = (z >= 0 ? z : z - 146096) / 146097;
        doe = z - era * 146097;
        yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        y = yoe + era * 400;
        doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        mp = (5 * doy + 2) / 153;
        r.d = (int)(doy - (153 * mp + 2) / 5 + 1);
        r.m = (int)(mp < 10 ? mp + 3 : mp - 9);
        r.y = (int)(y + (r.m <= 2));
        return r;
}

int nw_date_from_iso(const char *s, struct nw_date *out)
{
        int v[3] = {0, 0, 0};
        static const int width[3] = {4, 2, 2};
        size_t p = 0;

        if (!s) {
                return 0;
        }
        for (int i = 0; i < 3; i++) {
                for (int k = 0; k < width[i]; k++, p++) {
                        if (!nw_scan_digit((unsigned char)s[p])) {
                                return 0;
                        }
                        v[i] = v[i] * 10 + (s[p] - '0');
                }
                if (i < 2 && s[p++] != '-') {
                        return 0;
                }
        }
        if (nw_scan_digit((unsigned char)s[p]) || !nw_date_valid(v[0], v[1], v[2])) {
                return 0;
        }
        out->y = v[0];
        out->m = v[1];
        out->d = v[2];
        return 1;
}

void nw_date_format(const struct nw_date *d, char out[11])
{
        int v[3] = {d->y, d->m, d->d};
        static const int width[3] = {4, 2, 2};
        size_t p = 0;

        /* by hand: snprintf's "%04d" cannot prove to the compiler that it fits */
        for (int i = 0; i < 3; i++) {
                int x = v[i] < 0 ? 0 : v[i];
                for (int k = width[i] - 1; k >= 0; k--) {
                        out[p + (size_t)k] = (char)('0' + x % 10);
                        x /= 10;
                }
                p += (size_t)width[i];
                if (i < 2) {
                        out[p++] = '-';
                }
        }
        out[p] = '\0';
}

int nw_date_weekday(const struct nw_date *d)
{
        long z = days_from_civil(d->y, d->m, d->d);
        /* 1970-01-01 was a Thursday (3) */
        long w = (z % 7 + 7 + 3) % 7;
        return (int)w;
}

struct nw_date nw_date_add_days(struct nw_date d, int days)
{
        return civil_from_days(days_from_civil(d.y, d.m, d.d) + days);
}

int nw_date_infer_year(int m, int d, const struct nw_date *ref)
{
        long r, c;
        int y;

        if (!ref || ref->y == 0) {
                return 0;
        }
        y = ref->y;
        if (!nw_date_valid(y, m, d) && !(m == 2 && d == 29)) {
                return 0;
        }
        r = days_from_civil(ref->y, ref->m, ref->d);
        c = days_from_civil(y, m, m == 2 && d == 29 && !is_leap(y) ? 28 : d);
        if (c - r > 60) {
                y--;
        } else if (r - c > 305) {
                y++;
        }
        return nw_date_valid(y, m, d) ? y : 0;
}

/* Bit c - 'A' is set for the capital c that starts some weekday name (NW_MONTH_INITIALS for
 * the months): most capitals are neither, and go without a walk over the names. */
#define LETTER(c) (1u << ((c) - 'A'))
#define WEEKDAY_INITIALS (LETTER('M') | LETTER('T') | LETTER('W') | LETTER('F') | LETTER('S'))

/* The names of the months (in full, "sept" and three letters) and of the weekdays, as
 * little-endian numbers of their first eight letters and the ninth, zero past the end: a
 * capitalized word is lowered and measured once and compared whole with each name, instead
 * of a byte walk per name. */
#define K8(a, b, c, d, e, f, g, h)                                                          \
        ((uint64_t)(a) | (uint64_t)(b) << 8 | (uint64_t)(c) << 16 | (uint64_t)(d) << 24 |   \
         (uint64_t)(e) << 32 | (uint64_t)(f) << 40 | (uint64_t)(g) << 48 | (uint64_t)(h) << 56)

struct name_key {
        uint64_t k0;            /* letters 1-8 */
        unsigned char k1;       /* letter 9 */
        unsigned char v;        /* the month, or the weekday (0 Monday) */
};

static const struct name_key month_keys[] = {
        {K8('a', 'p', 'r', 'i', 'l', 0, 0, 0), 0, 4}, /* april */
        {K8('a', 'u', 'g', 'u', 's', 't', 0, 0), 0, 8}, /* august */
        {K8('a', 'p', 'r', 0, 0, 0, 0, 0), 0, 4}, /* apr */
        {K8('a', 'u', 'g', 0, 0, 0, 0, 0), 0, 8}, /* aug */
        {K8('d', 'e', 'c', 'e', 'm', 'b', 'e', 'r'), 0, 12}, /* december */
        {K8('d', 'e', 'c', 0, 0, 0, 0, 0), 0, 12}, /* dec */
        {K8('f', 'e', 'b', 'r', 'u', 'a', 'r', 'y'), 0, 2}, /* february */
        {K8('f', 'e', 'b', 0, 0, 0, 0, 0), 0, 2}, /* feb */
        {K8('j', 'a', 'n', 'u', 'a', 'r', 'y', 0), 0, 1}, /* january */
        {K8('j', 'u', 'n', 'e', 0, 0, 0, 0), 0, 6}, /* june */
        {K8('j', 'u', 'l', 'y', 0, 0, 0, 0), 0, 7}, /* july */
        {K8('j', 'a', 'n', 0, 0, 0, 0, 0), 0, 1}, /* jan */
        {K8('j', 'u', 'n', 0, 0, 0, 0, 0), 0, 6}, /* jun */
        {K8('j', 'u', 'l', 0, 0, 0, 0, 0), 0, 7}, /* jul */
        {K8('m', 'a', 'r', 'c', 'h', 0, 0, 0), 0, 3}, /* march */
        {K8('m', 'a', 'y', 0, 0, 0, 0, 0), 0, 5}, /* may */
        {K8('m', 'a', 'r', 0, 0, 0, 0, 0), 0, 3}, /* mar */
        {K8('n', 'o', 'v', 'e', 'm', 'b', 'e', 'r'), 0, 11}, /* november */
        {K8('n', 'o', 'v', 0, 0, 0, 0, 0), 0, 11}, /* nov */
        {K8('o', 'c', 't', 'o', 'b', 'e', 'r', 0), 0, 10}, /* october */
        {K8('o', 'c', 't', 0, 0, 0, 0, 0), 0, 10}, /* oct */
        {K8('s', 'e', 'p', 't', 'e', 'm', 'b', 'e'), 'r', 9}, /* september */
        {K8('s', 'e', 'p', 't', 0, 0, 0, 0), 0, 9}, /* sept */
        {K8('s', 'e', 'p', 0, 0, 0, 0, 0), 0, 9}, /* sep */
};

/* The rows of month_keys[] by first letter: [from, to). */
static const struct {
        unsigned char from, to;
} month_rows[26] = {
        ['a' - 'a'] = {0, 4},
        ['d' - 'a'] = {4, 6},
        ['f' - 'a'] = {6, 8},
        ['j' - 'a'] = {8, 14},
        ['m' - 'a'] = {14, 17},
        ['n' - 'a'] = {17, 19},
        ['o' - 'a'] = {19, 21},
        ['s' - 'a'] = {21, 24},
};

static const struct name_key weekday_keys[] = {
        {K8('m', 'o', 'n', 'd', 'a', 'y', 0, 0), 0, 0}, /* monday */
        {K8('t', 'u', 'e', 's', 'd', 'a', 'y', 0), 0, 1}, /* tuesday */
        {K8('w', 'e', 'd', 'n', 'e', 's', 'd', 'a'), 'y', 2}, /* wednesday */
        {K8('t', 'h', 'u', 'r', 's', 'd', 'a', 'y'), 0, 3}, /* thursday */
        {K8('f', 'r', 'i', 'd', 'a', 'y', 0, 0), 0, 4}, /* friday */
        {K8('s', 'a', 't', 'u', 'r', 'd', 'a', 'y'), 0, 5}, /* saturday */
        {K8('s', 'u', 'n', 'd', 'a', 'y', 0, 0), 0, 6}, /* sunday */
};

/* The word at pos (the run of word bytes, as nw_scan_wordc) lower-cased as a name_key's
 * numbers, if it is 3 to 9 bytes long. @returns its length, or 0. */
static size_t name_at(const char *s, size_t len, size_t pos, uint64_t *k0, uint64_t *k1)
{
        uint64_t w0 = nw_scan_load8(s, pos, len), w1 = nw_scan_load8(s, pos + 8, len);
        unsigned run = nw_scan_words(w0) | nw_scan_words(w1) << 8;
        size_t n = (size_t)__builtin_ctz(~run);

        if (n < 3 || n > 9) {
                return 0;
        }
        /* the case bit makes no letter of a digit or a byte >= 0x80 */
        *k0 = (w0 | 0x2020202020202020ull) & (n >= 8 ? ~(uint64_t)0 : ((uint64_t)1 << (8 * n)) - 1);
        *k1 = n > 8 ? (w1 | 0x20) & 0xff : 0;
        return n;
}

int nw_month_at_rest(const char *s, size_t len, size_t pos, size_t *end)
{
        uint64_t k0, k1;
        size_t n, c;

        if (!nw_scan_at_word_start(s, pos)) {
                return 0;
        }
        /* a name matches only the whole word (nw_scan_word_at): no two names match one */
        n = name_at(s, len, pos, &k0, &k1);
        if (n == 0) {
                return 0;
        }
        c = (size_t)(k0 & 0xff) - 'a';
        if (c >= 26) {
                return 0;
        }
        for (size_t i = month_rows[c].from; i < month_rows[c].to; i++) {
                if (month_keys[i].k0 == k0 && month_keys[i].k1 == k1) {
                        size_t e = pos + n;
                        if (e < len && s[e] == '.') {
                                e++;
                        }
                        *end = e;
                        return month_keys[i].v;
                }
        }
        return 0;
}

int nw_weekday_at(const char *s, size_t len, size_t pos, size_t *end)
{
        uint64_t k0, k1;
        size_t n;

        if (!nw_scan_at_word_start(s, pos) || !nw_scan_upper(s, len, pos) ||
            !((WEEKDAY_INITIALS >> (s[pos] - 'A')) & 1u)) {
                return -1;
        }
        n = name_at(s, len, pos, &k0, &k1);
        if (n == 0) {
                return -1;
        }
        for (size_t i = 0; i < sizeof(weekday_keys) / sizeof(weekday_keys[0]); i++) {
                if (weekday_keys[i].k0 == k0 && weekday_keys[i].k1 == k1) {
                        *end = pos + n;
                        return weekday_keys[i].v;
                }
        }
        return -1;
}

/* 1..31 with an optional ordinal suffix at pos; *end after it. */
static int day_at(const char *s, size_t len, size_t pos, size_t *end)
{
        int v = 0;
        size_t p = pos;

        if (!nw_scan_at_word_start(s, pos)) {
                return 0;
        }
        while (p < len && nw_scan_digit((unsigned char)s[p]) && p - pos < 2) {
                v = v * 10 + (s[p] - '0');
                p++;
        }
        if (p == pos || (p < len && nw_scan_digit((unsigned char)s[p])) || v < 1 || v > 31) {
                return 0;
        }
        if (p + 1 < len && (nw_scan_word_at(s, len, p, "st") || nw_scan_word_at(s, len, p, "nd") ||
                            nw_scan_word_at(s, len, p, "rd") || nw_scan_word_at(s, len, p, "th"))) {
                p += 2;
        }
        if (p < len && nw_scan_wordc((unsigned char)s[p])) {
                return 0;
        }
        *end = p;
        return v;
}

/* ", 2021" or " 2021" after a day or a month; *end after it. */
static int year_after(const char *s, size_t len, size_t pos, size_t *end)
{
        size_t p = pos;
        int y = 0;

        if (p < len && s[p] == ',') {
                p++;
        }
        p = nw_scan_skip_spaces(s, len, p);
        if (p + 4 > len) {
                return 0;
        }
        for (size_t i = 0; i < 4; i++) {
                if (!nw_scan_digit((unsigned char)s[p + i])) {
                        return 0;
                }
                y = y * 10 + (s[p + i] - '0');
        }
        if ((p + 4 < len && nw_scan_wordc((unsigned char)s[p + 4])) || y < 1900 || y > 2100) {
                return 0;
        }
        *end = p + 4;
        return y;
}

static void set(struct nw_date *out, int y, int m, int d)
{
        out->y = y;
        out->m = m;
        out->d = d;
}

int nw_date_parse_at(const char *s, size_t len, size_t pos, const struct nw_date *ref,
                     enum nw_date_dir dir, struct nw_date *out, size_t *end)
{
        struct nw_date r = {0, 0, 0};
        size_t e, e2;
        int m, d, y, w;

        if (ref && ref->y) {
                r = *ref;
        }
        set(out, 0, 0, 0);
        if (pos >= len) {
                return 0;
        }
        /* a digit starts only "2021-05-19" (a dash fifth) or a day of one or two digits
         * ("20th May"): most figures, three digits or more, start no date */
        if (pos + 2 < len && nw_scan_digit((unsigned char)s[pos]) &&
            nw_scan_digit((unsigned char)s[pos + 1]) && nw_scan_digit((unsigned char)s[pos + 2]) &&
            !(pos + 4 < len && s[pos + 4] == '-')) {
                return 0;
        }
        /* 2021-05-19 */
        if (nw_scan_digit((unsigned char)s[pos]) && pos + 10 <= len && nw_scan_at_word_start(s, pos)) {
                char tmp[11];
                memcpy(tmp, s + pos, 10);
                tmp[10] = '\0';
                if (nw_date_from_iso(tmp, out) &&
                    (pos + 10 == len || !nw_scan_wordc((unsigned char)s[pos + 10]))) {
                        *end = pos + 10;
                        return 1;
                }
        }
        /* May 20th[, 2021] */
        if ((m = nw_month_at(s, len, pos, &e)) != 0) {
                e2 = nw_scan_skip_spaces(s, len, e);
                if (e2 > e && (d = day_at(s, len, e2, &e)) != 0) {
                        y = year_after(s, len, e, &e2);
                        if (y) {
                                e = e2;
                        } else {
                                y = nw_date_infer_year(m, d, &r);
                        }
                        if (y && nw_date_valid(y, m, d)) {
                                set(out, y, m, d);
                        }
                        *end = e;
                        return 1;
                }
                return 0;
        }
        /* 17 April 2019, 20th May */
        if ((d = day_at(s, len, pos, &e)) != 0) {
                e2 = nw_scan_skip_spaces(s, len, e);
                if (e2 == e || !(m = nw_month_at(s, len, e2, &e))) {
                        return 0;
                }
                /* "15 May" must not eat "15 Mayors"; nw_month_at checks the boundary */
                y = year_after(s, len, e, &e2);
                if (y && s[e] != ',') {
                        e = e2;
                } else {
                        y = nw_date_infer_year(m, d, &r);
                }
                if (y && nw_date_valid(y, m, d)) {
                        set(out, y, m, d);
                }
                *end = e;
                return 1;
        }
        /* the 19th: a day of the reference month, or of the month before when it is later */
        if ((e = nw_scan_word_at(s, len, pos, "the")) != 0) {
                e2 = nw_scan_skip_spaces(s, len, e);
                if (e2 > e && e2 < len && nw_scan_digit((unsigned char)s[e2]) &&
                    (d = day_at(s, len, e2, &e)) != 0 && e - e2 > 1 &&
                    !nw_scan_digit((unsigned char)s[e - 1])) {
                        size_t after = nw_scan_skip_spaces(s, len, e);
                        /* "the 20th China-ASEAN Expo" is an edition, not a date */
                        if (after < len && nw_scan_upper(s, len, after) &&
                            !nw_month_at(s, len, after, &e2)) {
                                return 0;
                        }
                        if (after < len && nw_scan_word_at(s, len, after, "of")) {
                                size_t mp = nw_scan_skip_spaces(s, len, after + 2);
                                if ((m = nw_month_at(s, len, mp, &e2)) != 0) {
                                        y = nw_date_infer_year(m, d, &r);
                                        if (y) {
                                                set(out, y, m, d);
                                        }
                                        *end = e2;
                                        return 1;
                                }
                                return 0;
                        }
                        if (r.y) {
                                int yy = r.y, mm = r.m;
                                if (dir == NW_DATE_PAST ? d > r.d : d < r.d) {
                                        mm += dir == NW_DATE_PAST ? -1 : 1;
                                        if (mm == 0) {
                                                mm = 12;
                                                yy--;
                                        } else if (mm == 13) {
                                                mm = 1;
                                                yy++;
                                        }
                                }
                                if (nw_date_valid(yy, mm, d)) {
                                        set(out, yy, mm, d);
                                }
                        }
                        *end = e;
                        return 1;
                }
                return 0;
        }
        /* [last|next] Tuesday */
        {
                int shift = 0;
                size_t p = pos;
                if ((e = nw_scan_word_at(s, len, pos, "last")) != 0) {
                        shift = -1;
                        p = nw_scan_skip_spaces(s, len, e);
                } else if ((e = nw_scan_word_at(s, len, pos, "next")) != 0) {
                        shift = 1;
                        p = nw_scan_skip_spaces(s, len, e);
                }
                if ((w = nw_weekday_at(s, len, p, &e)) >= 0) {
                        if (r.y) {
                                int rw = nw_date_weekday(&r), delta;
                                int back = shift < 0 || (shift == 0 && dir == NW_DATE_PAST);
                                if (back) {
                                        delta = -((rw - w + 7) % 7);
                                        if (shift < 0 && delta == 0) {
                                                delta = -7;
                                        }
                                } else {
                                        delta = (w - rw + 7) % 7;
                                        if (shift > 0 && delta == 0) {
                                                delta = 7;
                                        }
                                }
                                *out = nw_date_add_days(r, delta);
                        }
                        /* "Saturday (Feb. 24)": the written date wins */
                        e2 = nw_scan_skip_spaces(s, len, e);
                        if (e2 < len && s[e2] == '(') {
                                struct nw_date inner;
                                size_t ie;
                                if (nw_date_parse_at(s, len, e2 + 1, ref, dir, &inner, &ie) &&
                                    ie < len && s[ie] == ')') {
                                        if (inner.y) {
                                                *out = inner;
                                        }
                                        e = ie + 1;
                                }
                        }
                        *end = e;
                        return 1;
                }
                if (shift < 0 && (e2 = nw_scan_word_at(s, len, p, "week")) != 0) {
                        if (r.y) {
                                *out = nw_date_add_days(r, -7);
                        }
                        *end = e2;
                        return 1;
                }
        }
        if ((e = nw_scan_word_at(s, len, pos, "yesterday")) != 0) {
                if (r.y) {
                        *out = nw_date_add_days(r, -1);
                }
                *end = e;
                return 1;
        }
        if ((e = nw_scan_word_at(s, len, pos, "today")) != 0) {
                if (r.y) {
                        *out = r;
                }
                *end = e;
                return 1;
        }
        if ((e = nw_scan_word_at(s, len, pos, "tomorrow")) != 0) {
                if (r.y) {
                        *out = nw_date_add_days(r, 1);
                }
                *end = e;
                return 1;
        }
        return 0;
}

/* The place part of a dateline: capitalized words, commas, dots, spaces; at most 80 bytes. */
static int looks_like_place(const char *s, size_t from, size_t to)
{
        int words = 0;

        if (to <= from || to - from > 80 || !nw_scan_upper(s, to, from)) {
                return 0;
        }
        for (size_t i = from; i < to; i++) {
                unsigned char c = (unsigned char)s[i];
                if (!(nw_scan_alpha(c) || c == ' ' || c == ',' || c == '.' || c == '-' ||
                      c == '\'' || c >= 0x80)) {
                        return 0;
                }
                if (c == ' ') {
                        words++;
                }
        }
        return words <= 8;
}

int nw_date_find_dateline(const char *body, size_t len, const struct nw_date *published,
                          struct nw_date *out, size_t *where, size_t *where_end)
{
        size_t limit = len < 3000 ? len : 3000;
        size_t para = 0;

        while (para < limit) {
                const char *nl = memchr(body + para, '\n', len - para);
                size_t pend = nl ? (size_t)(nl - body) : len;
                size_t scan_to;

                scan_to = pend < para + 160 ? pend : para + 160;
                /* "PLACE, Month Day" within the paragraph's first words: memchr goes from
                 * comma to comma */
                for (size_t i = para; i < scan_to; i++) {
                        const char *comma = memchr(body + i, ',', scan_to - i);
                        size_t e, e2;
                        int m, d, y;
                        if (!comma) {
                                break;
                        }
                        i = (size_t)(comma - body);
                        if (i + 2 >= len || body[i + 1] != ' ') {
                                continue;
                        }
                        if (!(m = nw_month_at(body, len, i + 2, &e))) {
                                continue;
                        }
                        e2 = nw_scan_skip_spaces(body, len, e);
                        if (!(d = day_at(body, len, e2, &e))) {
                                continue;
                        }
                        if (!looks_like_place(body, para, i)) {
                                break;
                        }
                        y = year_after(body, len, e, &e2);
                        if (y) {
                                e = e2;
                        } else {
                                y = nw_date_infer_year(m, d, published);
                        }
                        e2 = nw_scan_skip_spaces(body, len, e);
                        /* what follows a dateline: "(Xinhua)", "--", "-", "/PRNewswire/", ":" */
                        if (e2 < len && (body[e2] == '(' || body[e2] == '-' || body[e2] == '/' ||
                                         body[e2] == ':' || (unsigned char)body[e2] == 0xe2 ||
                                         nw_scan_upper(body, len, e2))) {
                                out->y = y && nw_date_valid(y, m, d) ? y : 0;
                                out->m = m;
                                out->d = d;
                                *where = para;
                                *where_end = i;
                                return 1;
                        }
                }
                para = pend;
                while (para < len && body[para] == '\n') {
                        para++;
                }
        }
        return 0;
}
