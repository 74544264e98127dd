/* nw_html.c -- HTML to text over gumbo's tree, walked with an explicit stack. */
#include "nw_html.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <gumbo.h>

static const char *const known_tags[] = {
        "p", "br", "div", "span", "a", "b", "i", "em", "strong", "h1", "h2", "h3", "h4", "h5",
        "h6", "ul", "ol", "li", "table", "tr", "td", "html", "body", "head", "script", "style",
        "img", "section", "article", "blockquote", "figure", "figcaption", "pre", "hr", NULL,
};

/* A tag name as the HTML tokenizer reads it: an ASCII letter, then anything up to white space,
 * '/' or '>'. Stopping at the first non-alphanumeric byte instead would let "<x-y>" or "<a\"b>",
 * which gumbo nests like any element, slip past depth_exceeds(). */
static int tag_at(const char *s, size_t len, size_t i, size_t *name_len)
{
        size_t k = i;

        if (k >= len || !isalpha((unsigned char)s[k])) {
                *name_len = 0;
                return 0;
        }
        while (k < len && s[k] != '>' && s[k] != '/' && !isspace((unsigned char)s[k])) {
                k++;
        }
        *name_len = k - i;
        return 1;
}

int nw_html_detect(const char *s, size_t len)
{
        for (size_t i = 0; i + 1 < len; i++) {
                size_t start, n;

                if (s[i] != '<') {
                        continue;
                }
                start = i + 1;
                if (s[start] == '/') {
                        start++;
                }
                if (start < len && s[start] == '!') {
                        return 1;       /* <!DOCTYPE or a comment */
                }
                if (!tag_at(s, len, start, &n)) {
                        continue;
                }
                for (const char *const *t = known_tags; *t; t++) {
                        if (strlen(*t) == n && strncasecmp(*t, s + start, n) == 0) {
                                return 1;
                        }
                }
        }
        return 0;
}

static int is_void(const char *name, size_t n)
{
        static const char *const voids[] = {"br", "img", "hr", "meta", "link", "input", "wbr",
                                            "source", "area", "base", "col", "embed", "param",
                                            "track", NULL};
        for (const char *const *v = voids; *v; v++) {
                if (strlen(*v) == n && strncasecmp(*v, name, n) == 0) {
                        return 1;
                }
        }
        return 0;
}

/* A cheap upper bound on element depth: opening tags minus closing tags, ignoring void
 * elements. gumbo and its tree teardown recurse, so absurd nesting is refused up front. */
static int depth_exceeds(const char *s, size_t len, int max_depth)
{
        long depth = 0;

        for (size_t i = 0; i + 1 < len; i++) {
                size_t n;
                int closing = 0;
                size_t start;

                if (s[i] != '<') {
                        continue;
                }
                start = i + 1;
                if (s[start] == '/') {
                        closing = 1;
                        start++;
                }
                if (!tag_at(s, len, start, &n) || is_void(s + start, n)) {
                        continue;
                }
                depth += closing ? -1 : 1;
                if (depth < 0) {
                        depth = 0;
                }
                if (depth > max_depth) {
                        return 1;
                }
        }
        return 0;
}

static int is_block(GumboTag tag)
{
        switch (tag) {
        case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_BR: case GUMBO_TAG_LI:
        case GUMBO_TAG_UL: case GUMBO_TAG_OL: case GUMBO_TAG_H1: case GUMBO_TAG_H2:
        case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6:
        case GUMBO_TAG_TR: case GUMBO_TAG_TABLE: case GUMBO_TAG_SECTION:
        case GUMBO_TAG_ARTICLE: case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_FIGURE:
        case GUMBO_TAG_FIGCAPTION: case GUMBO_TAG_PRE: case GUMBO_TAG_HR: case GUMBO_TAG_HEADER:
        case GUMBO_TAG_FOOTER: case GUMBO_TAG_ASIDE: case GUMBO_TAG_DL: case GUMBO_TAG_DT:
        case GUMBO_TAG_DD: case GUMBO_TAG_TITLE: case GUMBO_TAG_BODY: case GUMBO_TAG_MAIN:
        case GUMBO_TAG_NAV:
                return 1;
        default:
                return 0;
        }
}

static int is_skipped(GumboTag tag)
{
        return tag == GUMBO_TAG_SCRIPT || tag == GUMBO_TAG_STYLE || tag == GUMBO_TAG_NOSCRIPT ||
               tag == GUMBO_TAG_TEMPLATE || tag == GUMBO_TAG_HEAD || tag == GUMBO_TAG_IFRAME ||
               tag == GUMBO_TAG_OBJECT || tag == GUMBO_TAG_SVG;
}

/* Text nodes keep their words; their own newlines are layout, not paragraph breaks. */
static enum nw_err put_text(struct nw_buf *out, const char *t)
{
        for (; *t; t++) {
                char c = *t == '\n' || *t == '\r' || *t == '\t' ? ' ' : *t;
                if (nw_buf_putc(out, c) != NW_OK) {
                        return NW_ERR_TOO_BIG;
                }
        }
        return NW_OK;
}

struct frame {
        const GumboNode *node;
        unsigned int next_child;
};

enum nw_err nw_html_to_text(const char *s, size_t len, int max_depth, struct nw_buf *out)
{
        GumboOutput *g;
        GumboOptions opts = kGumboDefaultOptions;
        struct frame *stack = NULL;
        size_t depth = 0, cap = 0;
        enum nw_err err = NW_OK;

        if (depth_exceeds(s, len, max_depth)) {
                return NW_ERR_TOO_DEEP;
        }
        /* We never read gumbo's parse errors, and each one copies the whole stack of open
         * elements: unrecorded, deep broken markup costs linear memory, not quadratic. */
        opts.max_errors = 0;
        g = gumbo_parse_with_options(&opts, s, len);
        if (!g) {
                return NW_ERR_TOO_BIG;
        }
        cap = 64;
        stack = nw_xmalloc(cap * sizeof(*stack));
        stack[depth++] = (struct frame){g->root, 0};
        while (depth > 0 && err == NW_OK) {
                struct frame *f = &stack[depth - 1];
                const GumboNode *n = f->node;

                if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_CDATA ||
                    n->type == GUMBO_NODE_WHITESPACE) {
                        err = put_text(out, n->v.text.text);
                        depth--;
                        continue;
                }
                if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_TEMPLATE &&
                    n->type != GUMBO_NODE_DOCUMENT) {
                        depth--;        /* comments */
                        continue;
                }
                if (n->type != GUMBO_NODE_DOCUMENT && is_skipped(n->v.element.tag)) {
                        depth--;
                        continue;
                }
                {
                        const GumboVector *children = n->type == GUMBO_NODE_DOCUMENT
                                                              ? &n->v.document.children
                                                              : &n->v.element.children;
                        int block = n->type != GUMBO_NODE_DOCUMENT && is_block(n->v.element.tag);

                        if (f->next_child == 0 && block) {
                                err = nw_buf_puts(out, "\n\n");
                        }
                        if (f->next_child < children->length) {
                                const GumboNode *child = children->data[f->next_child++];
                                if (depth == cap) {
                                        cap *= 2;
                                        stack = nw_xrealloc(stack, cap * sizeof(*stack));
                                }
                                stack[depth++] = (struct frame){child, 0};
                                continue;
                        }
                        if (block && err == NW_OK) {
                                err = nw_buf_puts(out, "\n\n");
                        }
                        depth--;
                }
        }
        free(stack);
        gumbo_destroy_output(&opts, g);
        return err;
}
