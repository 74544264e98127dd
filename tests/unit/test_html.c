/* test_html.c -- unit tests for nw_html: deciding whether a body is markup, turning it into
 * paragraph text, and refusing tag bombs before gumbo (which recurses) sees them. */
#include "nw_test.h"

#include <stdlib.h>
#include <string.h>

#include "nw_html.h"
#include "nw_text.h"

struct detect_case {
        const char *s;
        int want;
};

static const struct detect_case detect_cases[] = {
        {"<p>x</p>", 1},
        {"Text<br>more", 1},
        {"<BR/>", 1},
        {"<DIV class=\"story\">x</DIV>", 1},
        {"end of story</p>", 1},
        {"<!DOCTYPE html><title>t</title>", 1},
        {"<!-- note -->text", 1},
        {"<a href=\"http://example.com/\">link</a>", 1},
        {"a < b and c > d", 0},
        {"x<3 and y>2", 0},
        {"profits <5% this year", 0},
        {"plain wire copy, no markup at all", 0},
        {"an <unknown> word in angle brackets", 0},
        {"", 0},
        {"<", 0},
};

static void test_detect_table(void)
{
        for (size_t i = 0; i < sizeof(detect_cases) / sizeof(detect_cases[0]); i++) {
                const struct detect_case *c = &detect_cases[i];
                int got = nw_html_detect(c->s, strlen(c->s));

                CU_ASSERT_EQUAL(got, c->want);
                if (got != c->want) {
                        fprintf(stderr, "\nhtml detect [%s]: got %d want %d\n", c->s, got,
                                c->want);
                }
        }
}

/* HTML -> text -> normalized text, the way nw_normalize uses the pair. */
static char *html_text(const char *html, int max_depth, enum nw_err *err)
{
        struct nw_buf raw, out;

        nw_buf_init(&raw, 0);
        nw_buf_init(&out, 0);
        *err = nw_html_to_text(html, strlen(html), max_depth, &raw);
        if (*err == NW_OK) {
                *err = nw_text_normalize(raw.data, raw.len, 1, &out);
        }
        nw_buf_free(&raw);
        return nw_buf_take(&out);
}

struct text_case {
        const char *name;
        const char *html;
        const char *want;
};

static const struct text_case text_cases[] = {
        {"paragraphs", "<p>One.</p><p>Two.</p>", "One.\n\nTwo."},
        {"lower-case paragraph still breaks", "<p>first part</p><p>second part</p>",
         "first part\n\nsecond part"},
        {"br", "Line one<br>line two<br/>line three", "Line one\n\nline two\n\nline three"},
        {"div", "<div>Alpha</div><div>beta</div>", "Alpha\n\nbeta"},
        {"headings and lists", "<h1>Head</h1><ul><li>one</li><li>two</li></ul>",
         "Head\n\none\n\ntwo"},
        {"entities", "<p>Tom &amp; Jerry &#8220;quoted&#8221; &lt;tag&gt; &#x4E2D;</p>",
         "Tom & Jerry \xE2\x80\x9Cquoted\xE2\x80\x9D <tag> \xE4\xB8\xAD"},
        {"nbsp entity", "<p>6.15&nbsp;billion</p>", "6.15 billion"},
        {"inline elements keep words", "<p>An <b>early</b> <i>start</i>, <a href=\"/x\">here</a>.</p>",
         "An early start, here."},
        {"script and style dropped",
         "<p>Keep</p><script>var leak = 1;</script><style>p { color: red }</style><p>this</p>",
         "Keep\n\nthis"},
        {"head dropped", "<html><head><title>Tab title</title></head><body><p>Body</p></body></html>",
         "Body"},
        {"comment dropped", "<p>Before<!-- hidden -->after</p>", "Beforeafter"},
        {"newlines inside text are layout", "<p>a hard\nwrapped\r\nline</p>", "a hard wrapped line"},
        {"fragment without tags around text", "Lead text <b>bold</b> tail", "Lead text bold tail"},
};

static void test_to_text_table(void)
{
        for (size_t i = 0; i < sizeof(text_cases) / sizeof(text_cases[0]); i++) {
                const struct text_case *c = &text_cases[i];
                enum nw_err err;
                char *got = html_text(c->html, 32, &err);

                CU_ASSERT_EQUAL(err, NW_OK);
                NW_ASSERT_STR(got, c->want, c->name);
                free(got);
        }
}

static void test_to_text_paragraphs_end_with_blank_line(void)
{
        struct nw_buf out;

        nw_buf_init(&out, 0);
        CU_ASSERT_EQUAL(nw_html_to_text("<p>x</p>", 8, 32, &out), NW_OK);
        /* raw output before normalization: the paragraph is fenced by "\n\n" */
        CU_ASSERT_PTR_NOT_NULL(strstr(nw_buf_str(&out), "x\n\n"));
        CU_ASSERT_PTR_NULL(strstr(nw_buf_str(&out), "<"));
        nw_buf_free(&out);
}

static char *repeat(const char *unit, size_t n)
{
        size_t ul = strlen(unit);
        char *s = malloc(ul * n + 1);

        CU_ASSERT_PTR_NOT_NULL_FATAL(s);
        for (size_t i = 0; i < n; i++) {
                memcpy(s + i * ul, unit, ul);
        }
        s[ul * n] = '\0';
        return s;
}

static void test_depth_limit_boundary(void)
{
        char *at = repeat("<div>", 10);
        char *over = repeat("<div>", 11);
        struct nw_buf out;

        nw_buf_init(&out, 0);
        CU_ASSERT_EQUAL(nw_html_to_text(at, strlen(at), 10, &out), NW_OK);
        nw_buf_reset(&out);
        nw_buf_puts(&out, "kept");
        CU_ASSERT_EQUAL(nw_html_to_text(over, strlen(over), 10, &out), NW_ERR_TOO_DEEP);
        /* refused before parsing: nothing was appended */
        NW_ASSERT_STR(nw_buf_str(&out), "kept", "output after TOO_DEEP");
        nw_buf_free(&out);
        free(at);
        free(over);
}

static void test_depth_counts_any_tag_name(void)
{
        /* custom and malformed names nest in gumbo like any element, so they count too */
        static const char *const units[] = {"<x-y>", "<news-item class=a>", "<a\"b>", "<h1.x>"};
        struct nw_buf out;

        nw_buf_init(&out, 0);
        for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
                char *bomb = repeat(units[i], 40);
                CU_ASSERT_EQUAL(nw_html_to_text(bomb, strlen(bomb), 32, &out), NW_ERR_TOO_DEEP);
                if (out.len != 0) {
                        fprintf(stderr, "\nhtml depth [%s] not refused\n", units[i]);
                }
                nw_buf_reset(&out);
                free(bomb);
        }
        nw_buf_free(&out);
}

static void test_depth_counts_only_open_elements(void)
{
        /* siblings, void elements and closed elements do not add depth */
        char *siblings = repeat("<p>x</p>", 500);
        char *voids = repeat("<br><img src=x><hr>", 500);
        struct nw_buf out;

        nw_buf_init(&out, 0);
        CU_ASSERT_EQUAL(nw_html_to_text(siblings, strlen(siblings), 4, &out), NW_OK);
        nw_buf_reset(&out);
        CU_ASSERT_EQUAL(nw_html_to_text(voids, strlen(voids), 4, &out), NW_OK);
        nw_buf_free(&out);
        free(siblings);
        free(voids);
}

static void test_tag_bomb_refused(void)
{
        char *bomb = repeat("<span><b>", 50000);
        struct nw_buf out;

        nw_buf_init(&out, 0);
        CU_ASSERT_EQUAL(nw_html_to_text(bomb, strlen(bomb), 64, &out), NW_ERR_TOO_DEEP);
        CU_ASSERT_EQUAL(out.len, 0);
        nw_buf_free(&out);
        free(bomb);
}

static void test_deep_but_allowed_nesting(void)
{
        /* within the limit gumbo runs; the explicit stack must grow past its first 64 frames */
        char *open = repeat("<div>", 150);
        struct nw_buf html, out;

        nw_buf_init(&html, 0);
        nw_buf_init(&out, 0);
        nw_buf_puts(&html, open);
        nw_buf_puts(&html, "deep words");
        CU_ASSERT_EQUAL(nw_html_to_text(html.data, html.len, 200, &out), NW_OK);
        CU_ASSERT_PTR_NOT_NULL(strstr(nw_buf_str(&out), "deep words"));
        nw_buf_free(&html);
        nw_buf_free(&out);
        free(open);
}

static void test_to_text_respects_cap(void)
{
        struct nw_buf out;
        const char *html = "<p>a paragraph longer than the cap</p>";

        nw_buf_init(&out, 10);
        CU_ASSERT_EQUAL(nw_html_to_text(html, strlen(html), 32, &out), NW_ERR_TOO_BIG);
        CU_ASSERT(out.len <= 10);
        nw_buf_free(&out);
}

/* ---- hostile markup (issue 6): the pre-parse model must follow what gumbo nests ---- */

static enum nw_err html_repeat(const char *head, const char *unit, size_t n, const char *tail,
                               int max_depth)
{
        char *body = repeat(unit, n);
        struct nw_buf html, out;
        enum nw_err err;

        nw_buf_init(&html, 0);
        nw_buf_init(&out, 0);
        nw_buf_puts(&html, head);
        nw_buf_puts(&html, body);
        nw_buf_puts(&html, tail);
        err = nw_html_to_text(html.data, html.len, max_depth, &out);
        if (err != NW_OK) {
                CU_ASSERT_EQUAL(out.len, 0);    /* refused before anything was appended */
        }
        nw_buf_free(&html);
        nw_buf_free(&out);
        free(body);
        return err;
}

struct hostile_case {
        const char *name, *head, *unit, *tail;
        size_t n;
        enum nw_err want;
};

static const struct hostile_case hostile_cases[] = {
        /* closing tags that close nothing where they stand: gumbo keeps nesting */
        {"div then stray </b>", "", "<div></b>", "", 100000, NW_ERR_TOO_DEEP},
        {"b div /b (adoption agency)", "", "<b><div></b>", "", 200, NW_ERR_TOO_DEEP},
        {"</div> inside a comment", "", "<div><!--</div>-->", "", 200, NW_ERR_TOO_DEEP},
        {"</div> inside --!> comment", "", "<div><!-- x --!></span>", "", 200, NW_ERR_TOO_DEEP},
        {"</div> inside an attribute", "", "<div title=\"</div>\">", "", 200, NW_ERR_TOO_DEEP},
        {"</div> inside a script", "", "<div><script>'</div>'</script>", "", 200, NW_ERR_TOO_DEEP},
        {"</div> inside a textarea", "", "<div><textarea></div></textarea>", "", 200,
         NW_ERR_TOO_DEEP},
        {"</form> leaves its children open", "", "<form><div></form>", "", 200, NW_ERR_TOO_DEEP},
        {"formatting reopened after </p>", "", "<p><b>x</p>y", "", 200, NW_ERR_TOO_DEEP},
        {"formatting reopened with distinct attributes", "<p>", "<b id=1><i id=2>", "</p>x", 40,
         NW_ERR_TOO_DEEP},
        {"svg breakout", "", "<svg><b/></svg>", "", 200, NW_ERR_TOO_DEEP},
        {"unclosed table cells nest tables", "", "<table><td>", "", 100, NW_ERR_TOO_DEEP},
        {"too many elements", "", "<br>", "", 100001, NW_ERR_TOO_BIG},
        /* ordinary and sloppy markup that gumbo keeps flat must still pass */
        {"unclosed paragraphs", "", "<p>para", "", 5000, NW_OK},
        {"unclosed list items", "<ul>", "<li>item", "</ul>", 5000, NW_OK},
        {"unclosed dt/dd", "<dl>", "<dt>term<dd>definition", "</dl>", 2000, NW_OK},
        {"unclosed table cells and rows", "<table>", "<tr><td>a<td>b<th>c", "</table>", 2000,
         NW_OK},
        {"nested tables, closed", "", "<table><tr><td>a<table><tr><td>b</table></td></tr></table>",
         "", 500, NW_OK},
        {"unclosed anchors", "", "<a href=\"/x\">link ", "", 5000, NW_OK},
        {"unclosed options", "<select>", "<option>o", "</select>", 2000, NW_OK},
        {"headings without end tags", "", "<h2>a<h3>b", "", 2000, NW_OK},
        {"tags inside a script are text", "<script>", "<div>", "</script><p>x</p>", 5000, NW_OK},
        {"tags inside a style are text", "<style>", "<div>", "</style><p>x</p>", 5000, NW_OK},
        {"tags inside a comment are text", "<!--", "<div>", "--><p>x</p>", 5000, NW_OK},
        {"svg with many self-closed children", "<svg>", "<path d=\"M0 0\"/>", "</svg><p>x</p>",
         2000, NW_OK},
        {"closed formatting in paragraphs", "", "<p><b>bold</b> and <i>it</i></p>", "", 5000,
         NW_OK},
};

static void test_hostile_markup_table(void)
{
        for (size_t i = 0; i < sizeof(hostile_cases) / sizeof(hostile_cases[0]); i++) {
                const struct hostile_case *c = &hostile_cases[i];
                enum nw_err got = html_repeat(c->head, c->unit, c->n, c->tail, 64);

                CU_ASSERT_EQUAL(got, c->want);
                if (got != c->want) {
                        fprintf(stderr, "\nhtml hostile [%s]: got %s want %s\n", c->name,
                                nw_err_name(got), nw_err_name(c->want));
                }
        }
}

static void test_real_depth_matches_limit(void)
{
        /* at the limit gumbo's tree is walked; one deeper is refused by the model */
        CU_ASSERT_EQUAL(html_repeat("", "<span>", 64, "x", 64), NW_OK);
        CU_ASSERT_EQUAL(html_repeat("", "<span>", 65, "x", 64), NW_ERR_TOO_DEEP);
        /* a table counts what gumbo adds under it (tbody, tr) */
        CU_ASSERT_EQUAL(html_repeat("", "<table><tr><td>", 16, "x", 64), NW_OK);
        CU_ASSERT_EQUAL(html_repeat("", "<table><tr><td>", 17, "x", 64), NW_ERR_TOO_DEEP);
}

int nw_test_register_html(void)
{
        static const struct nw_test tests[] = {
                {"detect: table", test_detect_table},
                {"to_text: table", test_to_text_table},
                {"to_text: paragraphs end with a blank line", test_to_text_paragraphs_end_with_blank_line},
                {"to_text: depth limit boundary", test_depth_limit_boundary},
                {"to_text: only open elements count", test_depth_counts_only_open_elements},
                {"to_text: any tag name counts", test_depth_counts_any_tag_name},
                {"to_text: tag bomb refused", test_tag_bomb_refused},
                {"to_text: deep but allowed nesting", test_deep_but_allowed_nesting},
                {"to_text: respects the cap", test_to_text_respects_cap},
                {"to_text: hostile markup", test_hostile_markup_table},
                {"to_text: real depth at the limit", test_real_depth_matches_limit},
                {NULL, NULL},
        };
        return nw_test_add_suite("html", tests);
}
