/* yaml: libfyaml events -> value_t, with depth and expansion limits; a fast
 * path for simple block YAML that gives the same tree. */
#include "guide/yaml.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <libfyaml.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "util/utf8.h"
#include "util/xalloc.h"

typedef struct {
	char *name;
	value_t *val; /* borrowed from the tree being built, or owned (below) */
	bool owned;   /* an anchored mapping key: keys become strings, so the anchor keeps the node */
} anchor_t;

typedef struct {
	const char *file;
	int line_offset;
	diag_list_t *diags;
	anchor_t *anchors;
	size_t nanchors, capanchors;
	/* Open-addressing index of anchor names (slot -> position + 1, latest
	 * definition), so that many anchors and aliases stay linear. */
	size_t *aidx;
	size_t acap;
	size_t nodes;
	value_t *stack[YAML_MAX_DEPTH + 1];
	char *pending_key[YAML_MAX_DEPTH + 1]; /* key awaiting its value, per map level */
	int pending_line[YAML_MAX_DEPTH + 1], pending_col[YAML_MAX_DEPTH + 1];
	int depth;
	value_t *root;
	bool failed;
	/* For empty list items, which libfyaml gives no position: the source,
	 * where the previous event ended, and a cursor moving forward only. */
	const char *src;
	size_t srclen, last_end;
	size_t cur_pos;
	int cur_line, cur_col;
} ybuild_t;

/* Line/column of the first '-' at or after the previous event's end. */
static void empty_item_pos(ybuild_t *b, int *line, int *col)
{
	size_t target = b->last_end;
	while (target < b->srclen && b->src[target] != '-')
		target++;
	while (b->cur_pos < target) {
		if (b->src[b->cur_pos] == '\n') {
			b->cur_line++;
			b->cur_col = 0;
		} else if (((unsigned char)b->src[b->cur_pos] & 0xC0) != 0x80) {
			b->cur_col++;
		}
		b->cur_pos++;
	}
	*line = b->cur_line + 1 + b->line_offset;
	*col = b->cur_col + 1;
}

static void set_pos(ybuild_t *b, value_t *v, struct fy_event *ev)
{
	const struct fy_mark *m = fy_event_start_mark(ev);
	v->file = b->file;
	if (m) {
		v->line = m->line + 1 + b->line_offset;
		v->col = m->column + 1;
	}
}

static void fail(ybuild_t *b, struct fy_event *ev, const char *rule, const char *msg, const char *hint)
{
	const struct fy_mark *m = ev ? fy_event_start_mark(ev) : NULL;
	diag_t *d = diag_add(b->diags, DIAG_ERROR, b->file, m ? m->line + 1 + b->line_offset : 0,
			     m ? m->column + 1 : 0, rule, "%s", msg);
	if (hint)
		diag_hint(d, "%s", hint);
	b->failed = true;
}

static bool eq(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

/* YAML 1.2 core schema resolution of a plain scalar. */
static value_t *plain_scalar(const char *s, size_t n)
{
	if (n == 0 || eq(s, n, "~") || eq(s, n, "null") || eq(s, n, "Null") || eq(s, n, "NULL"))
		return value_null();
	if (eq(s, n, "true") || eq(s, n, "True") || eq(s, n, "TRUE"))
		return value_bool(true);
	if (eq(s, n, "false") || eq(s, n, "False") || eq(s, n, "FALSE"))
		return value_bool(false);
	if (eq(s, n, ".inf") || eq(s, n, ".Inf") || eq(s, n, ".INF") || eq(s, n, "+.inf") ||
	    eq(s, n, "+.Inf") || eq(s, n, "+.INF"))
		return value_number(INFINITY);
	if (eq(s, n, "-.inf") || eq(s, n, "-.Inf") || eq(s, n, "-.INF"))
		return value_number(-INFINITY);
	if (eq(s, n, ".nan") || eq(s, n, ".NaN") || eq(s, n, ".NAN"))
		return value_number(NAN);

	char tmp[64];
	if (n >= sizeof tmp)
		return value_string(s, n);
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	char *end;
	if (n > 2 && tmp[0] == '0' && (tmp[1] == 'o' || tmp[1] == 'x')) {
		errno = 0;
		unsigned long long v = strtoull(tmp + 2, &end, tmp[1] == 'o' ? 8 : 16);
		if (*end == '\0' && errno == 0 && (isxdigit((unsigned char)tmp[2])))
			return value_number((double)v);
		return value_string(s, n);
	}
	/* [-+]?[0-9]+ or [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
	size_t i = 0;
	if (tmp[i] == '-' || tmp[i] == '+')
		i++;
	size_t digits = 0, frac = 0;
	while (tmp[i] >= '0' && tmp[i] <= '9')
		i++, digits++;
	if (tmp[i] == '.') {
		i++;
		while (tmp[i] >= '0' && tmp[i] <= '9')
			i++, frac++;
	}
	if (digits + frac == 0)
		return value_string(s, n);
	if (tmp[i] == 'e' || tmp[i] == 'E') {
		i++;
		if (tmp[i] == '-' || tmp[i] == '+')
			i++;
		size_t ed = 0;
		while (tmp[i] >= '0' && tmp[i] <= '9')
			i++, ed++;
		if (!ed)
			return value_string(s, n);
	}
	if (i != n)
		return value_string(s, n);
	return value_number(strtod(tmp, NULL));
}

static size_t name_hash(const char *s, size_t n)
{
	size_t h = 5381;
	for (size_t i = 0; i < n; i++)
		h = h * 33 + (unsigned char)s[i];
	return h;
}

/* The slot holding name, or the empty slot where it would go. */
static size_t anchor_slot(const ybuild_t *b, const char *name, size_t n)
{
	size_t i = name_hash(name, n) & (b->acap - 1);
	while (b->aidx[i] && !eq(name, n, b->anchors[b->aidx[i] - 1].name))
		i = (i + 1) & (b->acap - 1);
	return i;
}

static value_t *find_anchor(ybuild_t *b, const char *name, size_t n)
{
	if (!b->acap)
		return NULL;
	size_t i = anchor_slot(b, name, n);
	return b->aidx[i] ? b->anchors[b->aidx[i] - 1].val : NULL;
}

static void add_anchor(ybuild_t *b, struct fy_token *tok, value_t *v)
{
	if (!tok)
		return;
	size_t n;
	const char *t = fy_token_get_text(tok, &n);
	if (!t)
		return;
	b->anchors = xgrow(b->anchors, &b->capanchors, b->nanchors + 1, sizeof *b->anchors);
	b->anchors[b->nanchors].name = xstrndup(t, n);
	b->anchors[b->nanchors].val = v;
	b->anchors[b->nanchors].owned = false;
	b->nanchors++;
	if (b->nanchors * 2 > b->acap) {
		/* Rehash every name, each to its latest definition. */
		free(b->aidx);
		b->acap = b->acap ? b->acap * 2 : 16;
		b->aidx = xcalloc(b->acap, sizeof *b->aidx);
		for (size_t k = 0; k < b->nanchors; k++) {
			const char *name = b->anchors[k].name;
			b->aidx[anchor_slot(b, name, strlen(name))] = k + 1;
		}
		return;
	}
	/* Latest definition wins, as YAML allows redefinition. */
	b->aidx[anchor_slot(b, t, n)] = b->nanchors;
}

static size_t count_nodes(const value_t *v)
{
	size_t n = 1;
	if (v->kind == VAL_LIST)
		for (size_t i = 0; i < v->u.list.len; i++)
			n += count_nodes(v->u.list.items[i]);
	else if (v->kind == VAL_MAP)
		for (size_t i = 0; i < v->u.map.len; i++)
			n += count_nodes(v->u.map.vals[i]);
	return n;
}

/* Attach v to the current container (or make it the root). Takes ownership. */
static void attach(ybuild_t *b, value_t *v, struct fy_event *ev)
{
	if (b->depth == 0) {
		value_free(b->root);
		b->root = v;
		return;
	}
	value_t *parent = b->stack[b->depth - 1];
	if (parent->kind == VAL_LIST) {
		if (v->line == 0)
			empty_item_pos(b, &v->line, &v->col);
		value_list_push(parent, v);
		return;
	}
	int lvl = b->depth - 1;
	if (!b->pending_key[lvl]) {
		/* A mapping key: only scalars make sense as keys in a guide. */
		if (v->kind == VAL_LIST || v->kind == VAL_MAP) {
			fail(b, ev, "yaml-syntax", "a mapping key must be a plain value, not a list or mapping",
			     NULL);
			value_free(v);
			return;
		}
		buf_t k = BUF_INIT;
		value_to_text(v, &k);
		b->pending_key[lvl] = buf_detach(&k);
		b->pending_line[lvl] = v->line;
		b->pending_col[lvl] = v->col;
		/* A scalar's anchor, if any, was the last one added, just before
		 * this attach: checking it alone keeps many keys linear. */
		anchor_t *last = b->nanchors ? &b->anchors[b->nanchors - 1] : NULL;
		if (last && last->val == v && !last->owned) {
			last->owned = true;
			return;
		}
		value_free(v);
		return;
	}
	if (v->line == 0) {
		/* An empty value ("key:") has no mark of its own: point at its key. */
		v->line = b->pending_line[lvl];
		v->col = b->pending_col[lvl];
	}
	if (value_get(parent, b->pending_key[lvl])) {
		diag_t *d = diag_add(b->diags, DIAG_ERROR, b->file, b->pending_line[lvl], b->pending_col[lvl],
				     "yaml-syntax", "duplicate key '%s' in mapping", b->pending_key[lvl]);
		diag_hint(d, "remove one of the two '%s:' lines", b->pending_key[lvl]);
		b->failed = true;
	}
	value_map_set(parent, b->pending_key[lvl], v);
	free(b->pending_key[lvl]);
	b->pending_key[lvl] = NULL;
}

static void handle(ybuild_t *b, struct fy_event *ev)
{
	switch (ev->type) {
	case FYET_SCALAR: {
		size_t n;
		const char *t = fy_token_get_text(ev->scalar.value, &n);
		if (!t) {
			t = "";
			n = 0;
		}
		/* Values are read in NFC, so that a name typed decomposed is the
		 * same name; positions come from libfyaml's marks in the text as
		 * written, so they stay exact. */
		size_t nfc_len;
		char *nfc = utf8_nfc_new(t, n, &nfc_len);
		if (nfc) {
			t = nfc;
			n = nfc_len;
		}
		value_t *v;
		enum fy_scalar_style st = fy_token_scalar_style(ev->scalar.value);
		const char *tag = NULL;
		size_t tagn = 0;
		if (ev->scalar.tag)
			tag = fy_token_get_text(ev->scalar.tag, &tagn);
		bool str_tag = tag && tagn >= 5 && memcmp(tag + tagn - 4, ":str", 4) == 0;
		if (st == FYSS_PLAIN && !str_tag)
			v = plain_scalar(t, n);
		else
			v = value_string(t, n);
		free(nfc);
		set_pos(b, v, ev);
		b->nodes++;
		add_anchor(b, ev->scalar.anchor, v);
		attach(b, v, ev);
		break;
	}
	case FYET_ALIAS: {
		size_t n;
		const char *t = fy_token_get_text(ev->alias.anchor, &n);
		value_t *target = t ? find_anchor(b, t, n) : NULL;
		if (!target) {
			fail(b, ev, "yaml-syntax", "alias to an unknown anchor", NULL);
			break;
		}
		b->nodes += count_nodes(target);
		if (b->nodes > YAML_MAX_NODES) {
			char msg[160];
			snprintf(msg, sizeof msg,
				 "aliases expand to more than %d values (limit against alias bombs)",
				 YAML_MAX_NODES);
			fail(b, ev, "yaml-limit", msg, "write the values out instead of nesting aliases");
			break;
		}
		value_t *v = value_copy(target);
		set_pos(b, v, ev);
		attach(b, v, ev);
		break;
	}
	case FYET_MAPPING_START:
	case FYET_SEQUENCE_START: {
		if (b->depth >= YAML_MAX_DEPTH) {
			char msg[120];
			snprintf(msg, sizeof msg, "nesting deeper than %d levels", YAML_MAX_DEPTH);
			fail(b, ev, "yaml-limit", msg, "flatten the structure");
			break;
		}
		value_t *v = ev->type == FYET_MAPPING_START ? value_map() : value_list();
		set_pos(b, v, ev);
		b->nodes++;
		add_anchor(b, ev->type == FYET_MAPPING_START ? ev->mapping_start.anchor
							   : ev->sequence_start.anchor, v);
		b->stack[b->depth] = v;
		b->pending_key[b->depth] = NULL;
		b->depth++;
		break;
	}
	case FYET_MAPPING_END:
	case FYET_SEQUENCE_END: {
		/* libfyaml balances its events; an end without a start would
		 * index below the stack. */
		if (b->depth == 0) {
			fail(b, ev, "yaml-syntax", "end of a collection that was never started", NULL);
			break;
		}
		b->depth--;
		value_t *v = b->stack[b->depth];
		free(b->pending_key[b->depth]);
		b->pending_key[b->depth] = NULL;
		attach(b, v, ev);
		break;
	}
	default:
		break;
	}
	if (b->nodes > YAML_MAX_NODES && !b->failed) {
		char msg[120];
		snprintf(msg, sizeof msg, "more than %d values in one document", YAML_MAX_NODES);
		fail(b, ev, "yaml-limit", msg, NULL);
	}
}

/* libfyaml prints its errors through this callback as
 * "<input>:LINE:COL: error: MESSAGE" followed by the source line; keep the
 * first one. (Its collect-errors mode leaks in 0.7.12, so it is not used.) */
typedef struct {
	int line, col;
	char msg[256];
	bool have;
} fyerr_t;

static void fy_capture(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
	(void)diag;
	fyerr_t *e = user;
	if (e->have)
		return;
	const char *tag = NULL;
	for (size_t i = 0; i + 9 <= len; i++)
		if (memcmp(buf + i, ": error: ", 9) == 0) {
			tag = buf + i;
			break;
		}
	if (!tag)
		return;
	/* Walk back over ":COL" and ":LINE". */
	const char *p = tag;
	int nums[2] = {0, 0};
	for (int k = 1; k >= 0; k--) {
		const char *end = p;
		while (p > buf && p[-1] >= '0' && p[-1] <= '9')
			p--;
		nums[k] = p < end ? (int)strtol(p, NULL, 10) : 0;
		if (p > buf && p[-1] == ':')
			p--;
	}
	const char *m = tag + 9;
	const char *nl = memchr(m, '\n', len - (size_t)(m - buf));
	size_t mlen = nl ? (size_t)(nl - m) : len - (size_t)(m - buf);
	if (mlen >= sizeof e->msg)
		mlen = sizeof e->msg - 1;
	memcpy(e->msg, m, mlen);
	e->msg[mlen] = '\0';
	e->line = nums[0];
	e->col = nums[1];
	e->have = true;
}

static void report_fy_error(ybuild_t *b, const fyerr_t *e)
{
	diag_t *d;
	if (e->have && e->line > 0)
		d = diag_add(b->diags, DIAG_ERROR, b->file, e->line + b->line_offset, e->col, "yaml-syntax",
			     "invalid YAML: %s", e->msg);
	else
		d = diag_add(b->diags, DIAG_ERROR, b->file, 1 + b->line_offset, 1, "yaml-syntax",
			     "invalid YAML%s%s", e->have ? ": " : "", e->have ? e->msg : "");
	diag_hint(d, "YAML wants 'key: value' with a space after the colon, spaces (not tabs) to indent, "
		     "and quotes that close on the same line");
	b->failed = true;
}

/* The fast path. libfyaml's event parser spends about 150,000 instructions
 * on a sheet's front matter of fifteen lines (a quarter of a build), most of
 * it on generality a front matter never uses. The reader below takes only
 * the simple block YAML that front matters are made of and builds exactly
 * the tree the libfyaml path builds: same kinds, same text, same file, line
 * and column on every node, same key order. On anything else it gives up,
 * with no diagnostic and nothing allocated, and yaml_parse runs libfyaml from
 * the start: giving up costs time, a different tree would cost a wrong site,
 * so every doubt gives up.
 *
 * The subset, one line at a time (a line of spaces is blank):
 *   "key: scalar", or "key:" with its value on the lines below: a more
 *     indented mapping or sequence, a sequence at the key's own indentation,
 *     or nothing at all (null, placed at its key as libfyaml's path does);
 *   "- scalar", or "- key: ..." (a mapping opening on the entry's line);
 *   keys are [A-Za-z_][A-Za-z0-9_-]*, not a spelling of null, true or false
 *     (their text would change), never twice in one mapping;
 *   a scalar fits on its line: plain (no indicator first, except '-' before
 *     a digit or '.', and no ": ", " #", final ':', bracket or brace),
 *     'single-quoted' with no '' or "double-quoted" with no backslash;
 *     after it, spaces only.
 * Refused wherever they are: tabs, CR and other control characters, invalid
 * UTF-8 and the characters libfyaml reads as line breaks or a BOM (U+0085,
 * U+2028, U+2029, U+FEFF) or that YAML excludes (U+FFFE, U+FFFF), comments,
 * anchors, aliases, tags, flow collections, block scalars, directives,
 * document markers, empty entries ("-"), an empty document, nesting deeper
 * than YAML_FAST_MAX_DEPTH. */

typedef struct {
	const char *file;
	int line_offset;
	const char *end; /* end of the text */
	/* The current line: its start, its end ('\n' or the end of the text),
	 * where the current node starts on it and that place's 0-based column
	 * (everything before it on the line is ASCII, so bytes are columns). */
	const char *bol, *eol, *p;
	int col;
	int indent; /* the line's indentation; -1 past the last line */
	int line;   /* 0-based */
	size_t nodes;
} fast_t;

static bool fast_char_ok(uint32_t cp)
{
	return cp >= 0xA0 && cp != 0x2028 && cp != 0x2029 && cp != 0xFEFF && cp != 0xFFFE && cp != 0xFFFF;
}

/* Moves to the first line at or after s (line number line) that holds
 * something, checking every byte on the way; false gives up. */
static bool fast_line_from(fast_t *f, const char *s, int line)
{
	for (;;) {
		const char *bol = s;
		while (s < f->end && *s == ' ')
			s++;
		const char *content = s;
		while (s < f->end && *s != '\n') {
			unsigned char c = (unsigned char)*s;
			if (c >= 0x20 && c < 0x7F) {
				s++;
				continue;
			}
			if (c < 0x80)
				return false;
			uint32_t cp;
			size_t n = utf8_decode(s, (size_t)(f->end - s), &cp);
			if (n == 1 || !fast_char_ok(cp))
				return false;
			s += n;
		}
		if (s == content && s < f->end) {
			s++;
			line++;
			continue;
		}
		f->line = line;
		f->bol = bol;
		f->eol = s;
		f->p = content;
		f->col = (int)(content - bol);
		f->indent = s == content ? -1 : f->col;
		return true;
	}
}

static bool fast_next_line(fast_t *f)
{
	if (f->eol >= f->end) {
		f->indent = -1;
		return true;
	}
	return fast_line_from(f, f->eol + 1, f->line + 1);
}

static void fast_pos(const fast_t *f, value_t *v, int line, int col)
{
	v->file = f->file;
	v->line = line + 1 + f->line_offset;
	v->col = col + 1;
}

static bool key_first(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool key_char(char c)
{
	return key_first(c) || (c >= '0' && c <= '9') || c == '-';
}

/* The length of the key starting at p when "key:" ends the line or is
 * followed by a space; 0 otherwise. */
static size_t fast_key(const char *p, const char *eol)
{
	if (p >= eol || !key_first(*p))
		return 0;
	const char *s = p + 1;
	while (s < eol && key_char(*s))
		s++;
	if (s == eol || *s != ':' || (s + 1 < eol && s[1] != ' '))
		return 0;
	return (size_t)(s - p);
}

/* Keys that the core schema reads as null or a boolean, whose text as a key
 * is not what is written ("NULL" gives "", "True" gives "true"). */
static bool key_typed(const char *k, size_t n)
{
	static const char *const words[] = {"null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE"};
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (eq(k, n, words[i]))
			return true;
	return false;
}

/* A sequence entry starts the current line's content: '-' then a space or
 * the end of the line. */
static bool fast_entry(const fast_t *f)
{
	return f->indent >= 0 && *f->p == '-' && (f->p + 1 == f->eol || f->p[1] == ' ');
}

/* May a plain scalar start at q? Not on an indicator (YAML 1.2, c-indicator),
 * except '-' before a digit or a '.', as in -1 or -.inf. */
static bool plain_first(const char *q, const char *eol)
{
	if (!strchr("-?:,[]{}#&*!|>'\"%@`", *q))
		return true;
	return *q == '-' && q + 1 < eol && ((q[1] >= '0' && q[1] <= '9') || q[1] == '.');
}

/* The scalar starting at q on the current line, which it must end. */
static value_t *fast_scalar(fast_t *f, const char *q)
{
	const char *eol = f->eol, *s = q, *e, *rest;
	int col = (int)(q - f->bol);
	bool plain = false;
	if (*q == '"' || *q == '\'') {
		s = q + 1;
		e = memchr(s, *q, (size_t)(eol - s));
		/* Escapes are left to libfyaml, '' included: 0.7.12 misreads two
		 * in a row ('a''''b' gives a''' instead of a''b). */
		if (!e || (*q == '"' && memchr(s, '\\', (size_t)(e - s))) || (*q == '\'' && e + 1 < eol && e[1] == '\''))
			return NULL;
		rest = e + 1;
		col++; /* libfyaml places a quoted scalar at its first character */
	} else {
		if (!plain_first(q, eol))
			return NULL;
		for (const char *t = q; t < eol; t++) {
			char c = *t;
			if ((c == ':' && (t + 1 == eol || t[1] == ' ')) || (c == '#' && t[-1] == ' ') || c == '[' ||
			    c == ']' || c == '{' || c == '}')
				return NULL;
		}
		e = eol;
		while (e[-1] == ' ')
			e--;
		rest = eol;
		plain = true;
	}
	for (const char *t = rest; t < eol; t++)
		if (*t != ' ')
			return NULL;
	if (++f->nodes > YAML_MAX_NODES)
		return NULL;

	size_t n = (size_t)(e - s);
	size_t nfc_len;
	char *nfc = utf8_nfc_new(s, n, &nfc_len);
	if (nfc) {
		s = nfc;
		n = nfc_len;
	}
	value_t *v = plain ? plain_scalar(s, n) : value_string(s, n);
	free(nfc);
	fast_pos(f, v, f->line, col);
	return v;
}

static value_t *fast_block(fast_t *f, int depth);

/* The mapping whose first key is at f->p. Ends on the first line less
 * indented than its keys (or past the end). */
static value_t *fast_map(fast_t *f, int depth)
{
	if (depth > YAML_FAST_MAX_DEPTH || ++f->nodes > YAML_MAX_NODES)
		return NULL;
	int col0 = f->col;
	value_t *map = value_map();
	fast_pos(f, map, f->line, col0);
	for (;;) {
		size_t kn = fast_key(f->p, f->eol);
		char key[YAML_FAST_MAX_KEY];
		if (!kn || kn >= sizeof key || key_typed(f->p, kn) || value_getn(map, f->p, kn))
			goto fail;
		memcpy(key, f->p, kn);
		key[kn] = '\0';
		int kline = f->line;
		const char *q = f->p + kn + 1;
		while (q < f->eol && *q == ' ')
			q++;
		value_t *v = NULL;
		if (q < f->eol) {
			v = fast_scalar(f, q);
			if (!v)
				goto fail;
			if (!fast_next_line(f)) {
				value_free(v);
				goto fail;
			}
		} else {
			if (!fast_next_line(f))
				goto fail;
			if (f->indent > col0 || (f->indent == col0 && fast_entry(f))) {
				v = fast_block(f, depth + 1);
				if (!v)
					goto fail;
			} else {
				if (++f->nodes > YAML_MAX_NODES)
					goto fail;
				/* As attach does for libfyaml's mark-less empty value. */
				v = value_null();
				fast_pos(f, v, kline, col0);
			}
		}
		value_map_set(map, key, v);
		if (f->indent < col0)
			return map;
		if (f->indent > col0)
			goto fail;
	}
fail:
	value_free(map);
	return NULL;
}

/* The sequence whose first '-' is at f->p. Ends on the first line less
 * indented than its '-', or as indented but not an entry. */
static value_t *fast_seq(fast_t *f, int depth)
{
	if (depth > YAML_FAST_MAX_DEPTH || ++f->nodes > YAML_MAX_NODES)
		return NULL;
	int col0 = f->col;
	value_t *list = value_list();
	fast_pos(f, list, f->line, col0);
	for (;;) {
		const char *q = f->p + 1;
		while (q < f->eol && *q == ' ')
			q++;
		if (q == f->eol || (*q == '-' && (q + 1 == f->eol || q[1] == ' ')))
			goto fail; /* an empty entry, or a sequence in the entry */
		value_t *v;
		if (fast_key(q, f->eol)) {
			f->col += (int)(q - f->p);
			f->p = q;
			v = fast_map(f, depth + 1);
		} else {
			v = fast_scalar(f, q);
			if (v && !fast_next_line(f)) {
				value_free(v);
				v = NULL;
			}
		}
		if (!v)
			goto fail;
		value_list_push(list, v);
		if (f->indent < col0 || (f->indent == col0 && !fast_entry(f)))
			return list;
		if (f->indent > col0)
			goto fail;
	}
fail:
	value_free(list);
	return NULL;
}

/* The mapping or sequence starting at f->p. */
static value_t *fast_block(fast_t *f, int depth)
{
	if (fast_entry(f))
		return fast_seq(f, depth);
	if (fast_key(f->p, f->eol))
		return fast_map(f, depth);
	return NULL;
}

value_t *yaml_parse_fast(const char *file, const char *src, size_t len, int line_offset)
{
	/* Lines and columns are ints. */
	if (len > INT_MAX / 2)
		return NULL;
	fast_t f;
	memset(&f, 0, sizeof f);
	f.file = file;
	f.line_offset = line_offset;
	f.end = src + len;
	if (!fast_line_from(&f, src, 0) || f.indent != 0)
		return NULL;
	value_t *v = fast_block(&f, 1);
	if (v && f.indent != -1) {
		value_free(v);
		return NULL;
	}
	return v;
}

value_t *yaml_parse_slow(const char *file, const char *src, size_t len, int line_offset, diag_list_t *diags)
{
	ybuild_t b;
	memset(&b, 0, sizeof b);
	b.file = file;
	b.line_offset = line_offset;
	b.diags = diags;
	b.src = src;
	b.srclen = len;

	/* YAML and JSON are Unicode text, and libfyaml 0.7.12 loops forever on
	 * a directive line followed by an invalid byte ("%\xff"): page_parse
	 * checks pages, but _data files and templates' data come here as read. */
	size_t bad;
	if (!utf8_valid(src, len, &bad)) {
		int line, col;
		utf8_line_col(src, len, bad, &line, &col);
		diag_t *d = diag_add(diags, DIAG_ERROR, file, line + line_offset, col, "not-utf8",
				     "invalid UTF-8 byte 0x%02X", (unsigned char)src[bad]);
		diag_hint(d, "save the file as UTF-8 (it was probably written as Latin-1 or Windows-1252)");
		return NULL;
	}

	fyerr_t fyerr;
	memset(&fyerr, 0, sizeof fyerr);
	struct fy_diag_cfg dcfg;
	memset(&dcfg, 0, sizeof dcfg);
	dcfg.output_fn = fy_capture;
	dcfg.user = &fyerr;
	dcfg.level = FYET_ERROR;
	dcfg.module_mask = ~0u;
	dcfg.show_position = true;
	dcfg.show_type = true;
	struct fy_diag *fd = fy_diag_create(&dcfg);
	struct fy_parser *fyp = NULL;
	struct fy_parse_cfg cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.flags = FYPCF_QUIET | FYPCF_DEFAULT_VERSION_1_2 | FYPCF_JSON_NONE;
	cfg.diag = fd;
	fyp = fd ? fy_parser_create(&cfg) : NULL;
	if (!fyp) {
		diag_add(diags, DIAG_ERROR, file, 0, 0, "yaml-syntax", "cannot create the YAML parser");
		b.failed = true;
		goto cleanup;
	}
	if (fy_parser_set_string(fyp, src, len) != 0) {
		report_fy_error(&b, &fyerr);
		goto cleanup;
	}
	int docs = 0;
	struct fy_event *ev;
	while (!b.failed && (ev = fy_parser_parse(fyp))) {
		if (ev->type == FYET_DOCUMENT_START && ++docs > 1) {
			fail(&b, ev, "yaml-syntax", "more than one YAML document", "remove the extra '---' line");
		} else {
			handle(&b, ev);
		}
		const struct fy_mark *end = fy_event_end_mark(ev);
		if (end && end->input_pos >= b.last_end)
			b.last_end = end->input_pos;
		fy_parser_event_free(fyp, ev);
	}
	if (!b.failed && fy_parser_get_stream_error(fyp))
		report_fy_error(&b, &fyerr);
cleanup:
	if (fyp)
		fy_parser_destroy(fyp);
	if (fd)
		fy_diag_unref(fd);
	/* On failure the partial tree still sits on the stack: unwind it. */
	for (int i = b.depth - 1; i >= 0; i--) {
		free(b.pending_key[i]);
		value_free(b.stack[i]); /* not yet attached to its parent */
	}
	for (size_t i = 0; i < b.nanchors; i++) {
		free(b.anchors[i].name);
		if (b.anchors[i].owned)
			value_free(b.anchors[i].val);
	}
	free(b.anchors);
	free(b.aidx);
	if (b.failed) {
		value_free(b.root);
		return NULL;
	}
	if (!b.root)
		b.root = value_null();
	return b.root;
}

value_t *yaml_parse(const char *file, const char *src, size_t len, int line_offset, diag_list_t *diags)
{
	value_t *v = yaml_parse_fast(file, src, len, line_offset);
	return v ? v : yaml_parse_slow(file, src, len, line_offset, diags);
}
