/* mustache: compiler (tokenize, pair tags, apply the standalone-line and block
 * re-indentation rules, emit a flat node array) and renderer (context stack,
 * override chain for inheritance, indentation inserted while writing). */
#include "render/mustache.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

#define NONE SIZE_MAX

/* Token and node kinds; nodes use the subset that renders. */
enum {
	K_TEXT,
	K_VAR,      /* {{name}}: escaped */
	K_RAW,      /* {{{name}}} or {{& name}} */
	K_SECTION,  /* {{#name}} */
	K_INVERTED, /* {{^name}} */
	K_PARTIAL,  /* {{>name}} */
	K_PARENT,   /* {{<name}} */
	K_BLOCK,    /* {{$name}} */
	K_CLOSE,    /* {{/name}} */
	K_COMMENT,  /* {{!...}} */
	K_DELIM,    /* {{=<% %>=}} */
};

static bool is_container(int kind)
{
	return kind == K_SECTION || kind == K_INVERTED || kind == K_PARENT || kind == K_BLOCK;
}

/* ---------------------------------------------------------------- compiler */

typedef struct {
	int kind;
	const char *s; /* text, or the tag's trimmed name */
	size_t len;
	const char *raw; /* the whole tag as written, for messages */
	size_t rawlen;
	/* PARTIAL/PARENT: indentation (the white space a standalone tag stood
	 * on); BLOCK: indentation added to each line of the block's content. */
	const char *ind;
	size_t indlen;
	int line, col;
	bool dynamic; /* {{>*name}}: the name is looked up in the context */
	size_t lno;   /* index of the source line the token starts on */
	size_t up;    /* enclosing opening tag, NONE at top level */
	size_t match; /* opening tag <-> its closing tag */
	bool line_start, left_ws, right_ws, standalone, removed;
	const char *strip; /* BLOCK: indentation its content lines share */
	size_t striplen;
	bool dedented, ind_rel; /* already adjusted by an inner block */
} tok_t;

typedef struct {
	const char *name;
	const char *src;
	size_t len;
	size_t pos;
	int line, col;
	diag_list_t *diags;
	tok_t *toks;
	size_t ntok, cap;
} parser_t;

typedef struct {
	int kind;
	bool dynamic;
	bool standalone;
	size_t end; /* containers: index just past the last child */
	const char *s;
	size_t len;
	const char *ind;
	size_t indlen;
	int line, col;
} node_t;

struct mst {
	char *name;
	char *src; /* owned copy: node strings point into it */
	node_t *nodes;
	size_t n, cap;
};

static void perr(parser_t *p, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void perr(parser_t *p, int line, int col, const char *fmt, ...)
{
	if (!p->diags)
		return;
	buf_t b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	diag_add(p->diags, DIAG_ERROR, p->name, line, col, "mustache-syntax", "%s", buf_cstr(&b));
	buf_free(&b);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static void trim(const char **s, size_t *n)
{
	while (*n && is_space(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && is_space((*s)[*n - 1]))
		(*n)--;
}

/* Quoted tags are cut so that a runaway tag does not flood the message. */
static int quote_len(size_t n)
{
	return n > 60 ? 60 : (int)n;
}

/* Length of s up to the end of its line, for quoting an unclosed tag. */
static size_t line_len(const char *s, size_t n)
{
	const char *nl = memchr(s, '\n', n);
	return nl ? (size_t)(nl - s) : n;
}

static const char *find(const char *hay, size_t n, const char *needle, size_t m)
{
	const char *end = hay + n;
	while ((size_t)(end - hay) >= m) {
		const char *c = memchr(hay, needle[0], (size_t)(end - hay) - m + 1);
		if (!c)
			return NULL;
		if (memcmp(c, needle, m) == 0)
			return c;
		hay = c + 1;
	}
	return NULL;
}

/* First ch immediately followed by the closing delimiter: "}" + "}}". */
static const char *find_pre(const char *hay, size_t n, char ch, const char *ctag, size_t clen)
{
	const char *start = hay, *end = hay + n;
	while (hay < end) {
		const char *c = find(hay, (size_t)(end - hay), ctag, clen);
		if (!c)
			return NULL;
		if (c > start && c[-1] == ch)
			return c - 1;
		hay = c + 1;
	}
	return NULL;
}

/* Columns count characters, not bytes, as editors do with the accented
 * French text around tags. */
static void advance(parser_t *p, size_t to)
{
	for (; p->pos < to; p->pos++) {
		unsigned char c = (unsigned char)p->src[p->pos];
		if (c == '\n') {
			p->line++;
			p->col = 1;
		} else if ((c & 0xC0) != 0x80) {
			p->col++;
		}
	}
}

static tok_t *new_tok(parser_t *p, int kind)
{
	p->toks = xgrow(p->toks, &p->cap, p->ntok + 1, sizeof *p->toks);
	tok_t *t = &p->toks[p->ntok++];
	memset(t, 0, sizeof *t);
	t->kind = kind;
	t->line = p->line;
	t->col = p->col;
	t->up = t->match = NONE;
	return t;
}

/* Text is split after each newline so that every line's tokens can be
 * judged for standalone tags and indentation. */
static void push_text(parser_t *p, size_t from, size_t to)
{
	while (from < to) {
		const char *nl = memchr(p->src + from, '\n', to - from);
		size_t end = nl ? (size_t)(nl - p->src) + 1 : to;
		tok_t *t = new_tok(p, K_TEXT);
		t->s = p->src + from;
		t->len = end - from;
		advance(p, end);
		from = end;
	}
}

static int check_name(parser_t *p, const tok_t *t)
{
	if (t->len == 0) {
		perr(p, t->line, t->col, "empty tag name in '%.*s'", quote_len(t->rawlen), t->raw);
		return -1;
	}
	for (size_t i = 0; i < t->len; i++) {
		if (is_space(t->s[i])) {
			perr(p, t->line, t->col, "tag name contains white space: '%.*s'",
			     quote_len(t->rawlen), t->raw);
			return -1;
		}
	}
	return 0;
}

static int tokenize(parser_t *p)
{
	const char *otag = "{{", *ctag = "}}";
	size_t olen = 2, clen = 2;
	size_t pos = 0;
	while (pos < p->len) {
		const char *o = find(p->src + pos, p->len - pos, otag, olen);
		size_t tstart = o ? (size_t)(o - p->src) : p->len;
		push_text(p, pos, tstart);
		if (!o)
			break;
		int line = p->line, col = p->col;
		size_t q = tstart + olen;
		char sig = q < p->len ? p->src[q] : '\0';
		size_t cstart, cend, end;
		const char *c;
		if (sig == '{' || sig == '=') {
			c = find_pre(p->src + q + 1, p->len - q - 1, sig == '{' ? '}' : '=', ctag, clen);
			cstart = q + 1;
			cend = c ? (size_t)(c - p->src) : 0;
			end = cend + 1 + clen;
		} else {
			/* The closing delimiter is searched after the sigil, as
			 * mustache.js scans: after {{=% >=}}, in "%>x>" the '>'
			 * that is the sigil would otherwise end the tag before its
			 * name began (length -1, and a read past the template). */
			size_t from = sig && strchr("!&#^/><$", sig) ? q + 1 : q;
			c = find(p->src + from, p->len - from, ctag, clen);
			cstart = q;
			cend = c ? (size_t)(c - p->src) : 0;
			end = cend + clen;
		}
		if (!c) {
			perr(p, line, col, "unclosed tag: '%.*s' has no closing '%.*s%.*s'",
			     quote_len(line_len(p->src + tstart, p->len - tstart)), p->src + tstart,
			     sig == '{' || sig == '=' ? 1 : 0, sig == '=' ? "=" : "}",
			     (int)clen, ctag);
			return -1;
		}
		int kind;
		switch (sig) {
		case '!': kind = K_COMMENT; break;
		case '=': kind = K_DELIM; break;
		case '{': kind = K_RAW; break;
		case '&': kind = K_RAW; cstart++; break;
		case '#': kind = K_SECTION; cstart++; break;
		case '^': kind = K_INVERTED; cstart++; break;
		case '/': kind = K_CLOSE; cstart++; break;
		case '>': kind = K_PARTIAL; cstart++; break;
		case '<': kind = K_PARENT; cstart++; break;
		case '$': kind = K_BLOCK; cstart++; break;
		default: kind = K_VAR; break;
		}
		tok_t *t = new_tok(p, kind);
		t->raw = p->src + tstart;
		t->rawlen = end - tstart;
		t->s = p->src + cstart;
		t->len = cend - cstart;
		advance(p, end);
		pos = end;
		if (kind == K_COMMENT)
			continue;
		trim(&t->s, &t->len);
		if (kind == K_DELIM) {
			size_t a = 0;
			while (a < t->len && !is_space(t->s[a]))
				a++;
			const char *b = t->s + a;
			size_t blen = t->len - a;
			trim(&b, &blen);
			bool ok = a > 0 && blen > 0;
			for (size_t i = 0; ok && i < blen; i++)
				ok = !is_space(b[i]);
			if (!ok) {
				perr(p, t->line, t->col,
				     "bad delimiter tag '%.*s': expected two delimiters separated by a space, "
				     "as in {{=<%% %%>=}}",
				     quote_len(t->rawlen), t->raw);
				return -1;
			}
			otag = t->s;
			olen = a;
			ctag = b;
			clen = blen;
			continue;
		}
		if ((kind == K_PARTIAL || kind == K_PARENT || kind == K_CLOSE) && t->len &&
		    t->s[0] == '*') {
			t->dynamic = true;
			t->s++;
			t->len--;
			trim(&t->s, &t->len);
		}
		if (check_name(p, t))
			return -1;
	}
	return 0;
}

/* Match every closing tag with its opening tag; record nesting. */
static int pair_tags(parser_t *p)
{
	size_t stack[MST_MAX_SECTION_DEPTH];
	size_t depth = 0;
	for (size_t i = 0; i < p->ntok; i++) {
		tok_t *t = &p->toks[i];
		t->up = depth ? stack[depth - 1] : NONE;
		if (is_container(t->kind)) {
			/* Limits the renderer's recursion, one C stack frame per
			 * level: a template of a million {{#a}} must not overflow
			 * the stack. */
			if (depth == MST_MAX_SECTION_DEPTH) {
				perr(p, t->line, t->col, "sections nested deeper than %d at '%.*s'",
				     MST_MAX_SECTION_DEPTH, quote_len(t->rawlen), t->raw);
				return -1;
			}
			stack[depth++] = i;
		} else if (t->kind == K_CLOSE) {
			if (!depth) {
				perr(p, t->line, t->col, "closing tag '%.*s' has no opening tag",
				     quote_len(t->rawlen), t->raw);
				return -1;
			}
			tok_t *o = &p->toks[stack[--depth]];
			if (o->dynamic != t->dynamic || o->len != t->len || memcmp(o->s, t->s, t->len)) {
				perr(p, t->line, t->col,
				     "closing tag '%.*s' does not match '%.*s' opened at %d:%d",
				     quote_len(t->rawlen), t->raw, quote_len(o->rawlen), o->raw, o->line,
				     o->col);
				return -1;
			}
			o->match = i;
			t->match = stack[depth];
			t->up = o->up;
		}
	}
	if (depth) {
		tok_t *o = &p->toks[stack[depth - 1]];
		perr(p, o->line, o->col, "unclosed section '%.*s': no {{/%s%.*s}} before the end",
		     quote_len(o->rawlen), o->raw, o->dynamic ? "*" : "", (int)o->len, o->s);
		return -1;
	}
	return 0;
}

/* White space only, optionally ending with a line break. */
static bool ws_text(const tok_t *t, bool allow_nl)
{
	if (t->kind != K_TEXT)
		return false;
	size_t n = t->len;
	if (allow_nl && n && t->s[n - 1] == '\n') {
		n--;
		if (n && t->s[n - 1] == '\r')
			n--;
	}
	for (size_t i = 0; i < n; i++)
		if (!is_blank(t->s[i]))
			return false;
	return true;
}

static bool in_parent(const parser_t *p, const tok_t *t)
{
	return t->up != NONE && p->toks[t->up].kind == K_PARENT;
}

/* A tag alone on its line (but for white space) takes the whole line with
 * it. Inheritance adds cases: text directly inside {{<parent}}...{{/parent}}
 * is ignored, so the parent tag need not clear on its right, a block
 * argument's opening tag on its left, nor its closing tag on its right; a
 * parent's closing tag clears on the left when its opening tag does. */
static void find_standalone(parser_t *p)
{
	size_t lno = 0;
	bool at_start = true;
	for (size_t i = 0; i < p->ntok; i++) {
		tok_t *t = &p->toks[i];
		t->lno = lno;
		t->line_start = at_start;
		at_start = t->kind == K_TEXT && t->s[t->len - 1] == '\n';
		lno += at_start;
	}
	for (size_t ls = 0; ls < p->ntok;) {
		size_t le = ls;
		while (le + 1 < p->ntok && p->toks[le + 1].lno == p->toks[ls].lno)
			le++;
		size_t first = ls, last = le + 1;
		while (first <= le && ws_text(&p->toks[first], false))
			first++;
		while (last > ls && ws_text(&p->toks[last - 1], true))
			last--;
		last = last > ls ? last - 1 : NONE;
		for (size_t k = ls; k <= le; k++) {
			tok_t *t = &p->toks[k];
			if (t->kind == K_TEXT)
				continue;
			t->left_ws = k == first;
			t->right_ws = k == last;
			if (t->left_ws && k > ls) {
				t->ind = p->toks[ls].s;
				t->indlen = p->toks[ls].len;
			}
			bool sa;
			switch (t->kind) {
			case K_VAR:
			case K_RAW:
				sa = false;
				break;
			case K_PARENT:
				sa = t->left_ws;
				break;
			case K_BLOCK:
				sa = t->right_ws && (t->left_ws || in_parent(p, t));
				break;
			case K_CLOSE: {
				const tok_t *o = &p->toks[t->match];
				if (o->kind == K_PARENT)
					sa = t->right_ws && (o->lno != t->lno || o->left_ws);
				else if (o->kind == K_BLOCK && in_parent(p, o))
					sa = true;
				else
					sa = t->left_ws && t->right_ws;
				break;
			}
			default:
				sa = t->left_ws && t->right_ws;
				break;
			}
			t->standalone = sa;
			if (sa && t->left_ws)
				for (size_t j = ls; j < k; j++)
					p->toks[j].removed = true;
			if (sa && t->right_ws)
				for (size_t j = k + 1; j <= le; j++)
					p->toks[j].removed = true;
		}
		ls = le + 1;
	}
}

static size_t common_prefix(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t n = 0;
	while (n < alen && n < blen && a[n] == b[n])
		n++;
	return n;
}

/* A block's content is an inline template: when its opening tag stands
 * alone, the indentation its lines share is removed where it is written,
 * and the site's indentation is added where it is expanded. The site's
 * indentation is that of its default content, else the white space before
 * the tag. Measured on the source as written, before any block is dedented. */
static void measure_block(parser_t *p, size_t b, size_t c)
{
	tok_t *blk = &p->toks[b];
	if (!blk->standalone) {
		/* Opening tag first on its line and closing tag last on its
		 * own: the content's later lines line up under its first. */
		if (!(blk->left_ws && p->toks[c].right_ws)) {
			blk->ind = NULL;
			blk->indlen = 0;
		}
		return;
	}
	const char *in = NULL;
	size_t inlen = 0;
	bool have = false;
	for (size_t j = b + 1; j < c; j++) {
		const tok_t *t = &p->toks[j];
		if (!t->line_start)
			continue;
		size_t ws = 0;
		if (t->kind == K_TEXT) {
			while (ws < t->len && is_blank(t->s[ws]))
				ws++;
			if (ws == t->len && j + 1 == c)
				continue; /* the closing tag's own line */
			if (ws < t->len && (t->s[ws] == '\n' || (t->s[ws] == '\r' && ws + 1 < t->len &&
								 t->s[ws + 1] == '\n')))
				continue; /* blank line */
		}
		if (!have) {
			in = t->s;
			inlen = ws;
			have = true;
		} else {
			inlen = common_prefix(in, inlen, t->s, ws);
		}
	}
	blk->strip = in;
	blk->striplen = inlen;
	if (have) {
		blk->ind = in;
		blk->indlen = inlen;
	}
}

/* Inner blocks come first (closing tags are met in post-order), so their
 * lines are already done and their indentation becomes relative to ours. */
static void dedent_block(parser_t *p, size_t b, size_t c)
{
	if (!p->toks[b].standalone)
		return;
	const char *in = p->toks[b].strip;
	size_t inlen = p->toks[b].striplen;
	for (size_t j = b + 1; j < c; j++) {
		tok_t *t = &p->toks[j];
		if (t->kind == K_TEXT && t->line_start && !t->dedented) {
			size_t n = common_prefix(t->s, t->len, in, inlen);
			t->s += n;
			t->len -= n;
			t->dedented = true;
		}
		if ((t->kind == K_PARTIAL || t->kind == K_PARENT || t->kind == K_BLOCK) && !t->ind_rel) {
			size_t n = common_prefix(t->ind, t->indlen, in, inlen);
			t->ind = t->indlen ? t->ind + n : t->ind;
			t->indlen -= n;
			t->ind_rel = true;
		}
	}
}

static node_t *new_node(mst_t *m, const tok_t *t)
{
	m->nodes = xgrow(m->nodes, &m->cap, m->n + 1, sizeof *m->nodes);
	node_t *nd = &m->nodes[m->n++];
	memset(nd, 0, sizeof *nd);
	nd->kind = t->kind;
	nd->dynamic = t->dynamic;
	nd->standalone = t->standalone;
	nd->s = t->s;
	nd->len = t->len;
	nd->ind = t->ind;
	nd->indlen = t->indlen;
	nd->line = t->line;
	nd->col = t->col;
	return nd;
}

static void build(parser_t *p, mst_t *m)
{
	size_t stack[MST_MAX_SECTION_DEPTH];
	size_t depth = 0;
	for (size_t i = 0; i < p->ntok; i++) {
		const tok_t *t = &p->toks[i];
		switch (t->kind) {
		case K_TEXT: {
			if (t->removed || !t->len)
				break;
			node_t *last = m->n ? &m->nodes[m->n - 1] : NULL;
			/* Adjacent in the source means no tag came between. */
			if (last && last->kind == K_TEXT && last->s + last->len == t->s)
				last->len += t->len;
			else
				new_node(m, t);
			break;
		}
		case K_COMMENT:
		case K_DELIM:
			break;
		case K_CLOSE:
			if (depth) /* always: pair_tags matched every closing tag */
				m->nodes[stack[--depth]].end = m->n;
			break;
		default:
			new_node(m, t);
			if (is_container(t->kind))
				stack[depth++] = m->n - 1;
			break;
		}
	}
}

mst_t *mst_parse(const char *name, const char *src, size_t len, diag_list_t *diags)
{
	mst_t *m = xcalloc(1, sizeof *m);
	m->name = xstrdup(name ? name : "<template>");
	m->src = xmalloc(len + 1);
	if (len)
		memcpy(m->src, src, len);
	m->src[len] = '\0';
	parser_t p = {.name = m->name, .src = m->src, .len = len, .line = 1, .col = 1,
		      .diags = diags};
	bool ok = false;
	if (tokenize(&p) || pair_tags(&p))
		goto cleanup;
	find_standalone(&p);
	for (size_t i = 0; i < p.ntok; i++)
		if (p.toks[i].kind == K_CLOSE && p.toks[p.toks[i].match].kind == K_BLOCK)
			measure_block(&p, p.toks[i].match, i);
	for (size_t i = 0; i < p.ntok; i++)
		if (p.toks[i].kind == K_CLOSE && p.toks[p.toks[i].match].kind == K_BLOCK)
			dedent_block(&p, p.toks[i].match, i);
	build(&p, m);
	ok = true;
cleanup:
	free(p.toks);
	if (!ok) {
		mst_free(m);
		m = NULL;
	}
	return m;
}

void mst_free(mst_t *t)
{
	if (!t)
		return;
	free(t->name);
	free(t->src);
	free(t->nodes);
	free(t);
}

const char *mst_name(const mst_t *t)
{
	return t->name;
}

/* ---------------------------------------------------------------- renderer */

/* One {{<parent}} being expanded: its block arguments override the blocks
 * of the templates it brings in, the outermost parent winning. */
typedef struct frame {
	const mst_t *t;
	size_t node;
	const struct frame *outer;
} frame_t;

typedef struct {
	mst_lookup_fn lookup;
	void *ud;
	buf_t *out;
	size_t out_start;
	diag_list_t *diags;
	const value_t **stack; /* context stack, top last */
	size_t nstack, capstack;
	buf_t indent; /* current indentation is indent.ptr[ibase..len) */
	size_t ibase;
	bool bol; /* output is at the beginning of a line */
	int partials, depth;
	unsigned long steps;
	buf_t tmp;
} render_t;

static int render_nodes(render_t *r, const mst_t *t, size_t begin, size_t end,
			const frame_t *chain);

static int rfail(render_t *r, const mst_t *t, const node_t *nd, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int rfail(render_t *r, const mst_t *t, const node_t *nd, const char *fmt, ...)
{
	if (!r->diags)
		return -1;
	buf_t b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	diag_add(r->diags, DIAG_ERROR, t->name, nd->line, nd->col, "mustache-limit", "%s",
		 buf_cstr(&b));
	buf_free(&b);
	return -1;
}

/* Every node visit and every name-lookup step counts against MST_MAX_STEPS:
 * sections nested over one list, or a partial including itself twice, do
 * work exponential in the template's size while writing nothing. */
static int spend(render_t *r, const mst_t *t, const node_t *nd, unsigned long n)
{
	r->steps += n;
	if (r->steps <= MST_MAX_STEPS)
		return 0;
	return rfail(r, t, nd, "template rendering exceeded %lu steps (runaway recursion or loops?)",
		     (unsigned long)MST_MAX_STEPS);
}

static void put_indent(render_t *r)
{
	if (r->indent.len > r->ibase)
		buf_put(r->out, r->indent.ptr + r->ibase, r->indent.len - r->ibase);
}

/* Indentation goes before each line of template text, but not before empty
 * lines (no trailing blanks) nor inside interpolated values (the spec
 * indents the partial's source, not the data). */
static void emit_text(render_t *r, const char *s, size_t n)
{
	if (r->indent.len == r->ibase) {
		buf_put(r->out, s, n);
		if (n)
			r->bol = s[n - 1] == '\n';
		return;
	}
	while (n) {
		const char *nl = memchr(s, '\n', n);
		size_t seg = nl ? (size_t)(nl - s) + 1 : n;
		bool empty = s[0] == '\n' || (seg >= 2 && s[0] == '\r' && s[1] == '\n');
		if (r->bol && !empty)
			put_indent(r);
		buf_put(r->out, s, seg);
		r->bol = nl != NULL;
		s += seg;
		n -= seg;
	}
}

static void emit_value(render_t *r, const value_t *v, bool escape)
{
	if (!v)
		return;
	const char *s;
	size_t n;
	if (v->kind == VAL_STRING) {
		s = v->u.str.s;
		n = v->u.str.len;
	} else {
		buf_reset(&r->tmp);
		value_to_text(v, &r->tmp);
		s = buf_cstr(&r->tmp);
		n = r->tmp.len;
	}
	if (!n)
		return;
	if (r->bol)
		put_indent(r);
	if (escape)
		buf_put_html(r->out, s, n);
	else
		buf_put(r->out, s, n);
	r->bol = false;
}

static const value_t *get_part(const value_t *v, const char *k, size_t n)
{
	if (!v)
		return NULL;
	if (v->kind == VAL_MAP)
		return value_getn(v, k, n);
	if (v->kind == VAL_LIST && n > 0 && n <= 9) {
		/* items.0: like JavaScript's arrays, lists take numeric keys. */
		size_t idx = 0;
		for (size_t i = 0; i < n; i++) {
			if (k[i] < '0' || k[i] > '9')
				return NULL;
			idx = idx * 10 + (size_t)(k[i] - '0');
		}
		return idx < v->u.list.len ? v->u.list.items[idx] : NULL;
	}
	return NULL;
}

/* Spec name resolution: "." is the top of the stack; otherwise the first
 * part of a dotted name is looked up from the top of the stack down, and
 * the other parts only in what the previous part gave. */
static int resolve(render_t *r, const mst_t *t, const node_t *nd, const char *name, size_t len,
		   const value_t **out)
{
	*out = NULL;
	if (len == 1 && name[0] == '.') {
		*out = r->nstack ? r->stack[r->nstack - 1] : NULL;
		return 0;
	}
	size_t k = 0;
	while (k < len && name[k] != '.')
		k++;
	const value_t *v = NULL;
	size_t i = r->nstack;
	while (i-- > 0 && !(v = get_part(r->stack[i], name, k)))
		;
	if (spend(r, t, nd, r->nstack - (i == NONE ? 0 : i)))
		return -1;
	while (v && k < len) {
		size_t s = ++k;
		while (k < len && name[k] != '.')
			k++;
		v = get_part(v, name + s, k - s);
	}
	*out = v;
	return 0;
}

static int enter(render_t *r, const mst_t *t, const node_t *nd)
{
	/* Sections, partials and blocks recurse in C: bound the stack depth
	 * whatever mix of them a set of templates nests. */
	if (r->depth >= MST_MAX_RENDER_DEPTH)
		return rfail(r, t, nd, "templates nested deeper than %d while rendering",
			     MST_MAX_RENDER_DEPTH);
	r->depth++;
	return 0;
}

static int section_once(render_t *r, const mst_t *t, size_t i, const frame_t *chain,
			const value_t *v)
{
	const node_t *nd = &t->nodes[i];
	if (spend(r, t, nd, 1) || enter(r, t, nd))
		return -1;
	r->stack = xgrow(r->stack, &r->capstack, r->nstack + 1, sizeof *r->stack);
	r->stack[r->nstack++] = v;
	int rc = render_nodes(r, t, i + 1, nd->end, chain);
	r->nstack--;
	r->depth--;
	return rc;
}

/* {{>name}} and {{<name}}: a standalone tag indents the whole template by
 * its own white space; an inline one starts it without indentation, as if
 * its source had been pasted in place. */
static int expand(render_t *r, const mst_t *t, const node_t *nd, const frame_t *chain)
{
	const char *name = nd->s;
	size_t len = nd->len;
	if (nd->dynamic) {
		const value_t *v;
		if (resolve(r, t, nd, name, len, &v))
			return -1;
		if (!v || v->kind != VAL_STRING)
			return 0;
		name = v->u.str.s;
		len = v->u.str.len;
	}
	const mst_t *sub = r->lookup ? r->lookup(name, len, r->ud) : NULL;
	if (!sub)
		return 0;
	/* A partial that includes itself (directly or through others) must
	 * stop with an error instead of recursing until the stack overflows. */
	if (r->partials >= MST_MAX_PARTIAL_DEPTH)
		return rfail(r, t, nd, "partials nested deeper than %d at '%.*s' (recursive partial?)",
			     MST_MAX_PARTIAL_DEPTH, (int)len, name);
	if (enter(r, t, nd))
		return -1;
	size_t saved_len = r->indent.len, saved_base = r->ibase;
	if (nd->standalone)
		buf_put(&r->indent, nd->ind ? nd->ind : "", nd->indlen);
	else
		r->ibase = r->indent.len;
	r->partials++;
	int rc = render_nodes(r, sub, 0, sub->n, chain);
	r->partials--;
	r->depth--;
	buf_truncate(&r->indent, saved_len);
	r->ibase = saved_base;
	return rc;
}

/* The block argument named like the site among the direct children of a
 * {{<parent}} node, or NONE. */
static size_t find_arg(render_t *r, const mst_t *t, size_t parent, const node_t *site,
		       int *err)
{
	const node_t *pn = &t->nodes[parent];
	for (size_t j = parent + 1; j < pn->end;) {
		const node_t *c = &t->nodes[j];
		if (spend(r, t, site, 1)) {
			*err = -1;
			return NONE;
		}
		if (c->kind == K_BLOCK && c->len == site->len && memcmp(c->s, site->s, c->len) == 0)
			return j;
		j = is_container(c->kind) ? c->end : j + 1;
	}
	return NONE;
}

static int block(render_t *r, const mst_t *t, size_t i, const frame_t *chain)
{
	const node_t *nd = &t->nodes[i];
	const mst_t *bt = t;
	size_t bi = i;
	int err = 0;
	for (const frame_t *f = chain; f; f = f->outer) {
		size_t j = find_arg(r, f->t, f->node, nd, &err);
		if (err)
			return -1;
		if (j != NONE) {
			bt = f->t;
			bi = j;
		}
	}
	if (enter(r, t, nd))
		return -1;
	size_t saved_len = r->indent.len;
	buf_put(&r->indent, nd->ind ? nd->ind : "", nd->indlen);
	int rc = render_nodes(r, bt, bi + 1, bt->nodes[bi].end, chain);
	buf_truncate(&r->indent, saved_len);
	r->depth--;
	return rc;
}

static int render_nodes(render_t *r, const mst_t *t, size_t begin, size_t end,
			const frame_t *chain)
{
	for (size_t i = begin; i < end;) {
		const node_t *nd = &t->nodes[i];
		size_t next = is_container(nd->kind) ? nd->end : i + 1;
		const value_t *v;
		if (spend(r, t, nd, 1))
			return -1;
		switch (nd->kind) {
		case K_TEXT:
			emit_text(r, nd->s, nd->len);
			break;
		case K_VAR:
		case K_RAW:
			if (resolve(r, t, nd, nd->s, nd->len, &v))
				return -1;
			emit_value(r, v, nd->kind == K_VAR);
			break;
		case K_SECTION:
			if (resolve(r, t, nd, nd->s, nd->len, &v))
				return -1;
			if (!v || !value_truthy(v))
				break;
			if (v->kind == VAL_LIST) {
				for (size_t k = 0; k < v->u.list.len; k++)
					if (section_once(r, t, i, chain, v->u.list.items[k]))
						return -1;
			} else if (section_once(r, t, i, chain, v)) {
				return -1;
			}
			break;
		case K_INVERTED:
			if (resolve(r, t, nd, nd->s, nd->len, &v))
				return -1;
			if (value_truthy(v))
				break;
			if (enter(r, t, nd))
				return -1;
			if (render_nodes(r, t, i + 1, nd->end, chain))
				return -1;
			r->depth--;
			break;
		case K_PARTIAL:
			if (expand(r, t, nd, chain))
				return -1;
			break;
		case K_PARENT: {
			frame_t f = {t, i, chain};
			if (expand(r, t, nd, &f))
				return -1;
			break;
		}
		case K_BLOCK:
			if (block(r, t, i, chain))
				return -1;
			break;
		}
		/* A few small templates can multiply large data into gigabytes:
		 * stop before memory runs out. */
		if (r->out->len - r->out_start > MST_MAX_OUTPUT)
			return rfail(r, t, nd, "template output exceeded %zu bytes",
				     (size_t)MST_MAX_OUTPUT);
		i = next;
	}
	return 0;
}

int mst_render(const mst_t *t, const value_t *ctx, mst_lookup_fn lookup, void *ud, buf_t *out,
	       diag_list_t *diags)
{
	render_t r;
	memset(&r, 0, sizeof r);
	r.lookup = lookup;
	r.ud = ud;
	r.out = out;
	r.out_start = out->len;
	r.diags = diags;
	r.bol = true;
	if (ctx) {
		r.stack = xgrow(r.stack, &r.capstack, 1, sizeof *r.stack);
		r.stack[r.nstack++] = ctx;
	}
	int rc = render_nodes(&r, t, 0, t->n, NULL);
	if (rc)
		buf_truncate(out, r.out_start);
	free(r.stack);
	buf_free(&r.indent);
	buf_free(&r.tmp);
	return rc;
}

/* ---------------------------------------------------------------- registry */

typedef struct entry {
	char *name;
	size_t nlen;
	char *file;
	char *src;
	size_t len;
	mst_t *t;
	bool tried; /* parsed, or failed to parse: report errors once */
	struct entry *next;
} entry_t;

struct mst_registry {
	pthread_mutex_t lock; /* guards lazy parsing and appends to diags */
	diag_list_t *diags;
	entry_t **buckets;
	size_t nbuckets, count;
};

static size_t hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return (size_t)h;
}

mst_registry_t *mst_registry_new(diag_list_t *diags)
{
	mst_registry_t *r = xcalloc(1, sizeof *r);
	pthread_mutex_init(&r->lock, NULL);
	r->diags = diags;
	r->nbuckets = 64;
	r->buckets = xcalloc(r->nbuckets, sizeof *r->buckets);
	return r;
}

static void entry_free(entry_t *e)
{
	free(e->name);
	free(e->file);
	free(e->src);
	mst_free(e->t);
	free(e);
}

void mst_registry_free(mst_registry_t *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nbuckets; i++) {
		entry_t *e = r->buckets[i];
		while (e) {
			entry_t *next = e->next;
			entry_free(e);
			e = next;
		}
	}
	free(r->buckets);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

static entry_t **slot(mst_registry_t *r, const char *name, size_t len)
{
	entry_t **pe = &r->buckets[hash(name, len) % r->nbuckets];
	while (*pe && !((*pe)->nlen == len && memcmp((*pe)->name, name, len) == 0))
		pe = &(*pe)->next;
	return pe;
}

void mst_registry_add(mst_registry_t *r, const char *name, const char *file, const char *src,
		      size_t len)
{
	size_t nlen = strlen(name);
	entry_t **pe = slot(r, name, nlen);
	entry_t *e = xcalloc(1, sizeof *e);
	e->name = xstrndup(name, nlen);
	e->nlen = nlen;
	e->file = xstrdup(file ? file : name);
	e->src = xstrndup(src, len);
	e->len = len;
	if (*pe) {
		e->next = (*pe)->next;
		entry_free(*pe);
		*pe = e;
		return;
	}
	*pe = e;
	if (++r->count <= r->nbuckets)
		return;
	/* Keep chains short: lookups happen once per partial expansion. */
	size_t n = r->nbuckets * 2;
	entry_t **b = xcalloc(n, sizeof *b);
	for (size_t i = 0; i < r->nbuckets; i++) {
		for (entry_t *x = r->buckets[i], *next; x; x = next) {
			next = x->next;
			size_t h = hash(x->name, x->nlen) % n;
			x->next = b[h];
			b[h] = x;
		}
	}
	free(r->buckets);
	r->buckets = b;
	r->nbuckets = n;
}

const mst_t *mst_registry_get(mst_registry_t *r, const char *name, size_t len)
{
	pthread_mutex_lock(&r->lock);
	entry_t *e = *slot(r, name, len);
	if (e && !e->tried) {
		e->tried = true;
		e->t = mst_parse(e->file, e->src, e->len, r->diags);
	}
	const mst_t *t = e ? e->t : NULL;
	pthread_mutex_unlock(&r->lock);
	return t;
}

const mst_t *mst_registry_lookup(const char *name, size_t len, void *registry)
{
	return mst_registry_get(registry, name, len);
}
