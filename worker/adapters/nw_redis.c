/* nw_redis.c -- hiredis 0.14 (synchronous API, no TLS). A NULL reply or c->err means the
 * context is dead and cannot be reused: it is freed and the next call reconnects. */
#include "nw_redis.h"

#include <errno.h>
#include <math.h>
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
 *       signature, its key and the band fields ("<band>:<value>", NW_NEAR_BANDS of them).
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
        "local older, nolder = nil, 0\n"
        "local function find_older()\n"
        "  older = {}\n"
        "  for bk = 2, #K - 1 do\n"
        "    if redis.pcall('EXISTS', K[bk]) ~= 0 then nolder = nolder + 1; older[nolder] = K[bk] end\n"
        "  end\n"
        "end\n"
        /* the bucket no worker reads any more: UNLINK frees it on a background thread, where
         * its expiry (lazyfree-lazy-expire off, Redis's default) would stall every client
         * for seconds while millions of fields are freed. pcall: an ACL without UNLINK
         * leaves it to expire */
        "redis.pcall('UNLINK', K[#K])\n"
        "local function near(id, sig, sigkey, f)\n"
        "  local a, b, c, d = byte(sig, 1, 4)\n"
        "  local na = a + b * 256 + c * 65536 + d * 16777216\n"
        "  local last = f + nbands - 1\n"
        /* a band's holder: the newest bucket's, else an older one's (false: free); an older
         * bucket is asked only for the bands still free, as each lookup in a large hash is
         * a cache miss or two */
        "  local holder = call('HMGET', newest, unpack(A, f, last))\n"
        "  if not older then find_older() end\n"
        "  for o = 1, nolder do\n"
        "    local want, at, nw = {}, {}, 0\n"
        "    for k = 1, nbands do\n"
        "      if not holder[k] then nw = nw + 1; want[nw] = A[f + k - 1]; at[nw] = k end\n"
        "    end\n"
        "    if nw == 0 then break end\n"
        "    local vals = call('HMGET', older[o], unpack(want, 1, nw))\n"
        "    for j = 1, nw do\n"
        "      if vals[j] then holder[at[j]] = vals[j] end\n"
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
        "  if sig ~= '' then nextp = nextp + 1 + nbands end\n"
        "  no = no + 1\n"
        "  if holder then\n"
        "    out[no] = {0, holder}\n"
        "  else\n"
        "    local res = 1\n"
        "    if own == nex then res = 2 end\n"
        "    local r = {res, v}\n"
        "    if sig ~= '' then\n"
        "      local found, put = near(id, sig, A[p + nex + 4], p + nex + 5)\n"
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
};

void nw_redis_destroy(struct nw_redis *r)
{
        if (!r) {
                return;
        }
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
enum { ITEM_ARGS = 7 + NW_NEAR_BANDS, MAXBUCKETS = 12, HEAD_ARGS = 3 + 8 + MAXBUCKETS + 1 };

struct item_text {
        char nkeys[4];
        char sigkey[300];
        unsigned char sig[NW_NEAR_SIG_BYTES];
        char fields[NW_NEAR_BANDS][24];
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
        long width, grace;
        long long now, now_bucket, retired;

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
        /* band buckets: half the TTL wide, rounded up (at least a minute), so up to three HMGETs
         * per item (rounded down, an odd TTL needed a fourth); an item's bands are found for at
         * least the TTL and at most half as long again. Eighths held that closer to the TTL
         * but cost nine HMGETs, most of Redis's time per item. */
        width = (ttl_s + 1) / 2 > 60 ? (ttl_s + 1) / 2 : 60;
        nbuckets = (int)((ttl_s + width - 1) / width) + 1;
        if (nbuckets > MAXBUCKETS) {
                nbuckets = MAXBUCKETS;
        }
        now = (long long)time(NULL);
        now_bucket = now / width;
        /* The bucket just past the last one read, unlinked by the script. The grace spares
         * the oldest bucket of a replica whose clock runs a little behind. A bucket expires
         * one period after the last one it is read in, whenever it was written, so the
         * unlink always comes first and the expiry only frees what no worker was there to
         * unlink. */
        grace = width / 4 < 60 ? width / 4 : 60;
        retired = (now - grace) / width - nbuckets;
        snprintf(bucket_ttl, sizeof(bucket_ttl), "%lld", (now_bucket + nbuckets + 1) * width - now);
        snprintf(nbuck, sizeof(nbuck), "%d", nbuckets + 1);

        argv = nw_xcalloc(cap, sizeof(*argv));
        argvlen = nw_xcalloc(cap, sizeof(*argvlen));
        text = nw_xcalloc(n, sizeof(*text));
        argv[k++] = "EVALSHA";
        argv[k++] = r->sha;
        argv[k++] = nbuck;
        for (int b = 0; b < nbuckets; b++) {
                snprintf(buckets[b], sizeof(buckets[b]), "%.8sbb:%lld", prefix, now_bucket - b);
                argv[k++] = buckets[b];
        }
        snprintf(buckets[nbuckets], sizeof(buckets[nbuckets]), "%.8sbb:%lld", prefix, retired);
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
