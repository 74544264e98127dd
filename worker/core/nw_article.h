/* nw_article.h -- one decoded, normalized news item and the facts found in it.
 * Plain data: every char * is owned by the article (heap, NUL-terminated) or NULL,
 * and nw_article_free() releases all of it. Field names follow DESIGN.md's v1 record. */
#ifndef NW_CORE_ARTICLE_H
#define NW_CORE_ARTICLE_H

#include <stddef.h>
#include <stdint.h>

#include "nw_near.h"

/* A growable list of owned strings. */
struct nw_strv {
        char **v;
        size_t n;
        size_t cap;
};

void nw_strv_push(struct nw_strv *sv, const char *s, size_t len);
/** @brief Push unless an equal string is already there. */
void nw_strv_push_unique(struct nw_strv *sv, const char *s, size_t len);
void nw_strv_free(struct nw_strv *sv);

enum nw_qualifier {
        NW_Q_EXACT = 0,
        NW_Q_MORE_THAN,
        NW_Q_AT_LEAST,
        NW_Q_ABOUT,
        NW_Q_LESS_THAN,
        NW_Q_UP_TO
};

/** @returns "exact", "more_than", ...; never NULL. */
const char *nw_qualifier_name(enum nw_qualifier q);

struct nw_quantity {
        int present;            /* 0: serialized as null */
        double value;
        char currency[4];       /* ISO 4217 for money, "" otherwise */
        enum nw_qualifier qualifier;
        char *text;             /* the words it came from */
};

struct nw_event {
        char *name, *type, *location, *date, *date_text, *theme;
        struct nw_strv organizers;
        struct nw_quantity attendance;
};

struct nw_investment {
        int64_t deal_count;     /* -1: unknown */
        char *deal_unit;
        struct nw_quantity amount;
        struct nw_strv sectors, parties;
        char *status, *location, *sentence;
        /* additive fields (the schema allows extra members in fact items) */
        char *kind;                     /* investment, acquisition, funding_round, ... or NULL */
        char *round;                    /* "Series B" for a funding round, or NULL */
        struct nw_quantity *alt_amounts; /* stated conversions of amount ("about $67.9 billion") */
        size_t n_alt_amounts;
};

struct nw_statistic {
        double value;
        enum nw_qualifier qualifier;
        char *unit, *subject, *location, *text;
};

struct nw_person {
        char *name, *title, *organization;
};

struct nw_dateline {
        char *agency, *location, *date;
};

enum nw_dedupe_status {
        NW_DEDUPE_UNIQUE = 0,
        NW_DEDUPE_NEAR,
        NW_DEDUPE_UNCHECKED
};

struct nw_article {
        char *id;               /* the record id (see nw_pipeline.h for how it is chosen) */
        char *producer_id;      /* the input's own id, if any */
        char *source_name;
        char *url;
        char *canonical_url;
        char *title;
        char *body;
        char *language;         /* ISO 639-1 or NULL */
        char *published_at;     /* RFC 3339 (UTC) or NULL */
        char *extra_json;       /* unknown input fields as a JSON object text, or NULL */
        int body_was_html;

        /* where it came from; has_coords is 0 outside Kafka */
        int has_coords;
        char *topic;
        int32_t partition;
        int64_t offset;

        struct nw_dateline *dateline;   /* NULL when none was found */
        struct nw_strv authors;

        char sha256_hex[65];
        uint64_t simhash;
        struct nw_near_sig near;        /* MinHash of the body, for near duplicates */

        enum nw_dedupe_status dedupe_status;
        char *duplicate_of;
        int has_distance;
        double distance;        /* 1 - similarity */
        double similarity;      /* estimated containment of the smaller text in the larger */

        struct nw_event *events;
        size_t n_events;
        struct nw_investment *investments;
        size_t n_investments;
        struct nw_statistic *statistics;
        size_t n_statistics;
        struct nw_person *people;
        size_t n_people;
        struct nw_strv organizations, locations;
};

/** @brief Zero an article so that nw_article_free() is safe on it. */
void nw_article_init(struct nw_article *a);
/** @brief Mark @p a as a near duplicate of the record @p of with the given similarity (0..1);
 *  the distance is 1 - similarity, both rounded to three decimals. */
void nw_article_mark_near(struct nw_article *a, const char *of, double similarity);

/** @brief Release everything the article owns; it is zeroed and reusable afterwards. */
void nw_article_free(struct nw_article *a);

#endif
