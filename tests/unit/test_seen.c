/* test_seen.c -- unit tests for nw_seen, the offline mode's claim set: the same claim
 * semantics as Redis SET NX plus a check of the holder, so duplicates and redeliveries are
 * told apart. */
#include "nw_test.h"

#include <stdio.h>
#include <string.h>

#include "nw_seen.h"

static void test_claim_states(void)
{
        struct nw_seen *s = nw_seen_new();
        const char *holder = NULL;

        CU_ASSERT_PTR_NULL(nw_seen_get(s, "nw:x:aa"));
        CU_ASSERT_EQUAL(nw_seen_claim(s, "nw:x:aa", "news.raw/0/1 id-1", &holder), 1);
        CU_ASSERT_PTR_NULL(holder);
        NW_ASSERT_STR(nw_seen_get(s, "nw:x:aa"), "news.raw/0/1 id-1", NULL);
        /* the same message again (a redelivery) finds its own claim */
        CU_ASSERT_EQUAL(nw_seen_claim(s, "nw:x:aa", "news.raw/0/1 id-1", &holder), 2);
        CU_ASSERT_PTR_NULL(holder);
        /* another message with the same key is a duplicate of the holder */
        CU_ASSERT_EQUAL(nw_seen_claim(s, "nw:x:aa", "news.raw/0/9 id-9", &holder), 0);
        NW_ASSERT_STR(holder, "news.raw/0/1 id-1", "holder");
        CU_ASSERT_EQUAL(nw_seen_claim(s, "nw:x:aa", "news.raw/0/9 id-9", NULL), 0);
        /* the refused claim changed nothing */
        NW_ASSERT_STR(nw_seen_get(s, "nw:x:aa"), "news.raw/0/1 id-1", "after refusal");
        /* an unrelated key is independent */
        CU_ASSERT_EQUAL(nw_seen_claim(s, "nw:x:bb", "news.raw/0/9 id-9", &holder), 1);
        nw_seen_destroy(s);
        nw_seen_destroy(NULL);
}

static void test_put_overwrites(void)
{
        struct nw_seen *s = nw_seen_new();

        nw_seen_put(s, "k", "one");
        nw_seen_put(s, "k", "two");
        NW_ASSERT_STR(nw_seen_get(s, "k"), "two", NULL);
        CU_ASSERT_EQUAL(nw_seen_claim(s, "k", "two", NULL), 2);
        CU_ASSERT_EQUAL(nw_seen_claim(s, "k", "one", NULL), 0);
        nw_seen_destroy(s);
}

static void test_keys_are_copied(void)
{
        struct nw_seen *s = nw_seen_new();
        char key[16], value[16];

        snprintf(key, sizeof(key), "key-a");
        snprintf(value, sizeof(value), "val-a");
        nw_seen_claim(s, key, value, NULL);
        /* the caller's buffers may be reused at once */
        snprintf(key, sizeof(key), "key-b");
        snprintf(value, sizeof(value), "val-b");
        NW_ASSERT_STR(nw_seen_get(s, "key-a"), "val-a", NULL);
        CU_ASSERT_PTR_NULL(nw_seen_get(s, "key-b"));
        nw_seen_destroy(s);
}

static void test_growth_keeps_all(void)
{
        enum { N = 5000 };      /* well past the initial 1024 slots: several doublings */
        struct nw_seen *s = nw_seen_new();
        char key[32], value[32], want[32];
        int ok = 1;

        for (int i = 0; i < N; i++) {
                snprintf(key, sizeof(key), "nw:x:%08d", i);
                snprintf(value, sizeof(value), "t/0/%d id-%d", i, i);
                ok &= nw_seen_claim(s, key, value, NULL) == 1;
        }
        CU_ASSERT(ok);
        for (int i = 0; i < N; i++) {
                const char *got;
                const char *holder = NULL;

                snprintf(key, sizeof(key), "nw:x:%08d", i);
                snprintf(want, sizeof(want), "t/0/%d id-%d", i, i);
                got = nw_seen_get(s, key);
                ok &= got != NULL && strcmp(got, want) == 0;
                ok &= nw_seen_claim(s, key, want, NULL) == 2;
                ok &= nw_seen_claim(s, key, "other", &holder) == 0 && holder != NULL &&
                      strcmp(holder, want) == 0;
        }
        CU_ASSERT(ok);
        CU_ASSERT_PTR_NULL(nw_seen_get(s, "nw:x:99999999"));
        nw_seen_destroy(s);
}

int nw_test_register_seen(void)
{
        static const struct nw_test tests[] = {
                {"claim: new, same value, other value", test_claim_states},
                {"put overwrites", test_put_overwrites},
                {"keys and values are copied", test_keys_are_copied},
                {"growth keeps all keys", test_growth_keeps_all},
                {NULL, NULL},
        };
        return nw_test_add_suite("seen", tests);
}
