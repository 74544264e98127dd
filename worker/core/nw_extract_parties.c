/* nw_extract_parties.c -- the parties of a deal sentence (see nw_extract_parties.h).
 * A deal is anchored on its verb or noun ("agreed to acquire", "takeover of", "raised ...
 * led by", "signed ... with"). The acting side is the nearest name before the anchor that is
 * not the object of a preposition; the other side is the first name after it, past
 * determiners, stakes and lower-case descriptions ("a 9.5 percent stake in", "discount
 * retailer"). Names are capitalized runs, so no list of companies is needed, and a sentence
 * that fits no pattern gives no parties rather than a guess. */
#include "nw_extract_parties.h"

#include <pthread.h>
#include <string.h>

#include "nw_dates.h"
#include "nw_gazetteer.h"
#include "nw_scan.h"

#define MAX_PARTIES 8
#define NONE ((size_t)-1)

struct name {
        size_t a, b;            /* the span to report */
        int possessive;         /* written "X's": a description of what follows */
};

/* The word lists of this file (below), each indexed once by first letter and length so a
 * word is compared only with the entries that start like it and are as long. */
enum word_list { L_NOT_NAMES, L_GLUE, L_ABBR, L_PREPS, L_EVENTS, L_STOP_AFTER, L_COUNT };

#define SET_MAX 160

struct word_set {
        const char *const *list;
        unsigned char start[27];        /* entries starting with 'a' + c: idx[start[c], start[c + 1]) */
        unsigned char idx[SET_MAX];
        unsigned char len[SET_MAX];     /* strlen, by list position */
};

static struct word_set word_sets[L_COUNT];
static pthread_once_t sets_once = PTHREAD_ONCE_INIT;

/* Whether s[a, b) is a word of list @p l, compared as nw_scan_word_at() does (A-Z folded; the
 * lists hold lower-case letters only). */
static int word_in(const char *s, size_t a, size_t b, enum word_list l)
{
        const struct word_set *ws = &word_sets[l];
        unsigned c0;

        if (b <= a) {
                return 0; /* no list holds an empty word */
        }
        c0 = (unsigned)nw_scan_lower((unsigned char)s[a]) - 'a';
        if (c0 >= 26) {
                return 0;
        }
        for (size_t j = ws->start[c0]; j < ws->start[c0 + 1]; j++) {
                const char *w = ws->list[ws->idx[j]];
                size_t k = 1;
                if (ws->len[ws->idx[j]] != b - a) {
                        continue;
                }
                while (k < b - a && nw_scan_lower((unsigned char)s[a + k]) == (unsigned char)w[k]) {
                        k++;
                }
                if (k == b - a) {
                        return 1;
                }
        }
        return 0;
}

/* Capitalized words that never start a party's name (sentence openers, pronouns, titles). */
static const char *const not_names[] = {
        "a", "an", "it", "its", "he", "she", "we", "they", "this", "that", "these", "those",
        "his", "her", "their", "our", "in", "on", "at", "for", "with", "by", "from", "of", "to",
        "and", "but", "as", "after", "before", "under", "separately", "meanwhile", "however",
        "also", "earlier", "later", "last", "next", "reuters", "according", "if", "when",
        "while", "since", "both", "all", "shares", "analysts", "officials", "sources", "mr",
        "mrs", "ms", "dr", "chairman", "president", "minister", "ceo", "chief", "prime",
        "governor", "director", "spokesman", "spokeswoman", "total", "together", "overall",
        "including", "during", "through", "rs", "us", "usd", "eur", "gbp", "inr", "rmb", "cny",
        "jpy", "krw", "vnd", "aud", "sgd", "hkd", "dlrs", "mln", "bln", "pct", "series",
        "round", "phase", "today", "yesterday", "mou", "mous", "msmes", "investment",
        "investments", "deal", "deals", "memorandum", "memorandums", "memoranda", "agreement",
        "agreements", "contracts", "projects", "thus", "still", "now", "then", "there", "here",
        "yet", "so", "such", "other", "another", "some", "many", "most", "several", "each",
        "every", "what", "which", "who", "where", "why", "how", "nearly", "about", "over",
        "more", "around", "almost", "up", NULL,
};

/* Lower-case words allowed between the capitalized words of a name. */
static const char *const glue[] = {"of", "and", "de", "du", "der", "van", "von", "la", "le",
                                   NULL};

/* Abbreviations that keep their dot inside a name ("Deere & Co.", "Sony Group Inc."). */
static const char *const abbr[] = {"co", "inc", "ltd", "corp", "bhd", "llc", "plc", "cos",
                                   "jr", "st", "pvt", "nv", "sa", "ag", "se", NULL};

static int is_typo_apostrophe(const char *s, size_t p)
{
        return (unsigned char)s[p] == 0xe2 && (unsigned char)s[p + 1] == 0x80 &&
               (unsigned char)s[p + 2] == 0x99;
}

/* A name starting at p, within lim. @returns the position after it (0 when there is none)
 * and fills @p n. */
static size_t read_name(const char *s, size_t lim, size_t p, struct name *n)
{
        size_t q = p, last = 0;
        int words = 0;

        memset(n, 0, sizeof(*n));
        /* Reuters writes unlisted companies as "<Name Inc>" */
        if (p < lim && s[p] == '<') {
                size_t k = p + 1;
                while (k < lim && s[k] != '>' && k - p < 80) {
                        k++;
                }
                if (k < lim && s[k] == '>' && k > p + 2 && nw_scan_upper(s, lim, p + 1)) {
                        n->a = p + 1;
                        n->b = k;
                        return k + 1;
                }
                return 0;
        }
        n->a = p;
        while (q < lim && words < 8) {
                size_t we;
                if (s[q] == '&') {
                        we = q + 1;
                } else {
                        we = nw_scan_word_end(s, lim, q);
                        if (we == q) {
                                break;
                        }
                        /* "U.S. Steel", "S.A.": letters joined by dots are one word */
                        while (we + 1 < lim && s[we] == '.' && nw_scan_upper(s, lim, we + 1) &&
                               we - q <= 3) {
                                we = nw_scan_word_end(s, lim, we + 1);
                        }
                }
                if (nw_scan_upper(s, lim, q)) {
                        size_t me;
                        if (words == 0 && nw_scan_word_at(s, we, q, "the") == we) {
                                /* "The Royal Dutch/Shell Group": the article is not the name */
                                if (we + 1 >= lim || s[we] != ' ' || !nw_scan_upper(s, lim, we + 1)) {
                                        return 0;
                                }
                                q = we + 1;
                                n->a = q;
                                continue;
                        }
                        if (words == 0 && (word_in(s, q, we, L_NOT_NAMES) ||
                                           (nw_month_at(s, lim, q, &me) && me == we) ||
                                           (nw_weekday_at(s, lim, q, &me) >= 0 && me == we))) {
                                return 0;
                        }
                        if (we < lim && s[we] == '.' && (we - q == 1 || word_in(s, q, we, L_ABBR))) {
                                we++;
                        }
                        words++;
                        last = we;
                        /* a possessive ends the name: "Germany's Wirtgen Group" */
                        if (we - q > 2 && s[we - 2] == '\'' && s[we - 1] == 's') {
                                n->b = we - 2;
                                n->possessive = 1;
                                return we;
                        }
                        if (we - q > 4 && s[we - 1] == 's' && is_typo_apostrophe(s, we - 4)) {
                                n->b = we - 4;
                                n->possessive = 1;
                                return we;
                        }
                } else if (words == 0 || !(s[q] == '&' || word_in(s, q, we, L_GLUE))) {
                        break;
                }
                if (we >= lim || s[we] != ' ') {
                        break;
                }
                q = we + 1;
        }
        if (!words) {
                return 0;
        }
        n->b = last;
        /* "Jaguar Land Rover (JLR)" */
        if (last + 3 < lim && s[last] == ' ' && s[last + 1] == '(' && nw_scan_upper(s, lim, last + 2)) {
                size_t k = last + 2;
                while (k < lim && k - last < 14 && (nw_scan_upper(s, lim, k) || s[k] == '&' ||
                                                   s[k] == '-' || nw_scan_digit((unsigned char)s[k]))) {
                        k++;
                }
                if (k < lim && s[k] == ')') {
                        n->b = k + 1;
                        return k + 1;
                }
        }
        return last;
}

/* The word before p (skipping spaces) is one of @p list. */
static int word_before_in(const char *s, size_t lo, size_t p, enum word_list list)
{
        size_t e = p, w;

        while (e > lo && s[e - 1] == ' ') {
                e--;
        }
        w = e;
        while (w > lo && nw_scan_alpha((unsigned char)s[w - 1])) {
                w--;
        }
        return w < e && word_in(s, w, e, list);
}

/* A name after one of these is the object of a phrase, not the one acting. */
static const char *const preps[] = {
        "in", "on", "at", "of", "from", "for", "to", "by", "with", "into", "than", "about",
        "near", "a", "an", "via", "against", "over", "under", "series", "phase", "class",
        "tranche", NULL,
};

/* A sentence-opening participle or adverb ("Reflecting ...", "Separately, ..."). */
static int opener(const char *s, size_t lim, size_t p)
{
        size_t we = nw_scan_word_end(s, lim, p);

        return we - p > 4 && (nw_scan_word_at(s, we, we - 3, "ing") || nw_scan_word_at(s, we, we - 2, "ly"));
}

/* A name that ends like a gathering ("Vibrant Summit", "Industry Expo 2022") is an event. */
static const char *const event_words[] = {"summit", "forum", "expo", "fair", "conference",
                                          "meet", "exhibition", "week", "festival", NULL};

static int event_name(const char *s, const struct name *n)
{
        size_t w = n->b;

        while (w > n->a && s[w - 1] != ' ') {
                w--;
        }
        return word_in(s, w, n->b, L_EVENTS);
}

/* The last name in [lo, hi) that is not the object of a preposition, a description set off
 * by commas (", the Taiwanese electronics giant,"), a bracketed ticker or alias ("(HKG:9878)")
 * or a sentence-opening participle or adverb ("Reflecting", "Separately"). */
static int name_before(const char *s, size_t lo, size_t hi, struct name *out)
{
        int found = 0, aside = 0;
        size_t p = lo;

        while (p < hi) {
                struct name n;
                size_t e;
                if (s[p] == ',') {
                        size_t q = nw_scan_skip_spaces(s, hi, p + 1);
                        aside = nw_scan_word_at(s, hi, q, "a") || nw_scan_word_at(s, hi, q, "an") ||
                                nw_scan_word_at(s, hi, q, "the");
                        p++;
                        continue;
                }
                if (!(nw_scan_upper(s, hi, p) || s[p] == '<') || !nw_scan_at_word_start(s, p) ||
                    (p > lo && (s[p - 1] == '-' || s[p - 1] == '('))) {
                        p++;
                        continue;
                }
                e = read_name(s, hi, p, &n);
                if (!e) {
                        size_t we = nw_scan_word_end(s, hi, p);
                        p = we > p ? we : p + 1;
                        continue;
                }
                if (!aside && !word_before_in(s, lo, p, L_PREPS) && !(p == lo && opener(s, hi, p)) &&
                    !event_name(s, &n)) {
                        *out = n;
                        found = 1;
                }
                p = e;
        }
        return found;
}

/* Words that end the search for the other side of a deal. */
static const char *const stop_after[] = {
        "for", "from", "by", "with", "at", "to", "said", "says", "that", "which", "who", "as",
        "after", "before", "if", "when", "while", "and", "but", "was", "is", "were", "are",
        "will", "would", "has", "had", "have", "on", "its", "his", "their", "our", NULL,
};

/* The first name after p within hi: past determiners, numbers, stakes, up to a few
 * lower-case words and possessives ("Germany's"). */
static int name_after(const char *s, size_t p, size_t hi, struct name *out)
{
        for (int w = 0; w < 10 && p < hi; w++) {
                size_t we;
                p = nw_scan_skip_spaces(s, hi, p);
                if (p >= hi) {
                        break;
                }
                if (nw_scan_upper(s, hi, p) || s[p] == '<') {
                        struct name n;
                        size_t e = read_name(s, hi, p, &n);
                        if (!e) {
                                return 0;
                        }
                        if (n.possessive) {
                                p = e;
                                continue;
                        }
                        *out = n;
                        return 1;
                }
                we = nw_scan_word_end(s, hi, p);
                if (we == p) {
                        if (s[p] == ',' || s[p] == ';' || s[p] == '(' || s[p] == ')' ||
                            s[p] == '.' || s[p] == ':' || s[p] == '"') {
                                return 0;
                        }
                        p++;
                        continue;
                }
                if (word_in(s, p, we, L_STOP_AFTER)) {
                        return 0;
                }
                p = we;
        }
        return 0;
}

static void push(const char *s, const struct name *n, struct nw_strv *out)
{
        if (n->b > n->a && out->n < MAX_PARTIES) {
                nw_strv_push_unique(out, s + n->a, n->b - n->a);
        }
}

/* Names listed after p: "A, B and C", stopping at the first word that is not a name, a
 * comma or "and". */
static void push_list(const char *s, size_t p, size_t hi, struct nw_strv *out)
{
        for (int k = 0; k < 6 && p < hi; k++) {
                struct name n;
                size_t e;
                p = nw_scan_skip_spaces(s, hi, p);
                if (nw_scan_word_at(s, hi, p, "the")) {
                        p = nw_scan_skip_spaces(s, hi, p + 3);
                }
                if (!name_after(s, p, hi, &n)) {
                        return;
                }
                /* "A, B and C": after a comma the list's "and" is not inside a name */
                if (k > 0) {
                        size_t an = nw_scan_find_word(s, n.a, n.b, "and");
                        if (an != NONE && an > n.a + 1) {
                                struct name first = n;
                                first.b = an - 1;
                                push(s, &first, out);
                                n.a = nw_scan_skip_spaces(s, n.b, an + 3);
                        }
                }
                push(s, &n, out);
                e = n.b;
                if (e < hi && s[e] == '>') {
                        e++;
                }
                e = nw_scan_skip_spaces(s, hi, e);
                if (e < hi && s[e] == ',') {
                        e = nw_scan_skip_spaces(s, hi, e + 1);
                }
                if (nw_scan_word_at(s, hi, e, "and")) {
                        e += 3;
                } else if (e >= hi || !(s[e - 1] == ' ' && (nw_scan_upper(s, hi, e) || s[e] == '<') &&
                                        e >= 2 && s[e - 2] == ',')) {
                        return;
                }
                p = e;
        }
}

enum role {
        R_ACQ,          /* "X agreed to acquire Y" */
        R_SELL,         /* "X sold Y to Z" */
        R_PASSIVE,      /* "Y was acquired by X" */
        R_NOUN,         /* "X's takeover of Y", "X agrees takeover of Y" */
        R_FROM,         /* "Y received a takeover offer from X" */
        R_FUND,         /* "Y raised $40m ... led by X" */
        R_INVEST,       /* "X will invest $1bn in Y" */
        R_SIGN          /* "X signed an agreement with Y" */
};

struct anchor {
        const char *w;
        enum role r;
};

/* Longer phrases first where one starts another ("acquired by" before "acquired"). */
static const struct anchor anchors[] = {
        {"was acquired by", R_PASSIVE},  {"be acquired by", R_PASSIVE},
        {"been acquired by", R_PASSIVE}, {"acquired by", R_PASSIVE},
        {"was bought by", R_PASSIVE},    {"bought by", R_PASSIVE},
        {"taken over by", R_PASSIVE},    {"purchased by", R_PASSIVE},
        {"acquisition of", R_NOUN},      {"takeover of", R_NOUN},
        {"purchase of", R_NOUN},         {"buyout of", R_NOUN},
        {"takeover bid for", R_NOUN},    {"takeover offer for", R_NOUN},
        {"bid for", R_NOUN},             {"offer for", R_NOUN},
        {"merger with", R_NOUN},         {"stake in", R_NOUN},
        {"offer from", R_FROM},          {"bid from", R_FROM},
        {"bid by", R_FROM},              {"offer by", R_FROM},
        {"acquire", R_ACQ},              {"acquires", R_ACQ},
        {"acquired", R_ACQ},             {"acquiring", R_ACQ},
        {"buy", R_ACQ},                  {"buys", R_ACQ},
        {"bought", R_ACQ},               {"buying", R_ACQ},
        {"purchase", R_ACQ},             {"purchased", R_ACQ},
        {"take over", R_ACQ},            {"takes over", R_ACQ},
        {"took over", R_ACQ},            {"merge with", R_ACQ},
        {"taking over", R_ACQ},          {"merged with", R_ACQ},
        {"sell", R_SELL},                {"sells", R_SELL},
        {"sold", R_SELL},                {"selling", R_SELL},
        {"raised", R_FUND},              {"raises", R_FUND},
        {"raise", R_FUND},               {"raising", R_FUND},
        {"secured", R_FUND},             {"secures", R_FUND},
        {"bagged", R_FUND},              {"bags", R_FUND},
        {"closed", R_FUND},              {"landed", R_FUND},
        {"invest", R_INVEST},            {"invests", R_INVEST},
        {"invested", R_INVEST},          {"investing", R_INVEST},
        {"inject", R_INVEST},            {"pump", R_INVEST},
        {"pour", R_INVEST},              {"put", R_INVEST},
        {"committed", R_INVEST},         {"commits", R_INVEST},
        {"commit", R_INVEST},            {"pledged", R_INVEST},
        {"pledges", R_INVEST},           {"spend", R_INVEST},
        {"earmarked", R_INVEST},         {"signed", R_SIGN},
        {"inked", R_SIGN},               {"sealed", R_SIGN},
        {"signs", R_SIGN},               {NULL, R_ACQ},
};

/* the anchors before the NULL row */
#define N_ANCHORS (sizeof(anchors) / sizeof(anchors[0]) - 1)
_Static_assert(N_ANCHORS < 256, "the anchor index is a byte");

static int role_fits(enum role r, const char *kind)
{
        int acq = kind && strcmp(kind, "acquisition") == 0;
        int fund = kind && strcmp(kind, "funding_round") == 0;

        switch (r) {
        case R_ACQ:
        case R_SELL:
        case R_PASSIVE:
        case R_NOUN:
        case R_FROM:
                return acq;
        case R_FUND:
                return fund;
        case R_INVEST:
                return !acq;
        case R_SIGN:
                return !acq && !fund;
        }
        return 0;
}

/* Investors after "led by", "from", "including", "backed by", "participation from". */
static void fund_investors(const char *s, size_t p, size_t hi, struct nw_strv *out)
{
        static const char *const cues[] = {"led by", "co-led by", "backed by", "from",
                                           "including", "joined by", NULL};

        while (p < hi) {
                size_t e = 0;
                if (!nw_scan_at_word_start(s, p) || !nw_scan_alpha((unsigned char)s[p])) {
                        p++;
                        continue;
                }
                for (const char *const *c = cues; *c && !e; c++) {
                        e = nw_scan_word_at(s, hi, p, *c);
                }
                if (e) {
                        push_list(s, e, hi, out);
                        p = e;
                } else {
                        p = nw_scan_word_end(s, hi, p);
                }
        }
}

/* Entries grouped by first letter, in list order within a letter (a counting sort); an
 * entry that does not start with a-z never matches a word that starts with a letter, and
 * only those are asked about: it is left out. */
static void group_by_letter(const char *const *w, size_t n, unsigned char *start,
                            unsigned char *idx)
{
        unsigned char fill[26];

        memset(start, 0, 27);
        for (size_t k = 0; k < n; k++) {
                unsigned char c0 = (unsigned char)w[k][0];
                if (c0 >= 'a' && c0 <= 'z') {
                        start[c0 - 'a' + 1]++;
                }
        }
        for (int c = 0; c < 26; c++) {
                start[c + 1] = (unsigned char)(start[c + 1] + start[c]);
                fill[c] = start[c];
        }
        for (size_t k = 0; k < n; k++) {
                unsigned char c0 = (unsigned char)w[k][0];
                if (c0 >= 'a' && c0 <= 'z') {
                        idx[fill[c0 - 'a']++] = (unsigned char)k;
                }
        }
}

#define LIST_FITS(l) _Static_assert(sizeof(l) / sizeof(l[0]) <= SET_MAX, #l " outgrew SET_MAX")
LIST_FITS(not_names);
LIST_FITS(glue);
LIST_FITS(abbr);
LIST_FITS(preps);
LIST_FITS(event_words);
LIST_FITS(stop_after);

/* the anchors by first letter, as the word lists */
static unsigned char anchor_start[27], anchor_idx[N_ANCHORS];

static void sets_build(void)
{
        static const char *const *const lists[L_COUNT] = {not_names, glue, abbr, preps,
                                                          event_words, stop_after};
        const char *aw[N_ANCHORS];

        for (size_t l = 0; l < L_COUNT; l++) {
                struct word_set *ws = &word_sets[l];
                size_t n = 0;
                while (lists[l][n]) {
                        ws->len[n] = (unsigned char)strlen(lists[l][n]);
                        n++;
                }
                ws->list = lists[l];
                group_by_letter(lists[l], n, ws->start, ws->idx);
        }
        for (size_t k = 0; k < N_ANCHORS; k++) {
                aw[k] = anchors[k].w;
        }
        group_by_letter(aw, N_ANCHORS, anchor_start, anchor_idx);
}

void nw_extract_parties(const char *s, size_t a, size_t b, size_t at, const char *kind,
                        struct nw_strv *out)
{
        size_t best = NONE, best_end = 0;
        enum role role = R_ACQ;
        struct name x, y;
        const unsigned char *start = anchor_start, *idx = anchor_idx;

        pthread_once(&sets_once, sets_build);

        /* the anchor nearest before the amount, else the first after it */
        for (size_t p = a; p < b; p++) {
                const struct anchor *hit = NULL;
                size_t e = 0;
                unsigned char c, c1;
                if (!nw_scan_alpha((unsigned char)s[p]) || !nw_scan_at_word_start(s, p)) {
                        continue;
                }
                if (best != NONE && (at == NONE || p >= at)) {
                        break;
                }
                c = nw_scan_lower((unsigned char)s[p]);
                c1 = p + 1 < b ? nw_scan_lower((unsigned char)s[p + 1]) : 0;
                for (size_t j = start[c - 'a']; j < start[c - 'a' + 1] && !hit; j++) {
                        const struct anchor *an = &anchors[idx[j]];
                        /* the second letter rules most out */
                        if ((an->w[1] == '\0' || (unsigned char)an->w[1] == c1) &&
                            (e = nw_scan_word_at(s, b, p, an->w)) != 0 && role_fits(an->r, kind)) {
                                hit = an;
                        }
                }
                if (hit) {
                        best = p;
                        best_end = e;
                        role = hit->r;
                }
                p = nw_scan_word_end(s, b, p);
        }
        /* "Hyundai committed Rs 7,000 crore, MRF Rs 3,100 crore": a name right before the
         * amount is its party when the verb was said once for the list */
        if (at != NONE && at > a && (kind == NULL || strcmp(kind, "acquisition") != 0)) {
                size_t e = at;
                while (e > a && s[e - 1] == ' ') {
                        e--;
                }
                if (e < at && name_before(s, a, e, &x) && x.b == e && (best == NONE || best < x.a)) {
                        push(s, &x, out);
                        return;
                }
        }
        /* "a £7 billion commitment from Iberdrola", "£10 billion from IFM Investors" */
        if (at != NONE && (kind == NULL || (strcmp(kind, "acquisition") != 0 &&
                                            strcmp(kind, "funding_round") != 0))) {
                size_t p = at, w;
                while (p < b && s[p] != ' ') {
                        p++;
                }
                for (int k = 0; k < 4 && p < b; k++) {
                        p = nw_scan_skip_spaces(s, b, p);
                        if (((w = nw_scan_word_at(s, b, p, "from")) || (w = nw_scan_word_at(s, b, p, "by"))) &&
                            name_after(s, w, b, &y) && y.a < w + 3) {
                                if (best != NONE && best < at && name_before(s, a, best, &x)) {
                                        push(s, &x, out);
                                }
                                push(s, &y, out);
                                return;
                        }
                        if (p < b && !nw_scan_wordc((unsigned char)s[p])) {
                                break;
                        }
                        p = nw_scan_word_end(s, b, p);
                }
        }
        if (best == NONE) {
                return;
        }
        switch (role) {
        case R_ACQ:
        case R_INVEST:
        case R_SIGN:
        case R_SELL:
                if (name_before(s, a, best, &x)) {
                        push(s, &x, out);
                }
                if (role == R_SIGN) {
                        size_t w = nw_scan_find_word(s, best_end, b, "with");
                        if (w != NONE && name_after(s, w + 4, b, &y)) {
                                push(s, &y, out);
                        }
                } else if (role == R_INVEST) {
                        size_t w = nw_scan_find_word(s, best_end, b, "in");
                        /* "invest $1bn in Quayside" names a company; "in Raigad" a place */
                        if (w != NONE && w < best_end + 60 && name_after(s, w + 2, b, &y) &&
                            !nw_gazetteer_find(s + y.a, y.b - y.a)) {
                                push(s, &y, out);
                        }
                } else if (name_after(s, best_end, b, &y)) {
                        push(s, &y, out);
                        if (role == R_SELL) {
                                size_t w = nw_scan_find_word(s, y.b, b, "to");
                                if (w != NONE && w < y.b + 40 && name_after(s, w + 2, b, &y)) {
                                        push(s, &y, out);
                                }
                        }
                }
                break;
        case R_PASSIVE:
                if (name_after(s, best_end, b, &y)) {
                        push(s, &y, out);
                }
                if (name_before(s, a, best, &x)) {
                        push(s, &x, out);
                }
                break;
        case R_NOUN:
                {
                        size_t by;
                        int have_x = name_before(s, a, best, &x);
                        /* "approval to USAir Group's proposed acquisition of ...": the owner
                         * of the deal, even inside a phrase */
                        for (size_t p = best > a + 60 ? best - 60 : a; p < best; p++) {
                                struct name n;
                                size_t e;
                                if (!nw_scan_upper(s, best, p) || !nw_scan_at_word_start(s, p)) {
                                        continue;
                                }
                                e = read_name(s, best, p, &n);
                                if (e && n.possessive) {
                                        x = n;
                                        have_x = 1;
                                }
                                if (e > p) {
                                        p = e;
                                }
                        }
                        int have_y = name_after(s, best_end, b, &y);
                        /* "acquisition of Y by X" */
                        if (have_y && (by = nw_scan_find_word(s, y.b, b, "by")) != NONE &&
                            by < y.b + 30 && name_after(s, by + 2, b, &x)) {
                                have_x = 1;
                        }
                        if (have_x) {
                                push(s, &x, out);
                        }
                        if (have_y) {
                                push(s, &y, out);
                        }
                }
                break;
        case R_FROM:
                if (name_after(s, best_end, b, &x)) {
                        push(s, &x, out);
                }
                if (name_before(s, a, best, &y)) {
                        push(s, &y, out);
                }
                break;
        case R_FUND:
                if (name_before(s, a, best, &x)) {
                        push(s, &x, out);
                }
                fund_investors(s, best_end, b, out);
                break;
        }
}
