/* nw_pipeline.c -- the per-message core: decode -> normalize -> fingerprint -> id. */
#include "nw_pipeline.h"

#include <stdio.h>
#include <string.h>

#include "nw_extract.h"
#include "nw_fingerprint.h"
#include "nw_near.h"
#include "nw_normalize.h"

/* A producer id is kept when it is a sane key: short, printable, no spaces. */
static int usable_id(const char *id)
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
        return n > 0 && n <= 200;
}

/* "<prefix><first 32 hex digits>": 128 bits are plenty for an id and keep keys short. */
static char *make_id(const char *prefix, const char *hex)
{
        char id[40];

        snprintf(id, sizeof(id), "%s%.32s", prefix, hex);
        return nw_xstrdup(id);
}

enum nw_err nw_pipeline_process(const struct nw_limits *lim, const struct nw_msg *msg,
                                struct nw_article *a, char *errstr, size_t errstr_size)
{
        struct nw_raw raw;
        enum nw_err err;
        char hex[65];

        err = nw_decode(msg->value, msg->len, msg->content_type, lim, &raw, errstr, errstr_size);
        if (err != NW_OK) {
                return err;
        }
        err = nw_normalize(&raw, lim, a, errstr, errstr_size);
        if (err != NW_OK) {
                goto fail;
        }
        nw_fp_content_sha256(a->title, a->body, a->sha256_hex);
        /* the MinHash signature of the body only: syndicated copies change headlines */
        if (a->body[0]) {
                nw_near_fingerprints(a->body, strlen(a->body), &a->simhash, &a->near);
        } else {
                a->simhash = nw_fp_simhash(a->title, strlen(a->title));
                nw_near_signature(a->body, 0, &a->near);
        }
        /* facts last: they read the normalized body and the dateline; an over-long body
         * keeps the record without facts rather than dead-lettering the article */
        (void)nw_extract(a, errstr, errstr_size);
        if (usable_id(raw.id)) {
                a->producer_id = nw_xstrdup(raw.id);
                a->id = nw_xstrdup(raw.id);
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
