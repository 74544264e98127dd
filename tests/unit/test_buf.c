/* test_buf.c -- unit tests for nw_buf (the capped buffer every input-derived size goes through)
 * and nw_err's names, which appear in logs, metric labels and DLQ records. */
#include "nw_test.h"

#include <stdlib.h>
#include <string.h>

#include "nw_buf.h"
#include "nw_err.h"

static void test_empty_buffer_reads_as_empty_string(void)
{
        struct nw_buf b;

        nw_buf_init(&b, 0);
        CU_ASSERT_EQUAL(b.len, 0);
        NW_ASSERT_STR(nw_buf_str(&b), "", NULL);
        nw_buf_free(&b);
}

static void test_append_putc_puts_printf(void)
{
        struct nw_buf b;

        nw_buf_init(&b, 0);
        CU_ASSERT_EQUAL(nw_buf_append(&b, "ab", 2), NW_OK);
        CU_ASSERT_EQUAL(nw_buf_putc(&b, '-'), NW_OK);
        CU_ASSERT_EQUAL(nw_buf_puts(&b, "cd"), NW_OK);
        CU_ASSERT_EQUAL(nw_buf_printf(&b, "/%d/%s", 42, "x"), NW_OK);
        CU_ASSERT_EQUAL(b.len, 10);
        NW_ASSERT_STR(nw_buf_str(&b), "ab-cd/42/x", NULL);
        /* appending nothing is fine and keeps the terminator */
        CU_ASSERT_EQUAL(nw_buf_append(&b, NULL, 0), NW_OK);
        CU_ASSERT_EQUAL(b.data[b.len], '\0');
        nw_buf_free(&b);
}

static void test_cap_refuses_and_leaves_contents(void)
{
        struct nw_buf b;

        nw_buf_init(&b, 5);
        CU_ASSERT_EQUAL(nw_buf_puts(&b, "abcd"), NW_OK);
        CU_ASSERT_EQUAL(nw_buf_puts(&b, "ef"), NW_ERR_TOO_BIG);
        NW_ASSERT_STR(nw_buf_str(&b), "abcd", "after a refused append");
        CU_ASSERT_EQUAL(nw_buf_printf(&b, "%s", "xy"), NW_ERR_TOO_BIG);
        NW_ASSERT_STR(nw_buf_str(&b), "abcd", "after a refused printf");
        CU_ASSERT_EQUAL(nw_buf_putc(&b, 'e'), NW_OK);   /* exactly at the cap is allowed */
        CU_ASSERT_EQUAL(b.len, 5);
        CU_ASSERT_EQUAL(nw_buf_putc(&b, 'f'), NW_ERR_TOO_BIG);
        NW_ASSERT_STR(nw_buf_str(&b), "abcde", NULL);
        nw_buf_free(&b);
}

static void test_growth_keeps_every_byte(void)
{
        struct nw_buf b;
        int ok = 1;

        nw_buf_init(&b, 0);
        for (int i = 0; i < 10000; i++) {
                if (nw_buf_putc(&b, (char)('a' + i % 26)) != NW_OK) {
                        ok = 0;
                }
        }
        CU_ASSERT(ok);
        CU_ASSERT_EQUAL(b.len, 10000);
        CU_ASSERT(b.cap > b.len);
        for (int i = 0; i < 10000 && ok; i++) {
                ok = b.data[i] == (char)('a' + i % 26);
        }
        CU_ASSERT(ok);
        CU_ASSERT_EQUAL(strlen(b.data), 10000);
        nw_buf_free(&b);
}

static void test_reset_and_reuse(void)
{
        struct nw_buf b;
        size_t cap;

        nw_buf_init(&b, 0);
        nw_buf_puts(&b, "first");
        cap = b.cap;
        nw_buf_reset(&b);
        CU_ASSERT_EQUAL(b.len, 0);
        CU_ASSERT_EQUAL(b.cap, cap);
        NW_ASSERT_STR(nw_buf_str(&b), "", "after reset");
        nw_buf_puts(&b, "second");
        NW_ASSERT_STR(nw_buf_str(&b), "second", NULL);
        nw_buf_free(&b);
        CU_ASSERT_PTR_NULL(b.data);
        nw_buf_puts(&b, "third");       /* a freed buffer is reusable */
        NW_ASSERT_STR(nw_buf_str(&b), "third", "after free");
        nw_buf_free(&b);
}

static void test_take_hands_over_memory(void)
{
        struct nw_buf b;
        char *s;

        nw_buf_init(&b, 0);
        nw_buf_puts(&b, "owned");
        s = nw_buf_take(&b);
        NW_ASSERT_STR(s, "owned", NULL);
        CU_ASSERT_PTR_NULL(b.data);
        CU_ASSERT_EQUAL(b.len, 0);
        free(s);
        /* an empty buffer still yields a string the caller can free */
        s = nw_buf_take(&b);
        CU_ASSERT_PTR_NOT_NULL_FATAL(s);
        NW_ASSERT_STR(s, "", "take of an empty buffer");
        free(s);
        nw_buf_free(&b);
}

static void test_xstrndup_stops_at_n(void)
{
        char *s = nw_xstrndup("abcdef", 3);

        NW_ASSERT_STR(s, "abc", NULL);
        free(s);
}

static void test_err_names_are_stable(void)
{
        NW_ASSERT_STR(nw_err_name(NW_OK), "NW_OK", NULL);
        NW_ASSERT_STR(nw_err_name(NW_ERR_BAD_JSON), "NW_ERR_BAD_JSON", NULL);
        NW_ASSERT_STR(nw_err_name(NW_ERR_TOO_DEEP), "NW_ERR_TOO_DEEP", NULL);
        NW_ASSERT_STR(nw_err_name(NW_ERR_NUL_BYTE), "NW_ERR_NUL_BYTE", NULL);
        NW_ASSERT_STR(nw_err_name(NW_ERR__COUNT), "NW_ERR_UNKNOWN", NULL);
        /* every code has a name of its own and some prose: a gap in the table would print NULL */
        for (int e = 0; e < NW_ERR__COUNT; e++) {
                const char *name = nw_err_name((enum nw_err)e);
                CU_ASSERT_PTR_NOT_NULL_FATAL(name);
                CU_ASSERT_EQUAL(strncmp(name, "NW_", 3), 0);
                CU_ASSERT_PTR_NOT_NULL_FATAL(nw_err_str((enum nw_err)e));
                CU_ASSERT(strlen(nw_err_str((enum nw_err)e)) > 0);
                for (int f = 0; f < e; f++) {
                        CU_ASSERT_STRING_NOT_EQUAL(name, nw_err_name((enum nw_err)f));
                }
        }
}

int nw_test_register_buf(void)
{
        static const struct nw_test tests[] = {
                {"empty buffer reads as \"\"", test_empty_buffer_reads_as_empty_string},
                {"append, putc, puts, printf", test_append_putc_puts_printf},
                {"cap refuses and leaves contents", test_cap_refuses_and_leaves_contents},
                {"growth keeps every byte", test_growth_keeps_every_byte},
                {"reset and reuse", test_reset_and_reuse},
                {"take hands over memory", test_take_hands_over_memory},
                {"xstrndup stops at n", test_xstrndup_stops_at_n},
                {"error names are stable", test_err_names_are_stable},
                {NULL, NULL},
        };
        return nw_test_add_suite("buf", tests);
}
