/* nw_article.c -- ownership helpers for struct nw_article and its fact arrays. */
#include "nw_article.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nw_buf.h"

void nw_strv_push(struct nw_strv *sv, const char *s, size_t len)
{
        if (sv->n == sv->cap) {
                sv->cap = sv->cap ? sv->cap * 2 : 4;
                sv->v = nw_xrealloc(sv->v, sv->cap * sizeof(*sv->v));
        }
        sv->v[sv->n++] = nw_xstrndup(s, len);
}

/* Whether the string v is s[0..len): a walk that stops at the first byte that differs (most
 * kept strings differ in their first) or at v's end, instead of a strlen() of every kept
 * string on every push. */
static int same_str(const char *v, const char *s, size_t len)
{
        for (size_t i = 0; i < len; i++) {
                if (v[i] != s[i] || v[i] == '\0') {
                        return 0;
                }
        }
        return v[len] == '\0';
}

void nw_strv_push_unique(struct nw_strv *sv, const char *s, size_t len)
{
        for (size_t i = 0; i < sv->n; i++) {
                if (same_str(sv->v[i], s, len)) {
                        return;
                }
        }
        nw_strv_push(sv, s, len);
}

void nw_strv_free(struct nw_strv *sv)
{
        for (size_t i = 0; i < sv->n; i++) {
                nw_free(sv->v[i]);
        }
        nw_free(sv->v);
        sv->v = NULL;
        sv->n = 0;
        sv->cap = 0;
}

const char *nw_qualifier_name(enum nw_qualifier q)
{
        switch (q) {
        case NW_Q_MORE_THAN:
                return "more_than";
        case NW_Q_AT_LEAST:
                return "at_least";
        case NW_Q_ABOUT:
                return "about";
        case NW_Q_LESS_THAN:
                return "less_than";
        case NW_Q_UP_TO:
                return "up_to";
        case NW_Q_EXACT:
        default:
                return "exact";
        }
}

void nw_article_init(struct nw_article *a)
{
        memset(a, 0, sizeof(*a));
}

void nw_article_mark_near(struct nw_article *a, const char *of, double similarity)
{
        double sim = floor(similarity * 1000.0 + 0.5) / 1000.0;

        free(a->duplicate_of);
        a->duplicate_of = nw_xstrdup(of);
        a->dedupe_status = NW_DEDUPE_NEAR;
        a->has_distance = 1;
        a->similarity = sim;
        a->distance = floor((1.0 - sim) * 1000.0 + 0.5) / 1000.0;
}

static void free_event(struct nw_event *ev)
{
        nw_free(ev->name);
        nw_free(ev->type);
        nw_free(ev->location);
        nw_free(ev->date);
        nw_free(ev->date_text);
        nw_free(ev->theme);
        nw_free(ev->attendance.text);
        nw_strv_free(&ev->organizers);
}

static void free_investment(struct nw_investment *inv)
{
        nw_free(inv->deal_unit);
        nw_free(inv->amount.text);
        nw_strv_free(&inv->sectors);
        nw_strv_free(&inv->parties);
        nw_free(inv->status);
        nw_free(inv->location);
        nw_free(inv->sentence);
        nw_free(inv->kind);
        nw_free(inv->round);
        for (size_t i = 0; i < inv->n_alt_amounts; i++) {
                nw_free(inv->alt_amounts[i].text);
        }
        nw_free(inv->alt_amounts);
}

void nw_article_free(struct nw_article *a)
{
        nw_free(a->id);
        nw_free(a->producer_id);
        nw_free(a->source_name);
        nw_free(a->url);
        nw_free(a->canonical_url);
        nw_free(a->title);
        nw_free(a->body);
        nw_free(a->language);
        nw_free(a->published_at);
        nw_free(a->extra_json);
        nw_free(a->topic);
        if (a->dateline) {
                nw_free(a->dateline->agency);
                nw_free(a->dateline->location);
                nw_free(a->dateline->date);
                nw_free(a->dateline);
        }
        nw_strv_free(&a->authors);
        nw_free(a->duplicate_of);
        for (size_t i = 0; i < a->n_events; i++) {
                free_event(&a->events[i]);
        }
        nw_free(a->events);
        for (size_t i = 0; i < a->n_investments; i++) {
                free_investment(&a->investments[i]);
        }
        nw_free(a->investments);
        for (size_t i = 0; i < a->n_statistics; i++) {
                nw_free(a->statistics[i].unit);
                nw_free(a->statistics[i].subject);
                nw_free(a->statistics[i].location);
                nw_free(a->statistics[i].text);
        }
        nw_free(a->statistics);
        for (size_t i = 0; i < a->n_people; i++) {
                nw_free(a->people[i].name);
                nw_free(a->people[i].title);
                nw_free(a->people[i].organization);
        }
        nw_free(a->people);
        nw_strv_free(&a->organizations);
        nw_strv_free(&a->locations);
        memset(a, 0, sizeof(*a));
}
