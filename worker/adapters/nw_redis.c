/* nw_redis.c -- hiredis 0.14 (synchronous API, no TLS). A NULL reply or c->err means the
 * context is dead and cannot be reused: it is freed and the next call reconnects. */
#include "nw_redis.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <hiredis/hiredis.h>

#include "nw_buf.h"

/* A part of a batch, one item after the other, atomically (one EVALSHA for the part):
 *  1. exact: read every claim key of the item (content hash, canonical URL); if another
 *     message holds one, the item is an exact duplicate and nothing is written. A key held by
 *     this same message (a redelivery) counts as ours, and keeps its first expiry. Otherwise
 *     set them all with the TTL. A single key (no URL) is read and set in one SET NX GET.
 *  2. near: read which items hold the item's LSH bands and return the first few of them
 *     (skipping itself) with their signatures; then claim the bands that are still free for
 *     this item (the first item of a story keeps its bands, so later copies and
 *     redeliveries are compared with the original) and, if it claimed any, store its
 *     signature: it is only ever read through a band its item holds. The worker compares the
 *     signatures (nw_near_containment(), the offline mode's rule): the comparison writes
 *     nothing, so it need not run inside Redis, whose one thread is the pipeline's narrowest
 *     point, and one C function decides in both modes.
 *     Bands live as fields of time-bucketed hashes (one per ttl/2, read for the TTL and up
 *     to a bucket more, then unlinked) rather than one key each: a handful of commands per
 *     item instead of two per band.
 *  Redis's time per item goes to the band lookups in large hashes (an HMGET of
 *  NW_NEAR_BANDS fields in the newest bucket, then of the bands still free in each older one
 *  that exists) and to Lua and each redis.call, so the items of a part share one script
 *  call, an item makes as few calls as its case needs, and the newest bucket's expiry is set
 *  once per part.
 * KEYS: the band buckets, newest first (new bands go to the newest), then the retired bucket
 *       to unlink. Declared, so that Redis checks them against the user's ACL before the
 *       script runs (NOPERM).
 * ARGV: ttl, signature key prefix (candidates' signature keys are built from it), how many
 *       distinct candidates to return, the newest bucket's lifetime in seconds; then per
 *       item: the number of claim keys, the
 *       keys, the claim value, the id, the signature bytes ("" for none) and, with a
 *       signature, its key, the mask of the bands each older bucket may hold (see
 *       near_filters) and the band fields ("<band>:<value>", NW_NEAR_BANDS of them).
 * Returns one reply per item: {0, holder} | {1|2, value[, candidate id, its signature]...}. */
#define NW_STR_(x) #x
#define NW_STR(x) NW_STR_(x)

static const char claim_script[] =
        /* globals are table lookups in Lua: the ones used per band are made locals once */
        "local call, unpack, byte, A, K = redis.call, unpack, string.byte, ARGV, KEYS\n"
        "local ttl, sp, ncand, bttl = A[1], A[2], tonumber(A[3]), A[4]\n"
        "local newest = K[1]\n"
        "local nbands = " NW_STR(NW_NEAR_BANDS) "\n"
        /* the older buckets that exist, looked up once per part and only when an item of it
         * looks for near duplicates: for the first ttl/2 of a deployment there are none, and
         * an HMGET of a missing key still costs its fields.
         * pcall: a Redis ACL written before EXISTS was needed refuses it, and then every
         * bucket is read as before (an error is a table, not 0) */
        "local older, olderat, nolder = nil, {}, 0\n"
        "local function find_older()\n"
        "  older = {}\n"
        "  for bk = 2, #K - 1 do\n"
        "    if redis.pcall('EXISTS', K[bk]) ~= 0 then\n"
        "      nolder = nolder + 1; older[nolder] = K[bk]; olderat[nolder] = (bk - 2) * nbands\n"
        "    end\n"
        "  end\n"
        "end\n"
        /* the bucket no worker reads any more: UNLINK frees it on a background thread, where
         * its expiry (lazyfree-lazy-expire off, Redis's default) would stall every client
         * for seconds while millions of fields are freed. pcall: an ACL without UNLINK
         * leaves it to expire */
        "redis.pcall('UNLINK', K[#K])\n"
        /* mask: per older bucket, a byte per band, '0' when the worker's filter of that
         * bucket says it does not hold the band ("" when it has no filter) */
        "local function near(id, sig, sigkey, mask, f)\n"
        "  local a, b, c, d = byte(sig, 1, 4)\n"
        "  local na = a + b * 256 + c * 65536 + d * 16777216\n"
        "  local last = f + nbands - 1\n"
        /* a band's holder: the newest bucket's, else an older one's (false: free); an older
         * bucket is asked only for the bands still free, as each lookup in a large hash is
         * a cache miss or two */
        "  local holder = call('HMGET', newest, unpack(A, f, last))\n"
        "  if not older then find_older() end\n"
        "  for o = 1, nolder do\n"
        "    local want, at, nw, nfree, base = {}, {}, 0, 0, olderat[o]\n"
        "    for k = 1, nbands do\n"
        "      if not holder[k] then\n"
        "        nfree = nfree + 1\n"
        "        if mask == '' or byte(mask, base + k) ~= 48 then\n"
        "          nw = nw + 1; want[nw] = A[f + k - 1]; at[nw] = k\n"
        "        end\n"
        "      end\n"
        "    end\n"
        /* no band free: no older bucket can add a holder; none asked of this one (its
         * filter ruled them out): the next one may still hold them */
        "    if nfree == 0 then break end\n"
        "    if nw > 0 then\n"
        "      local vals = call('HMGET', older[o], unpack(want, 1, nw))\n"
        "      for j = 1, nw do\n"
        "        if vals[j] then holder[at[j]] = vals[j] end\n"
        "      end\n"
        "    end\n"
        "  end\n"
        /* one pass: the first distinct other holders, and the free bands to claim */
        "  local ids, cands, seen, nc, args, nf = {}, {}, {}, 0, {}, 0\n"
        "  for k = 1, nbands do\n"
        "    local h = holder[k]\n"
        "    if h then\n"
        "      if h ~= id and not seen[h] and nc < ncand then\n"
        "        seen[h] = true\n"
        "        nc = nc + 1\n"
        "        ids[nc] = h\n"
        "        cands[nc] = sp .. h\n"
        "      end\n"
        "    else\n"
        "      args[nf + 1] = A[f + k - 1]\n"
        "      args[nf + 2] = id\n"
        "      nf = nf + 2\n"
        "    end\n"
        "  end\n"
        "  local found = {}\n"
        "  if nc > 0 then\n"
        "    local sigs = call('MGET', unpack(cands))\n"
        "    for k = 1, nc do\n"
        "      if sigs[k] and #sigs[k] == #sig then\n"
        "        found[#found + 1] = ids[k]\n"
        "        found[#found + 1] = sigs[k]\n"
        "      end\n"
        "    end\n"
        "  end\n"
        /* the signature is only read through a band, so it is kept only with one */
        "  if na > 0 and nf > 0 then\n"
        "    call('SET', sigkey, sig, 'EX', ttl)\n"
        "    call('HSET', newest, unpack(args, 1, nf))\n"
        "    return found, true\n"
        "  end\n"
        "  return found, false\n"
        "end\n"
        "local out, touched, no = {}, false, 0\n"
        "local p, n = 5, #A\n"
        "while p <= n do\n"
        "  local nex = tonumber(A[p])\n"
        "  local v, id, sig = A[p + nex + 1], A[p + nex + 2], A[p + nex + 3]\n"
        "  local own, holder = 0, nil\n"
        /* one key: claimed, or its holder read, in one call */
        "  if nex == 1 then\n"
        "    local cur = call('SET', A[p + 1], v, 'NX', 'EX', ttl, 'GET')\n"
        "    if cur then\n"
        "      if cur ~= v then holder = cur else own = 1 end\n"
        "    end\n"
        "  else\n"
        "    local cur = call('MGET', unpack(A, p + 1, p + nex))\n"
        "    for i = 1, nex do\n"
        "      if cur[i] then\n"
        "        if cur[i] ~= v then holder = cur[i]; break end\n"
        "        own = own + 1\n"
        "      end\n"
        "    end\n"
        "    if not holder and own < nex then\n"
        "      for i = 1, nex do call('SET', A[p + i], v, 'EX', ttl) end\n"
        "    end\n"
        "  end\n"
        "  local nextp = p + nex + 4\n"
        "  if sig ~= '' then nextp = nextp + 2 + nbands end\n"
        "  no = no + 1\n"
        "  if holder then\n"
        "    out[no] = {0, holder}\n"
        "  else\n"
        "    local res = 1\n"
        "    if own == nex then res = 2 end\n"
        "    local r = {res, v}\n"
        "    if sig ~= '' then\n"
        "      local found, put = near(id, sig, A[p + nex + 4], A[p + nex + 5], p + nex + 6)\n"
        "      touched = touched or put\n"
        "      for k = 1, #found do r[k + 2] = found[k] end\n"
        "    end\n"
        "    out[no] = r\n"
        "  end\n"
        "  p = nextp\n"
        "end\n"
        "if touched then call('EXPIRE', newest, bttl) end\n"
        "return out\n";

struct nw_redis {
        redisContext *c;
        char *host;             /* or the socket path */
        int port;
        int unix_socket;
        char *user, *password;
        int db;
        long timeout_ms;
        char sha[41];
        uint64_t round_trips;
        /* claims sent and not yet read (nw_redis_claim_send/recv); failed: a send of this
         * round broke the connection, so its replies are gone and the round must fail */
        size_t pending;
        size_t *parts;          /* items per EVALSHA sent this round, in order */
        size_t n_parts, cap_parts;
        long near_thr;          /* near-duplicate threshold of this round, in thousandths */
        struct nw_buf cmd;      /* the claim command in RESP, reused from part to part */
        int failed;
        char failure[512];
        struct near_filters *nf;        /* NULL until started (nw_redis_near_filters_start(),
                                         * or the first claim with a signature) */
        size_t filter_max_bytes;        /* 0: no filters */
};

static void near_filters_stop(struct near_filters *nf);

void nw_redis_destroy(struct nw_redis *r)
{
        if (!r) {
                return;
        }
        near_filters_stop(r->nf);
        redisFree(r->c);
        free(r->host);
        free(r->user);
        if (r->password) {
                /* do not leave the secret in freed memory */
                memset(r->password, 0, strlen(r->password));
        }
        free(r->password);
        free(r->parts);
        nw_buf_free(&r->cmd);
        free(r);
}

static int parse_db(const char *s, int *db)
{
        char *end = NULL;
        long v;

        errno = 0;
        v = strtol(s, &end, 10);
        if (errno || end == s || (*end && *end != '?') || v < 0 || v > 1000000) {
                return -1;
        }
        *db = (int)v;
        return 0;
}

struct nw_redis *nw_redis_new(const char *url, const char *password, long timeout_ms,
                              char *errstr, size_t errstr_size)
{
        struct nw_redis *r = nw_xcalloc(1, sizeof(*r));
        nw_buf_init(&r->cmd, 0);

        r->timeout_ms = timeout_ms;
        r->port = 6379;
        if (strncmp(url, "unix://", 7) == 0) {
                const char *path = url + 7, *q = strchr(path, '?');
                r->unix_socket = 1;
                r->host = q ? nw_xstrndup(path, (size_t)(q - path)) : nw_xstrdup(path);
                if (q && strncmp(q, "?db=", 4) == 0 && parse_db(q + 4, &r->db) != 0) {
                        snprintf(errstr, errstr_size, "%s", "redis.url: bad db number");
                        goto fail;
                }
        } else if (strncmp(url, "redis://", 8) == 0) {
                const char *p = url + 8, *at = strrchr(p, '@'), *hp, *slash, *colon;
                if (at) {
                        const char *c = memchr(p, ':', (size_t)(at - p));
                        if (c) {
                                if (c > p) {
                                        r->user = nw_xstrndup(p, (size_t)(c - p));
                                }
                                r->password = nw_xstrndup(c + 1, (size_t)(at - c - 1));
                        } else if (at > p) {
                                r->user = nw_xstrndup(p, (size_t)(at - p));
                        }
                        hp = at + 1;
                } else {
                        hp = p;
                }
                slash = strchr(hp, '/');
                colon = memchr(hp, ':', slash ? (size_t)(slash - hp) : strlen(hp));
                if (colon) {
                        char *end = NULL;
                        long port = strtol(colon + 1, &end, 10);
                        if (end == colon + 1 || (*end && *end != '/') || port < 1 || port > 65535) {
                                snprintf(errstr, errstr_size, "%s", "redis.url: bad port");
                                goto fail;
                        }
                        r->port = (int)port;
                        r->host = nw_xstrndup(hp, (size_t)(colon - hp));
                } else {
                        r->host = slash ? nw_xstrndup(hp, (size_t)(slash - hp)) : nw_xstrdup(hp);
                }
                if (slash && slash[1] && parse_db(slash + 1, &r->db) != 0) {
                        snprintf(errstr, errstr_size, "%s", "redis.url: bad db number");
                        goto fail;
                }
        } else {
                snprintf(errstr, errstr_size, "%s", "redis.url must start with redis:// or unix://");
                goto fail;
        }
        if (!*r->host) {
                snprintf(errstr, errstr_size, "%s", "redis.url has no host");
                goto fail;
        }
        if (password && *password) {
                free(r->password);
                r->password = nw_xstrdup(password);
        }
        return r;
fail:
        nw_redis_destroy(r);
        return NULL;
}

static void drop(struct nw_redis *r)
{
        redisFree(r->c);
        r->c = NULL;
        r->pending = 0;
        r->n_parts = 0;
}

int nw_redis_connected(const struct nw_redis *r)
{
        return r->c != NULL;
}

uint64_t nw_redis_round_trips(const struct nw_redis *r)
{
        return r->round_trips;
}

/* Run one command; a REDIS_REPLY_ERROR means Redis refused it (config-class), a NULL reply
 * that the connection broke (transient). */
static enum nw_err command(struct nw_redis *r, int argc, const char **argv, redisReply **out,
                           const char *what, char *errstr, size_t errstr_size)
{
        redisReply *reply = redisCommandArgv(r->c, argc, argv, NULL);

        if (!reply) {
                snprintf(errstr, errstr_size, "redis %s: %s", what,
                         r->c->errstr[0] ? r->c->errstr : "connection lost");
                drop(r);
                return NW_ERR_REDIS;
        }
        if (reply->type == REDIS_REPLY_ERROR) {
                /* LOADING (a restart reading its data) passes by itself: retry later */
                int transient = strncmp(reply->str, "LOADING", 7) == 0;
                snprintf(errstr, errstr_size, "redis %s refused: %.*s", what, (int)reply->len,
                         reply->str);
                freeReplyObject(reply);
                drop(r);
                return transient ? NW_ERR_REDIS : NW_ERR_CONFIG;
        }
        if (out) {
                *out = reply;
        } else {
                freeReplyObject(reply);
        }
        return NW_OK;
}

enum nw_err nw_redis_connect(struct nw_redis *r, char *errstr, size_t errstr_size)
{
        struct timeval tv = {r->timeout_ms / 1000, (r->timeout_ms % 1000) * 1000};
        enum nw_err err;
        redisReply *reply = NULL;
        char dbs[16];

        if (r->c) {
                return NW_OK;
        }
        r->c = r->unix_socket ? redisConnectUnixWithTimeout(r->host, tv)
                              : redisConnectWithTimeout(r->host, r->port, tv);
        if (!r->c || r->c->err) {
                snprintf(errstr, errstr_size, "redis connect to %s%s%d: %s", r->host,
                         r->unix_socket ? "" : ":", r->unix_socket ? 0 : r->port,
                         r->c ? r->c->errstr : "out of memory");
                drop(r);
                return NW_ERR_REDIS;
        }
        redisSetTimeout(r->c, tv);
        if (r->password) {
                const char *argv[3] = {"AUTH", r->user ? r->user : r->password, r->password};
                err = command(r, r->user ? 3 : 2, argv, NULL, "AUTH", errstr, errstr_size);
                if (err != NW_OK) {
                        return err;
                }
        }
        if (r->db) {
                const char *argv[2] = {"SELECT", dbs};
                snprintf(dbs, sizeof(dbs), "%d", r->db);
                err = command(r, 2, argv, NULL, "SELECT", errstr, errstr_size);
                if (err != NW_OK) {
                        return err;
                }
        }
        {
                const char *argv[3] = {"SCRIPT", "LOAD", claim_script};
                err = command(r, 3, argv, &reply, "SCRIPT LOAD", errstr, errstr_size);
                if (err != NW_OK) {
                        return err;
                }
                if (reply->type != REDIS_REPLY_STRING || reply->len != 40) {
                        snprintf(errstr, errstr_size, "%s", "redis SCRIPT LOAD: unexpected reply");
                        freeReplyObject(reply);
                        drop(r);
                        return NW_ERR_REDIS;
                }
                memcpy(r->sha, reply->str, 40);
                r->sha[40] = '\0';
                freeReplyObject(reply);
        }
        return NW_OK;
}

enum nw_err nw_redis_ping(struct nw_redis *r, char *errstr, size_t errstr_size)
{
        const char *argv[1] = {"PING"};
        enum nw_err err = nw_redis_connect(r, errstr, errstr_size);

        if (err != NW_OK) {
                return err;
        }
        err = command(r, 1, argv, NULL, "PING", errstr, errstr_size);
        return err == NW_ERR_CONFIG ? NW_ERR_REDIS : err;
}

/* A send of the current round failed: remember why, so that the rest of the round (later
 * sends, the receive) fails with the same reason instead of reconnecting mid-round. */
static enum nw_err send_failed(struct nw_redis *r, const char *why, char *errstr,
                               size_t errstr_size)
{
        snprintf(r->failure, sizeof(r->failure), "%s", why);
        snprintf(errstr, errstr_size, "%s", why);
        r->failed = 1;
        drop(r);
        return NW_ERR_REDIS;
}

/* One item's claim reply, {result, value[, candidate id, signature]...}, into @p out: the
 * candidates are compared with the item's own signature, and the best containment that
 * reaches the threshold (thousandths) makes it a near duplicate; on a tie the first
 * candidate, in band order, stays (as in the offline index).
 * @returns 0, or -1 when the reply does not have that shape. */
static int item_reply(const redisReply *reply, const struct nw_claim *c, long thr,
                      struct nw_claim_reply *out)
{
        double best = 0;
        const redisReply *best_id = NULL;

        memset(out, 0, sizeof(*out));
        if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 2 || reply->elements % 2 ||
            reply->element[0]->type != REDIS_REPLY_INTEGER ||
            reply->element[1]->type != REDIS_REPLY_STRING) {
                return -1;
        }
        out->result = (enum nw_claim_result)reply->element[0]->integer;
        snprintf(out->holder, sizeof(out->holder), "%.*s", (int)reply->element[1]->len,
                 reply->element[1]->str);
        for (size_t k = 2; k + 1 < reply->elements; k += 2) {
                const redisReply *id = reply->element[k], *sig = reply->element[k + 1];
                struct nw_near_sig theirs;
                double v;
                if (id->type != REDIS_REPLY_STRING || sig->type != REDIS_REPLY_STRING || !c->near) {
                        return -1;
                }
                if (nw_near_sig_parse((const unsigned char *)sig->str, sig->len, &theirs) != 0) {
                        continue;       /* not a signature of this version: no comparison */
                }
                v = nw_near_containment(c->near, &theirs);
                if (v > best) {
                        best = v;
                        best_id = id;
                }
        }
        if (best_id && best * 1000 >= (double)thr) {
                snprintf(out->near_of, sizeof(out->near_of), "%.*s", (int)best_id->len,
                         best_id->str);
                out->similarity = floor(best * 1000 + 0.5) / 1000.0;
        }
        return 0;
}

/* Per item at most: the number of keys, 2 claim keys, value, id, signature, its key and
 * the band fields; and the text those need. */
enum { ITEM_ARGS = 8 + NW_NEAR_BANDS, MAXBUCKETS = 12, HEAD_ARGS = 3 + 8 + MAXBUCKETS + 1 };

struct item_text {
        char nkeys[4];
        char sigkey[300];
        unsigned char sig[NW_NEAR_SIG_BYTES];
        char fields[NW_NEAR_BANDS][24];
        char mask[(MAXBUCKETS - 1) * NW_NEAR_BANDS + 1];
};

/* A band's field name, "<band>:<value as eight lower-case hex digits>" (what "%d:%08x" would
 * print, 32 times per item, without the cost of snprintf). @returns its length. */
_Static_assert(NW_NEAR_BANDS <= 100, "band numbers have at most two digits");
static size_t band_field(char *out, int band, uint32_t v)
{
        static const char hex[] = "0123456789abcdef";
        size_t k = 0;

        if (band >= 10) {
                out[k++] = (char)('0' + band / 10);
        }
        out[k++] = (char)('0' + band % 10);
        out[k++] = ':';
        for (int shift = 28; shift >= 0; shift -= 4) {
                out[k++] = hex[(v >> shift) & 15u];
        }
        out[k] = '\0';
        return k;
}

/* "<c><n>\r\n" (a RESP header) at @p out. @returns its length (at most 24). */
static size_t resp_header(char *out, char c, size_t n)
{
        char digits[20];
        size_t k = 0, d = 0;

        out[k++] = c;
        do {
                digits[d++] = (char)('0' + n % 10);
                n /= 10;
        } while (n);
        while (d) {
                out[k++] = digits[--d];
        }
        out[k++] = '\r';
        out[k++] = '\n';
        return k;
}

/* The command in RESP, as redisAppendCommandArgv() would make it: that grows an sds with an
 * sdscatfmt() per argument, 2.5% of the worker's CPU end to end (perf) for a part's few
 * hundred arguments. @returns NW_OK or NW_ERR_TOO_BIG (never: the buffer has no cap). */
static enum nw_err resp_command(struct nw_buf *b, size_t argc, const char **argv,
                                const size_t *argvlen)
{
        size_t need = 24;
        char *o;

        for (size_t a = 0; a < argc; a++) {
                need += 24 + argvlen[a] + 2;
        }
        nw_buf_reset(b);
        if (nw_buf_reserve(b, need) != NW_OK) {
                return NW_ERR_TOO_BIG;
        }
        o = b->data;
        o += resp_header(o, '*', argc);
        for (size_t a = 0; a < argc; a++) {
                o += resp_header(o, '$', argvlen[a]);
                memcpy(o, argv[a], argvlen[a]);
                o += argvlen[a];
                *o++ = '\r';
                *o++ = '\n';
        }
        b->len = (size_t)(o - b->data);
        b->data[b->len] = '\0';
        return NW_OK;
}

/* ---------------------------------------------------------------- band buckets */

/* Where the band buckets are at time @p now for a TTL of @p ttl_s. */
struct geometry {
        long long width;        /* seconds per bucket */
        int nbuckets;           /* read per item, the newest first */
        long long grace;        /* how far behind a replica's clock may run */
        long long now_bucket;
        long long retired;      /* the bucket just past the last one read: unlinked */
        long long bucket_ttl;   /* the newest bucket's lifetime from now */
};

static void bucket_geometry(long ttl_s, long long now, struct geometry *g)
{
        /* half the TTL wide, rounded up (at least a minute), so up to three HMGETs per item
         * (rounded down, an odd TTL needed a fourth); an item's bands are found for at least
         * the TTL and at most half as long again. Eighths held that closer to the TTL but
         * cost nine HMGETs, most of Redis's time per item. */
        g->width = (ttl_s + 1) / 2 > 60 ? (ttl_s + 1) / 2 : 60;
        g->nbuckets = (int)((ttl_s + g->width - 1) / g->width) + 1;
        if (g->nbuckets > MAXBUCKETS) {
                g->nbuckets = MAXBUCKETS;
        }
        g->now_bucket = now / g->width;
        /* The grace spares the oldest bucket of a replica whose clock runs a little behind. A
         * bucket expires one period after the last one it is read in, whenever it was
         * written, so the unlink always comes first and the expiry only frees what no worker
         * was there to unlink. */
        g->grace = g->width / 4 < 60 ? g->width / 4 : 60;
        g->retired = (now - g->grace) / g->width - g->nbuckets;
        g->bucket_ttl = (g->now_bucket + g->nbuckets + 1) * g->width - now;
}

/* ---------------------------------------------------------------- older-bucket filters */

/* A bucket that is no longer the newest takes no more bands once every replica's clock has
 * left it (the grace), so a Bloom filter of its fields, read once with HSCAN, tells the
 * worker which of an item's bands it cannot hold, and the claim script skips those lookups:
 * for a story unlike any before, the HMGETs of the older buckets were a third of Redis's
 * work. A thread with its own connection builds the filters, so the claims never wait for
 * a scan; until a bucket's filter is ready, all its bands are looked up as before. */
enum { MAX_FILTERS = 4 };
#define NW_SCAN_COUNT 2000      /* fields per HSCAN: a millisecond or two of Redis's time */

struct bucket_filter {
        long long bucket;
        int usable;                     /* 0: too large or unreadable: look everything up */
        int copied;                     /* from another replica, through Redis */
        struct nw_near_filter f;
};

struct near_filters {
        pthread_mutex_t mu;
        pthread_cond_t cv;
        pthread_t thread;
        int stop;
        int idle;                       /* the last look found nothing to build */
        int refused;                    /* Redis refused HLEN or HSCAN (ACL): no filters */
        long ttl;
        char prefix[16];
        size_t max_bytes;
        struct nw_redis *conn;          /* the thread's own connection */
        struct bucket_filter have[MAX_FILTERS];
        int n;
        long long failed_bucket;        /* the last bucket that could not be had, */
        long long retry_at;             /* and when to try it again */
        size_t bytes;                   /* of the usable filters */
        uint64_t skipped;               /* bands ruled out of an older bucket */
};

static struct bucket_filter *filter_of(struct near_filters *nf, long long bucket)
{
        for (int i = 0; i < nf->n; i++) {
                if (nf->have[i].bucket == bucket) {
                        return &nf->have[i];
                }
        }
        return NULL;
}

/* "<band>:<8 hex digits>" into its band and key. @returns 0, or -1 for any other field. */
static int parse_band_field(const char *s, size_t len, int *band, uint32_t *key)
{
        size_t i = 0;
        int b = 0;
        uint32_t v = 0;

        while (i < len && i < 2 && s[i] >= '0' && s[i] <= '9') {
                b = b * 10 + (s[i++] - '0');
        }
        if (i == 0 || i >= len || s[i++] != ':' || len - i != 8 || b >= NW_NEAR_BANDS) {
                return -1;
        }
        for (; i < len; i++) {
                char c = s[i];
                unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
                           : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) : 16u;
                if (d > 15) {
                        return -1;
                }
                v = v << 4 | d;
        }
        *band = b;
        *key = v;
        return 0;
}

/* A filter as a Redis string, so that one replica reads a bucket and the others copy its
 * filter: "NWF1", the size in bits (8 bytes), then the words, all little endian. Reading a
 * bucket of millions of bands costs Redis about a microsecond a band (HSCAN sends the values
 * too), which a replica's start would otherwise pay again for every bucket. */
#define FILTER_MAGIC "NWF1"

static void put_le64(unsigned char *p, uint64_t v)
{
        for (int i = 0; i < 8; i++) {
                p[i] = (unsigned char)(v >> (8 * i));
        }
}

static uint64_t get_le64(const unsigned char *p)
{
        uint64_t v = 0;

        for (int i = 7; i >= 0; i--) {
                v = v << 8 | p[i];
        }
        return v;
}

/* The shared filter at @p fkey into @p out, if it is there, whole and within @p max_bytes.
 * @returns 1 when loaded, 0 when not there (or not usable), -1 on a Redis error. */
static int load_shared(struct nw_redis *c, const char *fkey, size_t max_bytes,
                       struct bucket_filter *out, enum nw_err *err, char *errstr,
                       size_t errstr_size)
{
        const char *argv[2] = {"GET", fkey};
        redisReply *reply = NULL;
        uint64_t bits;
        size_t words;

        *err = command(c, 2, argv, &reply, "GET", errstr, errstr_size);
        if (*err != NW_OK) {
                return -1;
        }
        if (reply->type != REDIS_REPLY_STRING || reply->len < 12 ||
            memcmp(reply->str, FILTER_MAGIC, 4) != 0) {
                freeReplyObject(reply);
                return 0;
        }
        bits = get_le64((const unsigned char *)reply->str + 4);
        words = (size_t)(bits / 64);
        if (bits < 512 || (bits & (bits - 1)) || bits / 8 > max_bytes ||
            reply->len != 12 + words * 8) {
                freeReplyObject(reply);
                return 0;
        }
        out->f.w = nw_xcalloc(words, sizeof(uint64_t));
        out->f.mask = bits - 1;
        for (size_t i = 0; i < words; i++) {
                out->f.w[i] = get_le64((const unsigned char *)reply->str + 12 + 8 * i);
        }
        freeReplyObject(reply);
        out->usable = 1;
        out->copied = 1;
        return 1;
}

/* Store the filter @p f at @p fkey for @p ttl_s seconds. @returns 1 when stored. */
static int store_shared(struct nw_redis *c, const char *fkey, const struct nw_near_filter *f,
                        long long ttl_s)
{
        size_t words = (size_t)((f->mask + 1) / 64), len = 12 + words * 8;
        unsigned char *blob = nw_xmalloc(len);
        char ttl[24];
        const char *argv[5] = {"SET", fkey, (const char *)blob, "EX", ttl};
        int stored;
        size_t argvlen[5];
        redisReply *reply;

        memcpy(blob, FILTER_MAGIC, 4);
        put_le64(blob + 4, f->mask + 1);
        for (size_t i = 0; i < words; i++) {
                put_le64(blob + 12 + 8 * i, f->w[i]);
        }
        snprintf(ttl, sizeof(ttl), "%lld", ttl_s > 1 ? ttl_s : 1);
        for (int i = 0; i < 5; i++) {
                argvlen[i] = strlen(argv[i]);
        }
        argvlen[2] = len;
        reply = redisCommandArgv(c->c, 5, argv, argvlen);
        free(blob);
        if (!reply) {
                drop(c);
                return 0;
        }
        stored = reply->type == REDIS_REPLY_STATUS;
        freeReplyObject(reply);
        return stored;
}

/* Give up the lock on a bucket at once (it would otherwise hold the other replicas off for
 * its ten minutes), on a new connection if the last command broke this one. */
static void release_lock(struct nw_redis *c, const char *lkey)
{
        const char *argv[5] = {"SET", lkey, "0", "EX", "1"};
        char errstr[256];

        if (nw_redis_connect(c, errstr, sizeof(errstr)) == NW_OK) {
                (void)command(c, 5, argv, NULL, "SET", errstr, sizeof(errstr));
        }
}

/* Build the filter of @p key, a bucket of @p n bands, into @p out by HSCAN to the end.
 * @returns NW_OK (out usable, or not when stopped or when the bucket holds a field that is
 * no band), or an error. */
static enum nw_err build_filter(struct near_filters *nf, const char *key, long long n,
                               struct bucket_filter *out, char *errstr, size_t errstr_size)
{
        struct nw_redis *c = nf->conn;
        redisReply *reply = NULL;
        char cursor[32] = "0";
        enum nw_err err;
        int done = 0;

        out->usable = 0;
        nw_near_filter_init(&out->f, (size_t)n);
        do {
                const char *argv[5] = {"HSCAN", key, cursor, "COUNT", NW_STR(NW_SCAN_COUNT)};
                int stop;
                pthread_mutex_lock(&nf->mu);
                stop = nf->stop;
                pthread_mutex_unlock(&nf->mu);
                if (stop) {
                        break;
                }
                err = command(c, 5, argv, &reply, "HSCAN", errstr, errstr_size);
                if (err != NW_OK) {
                        nw_near_filter_free(&out->f);
                        return err;
                }
                if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 ||
                    reply->element[0]->type != REDIS_REPLY_STRING ||
                    reply->element[0]->len >= sizeof(cursor) ||
                    reply->element[1]->type != REDIS_REPLY_ARRAY) {
                        freeReplyObject(reply);
                        nw_near_filter_free(&out->f);
                        return NW_OK;   /* not a bucket of ours: no filter */
                }
                memcpy(cursor, reply->element[0]->str, reply->element[0]->len);
                cursor[reply->element[0]->len] = '\0';
                /* complete only when Redis says so, not when stopped before the first call */
                done = strcmp(cursor, "0") == 0;
                for (size_t i = 0; i + 1 < reply->element[1]->elements; i += 2) {
                        const redisReply *f = reply->element[1]->element[i];
                        int band;
                        uint32_t k;
                        if (f->type != REDIS_REPLY_STRING ||
                            parse_band_field(f->str, f->len, &band, &k) != 0) {
                                /* a field the filter cannot stand for: no filter */
                                freeReplyObject(reply);
                                nw_near_filter_free(&out->f);
                                return NW_OK;
                        }
                        nw_near_filter_add(&out->f, band, k);
                }
                freeReplyObject(reply);
        } while (!done);
        if (!done) {
                nw_near_filter_free(&out->f);   /* stopped */
                return NW_OK;
        }
        out->usable = 1;
        return NW_OK;
}

/* The filter of bucket @p b: copied from Redis when another replica stored it, else read
 * from the bucket by this one (under a lock key, so that one replica does it) and stored.
 * @returns 0 with @p out set; 1 when another replica is reading it (ask again shortly); -1
 * with the error in @p err. */
static int obtain_filter(struct near_filters *nf, const struct geometry *g, long long b,
                         size_t budget, struct bucket_filter *out, enum nw_err *err,
                         char *errstr, size_t errstr_size)
{
        struct nw_redis *c = nf->conn;
        char key[64], fkey[64], lkey[64];
        redisReply *reply = NULL;
        long long n;
        int got;

        snprintf(key, sizeof(key), "%.8sbb:%lld", nf->prefix, b);
        snprintf(fkey, sizeof(fkey), "%.8snf:%lld", nf->prefix, b);
        snprintf(lkey, sizeof(lkey), "%.8snfl:%lld", nf->prefix, b);
        *err = nw_redis_connect(c, errstr, errstr_size);
        if (*err != NW_OK) {
                return -1;
        }
        {
                const char *argv[2] = {"HLEN", key};
                *err = command(c, 2, argv, &reply, "HLEN", errstr, errstr_size);
                if (*err != NW_OK) {
                        return -1;
                }
                n = reply->type == REDIS_REPLY_INTEGER ? reply->integer : -1;
                freeReplyObject(reply);
        }
        out->usable = 0;
        if (n < 0 || nw_near_filter_bytes((size_t)n) > budget) {
                return 0;       /* no room: that bucket is looked up as before */
        }
        got = load_shared(c, fkey, budget, out, err, errstr, errstr_size);
        if (got != 0) {
                return got > 0 ? 0 : -1;
        }
        {
                /* ten minutes: long enough for any bucket, short enough if its reader dies */
                const char *argv[6] = {"SET", lkey, "1", "NX", "EX", "600"};
                *err = command(c, 6, argv, &reply, "SET", errstr, errstr_size);
                if (*err != NW_OK) {
                        return -1;
                }
                got = reply->type == REDIS_REPLY_STATUS;
                freeReplyObject(reply);
                if (!got) {
                        return 1;
                }
        }
        *err = build_filter(nf, key, n, out, errstr, errstr_size);
        /* kept as long as the bucket is read; when not stored, the lock goes at once so that
         * another replica reads the bucket */
        if (!(*err == NW_OK && out->usable &&
              store_shared(c, fkey, &out->f, (b + g->nbuckets + 1) * g->width - time(NULL)))) {
                release_lock(c, lkey);
        }
        return *err == NW_OK ? 0 : -1;
}

/* @p ms from now, as pthread_cond_timedwait() wants it. */
static struct timespec deadline_in(long ms)
{
        struct timespec t;

        clock_gettime(CLOCK_REALTIME, &t);
        t.tv_sec += ms / 1000;
        t.tv_nsec += (ms % 1000) * 1000000L;
        if (t.tv_nsec >= 1000000000L) {
                t.tv_sec++;
                t.tv_nsec -= 1000000000L;
        }
        return t;
}

/* Wait up to @p ms for a signal (a stop, a waiter), with nf->mu held. */
static void nap(struct near_filters *nf, long ms)
{
        struct timespec until = deadline_in(ms);

        if (!nf->stop) {
                pthread_cond_timedwait(&nf->cv, &nf->mu, &until);
        }
}

static void *filter_thread(void *arg)
{
        struct near_filters *nf = arg;

        pthread_mutex_lock(&nf->mu);
        while (!nf->stop) {
                struct geometry g;
                struct nw_near_filter drop[MAX_FILTERS];
                struct bucket_filter built = {0};
                long long now = (long long)time(NULL), target = -1;
                int ndrop = 0;
                char errstr[256];
                size_t budget;

                bucket_geometry(nf->ttl, now, &g);
                /* the filters of buckets no longer read go */
                for (int i = 0; i < nf->n;) {
                        if (nf->have[i].bucket < g.now_bucket - (g.nbuckets - 1)) {
                                if (nf->have[i].usable) {
                                        nf->bytes -= (nf->have[i].f.mask + 1) / 8;
                                        drop[ndrop++] = nf->have[i].f;
                                }
                                nf->have[i] = nf->have[--nf->n];
                        } else {
                                i++;
                        }
                }
                /* the newest older bucket every replica has left, without a filter yet */
                for (long long b = g.now_bucket - 1; b > g.now_bucket - g.nbuckets; b--) {
                        /* twice the grace: claims sent just inside it may still be queued */
                        if (now >= (b + 1) * g.width + 2 * g.grace && !filter_of(nf, b) &&
                            nf->n < MAX_FILTERS && !nf->refused &&
                            !(b == nf->failed_bucket && now < nf->retry_at)) {
                                target = b;
                                break;
                        }
                }
                budget = nf->max_bytes > nf->bytes ? nf->max_bytes - nf->bytes : 0;
                nf->idle = target < 0;
                if (nf->idle) {
                        pthread_cond_broadcast(&nf->cv);        /* nw_redis_near_filters_wait() */
                }
                pthread_mutex_unlock(&nf->mu);
                for (int i = 0; i < ndrop; i++) {
                        nw_near_filter_free(&drop[i]);
                }
                if (target >= 0) {
                        enum nw_err err = NW_OK;
                        int got;
                        built.bucket = target;
                        got = obtain_filter(nf, &g, target, budget, &built, &err, errstr,
                                            sizeof(errstr));
                        if (got != 0) {
                                /* another replica reading it: again in two seconds;
                                 * unreachable: in a minute; refused (an ACL without HLEN or
                                 * HSCAN): never, the claims look everything up */
                                pthread_mutex_lock(&nf->mu);
                                nf->failed_bucket = target;
                                nf->retry_at = now + (got > 0 ? 2 : 60);
                                nf->refused |= got < 0 && err == NW_ERR_CONFIG &&
                                               strstr(errstr, "NOPERM") != NULL;
                                if (got < 0) {
                                        /* a waiter goes on without this filter */
                                        nf->idle = 1;
                                        pthread_cond_broadcast(&nf->cv);
                                }
                                nap(nf, 1000);
                                continue;
                        }
                }
                pthread_mutex_lock(&nf->mu);
                if (target >= 0 && !nf->stop) {
                        nf->have[nf->n++] = built;
                        if (built.usable) {
                                nf->bytes += (built.f.mask + 1) / 8;
                        }
                        continue;       /* the next bucket, if any, at once */
                }
                if (target >= 0) {
                        nw_near_filter_free(&built.f);
                }
                nap(nf, 1000);
        }
        pthread_mutex_unlock(&nf->mu);
        return NULL;
}

/* The filters for @p prefix and @p ttl_s, started on first use. NULL when there are none
 * (disabled, or the thread could not start). */
static struct near_filters *near_filters(struct nw_redis *r, long ttl_s, const char *prefix)
{
        struct near_filters *nf = r->nf;

        if (r->filter_max_bytes == 0) {
                return NULL;
        }
        if (nf) {
                return nf;
        }
        nf = nw_xcalloc(1, sizeof(*nf));
        pthread_mutex_init(&nf->mu, NULL);
        pthread_cond_init(&nf->cv, NULL);
        nf->ttl = ttl_s;
        snprintf(nf->prefix, sizeof(nf->prefix), "%.8s", prefix);
        nf->max_bytes = r->filter_max_bytes;
        nf->failed_bucket = -1;
        nf->conn = nw_xcalloc(1, sizeof(*nf->conn));
        nw_buf_init(&nf->conn->cmd, 0);
        nf->conn->host = nw_xstrdup(r->host);
        nf->conn->port = r->port;
        nf->conn->unix_socket = r->unix_socket;
        nf->conn->user = r->user ? nw_xstrdup(r->user) : NULL;
        nf->conn->password = r->password ? nw_xstrdup(r->password) : NULL;
        nf->conn->db = r->db;
        nf->conn->timeout_ms = r->timeout_ms;
        if (pthread_create(&nf->thread, NULL, filter_thread, nf) != 0) {
                nw_redis_destroy(nf->conn);
                pthread_cond_destroy(&nf->cv);
                pthread_mutex_destroy(&nf->mu);
                free(nf);
                r->filter_max_bytes = 0;
                return NULL;
        }
        r->nf = nf;
        return nf;
}

static void near_filters_stop(struct near_filters *nf)
{
        if (!nf) {
                return;
        }
        pthread_mutex_lock(&nf->mu);
        nf->stop = 1;
        pthread_cond_signal(&nf->cv);
        pthread_mutex_unlock(&nf->mu);
        pthread_join(nf->thread, NULL);
        for (int i = 0; i < nf->n; i++) {
                nw_near_filter_free(&nf->have[i].f);
        }
        nw_redis_destroy(nf->conn);
        pthread_cond_destroy(&nf->cv);
        pthread_mutex_destroy(&nf->mu);
        free(nf);
}

void nw_redis_set_near_filters(struct nw_redis *r, size_t max_bytes)
{
        r->filter_max_bytes = max_bytes;
}

void nw_redis_near_filters_start(struct nw_redis *r, long ttl_s, const char *prefix)
{
        (void)near_filters(r, ttl_s, prefix);
}

void nw_redis_near_filters_wait(struct nw_redis *r, long ttl_s, const char *prefix,
                                long timeout_ms)
{
        struct near_filters *nf = near_filters(r, ttl_s, prefix);
        struct timespec until;

        if (!nf) {
                return;
        }
        until = deadline_in(timeout_ms);
        pthread_mutex_lock(&nf->mu);
        pthread_cond_broadcast(&nf->cv);        /* look now */
        nf->idle = 0;
        while (!nf->idle) {
                if (pthread_cond_timedwait(&nf->cv, &nf->mu, &until) != 0) {
                        break;
                }
        }
        pthread_mutex_unlock(&nf->mu);
}

void nw_redis_near_filter_stats(struct nw_redis *r, struct nw_redis_filter_stats *out)
{
        memset(out, 0, sizeof(*out));
        if (!r->nf) {
                return;
        }
        pthread_mutex_lock(&r->nf->mu);
        for (int i = 0; i < r->nf->n; i++) {
                out->filters += (size_t)r->nf->have[i].usable;
                out->copied += (size_t)r->nf->have[i].copied;
        }
        out->bytes = r->nf->bytes;
        out->skipped = r->nf->skipped;
        pthread_mutex_unlock(&r->nf->mu);
}

enum nw_err nw_redis_claim_send(struct nw_redis *r, const struct nw_claim *claims, size_t n,
                                long ttl_s, const char *prefix, double near_threshold,
                                char *errstr, size_t errstr_size)
{
        char ttl[24], sig_prefix[24], ncand[8], bucket_ttl[24];
        char nbuck[16];
        char buckets[MAXBUCKETS + 1][64];
        size_t cap = HEAD_ARGS + n * ITEM_ARGS, k = 0;
        const char **argv;
        size_t *argvlen;
        struct item_text *text;
        enum nw_err err = NW_OK;
        int nbuckets, rc;
        struct geometry g;
        struct near_filters *nf = NULL;
        struct bucket_filter *older[MAXBUCKETS];
        int any_filter = 0;
        uint64_t skipped = 0;

        if (r->failed) {
                snprintf(errstr, errstr_size, "%s", r->failure);
                return NW_ERR_REDIS;
        }
        if (n == 0) {
                return NW_OK;
        }
        if (r->pending == 0) {
                /* connect only between rounds: a new connection mid-round has lost the
                 * replies of the claims sent before */
                err = nw_redis_connect(r, errstr, errstr_size);
                if (err != NW_OK) {
                        snprintf(r->failure, sizeof(r->failure), "%.500s", errstr);
                        r->failed = 1;
                        return err;
                }
        } else if (!r->c) {
                return send_failed(r, "redis: connection lost", errstr, errstr_size);
        }
        snprintf(ttl, sizeof(ttl), "%ld", ttl_s);
        r->near_thr = (long)(near_threshold * 1000 + 0.5);
        snprintf(sig_prefix, sizeof(sig_prefix), "%.8ss:", prefix);
        snprintf(ncand, sizeof(ncand), "%d", NW_NEAR_CANDIDATES);
        bucket_geometry(ttl_s, (long long)time(NULL), &g);
        nbuckets = g.nbuckets;
        snprintf(bucket_ttl, sizeof(bucket_ttl), "%lld", g.bucket_ttl);
        snprintf(nbuck, sizeof(nbuck), "%d", nbuckets + 1);
        for (size_t i = 0; i < n; i++) {
                if (claims[i].near && claims[i].near->shingles > 0 && claims[i].id) {
                        nf = near_filters(r, ttl_s, prefix);
                        break;
                }
        }
        /* the filters stay in place while this part is formatted: the thread only swaps
         * them under the lock */
        if (nf) {
                pthread_mutex_lock(&nf->mu);
                for (int b = 1; b < nbuckets; b++) {
                        older[b] = filter_of(nf, g.now_bucket - b);
                        if (older[b] && !older[b]->usable) {
                                older[b] = NULL;
                        }
                        any_filter |= older[b] != NULL;
                }
        }

        argv = nw_xcalloc(cap, sizeof(*argv));
        argvlen = nw_xcalloc(cap, sizeof(*argvlen));
        text = nw_xcalloc(n, sizeof(*text));
        argv[k++] = "EVALSHA";
        argv[k++] = r->sha;
        argv[k++] = nbuck;
        for (int b = 0; b < nbuckets; b++) {
                snprintf(buckets[b], sizeof(buckets[b]), "%.8sbb:%lld", prefix, g.now_bucket - b);
                argv[k++] = buckets[b];
        }
        snprintf(buckets[nbuckets], sizeof(buckets[nbuckets]), "%.8sbb:%lld", prefix, g.retired);
        argv[k++] = buckets[nbuckets];
        argv[k++] = ttl;
        argv[k++] = sig_prefix;
        argv[k++] = ncand;
        argv[k++] = bucket_ttl;
        for (size_t a = 0; a < k; a++) {
                argvlen[a] = strlen(argv[a]);
        }
        for (size_t i = 0; i < n; i++) {
                const struct nw_claim *c = &claims[i];
                struct item_text *t = &text[i];
                int has_url = c->key_url && *c->key_url;
                int near = c->near && c->near->shingles > 0 && c->id;
                size_t first = k, sig_at;

                snprintf(t->nkeys, sizeof(t->nkeys), "%d", has_url ? 2 : 1);
                argv[k++] = t->nkeys;
                argv[k++] = c->key_content;
                if (has_url) {
                        argv[k++] = c->key_url;
                }
                argv[k++] = c->value;
                argv[k++] = c->id ? c->id : "";
                sig_at = k++;
                if (near) {
                        nw_near_sig_bytes(c->near, t->sig);
                        argv[sig_at] = (const char *)t->sig;
                        snprintf(t->sigkey, sizeof(t->sigkey), "%s%s", sig_prefix, c->id);
                        argv[k++] = t->sigkey;
                        /* '0' for a band the older bucket's filter rules out */
                        if (any_filter) {
                                uint32_t keys[NW_NEAR_BANDS];
                                /* every block asked for is loaded at once, not one miss
                                 * after the other */
                                for (int band = 0; band < NW_NEAR_BANDS; band++) {
                                        keys[band] = nw_near_band(c->near, band);
                                        for (int b = 1; b < nbuckets; b++) {
                                                if (older[b]) {
                                                        nw_near_filter_prefetch(&older[b]->f, band,
                                                                                keys[band]);
                                                }
                                        }
                                }
                                for (int b = 1; b < nbuckets; b++) {
                                        char *m = t->mask + (size_t)(b - 1) * NW_NEAR_BANDS;
                                        for (int band = 0; band < NW_NEAR_BANDS; band++) {
                                                int maybe = !older[b] ||
                                                            nw_near_filter_maybe(&older[b]->f, band,
                                                                                 keys[band]);
                                                m[band] = maybe ? '1' : '0';
                                                skipped += !maybe;
                                        }
                                }
                                t->mask[(size_t)(nbuckets - 1) * NW_NEAR_BANDS] = '\0';
                        } else {
                                t->mask[0] = '\0';
                        }
                        argv[k++] = t->mask;
                } else {
                        argv[sig_at] = "";
                }
                for (size_t a = first; a < k; a++) {
                        argvlen[a] = strlen(argv[a]);
                }
                if (near) {
                        for (int b = 0; b < NW_NEAR_BANDS; b++) {
                                argvlen[k] = band_field(t->fields[b], b, nw_near_band(c->near, b));
                                argv[k++] = t->fields[b];
                        }
                }
                /* explicit length: the signature is binary */
                argvlen[sig_at] = near ? sizeof(t->sig) : 0;
        }
        if (nf) {
                nf->skipped += skipped;
                pthread_mutex_unlock(&nf->mu);
        }
        rc = resp_command(&r->cmd, k, argv, argvlen) == NW_OK
                ? redisAppendFormattedCommand(r->c, r->cmd.data, r->cmd.len) : REDIS_ERR;
        free(argv);
        free(argvlen);
        free(text);
        if (rc != REDIS_OK) {
                return send_failed(r, "redis: cannot buffer a command", errstr, errstr_size);
        }
        if (r->n_parts == r->cap_parts) {
                r->cap_parts = r->cap_parts ? 2 * r->cap_parts : 16;
                r->parts = nw_xrealloc(r->parts, r->cap_parts * sizeof(*r->parts));
        }
        r->parts[r->n_parts++] = n;
        r->pending += n;
        /* Write it now, so Redis works on it while the caller goes on; a blocking write is
         * fine: Redis keeps reading while its replies wait in its output buffer. */
        for (int done = 0; !done;) {
                if (redisBufferWrite(r->c, &done) != REDIS_OK) {
                        char why[300];
                        snprintf(why, sizeof(why), "redis claim: %s",
                                 r->c->errstr[0] ? r->c->errstr : "write failed");
                        return send_failed(r, why, errstr, errstr_size);
                }
        }
        return NW_OK;
}

enum nw_err nw_redis_claim_recv(struct nw_redis *r, const struct nw_claim *claims,
                                struct nw_claim_reply *replies, size_t n, char *errstr,
                                size_t errstr_size)
{
        enum nw_err err = NW_OK;
        int noscript = 0;
        size_t got = 0;

        if (r->failed) {
                snprintf(errstr, errstr_size, "%s", r->failure);
                r->failed = 0;
                return NW_ERR_REDIS;
        }
        if (n != r->pending) {
                /* a caller bug, not a Redis fault: the replies would be matched to the wrong items */
                snprintf(errstr, errstr_size, "redis claim: %zu replies asked for, %zu pending",
                         n, r->pending);
                if (r->c) {
                        drop(r);
                }
                return NW_ERR_CONFIG;
        }
        if (n == 0) {
                return NW_OK;
        }
        r->round_trips++;
        /* read every part's reply, even after an error, so the connection stays in step */
        for (size_t part = 0; part < r->n_parts; part++) {
                size_t m = r->parts[part];
                redisReply *reply = NULL;
                if (redisGetReply(r->c, (void **)&reply) != REDIS_OK || !reply) {
                        snprintf(errstr, errstr_size, "redis claim: %s",
                                 r->c->errstr[0] ? r->c->errstr : "connection lost");
                        drop(r);
                        return NW_ERR_REDIS;
                }
                if (reply->type == REDIS_REPLY_ERROR) {
                        if (strncmp(reply->str, "NOSCRIPT", 8) == 0) {
                                noscript = 1;
                        } else if (err == NW_OK) {
                                snprintf(errstr, errstr_size, "redis claim refused: %.*s",
                                         (int)reply->len, reply->str);
                                err = NW_ERR_CONFIG;
                        }
                } else if (reply->type == REDIS_REPLY_ARRAY && reply->elements == m) {
                        for (size_t j = 0; j < m; j++) {
                                if (item_reply(reply->element[j], &claims[got + j], r->near_thr,
                                               &replies[got + j]) != 0 &&
                                    err == NW_OK) {
                                        snprintf(errstr, errstr_size, "%s",
                                                 "redis claim: unexpected reply shape");
                                        err = NW_ERR_REDIS;
                                }
                        }
                } else if (err == NW_OK) {
                        snprintf(errstr, errstr_size, "%s", "redis claim: unexpected reply shape");
                        err = NW_ERR_REDIS;
                }
                got += m;
                freeReplyObject(reply);
        }
        r->pending = 0;
        r->n_parts = 0;
        if (noscript && err == NW_OK) {
                /* the script cache was flushed (a restart without persistence): reload the
                 * script on a fresh connection and let the caller retry the batch */
                snprintf(errstr, errstr_size, "%s", "redis: claim script missing (server restarted?)");
                drop(r);
                return NW_ERR_REDIS;
        }
        if (err != NW_OK) {
                drop(r);
        }
        return err;
}

enum nw_err nw_redis_claim_batch(struct nw_redis *r, const struct nw_claim *claims, size_t n,
                                 long ttl_s, const char *prefix, double near_threshold,
                                 struct nw_claim_reply *replies, char *errstr,
                                 size_t errstr_size)
{
        enum nw_err err = nw_redis_claim_send(r, claims, n, ttl_s, prefix, near_threshold,
                                              errstr, errstr_size);

        if (err != NW_OK) {
                r->failed = 0;
                return err;
        }
        return nw_redis_claim_recv(r, claims, replies, n, errstr, errstr_size);
}
