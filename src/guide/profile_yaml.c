/* profile_yaml: a profile as YAML (docs/referentiels.md): an organisation's
 * own grid read and checked (profile_parse, profile_load), with one
 * diagnostic per mistake, and any profile written back (profile_format) in
 * the same format, which is how the database keeps it. */
#include "guide/profile.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "guide/yaml.h"
#include "util/fold.h"
#include "util/fs.h"
#include "util/suggest.h"
#include "util/utf8.h"
#include "util/xalloc.h"

/* The strings of a loaded profile, freed with it. */
struct profile_arena {
	char **strs;
	size_t len, cap;
};

/* Credits and weights are read as decimals with at most 3 places, so in
 * thousandths, then reduced to the smallest common denominator. */
#define MILLI 1000u

typedef struct {
	const char *file;
	const char *src;
	size_t len;
	diag_list_t *d;
	profile_t *p;
	bool failed;
	const value_t *status_node[PROFILE_MAX_STATUSES];
	const value_t *synonym_node[PROFILE_MAX_STATUSES][PROFILE_MAX_SYNONYMS];
	unsigned credit[PROFILE_MAX_STATUSES]; /* thousandths */
	const value_t *rank_node[PROFILE_MAX_STATUSES]; /* NULL: no explicit rank */
	unsigned weight[PROFILE_MAX_PRIORITIES]; /* thousandths */
	unsigned default_weight;
} pctx_t;

static const char *keep(profile_t *p, const char *s)
{
	struct profile_arena *a = p->arena;
	a->strs = xgrow(a->strs, &a->cap, a->len + 1, sizeof *a->strs);
	a->strs[a->len] = xstrdup(s);
	return a->strs[a->len++];
}

void profile_free(profile_t *p)
{
	if (!p)
		return;
	if (p->arena) {
		for (size_t i = 0; i < p->arena->len; i++)
			free(p->arena->strs[i]);
		free(p->arena->strs);
		free(p->arena);
	}
	free(p);
}

/* ---- diagnostics ---- */

static diag_t *err_at(pctx_t *c, int line, int col, const char *rule, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static diag_t *err_at(pctx_t *c, int line, int col, const char *rule, const char *fmt, ...)
{
	buf_t msg = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	/* An empty document has no position: its first line is where to look. */
	diag_t *d = diag_add(c->d, DIAG_ERROR, c->file, line > 0 ? line : 1, line > 0 ? col : 1, rule, "%s",
			     buf_cstr(&msg));
	buf_free(&msg);
	c->failed = true;
	return d;
}

/* At node v (NULL: the top of the file). */
#define ERR(c, v, rule, ...) err_at((c), (v) ? (v)->line : 0, (v) ? (v)->col : 0, (rule), __VA_ARGS__)

/* Byte offset of a node's line and column (columns count code points). */
static size_t offset_of(const pctx_t *c, int line, int col)
{
	size_t off = 0;
	for (int l = 1; l < line && off < c->len; off++)
		if (c->src[off] == '\n')
			l++;
	for (int k = 1; k < col && off < c->len; k++) {
		uint32_t cp;
		off += utf8_decode(c->src + off, c->len - off, &cp);
	}
	return off;
}

/* Where key is written in map, before its value: mapping keys carry no
 * position of their own, and "unknown key" should point at the key, not
 * at what follows it. Falls back to the value's position. */
static void key_pos(const pctx_t *c, const value_t *map, const char *key, const value_t *val, int *line, int *col)
{
	*line = val->line;
	*col = val->col;
	size_t lo = offset_of(c, map->line, map->col), hi = offset_of(c, val->line, val->col);
	size_t n = strlen(key);
	for (size_t at = hi; n && at >= lo + n; at--) {
		size_t s = at - n;
		if (memcmp(c->src + s, key, n) != 0)
			continue;
		size_t e = at;
		if (e < c->len && (c->src[e] == '"' || c->src[e] == '\''))
			e++;
		while (e < c->len && (c->src[e] == ' ' || c->src[e] == '\t'))
			e++;
		if (e < c->len && c->src[e] == ':') {
			utf8_line_col(c->src, c->len, s > lo && (c->src[s - 1] == '"' || c->src[s - 1] == '\'') ? s - 1 : s,
				      line, col);
			return;
		}
	}
}

/* Every key of map must be one of keys (NULL-terminated). */
static void check_keys(pctx_t *c, const value_t *map, const char *what, const char *const *keys)
{
	for (size_t i = 0; i < map->u.map.len; i++) {
		const char *k = map->u.map.keys[i];
		size_t n = 0;
		bool known = false;
		for (; keys[n]; n++)
			known = known || strcmp(k, keys[n]) == 0;
		if (known)
			continue;
		int line, col;
		key_pos(c, map, k, map->u.map.vals[i], &line, &col);
		diag_t *d = err_at(c, line, col, "profile-unknown-key", "unknown key '%s' in %s", k, what);
		const char *near = suggest_closest(k, keys, n);
		buf_t list = BUF_INIT;
		for (size_t j = 0; j < n; j++)
			buf_printf(&list, "%s%s", j ? ", " : "", keys[j]);
		/* {credit: 0,5} reads as credit 0 and a key "5". */
		if (*k && strspn(k, "0123456789") == strlen(k))
			diag_hint(d, "a decimal comma? Between braces ',' separates keys: write the decimal with a "
				     "dot, e.g. 'credit: 0.5'");
		else if (near)
			diag_hint(d, "did you mean '%s'? (the keys of %s are: %s)", near, what, buf_cstr(&list));
		else
			diag_hint(d, "the keys of %s are: %s", what, buf_cstr(&list));
		buf_free(&list);
	}
}

static const char *kind_name(val_kind_t k)
{
	switch (k) {
	case VAL_STRING:
		return "text";
	case VAL_NUMBER:
		return "a number";
	case VAL_BOOL:
		return "true or false";
	case VAL_LIST:
		return "a list";
	case VAL_MAP:
		return "a mapping";
	default:
		return "empty";
	}
}

/* v must be of kind k; otherwise a diagnostic with hint, and false. */
static bool want(pctx_t *c, const value_t *v, val_kind_t k, const char *what, const char *hint)
{
	if (v->kind == k)
		return true;
	diag_t *d = ERR(c, v, "profile-wrong-type", "%s must be %s, not %s", what, kind_name(k), kind_name(v->kind));
	diag_hint(d, "%s", hint);
	return false;
}

/* ---- values ---- */

/* A name: text, not empty, no control character, at most max bytes, and
 * something left once case, accents and dashes are set aside (the key it
 * is matched by). Returns it, or NULL after a diagnostic. */
static const char *name_of(pctx_t *c, const value_t *v, const char *what, size_t max)
{
	if (v->kind == VAL_NUMBER || v->kind == VAL_BOOL) {
		buf_t t = BUF_INIT;
		value_to_text(v, &t);
		diag_t *d = ERR(c, v, "profile-wrong-type", "%s must be text, not %s", what, kind_name(v->kind));
		diag_hint(d, "put it in quotes: \"%s\"", buf_cstr(&t));
		buf_free(&t);
		return NULL;
	}
	if (!want(c, v, VAL_STRING, what, "write the name as text, e.g. 'name: fait'"))
		return NULL;
	const char *s = v->u.str.s;
	for (size_t i = 0; i < v->u.str.len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			ERR(c, v, "profile-bad-name", "%s contains a control character (byte 0x%02X)", what,
			    (unsigned char)s[i]);
			return NULL;
		}
	if (v->u.str.len > max) {
		diag_t *d = ERR(c, v, "profile-bad-name", "%s is longer than %zu bytes", what, max);
		diag_hint(d, "names are typed and shown on every item: keep them short");
		return NULL;
	}
	buf_t key = BUF_INIT;
	fold_key(s, &key);
	bool empty = key.len == 0;
	buf_free(&key);
	if (empty) {
		diag_t *d = ERR(c, v, "profile-bad-name", "%s is empty", what);
		diag_hint(d, "names are compared without case, accents, dashes or spaces: give one with letters or digits");
		return NULL;
	}
	return s;
}

/* s from the shortest text of a YAML number ("0.5", "1e-7", "-2") to
 * thousandths: 0 and *out set; 1 when negative; 2 with more than three
 * decimals; 3 when too large for the type. Exact: no floating point. */
static int thousandths(const char *s, unsigned long long *out)
{
	if (*s == '-')
		return 1;
	char digits[32] = {0};
	size_t nd = 0;
	long shift = 3;
	bool frac = false;
	for (; *s && *s != 'e' && *s != 'E'; s++) {
		if (*s == '.') {
			frac = true;
			continue;
		}
		if (nd + 1 >= sizeof digits)
			return 3;
		digits[nd++] = *s;
		if (frac)
			shift--;
	}
	if (*s) {
		long e = strtol(s + 1, NULL, 10);
		shift += e > 1000 ? 1000 : e < -1000 ? -1000 : e;
	}
	while (nd && digits[nd - 1] == '0' && shift < 0)
		nd--, shift++;
	size_t lead = 0;
	while (lead < nd && digits[lead] == '0')
		lead++;
	if (lead == nd) {
		*out = 0;
		return 0;
	}
	if (shift < 0)
		return 2;
	if ((long)(nd - lead) + shift > 12)
		return 3;
	unsigned long long v = 0;
	for (size_t i = lead; i < nd; i++)
		v = v * 10 + (unsigned)(digits[i] - '0');
	for (long i = 0; i < shift; i++)
		v *= 10;
	*out = v;
	return 0;
}

/* A decimal from 0 to max (in thousandths), at most three decimals. */
static bool decimal_of(pctx_t *c, const value_t *v, const char *what, unsigned max, unsigned *out)
{
	if (v->kind == VAL_STRING && strchr(v->u.str.s, ',')) {
		diag_t *d = ERR(c, v, "profile-bad-number", "%s must be a number, not the text '%s'", what, v->u.str.s);
		diag_hint(d, "write the decimal with a dot: 0.5, not 0,5");
		return false;
	}
	if (!want(c, v, VAL_NUMBER, what, "write a number without quotes, e.g. 1 or 0.5"))
		return false;
	buf_t t = BUF_INIT;
	value_to_text(v, &t);
	unsigned long long m = 0;
	int r = isfinite(v->u.num) ? thousandths(buf_cstr(&t), &m) : 3;
	if (r == 0 && m > max)
		r = 4;
	diag_t *d = NULL;
	if (r == 1)
		d = ERR(c, v, "profile-bad-number", "%s must not be negative (%s)", what, buf_cstr(&t));
	else if (r == 2)
		d = ERR(c, v, "profile-bad-number", "%s has more than 3 decimals (%s)", what, buf_cstr(&t));
	else if (r >= 3)
		d = ERR(c, v, "profile-out-of-range", "%s is %s, above %u", what, buf_cstr(&t), max / MILLI);
	if (r == 1 || r == 2)
		diag_hint(d, "%s", r == 1 ? "give 0 for a status that brings nothing"
					  : "round it to at most 3 decimals, e.g. 0.333");
	else if (r >= 3)
		diag_hint(d, "%s must be from 0 to %u%s", what, max / MILLI,
			  max == MILLI ? ": the share of the item's weight the status earns" : "");
	buf_free(&t);
	/* Too large is still "some": later checks (a status that earns
	 * nothing) should not pile up on this one. */
	*out = r == 0 ? (unsigned)m : r >= 3 ? max : 0;
	return r == 0;
}

static bool bool_of(pctx_t *c, const value_t *v, const char *what)
{
	if (v->kind == VAL_BOOL)
		return v->u.b;
	diag_t *d = ERR(c, v, "profile-wrong-type", "%s must be true or false, not %s", what, kind_name(v->kind));
	diag_hint(d, "write true or false, without quotes");
	return false;
}

/* The items of *vp, a list, or *vp alone as a list of one (synonyms: ok).
 * Borrowed: valid while *vp is. */
static const value_t *const *items_of(const value_t *const *vp, size_t *n)
{
	if ((*vp)->kind == VAL_LIST) {
		*n = (*vp)->u.list.len;
		return (const value_t *const *)(*vp)->u.list.items;
	}
	*n = 1;
	return vp;
}

/* Past max entries: one diagnostic at the first one too many. */
static size_t capped(pctx_t *c, const value_t *list, size_t n, size_t max, const char *what)
{
	if (n <= max)
		return n;
	diag_t *d = ERR(c, list->u.list.items[max], "profile-too-many", "more than %zu %s", max, what);
	diag_hint(d, "a profile has at most %zu %s (docs/limits.md)", max, what);
	return max;
}

/* ---- the profile's parts ---- */

/* The kind named by v, or -1 after a diagnostic. */
static int kind_of(pctx_t *c, const value_t *v)
{
	static const char *const kinds[] = {"not-assessed", "not-applicable", "scored"};
	if (!want(c, v, VAL_STRING, "'kind'", "write one of: not-assessed, not-applicable, scored"))
		return -1;
	for (size_t i = 0; i < 3; i++)
		if (fold_equal(v->u.str.s, kinds[i]))
			return (int)i;
	diag_t *d = ERR(c, v, "profile-bad-kind", "unknown kind '%s'", v->u.str.s);
	const char *near = suggest_closest(v->u.str.s, kinds, 3);
	if (near)
		diag_hint(d, "did you mean '%s'? (kinds: not-assessed, not-applicable, scored)", near);
	else
		diag_hint(d, "kinds: not-assessed, not-applicable, scored (the default)");
	return -1;
}

static void not_allowed(pctx_t *c, const value_t *map, const char *key, const char *kind, const char *why)
{
	int line, col;
	key_pos(c, map, key, value_get(map, key), &line, &col);
	diag_t *d = err_at(c, line, col, "profile-key-not-allowed", "'%s' does not apply to a %s status", key, kind);
	diag_hint(d, "%s", why);
}

static void parse_synonyms(pctx_t *c, size_t status, const value_t *v)
{
	profile_status_t *st = &c->p->statuses[status];
	size_t n;
	const value_t *const *it = items_of(&v, &n);
	if (v->kind == VAL_LIST)
		n = capped(c, v, n, PROFILE_MAX_SYNONYMS, "synonyms per status");
	for (size_t i = 0; i < n; i++) {
		const char *s = name_of(c, it[i], "a synonym", PROFILE_MAX_NAME);
		c->synonym_node[status][st->nsynonyms] = it[i];
		st->synonyms[st->nsynonyms++] = s ? keep(c->p, s) : "";
	}
}

static void parse_status(pctx_t *c, const value_t *v, size_t i)
{
	static const char *const keys[] = {"name", "kind", "credit", "rank", "justify", "synonyms", NULL};
	profile_status_t *st = &c->p->statuses[i];
	c->status_node[i] = v;
	st->kind = PROFILE_SCORED;
	if (!want(c, v, VAL_MAP, "a status", "write each status as {name: ..., credit: ...}"))
		return;
	check_keys(c, v, "a status", keys);
	const value_t *name = value_get(v, "name"), *kind = value_get(v, "kind"), *credit = value_get(v, "credit");
	const value_t *rank = value_get(v, "rank"), *justify = value_get(v, "justify");
	const value_t *syn = value_get(v, "synonyms");
	const char *s = name ? name_of(c, name, "a status's name", PROFILE_MAX_NAME) : NULL;
	st->name = s ? keep(c->p, s) : "";
	if (!name) {
		diag_t *d = ERR(c, v, "profile-missing-key", "a status has no name");
		diag_hint(d, "add 'name: <the status as people type it>'");
	}
	int k = kind ? kind_of(c, kind) : PROFILE_SCORED;
	if (k < 0)
		return; /* what else is wrong depends on the kind meant */
	st->kind = (profile_kind_t)k;
	st->rank = st->kind == PROFILE_NOT_APPLICABLE ? -1 : 0;
	const char *kname = st->kind == PROFILE_NOT_ASSESSED ? "not-assessed" : "not-applicable";
	if (credit && st->kind != PROFILE_SCORED) {
		not_allowed(c, v, "credit", kname,
			    st->kind == PROFILE_NOT_ASSESSED ? "an item not assessed counts as 0: remove 'credit'"
							     : "a not-applicable item leaves the score: remove 'credit'");
	} else if (credit) {
		decimal_of(c, credit, "the credit", MILLI, &c->credit[i]);
	} else if (st->kind == PROFILE_SCORED) {
		diag_t *d = *st->name ? ERR(c, v, "profile-missing-key", "status '%s' has no credit", st->name)
				      : ERR(c, v, "profile-missing-key", "a status has no credit");
		diag_hint(d, "add 'credit: 1' for done, 'credit: 0' for not done, or a fraction of the item's weight "
			     "in between such as 0.5");
	}
	if (rank && st->kind != PROFILE_SCORED) {
		not_allowed(c, v, "rank", kname,
			    st->kind == PROFILE_NOT_ASSESSED ? "not assessed is always rank 0: remove 'rank'"
							     : "not applicable is outside the order of progress: remove 'rank'");
	} else if (rank) {
		unsigned r = 0;
		c->rank_node[i] = rank;
		if (decimal_of(c, rank, "the rank", PROFILE_MAX_STATUSES * MILLI, &r) && r % MILLI) {
			diag_t *d = ERR(c, rank, "profile-bad-number", "the rank must be a whole number");
			diag_hint(d, "ranks are 0, 1, 2...: the order of progress");
		}
		st->rank = (int)(r / MILLI);
	}
	if (justify && st->kind == PROFILE_NOT_ASSESSED)
		not_allowed(c, v, "justify", kname, "every item starts not assessed: no comment can be required");
	else if (justify)
		st->justify = bool_of(c, justify, "'justify'");
	if (syn)
		parse_synonyms(c, i, syn);
}

static void parse_priority(pctx_t *c, const value_t *v, size_t i)
{
	static const char *const keys[] = {"name", "weight", NULL};
	profile_priority_t *pr = &c->p->priorities[i];
	pr->name = "";
	if (!want(c, v, VAL_MAP, "a priority", "write each priority as {name: ..., weight: ...}"))
		return;
	check_keys(c, v, "a priority", keys);
	const value_t *name = value_get(v, "name"), *weight = value_get(v, "weight");
	const char *s = name ? name_of(c, name, "a priority's name", PROFILE_MAX_NAME) : NULL;
	if (s)
		pr->name = keep(c->p, s);
	if (!name) {
		diag_t *d = ERR(c, v, "profile-missing-key", "a priority has no name");
		diag_hint(d, "add 'name: <the priority as written in the référentiel>'");
	}
	if (weight) {
		decimal_of(c, weight, "the weight", PROFILE_MAX_WEIGHT * MILLI, &c->weight[i]);
	} else {
		diag_t *d = *pr->name ? ERR(c, v, "profile-missing-key", "priority '%s' has no weight", pr->name)
				      : ERR(c, v, "profile-missing-key", "a priority has no weight");
		diag_hint(d, "add 'weight: 1' (or more for a higher priority)");
	}
}

/* A CSV column name (or a section's title) under key, into *slot. */
static void column(pctx_t *c, const value_t *map, const char *key, const char *what, const char **slot)
{
	const value_t *v = value_get(map, key);
	const char *s = v ? name_of(c, v, what, PROFILE_MAX_NAME) : NULL;
	if (s)
		*slot = keep(c->p, s);
}

static void parse_section(pctx_t *c, const value_t *v, size_t i)
{
	static const char *const keys[] = {"column", "title", NULL};
	profile_csv_t *csv = &c->p->csv;
	csv->sections[i] = csv->section_titles[i] = "";
	if (v->kind == VAL_MAP) {
		check_keys(c, v, "a section", keys);
		column(c, v, "column", "a section's column", &csv->sections[i]);
		csv->section_titles[i] = csv->sections[i];
		column(c, v, "title", "a section's title", &csv->section_titles[i]);
		if (!value_get(v, "column")) {
			diag_t *d = ERR(c, v, "profile-missing-key", "a section has no column");
			diag_hint(d, "add 'column: <the header of the CSV column>'");
		}
		return;
	}
	const char *s = name_of(c, v, "a section's column", PROFILE_MAX_NAME);
	if (s)
		csv->sections[i] = csv->section_titles[i] = keep(c->p, s);
}

static void parse_csv(pctx_t *c, const value_t *v)
{
	static const char *const keys[] = {"id", "theme", "title", "priority", "difficulty", "roles", "indicators",
					   "applicability", "sections", NULL};
	if (!want(c, v, VAL_MAP, "'csv'", "write 'csv:' then one 'field: <column header>' line per field"))
		return;
	check_keys(c, v, "'csv'", keys);
	profile_csv_t *csv = &c->p->csv;
	const char **slots[] = {&csv->id, &csv->theme, &csv->title, &csv->priority, &csv->difficulty,
				&csv->roles, &csv->indicators, &csv->applicability};
	for (size_t i = 0; i < sizeof slots / sizeof *slots; i++) {
		char what[64];
		snprintf(what, sizeof what, "the column of '%s'", keys[i]);
		column(c, v, keys[i], what, slots[i]);
	}
	static const char *const required[] = {"id", "title"};
	for (size_t i = 0; i < 2; i++)
		if (!value_get(v, required[i])) {
			diag_t *d = ERR(c, v, "profile-missing-key", "'csv' has no '%s' column", required[i]);
			diag_hint(d, "every item needs its %s: add '%s: <the header of that column>'", required[i],
				  required[i]);
		}
	const value_t *sec = value_get(v, "sections");
	if (sec && want(c, sec, VAL_LIST, "'sections'",
			"write 'sections: [Objectif, {column: Test, title: Moyen de test}]'")) {
		csv->nsections = capped(c, sec, sec->u.list.len, PROFILE_MAX_SECTIONS, "sections");
		for (size_t i = 0; i < csv->nsections; i++)
			parse_section(c, sec->u.list.items[i], i);
	}
}

/* id: a slug, as `--guide ID` and addresses use it. */
static void parse_id(pctx_t *c, const value_t *v)
{
	const char *s = name_of(c, v, "the id", PROFILE_MAX_ID);
	if (!s)
		return;
	bool ok = true;
	for (size_t i = 0; s[i] && ok; i++)
		ok = (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		     (s[i] == '-' && i > 0 && s[i + 1] && s[i + 1] != '-');
	if (ok) {
		c->p->id = keep(c->p, s);
		return;
	}
	/* The slug it was probably meant to be: the folded key, runs of other
	 * characters as one '-'. */
	buf_t key = BUF_INIT, slug = BUF_INIT;
	fold_key(s, &key);
	for (const char *k = buf_cstr(&key); *k; k++) {
		bool alnum = (*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9');
		if (alnum)
			buf_putc(&slug, *k);
		else if (slug.len && slug.ptr[slug.len - 1] != '-')
			buf_putc(&slug, '-');
	}
	while (slug.len && slug.ptr[slug.len - 1] == '-')
		buf_truncate(&slug, slug.len - 1);
	diag_t *d = ERR(c, v, "profile-bad-id", "the id '%s' is not a slug", s);
	if (slug.len)
		diag_hint(d, "an id is lowercase letters, digits and single dashes: '%s'", buf_cstr(&slug));
	else
		diag_hint(d, "an id is lowercase letters, digits and single dashes, e.g. 'grille-interne'");
	buf_free(&key);
	buf_free(&slug);
}

static void parse_lists(pctx_t *c, const value_t *root)
{
	profile_t *p = c->p;
	const value_t *v = value_get(root, "statuses");
	if (v && want(c, v, VAL_LIST, "'statuses'",
		      "write 'statuses:' then one '- {name: ..., credit: ...}' line per status")) {
		p->nstatuses = capped(c, v, v->u.list.len, PROFILE_MAX_STATUSES, "statuses");
		for (size_t i = 0; i < p->nstatuses; i++)
			parse_status(c, v->u.list.items[i], i);
	}
	v = value_get(root, "priorities");
	if (v && want(c, v, VAL_LIST, "'priorities'",
		      "write 'priorities: [{name: Haute, weight: 2}, {name: Normale, weight: 1}]'")) {
		p->npriorities = capped(c, v, v->u.list.len, PROFILE_MAX_PRIORITIES, "priorities");
		for (size_t i = 0; i < p->npriorities; i++)
			parse_priority(c, v->u.list.items[i], i);
	}
	v = value_get(root, "difficulties");
	if (v && want(c, v, VAL_LIST, "'difficulties'", "write 'difficulties: [Facile, Difficile]', easiest first")) {
		size_t n = capped(c, v, v->u.list.len, PROFILE_MAX_DIFFICULTIES, "difficulties");
		for (size_t i = 0; i < n; i++) {
			const char *s = name_of(c, v->u.list.items[i], "a difficulty", PROFILE_MAX_NAME);
			p->difficulties[p->ndifficulties++] = s ? keep(p, s) : "";
		}
	}
	v = value_get(root, "default-weight");
	c->default_weight = MILLI;
	if (v)
		decimal_of(c, v, "the default weight", PROFILE_MAX_WEIGHT * MILLI, &c->default_weight);
	v = value_get(root, "csv");
	if (v)
		parse_csv(c, v);
}

/* ---- checks across entries ---- */

typedef struct {
	buf_t key;
	const char *name;
	const value_t *at;
} named_t;

/* Names of one kind (statuses with their synonyms, priorities,
 * difficulties) must differ once folded: typed input finds them by key. */
static void check_distinct(pctx_t *c, named_t *names, size_t n, const char *what)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < i; j++) {
			if (strcmp(buf_cstr(&names[i].key), buf_cstr(&names[j].key)) != 0)
				continue;
			diag_t *d = ERR(c, names[i].at, "profile-duplicate-name",
					"%s '%s' is the same as '%s' (line %d) once case, accents and dashes are set aside",
					what, names[i].name, names[j].name, names[j].at ? names[j].at->line : 0);
			diag_hint(d, "input is matched without case or accents: give each one a name of its own, "
				     "or remove one");
			break;
		}
}

static void add_name(named_t *names, size_t *n, const char *name, const value_t *at)
{
	if (!name || !*name)
		return;
	names[*n].key = (buf_t)BUF_INIT;
	fold_key(name, &names[*n].key);
	names[*n].name = name;
	names[*n].at = at;
	(*n)++;
}

/* The node of entry i of list key, for diagnostics about it. */
static const value_t *entry(const value_t *root, const char *key, size_t i)
{
	const value_t *l = value_get(root, key);
	return l && l->kind == VAL_LIST && i < l->u.list.len ? l->u.list.items[i] : root;
}

static void check_names(pctx_t *c, const value_t *root)
{
	const profile_t *p = c->p;
	named_t names[PROFILE_MAX_STATUSES * (PROFILE_MAX_SYNONYMS + 1)];
	size_t n = 0;
	for (size_t i = 0; i < p->nstatuses; i++) {
		const value_t *st = c->status_node[i];
		add_name(names, &n, p->statuses[i].name, value_get(st, "name") ? value_get(st, "name") : st);
		for (size_t j = 0; j < p->statuses[i].nsynonyms; j++)
			add_name(names, &n, p->statuses[i].synonyms[j], c->synonym_node[i][j]);
	}
	check_distinct(c, names, n, "status");
	for (size_t i = 0; i < n; i++)
		buf_free(&names[i].key);
	n = 0;
	for (size_t i = 0; i < p->npriorities; i++)
		add_name(names, &n, p->priorities[i].name, entry(root, "priorities", i));
	check_distinct(c, names, n, "priority");
	for (size_t i = 0; i < n; i++)
		buf_free(&names[i].key);
	n = 0;
	for (size_t i = 0; i < p->ndifficulties; i++)
		add_name(names, &n, p->difficulties[i], entry(root, "difficulties", i));
	check_distinct(c, names, n, "difficulty");
	for (size_t i = 0; i < n; i++)
		buf_free(&names[i].key);
}

/* One not-assessed status, first; at most one not-applicable; some
 * status that gives credit. */
static void check_kinds(pctx_t *c, const value_t *statuses)
{
	const profile_t *p = c->p;
	int assessed = -1, applicable = -1;
	bool credit = false;
	for (size_t i = 0; i < p->nstatuses; i++) {
		const profile_status_t *st = &p->statuses[i];
		credit = credit || (st->kind == PROFILE_SCORED && c->credit[i] > 0);
		if (st->kind == PROFILE_NOT_ASSESSED && assessed >= 0) {
			diag_t *d = ERR(c, c->status_node[i], "profile-not-assessed-count",
					"a second not-assessed status ('%s' after '%s')", st->name, p->statuses[assessed].name);
			diag_hint(d, "one status is where every item starts: make this one 'scored' with a credit, or remove it");
		} else if (st->kind == PROFILE_NOT_ASSESSED) {
			assessed = (int)i;
			if (i) {
				diag_t *d = ERR(c, c->status_node[i], "profile-not-assessed-first",
						"the not-assessed status '%s' must come first", st->name);
				diag_hint(d, "move it to the top of the list: the list's order is the order stored, and the "
					     "first status is the one every item starts with");
			}
		}
		if (st->kind == PROFILE_NOT_APPLICABLE && applicable >= 0) {
			diag_t *d = ERR(c, c->status_node[i], "profile-not-applicable-count",
					"a second not-applicable status ('%s' after '%s')", st->name,
					p->statuses[applicable].name);
			diag_hint(d, "one status takes an item out of the score: add the other's name to its synonyms");
		} else if (st->kind == PROFILE_NOT_APPLICABLE) {
			applicable = (int)i;
		}
	}
	if (assessed < 0) {
		diag_t *d = ERR(c, statuses, "profile-not-assessed-count", "no status has 'kind: not-assessed'");
		diag_hint(d, "add '- {name: à faire, kind: not-assessed}' at the top of the list: every item starts there");
	}
	if (!credit) {
		diag_t *d = ERR(c, statuses, "profile-no-credit", "no status gives credit: every score would be 0");
		diag_hint(d, "give the status that means done 'credit: 1'");
	}
}

/* Ranks: all scored statuses have one or none does; more credit never
 * ranks lower. */
static void check_ranks(pctx_t *c)
{
	profile_t *p = c->p;
	size_t given = 0, scored = 0;
	const value_t *first_missing = NULL;
	for (size_t i = 0; i < p->nstatuses; i++) {
		if (p->statuses[i].kind != PROFILE_SCORED)
			continue;
		scored++;
		if (c->rank_node[i])
			given++;
		else if (!first_missing)
			first_missing = c->status_node[i];
	}
	if (given && given < scored) {
		diag_t *d = ERR(c, first_missing, "profile-rank-partial",
				"'rank' is given on %zu of the %zu scored statuses, not on this one", given, scored);
		diag_hint(d, "give every scored status a rank, or none (ranks then follow the credits)");
		return;
	}
	for (size_t i = 0; given && i < p->nstatuses; i++)
		for (size_t j = 0; j < p->nstatuses; j++) {
			if (!c->rank_node[i] || !c->rank_node[j] || c->credit[i] <= c->credit[j] ||
			    p->statuses[i].rank >= p->statuses[j].rank)
				continue;
			diag_t *d = ERR(c, c->rank_node[i], "profile-rank-order",
					"'%s' has more credit than '%s' but ranks below it", p->statuses[i].name,
					p->statuses[j].name);
			diag_hint(d, "ranks order progress: a status worth more ranks at least as high");
			break;
		}
}

static unsigned gcd(unsigned a, unsigned b)
{
	while (b) {
		unsigned t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* Thousandths to the smallest denominator: 0.5 and 1 are 1/2 and 2/2 as
 * the GBPNR's credits, 1.5, 1.25 and 1 are the RGESN's 6/4, 5/4, 4/4. */
static void reduce(pctx_t *c)
{
	profile_t *p = c->p;
	unsigned g = MILLI;
	for (size_t i = 0; i < p->nstatuses; i++)
		g = gcd(g, c->credit[i]);
	p->credit_den = MILLI / g;
	for (size_t i = 0; i < p->nstatuses; i++)
		p->statuses[i].credit = c->credit[i] / g;
	g = gcd(MILLI, c->default_weight);
	for (size_t i = 0; i < p->npriorities; i++)
		g = gcd(g, c->weight[i]);
	p->weight_den = MILLI / g;
	p->default_weight = c->default_weight / g;
	for (size_t i = 0; i < p->npriorities; i++)
		p->priorities[i].weight = c->weight[i] / g;
}

/* The ranks a profile gets without 'rank:': not assessed 0, not
 * applicable -1, the scored statuses in order of credit (ties in the order
 * listed), from 0 when the lowest credit is 0 (no progress over not
 * assessed), else from 1. */
static void default_ranks(const profile_t *p, int *ranks)
{
	size_t order[PROFILE_MAX_STATUSES], n = 0;
	for (size_t i = 0; i < p->nstatuses; i++) {
		ranks[i] = p->statuses[i].kind == PROFILE_NOT_APPLICABLE ? -1 : 0;
		if (p->statuses[i].kind != PROFILE_SCORED)
			continue;
		size_t k = n++;
		while (k && p->statuses[order[k - 1]].credit > p->statuses[i].credit) {
			order[k] = order[k - 1];
			k--;
		}
		order[k] = i;
	}
	int base = n && p->statuses[order[0]].credit > 0 ? 1 : 0;
	for (size_t k = 0; k < n; k++)
		ranks[order[k]] = base + (int)k;
}

/* The whole profile from its YAML tree, into c->p. */
static void parse_root(pctx_t *c, const value_t *root)
{
	static const char *const keys[] = {"id", "title", "statuses", "priorities", "default-weight", "difficulties",
					   "csv", NULL};
	static const char *const required[] = {"id", "title", "statuses"};
	static const char *const hints[] = {
		"add 'id: <a short slug>', e.g. 'id: grille-interne'",
		"add 'title: <the référentiel's full name>'",
		"add 'statuses:' with one '- {name: ..., credit: ...}' line per status",
	};
	if (!want(c, root, VAL_MAP, "a profile",
		  "a profile is a mapping: 'id:', 'title:', 'statuses:'... (docs/referentiels.md)"))
		return;
	check_keys(c, root, "a profile", keys);
	for (size_t i = 0; i < 3; i++)
		if (!value_get(root, required[i])) {
			diag_t *d = ERR(c, root, "profile-missing-key", "the profile has no '%s'", required[i]);
			diag_hint(d, "%s", hints[i]);
		}
	const value_t *v = value_get(root, "id");
	if (v)
		parse_id(c, v);
	v = value_get(root, "title");
	const char *title = v ? name_of(c, v, "the title", PROFILE_MAX_NAME) : NULL;
	if (title)
		c->p->title = keep(c->p, title);
	parse_lists(c, root);
	v = value_get(root, "statuses");
	if (v && v->kind == VAL_LIST) {
		check_kinds(c, v);
		check_ranks(c);
	}
	check_names(c, root);
	reduce(c);
	bool explicit_rank = false;
	for (size_t i = 0; i < c->p->nstatuses; i++)
		explicit_rank = explicit_rank || c->rank_node[i];
	if (!explicit_rank) {
		int ranks[PROFILE_MAX_STATUSES];
		default_ranks(c->p, ranks);
		for (size_t i = 0; i < c->p->nstatuses; i++)
			c->p->statuses[i].rank = ranks[i];
	}
}

profile_t *profile_parse(const char *file, const char *src, size_t len, diag_list_t *d)
{
	pctx_t c;
	memset(&c, 0, sizeof c);
	c.file = file;
	c.src = src;
	c.len = len;
	c.d = d;
	if (len > PROFILE_MAX_FILE) {
		diag_t *g = err_at(&c, 1, 1, "profile-too-large", "a profile is larger than %u KiB", PROFILE_MAX_FILE >> 10);
		diag_hint(g, "a profile is a page of YAML: is it the right file?");
		return NULL;
	}
	value_t *root = yaml_parse(file, src, len, 0, d);
	if (!root)
		return NULL;
	c.p = xcalloc(1, sizeof *c.p);
	c.p->arena = xcalloc(1, sizeof *c.p->arena);
	c.p->id = c.p->title = "";
	parse_root(&c, root);
	value_free(root);
	if (c.failed) {
		profile_free(c.p);
		return NULL;
	}
	return c.p;
}

profile_t *profile_load(const char *path, diag_list_t *d)
{
	buf_t src = BUF_INIT;
	profile_t *p = NULL;
	int e = fs_read_file(path, PROFILE_MAX_FILE, &src);
	if (e == EFBIG) {
		diag_t *g = diag_add(d, DIAG_ERROR, path, 0, 0, "profile-too-large",
				     "cannot read the profile: larger than %u KiB", PROFILE_MAX_FILE >> 10);
		diag_hint(g, "a profile is a page of YAML: is it the right file?");
	} else if (e) {
		diag_add(d, DIAG_ERROR, path, 0, 0, "io-error", "cannot read the profile: %s", strerror(e));
	} else {
		p = profile_parse(path, src.ptr ? src.ptr : "", src.len, d);
	}
	buf_free(&src);
	return p;
}

/* ---- writing ---- */

/* Text YAML reads back as the same string without quotes: starts with a
 * letter (so never a number, '-', '[' or '&'), then letters, digits,
 * spaces and a few signs that mean nothing to YAML in flow or block
 * context; not a word YAML reads as true, false or null. */
static bool plain_ok(const char *s)
{
	static const char *const words[] = {"true", "false", "null", "yes", "no", "on", "off", "y", "n"};
	size_t n = strlen(s);
	if (!n || s[n - 1] == ' ')
		return false;
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (strcasecmp(s, words[i]) == 0)
			return false;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		bool first = i == 0;
		i += utf8_decode(s + i, n - i, &cp);
		bool letter = (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
			      (cp >= 0xc0 && cp < 0x2000 && cp != 0xd7 && cp != 0xf7) || (cp >= 0x2070 && cp != 0xfeff);
		if (letter)
			continue;
		if (!first && cp < 0x80 && strchr("0123456789 -.()/'", (int)cp))
			continue;
		return false;
	}
	return true;
}

static void put_scalar(buf_t *out, const char *s)
{
	if (plain_ok(s)) {
		buf_puts(out, s);
		return;
	}
	buf_putc(out, '"');
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (cp == '"' || cp == '\\')
			buf_printf(out, "\\%c", (char)cp);
		else if (cp < 0x20 || cp == 0x7f)
			buf_printf(out, "\\x%02X", (unsigned)cp);
		else if (cp == 0x85 || cp == 0x2028 || cp == 0x2029 || cp == 0xfeff)
			buf_printf(out, "\\u%04X", (unsigned)cp);
		else
			buf_put(out, s + i, k);
		i += k;
	}
	buf_putc(out, '"');
}

/* n/den as a decimal: every denominator this module makes divides 1000,
 * so three places are exact. */
static void put_decimal(buf_t *out, unsigned n, unsigned den)
{
	unsigned long long t = den ? ((unsigned long long)n * MILLI + den / 2) / den : 0;
	buf_printf(out, "%llu", t / MILLI);
	unsigned frac = (unsigned)(t % MILLI);
	if (!frac)
		return;
	char digits[4];
	snprintf(digits, sizeof digits, "%03u", frac);
	size_t k = 3;
	while (digits[k - 1] == '0')
		k--;
	buf_putc(out, '.');
	buf_put(out, digits, k);
}

static void put_names(buf_t *out, const char *const *names, size_t n)
{
	buf_putc(out, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_puts(out, ", ");
		put_scalar(out, names[i]);
	}
	buf_putc(out, ']');
}

static void format_statuses(const profile_t *p, buf_t *out)
{
	int ranks[PROFILE_MAX_STATUSES];
	default_ranks(p, ranks);
	bool explicit_rank = false;
	for (size_t i = 0; i < p->nstatuses; i++)
		explicit_rank = explicit_rank || (p->statuses[i].kind == PROFILE_SCORED && ranks[i] != p->statuses[i].rank);
	buf_puts(out, "statuses:\n");
	for (size_t i = 0; i < p->nstatuses; i++) {
		const profile_status_t *st = &p->statuses[i];
		buf_puts(out, "  - {name: ");
		put_scalar(out, st->name);
		if (st->kind == PROFILE_NOT_ASSESSED)
			buf_puts(out, ", kind: not-assessed");
		else if (st->kind == PROFILE_NOT_APPLICABLE)
			buf_puts(out, ", kind: not-applicable");
		if (st->kind == PROFILE_SCORED) {
			buf_puts(out, ", credit: ");
			put_decimal(out, st->credit, p->credit_den);
			if (explicit_rank)
				buf_printf(out, ", rank: %d", st->rank);
		}
		if (st->justify)
			buf_puts(out, ", justify: true");
		if (st->nsynonyms) {
			buf_puts(out, ", synonyms: ");
			put_names(out, st->synonyms, st->nsynonyms);
		}
		buf_puts(out, "}\n");
	}
}

static void format_csv(const profile_csv_t *csv, buf_t *out)
{
	const char *const keys[] = {"id", "theme", "title", "priority", "difficulty", "roles", "indicators",
				    "applicability"};
	const char *const cols[] = {csv->id, csv->theme, csv->title, csv->priority, csv->difficulty,
				    csv->roles, csv->indicators, csv->applicability};
	bool any = csv->nsections > 0;
	for (size_t i = 0; i < sizeof cols / sizeof *cols; i++)
		any = any || cols[i];
	if (!any)
		return;
	buf_puts(out, "csv:\n");
	for (size_t i = 0; i < sizeof cols / sizeof *cols; i++)
		if (cols[i]) {
			buf_printf(out, "  %s: ", keys[i]);
			put_scalar(out, cols[i]);
			buf_putc(out, '\n');
		}
	if (!csv->nsections)
		return;
	buf_puts(out, "  sections: [");
	for (size_t i = 0; i < csv->nsections; i++) {
		if (i)
			buf_puts(out, ", ");
		const char *col = csv->sections[i], *title = csv->section_titles[i];
		if (!title || strcmp(col, title) == 0) {
			put_scalar(out, col);
			continue;
		}
		buf_puts(out, "{column: ");
		put_scalar(out, col);
		buf_puts(out, ", title: ");
		put_scalar(out, title);
		buf_putc(out, '}');
	}
	buf_puts(out, "]\n");
}

void profile_format(const profile_t *p, buf_t *out)
{
	buf_puts(out, "id: ");
	put_scalar(out, p->id);
	buf_puts(out, "\ntitle: ");
	put_scalar(out, p->title);
	buf_putc(out, '\n');
	format_statuses(p, out);
	if (p->npriorities) {
		buf_puts(out, "priorities:\n");
		for (size_t i = 0; i < p->npriorities; i++) {
			buf_puts(out, "  - {name: ");
			put_scalar(out, p->priorities[i].name);
			buf_puts(out, ", weight: ");
			put_decimal(out, p->priorities[i].weight, p->weight_den);
			buf_puts(out, "}\n");
		}
	}
	if (p->default_weight != p->weight_den) {
		buf_puts(out, "default-weight: ");
		put_decimal(out, p->default_weight, p->weight_den);
		buf_putc(out, '\n');
	}
	if (p->ndifficulties) {
		buf_puts(out, "difficulties: ");
		put_names(out, p->difficulties, p->ndifficulties);
		buf_putc(out, '\n');
	}
	format_csv(&p->csv, out);
}
