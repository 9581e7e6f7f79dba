/* typography: ports of markdown-it 13's rules/core/replacements.js (one pass
 * per regexp, in its order) and rules/core/smartquotes.js (a stack of open
 * quotes per block), with the French quotes sobre's site always used.
 * Characters are classified as JavaScript saw them (guide/uclass). */
#include "guide/typography.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guide/uclass.h"
#include "util/bytescan.h"
#include "util/utf8.h"
#include "util/xalloc.h"

/* ---- replacements ------------------------------------------------------------ */

static int ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static const char ELLIPSIS[] = "\xE2\x80\xA6";

/* Whether s[0..n) holds something a replacement may change: most text holds
 * none, and of the bytes that start one only '.', ',' and '-' are common. */
static int has_rare(const char *s, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++) {
		i += bytescan_any(s + i, n - 1 - i, "+.,-?!", 6);
		if (i + 1 >= n)
			break;
		char a = s[i], b = s[i + 1];
		if ((a == '+' && b == '-') || (a == '.' && b == '.') || (a == ',' && b == ',') ||
		    (a == '-' && b == '-'))
			return 1;
		if (i + 3 < n && (a == '?' || a == '!') && b == a && s[i + 2] == a && s[i + 3] == a)
			return 1;
	}
	return 0;
}

static int has_scoped(const char *s, size_t n)
{
	if (n < 3)
		return 0;
	const char *end = s + n - 2; /* a '(' needs two bytes after it */
	for (const char *q = memchr(s, '(', (size_t)(end - s)); q; q = memchr(q + 1, '(', (size_t)(end - q - 1))) {
		size_t i = (size_t)(q - s);
		int a = ascii_lower(s[i + 1]);
		if ((a == 'c' || a == 'r') && s[i + 2] == ')')
			return 1;
		if (a == 't' && i + 3 < n && ascii_lower(s[i + 2]) == 'm' && s[i + 3] == ')')
			return 1;
	}
	return 0;
}

/* (c) (tm) (r), any case */
static void rep_scoped(const char *s, size_t n, buf_t *o)
{
	for (size_t i = 0; i < n;) {
		if (s[i] == '(' && i + 2 < n) {
			int a = ascii_lower(s[i + 1]);
			if (a == 'c' && s[i + 2] == ')') {
				buf_puts(o, "\xC2\xA9");
				i += 3;
				continue;
			}
			if (a == 'r' && s[i + 2] == ')') {
				buf_puts(o, "\xC2\xAE");
				i += 3;
				continue;
			}
			if (a == 't' && i + 3 < n && ascii_lower(s[i + 2]) == 'm' && s[i + 3] == ')') {
				buf_puts(o, "\xE2\x84\xA2");
				i += 4;
				continue;
			}
		}
		buf_putc(o, s[i++]);
	}
}

/* +- -> ±; .. and longer -> …; then ?… !… -> ?.. !..; then ???? -> ???, ,, -> ,
 * (three passes, as markdown-it chains three replace() calls) */
static void rep_marks(const char *s, size_t n, buf_t *o)
{
	buf_t a = BUF_INIT, b = BUF_INIT;
	for (size_t i = 0; i < n;) {
		if (s[i] == '+' && i + 1 < n && s[i + 1] == '-') {
			buf_puts(&a, "\xC2\xB1");
			i += 2;
		} else if (s[i] == '.' && i + 1 < n && s[i + 1] == '.') {
			while (i < n && s[i] == '.')
				i++;
			buf_puts(&a, ELLIPSIS);
		} else {
			buf_putc(&a, s[i++]);
		}
	}
	const char *t = buf_cstr(&a);
	for (size_t i = 0; i < a.len;) {
		if ((t[i] == '?' || t[i] == '!') && i + 3 < a.len && !memcmp(t + i + 1, ELLIPSIS, 3)) {
			buf_putc(&b, t[i]);
			buf_puts(&b, "..");
			i += 4;
		} else {
			buf_putc(&b, t[i++]);
		}
	}
	t = buf_cstr(&b);
	for (size_t i = 0; i < b.len;) {
		char ch = t[i];
		if (ch == '?' || ch == '!') {
			size_t j = i;
			while (j < b.len && (t[j] == '?' || t[j] == '!'))
				j++;
			if (j - i >= 4) {
				/* the regexp group keeps its last repetition */
				for (int k = 0; k < 3; k++)
					buf_putc(o, t[j - 1]);
			} else {
				buf_put(o, t + i, j - i);
			}
			i = j;
		} else if (ch == ',' && i + 1 < b.len && t[i + 1] == ',') {
			while (i < b.len && t[i] == ',')
				i++;
			buf_putc(o, ',');
		} else {
			buf_putc(o, t[i++]);
		}
	}
	buf_free(&a);
	buf_free(&b);
}

/* The three dash rules, one regexp each, applied one after the other:
 *   em: (^|[^-])---(?=[^-]|$)     en: (^|\s)--(?=\s|$)     en: (^|[^-\s])--(?=[^-\s]|$)
 * (^ and $ also match at line ends: markdown-it uses the m flag). */
enum { DASH_EM, DASH_EN_SPACED, DASH_EN_JOINED };

static int dash_prev_ok(int rule, uint32_t c)
{
	switch (rule) {
	case DASH_EM: return c != '-';
	case DASH_EN_SPACED: return uc_is_js_space(c);
	default: return c != '-' && !uc_is_js_space(c);
	}
}

static int dash_next_ok(int rule, const char *s, size_t n, size_t i)
{
	uint32_t c;
	if (i >= n)
		return 1;
	utf8_next(s + i, n - i, &c);
	if (c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029)
		return 1;
	return dash_prev_ok(rule, c);
}

static void rep_dash(int rule, const char *s, size_t n, buf_t *o)
{
	size_t dl = rule == DASH_EM ? 3 : 2;
	const char *rep = rule == DASH_EM ? "\xE2\x80\x94" : "\xE2\x80\x93";
	for (size_t i = 0; i < n;) {
		int bol = i == 0 || s[i - 1] == '\n';
		if (bol && n - i >= dl && !memcmp(s + i, "---", dl) && dash_next_ok(rule, s, n, i + dl)) {
			buf_puts(o, rep);
			i += dl;
			continue;
		}
		uint32_t c;
		size_t adv = utf8_next(s + i, n - i, &c);
		if (dash_prev_ok(rule, c) && n - i - adv >= dl && !memcmp(s + i + adv, "---", dl) &&
		    dash_next_ok(rule, s, n, i + adv + dl)) {
			buf_put(o, s + i, adv);
			buf_puts(o, rep);
			i += adv + dl;
			continue;
		}
		buf_put(o, s + i, adv);
		i += adv;
	}
}

bool typo_replace(const char *s, size_t n, buf_t *out)
{
	int sc = has_scoped(s, n), ra = has_rare(s, n);
	if (!sc && !ra)
		return false;
	buf_t a = BUF_INIT, b = BUF_INIT;
	buf_put(&a, s, n);
	if (sc) {
		rep_scoped(buf_cstr(&a), a.len, &b);
		buf_t t = a;
		a = b;
		b = t;
		buf_reset(&b);
	}
	if (ra && has_rare(buf_cstr(&a), a.len)) {
		rep_marks(buf_cstr(&a), a.len, &b);
		for (int rule = DASH_EM; rule <= DASH_EN_JOINED; rule++) {
			buf_t t = a;
			a = b;
			b = t;
			buf_reset(&b);
			rep_dash(rule, buf_cstr(&a), a.len, &b);
		}
		buf_t t = a;
		a = b;
		b = t;
	}
	buf_put(out, buf_cstr(&a), a.len);
	buf_free(&a);
	buf_free(&b);
	return true;
}

/* ---- smartquotes ---------------------------------------------------------- */

/* quotes: ['«\xA0', '\xA0»', '‹\xA0', '\xA0›'] and the apostrophe */
enum { Q_OPEN2, Q_CLOSE2, Q_OPEN1, Q_CLOSE1, Q_APOS };
static const char *const quote_rep[] = {"\xC2\xAB\xC2\xA0", "\xC2\xA0\xC2\xBB", "\xE2\x80\xB9\xC2\xA0",
					"\xC2\xA0\xE2\x80\xBA", "\xE2\x80\x99"};

typedef struct {
	size_t piece, pos;
	int single, level;
	/* Topmost entry of each kind (double, single) at or below this one, or
	 * SIZE_MAX: a closing quote finds its opener without walking the stack. */
	size_t top[2];
} sq_item_t;

typedef struct {
	size_t piece, pos;
	int kind;
} sq_patch_t;

/* A piece's new text: out[off, off + len). */
typedef struct {
	size_t piece, off, len;
} sq_text_t;

struct typo {
	sq_item_t *stack;
	size_t nstack, cap_stack;
	sq_patch_t *patch;
	size_t npatch, cap_patch;
	sq_text_t *text;
	size_t cap_text;
	uint32_t *prevc, *nextc; /* the characters before and after each piece */
	int *level;
	size_t cap_ctx;
	buf_t out;
};

typo_t *typo_new(void)
{
	typo_t *ty = xcalloc(1, sizeof *ty);
	return ty;
}

void typo_free(typo_t *ty)
{
	if (!ty)
		return;
	free(ty->stack);
	free(ty->patch);
	free(ty->text);
	free(ty->prevc);
	free(ty->nextc);
	free(ty->level);
	buf_free(&ty->out);
	free(ty);
}

static bool has_content(const typo_piece_t *p)
{
	return p->len && (p->kind == TYPO_TEXT || p->kind == TYPO_OTHER);
}

/* Each piece's level and the characters around it (a break reads as a
 * space, so do the ends of the content); false when no text has a quote. */
static bool read_context(typo_t *ty, const typo_piece_t *pc, size_t n)
{
	if (ty->cap_ctx < n) {
		ty->cap_ctx = n;
		ty->level = xrealloc(ty->level, n * sizeof *ty->level);
		ty->prevc = xrealloc(ty->prevc, n * sizeof *ty->prevc);
		ty->nextc = xrealloc(ty->nextc, n * sizeof *ty->nextc);
	}
	bool any = false;
	int lvl = 0;
	uint32_t ch = 0x20;
	for (size_t i = 0; i < n; i++) {
		if (pc[i].kind == TYPO_CLOSE)
			lvl--;
		ty->level[i] = lvl;
		if (pc[i].kind == TYPO_OPEN)
			lvl++;
		ty->prevc[i] = ch;
		if (pc[i].kind == TYPO_BREAK)
			ch = 0x20;
		else if (has_content(&pc[i]))
			utf8_decode_last(pc[i].s, pc[i].len, &ch);
		if (pc[i].kind == TYPO_TEXT && !any)
			any = memchr(pc[i].s, '"', pc[i].len) || memchr(pc[i].s, '\'', pc[i].len);
	}
	if (!any)
		return false;
	ch = 0x20;
	for (size_t i = n; i-- > 0;) {
		ty->nextc[i] = ch;
		if (pc[i].kind == TYPO_BREAK)
			ch = 0x20;
		else if (has_content(&pc[i]))
			utf8_decode(pc[i].s, pc[i].len, &ch);
	}
	return true;
}

static void add_patch(typo_t *ty, size_t piece, size_t pos, int kind)
{
	if (ty->npatch == ty->cap_patch)
		ty->patch = xgrow(ty->patch, &ty->cap_patch, ty->npatch + 1, sizeof *ty->patch);
	ty->patch[ty->npatch++] = (sq_patch_t){piece, pos, kind};
}

/* One quote, s[p] of piece i, at the given level: markdown-it's loop body.
 * last and next are the characters around it. */
static void one_quote(typo_t *ty, size_t i, size_t p, int single, int level, uint32_t last, uint32_t next)
{
	/* JavaScript sees astral characters as surrogates: neither class */
	bool last_p = uc_is_ascii_punct(last) || uc_is_punct(last);
	bool next_p = uc_is_ascii_punct(next) || uc_is_punct(next);
	bool last_w = uc_is_space(last), next_w = uc_is_space(next);
	bool can_open = !next_w && !(next_p && !(last_w || last_p));
	bool can_close = !last_w && !(last_p && !(next_w || next_p));
	if (next == '"' && !single && last >= '0' && last <= '9')
		can_open = can_close = false; /* 1"" : inches */
	if (can_open && can_close) {
		can_open = last_p;
		can_close = next_p;
	}
	if (!can_open && !can_close) {
		if (single)
			add_patch(ty, i, p, Q_APOS);
		return;
	}
	if (can_close && ty->nstack) {
		/* markdown-it walks down the stack to the nearest opener of the
		 * same kind, giving up at a lower level. Levels never decrease
		 * upwards, so that opener is the topmost of its kind, and it
		 * matches if it sits at this level: the same answer in O(1),
		 * where the walk made unclosed quotes quadratic. */
		size_t j = ty->stack[ty->nstack - 1].top[single];
		if (j != SIZE_MAX && ty->stack[j].level == level) {
			add_patch(ty, i, p, single ? Q_CLOSE1 : Q_CLOSE2);
			add_patch(ty, ty->stack[j].piece, ty->stack[j].pos, single ? Q_OPEN1 : Q_OPEN2);
			ty->nstack = j;
			return;
		}
	}
	if (can_open) {
		if (ty->nstack == ty->cap_stack)
			ty->stack = xgrow(ty->stack, &ty->cap_stack, ty->nstack + 1, sizeof *ty->stack);
		sq_item_t it = {i, p, single, level, {SIZE_MAX, SIZE_MAX}};
		if (ty->nstack)
			it.top[!single] = ty->stack[ty->nstack - 1].top[!single];
		it.top[single] = ty->nstack;
		ty->stack[ty->nstack++] = it;
	} else if (can_close && single) {
		add_patch(ty, i, p, Q_APOS);
	}
}

/* markdown-it's process_inlines(): pairs the quotes, recording the
 * replacements as patches. */
static void pair_quotes(typo_t *ty, const typo_piece_t *pc, size_t n)
{
	ty->nstack = 0;
	ty->npatch = 0;
	for (size_t i = 0; i < n; i++) {
		int level = ty->level[i];
		while (ty->nstack && ty->stack[ty->nstack - 1].level > level)
			ty->nstack--;
		if (pc[i].kind != TYPO_TEXT)
			continue;
		const char *s = pc[i].s;
		size_t len = pc[i].len;
		for (size_t p = 0; p < len; p++) {
			if (s[p] != '"' && s[p] != '\'')
				continue;
			uint32_t last = ty->prevc[i], next = ty->nextc[i];
			if (p > 0 && (unsigned char)s[p - 1] < 0x80)
				last = (unsigned char)s[p - 1];
			else if (p > 0)
				utf8_decode_last(s, p, &last);
			if (p + 1 < len)
				utf8_next(s + p + 1, len - p - 1, &next);
			one_quote(ty, i, p, s[p] == '\'', level, last, next);
		}
	}
}

static int patch_cmp(const void *a, const void *b)
{
	const sq_patch_t *x = a, *y = b;
	if (x->piece != y->piece)
		return x->piece < y->piece ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* markdown-it rewrites a token per quote, which is quadratic; the patches
 * are applied at the end instead. The characters read around a quote
 * classify the same either way, since a replaced quote is punctuation
 * before and after. */
void typo_quotes(typo_t *ty, const typo_piece_t *pieces, size_t n, typo_rewrite_fn rewrite, void *ud)
{
	if (!read_context(ty, pieces, n))
		return;
	pair_quotes(ty, pieces, n);
	if (!ty->npatch)
		return;
	qsort(ty->patch, ty->npatch, sizeof *ty->patch, patch_cmp);
	buf_reset(&ty->out);
	size_t ntext = 0;
	for (size_t k = 0; k < ty->npatch;) {
		size_t i = ty->patch[k].piece, prev = 0, off = ty->out.len;
		for (; k < ty->npatch && ty->patch[k].piece == i; k++) {
			buf_put(&ty->out, pieces[i].s + prev, ty->patch[k].pos - prev);
			buf_puts(&ty->out, quote_rep[ty->patch[k].kind]);
			prev = ty->patch[k].pos + 1;
		}
		buf_put(&ty->out, pieces[i].s + prev, pieces[i].len - prev);
		if (ntext == ty->cap_text)
			ty->text = xgrow(ty->text, &ty->cap_text, ntext + 1, sizeof *ty->text);
		ty->text[ntext++] = (sq_text_t){i, off, ty->out.len - off};
	}
	/* every piece is read: now rewrite may move their memory */
	for (size_t k = 0; k < ntext; k++)
		rewrite(ty->text[k].piece, ty->out.ptr + ty->text[k].off, ty->text[k].len, ud);
}

/* ---- plain text ------------------------------------------------------------- */

typedef struct {
	buf_t *out;
	bool done;
} plain_t;

static void plain_rewrite(size_t piece, const char *text, size_t len, void *ud)
{
	plain_t *pl = ud;
	(void)piece;
	buf_put(pl->out, text, len);
	pl->done = true;
}

void typo_text(const char *s, size_t n, buf_t *out)
{
	buf_t rep = BUF_INIT;
	if (!n)
		return;
	if (typo_replace(s, n, &rep)) {
		s = buf_cstr(&rep);
		n = rep.len;
	}
	typo_t *ty = typo_new();
	typo_piece_t piece = {TYPO_TEXT, s, n};
	plain_t pl = {out, false};
	typo_quotes(ty, &piece, 1, plain_rewrite, &pl);
	if (!pl.done)
		buf_put(out, s, n);
	typo_free(ty);
	buf_free(&rep);
}
