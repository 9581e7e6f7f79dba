/* markdown: md4c's callbacks turned into the HTML markdown-it 13 gave the old site.
 * Blocks stream straight to the output; the inline content of each block is held
 * as a token list (markdown-it's "inline children") so that linkify and the
 * typographer can look across spans, exactly as markdown-it's core rules do.
 * What they find is their modules' business (guide/linkify, guide/typography);
 * which text they see, and the HTML, is this one's. */
#include "guide/markdown.h"

#include <limits.h>
#include <md4c.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guide/entity.h"
#include "guide/imgsrc.h"
#include "guide/linkify.h"
#include "guide/mdurl.h"
#include "guide/typography.h"
#include "guide/uclass.h"
#include "util/bytescan.h"
#include "util/utf8.h"
#include "util/xalloc.h"

/* Flattens an md4c attribute (destination, title, info string) to UTF-8. */
static void attr_decode(const MD_ATTRIBUTE *a, buf_t *out)
{
	if (!a->text || !a->size)
		return;
	for (unsigned i = 0; a->substr_offsets[i] < a->size; i++) {
		const char *s = a->text + a->substr_offsets[i];
		size_t n = a->substr_offsets[i + 1] - a->substr_offsets[i];
		switch (a->substr_types[i]) {
		case MD_TEXT_ENTITY:
			if (!entity_decode(s, n, out))
				buf_put(out, s, n);
			break;
		case MD_TEXT_NULLCHAR:
			buf_puts(out, UTF8_REPLACEMENT);
			break;
		default:
			buf_put(out, s, n);
			break;
		}
	}
}

/* ---- Escaping ------------------------------------------------------------- */

/* markdown-it's escapeHtml: & < > " only (not the apostrophe, unlike buf_put_html). */
static void put_esc(buf_t *b, const char *s, size_t n)
{
	size_t i = 0;
	for (;;) {
		size_t j = i + bytescan_any(s + i, n - i, "&<>\"", 4);
		buf_put(b, s + i, j - i);
		if (j == n)
			return;
		switch (s[j]) {
		case '&': buf_put(b, "&amp;", 5); break;
		case '<': buf_put(b, "&lt;", 4); break;
		case '>': buf_put(b, "&gt;", 4); break;
		default: buf_put(b, "&quot;", 6); break;
		}
		i = j + 1;
	}
}

/* ---- Rendering state ------------------------------------------------------ */

enum {
	TK_TEXT,    /* text: linkify and the typographer apply */
	TK_SPECIAL, /* escaped character or entity: kept as is, context for quotes */
	TK_CODE,    /* code span content */
	TK_HTML,    /* raw inline HTML */
	TK_SOFTBR,
	TK_HARDBR,
	TK_OPEN,    /* em, strong, s, a: markup in moff/mlen */
	TK_CLOSE,
	TK_IMAGE,   /* markup in moff/mlen, alt text as content */
};

typedef struct {
	unsigned char kind;
	unsigned char is_link;	   /* OPEN/CLOSE of an <a> */
	unsigned char autolink;	   /* link from <URL> or linkify: no replacements inside */
	unsigned char bad;	   /* OPEN of a link whose destination failed validation */
	unsigned char lone_tilde;  /* OPEN of md4c strikethrough written with one '~' */
	size_t off, len;	   /* content in the arena */
	size_t moff, mlen;	   /* markup in the arena */
	size_t hoff, hlen;	   /* OPEN of a link: destination as written, in the arena */
	const char *hsrc;	   /* OPEN of a link: destination in the source, or NULL */
	const char *src;	   /* first content byte in the source, or NULL */
	size_t src_len;		   /* content [0, src_len) is a verbatim copy of the source */
} tok_t;

typedef struct {
	size_t tok;	  /* token index of the span's OPEN, SIZE_MAX when it made none */
	MD_SPANTYPE type; /* to recognise a leave md4c sends without its enter */
} span_t;

typedef struct {
	MD_BLOCKTYPE type;
	int tight;  /* UL/OL: a tight list */
	int hidden; /* P: a tight list item's paragraph, written without <p> */
} blk_t;

typedef struct {
	const char *src;
	size_t len;
	unsigned opts;
	buf_t *out;
	md_link_fn on_link;
	void *ud;

	/* blocks */
	blk_t *blk;
	size_t nblk, cap_blk;
	int pending_open; /* a start tag was written; whether '\n' follows depends on what comes next */
	int prev_hidden;  /* the last thing written was a tight list item's text */
	int in_code_block, in_html_block;
	int raw_eof_nl;		/* fence or HTML block: no '\n' after a last line ending the input */
	const char *raw_end;	/* end of the last source chunk of the raw block */

	/* inline tokens of the current block, and their text */
	tok_t *tok;
	size_t ntok, cap_tok;
	buf_t arena;
	span_t *spans; /* every open span, innermost last */
	size_t nspans, cap_spans;
	size_t del_probe; /* strikethrough whose '~' count is still unknown */
	int del_probing;
	const char *inl_src_start, *inl_src_end; /* source span of this inline content */
	size_t p_mark;		 /* output length before the current <p> */
	int p_pending, p_hidden; /* output state before the current <p> */
	int img_depth;
	int link_depth; /* links open around the current text */
	tok_t img;	/* image being collected: its destination and title */
	buf_t img_title, alt;
	const char *alt_src;

	/* link positions: line starts, built on first use */
	size_t *lines;
	size_t nlines;
	size_t cache_line, cache_off;
	int cache_col;

	/* scratch for the inline passes */
	tok_t *tok2;
	size_t cap_tok2;
	buf_t t1, t2, t3;
	unsigned char *in_link; /* linkify: the token is inside a link */
	size_t cap_in_link;
	typo_piece_t *pieces; /* smartquotes: the tokens as it sees them */
	size_t cap_pieces;
	typo_t *typo;
} ctx_t;

static int in_src(const ctx_t *c, const char *p)
{
	return p && (uintptr_t)p >= (uintptr_t)c->src && (uintptr_t)p <= (uintptr_t)(c->src + c->len);
}

/* 1-based line and column (in characters) of p in the source; 0, 0 if outside. */
static void src_pos(ctx_t *c, const char *p, int *line, int *col)
{
	*line = *col = 0;
	if (!in_src(c, p))
		return;
	size_t off = (size_t)(p - c->src);
	if (!c->lines) {
		/* Once per page with a link: memchr finds the line ends. */
		size_t n = 1;
		const char *end = c->src + c->len;
		for (const char *q = memchr(c->src, '\n', c->len); q; q = memchr(q + 1, '\n', (size_t)(end - q - 1)))
			n++;
		c->lines = xmalloc(n * sizeof *c->lines);
		c->lines[0] = 0;
		c->nlines = 1;
		for (const char *q = memchr(c->src, '\n', c->len); q; q = memchr(q + 1, '\n', (size_t)(end - q - 1)))
			c->lines[c->nlines++] = (size_t)(q - c->src) + 1;
		c->cache_line = SIZE_MAX;
	}
	size_t lo = 0, hi = c->nlines;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (c->lines[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	/* links come mostly in order: count characters on from the last lookup */
	size_t from = c->lines[lo];
	int cnt = 1;
	if (c->cache_line == lo && c->cache_off <= off) {
		from = c->cache_off;
		cnt = c->cache_col;
	}
	for (size_t i = from; i < off; i++)
		cnt += ((unsigned char)c->src[i] & 0xC0) != 0x80;
	c->cache_line = lo;
	c->cache_off = off;
	c->cache_col = cnt;
	*line = (int)(lo + 1 > INT_MAX ? INT_MAX : lo + 1);
	*col = cnt;
}

static void report_link(ctx_t *c, const char *href, size_t n, const char *where, bool image)
{
	if (!c->on_link)
		return;
	md_link_t l = {href, n, 0, 0, image};
	src_pos(c, where, &l.line, &l.col);
	c->on_link(&l, c->ud);
}

/* The images of a piece of raw HTML s[0, n) of the source. */
static void report_html_images(ctx_t *c, const char *s, size_t n)
{
	if (!c->on_link || !in_src(c, s))
		return;
	imgsrc_tag_t tag;
	buf_t v = BUF_INIT;
	for (size_t at = 0; imgsrc_next(s, n, at, &tag); at = tag.end) {
		if (!tag.has_src)
			continue;
		buf_reset(&v);
		imgsrc_value(s + tag.src, tag.src_len, &v);
		report_link(c, buf_cstr(&v), v.len, s + tag.src, true);
	}
	buf_free(&v);
}

/* Appends a copy of arena[off, off+len) to the arena's end; returns its offset. */
static size_t arena_dup(buf_t *a, size_t off, size_t len)
{
	size_t at = a->len;
	buf_grow(a, len);
	memmove(a->ptr + a->len, a->ptr + off, len);
	a->len += len;
	a->ptr[a->len] = '\0';
	return at;
}

static tok_t *new_tok(ctx_t *c, int kind)
{
	if (c->ntok == c->cap_tok || !c->tok)
		c->tok = xgrow(c->tok, &c->cap_tok, c->ntok + 1, sizeof *c->tok);
	tok_t *t = &c->tok[c->ntok++];
	memset(t, 0, sizeof *t);
	t->kind = (unsigned char)kind;
	t->off = c->arena.len;
	return t;
}

static tok_t *new_markup(ctx_t *c, int kind, const char *html)
{
	tok_t *t = new_tok(c, kind);
	t->moff = c->arena.len;
	buf_puts(&c->arena, html);
	t->mlen = c->arena.len - t->moff;
	return t;
}

/* Text into the current TEXT token, or a new one; src says where it comes from. */
static void add_text(ctx_t *c, const char *s, size_t n, const char *src)
{
	tok_t *t = c->ntok ? &c->tok[c->ntok - 1] : NULL;
	if (!n)
		return;
	if (t && t->kind == TK_TEXT && t->off + t->len == c->arena.len) {
		if (src && t->src && t->src_len == t->len && t->src + t->src_len == src)
			t->src_len += n;
		buf_put(&c->arena, s, n);
		t->len += n;
		return;
	}
	t = new_tok(c, TK_TEXT);
	buf_put(&c->arena, s, n);
	t->len = n;
	t->src = src;
	t->src_len = src ? n : 0;
}

/* md4c drops the backslash of an escape and starts a new chunk after it;
 * markdown-it keeps the escaped character as its own token (no linkify or
 * typography). An odd run of backslashes before the chunk means an escape. */
static int is_escape(const ctx_t *c, const char *s)
{
	if (!in_src(c, s) || s == c->src || s >= c->src + c->len || !uc_is_ascii_punct((unsigned char)*s))
		return 0;
	size_t k = 0;
	while (s - k > c->src && s[-(ptrdiff_t)k - 1] == '\\')
		k++;
	return k % 2 == 1;
}

/* md4c also takes "~x~" as strikethrough; markdown-it wants "~~". Look at the
 * source before the first thing inside the span to count the tildes. */
static void probe_del(ctx_t *c, const char *p)
{
	const char *q = p;
	size_t k = 0;
	c->del_probing = 0;
	while (q > c->src && strchr("*_[!` ", q[-1]) && q[-1])
		q--;
	while (q > c->src && q[-1] == '~') {
		q--;
		k++;
	}
	if (k == 1)
		c->tok[c->del_probe].lone_tilde = 1;
}

static int on_text(MD_TEXTTYPE type, const MD_CHAR *s, MD_SIZE size, void *ud)
{
	ctx_t *c = ud;
	size_t n = size;
	if (c->in_code_block || c->in_html_block) {
		/* md4c ends every line with '\n'; markdown-it copies the source */
		if (c->raw_eof_nl && n == 1 && *s == '\n' && !in_src(c, s) && c->raw_end == c->src + c->len)
			return 0;
		if (in_src(c, s))
			c->raw_end = s + n;
		if (c->in_code_block) {
			put_esc(c->out, s, n);
		} else {
			report_html_images(c, s, n);
			buf_put(c->out, s, n);
		}
		return 0;
	}
	if (c->del_probing && in_src(c, s))
		probe_del(c, s);
	if (in_src(c, s) && n && s + n > c->inl_src_end)
		c->inl_src_end = s + n;
	if (in_src(c, s) && n && (!c->inl_src_start || s < c->inl_src_start))
		c->inl_src_start = s;
	if (c->img_depth) {
		/* markdown-it's alt text: plain text and soft breaks only; escapes,
		 * entities and code are dropped (renderInlineAsText skips them) */
		if (type == MD_TEXT_NORMAL) {
			if (!c->alt_src && in_src(c, s))
				c->alt_src = s;
			if (is_escape(c, s)) {
				s++;
				n--;
			}
			buf_put(&c->alt, s, n);
		} else if (type == MD_TEXT_SOFTBR) {
			buf_putc(&c->alt, '\n');
		} else if (type == MD_TEXT_NULLCHAR) {
			buf_puts(&c->alt, UTF8_REPLACEMENT);
		}
		return 0;
	}
	tok_t *t;
	switch (type) {
	case MD_TEXT_NORMAL:
	case MD_TEXT_LATEXMATH:
		if (is_escape(c, s)) {
			t = new_tok(c, TK_SPECIAL);
			buf_putc(&c->arena, *s);
			t->len = 1;
			t->src = s;
			s++;
			n--;
		}
		add_text(c, s, n, in_src(c, s) ? s : NULL);
		break;
	case MD_TEXT_NULLCHAR:
		add_text(c, UTF8_REPLACEMENT, 3, NULL);
		break;
	case MD_TEXT_BR:
		new_tok(c, TK_HARDBR);
		break;
	case MD_TEXT_SOFTBR:
		new_tok(c, TK_SOFTBR);
		break;
	case MD_TEXT_ENTITY:
		buf_reset(&c->t1);
		if (entity_decode(s, n, &c->t1)) {
			t = new_tok(c, TK_SPECIAL);
			buf_put(&c->arena, c->t1.ptr, c->t1.len);
			t->len = c->t1.len;
		} else {
			add_text(c, s, n, in_src(c, s) ? s : NULL);
		}
		break;
	case MD_TEXT_CODE:
		/* inside a code span: the span's token is the last one */
		t = &c->tok[c->ntok - 1];
		buf_put(&c->arena, s, n);
		t->len += n;
		break;
	case MD_TEXT_HTML:
		/* a tag spanning lines arrives in pieces; a piece not starting a tag continues one */
		t = c->ntok ? &c->tok[c->ntok - 1] : NULL;
		if (!(t && t->kind == TK_HTML && n && s[0] != '<' && t->off + t->len == c->arena.len)) {
			t = new_tok(c, TK_HTML);
			t->src = in_src(c, s) ? s : NULL;
		}
		report_html_images(c, s, n);
		buf_put(&c->arena, s, n);
		t->len += n;
		break;
	}
	return 0;
}

static void push_span(ctx_t *c, size_t idx, MD_SPANTYPE type)
{
	if (c->nspans == c->cap_spans)
		c->spans = xgrow(c->spans, &c->cap_spans, c->nspans + 1, sizeof *c->spans);
	c->spans[c->nspans++] = (span_t){idx, type};
}

/* Destination (decoded) into the arena and the normalized, escaped start tag. */
static void open_link(ctx_t *c, const MD_SPAN_A_DETAIL *d)
{
	buf_reset(&c->t1);
	buf_reset(&c->t2);
	attr_decode(&d->href, &c->t1);
	mdurl_encode(&c->t2, buf_cstr(&c->t1), c->t1.len);
	tok_t *t = new_tok(c, TK_OPEN);
	t->is_link = 1;
	t->bad = !mdurl_valid(buf_cstr(&c->t2), c->t2.len);
	t->hoff = c->arena.len;
	buf_put(&c->arena, buf_cstr(&c->t1), c->t1.len);
	t->hlen = c->t1.len;
	t->hsrc = in_src(c, d->href.text) ? d->href.text : NULL;
	t->moff = c->arena.len;
	buf_puts(&c->arena, "<a href=\"");
	put_esc(&c->arena, buf_cstr(&c->t2), c->t2.len);
	buf_putc(&c->arena, '"');
	if (d->title.size) {
		buf_reset(&c->t1);
		attr_decode(&d->title, &c->t1);
		buf_puts(&c->arena, " title=\"");
		put_esc(&c->arena, buf_cstr(&c->t1), c->t1.len);
		buf_putc(&c->arena, '"');
	}
	buf_putc(&c->arena, '>');
	t->mlen = c->arena.len - t->moff;
	t->off = c->arena.len;
}

/* Turns a token into literal text (a link markdown-it would have refused). */
static void make_literal(ctx_t *c, tok_t *t, const char *s, size_t n)
{
	t->kind = TK_TEXT;
	t->is_link = 0;
	t->off = c->arena.len;
	buf_put(&c->arena, s, n);
	t->len = n;
	t->src = NULL;
	t->src_len = 0;
}

static void close_link(ctx_t *c, size_t k)
{
	/* k is the link's OPEN token in this block (spans are closed before a
	 * block's tokens are flushed); anything else is not ours to close. */
	if (k >= c->ntok || !c->tok)
		return;
	tok_t *o = &c->tok[k];
	tok_t *in = k + 1 < c->ntok ? &c->tok[k + 1] : NULL;
	/* <URL> and <mail>: md4c shows the source text, markdown-it the decoded URL */
	int autolink = in && k + 2 == c->ntok && in->kind == TK_TEXT && in->src && in->src_len == in->len &&
		       in->src > c->src && in->src[-1] == '<' && in->src + in->len < c->src + c->len &&
		       in->src[in->len] == '>';
	const char *where = o->hsrc;
	for (size_t i = k + 1; !where && i < c->ntok; i++)
		where = c->tok[i].src;
	buf_reset(&c->t3);
	buf_put(&c->t3, c->arena.ptr + o->hoff, o->hlen);
	report_link(c, buf_cstr(&c->t3), c->t3.len, where, false);
	if (o->bad) {
		/* markdown-it leaves the source as text; we rebuild it approximately */
		if (autolink) {
			make_literal(c, o, "<", 1);
			add_text(c, ">", 1, NULL);
		} else {
			make_literal(c, &c->tok[k], "[", 1);
			buf_reset(&c->t1);
			buf_puts(&c->t1, "](");
			buf_put(&c->t1, c->t3.ptr, c->t3.len);
			buf_putc(&c->t1, ')');
			add_text(c, c->t1.ptr, c->t1.len, NULL);
		}
		return;
	}
	if (autolink) {
		o->autolink = 1;
		buf_reset(&c->t1);
		mdurl_decode_text(&c->t1, c->arena.ptr + in->off, in->len);
		in = &c->tok[k + 1];
		in->off = c->arena.len;
		buf_put(&c->arena, c->t1.ptr, c->t1.len);
		in->len = c->t1.len;
		in->src_len = 0;
	}
	tok_t *t = new_markup(c, TK_CLOSE, "</a>");
	t->is_link = 1;
	t->autolink = (unsigned char)autolink;
}

static void open_image(ctx_t *c, const MD_SPAN_IMG_DETAIL *d)
{
	memset(&c->img, 0, sizeof c->img);
	buf_reset(&c->t1);
	buf_reset(&c->img_title);
	buf_reset(&c->alt);
	c->alt_src = NULL;
	attr_decode(&d->src, &c->t1);
	c->img.hoff = c->arena.len;
	buf_put(&c->arena, buf_cstr(&c->t1), c->t1.len);
	c->img.hlen = c->t1.len;
	c->img.hsrc = in_src(c, d->src.text) ? d->src.text : NULL;
	attr_decode(&d->title, &c->img_title);
}

/* An image of another host as a link (MD_OPT_NOREMOTEIMG): its alt text, or
 * its URL without one, as text; only that text inside a link, since links
 * do not nest. t2 holds the encoded URL, t3 the URL as written. */
static void remote_image(ctx_t *c)
{
	const char *text = c->alt.len ? buf_cstr(&c->alt) : buf_cstr(&c->t3);
	size_t len = c->alt.len ? c->alt.len : c->t3.len;
	if (!c->link_depth) {
		tok_t *o = new_tok(c, TK_OPEN);
		o->is_link = 1;
		o->moff = c->arena.len;
		buf_puts(&c->arena, "<a href=\"");
		put_esc(&c->arena, buf_cstr(&c->t2), c->t2.len);
		buf_putc(&c->arena, '"');
		if (c->img_title.len) {
			buf_puts(&c->arena, " title=\"");
			put_esc(&c->arena, buf_cstr(&c->img_title), c->img_title.len);
			buf_putc(&c->arena, '"');
		}
		buf_putc(&c->arena, '>');
		o->mlen = c->arena.len - o->moff;
	}
	/* As written: no typography or linkify inside (a URL stays a URL). */
	tok_t *t = new_tok(c, TK_SPECIAL);
	buf_put(&c->arena, text, len);
	t->len = len;
	if (!c->link_depth)
		new_markup(c, TK_CLOSE, "</a>")->is_link = 1;
}

static void close_image(ctx_t *c)
{
	const char *href = c->arena.ptr + c->img.hoff;
	buf_reset(&c->t2);
	mdurl_encode(&c->t2, href, c->img.hlen);
	buf_reset(&c->t3);
	buf_put(&c->t3, href, c->img.hlen);
	report_link(c, buf_cstr(&c->t3), c->t3.len, c->img.hsrc ? c->img.hsrc : c->alt_src, true);
	if (!mdurl_valid(buf_cstr(&c->t2), c->t2.len)) {
		buf_reset(&c->t1);
		buf_puts(&c->t1, "![");
		buf_put(&c->t1, buf_cstr(&c->alt), c->alt.len);
		buf_puts(&c->t1, "](");
		buf_put(&c->t1, c->t3.ptr, c->t3.len);
		buf_putc(&c->t1, ')');
		add_text(c, c->t1.ptr, c->t1.len, NULL);
		return;
	}
	if ((c->opts & MD_OPT_NOREMOTEIMG) && mdurl_remote(buf_cstr(&c->t2), c->t2.len)) {
		remote_image(c);
		return;
	}
	tok_t *t = new_tok(c, TK_IMAGE);
	buf_put(&c->arena, buf_cstr(&c->alt), c->alt.len);
	t->len = c->alt.len;
	t->moff = c->arena.len;
	buf_puts(&c->arena, "<img src=\"");
	put_esc(&c->arena, buf_cstr(&c->t2), c->t2.len);
	buf_puts(&c->arena, "\" alt=\"");
	put_esc(&c->arena, buf_cstr(&c->alt), c->alt.len);
	buf_putc(&c->arena, '"');
	if (c->img_title.len) {
		buf_puts(&c->arena, " title=\"");
		put_esc(&c->arena, buf_cstr(&c->img_title), c->img_title.len);
		buf_putc(&c->arena, '"');
	}
	buf_putc(&c->arena, '>');
	t->mlen = c->arena.len - t->moff;
}

static int on_enter_span(MD_SPANTYPE type, void *detail, void *ud)
{
	ctx_t *c = ud;
	size_t idx = SIZE_MAX;
	if (c->img_depth) {
		/* an image's alt is plain text: inner spans (and images) add nothing */
		c->img_depth += type == MD_SPAN_IMG;
		return 0;
	}
	switch (type) {
	case MD_SPAN_EM:
		new_markup(c, TK_OPEN, "<em>");
		idx = c->ntok - 1;
		break;
	case MD_SPAN_STRONG:
		new_markup(c, TK_OPEN, "<strong>");
		idx = c->ntok - 1;
		break;
	case MD_SPAN_DEL:
		new_markup(c, TK_OPEN, "<s>");
		idx = c->ntok - 1;
		c->del_probe = idx;
		c->del_probing = 1;
		break;
	case MD_SPAN_A:
		open_link(c, detail);
		idx = c->ntok - 1;
		c->link_depth++;
		break;
	case MD_SPAN_IMG:
		open_image(c, detail);
		c->img_depth = 1;
		break;
	case MD_SPAN_CODE:
		new_tok(c, TK_CODE);
		break;
	default:
		break;
	}
	push_span(c, idx, type);
	return 0;
}

static int on_leave_span(MD_SPANTYPE type, void *detail, void *ud)
{
	ctx_t *c = ud;
	(void)detail;
	if (c->img_depth) {
		if (type == MD_SPAN_IMG && --c->img_depth == 0) {
			c->nspans--;
			close_image(c);
		}
		return 0;
	}
	/* md4c 0.4.8 can leave a span it never entered: '*' or '~' inside two
	 * link destinations of one paragraph are paired as delimiters
	 * (mity/md4c#294). Such a leave is dropped, so the stack cannot
	 * underflow and every tag we write still has its opening tag. */
	if (!c->nspans || c->spans[c->nspans - 1].type != type)
		return 0;
	size_t k = c->spans[--c->nspans].tok;
	switch (type) {
	case MD_SPAN_EM:
		new_markup(c, TK_CLOSE, "</em>");
		break;
	case MD_SPAN_STRONG:
		new_markup(c, TK_CLOSE, "</strong>");
		break;
	case MD_SPAN_DEL:
		c->del_probing = 0;
		if (c->tok[k].lone_tilde) {
			make_literal(c, &c->tok[k], "~", 1);
			add_text(c, "~", 1, NULL);
		} else {
			new_markup(c, TK_CLOSE, "</s>");
		}
		break;
	case MD_SPAN_A:
		close_link(c, k);
		c->link_depth--;
		break;
	default:
		break;
	}
	return 0;
}

/* ---- Inline passes, in markdown-it's core order --------------------------- */

/* Adjacent TEXT tokens become one, as markdown-it's text tokens run from one
 * markup token to the next (md4c may split them; literal '~' or '[' adds more). */
static void merge_text(ctx_t *c)
{
	size_t w = 0;
	for (size_t r = 0; r < c->ntok; r++) {
		tok_t t = c->tok[r];
		if (t.kind == TK_TEXT && w && c->tok[w - 1].kind == TK_TEXT) {
			tok_t *p = &c->tok[w - 1];
			if (p->off + p->len != c->arena.len)
				p->off = arena_dup(&c->arena, p->off, p->len);
			arena_dup(&c->arena, t.off, t.len);
			if (p->src && p->src_len == p->len && t.src == p->src + p->len)
				p->src_len += t.src_len;
			p->len += t.len;
			continue;
		}
		c->tok[w++] = t;
	}
	c->ntok = w;
}

static tok_t *push_tok2(ctx_t *c, size_t *n, const tok_t *t)
{
	if (*n == c->cap_tok2)
		c->tok2 = xgrow(c->tok2, &c->cap_tok2, *n + 1, sizeof *c->tok2);
	c->tok2[*n] = *t;
	return &c->tok2[(*n)++];
}

/* The piece [a, b) of text token t, sharing its arena bytes. */
static tok_t text_piece(const tok_t *t, size_t a, size_t b)
{
	tok_t p = *t;
	p.off = t->off + a;
	p.len = b - a;
	p.src = t->src && a < t->src_len ? t->src + a : NULL;
	p.src_len = t->src_len > a ? (t->src_len - a < b - a ? t->src_len - a : b - a) : 0;
	return p;
}

static int html_link_open(const char *s, size_t n)
{
	return n >= 3 && s[0] == '<' && (s[1] == 'a' || s[1] == 'A') &&
	       (s[2] == '>' || s[2] == ' ' || s[2] == '\t' || s[2] == '\n' || s[2] == '\r' ||
		s[2] == '\f' || s[2] == '\v');
}

static int html_link_close(const char *s, size_t n)
{
	if (n < 4 || s[0] != '<' || s[1] != '/' || (s[2] != 'a' && s[2] != 'A'))
		return 0;
	size_t i = 3;
	while (i < n && strchr(" \t\n\r\f\v", s[i]) && s[i])
		i++;
	return i < n && s[i] == '>';
}

/* Which tokens are inside a link, a Markdown one or <a>...</a>: linkify leaves
 * their text alone. Scans backwards as markdown-it does (an unclosed <a> does
 * not count). */
static void mark_links(ctx_t *c)
{
	if (c->cap_in_link < c->ntok)
		c->in_link = xgrow(c->in_link, &c->cap_in_link, c->ntok, sizeof *c->in_link);
	int md_depth = 0, html_level = 0;
	for (size_t i = c->ntok; i-- > 0;) {
		const tok_t *t = &c->tok[i];
		if (t->is_link && t->kind == TK_CLOSE)
			md_depth++;
		else if (t->is_link && t->kind == TK_OPEN)
			md_depth--;
		if (!md_depth && t->kind == TK_HTML) {
			const char *h = c->arena.ptr + t->off;
			if (html_link_open(h, t->len) && html_level > 0)
				html_level--;
			if (html_link_close(h, t->len))
				html_level++;
		}
		c->in_link[i] = md_depth > 0 || html_level > 0;
	}
}

/* The link tokens for a linkified URL: the normalised URL is in t2, the text
 * shown is text[0..n) decoded. */
static void push_autolink(ctx_t *c, size_t *n2, const char *text, size_t n)
{
	tok_t o = {0};
	o.kind = TK_OPEN;
	o.is_link = o.autolink = 1;
	o.moff = c->arena.len;
	buf_puts(&c->arena, "<a href=\"");
	put_esc(&c->arena, buf_cstr(&c->t2), c->t2.len);
	buf_puts(&c->arena, "\">");
	o.mlen = c->arena.len - o.moff;
	push_tok2(c, n2, &o);
	tok_t x = {0};
	x.kind = TK_TEXT;
	x.off = c->arena.len;
	mdurl_decode_text(&c->arena, text, n);
	x.len = c->arena.len - x.off;
	push_tok2(c, n2, &x);
	tok_t cl = o;
	cl.kind = TK_CLOSE;
	cl.moff = c->arena.len;
	buf_puts(&c->arena, "</a>");
	cl.mlen = 4;
	push_tok2(c, n2, &cl);
}

/* Text token t, outside links, into tok2 with its bare URLs made links. */
static void linkify_text(ctx_t *c, size_t *n2, const tok_t *t)
{
	/* the arena grows below: work on a copy of the text */
	buf_reset(&c->t3);
	buf_put(&c->t3, c->arena.ptr + t->off, t->len);
	const char *s = buf_cstr(&c->t3);
	size_t last = 0;
	bool first = true;
	linkify_t lk;
	linkify_match_t m;
	linkify_init(&lk, s, t->len);
	while (linkify_next(&lk, &m)) {
		/* "http\://x" must not link "//x" (markdown-it's rule) */
		bool after_escape = first && m.start == 0 && !m.inline_rule && *n2 &&
				    c->tok2[*n2 - 1].kind == TK_SPECIAL;
		first = false;
		if (after_escape)
			continue;
		buf_reset(&c->t1);
		linkify_url(s, &m, &c->t1);
		buf_reset(&c->t2);
		mdurl_encode(&c->t2, buf_cstr(&c->t1), c->t1.len);
		if (!mdurl_valid(buf_cstr(&c->t2), c->t2.len))
			continue;
		if (m.start > last) {
			tok_t p = text_piece(t, last, m.start);
			push_tok2(c, n2, &p);
		}
		push_autolink(c, n2, s + m.start, m.end - m.start);
		report_link(c, buf_cstr(&c->t1), c->t1.len, t->src && m.start < t->src_len ? t->src + m.start : NULL,
			    false);
		last = m.end;
	}
	if (last == 0) {
		push_tok2(c, n2, t);
	} else if (last < t->len) {
		tok_t p = text_piece(t, last, t->len);
		push_tok2(c, n2, &p);
	}
}

/* markdown-it's core linkify: bare URLs in text outside links become links. */
static void linkify(ctx_t *c)
{
	bool any = false;
	for (size_t i = 0; i < c->ntok && !any; i++)
		any = c->tok[i].kind == TK_TEXT;
	if (!any)
		return;
	if (c->inl_src_start && !linkify_pretest(c->inl_src_start, (size_t)(c->inl_src_end - c->inl_src_start)))
		return;
	mark_links(c);
	size_t n2 = 0;
	for (size_t i = 0; i < c->ntok; i++) {
		if (c->tok[i].kind != TK_TEXT || c->in_link[i])
			push_tok2(c, &n2, &c->tok[i]);
		else
			linkify_text(c, &n2, &c->tok[i]);
	}
	tok_t *sw = c->tok;
	size_t cap = c->cap_tok;
	c->tok = c->tok2;
	c->cap_tok = c->cap_tok2;
	c->ntok = n2;
	c->tok2 = sw;
	c->cap_tok2 = cap;
}

/* ---- Typographer ------------------------------------------------------------- */

/* markdown-it's replacements, on text outside linkified URLs. */
static void replacements(ctx_t *c)
{
	int inside_auto = 0;
	for (size_t i = c->ntok; i-- > 0;) {
		tok_t *t = &c->tok[i];
		if (t->kind == TK_TEXT && !inside_auto) {
			size_t at = c->arena.len;
			buf_reset(&c->t1);
			if (typo_replace(c->arena.ptr + t->off, t->len, &c->t1)) {
				buf_put(&c->arena, c->t1.ptr, c->t1.len);
				t->off = at;
				t->len = c->t1.len;
				t->src_len = 0;
			}
		}
		if (t->autolink && t->kind == TK_OPEN)
			inside_auto--;
		if (t->autolink && t->kind == TK_CLOSE)
			inside_auto++;
	}
}

static void rewrite_quotes(size_t i, const char *text, size_t len, void *ud)
{
	ctx_t *c = ud;
	tok_t *t = &c->tok[i];
	t->off = c->arena.len;
	buf_put(&c->arena, text, len);
	t->len = len;
	t->src_len = 0;
}

/* Whether some text holds a quote: most blocks have none, and then
 * smartquotes has nothing to build. */
static bool has_quote(const ctx_t *c)
{
	for (size_t i = 0; i < c->ntok; i++) {
		const tok_t *t = &c->tok[i];
		const char *s = c->arena.ptr + t->off;
		if (t->kind == TK_TEXT && (memchr(s, '"', t->len) || memchr(s, '\'', t->len)))
			return true;
	}
	return false;
}

/* markdown-it's smartquotes over the block's tokens (linkified URLs
 * included: only the replacements skip them). */
static void smartquotes(ctx_t *c)
{
	if (!has_quote(c))
		return;
	if (c->cap_pieces < c->ntok)
		c->pieces = xgrow(c->pieces, &c->cap_pieces, c->ntok, sizeof *c->pieces);
	for (size_t i = 0; i < c->ntok; i++) {
		const tok_t *t = &c->tok[i];
		typo_kind_t k;
		switch (t->kind) {
		case TK_TEXT: k = TYPO_TEXT; break;
		case TK_SOFTBR:
		case TK_HARDBR: k = TYPO_BREAK; break;
		case TK_OPEN: k = TYPO_OPEN; break;
		case TK_CLOSE: k = TYPO_CLOSE; break;
		default: k = TYPO_OTHER; break; /* SPECIAL, CODE, HTML, IMAGE */
		}
		c->pieces[i] = (typo_piece_t){k, c->arena.ptr + t->off, t->len};
	}
	if (!c->typo)
		c->typo = typo_new();
	typo_quotes(c->typo, c->pieces, c->ntok, rewrite_quotes, c);
}

/* ---- Output ---------------------------------------------------------------- */

/* markdown-it's renderToken puts '\n' after a start tag unless inline content
 * or the matching end tag follows, and before a start tag that follows a tight
 * list item's text. Both depend on the next token, hence pending_open. */
static void settle(ctx_t *c, int lf)
{
	if (c->pending_open && lf)
		buf_putc(c->out, '\n');
	c->pending_open = 0;
}

static void open_tag(ctx_t *c, const char *html)
{
	settle(c, 1);
	if (c->prev_hidden)
		buf_putc(c->out, '\n');
	c->prev_hidden = 0;
	buf_puts(c->out, html);
	c->pending_open = 1;
}

static void close_tag(ctx_t *c, const char *html)
{
	settle(c, 0);
	c->prev_hidden = 0;
	buf_puts(c->out, html);
}

/* Blocks with their own renderer rule in markdown-it (code, fence, html_block):
 * no newline before them, even after a tight item's text. */
static void raw_block(ctx_t *c)
{
	settle(c, 1);
	c->prev_hidden = 0;
}

/* markdown-it trims a paragraph's (heading's, cell's) source with JavaScript's
 * trim(), which also removes no-break and other Unicode spaces; md4c only
 * strips ASCII ones. A line of such spaces at either end goes with its break. */
static void trim_ends(ctx_t *c)
{
	size_t a = 0, b = c->ntok;
	/* leading: spaces, and the line breaks of lines that held nothing else */
	while (a < b) {
		tok_t *t = &c->tok[a];
		if (t->kind == TK_SOFTBR || t->kind == TK_HARDBR) {
			a++;
			continue;
		}
		if (t->kind != TK_TEXT)
			break;
		const char *s = c->arena.ptr + t->off;
		size_t k = 0;
		while (k < t->len) {
			uint32_t ch;
			size_t adv = utf8_next(s + k, t->len - k, &ch);
			if (!uc_is_js_space(ch))
				break;
			k += adv;
		}
		t->off += k;
		t->len -= k;
		if (t->src) {
			t->src += k;
			t->src_len = t->src_len > k ? t->src_len - k : 0;
		}
		if (t->len)
			break;
		a++;
	}
	while (b > a) {
		tok_t *t = &c->tok[b - 1];
		if (t->kind == TK_SOFTBR || t->kind == TK_HARDBR) {
			b--;
			continue;
		}
		if (t->kind != TK_TEXT)
			break;
		const char *s = c->arena.ptr + t->off;
		while (t->len) {
			uint32_t ch;
			size_t adv = utf8_decode_last(s, t->len, &ch);
			if (!uc_is_js_space(ch))
				break;
			t->len -= adv;
		}
		if (t->src_len > t->len)
			t->src_len = t->len;
		if (t->len)
			break;
		b--;
	}
	if (a)
		memmove(c->tok, c->tok + a, (b - a) * sizeof *c->tok);
	c->ntok = b - a;
}

/* md4c 0.4.8 does not start an HTML block on <h2> to <h6> (its bug #214, fixed
 * in 0.5), so such a block arrives as a paragraph: write its source instead. */
static int html_block_as_paragraph(ctx_t *c)
{
	const tok_t *t = c->ntok ? &c->tok[0] : NULL;
	if (!t || t->kind != TK_HTML || !t->src || !c->inl_src_end)
		return 0;
	const char *s = t->src;
	size_t i = s[1] == '/' ? 2 : 1;
	if (t->len < i + 3 || (s[i] != 'h' && s[i] != 'H') || s[i + 1] < '2' || s[i + 1] > '6' ||
	    !strchr(" \t\n>/", s[i + 2]) || !s[i + 2])
		return 0;
	const char *b = s, *e = c->inl_src_end, *end = c->src + c->len;
	while (b > c->src && b[-1] == ' ' && s - b < 3)
		b--;
	if (b > c->src && b[-1] != '\n')
		return 0;
	while (e < end && *e != '\n')
		e++;
	if (e < end)
		e++;
	buf_truncate(c->out, c->p_mark);
	c->pending_open = c->p_pending;
	c->prev_hidden = c->p_hidden;
	raw_block(c);
	buf_put(c->out, b, (size_t)(e - b));
	c->ntok = 0;
	c->inl_src_start = c->inl_src_end = NULL;
	buf_reset(&c->arena);
	return 1;
}

/* The same md4c bug can also enter a span and never leave it: whatever is
 * still open when the inline content ends is closed there, so that every tag
 * is closed inside its block and no span outlives the tokens it points to. */
static void close_open_spans(ctx_t *c)
{
	if (c->img_depth) {
		c->img_depth = 1;
		on_leave_span(MD_SPAN_IMG, NULL, c);
	}
	while (c->nspans)
		on_leave_span(c->spans[c->nspans - 1].type, NULL, c);
}

static void flush_inline(ctx_t *c)
{
	close_open_spans(c);
	if (!c->ntok)
		return;
	blk_t *top = c->nblk ? &c->blk[c->nblk - 1] : NULL;
	int hidden = top && (top->type == MD_BLOCK_LI || (top->type == MD_BLOCK_P && top->hidden));
	merge_text(c);
	trim_ends(c);
	if (!(c->opts & MD_OPT_NOLINKIFY))
		linkify(c);
	if (!(c->opts & MD_OPT_NOTYPO)) {
		replacements(c);
		smartquotes(c);
	}
	settle(c, 0);
	c->prev_hidden = 0;
	for (size_t i = 0; i < c->ntok; i++) {
		const tok_t *t = &c->tok[i];
		const char *s = c->arena.ptr + t->off;
		switch (t->kind) {
		case TK_TEXT:
		case TK_SPECIAL:
			put_esc(c->out, s, t->len);
			break;
		case TK_CODE:
			buf_puts(c->out, "<code>");
			put_esc(c->out, s, t->len);
			buf_puts(c->out, "</code>");
			break;
		case TK_HTML:
			buf_put(c->out, s, t->len);
			break;
		case TK_SOFTBR:
		case TK_HARDBR:
			buf_puts(c->out, "<br>\n");
			break;
		default:
			buf_put(c->out, c->arena.ptr + t->moff, t->mlen);
			break;
		}
	}
	c->prev_hidden = hidden;
	c->ntok = 0;
	c->inl_src_start = c->inl_src_end = NULL;
	buf_reset(&c->arena);
}

static int on_enter_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
	ctx_t *c = ud;
	char tag[64];
	blk_t b = {type, 0, 0};
	blk_t *top = c->nblk ? &c->blk[c->nblk - 1] : NULL;
	flush_inline(c);
	switch (type) {
	case MD_BLOCK_QUOTE:
		open_tag(c, "<blockquote>");
		break;
	case MD_BLOCK_UL:
		b.tight = ((MD_BLOCK_UL_DETAIL *)detail)->is_tight;
		open_tag(c, "<ul>");
		break;
	case MD_BLOCK_OL: {
		MD_BLOCK_OL_DETAIL *d = detail;
		b.tight = d->is_tight;
		if (d->start != 1) {
			snprintf(tag, sizeof tag, "<ol start=\"%u\">", d->start);
			open_tag(c, tag);
		} else {
			open_tag(c, "<ol>");
		}
		break;
	}
	case MD_BLOCK_LI:
		b.tight = top ? top->tight : 0;
		open_tag(c, "<li>");
		break;
	case MD_BLOCK_HR:
		open_tag(c, "<hr>\n");
		c->pending_open = 0;
		break;
	case MD_BLOCK_H:
		snprintf(tag, sizeof tag, "<h%u>", ((MD_BLOCK_H_DETAIL *)detail)->level);
		open_tag(c, tag);
		break;
	case MD_BLOCK_CODE: {
		MD_BLOCK_CODE_DETAIL *d = detail;
		raw_block(c);
		buf_puts(c->out, "<pre><code");
		if (d->lang.size) {
			buf_reset(&c->t1);
			attr_decode(&d->lang, &c->t1);
			buf_puts(c->out, " class=\"language-");
			put_esc(c->out, buf_cstr(&c->t1), c->t1.len);
			buf_putc(c->out, '"');
		}
		buf_putc(c->out, '>');
		c->in_code_block = 1;
		c->raw_eof_nl = d->fence_char != 0;
		c->raw_end = NULL;
		break;
	}
	case MD_BLOCK_HTML:
		raw_block(c);
		c->in_html_block = 1;
		c->raw_eof_nl = 1;
		c->raw_end = NULL;
		break;
	case MD_BLOCK_P:
		b.hidden = top && top->type == MD_BLOCK_LI && top->tight;
		c->p_mark = c->out->len;
		c->p_pending = c->pending_open;
		c->p_hidden = c->prev_hidden;
		if (!b.hidden)
			open_tag(c, "<p>");
		break;
	case MD_BLOCK_TABLE:
		open_tag(c, "<table>");
		break;
	case MD_BLOCK_THEAD:
		open_tag(c, "<thead>");
		break;
	case MD_BLOCK_TBODY:
		open_tag(c, "<tbody>");
		break;
	case MD_BLOCK_TR:
		open_tag(c, "<tr>");
		break;
	case MD_BLOCK_TH:
	case MD_BLOCK_TD: {
		static const char *const align[] = {"", " style=\"text-align:left\"",
						    " style=\"text-align:center\"",
						    " style=\"text-align:right\""};
		MD_ALIGN a = ((MD_BLOCK_TD_DETAIL *)detail)->align;
		snprintf(tag, sizeof tag, "<%s%s>", type == MD_BLOCK_TH ? "th" : "td",
			 align[a <= MD_ALIGN_RIGHT ? a : 0]);
		open_tag(c, tag);
		break;
	}
	default:
		break;
	}
	if (c->nblk == c->cap_blk)
		c->blk = xgrow(c->blk, &c->cap_blk, c->nblk + 1, sizeof *c->blk);
	c->blk[c->nblk++] = b;
	return 0;
}

static int on_leave_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
	ctx_t *c = ud;
	char tag[16];
	blk_t *top = &c->blk[c->nblk - 1];
	if (type == MD_BLOCK_P && !top->hidden && html_block_as_paragraph(c)) {
		c->nblk--;
		return 0;
	}
	flush_inline(c);
	blk_t b = c->blk[--c->nblk];
	switch (type) {
	case MD_BLOCK_QUOTE:
		close_tag(c, "</blockquote>\n");
		break;
	case MD_BLOCK_UL:
		close_tag(c, "</ul>\n");
		break;
	case MD_BLOCK_OL:
		close_tag(c, "</ol>\n");
		break;
	case MD_BLOCK_LI:
		close_tag(c, "</li>\n");
		break;
	case MD_BLOCK_H:
		snprintf(tag, sizeof tag, "</h%u>\n", ((MD_BLOCK_H_DETAIL *)detail)->level);
		close_tag(c, tag);
		break;
	case MD_BLOCK_CODE:
		buf_puts(c->out, "</code></pre>\n");
		c->in_code_block = 0;
		break;
	case MD_BLOCK_HTML:
		c->in_html_block = 0;
		break;
	case MD_BLOCK_P:
		if (!b.hidden)
			close_tag(c, "</p>\n");
		break;
	case MD_BLOCK_TABLE:
		close_tag(c, "</table>\n");
		break;
	case MD_BLOCK_THEAD:
		close_tag(c, "</thead>\n");
		break;
	case MD_BLOCK_TBODY:
		close_tag(c, "</tbody>\n");
		break;
	case MD_BLOCK_TR:
		close_tag(c, "</tr>\n");
		break;
	case MD_BLOCK_TH:
		close_tag(c, "</th>\n");
		break;
	case MD_BLOCK_TD:
		close_tag(c, "</td>\n");
		break;
	default:
		break;
	}
	return 0;
}

static void ctx_free(ctx_t *c)
{
	free(c->blk);
	free(c->tok);
	free(c->tok2);
	free(c->spans);
	free(c->lines);
	free(c->in_link);
	free(c->pieces);
	typo_free(c->typo);
	buf_free(&c->arena);
	buf_free(&c->img_title);
	buf_free(&c->alt);
	buf_free(&c->t1);
	buf_free(&c->t2);
	buf_free(&c->t3);
}

/* NUL bytes after the copy of the input md4c parses (see md_render). */
#define MD_SRC_PAD 16

int md_render(const char *src, size_t len, unsigned opts, buf_t *out, md_link_fn on_link, void *ud)
{
	ctx_t c;
	int rc = -1;
	char *copy = NULL;
	memset(&c, 0, sizeof c);
	if (len > UINT_MAX)
		goto cleanup;
	/* md4c 0.4.8 reads past the end of its input in some unfinished
	 * constructs (an input ending in "[](", fixed upstream by mity/md4c#167):
	 * it parses a copy followed by NUL bytes, so that what it reads there is
	 * ours and always the same, whatever lies after the caller's buffer. */
	c.len = src ? len : 0;
	copy = xmalloc(c.len + MD_SRC_PAD);
	if (c.len)
		memcpy(copy, src, c.len);
	memset(copy + c.len, 0, MD_SRC_PAD);
	c.src = copy;
	c.opts = opts;
	c.out = out;
	c.on_link = on_link;
	c.ud = ud;
	MD_PARSER p = {
		.abi_version = 0,
		.flags = MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH |
			 ((opts & MD_OPT_NOHTML) ? MD_FLAG_NOHTML : 0),
		.enter_block = on_enter_block,
		.leave_block = on_leave_block,
		.enter_span = on_enter_span,
		.leave_span = on_leave_span,
		.text = on_text,
	};
	rc = md_parse(c.src, (MD_SIZE)c.len, &p, &c) ? -1 : 0;
cleanup:
	ctx_free(&c);
	free(copy);
	return rc;
}
