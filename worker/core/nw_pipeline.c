/* nw_pipeline.c -- the per-message core: decode -> normalize -> fingerprint -> id. */
#include "nw_pipeline.h"

#include <stdio.h>
#include <string.h>

#include "nw_extract.h"
#include "nw_fingerprint.h"
#include "nw_near.h"
#include "nw_normalize.h"

/* A producer id is kept when it is a sane key: short, printable, no spaces.
 * @returns its length, or 0 when it is not kept. */
static size_t usable_id(const char *id)
{
        size_t n = 0;

        if (!id) {
                return 0;
        }
        for (; id[n]; n++) {
                unsigned char c = (unsigned char)id[n];
                if (c <= ' ' || c == 0x7F) {
                        return 0;
                }
        }
        return n <= 200 ? n : 0;
}

/* "<prefix><first 32 hex digits>": 128 bits are plenty for an id and keep keys short. */
static char *make_id(const char *prefix, const char *hex)
{
        char id[40];

        snprintf(id, sizeof(id), "%s%.32s", prefix, hex);
        return nw_xstrdup(id);
}

/* The fingerprints of @p a, whose title and body are @p title_len and @p body_len long. */
static void fingerprint(struct nw_article *a, size_t title_len, size_t body_len)
{
        nw_fp_content_sha256_n(a->title, title_len, a->body, body_len, a->sha256_hex);
        if (body_len) {
                /* the MinHash signature of the body only: syndicated copies change headlines */
                nw_near_fingerprints(a->body, body_len, &a->simhash, &a->near);
        } else {
                a->simhash = nw_fp_simhash(a->title, title_len);
                nw_near_signature(a->body, 0, &a->near);
        }
}

void nw_pipeline_fingerprint(struct nw_article *a)
{
        fingerprint(a, strlen(a->title), strlen(a->body));
}

enum nw_err nw_pipeline_process(const struct nw_limits *lim, const struct nw_msg *msg,
                                struct nw_article *a, char *errstr, size_t errstr_size)
{
        struct nw_raw raw;
        enum nw_err err;
        size_t id_len, title_len, body_len;
        char hex[65];

        err = nw_decode(msg->value, msg->len, msg->content_type, lim, &raw, errstr, errstr_size);
        if (err != NW_OK) {
                return err;
        }
        /* raw's strings that the article keeps are handed over, and the lengths that
         * normalize knew are passed on rather than measured again */
        err = nw_normalize_take(&raw, lim, a, &title_len, &body_len, errstr, errstr_size);
        if (err != NW_OK) {
                goto fail;
        }
        fingerprint(a, title_len, body_len);
        /* facts last: they read the normalized body and the dateline; an over-long body
         * keeps the record without facts rather than dead-lettering the article */
        (void)nw_extract(a, errstr, errstr_size);
        if ((id_len = usable_id(raw.id)) != 0) {
                /* the raw copy is handed over rather than copied again */
                a->id = nw_xstrndup(raw.id, id_len);
                a->producer_id = raw.id;
                raw.id = NULL;
        } else if (a->canonical_url) {
                /* the same page re-crawled keeps its id */
                nw_fp_sha256_hex(a->canonical_url, strlen(a->canonical_url), hex);
                a->id = make_id("u-", hex);
        } else {
                a->id = make_id("c-", a->sha256_hex);
        }
        if (msg->has_coords) {
                a->has_coords = 1;
                a->topic = nw_xstrdup(msg->topic ? msg->topic : "");
                a->partition = msg->partition;
                a->offset = msg->offset;
        }
        nw_raw_free(&raw);
        return NW_OK;
fail:
        nw_raw_free(&raw);
        nw_article_free(a);
        return err;
}

void nw_claim_keys(const struct nw_article *a, const char *prefix, struct nw_claim_keys *k)
{
        char hex[65];

        snprintf(k->content, sizeof(k->content), "%.8sx:%s", prefix, a->sha256_hex);
        k->url[0] = '\0';
        if (a->canonical_url) {
                nw_fp_sha256_hex(a->canonical_url, strlen(a->canonical_url), hex);
                snprintf(k->url, sizeof(k->url), "%.8su:%s", prefix, hex);
        }
}

enum nw_err nw_claim_value(const struct nw_article *a, struct nw_buf *out)
{
        if (a->has_coords) {
                return nw_buf_printf(out, "%s/%d/%lld %s", a->topic, (int)a->partition,
                                     (long long)a->offset, a->id);
        }
        return nw_buf_printf(out, "-/-/- %s", a->id);
}
