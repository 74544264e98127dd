/* nw_serialize.c -- the v1 record through yajl_gen. Every yajl_gen call's status is checked:
 * a record that is cut short must never reach Kafka. */
#include "nw_serialize.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>

#include "nw_err.h"

struct gen {
        yajl_gen g;
        int ok;
};

static void str(struct gen *w, const char *s)
{
        if (!w->ok) {
                return;
        }
        if (!s) {
                w->ok = yajl_gen_null(w->g) == yajl_gen_status_ok;
                return;
        }
        w->ok = yajl_gen_string(w->g, (const unsigned char *)s, strlen(s)) == yajl_gen_status_ok;
}

static void key(struct gen *w, const char *k)
{
        str(w, k);
}

static void null(struct gen *w)
{
        if (w->ok) {
                w->ok = yajl_gen_null(w->g) == yajl_gen_status_ok;
        }
}

static void integer(struct gen *w, long long v)
{
        if (w->ok) {
                w->ok = yajl_gen_integer(w->g, v) == yajl_gen_status_ok;
        }
}

/* Whole numbers print without a fraction ("6150000000", not "6.15e9"): consumers compare
 * amounts as plain numbers. */
static void number(struct gen *w, double v)
{
        char buf[40];
        int n;

        if (!w->ok) {
                return;
        }
        if (!isfinite(v)) {
                null(w);
                return;
        }
        if (v == floor(v) && fabs(v) < 9007199254740992.0) {
                n = snprintf(buf, sizeof(buf), "%.0f", v);
        } else {
                n = snprintf(buf, sizeof(buf), "%.15g", v);
        }
        w->ok = yajl_gen_number(w->g, buf, (size_t)n) == yajl_gen_status_ok;
}

static void open_map(struct gen *w)
{
        if (w->ok) {
                w->ok = yajl_gen_map_open(w->g) == yajl_gen_status_ok;
        }
}

static void close_map(struct gen *w)
{
        if (w->ok) {
                w->ok = yajl_gen_map_close(w->g) == yajl_gen_status_ok;
        }
}

static void open_array(struct gen *w)
{
        if (w->ok) {
                w->ok = yajl_gen_array_open(w->g) == yajl_gen_status_ok;
        }
}

static void close_array(struct gen *w)
{
        if (w->ok) {
                w->ok = yajl_gen_array_close(w->g) == yajl_gen_status_ok;
        }
}

static void strv(struct gen *w, const struct nw_strv *sv)
{
        open_array(w);
        for (size_t i = 0; i < sv->n; i++) {
                str(w, sv->v[i]);
        }
        close_array(w);
}

static void quantity(struct gen *w, const struct nw_quantity *q, int money)
{
        if (!q->present) {
                null(w);
                return;
        }
        open_map(w);
        key(w, "value");
        number(w, q->value);
        if (money) {
                key(w, "currency");
                str(w, q->currency[0] ? q->currency : NULL);
        }
        key(w, "qualifier");
        str(w, nw_qualifier_name(q->qualifier));
        key(w, "text");
        str(w, q->text ? q->text : "");
        close_map(w);
}

/* Splice an already-serialized JSON object (the input's unknown members) into the output by
 * replaying it through a parser into our generator, so it is re-validated on the way. */
static int replay_null(void *ctx) { return yajl_gen_null(ctx) == yajl_gen_status_ok; }
static int replay_bool(void *ctx, int b) { return yajl_gen_bool(ctx, b) == yajl_gen_status_ok; }
static int replay_number(void *ctx, const char *s, size_t n)
{
        return yajl_gen_number(ctx, s, n) == yajl_gen_status_ok;
}
static int replay_string(void *ctx, const unsigned char *s, size_t n)
{
        return yajl_gen_string(ctx, s, n) == yajl_gen_status_ok;
}
static int replay_map_open(void *ctx) { return yajl_gen_map_open(ctx) == yajl_gen_status_ok; }
static int replay_map_close(void *ctx) { return yajl_gen_map_close(ctx) == yajl_gen_status_ok; }
static int replay_array_open(void *ctx) { return yajl_gen_array_open(ctx) == yajl_gen_status_ok; }
static int replay_array_close(void *ctx) { return yajl_gen_array_close(ctx) == yajl_gen_status_ok; }

static const yajl_callbacks replay = {
        replay_null, replay_bool, NULL, NULL, replay_number, replay_string, replay_map_open,
        replay_string, replay_map_close, replay_array_open, replay_array_close,
};

static void raw_json(struct gen *w, const char *json)
{
        yajl_handle h;

        if (!w->ok) {
                return;
        }
        h = yajl_alloc(&replay, NULL, w->g);
        if (!h) {
                w->ok = 0;
                return;
        }
        w->ok = yajl_parse(h, (const unsigned char *)json, strlen(json)) == yajl_status_ok &&
                yajl_complete_parse(h) == yajl_status_ok;
        yajl_free(h);
}

static void events(struct gen *w, const struct nw_article *a)
{
        open_array(w);
        for (size_t i = 0; i < a->n_events; i++) {
                const struct nw_event *ev = &a->events[i];
                open_map(w);
                key(w, "name"); str(w, ev->name);
                key(w, "type"); str(w, ev->type);
                key(w, "location"); str(w, ev->location);
                key(w, "date"); str(w, ev->date);
                key(w, "date_text"); str(w, ev->date_text);
                key(w, "organizers"); strv(w, &ev->organizers);
                key(w, "attendance"); quantity(w, &ev->attendance, 0);
                key(w, "theme"); str(w, ev->theme);
                close_map(w);
        }
        close_array(w);
}

static void investments(struct gen *w, const struct nw_article *a)
{
        open_array(w);
        for (size_t i = 0; i < a->n_investments; i++) {
                const struct nw_investment *inv = &a->investments[i];
                open_map(w);
                key(w, "deal_count");
                if (inv->deal_count >= 0) {
                        integer(w, inv->deal_count);
                } else {
                        null(w);
                }
                key(w, "deal_unit"); str(w, inv->deal_unit);
                key(w, "amount"); quantity(w, &inv->amount, 1);
                key(w, "sectors"); strv(w, &inv->sectors);
                key(w, "status"); str(w, inv->status);
                key(w, "parties"); strv(w, &inv->parties);
                key(w, "location"); str(w, inv->location);
                key(w, "sentence"); str(w, inv->sentence);
                key(w, "kind"); str(w, inv->kind);
                key(w, "round"); str(w, inv->round);
                key(w, "alt_amounts");
                open_array(w);
                for (size_t k = 0; k < inv->n_alt_amounts; k++) {
                        quantity(w, &inv->alt_amounts[k], 1);
                }
                close_array(w);
                close_map(w);
        }
        close_array(w);
}

static void statistics(struct gen *w, const struct nw_article *a)
{
        open_array(w);
        for (size_t i = 0; i < a->n_statistics; i++) {
                const struct nw_statistic *st = &a->statistics[i];
                open_map(w);
                key(w, "value"); number(w, st->value);
                key(w, "unit"); str(w, st->unit);
                key(w, "qualifier"); str(w, nw_qualifier_name(st->qualifier));
                key(w, "subject"); str(w, st->subject);
                key(w, "location"); str(w, st->location);
                key(w, "text"); str(w, st->text);
                close_map(w);
        }
        close_array(w);
}

static void people(struct gen *w, const struct nw_article *a)
{
        open_array(w);
        for (size_t i = 0; i < a->n_people; i++) {
                open_map(w);
                key(w, "name"); str(w, a->people[i].name);
                key(w, "title"); str(w, a->people[i].title);
                key(w, "organization"); str(w, a->people[i].organization);
                close_map(w);
        }
        close_array(w);
}

static const char *dedupe_status(enum nw_dedupe_status s)
{
        return s == NW_DEDUPE_NEAR ? "near_duplicate" : s == NW_DEDUPE_UNCHECKED ? "unchecked" : "unique";
}

enum nw_err nw_serialize(const struct nw_article *a, const char *processed_at,
                         const char *version, struct nw_buf *out)
{
        struct gen w = {yajl_gen_alloc(NULL), 1};
        char simhash[17];
        const unsigned char *buf;
        size_t blen;
        enum nw_err err = NW_OK;

        if (!w.g) {
                abort();
        }
        snprintf(simhash, sizeof(simhash), "%016llx", (unsigned long long)a->simhash);
        open_map(&w);
        key(&w, "schema"); str(&w, NW_RECORD_SCHEMA);
        key(&w, "id"); str(&w, a->id);
        key(&w, "source");
        open_map(&w);
        key(&w, "name"); str(&w, a->source_name);
        key(&w, "url"); str(&w, a->url);
        key(&w, "canonical_url"); str(&w, a->canonical_url);
        key(&w, "topic"); str(&w, a->has_coords ? a->topic : NULL);
        key(&w, "partition");
        if (a->has_coords) {
                integer(&w, a->partition);
        } else {
                null(&w);
        }
        key(&w, "offset");
        if (a->has_coords) {
                integer(&w, a->offset);
        } else {
                null(&w);
        }
        close_map(&w);
        key(&w, "title"); str(&w, a->title);
        key(&w, "body"); str(&w, a->body);
        key(&w, "language"); str(&w, a->language);
        key(&w, "published_at"); str(&w, a->published_at);
        key(&w, "dateline");
        if (a->dateline) {
                open_map(&w);
                key(&w, "agency"); str(&w, a->dateline->agency);
                key(&w, "location"); str(&w, a->dateline->location);
                key(&w, "date"); str(&w, a->dateline->date);
                close_map(&w);
        } else {
                null(&w);
        }
        key(&w, "authors"); strv(&w, &a->authors);
        key(&w, "fingerprint");
        open_map(&w);
        key(&w, "sha256"); str(&w, a->sha256_hex);
        key(&w, "simhash"); str(&w, simhash);
        close_map(&w);
        key(&w, "dedupe");
        open_map(&w);
        key(&w, "status"); str(&w, dedupe_status(a->dedupe_status));
        key(&w, "duplicate_of"); str(&w, a->duplicate_of);
        key(&w, "distance");
        if (a->has_distance) {
                number(&w, a->distance);
                key(&w, "similarity");
                number(&w, a->similarity);
        } else {
                null(&w);
        }
        close_map(&w);
        key(&w, "events"); events(&w, a);
        key(&w, "investments"); investments(&w, a);
        key(&w, "statistics"); statistics(&w, a);
        key(&w, "people"); people(&w, a);
        key(&w, "organizations"); strv(&w, &a->organizations);
        key(&w, "locations"); strv(&w, &a->locations);
        key(&w, "processed_at"); str(&w, processed_at);
        key(&w, "worker");
        open_map(&w);
        key(&w, "version"); str(&w, version);
        close_map(&w);
        if (a->extra_json) {
                key(&w, "extra");
                raw_json(&w, a->extra_json);
        }
        close_map(&w);
        if (!w.ok || yajl_gen_get_buf(w.g, &buf, &blen) != yajl_gen_status_ok) {
                err = NW_ERR_TOO_BIG;
                goto out;
        }
        err = nw_buf_append(out, buf, blen);
out:
        yajl_gen_free(w.g);
        return err;
}
