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
 * which gumbo nests like any element, slip past html_bounded(). */
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
                const char *lt = memchr(s + i, '<', len - 1 - i);
                size_t start, n;

                if (!lt) {
                        break;
                }
                i = (size_t)(lt - s);
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

/* ------------------------------------------------------------------ the pre-parse check
 * gumbo nests by the HTML5 tree-construction rules, its time per tag grows with the number
 * of open elements (scope checks walk that stack) and its teardown recurses, so a tag bomb
 * must be refused before gumbo sees it. Opening minus closing tags is not a bound: "</b>"
 * closes nothing inside a <div>, so "<div></b>" x 100,000 nests 100,000 deep (minutes of
 * parsing). This scans the markup once with a model of the parser: a stack of open tag
 * names that an end tag pops only where gumbo would (a matching element, not past a
 * special or scope-boundary element), the implied closes that keep ordinary markup flat
 * (<p>, <li>, <td>, <option>), raw-text elements, comments, and the formatting elements
 * (<b>, <i>...) that gumbo re-opens as copies after an implied close. Where the model
 * cannot tell what gumbo does, it keeps an element open: it may refuse odd markup, it
 * should never admit a tree deeper than the limit (the walk below re-checks the real
 * depth in case it does). */

enum {
        T_SPECIAL = 1 << 0,     /* the spec's "special" category: end-tag walks stop here */
        T_SCOPE = 1 << 1,       /* a scope boundary for "in scope" checks */
        T_FORMAT = 1 << 2,      /* a formatting element: reconstructed after implied closes */
        T_VOID = 1 << 3,        /* never pushed */
        T_CLOSES_P = 1 << 4,    /* its start tag closes an open <p> in button scope */
        T_RAW = 1 << 5,         /* raw text or RCDATA content in HTML: no tags inside */
        T_BREAKOUT = 1 << 6,    /* leaves SVG/MathML content */
        T_FOREIGN_IP = 1 << 7,  /* an SVG/MathML element whose children are HTML (and a boundary) */
        T_TABLE = 1 << 8,       /* table: gumbo may add tbody and tr under it */
        T_BLOCK_END = 1 << 9,   /* its end tag pops to it when in scope (div, ul, section...) */
        T_IN_TABLE = 1 << 10,   /* tbody, thead, tfoot, tr: already counted by <table> */
};

struct tag_info {
        const char *name;
        unsigned int flags;
};

#define SP T_SPECIAL
#define SC (T_SPECIAL | T_SCOPE)
#define BE (T_SPECIAL | T_BLOCK_END)
#define CP (T_SPECIAL | T_BLOCK_END | T_CLOSES_P)
#define FB (T_FORMAT | T_BREAKOUT)
/* sorted by name for bsearch() */
static const struct tag_info tag_table[] = {
        {"a", T_FORMAT},
        {"address", CP},
        {"annotation-xml", T_FOREIGN_IP | SC},
        {"applet", SC | T_BLOCK_END},
        {"area", SP | T_VOID},
        {"article", CP},
        {"aside", CP},
        {"b", FB},
        {"base", SP | T_VOID},
        {"basefont", SP | T_VOID},
        {"bgsound", SP | T_VOID},
        {"big", FB},
        {"blockquote", CP | T_BREAKOUT},
        {"body", SP | T_BREAKOUT},
        {"br", SP | T_VOID | T_BREAKOUT},
        {"button", BE},
        {"caption", SC},
        {"center", CP | T_BREAKOUT},
        {"code", FB},
        {"col", SP | T_VOID},
        {"colgroup", SP},
        {"dd", CP | T_BREAKOUT},
        {"desc", T_FOREIGN_IP | SC},
        {"details", CP},
        {"dialog", CP},
        {"dir", CP},
        {"div", CP | T_BREAKOUT},
        {"dl", CP | T_BREAKOUT},
        {"dt", CP | T_BREAKOUT},
        {"em", FB},
        {"embed", SP | T_VOID | T_BREAKOUT},
        {"fieldset", CP},
        {"figcaption", CP},
        {"figure", CP},
        {"font", T_FORMAT},     /* a breakout only with color/face/size: see start_tag() */
        {"footer", CP},
        {"foreignobject", T_FOREIGN_IP | SC},
        {"form", CP},
        {"frame", SP | T_VOID},
        {"frameset", SP},
        {"h1", CP | T_BREAKOUT},
        {"h2", CP | T_BREAKOUT},
        {"h3", CP | T_BREAKOUT},
        {"h4", CP | T_BREAKOUT},
        {"h5", CP | T_BREAKOUT},
        {"h6", CP | T_BREAKOUT},
        {"head", SP | T_BREAKOUT},
        {"header", CP},
        {"hgroup", CP},
        {"hr", SP | T_VOID | T_CLOSES_P | T_BREAKOUT},
        {"html", SC},
        {"i", FB},
        {"iframe", SP | T_RAW},
        {"image", SP | T_VOID},
        {"img", SP | T_VOID | T_BREAKOUT},
        {"input", SP | T_VOID},
        {"isindex", SP},
        {"keygen", SP | T_VOID},
        {"li", CP | T_BREAKOUT},
        {"link", SP | T_VOID},
        {"listing", CP | T_BREAKOUT},
        {"main", CP},
        {"marquee", SC | T_BLOCK_END},
        {"menu", CP | T_BREAKOUT},
        {"menuitem", SP},
        {"meta", SP | T_VOID | T_BREAKOUT},
        {"mi", T_FOREIGN_IP | SC},
        {"mn", T_FOREIGN_IP | SC},
        {"mo", T_FOREIGN_IP | SC},
        {"ms", T_FOREIGN_IP | SC},
        {"mtext", T_FOREIGN_IP | SC},
        {"nav", CP},
        {"nobr", FB},
        {"noembed", SP | T_RAW},
        {"noframes", SP | T_RAW},
        {"noscript", SP},       /* markup: gumbo parses with scripting off */
        {"object", SC | T_BLOCK_END},
        {"ol", CP | T_BREAKOUT},
        {"p", CP | T_BREAKOUT},
        {"param", SP | T_VOID},
        {"plaintext", SP},
        {"pre", CP | T_BREAKOUT},
        {"ruby", T_BREAKOUT},
        {"s", FB},
        {"script", SP | T_RAW},
        {"search", CP},
        {"section", CP},
        {"select", SP},
        {"small", FB},
        {"source", SP | T_VOID},
        {"span", T_BREAKOUT},
        {"strike", FB},
        {"strong", FB},
        {"style", SP | T_RAW},
        {"sub", T_BREAKOUT},
        {"summary", CP},
        {"sup", T_BREAKOUT},
        {"table", SC | T_TABLE | T_BREAKOUT},
        {"tbody", SP | T_IN_TABLE},
        {"td", SC},
        {"template", SC},
        {"textarea", SP | T_RAW},
        {"tfoot", SP | T_IN_TABLE},
        {"th", SC},
        {"thead", SP | T_IN_TABLE},
        {"title", SC | T_RAW},  /* RCDATA in HTML; an HTML integration point in SVG */
        {"tr", SP | T_IN_TABLE},
        {"track", SP | T_VOID},
        {"tt", FB},
        {"u", FB},
        {"ul", CP | T_BREAKOUT},
        {"var", T_BREAKOUT},
        {"wbr", SP | T_VOID},
        {"xmp", SP | T_RAW | T_CLOSES_P},
};
#undef SP
#undef SC
#undef BE
#undef CP
#undef FB

/* Elements gumbo may create that have no tag of their own: a <table> counts for the tbody
 * and tr it may get, so "<table><td>" (table > tbody > tr > td) counts four, and so does
 * "<table><tbody><tr><td>", whose tbody and tr count nothing of their own. */
static unsigned int weight_of(unsigned int flags)
{
        return (flags & T_TABLE) ? 3 : (flags & T_IN_TABLE) ? 0 : 1;
}

/* Beyond this many elements (tags and reconstructed copies) the body is refused whatever
 * its depth: gumbo's memory and time grow with them, and no article needs this many. */
#define HTML_MAX_ELEMENTS 100000

/* At most this many formatting elements are tracked while closed-but-reopenable. */
#define N_FORMAT 16

struct open_el {
        const char *name;       /* into the input; compared case-insensitively */
        size_t n;
        unsigned int flags;     /* T_*, plus the model's own bits below */
        unsigned int weight;
};

enum {
        M_FOREIGN = 1u << 16,   /* an SVG/MathML element */
        M_DEAD = 1u << 17,      /* gumbo has closed it (breakout); still counted, never matched */
        M_CLONE = 1u << 18,     /* a reconstructed formatting copy: closed only implicitly */
};

struct model {
        struct open_el *st;
        size_t sp, cap;
        long depth;             /* weights of st plus the closed-but-reopenable elements */
        long max_depth;
        size_t elements;
        struct open_el off[N_FORMAT];   /* formatting elements gumbo may reconstruct */
        size_t n_off;
        int over;               /* 1: too deep, 2: too many elements */
};

static int cmp_tag(const void *key, const void *el)
{
        return strcmp(key, ((const struct tag_info *)el)->name);
}

static unsigned int tag_flags(const char *s, size_t n)
{
        char name[16];
        const struct tag_info *t;

        if (n >= sizeof(name)) {
                return 0;       /* longer than any known name: an ordinary element */
        }
        for (size_t i = 0; i < n; i++) {
                name[i] = (char)tolower((unsigned char)s[i]);
        }
        name[n] = '\0';
        t = bsearch(name, tag_table, sizeof(tag_table) / sizeof(tag_table[0]),
                    sizeof(tag_table[0]), cmp_tag);
        return t ? t->flags : 0;
}

static int same_name(const struct open_el *e, const char *s, size_t n)
{
        return e->n == n && strncasecmp(e->name, s, n) == 0;
}

static int name_is(const char *s, size_t n, const char *lit)
{
        return strlen(lit) == n && strncasecmp(s, lit, n) == 0;
}

static void push(struct model *m, const char *name, size_t n, unsigned int flags)
{
        struct open_el e = {name, n, flags, weight_of(flags)};

        m->depth += e.weight;
        m->elements++;
        if (m->depth > m->max_depth) {
                m->over = 1;
                return;
        }
        if (m->elements > HTML_MAX_ELEMENTS) {
                m->over = 2;
                return;
        }
        if (m->sp == m->cap) {
                m->cap = m->cap ? 2 * m->cap : 64;
                m->st = nw_xrealloc(m->st, m->cap * sizeof(*m->st));
        }
        m->st[m->sp++] = e;
}

/* Pop down to and including index @p k. Formatting elements popped on the way (not @p k
 * itself when @p k_is_target) stay in gumbo's list and may come back as copies. */
static void pop_to(struct model *m, size_t k, int k_is_target)
{
        while (m->sp > k) {
                struct open_el *e = &m->st[--m->sp];

                m->depth -= e->weight;
                if ((e->flags & T_FORMAT) && !(e->flags & (M_DEAD | M_FOREIGN)) &&
                    !(k_is_target && m->sp == k)) {
                        if (m->n_off < N_FORMAT) {
                                m->off[m->n_off++] = *e;
                                m->depth += e->weight;  /* still counted: it can return */
                        }
                        /* past N_FORMAT gumbo's list is capped too (three of a kind), but
                         * with distinct attributes it is not: keep counting it as open */
                        else {
                                m->depth += e->weight;
                        }
                }
        }
}

/* Gumbo reopens closed formatting elements before text and most start tags. */
static void reconstruct(struct model *m)
{
        size_t n = m->n_off;

        m->n_off = 0;
        for (size_t i = 0; i < n && !m->over; i++) {
                m->depth -= m->off[i].weight;
                push(m, m->off[i].name, m->off[i].n, m->off[i].flags | M_CLONE);
        }
}

/* The topmost element that is still open in gumbo, or NULL. */
static const struct open_el *top(const struct model *m)
{
        for (size_t k = m->sp; k > 0; k--) {
                if (!(m->st[k - 1].flags & M_DEAD)) {
                        return &m->st[k - 1];
                }
        }
        return NULL;
}

static int in_foreign(const struct model *m)
{
        const struct open_el *t = top(m);
        return t && (t->flags & M_FOREIGN) && !(t->flags & T_FOREIGN_IP);
}

static int any_foreign(const struct model *m)
{
        for (size_t k = 0; k < m->sp; k++) {
                if ((m->st[k].flags & (M_FOREIGN | M_DEAD)) == M_FOREIGN) {
                        return 1;
                }
        }
        return 0;
}

/* Index of the nearest open element named @p s that is "in scope": no boundary (nor,
 * with @p stop_special, any special element) above it. @p extra_stop is one more name
 * that bounds the search (button scope, list item scope). -1 when there is none. */
static long find_in_scope(const struct model *m, const char *s, size_t n, int stop_special,
                          const char *extra_stop)
{
        for (size_t k = m->sp; k > 0; k--) {
                const struct open_el *e = &m->st[k - 1];

                if (e->flags & M_DEAD) {
                        continue;       /* gumbo has closed it already */
                }
                if (e->flags & M_CLONE) {
                        continue;       /* a formatting copy: neither a match nor a stop */
                }
                if (same_name(e, s, n)) {
                        return (long)(k - 1);
                }
                if ((e->flags & T_SCOPE) || (stop_special && (e->flags & T_SPECIAL)) ||
                    (extra_stop && name_is(e->name, e->n, extra_stop))) {
                        return -1;
                }
        }
        return -1;
}

static void close_p(struct model *m)
{
        long k = find_in_scope(m, "p", 1, 0, "button");
        if (k >= 0) {
                pop_to(m, (size_t)k, 1);
        }
}

/* Table parts by level: 1 td/th, 2 tr, 3 tbody/thead/tfoot, 4 caption/colgroup, 5 table. */
static int table_level(const char *s, size_t n)
{
        static const char *const names[] = {"td", "th", "tr", "tbody", "thead", "tfoot",
                                            "caption", "colgroup", "table"};
        static const int level[] = {1, 1, 2, 3, 3, 3, 4, 4, 5};

        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
                if (name_is(s, n, names[i])) {
                        return level[i];
                }
        }
        return 0;
}

/* In "table scope" (bounded by table, template and html only): the nearest open table part
 * of level @p lo (a cell for 1, a row for 2, a section for 3), provided a <table> is open
 * below it; -1 otherwise. Outside a table gumbo ignores these tags, so nothing closes. */
static long table_scope_find(const struct model *m, int lo)
{
        long found = -1;

        for (size_t k = m->sp; k > 0; k--) {
                const struct open_el *e = &m->st[k - 1];
                int lv;

                if (e->flags & (M_DEAD | M_CLONE)) {
                        continue;
                }
                if ((e->flags & M_FOREIGN) || same_name(e, "template", 8) ||
                    same_name(e, "html", 4)) {
                        return -1;
                }
                lv = table_level(e->name, e->n);
                if (lv == 5) {
                        return found;
                }
                if (lv == lo && found < 0) {
                        found = (long)(k - 1);
                }
        }
        return -1;
}

static void end_tag(struct model *m, const char *s, size_t n)
{
        unsigned int f = tag_flags(s, n);
        long k;

        if (f & T_FORMAT) {
                /* the adoption agency acts on the latest element of that name: with no
                 * special element above it, it pops to it; with one, it moves nodes around
                 * without making the stack shallower; a copy may or may not be open yet */
                int on_stack = 0;
                for (size_t j = m->sp; j > 0; j--) {
                        const struct open_el *e = &m->st[j - 1];
                        if (e->flags & M_DEAD) {
                                continue;
                        }
                        if (same_name(e, s, n)) {
                                if (!(e->flags & M_CLONE) && !on_stack) {
                                        pop_to(m, j - 1, 1);
                                }
                                return;
                        }
                        if (e->flags & (T_SPECIAL | T_SCOPE)) {
                                on_stack = 1;   /* keep looking, but pop nothing */
                        }
                }
                /* not open: gumbo drops it from its list of elements to reopen */
                for (size_t i = m->n_off; i > 0; i--) {
                        if (same_name(&m->off[i - 1], s, n)) {
                                m->depth -= m->off[i - 1].weight;
                                memmove(&m->off[i - 1], &m->off[i],
                                        (m->n_off - i) * sizeof(m->off[0]));
                                m->n_off--;
                                return;
                        }
                }
                return;
        }
        if (name_is(s, n, "form")) {
                /* </form> removes the form alone: what is open inside it stays open */
                k = find_in_scope(m, s, n, 0, NULL);
                if (k >= 0) {
                        m->depth -= m->st[k].weight;
                        memmove(&m->st[k], &m->st[k + 1], (m->sp - (size_t)k - 1) * sizeof(m->st[0]));
                        m->sp--;
                }
                return;
        }
        if (name_is(s, n, "p")) {
                close_p(m);
                return;
        }
        if (table_level(s, n)) {
                /* </td>, </tr>, </table>...: table scope, through open cells and rows */
                for (size_t j = m->sp; j > 0; j--) {
                        const struct open_el *e = &m->st[j - 1];
                        if (e->flags & (M_DEAD | M_CLONE)) {
                                continue;
                        }
                        if (same_name(e, s, n)) {
                                pop_to(m, j - 1, 1);
                                return;
                        }
                        if ((e->flags & M_FOREIGN) || same_name(e, "table", 5) ||
                            same_name(e, "template", 8) || same_name(e, "html", 4)) {
                                return;
                        }
                }
                return;
        }
        if (name_is(s, n, "li")) {
                k = find_in_scope(m, s, n, 0, "ul");
                if (k >= 0 && find_in_scope(m, s, n, 0, "ol") == k) {
                        pop_to(m, (size_t)k, 1);
                }
                return;
        }
        if (n == 2 && (s[0] == 'h' || s[0] == 'H') && s[1] >= '1' && s[1] <= '6') {
                /* any open heading closes */
                static const char *const h[] = {"h1", "h2", "h3", "h4", "h5", "h6"};
                long best = -1;
                for (size_t i = 0; i < 6; i++) {
                        k = find_in_scope(m, h[i], 2, 0, NULL);
                        best = k > best ? k : best;
                }
                if (best >= 0) {
                        pop_to(m, (size_t)best, 1);
                }
                return;
        }
        /* block elements, table parts, dd/dt and the rest pop to a match in scope; any other
         * end tag may not pass a special element either */
        k = find_in_scope(m, s, n, !(f & (T_BLOCK_END | T_SCOPE | T_SPECIAL)), NULL);
        if (k >= 0) {
                pop_to(m, (size_t)k, 1);
        }
}

static void start_tag(struct model *m, const char *s, size_t n, const char *attrs,
                      size_t attrs_len, int self_closing)
{
        unsigned int f = tag_flags(s, n);
        long k;

        if (in_foreign(m)) {
                int breakout = (f & T_BREAKOUT) != 0;
                if (name_is(s, n, "font")) {
                        /* <font> leaves SVG only with one of these attributes */
                        for (size_t i = 0; i + 4 <= attrs_len && !breakout; i++) {
                                breakout = strncasecmp(attrs + i, "color", 5) == 0 ||
                                           strncasecmp(attrs + i, "face", 4) == 0 ||
                                           strncasecmp(attrs + i, "size", 4) == 0;
                        }
                }
                if (!breakout) {
                        reconstruct(m);
                        if (!self_closing) {
                                push(m, s, n, M_FOREIGN | (f & T_FOREIGN_IP) |
                                                      (f & T_FOREIGN_IP ? T_SCOPE | T_SPECIAL : 0));
                        }
                        return;
                }
                /* gumbo pops the SVG/MathML elements: they stay counted, but no end tag
                 * can match them any more */
                for (size_t j = m->sp; j > 0; j--) {
                        struct open_el *e = &m->st[j - 1];
                        if (!(e->flags & M_FOREIGN) || (e->flags & T_FOREIGN_IP)) {
                                break;
                        }
                        e->flags |= M_DEAD;
                }
        }
        if (name_is(s, n, "html") || name_is(s, n, "body") || name_is(s, n, "head")) {
                return;         /* merged into the implied ones */
        }
        if (f & T_CLOSES_P) {
                if (name_is(s, n, "li") || name_is(s, n, "dd") || name_is(s, n, "dt")) {
                        /* an open <li> (<dd>, <dt>) closes unless a special element other
                         * than address, div and p is in between */
                        for (size_t j = m->sp; j > 0; j--) {
                                const struct open_el *e = &m->st[j - 1];
                                int list = name_is(s, n, "li") ? same_name(e, "li", 2)
                                                               : same_name(e, "dd", 2) ||
                                                                         same_name(e, "dt", 2);
                                if (e->flags & (M_DEAD | M_CLONE)) {
                                        continue;
                                }
                                if (list) {
                                        pop_to(m, j - 1, 0);
                                        break;
                                }
                                if ((e->flags & T_SPECIAL) && !same_name(e, "address", 7) &&
                                    !same_name(e, "div", 3) && !same_name(e, "p", 1)) {
                                        break;
                                }
                        }
                }
                close_p(m);
                if (n == 2 && (s[0] == 'h' || s[0] == 'H') && s[1] >= '1' && s[1] <= '6') {
                        const struct open_el *t = top(m);
                        if (t && t->n == 2 && (t->name[0] == 'h' || t->name[0] == 'H') &&
                            t->name[1] >= '1' && t->name[1] <= '6' &&
                            !(t->flags & (M_CLONE | M_FOREIGN))) {
                                pop_to(m, m->sp - 1, 0);
                        }
                }
        }
        if (table_level(s, n) >= 1 && table_level(s, n) <= 3) {
                /* a new cell (row, section) closes the open one of its table, and what is
                 * open inside it */
                long j = table_scope_find(m, table_level(s, n));
                if (j >= 0) {
                        pop_to(m, (size_t)j, 0);
                }
        }
        if (name_is(s, n, "option") || name_is(s, n, "optgroup")) {
                const struct open_el *t = top(m);
                if (t && same_name(t, "option", 6) && !(t->flags & M_CLONE)) {
                        pop_to(m, m->sp - 1, 0);
                }
                t = top(m);
                if (name_is(s, n, "optgroup") && t && same_name(t, "optgroup", 8) &&
                    !(t->flags & M_CLONE)) {
                        pop_to(m, m->sp - 1, 0);
                }
        }
        if (name_is(s, n, "a") || name_is(s, n, "nobr") || name_is(s, n, "button")) {
                /* a new <a> first closes an open one, as its end tag would */
                k = find_in_scope(m, s, n, 1, NULL);
                if (k >= 0) {
                        pop_to(m, (size_t)k, 1);
                }
        }
        reconstruct(m);
        if (f & T_VOID) {
                m->elements++;
                if (m->elements > HTML_MAX_ELEMENTS) {
                        m->over = 2;
                }
                return;
        }
        if (name_is(s, n, "svg") || name_is(s, n, "math")) {
                if (!self_closing) {
                        push(m, s, n, M_FOREIGN);
                }
                return;
        }
        push(m, s, n, f & ~T_FOREIGN_IP);
}

static int is_ws(char c)
{
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* A tag name as the tokenizer reads it: up to white space, '/' or '>'. */
static size_t name_len(const char *s, size_t len, size_t i)
{
        size_t k = i;
        while (k < len && s[k] != '>' && s[k] != '/' && !is_ws(s[k])) {
                k++;
        }
        return k - i;
}

/* The rest of a tag from @p i (just past its name) to its '>', by the tokenizer's attribute
 * states: quoted values may hold '>' and '<'. Returns the index past '>', or @p len when the
 * tag runs into the end of input (the tokenizer then drops it). */
static size_t tag_end(const char *s, size_t len, size_t i, int *self_closing)
{
        *self_closing = 0;
        while (i < len) {
                char c = s[i];
                if (is_ws(c)) {
                        i++;
                        continue;
                }
                if (c == '>') {
                        return i + 1;
                }
                if (c == '/') {
                        i++;
                        if (i < len && s[i] == '>') {
                                *self_closing = 1;
                                return i + 1;
                        }
                        continue;
                }
                /* attribute name (its first character may be '=') */
                i++;
                while (i < len && !is_ws(s[i]) && s[i] != '/' && s[i] != '>' && s[i] != '=') {
                        i++;
                }
                while (i < len && is_ws(s[i])) {
                        i++;
                }
                if (i < len && s[i] == '=') {
                        i++;
                        while (i < len && is_ws(s[i])) {
                                i++;
                        }
                        if (i < len && (s[i] == '"' || s[i] == '\'')) {
                                const char *q = memchr(s + i + 1, s[i], len - i - 1);
                                if (!q) {
                                        return len;
                                }
                                i = (size_t)(q - s) + 1;
                        } else {
                                while (i < len && !is_ws(s[i]) && s[i] != '>') {
                                        i++;
                                }
                        }
                }
        }
        return len;
}

/* Past the "-->" or "--!>" that ends a comment whose text starts at @p j; @p len if none. */
static size_t comment_end(const char *s, size_t len, size_t j)
{
        while (j + 3 <= len) {
                const char *d = memchr(s + j, '-', len - j);
                size_t k;
                if (!d) {
                        return len;
                }
                k = (size_t)(d - s);
                if (k + 3 <= len && s[k + 1] == '-' && s[k + 2] == '>') {
                        return k + 3;
                }
                if (k + 4 <= len && s[k + 1] == '-' && s[k + 2] == '!' && s[k + 3] == '>') {
                        return k + 4;
                }
                j = k + 1;
        }
        return len;
}

static const char *find_ci(const char *s, size_t len, size_t from, const char *needle)
{
        size_t nl = strlen(needle);
        for (size_t i = from; i + nl <= len; i++) {
                if (s[i] == needle[0] && strncasecmp(s + i, needle, nl) == 0) {
                        return s + i;
                }
        }
        return NULL;
}

/* Where raw text that began at @p i ends: the next "</name" followed by white space, '/'
 * or '>'; @p len when it never does. */
static size_t raw_end(const char *s, size_t len, size_t i, const char *name, size_t n)
{
        while (i + 2 + n <= len) {
                const char *lt = memchr(s + i, '<', len - i);
                size_t k;
                if (!lt) {
                        return len;
                }
                k = (size_t)(lt - s);
                if (k + 2 + n <= len && s[k + 1] == '/' && strncasecmp(s + k + 2, name, n) == 0 &&
                    (k + 2 + n == len || is_ws(s[k + 2 + n]) || s[k + 2 + n] == '/' ||
                     s[k + 2 + n] == '>')) {
                        return k;
                }
                i = k + 1;
        }
        return len;
}

/* Script data has escapes: inside "<!--", a "<script" makes the next "</script" part of
 * the text. The script ends at a "</script" outside that double escape. */
static size_t script_end(const char *s, size_t len, size_t i)
{
        int state = 0;  /* 0 data, 1 escaped, 2 double escaped */

        for (; i < len; i++) {
                if (state == 0 && i + 4 <= len && memcmp(s + i, "<!--", 4) == 0) {
                        state = 1;
                        i += 3;
                        /* "<!-->" ends the escape at once */
                        if (i + 1 < len && s[i + 1] == '>') {
                                state = 0;
                                i++;
                        }
                        continue;
                }
                if (state != 0 && i + 3 <= len && memcmp(s + i, "-->", 3) == 0) {
                        state = 0;
                        i += 2;
                        continue;
                }
                if (s[i] != '<') {
                        continue;
                }
                if (i + 8 <= len && s[i + 1] == '/' && strncasecmp(s + i + 2, "script", 6) == 0 &&
                    (i + 8 == len || is_ws(s[i + 8]) || s[i + 8] == '/' || s[i + 8] == '>')) {
                        if (state == 2) {
                                state = 1;
                                continue;
                        }
                        return i;
                }
                if (state == 1 && i + 7 <= len && strncasecmp(s + i + 1, "script", 6) == 0 &&
                    (i + 7 == len || is_ws(s[i + 7]) || s[i + 7] == '/' || s[i + 7] == '>')) {
                        state = 2;
                }
        }
        return len;
}

/* @returns 0 when gumbo may parse @p s, 1 when it nests deeper than @p max_depth,
 * 2 when it has too many elements. */
static int html_bounded(const char *s, size_t len, int max_depth)
{
        struct model m;
        size_t i = 0;
        size_t starts_only_until = 0;   /* end tags before this may be text: ignored */
        int ret;

        memset(&m, 0, sizeof(m));
        m.max_depth = max_depth;
        while (i < len && !m.over) {
                const char *lt = memchr(s + i, '<', len - i);
                size_t k, n, end;
                int self_closing;

                if (!lt) {
                        break;
                }
                if (m.n_off && lt > s + i) {
                        reconstruct(&m);        /* text before the tag */
                        if (m.over) {
                                break;
                        }
                }
                k = (size_t)(lt - s);
                if (k + 1 >= len) {
                        break;
                }
                if (k + 4 <= len && memcmp(s + k, "<!--", 4) == 0) {
                        /* comments end at "-->" or "--!>"; "<!-->" and "<!--->" at once */
                        size_t j = k + 4;
                        if (j < len && s[j] == '>') {
                                i = j + 1;
                        } else if (j + 1 < len && s[j] == '-' && s[j + 1] == '>') {
                                i = j + 2;
                        } else {
                                i = comment_end(s, len, j);
                                if (i >= len) {
                                        break;
                                }
                        }
                        continue;
                }
                if (k + 9 <= len && memcmp(s + k, "<![CDATA[", 9) == 0) {
                        /* CDATA in SVG/MathML (to "]]>"), a bogus comment in HTML (to '>'):
                         * past the first '>' what gumbo sees depends on where it is, so
                         * the model counts start tags there but trusts no end tag */
                        const char *gt = memchr(s + k, '>', len - k);
                        const char *cd = starts_only_until >= len ? NULL
                                                                  : find_ci(s, len, k + 9, "]]>");
                        if (!gt) {
                                break;
                        }
                        i = (size_t)(gt - s) + 1;
                        if (cd && (size_t)(cd - s) + 3 > starts_only_until) {
                                starts_only_until = (size_t)(cd - s) + 3;
                        } else if (!cd) {
                                starts_only_until = len;
                        }
                        continue;
                }
                if (s[k + 1] == '!' || s[k + 1] == '?') {
                        const char *gt = memchr(s + k, '>', len - k);
                        if (!gt) {
                                break;
                        }
                        i = (size_t)(gt - s) + 1;
                        continue;
                }
                if (s[k + 1] == '/') {
                        if (k + 2 < len && s[k + 2] == '>') {
                                i = k + 3;      /* "</>" is dropped */
                                continue;
                        }
                        if (k + 2 >= len || !isalpha((unsigned char)s[k + 2])) {
                                const char *gt = memchr(s + k, '>', len - k);
                                if (!gt) {
                                        break;
                                }
                                i = (size_t)(gt - s) + 1;       /* a bogus comment */
                                continue;
                        }
                        n = name_len(s, len, k + 2);
                        end = tag_end(s, len, k + 2 + n, &self_closing);
                        if (end >= len && s[len - 1] != '>') {
                                break;  /* cut off by the end of input: dropped */
                        }
                        if (k >= starts_only_until) {
                                end_tag(&m, s + k + 2, n);
                        }
                        i = end;
                        continue;
                }
                if (!isalpha((unsigned char)s[k + 1])) {
                        i = k + 1;      /* "<" as text */
                        continue;
                }
                n = name_len(s, len, k + 1);
                end = tag_end(s, len, k + 1 + n, &self_closing);
                if (end >= len && s[len - 1] != '>') {
                        break;
                }
                {
                        const char *name = s + k + 1;
                        unsigned int f = tag_flags(name, n);
                        int foreign_ctx = in_foreign(&m);

                        start_tag(&m, name, n, s + k + 1 + n, end - (k + 1 + n), self_closing);
                        i = end;
                        if (m.over || foreign_ctx) {
                                continue;       /* in SVG/MathML nothing is raw text */
                        }
                        if (name_is(name, n, "plaintext")) {
                                starts_only_until = len;        /* the rest is text */
                        } else if (f & T_RAW) {
                                if (any_foreign(&m)) {
                                        /* under SVG/MathML the model may be wrong about where
                                         * gumbo is (rare in articles): count start tags only */
                                        starts_only_until = len;
                                } else if (name_is(name, n, "script")) {
                                        i = script_end(s, len, i);
                                } else {
                                        i = raw_end(s, len, i, name, n);
                                }
                        }
                }
        }
        ret = m.over;
        free(m.st);
        return ret;
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

/* gumbo_destroy_output() frees the tree recursively, one C frame per level. Every node is
 * hung directly under the document first, so that its recursion is one level deep whatever
 * the depth of the tree. The vector is gumbo's own type, allocated with its allocator. */
static void flatten(GumboOutput *g, const GumboOptions *opts)
{
        GumboVector *top = &g->document->v.document.children;
        size_t n = 0, cap = top->length + 64;
        void **all = opts->allocator(opts->userdata, cap * sizeof(*all));

        for (unsigned int i = 0; i < top->length; i++) {
                all[n++] = top->data[i];
        }
        for (size_t i = 0; i < n; i++) {
                GumboNode *node = all[i];
                GumboVector *kids;

                if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE) {
                        continue;
                }
                kids = &node->v.element.children;
                if (n + kids->length > cap) {
                        size_t ncap = 2 * (n + kids->length);
                        void **bigger = opts->allocator(opts->userdata, ncap * sizeof(*all));
                        memcpy(bigger, all, n * sizeof(*all));
                        opts->deallocator(opts->userdata, all);
                        all = bigger;
                        cap = ncap;
                }
                for (unsigned int k = 0; k < kids->length; k++) {
                        all[n++] = kids->data[k];
                }
                kids->length = 0;       /* its array is still freed with the node */
        }
        opts->deallocator(opts->userdata, top->data);
        top->data = all;
        top->length = (unsigned int)n;
        top->capacity = (unsigned int)cap;
}

enum nw_err nw_html_to_text(const char *s, size_t len, int max_depth, struct nw_buf *out)
{
        GumboOutput *g;
        GumboOptions opts = kGumboDefaultOptions;
        struct frame *stack = NULL;
        size_t depth = 0, cap = 0, out_len = out->len;
        enum nw_err err = NW_OK;
        int bounded = html_bounded(s, len, max_depth);

        if (bounded == 1) {
                return NW_ERR_TOO_DEEP;
        }
        if (bounded == 2) {
                return NW_ERR_TOO_BIG;
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
                /* the real depth, in case html_bounded() let a deeper tree through: the stack
                 * holds <html> and <body>, which the markup need not spell out */
                if ((long)depth > (long)max_depth + 2) {
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
                        /* under the fuzzer a model that undercounts grossly is the bug to find:
                         * a small undercount is refused right here, at no risk, but a large one
                         * would let gumbo's quadratic nesting through */
                        if ((long)depth > 2 * ((long)max_depth + 2)) {
                                abort();
                        }
#endif
                        err = NW_ERR_TOO_DEEP;
                        break;
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
        if (err == NW_ERR_TOO_DEEP) {
                /* refused: none of this body's text stays in @p out */
                out->len = out_len;
                if (out->data) {
                        out->data[out_len] = '\0';
                }
        }
        flatten(g, &opts);
        gumbo_destroy_output(&opts, g);
        return err;
}
