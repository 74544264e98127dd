/* test_language.c -- unit tests for nw_detect_language and the language field: English, the
 * CJK scripts, other languages left unknown (null) rather than guessed, and a producer's
 * language tag normalized. */
#include "nw_test.h"

#include <string.h>

#include "nw_normalize.h"
#include "nw_pipeline.h"

static void test_detect(void)
{
        static const struct {
                const char *text, *lang;
        } cases[] = {
                {"The port said on Monday that cargo volumes rose for the third month.", "en"},
                {"\xE5\x9B\x9B\xE5\xB7\x9D\xE7\x9C\x81\xE7\xAD\xBE\xE7\xBA\xA6\xE9\xA1\xB9\xE7\x9B\xAE"
                 "\xE4\xB8\x89\xE5\x8D\x81\xE4\xB8\x83\xE4\xB8\xAA", "zh"},
                /* kanji with hiragana: Japanese */
                {"\xE6\x9D\xB1\xE4\xBA\xAC\xE3\x81\xA7\xE4\xBC\x9A\xE8\xAD\xB0\xE3\x81\x8C\xE9\x96\x8B"
                 "\xE3\x81\x8B\xE3\x82\x8C\xE3\x81\x9F", "ja"},
                /* hangul */
                {"\xEC\x84\x9C\xEC\x9A\xB8\xEC\x97\x90\xEC\x84\x9C \xED\x9A\x8C\xEC\x9D\x98\xEA\xB0\x80 "
                 "\xEC\x97\xB4\xEB\xA0\xB8\xEB\x8B\xA4", "ko"},
                /* German and Russian: not guessed */
                {"Der Hafen meldete am Montag einen Anstieg der Frachtmengen im dritten Monat.", NULL},
                {"\xD0\x9F\xD0\xBE\xD1\x80\xD1\x82 \xD1\x81\xD0\xBE\xD0\xBE\xD0\xB1\xD1\x89\xD0\xB8"
                 "\xD0\xBB \xD0\xBE \xD1\x80\xD0\xBE\xD1\x81\xD1\x82\xD0\xB5", NULL},
                {"", NULL},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                NW_ASSERT_STR(nw_detect_language(cases[i].text, strlen(cases[i].text)),
                              cases[i].lang, cases[i].text);
        }
}

static void test_producer_tag(void)
{
        static const struct {
                const char *json, *lang;
        } cases[] = {
                {"{\"title\":\"T\",\"body\":\"Der Hafen meldete einen Anstieg.\",\"language\":\"de-DE\"}",
                 "de"},
                {"{\"title\":\"T\",\"body\":\"x\",\"language\":\"EN\"}", "en"},
                /* not a tag: detected from the text instead */
                {"{\"title\":\"T\",\"body\":\"The port said on Monday that volumes rose in the "
                 "quarter.\",\"language\":\"english\"}", "en"},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                static const struct nw_limits lim = {1 << 20, 32};
                struct nw_msg msg = {cases[i].json, strlen(cases[i].json), NULL, 0, NULL, 0, 0};
                struct nw_article a;
                char err[200];

                nw_article_init(&a);
                CU_ASSERT_EQUAL_FATAL(nw_pipeline_process(&lim, &msg, &a, err, sizeof(err)), NW_OK);
                NW_ASSERT_STR(a.language, cases[i].lang, cases[i].json);
                nw_article_free(&a);
        }
}

int nw_test_register_language(void)
{
        static const struct nw_test tests[] = {
                {"scripts and English", test_detect},
                {"producer tags", test_producer_tag},
                {NULL, NULL},
        };
        return nw_test_add_suite("language", tests);
}
