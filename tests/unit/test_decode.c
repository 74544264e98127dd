/* test_decode.c -- unit tests for nw_decode: raw Kafka values to fields, and the classified
 * errors (with reasons) that decide what goes to the dead-letter topic. */
#include "nw_test.h"

#include <stdlib.h>
#include <string.h>

#include "nw_buf.h"
#include "nw_decode.h"

static const struct nw_limits lim = {1 << 20, 32};

static enum nw_err decode(const char *s, const char *ct, struct nw_raw *raw, char *err,
                          size_t err_size)
{
        return nw_decode(s, strlen(s), ct, &lim, raw, err, err_size);
}

static void test_json_known_fields(void)
{
        const char *in = "{\"id\":\"wire-0001\",\"source\":\"Harbour Wire\","
                         "\"url\":\"https://example.com/a\",\"title\":\"Port opens\","
                         "\"body\":\"The port opened.\",\"published_at\":\"2021-05-20\","
                         "\"language\":\"en\",\"content_type\":\"text/html\"}";
        struct nw_raw raw;
        char err[200] = "";

        CU_ASSERT_EQUAL_FATAL(decode(in, NULL, &raw, err, sizeof(err)), NW_OK);
        CU_ASSERT_EQUAL(raw.is_json, 1);
        NW_ASSERT_STR(raw.id, "wire-0001", "id");
        NW_ASSERT_STR(raw.source, "Harbour Wire", "source");
        NW_ASSERT_STR(raw.url, "https://example.com/a", "url");
        NW_ASSERT_STR(raw.title, "Port opens", "title");
        NW_ASSERT_STR(raw.body, "The port opened.", "body");
        NW_ASSERT_STR(raw.published_at, "2021-05-20", "published_at");
        NW_ASSERT_STR(raw.language, "en", "language");
        NW_ASSERT_STR(raw.content_type, "text/html", "content_type");
        CU_ASSERT_PTR_NULL(raw.extra_json);
        nw_raw_free(&raw);
        CU_ASSERT_PTR_NULL(raw.title);
}

static void test_json_escapes_decoded(void)
{
        struct nw_raw raw;
        char err[200] = "";

        CU_ASSERT_EQUAL_FATAL(
                decode("{\"title\":\"A \\\"quote\\\" \\u4e2d\\n\\u00e9 \\ud83d\\ude00\"}", NULL, &raw,
                       err, sizeof(err)),
                NW_OK);
        NW_ASSERT_STR(raw.title, "A \"quote\" \xE4\xB8\xAD\n\xC3\xA9 \xF0\x9F\x98\x80", NULL);
        nw_raw_free(&raw);
}

static void test_json_unknown_fields_kept_in_extra(void)
{
        const char *in = "{\"desk\":\"metro\",\"title\":\"T\",\"meta\":{\"tags\":[\"a\",\"b\"],"
                         "\"n\":3,\"ok\":true,\"z\":null,\"deep\":[{\"k\":[1,[2]]}]},"
                         "\"score\":1.5,\"flag\":false,\"none\":null,\"list\":[]}";
        struct nw_raw raw;
        char err[200] = "";

        CU_ASSERT_EQUAL_FATAL(decode(in, NULL, &raw, err, sizeof(err)), NW_OK);
        NW_ASSERT_STR(raw.title, "T", "title");
        NW_ASSERT_STR(raw.extra_json,
                      "{\"desk\":\"metro\",\"meta\":{\"tags\":[\"a\",\"b\"],\"n\":3,\"ok\":true,"
                      "\"z\":null,\"deep\":[{\"k\":[1,[2]]}]},\"score\":1.5,\"flag\":false,"
                      "\"none\":null,\"list\":[]}",
                      "extra_json");
        nw_raw_free(&raw);
}

static void test_json_known_names_nested_are_extra(void)
{
        /* only top-level members are fields; a nested "title" belongs to extra */
        struct nw_raw raw;
        char err[200] = "";

        CU_ASSERT_EQUAL_FATAL(decode("{\"title\":\"Top\",\"wire\":{\"title\":\"inner\",\"id\":5}}",
                                     NULL, &raw, err, sizeof(err)),
                              NW_OK);
        NW_ASSERT_STR(raw.title, "Top", NULL);
        CU_ASSERT_PTR_NULL(raw.id);
        NW_ASSERT_STR(raw.extra_json, "{\"wire\":{\"title\":\"inner\",\"id\":5}}", NULL);
        nw_raw_free(&raw);
}

static void test_json_numeric_id_and_nulls(void)
{
        struct nw_raw raw;
        char err[200] = "";

        CU_ASSERT_EQUAL_FATAL(decode("{\"id\":123456789012,\"title\":\"T\",\"url\":null,"
                                     "\"body\":null}",
                                     NULL, &raw, err, sizeof(err)),
                              NW_OK);
        NW_ASSERT_STR(raw.id, "123456789012", "numeric id");
        CU_ASSERT_PTR_NULL(raw.url);
        CU_ASSERT_PTR_NULL(raw.body);
        nw_raw_free(&raw);
}

static void test_json_repeated_member_last_wins(void)
{
        struct nw_raw raw;
        char err[200] = "";

        CU_ASSERT_EQUAL_FATAL(decode("{\"title\":\"old\",\"title\":\"new\"}", NULL, &raw, err,
                                     sizeof(err)),
                              NW_OK);
        NW_ASSERT_STR(raw.title, "new", NULL);
        nw_raw_free(&raw);
}

struct err_case {
        const char *name;
        const char *in;
        const char *content_type;
        enum nw_err want;
        const char *reason_has;         /* a word the DLQ reason must contain, or NULL */
};

static const struct err_case err_cases[] = {
        {"title as number", "{\"title\":42}", NULL, NW_ERR_BAD_FIELD, "title"},
        {"title as bool", "{\"title\":true,\"body\":\"b\"}", NULL, NW_ERR_BAD_FIELD, "title"},
        {"body as object", "{\"title\":\"t\",\"body\":{\"x\":1}}", NULL, NW_ERR_BAD_FIELD, "body"},
        {"url as array", "{\"title\":\"t\",\"url\":[\"x\"]}", NULL, NW_ERR_BAD_FIELD, "url"},
        {"id as object", "{\"id\":{},\"title\":\"t\"}", NULL, NW_ERR_BAD_FIELD, "id"},
        {"id as bool", "{\"id\":false,\"title\":\"t\"}", NULL, NW_ERR_BAD_FIELD, "id"},
        {"top-level array", "[{\"title\":\"t\"}]", NULL, NW_ERR_NOT_OBJECT, "array"},
        {"top-level string", "\"just a string\"", "application/json", NW_ERR_NOT_OBJECT, "string"},
        {"top-level number", "42", "application/json", NW_ERR_NOT_OBJECT, "number"},
        {"top-level null", "null", "application/json", NW_ERR_NOT_OBJECT, NULL},
        {"truncated object", "{\"title\":\"Port op", NULL, NW_ERR_BAD_JSON, "JSON"},
        {"truncated after key", "{\"title\":", NULL, NW_ERR_BAD_JSON, "JSON"},
        {"missing value", "{\"title\":}", NULL, NW_ERR_BAD_JSON, "JSON"},
        {"trailing comma", "{\"title\":\"t\",}", NULL, NW_ERR_BAD_JSON, "JSON"},
        {"single quotes", "{'title':'t'}", NULL, NW_ERR_BAD_JSON, "JSON"},
        {"trailing garbage", "{\"title\":\"t\"} and more", NULL, NW_ERR_BAD_JSON, "JSON"},
        {"forced JSON that is text", "Headline\nbody", "application/json", NW_ERR_BAD_JSON, "JSON"},
        {"escaped NUL in title", "{\"title\":\"a\\u0000b\"}", NULL, NW_ERR_NUL_BYTE, "title"},
        {"escaped NUL in body", "{\"title\":\"t\",\"body\":\"x\\u0000\"}", NULL, NW_ERR_NUL_BYTE, "body"},
        {"blank title and body", "{\"title\":\"  \",\"body\":\"\\n\\t\"}", NULL, NW_ERR_NO_CONTENT, NULL},
        {"no title or body", "{\"desk\":\"metro\",\"id\":\"x\"}", NULL, NW_ERR_NO_CONTENT, NULL},
        {"empty object", "{}", NULL, NW_ERR_NO_CONTENT, NULL},
        {"white space only", " \r\n\t ", NULL, NW_ERR_EMPTY, NULL},
        {"bad UTF-8", "{\"title\":\"caf\xC3\"}", NULL, NW_ERR_BAD_UTF8, "offset 13"},
        {"surrogate in text", "Head\xED\xA0\x80line", NULL, NW_ERR_BAD_UTF8, "offset 4"},
};

static void test_error_table(void)
{
        for (size_t i = 0; i < sizeof(err_cases) / sizeof(err_cases[0]); i++) {
                const struct err_case *c = &err_cases[i];
                struct nw_raw raw;
                char err[200] = "";
                enum nw_err got = decode(c->in, c->content_type, &raw, err, sizeof(err));

                CU_ASSERT_EQUAL(got, c->want);
                if (got != c->want) {
                        fprintf(stderr, "\ndecode [%s]: got %s want %s (%s)\n", c->name,
                                nw_err_name(got), nw_err_name(c->want), err);
                }
                /* a DLQ reason is one non-empty line */
                CU_ASSERT(strlen(err) > 0);
                CU_ASSERT_PTR_NULL(strchr(err, '\n'));
                if (c->reason_has) {
                        CU_ASSERT_PTR_NOT_NULL(strstr(err, c->reason_has));
                        if (!strstr(err, c->reason_has)) {
                                fprintf(stderr, "\ndecode [%s]: reason \"%s\" lacks \"%s\"\n",
                                        c->name, err, c->reason_has);
                        }
                }
                /* on error the output holds nothing */
                CU_ASSERT_PTR_NULL(raw.title);
                CU_ASSERT_PTR_NULL(raw.body);
                CU_ASSERT_PTR_NULL(raw.id);
                CU_ASSERT_PTR_NULL(raw.extra_json);
                nw_raw_free(&raw);
        }
}

static void test_empty_value(void)
{
        struct nw_raw raw;
        char err[200] = "";

        CU_ASSERT_EQUAL(nw_decode("", 0, NULL, &lim, &raw, err, sizeof(err)), NW_ERR_EMPTY);
        CU_ASSERT(strlen(err) > 0);
        CU_ASSERT_EQUAL(nw_decode(NULL, 0, NULL, &lim, &raw, err, sizeof(err)), NW_ERR_EMPTY);
}

static void test_nul_byte_in_value(void)
{
        static const char v[] = "Headline\nbo\0dy";
        struct nw_raw raw;
        char err[200] = "";

        CU_ASSERT_EQUAL(nw_decode(v, sizeof(v) - 1, NULL, &lim, &raw, err, sizeof(err)),
                        NW_ERR_NUL_BYTE);
        CU_ASSERT_PTR_NOT_NULL(strstr(err, "11"));      /* the offset of the NUL */
}

static void test_max_bytes(void)
{
        const struct nw_limits small = {16, 32};
        const char *fits = "{\"title\":\"1234\"}";     /* exactly 16 bytes */
        const char *over = "{\"title\":\"12345\"}";    /* 17 */
        struct nw_raw raw;
        char err[200] = "";

        CU_ASSERT_EQUAL_FATAL(strlen(fits), 16);
        CU_ASSERT_EQUAL(nw_decode(fits, strlen(fits), NULL, &small, &raw, err, sizeof(err)), NW_OK);
        nw_raw_free(&raw);
        CU_ASSERT_EQUAL(nw_decode(over, strlen(over), NULL, &small, &raw, err, sizeof(err)),
                        NW_ERR_TOO_BIG);
        CU_ASSERT_PTR_NOT_NULL(strstr(err, "17"));
        CU_ASSERT_PTR_NOT_NULL(strstr(err, "16"));
}

/* {"a":[[...[]...]]} with @p arrays nested arrays: depth arrays + 1 counting the object. */
static char *nested(size_t arrays)
{
        struct nw_buf b;

        nw_buf_init(&b, 0);
        nw_buf_puts(&b, "{\"title\":\"t\",\"a\":");
        for (size_t i = 0; i < arrays; i++) {
                nw_buf_putc(&b, '[');
        }
        for (size_t i = 0; i < arrays; i++) {
                nw_buf_putc(&b, ']');
        }
        nw_buf_putc(&b, '}');
        return nw_buf_take(&b);
}

static void test_depth_limit_boundary(void)
{
        char *at = nested((size_t)lim.max_depth - 1);   /* object + 31 arrays = 32 levels */
        char *over = nested((size_t)lim.max_depth);     /* 33 levels */
        struct nw_raw raw;
        char err[200] = "";

        CU_ASSERT_EQUAL(decode(at, NULL, &raw, err, sizeof(err)), NW_OK);
        CU_ASSERT_PTR_NOT_NULL(raw.extra_json);
        CU_ASSERT_EQUAL(raw.extra_json ? strlen(raw.extra_json) : 0,
                        strlen("{\"a\":}") + 2 * ((size_t)lim.max_depth - 1));
        nw_raw_free(&raw);
        CU_ASSERT_EQUAL(decode(over, NULL, &raw, err, sizeof(err)), NW_ERR_TOO_DEEP);
        CU_ASSERT_PTR_NOT_NULL(strstr(err, "32"));
        free(at);
        free(over);
}

static void test_depth_bomb_does_not_crash(void)
{
        char *bomb = nested(100000);
        struct nw_raw raw;
        char err[200] = "";

        CU_ASSERT_EQUAL(decode(bomb, NULL, &raw, err, sizeof(err)), NW_ERR_TOO_DEEP);
        free(bomb);
        /* an unterminated bomb too: the limit trips before the truncation is seen */
        bomb = nested(100000);
        bomb[strlen(bomb) / 2] = '\0';
        CU_ASSERT_EQUAL(decode(bomb, NULL, &raw, err, sizeof(err)), NW_ERR_TOO_DEEP);
        free(bomb);
}

static void test_plain_text(void)
{
        struct nw_raw raw;
        char err[200] = "";

        CU_ASSERT_EQUAL_FATAL(decode("\n  \t\nHarbour reopens\nShips returned on Monday.\n\n"
                                     "Trade resumed.",
                                     NULL, &raw, err, sizeof(err)),
                              NW_OK);
        CU_ASSERT_EQUAL(raw.is_json, 0);
        NW_ASSERT_STR(raw.title, "Harbour reopens", "title");
        NW_ASSERT_STR(raw.body, "Ships returned on Monday.\n\nTrade resumed.", "body");
        CU_ASSERT_PTR_NULL(raw.id);
        CU_ASSERT_PTR_NULL(raw.extra_json);
        nw_raw_free(&raw);

        CU_ASSERT_EQUAL_FATAL(decode("Only a headline", NULL, &raw, err, sizeof(err)), NW_OK);
        NW_ASSERT_STR(raw.title, "Only a headline", "title only");
        CU_ASSERT_PTR_NULL(raw.body);
        nw_raw_free(&raw);
}

static void test_content_type_decides(void)
{
        struct nw_raw raw;
        char err[200] = "";

        /* text/plain wins over a leading '{' */
        CU_ASSERT_EQUAL_FATAL(decode("{not json} headline\nbody", "text/plain; charset=utf-8", &raw,
                                     err, sizeof(err)),
                              NW_OK);
        CU_ASSERT_EQUAL(raw.is_json, 0);
        NW_ASSERT_STR(raw.title, "{not json} headline", "text/plain");
        NW_ASSERT_STR(raw.body, "body", "text/plain");
        nw_raw_free(&raw);
        /* without a hint a leading '{' (after white space) means JSON */
        CU_ASSERT_EQUAL_FATAL(decode("  \n{\"title\":\"t\"}", NULL, &raw, err, sizeof(err)), NW_OK);
        CU_ASSERT_EQUAL(raw.is_json, 1);
        nw_raw_free(&raw);
        /* and anything else is text, even a JSON scalar */
        CU_ASSERT_EQUAL_FATAL(decode("42", NULL, &raw, err, sizeof(err)), NW_OK);
        CU_ASSERT_EQUAL(raw.is_json, 0);
        NW_ASSERT_STR(raw.title, "42", "scalar without a hint");
        nw_raw_free(&raw);
        /* a json content type forces JSON */
        CU_ASSERT_EQUAL_FATAL(decode("{\"title\":\"t\"}", "application/json", &raw, err,
                                     sizeof(err)),
                              NW_OK);
        CU_ASSERT_EQUAL(raw.is_json, 1);
        nw_raw_free(&raw);
}

int nw_test_register_decode(void)
{
        static const struct nw_test tests[] = {
                {"json: known fields", test_json_known_fields},
                {"json: escapes decoded", test_json_escapes_decoded},
                {"json: unknown fields kept in extra", test_json_unknown_fields_kept_in_extra},
                {"json: nested known names are extra", test_json_known_names_nested_are_extra},
                {"json: numeric id, nulls", test_json_numeric_id_and_nulls},
                {"json: repeated member, last wins", test_json_repeated_member_last_wins},
                {"errors: table", test_error_table},
                {"errors: empty value", test_empty_value},
                {"errors: NUL byte in the value", test_nul_byte_in_value},
                {"errors: max_bytes", test_max_bytes},
                {"errors: depth limit boundary", test_depth_limit_boundary},
                {"errors: depth 100000 does not crash", test_depth_bomb_does_not_crash},
                {"text: title line and body", test_plain_text},
                {"content type decides", test_content_type_decides},
                {NULL, NULL},
        };
        return nw_test_add_suite("decode", tests);
}
