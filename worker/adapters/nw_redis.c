/* nw_redis.c -- hiredis 0.14 (synchronous API, no TLS). A NULL reply or c->err means the
 * context is dead and cannot be reused: it is freed and the next call reconnects. */
#include "nw_redis.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <hiredis/hiredis.h>

#include "nw_buf.h"

/* One item, atomically:
 *  1. exact: check every claim key (content hash, canonical URL); if another message holds
 *     one, this is an exact duplicate and nothing is written. A key held by this same message
 *     (a redelivery) counts as ours. Otherwise set them all with the TTL.
 *  2. near: read which items hold this item's LSH bands, compare this signature with each
 *     candidate's (skipping itself), and report the best containment if it reaches the
 *     threshold; then store this signature and claim the bands that are still free for this
 *     item (the first item of a story keeps its bands, so later copies and redeliveries are
 *     compared with the original).
 *     Bands live as fields of time-bucketed hashes (one per ttl/2, kept ttl plus a bucket)
 *     rather than one key each: a handful of commands per item instead of two per band,
 *     which is most of what Redis spends on an item.
 * KEYS: nexact claim keys, this item's signature key, then the band buckets, newest first
 *       (new bands go to the newest).
 * ARGV: claim value, ttl, nexact, id, signature bytes ("" for none), threshold in thousandths,
 *       signature key prefix (candidates' signature keys are built from it), the number of
 *       MinHash values and of figure slots in a signature (layout: nw_near_sig_bytes()), how
 *       many distinct candidates to compare, the newest bucket's lifetime in seconds, and then
 *       the band fields ("<band>:<value>").
 * The rule is nw_near_containment()'s: figures must agree, then containment decides.
 * Returns {0, holder} | {1|2, value} | {1|2, value, near_id, containment}. */
static const char claim_script[] =
        "local v, ttl, nex = ARGV[1], ARGV[2], tonumber(ARGV[3])\n"
        "local id, sig, thr, sp = ARGV[4], ARGV[5], tonumber(ARGV[6]), ARGV[7]\n"
        "local own = 0\n"
        "for i = 1, nex do\n"
        "  local cur = redis.call('GET', KEYS[i])\n"
        "  if cur then\n"
        "    if cur ~= v then return {0, cur} end\n"
        "    own = own + 1\n"
        "  end\n"
        "end\n"
        "for i = 1, nex do redis.call('SET', KEYS[i], v, 'EX', ttl) end\n"
        "local res = 1\n"
        "if own == nex then res = 2 end\n"
        "if sig == '' then return {res, v} end\n"
        "local function u32(s, i)\n"
        "  local a, b, c, d = string.byte(s, i, i + 3)\n"
        "  return a + b * 256 + c * 65536 + d * 16777216\n"
        "end\n"
        "local nh, nn = ARGV[8] + 0, ARGV[9] + 0\n"
        "local na = u32(sig, 1)\n"
        "local function figures(s)\n"
        "  local t, n = {}, u32(s, 4 * nh + 5)\n"
        "  for k = 1, n do t[k] = u32(s, 4 * nh + 5 + 4 * k) end\n"
        "  return t\n"
        "end\n"
        "local fa\n"
        "local function agree(fb)\n"
        "  fa = fa or figures(sig)\n"
        "  if #fa == 0 or #fb == 0 then return true end\n"
        "  local cut = 4294967295\n"
        "  if #fa == nn and fa[nn] < cut then cut = fa[nn] end\n"
        "  if #fb == nn and fb[nn] < cut then cut = fb[nn] end\n"
        "  local ia, ib, i, j, common = 0, 0, 1, 1, 0\n"
        "  for k = 1, #fa do if fa[k] <= cut then ia = ia + 1 end end\n"
        "  for k = 1, #fb do if fb[k] <= cut then ib = ib + 1 end end\n"
        "  if ia == 0 or ib == 0 then return false end\n"
        "  while i <= ia and j <= ib do\n"
        "    if fa[i] == fb[j] then common = common + 1; i = i + 1; j = j + 1\n"
        "    elseif fa[i] < fb[j] then i = i + 1 else j = j + 1 end\n"
        "  end\n"
        "  return common / math.min(ia, ib) >= 0.5\n"
        "end\n"
        "local nf = #ARGV - 11\n"
        "local holder = {}\n"
        "for b = nex + 2, #KEYS do\n"
        "  local vals = redis.call('HMGET', KEYS[b], unpack(ARGV, 12))\n"
        "  for k = 1, nf do\n"
        "    if vals[k] and not holder[k] then holder[k] = vals[k] end\n"
        "  end\n"
        "end\n"
        "local cands, seen, ncand = {}, {}, tonumber(ARGV[10])\n"
        "for k = 1, nf do\n"
        "  local c = holder[k]\n"
        "  if c and c ~= id and not seen[c] and #cands < ncand then\n"
        "    seen[c] = true\n"
        "    cands[#cands + 1] = c\n"
        "  end\n"
        "end\n"
        "local best, bestc = nil, 0\n"
        "if #cands > 0 then\n"
        "  local keys = {}\n"
        "  for k = 1, #cands do keys[k] = sp .. cands[k] end\n"
        "  local sigs = redis.call('MGET', unpack(keys))\n"
        "  for k = 1, #cands do\n"
        "    local cs = sigs[k]\n"
        "    if cs and #cs == #sig and agree(figures(cs)) then\n"
        "      local eq = 0\n"
        "      for q = 5, 4 * nh + 4, 4 do\n"
        "        if string.sub(sig, q, q + 3) == string.sub(cs, q, q + 3) then eq = eq + 1 end\n"
        "      end\n"
        "      local j, nb = eq / nh, u32(cs, 1)\n"
        "      local small = math.min(na, nb)\n"
        "      if small > 0 then\n"
        "        local c = math.min(1, j * (na + nb) / ((1 + j) * small))\n"
        "        if c > bestc then best, bestc = cands[k], c end\n"
        "      end\n"
        "    end\n"
        "  end\n"
        "end\n"
        "if na > 0 then\n"
        "  redis.call('SET', KEYS[nex + 1], sig, 'EX', ttl)\n"
        "  local put = {}\n"
        "  for k = 1, nf do\n"
        "    if not holder[k] then put[#put + 1] = ARGV[k + 11]; put[#put + 1] = id end\n"
        "  end\n"
        "  if #put > 0 then\n"
        "    redis.call('HSET', KEYS[nex + 2], unpack(put))\n"
        "    redis.call('EXPIRE', KEYS[nex + 2], ARGV[11])\n"
        "  end\n"
        "end\n"
        "if best and bestc * 1000 >= thr then return {res, v, best, tostring(math.floor(bestc * 1000 + 0.5))} end\n"
        "return {res, v}\n";

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

enum nw_err nw_redis_claim_send(struct nw_redis *r, const struct nw_claim *claims, size_t n,
                                long ttl_s, const char *prefix, double near_threshold,
                                char *errstr, size_t errstr_size)
{
        /* per item: EVALSHA sha numkeys; up to 2 claim keys, the signature key and the band
         * buckets; 11 ARGV and the band fields */
        enum { MAXBUCKETS = 12, MAXKEYS = 3 + MAXBUCKETS, MAXARGS = 3 + MAXKEYS + 11 + NW_NEAR_BANDS };
        char ttl[24], thr[24], sig_prefix[24], nhashes[8], nnums[8], ncand[8], bucket_ttl[24];
        char buckets[MAXBUCKETS][64];
        char fields[NW_NEAR_BANDS][24];
        enum nw_err err = NW_OK;
        int nbuckets;
        long width;
        long long now_bucket;

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
        snprintf(thr, sizeof(thr), "%ld", (long)(near_threshold * 1000 + 0.5));
        snprintf(sig_prefix, sizeof(sig_prefix), "%.8ss:", prefix);
        snprintf(nhashes, sizeof(nhashes), "%d", NW_NEAR_HASHES);
        snprintf(nnums, sizeof(nnums), "%d", NW_NEAR_NUMS);
        snprintf(ncand, sizeof(ncand), "%d", NW_NEAR_CANDIDATES);
        /* band buckets: half the TTL wide (at least a minute), so three HMGETs per item; an
         * item's bands are found for at least the TTL and at most half as long again. Eighths
         * held that closer to the TTL but cost nine HMGETs, most of Redis's time per item. */
        width = ttl_s / 2 > 60 ? ttl_s / 2 : 60;
        nbuckets = (int)((ttl_s + width - 1) / width) + 1;
        if (nbuckets > MAXBUCKETS) {
                nbuckets = MAXBUCKETS;
        }
        now_bucket = (long long)time(NULL) / width;
        for (int b = 0; b < nbuckets; b++) {
                snprintf(buckets[b], sizeof(buckets[b]), "%.8sbb:%lld", prefix, now_bucket - b);
        }
        snprintf(bucket_ttl, sizeof(bucket_ttl), "%ld", ttl_s + width);
        for (size_t i = 0; i < n; i++) {
                const struct nw_claim *c = &claims[i];
                const char *argv[MAXARGS];
                size_t argvlen[MAXARGS];
                char sigkey[300];
                char numkeys[8], nexact[4];
                unsigned char sig[NW_NEAR_SIG_BYTES];
                int has_url = c->key_url && *c->key_url;
                int near = c->near && c->near->shingles > 0 && c->id;
                int k = 0, nk = 0, sig_at;

                argv[k++] = "EVALSHA";
                argv[k++] = r->sha;
                argv[k++] = numkeys;
                argv[k++] = c->key_content;
                nk++;
                if (has_url) {
                        argv[k++] = c->key_url;
                        nk++;
                }
                snprintf(nexact, sizeof(nexact), "%d", nk);
                if (near) {
                        snprintf(sigkey, sizeof(sigkey), "%s%s", sig_prefix, c->id);
                        argv[k++] = sigkey;
                        nk++;
                        for (int b = 0; b < nbuckets; b++) {
                                argv[k++] = buckets[b];
                                nk++;
                        }
                        nw_near_sig_bytes(c->near, sig);
                }
                snprintf(numkeys, sizeof(numkeys), "%d", nk);
                argv[k++] = c->value;
                argv[k++] = ttl;
                argv[k++] = nexact;
                argv[k++] = c->id ? c->id : "";
                sig_at = k;
                argv[k] = near ? (const char *)sig : "";
                argvlen[k] = near ? sizeof(sig) : 0;
                k++;
                argv[k++] = thr;
                argv[k++] = sig_prefix;
                argv[k++] = nhashes;
                argv[k++] = nnums;
                argv[k++] = ncand;
                argv[k++] = bucket_ttl;
                if (near) {
                        for (int b = 0; b < NW_NEAR_BANDS; b++) {
                                snprintf(fields[b], sizeof(fields[b]), "%d:%08x", b,
                                         nw_near_band(c->near, b));
                                argv[k++] = fields[b];
                        }
                }
                for (int a = 0; a < k; a++) {
                        if (a != sig_at) {
                                argvlen[a] = strlen(argv[a]);
                        }
                }
                /* explicit lengths: the signature is binary */
                if (redisAppendCommandArgv(r->c, k, argv, argvlen) != REDIS_OK) {
                        return send_failed(r, "redis: cannot buffer a command", errstr,
                                           errstr_size);
                }
                r->pending++;
        }
        /* Write them now, so Redis works on them while the caller goes on; blocking writes
         * are fine: Redis keeps reading while its replies wait in its output buffer. */
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

enum nw_err nw_redis_claim_recv(struct nw_redis *r, struct nw_claim_reply *replies, size_t n,
                                char *errstr, size_t errstr_size)
{
        enum nw_err err = NW_OK;
        int noscript = 0;

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
        /* read every reply, even after an error, so the connection stays in step */
        for (size_t got = 0; got < n; got++) {
                redisReply *reply = NULL;
                struct nw_claim_reply *out = &replies[got];
                if (redisGetReply(r->c, (void **)&reply) != REDIS_OK || !reply) {
                        snprintf(errstr, errstr_size, "redis claim: %s",
                                 r->c->errstr[0] ? r->c->errstr : "connection lost");
                        drop(r);
                        return NW_ERR_REDIS;
                }
                r->pending--;
                memset(out, 0, sizeof(*out));
                if (reply->type == REDIS_REPLY_ERROR) {
                        if (strncmp(reply->str, "NOSCRIPT", 8) == 0) {
                                noscript = 1;
                        } else if (err == NW_OK) {
                                snprintf(errstr, errstr_size, "redis claim refused: %.*s",
                                         (int)reply->len, reply->str);
                                err = NW_ERR_CONFIG;
                        }
                } else if (reply->type == REDIS_REPLY_ARRAY && reply->elements >= 2 &&
                           reply->element[0]->type == REDIS_REPLY_INTEGER &&
                           reply->element[1]->type == REDIS_REPLY_STRING) {
                        out->result = (enum nw_claim_result)reply->element[0]->integer;
                        snprintf(out->holder, sizeof(out->holder), "%.*s",
                                 (int)reply->element[1]->len, reply->element[1]->str);
                        if (reply->elements == 4 && reply->element[2]->type == REDIS_REPLY_STRING &&
                            reply->element[3]->type == REDIS_REPLY_STRING) {
                                snprintf(out->near_of, sizeof(out->near_of), "%.*s",
                                         (int)reply->element[2]->len, reply->element[2]->str);
                                out->similarity = strtod(reply->element[3]->str, NULL) / 1000.0;
                        }
                } else if (err == NW_OK) {
                        snprintf(errstr, errstr_size, "%s", "redis claim: unexpected reply shape");
                        err = NW_ERR_REDIS;
                }
                freeReplyObject(reply);
        }
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
        return nw_redis_claim_recv(r, replies, n, errstr, errstr_size);
}
