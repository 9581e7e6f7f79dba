/* doc_markdown: a person's Markdown (CommonMark and its tables, by md4c) as
 * doc_t blocks, through doc.h's own calls. What a doc cannot hold is
 * folded into what it can: nested lists into the one level, block quotes
 * and code blocks into paragraphs, a table too wide (or inside a list) into
 * a paragraph per row; raw HTML is dropped, an image leaves its alt text. */
#include <limits.h>
#include <md4c.h>
#include <stdbool.h>
#include <string.h>

#include "guide/entity.h"
#include "render/doc.h"
#include "util/buf.h"
#include "util/utf8.h"

typedef struct {
	doc_t *doc;
	int shift;
	int lists;	 /* md4c lists open: one doc list for them all */
	bool target;	 /* a paragraph, item or cell takes text */
	bool item_text;	 /* the current item has text: a new paragraph in it breaks the line */
	bool brk;	 /* a line break is due before the next text */
	int heading;	 /* the level of the heading being collected, 0 if none */
	int strong, em, code;
	bool code_block, code_nl;
	int html;	 /* raw HTML blocks open: their text is dropped */
	int link;	 /* links open: their text is collected */
	buf_t link_text, link_url;
	bool in_table, flat, in_head;
	size_t col, ncols;
	doc_align_t align[DOC_MAX_COLUMNS];
	size_t head_off[DOC_MAX_COLUMNS];
	buf_t collect;	 /* a heading's text, or the header cells' (NUL after each) */
	buf_t scratch, ent;
} mdp_t;

static unsigned cur_style(const mdp_t *p)
{
	return (p->strong ? DOC_STRONG : 0) | (p->em ? DOC_EM : 0) | (p->code || p->code_block ? DOC_CODE : 0);
}

/* A paragraph starts: in a list, a line of the current item. */
static void para_start(mdp_t *p)
{
	if (p->lists) {
		p->brk = p->item_text;
	} else {
		doc_para(p->doc);
	}
	p->target = true;
}

static void put_run(mdp_t *p, unsigned style, const char *s, size_t n)
{
	if (!p->target)
		para_start(p);
	if (p->brk) {
		doc_run(p->doc, DOC_PLAIN, "\n");
		p->brk = false;
	}
	buf_reset(&p->scratch);
	buf_put(&p->scratch, s, n);
	doc_run(p->doc, style, buf_cstr(&p->scratch));
	p->item_text = p->lists > 0;
}

static void emit(mdp_t *p, const char *s, size_t n)
{
	if (p->html || !n)
		return;
	if (p->link)
		buf_put(&p->link_text, s, n);
	else if (p->heading || p->in_head)
		buf_put(&p->collect, s, n);
	else
		put_run(p, cur_style(p), s, n);
}

static void table_start(mdp_t *p, const MD_BLOCK_TABLE_DETAIL *t)
{
	p->in_table = true;
	p->flat = p->lists > 0 || t->col_count > DOC_MAX_COLUMNS || t->col_count == 0;
	p->ncols = t->col_count;
	buf_reset(&p->collect);
}

static void cell_start(mdp_t *p, bool head, const MD_BLOCK_TD_DETAIL *td)
{
	if (p->flat) {
		if (p->col++)
			put_run(p, DOC_PLAIN, " | ", 3);
		return;
	}
	if (head) {
		/* the header cells' texts, each ended by a NUL */
		if (p->col)
			buf_putc(&p->collect, '\0');
		p->head_off[p->col] = p->collect.len;
		p->align[p->col] = td->align == MD_ALIGN_RIGHT ? DOC_RIGHT : DOC_LEFT;
	} else {
		doc_cell(p->doc);
		p->target = true;
	}
	p->col++;
}

static void head_end(mdp_t *p)
{
	p->in_head = false;
	if (p->flat)
		return;
	const char *heads[DOC_MAX_COLUMNS];
	buf_putc(&p->collect, '\0');
	for (size_t i = 0; i < p->ncols; i++)
		heads[i] = i < p->col ? p->collect.ptr + p->head_off[i] : "";
	doc_table(p->doc, NULL, p->ncols, heads, p->align);
}

static int on_enter_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
	mdp_t *p = ud;
	if (type != MD_BLOCK_TH && type != MD_BLOCK_TD && type != MD_BLOCK_THEAD && type != MD_BLOCK_TBODY &&
	    type != MD_BLOCK_LI && type != MD_BLOCK_TR && !p->lists)
		p->target = false;
	switch (type) {
	case MD_BLOCK_UL:
	case MD_BLOCK_OL:
		if (!p->lists++)
			doc_list(p->doc, type == MD_BLOCK_OL);
		break;
	case MD_BLOCK_LI:
		doc_item(p->doc);
		p->target = true;
		p->item_text = p->brk = false;
		break;
	case MD_BLOCK_H:
		if (p->lists) {
			para_start(p);
		} else {
			p->heading = (int)((MD_BLOCK_H_DETAIL *)detail)->level;
			buf_reset(&p->collect);
		}
		break;
	case MD_BLOCK_CODE:
		para_start(p);
		p->code_block = true;
		p->code_nl = false;
		break;
	case MD_BLOCK_HTML:
		p->html++;
		break;
	case MD_BLOCK_P:
		para_start(p);
		break;
	case MD_BLOCK_TABLE:
		table_start(p, detail);
		break;
	case MD_BLOCK_THEAD:
		p->in_head = !p->flat;
		break;
	case MD_BLOCK_TR:
		p->col = 0;
		if (p->flat)
			para_start(p);
		else if (!p->in_head)
			doc_row(p->doc);
		break;
	case MD_BLOCK_TH:
	case MD_BLOCK_TD:
		cell_start(p, type == MD_BLOCK_TH, detail);
		break;
	default: /* the document, quotes, rules, table bodies */
		break;
	}
	return 0;
}

static int on_leave_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
	(void)detail;
	mdp_t *p = ud;
	switch (type) {
	case MD_BLOCK_UL:
	case MD_BLOCK_OL:
		if (!--p->lists) {
			doc_list_end(p->doc);
			p->target = false;
		}
		break;
	case MD_BLOCK_H:
		if (p->heading) {
			int level = p->heading + p->shift;
			doc_heading(p->doc, level < 1 ? 1 : level > 4 ? 4 : level, NULL, buf_cstr(&p->collect));
			p->heading = 0;
		}
		break;
	case MD_BLOCK_CODE:
		p->code_block = false;
		break;
	case MD_BLOCK_HTML:
		p->html--;
		break;
	case MD_BLOCK_THEAD:
		head_end(p);
		break;
	case MD_BLOCK_TABLE:
		if (!p->flat)
			doc_table_end(p->doc);
		p->in_table = false;
		break;
	default:
		break;
	}
	/* the paragraph ends (an item takes text until the list ends) */
	if (!p->lists && (type == MD_BLOCK_P || type == MD_BLOCK_CODE || type == MD_BLOCK_TABLE ||
			  (type == MD_BLOCK_TR && p->flat)))
		p->target = false;
	return 0;
}

/* A destination as UTF-8, its entities decoded. */
static void attr_text(const MD_ATTRIBUTE *a, buf_t *out)
{
	if (!a->text || !a->size)
		return;
	for (unsigned i = 0; a->substr_offsets[i] < a->size; i++) {
		const char *s = a->text + a->substr_offsets[i];
		size_t n = a->substr_offsets[i + 1] - a->substr_offsets[i];
		if (a->substr_types[i] == MD_TEXT_NULLCHAR)
			buf_puts(out, UTF8_REPLACEMENT);
		else if (a->substr_types[i] != MD_TEXT_ENTITY || !entity_decode(s, n, out))
			buf_put(out, s, n);
	}
}

static int on_enter_span(MD_SPANTYPE type, void *detail, void *ud)
{
	mdp_t *p = ud;
	switch (type) {
	case MD_SPAN_EM: p->em++; break;
	case MD_SPAN_STRONG: p->strong++; break;
	case MD_SPAN_CODE: p->code++; break;
	case MD_SPAN_A:
		if (!p->link++) {
			buf_reset(&p->link_text);
			buf_reset(&p->link_url);
			attr_text(&((MD_SPAN_A_DETAIL *)detail)->href, &p->link_url);
		}
		break;
	default: /* an image: its alt text comes as text */
		break;
	}
	return 0;
}

static int on_leave_span(MD_SPANTYPE type, void *detail, void *ud)
{
	(void)detail;
	mdp_t *p = ud;
	switch (type) {
	case MD_SPAN_EM: p->em--; break;
	case MD_SPAN_STRONG: p->strong--; break;
	case MD_SPAN_CODE: p->code--; break;
	case MD_SPAN_A:
		if (--p->link)
			break;
		if (p->heading || p->in_head) {
			buf_put(&p->collect, p->link_text.ptr ? p->link_text.ptr : "", p->link_text.len);
		} else if (!p->html) {
			if (!p->target)
				para_start(p);
			if (p->brk) {
				doc_run(p->doc, DOC_PLAIN, "\n");
				p->brk = false;
			}
			doc_link(p->doc, buf_cstr(&p->link_url), buf_cstr(&p->link_text));
			p->item_text = p->lists > 0;
		}
		break;
	default:
		break;
	}
	return 0;
}

static int on_text(MD_TEXTTYPE type, const MD_CHAR *s, MD_SIZE n, void *ud)
{
	mdp_t *p = ud;
	switch (type) {
	case MD_TEXT_NULLCHAR:
		emit(p, UTF8_REPLACEMENT, 3);
		break;
	case MD_TEXT_BR:
		emit(p, "\n", 1);
		break;
	case MD_TEXT_SOFTBR:
		emit(p, " ", 1);
		break;
	case MD_TEXT_ENTITY:
		buf_reset(&p->ent);
		if (entity_decode(s, n, &p->ent))
			emit(p, p->ent.ptr, p->ent.len);
		else
			emit(p, s, n);
		break;
	case MD_TEXT_HTML:
		break;
	case MD_TEXT_CODE:
		if (p->code_block) {
			/* a code block's lines, the last one's line feed dropped */
			if (n == 1 && s[0] == '\n') {
				if (p->code_nl)
					emit(p, "\n", 1);
				p->code_nl = true;
				break;
			}
			if (p->code_nl)
				emit(p, "\n", 1);
			p->code_nl = false;
		}
		emit(p, s, n);
		break;
	default:
		emit(p, s, n);
		break;
	}
	return 0;
}

void doc_markdown(doc_t *doc, const char *md, size_t len, int shift)
{
	mdp_t p = {0};
	p.doc = doc;
	p.shift = shift;
	MD_PARSER parser = {
		.abi_version = 0,
		.flags = MD_FLAG_TABLES,
		.enter_block = on_enter_block,
		.leave_block = on_leave_block,
		.enter_span = on_enter_span,
		.leave_span = on_leave_span,
		.text = on_text,
	};
	/* md4c's sizes are 32 bits; the texts given here are a few hundred KB */
	md_parse(md, (MD_SIZE)(len > UINT_MAX ? UINT_MAX : len), &parser, &p);
	buf_free(&p.link_text);
	buf_free(&p.link_url);
	buf_free(&p.collect);
	buf_free(&p.scratch);
	buf_free(&p.ent);
}
