/* nw_boilerplate.c -- the boilerplate rules. To add one, add a row: a paragraph matches when
 * it is at most max_len bytes and starts with (or, for ANYWHERE rows, contains) the text,
 * ignoring case. Long paragraphs never match, so a story that quotes "Source:" survives. */
#include "nw_boilerplate.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

enum where { START, ANYWHERE, WHOLE };

struct rule {
        const char *name;
        enum where where;
        const char *text;
        size_t max_len;
};

static const struct rule rules[] = {
        {"navigation", START, "Prev:", 300},
        {"navigation", START, "Previous:", 300},
        {"navigation", START, "Next:", 300},
        {"navigation", START, "Previous article", 300},
        {"navigation", START, "Next article", 300},
        {"navigation", START, "Back to top", 40},
        {"editor", START, "Editor:", 120},
        {"editor", START, "Editors:", 120},
        {"editor", START, "Edited by ", 120},
        {"editor", START, "Responsible editor", 120},
        {"source", START, "Source:", 120},
        {"source", START, "Sources:", 120},
        {"copyright", START, "Copyright", 300},
        {"copyright", ANYWHERE, "\xC2\xA9", 300},       /* the copyright sign */
        {"copyright", ANYWHERE, "All rights reserved", 300},
        {"photo", START, "Photo:", 200},
        {"photo", START, "Photos:", 200},
        {"photo", START, "Photo credit", 200},
        {"photo", START, "File photo", 200},
        {"photo", START, "(Photo", 200},
        {"photo", START, "Image:", 200},
        {"photo", START, "Image credit", 200},
        {"share", START, "Share this", 120},
        {"share", START, "Share on", 120},
        {"share", START, "Share:", 120},
        {"share", START, "Follow us on", 160},
        {"share", START, "Subscribe to", 160},
        {"share", START, "Sign up for", 160},
        {"share", START, "Click here", 160},
        {"share", START, "Read more", 160},
        {"share", START, "Related:", 160},
        {"share", START, "Also read", 160},
        {"advert", WHOLE, "Advertisement", 0},
        {"advert", WHOLE, "Sponsored", 0},
        {"advert", WHOLE, "Sponsored content", 0},
};

#define MAX_RULE_LEN 300 /* the largest max_len above, and longer than any WHOLE text */

static int contains_ci(const char *p, size_t n, const char *needle)
{
        size_t k = strlen(needle);
        int first = tolower((unsigned char)needle[0]);

        for (size_t i = 0; i + k <= n; i++) {
                /* compare only where the first letter matches */
                if (tolower((unsigned char)p[i]) == first && strncasecmp(p + i, needle, k) == 0) {
                        return 1;
                }
        }
        return 0;
}

const char *nw_boilerplate_match(const char *p, size_t n)
{
        int first;

        /* every rule is for short paragraphs; most content is longer */
        if (n > MAX_RULE_LEN || n == 0) {
                return NULL;
        }
        first = tolower((unsigned char)p[0]);
        for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
                const struct rule *r = &rules[i];
                size_t k;
                if (r->where != ANYWHERE && tolower((unsigned char)r->text[0]) != first) {
                        continue;       /* cheap first-letter gate */
                }
                k = strlen(r->text);
                switch (r->where) {
                case START:
                        if (n <= r->max_len && n >= k && strncasecmp(p, r->text, k) == 0) {
                                return r->name;
                        }
                        break;
                case ANYWHERE:
                        if (n <= r->max_len && contains_ci(p, n, r->text)) {
                                return r->name;
                        }
                        break;
                case WHOLE:
                        if (n == k && strncasecmp(p, r->text, k) == 0) {
                                return r->name;
                        }
                        break;
                }
        }
        return NULL;
}

size_t nw_boilerplate_strip(char *body)
{
        char *out = body;
        const char *p = body;
        size_t removed = 0;

        while (*p) {
                const char *brk = strstr(p, "\n\n");
                size_t n = brk ? (size_t)(brk - p) : strlen(p);
                if (nw_boilerplate_match(p, n)) {
                        removed++;
                } else {
                        if (out != body) {
                                memcpy(out, "\n\n", 2);
                                out += 2;
                        }
                        memmove(out, p, n);
                        out += n;
                }
                p += n;
                if (brk) {
                        p += 2;
                }
        }
        *out = '\0';
        return removed;
}
