/* ref_json: each reader walks the tree once; a field is read through one
 * function that reports it missing, empty or of the wrong type at the
 * position of its object or its value, so that every reader says the same
 * thing about the same mistake. */
#include "guide/ref_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fold.h"
#include "util/xalloc.h"

enum { OPTIONAL = 0, REQUIRED = 1, NONEMPTY = 2 };

const char *ref_json_kind(val_kind_t k)
{
	static const char *const names[] = {"null", "a boolean", "a number", "a string", "an array", "an object"};
	return names[k];
}

typedef struct {
	ref_builder_t *b;
	const char *file;
	diag_list_t *d;
	const profile_t *p;
} jctx_t;

/* What a field holds, for the hint of a missing one. */
static const char *field_hint(const jctx_t *c, const char *key, buf_t *scratch)
{
	static const struct {
		const char *key, *what;
	} hints[] = {
		{"numero", "its number, e.g. \"4.1\""},
		{"id", "its id, e.g. \"4.1\""},
		{"thematique", "the name of its theme"},
		{"critere", "the criterion, as a question"},
		{"titre", "its title"},
		{"cible", "\"" REF_ALWAYS_APPLICABLE "\", or when it is not applicable"},
		{"metiers", "the roles concerned, separated by commas"},
		{"objectif", "Markdown text"},
		{"miseEnOeuvre", "Markdown text"},
		{"controle", "Markdown text"},
		{"thematiques", "the list of themes"},
		{"bonnesPratiques", "the list of its practices"},
		{"criteres", "the list of criteria"},
	};
	if (strcmp(key, "priorite") == 0 || strcmp(key, "difficulte") == 0) {
		bool prio = key[0] == 'p';
		size_t n = prio ? c->p->npriorities : c->p->ndifficulties;
		buf_reset(scratch);
		for (size_t i = 0; i < n; i++) {
			if (i)
				buf_puts(scratch, i + 1 == n ? " or " : ", ");
			buf_puts(scratch, prio ? c->p->priorities[i].name : c->p->difficulties[i]);
		}
		return buf_cstr(scratch);
	}
	for (size_t i = 0; i < sizeof hints / sizeof *hints; i++)
		if (strcmp(hints[i].key, key) == 0)
			return hints[i].what;
	return "text";
}

static void wrong_type(jctx_t *c, const value_t *v, const char *key, const char *what, const char *want)
{
	diag_t *x = diag_add(c->d, DIAG_ERROR, c->file, v->line, v->col, "ref-wrong-type",
			     "\"%s\" of %s must be %s, not %s", key, what, want, ref_json_kind(v->kind));
	if (strcmp(want, "an array") == 0)
		diag_hint(x, "write it as an array: \"%s\": [\"...\", \"...\"]", key);
	else if (v->kind == VAL_NUMBER && (strcmp(key, "numero") == 0 || strcmp(key, "id") == 0))
		diag_hint(x, "write it in double quotes: as a number, \"4.10\" would read 4.1");
	else
		diag_hint(x, "write it as text in double quotes");
}

/* The string under key in obj. NULL when absent, null or refused; a
 * missing REQUIRED field, an empty NONEMPTY one or a value of another type
 * is reported and clears *ok. */
static const char *field(jctx_t *c, const value_t *obj, const char *key, const char *what, int flags, bool *ok)
{
	const value_t *v = value_get(obj, key);
	buf_t scratch = BUF_INIT;
	const char *s = NULL;
	if (!v || v->kind == VAL_NULL) {
		if (flags & REQUIRED) {
			diag_t *x = diag_add(c->d, DIAG_ERROR, c->file, v ? v->line : obj->line, v ? v->col : obj->col,
					     "ref-missing-field", "%s has no \"%s\"", what, key);
			diag_hint(x, "add \"%s\": \"<%s>\"", key, field_hint(c, key, &scratch));
			*ok = false;
		}
	} else if (v->kind != VAL_STRING) {
		wrong_type(c, v, key, what, "a string");
		*ok = false;
	} else if ((flags & NONEMPTY) && v->u.str.len == 0) {
		diag_t *x = diag_add(c->d, DIAG_ERROR, c->file, v->line, v->col, "ref-missing-field",
				     "\"%s\" of %s is empty", key, what);
		diag_hint(x, "write %s", field_hint(c, key, &scratch));
		*ok = false;
	} else {
		s = v->u.str.s;
	}
	buf_free(&scratch);
	return s;
}

/* The list under key in obj (NULL when absent and not REQUIRED, or refused). */
static const value_t *list_field(jctx_t *c, const value_t *obj, const char *key, const char *what, int flags,
				 bool *ok)
{
	const value_t *v = value_get(obj, key);
	if (!v || v->kind == VAL_NULL) {
		if (flags & REQUIRED) {
			buf_t scratch = BUF_INIT;
			diag_t *x = diag_add(c->d, DIAG_ERROR, c->file, obj->line, obj->col, "ref-missing-field",
					     "%s has no \"%s\"", what, key);
			diag_hint(x, "add \"%s\": [<%s>]", key, field_hint(c, key, &scratch));
			buf_free(&scratch);
			*ok = false;
		}
		return NULL;
	}
	if (v->kind != VAL_LIST) {
		wrong_type(c, v, key, what, "an array");
		*ok = false;
		return NULL;
	}
	return v;
}

/* Each string of a list of strings, pushed onto list; a non-string item
 * is reported and clears *ok. */
static void strings(jctx_t *c, const value_t *v, const char *key, const char *what, char ***list, size_t *n,
		    bool *ok)
{
	for (size_t i = 0; v && i < v->u.list.len; i++) {
		const value_t *it = v->u.list.items[i];
		if (it->kind == VAL_STRING) {
			if (it->u.str.len)
				ref_item_push(list, n, it->u.str.s);
			continue;
		}
		diag_t *x = diag_add(c->d, DIAG_ERROR, c->file, it->line, it->col, "ref-wrong-type",
				     "item %zu of \"%s\" of %s must be a string, not %s", i + 1, key, what,
				     ref_json_kind(it->kind));
		diag_hint(x, "write it as text in double quotes");
		*ok = false;
	}
}

static bool is_object(jctx_t *c, const value_t *v, const char *what)
{
	if (v->kind == VAL_MAP)
		return true;
	diag_t *x = diag_add(c->d, DIAG_ERROR, c->file, v->line, v->col, "ref-wrong-type", "%s must be an object, not %s",
			     what, ref_json_kind(v->kind));
	diag_hint(x, "write it as {\"key\": \"value\", ...}");
	return false;
}

static void empty(jctx_t *c, const value_t *at, const char *msg, const char *hint)
{
	diag_t *x = diag_add(c->d, DIAG_ERROR, c->file, at->line, at->col, "ref-empty", "%s", msg);
	diag_hint(x, "%s", hint);
}

/* The label of an object in messages: "criterion 4.1" once its id is
 * known, else "criterion #3 in the array". */
static void label(char *out, size_t size, const char *noun, const char *id, size_t index, const char *where)
{
	if (id && *id)
		snprintf(out, size, "%s %s", noun, id);
	else
		snprintf(out, size, "%s #%zu %s", noun, index, where);
}

/* A theme named by its title: its id is a slug of it ("UX/UI" -> "ux-ui"). */
static size_t theme_of(ref_builder_t *b, const char *title)
{
	buf_t id = BUF_INIT;
	referentiel_slug(title, &id);
	if (id.len == 0)
		buf_printf(&id, "theme-%zu", b->r->nthemes + 1);
	size_t t = ref_build_theme(b, buf_cstr(&id), title, NULL);
	buf_free(&id);
	return t;
}

/* --- RGESN, as the DINUM stores it ------------------------------------- */

static void rgesn_criterion(jctx_t *c, const value_t *o, size_t index, bool y2024)
{
	char what[REF_MAX_ID + 48];
	bool ok = true;
	label(what, sizeof what, "criterion", NULL, index, "in the array");
	const char *num = field(c, o, "numero", what, REQUIRED | NONEMPTY, &ok);
	const value_t *numv = value_get(o, "numero");
	if (num && !ref_check_id(c->d, c->file, numv->line, numv->col, what, num))
		ok = false;
	else if (num)
		label(what, sizeof what, "criterion", num, index, "");
	const char *theme = field(c, o, "thematique", what, REQUIRED | NONEMPTY, &ok);
	const char *title = field(c, o, "critere", what, REQUIRED | NONEMPTY, &ok);
	const char *prio = NULL, *diff = NULL, *target = NULL, *roles = NULL, *text[3];
	if (y2024) {
		diff = field(c, o, "difficulte", what, REQUIRED | NONEMPTY, &ok);
		prio = field(c, o, "priorite", what, REQUIRED | NONEMPTY, &ok);
		target = field(c, o, "cible", what, REQUIRED, &ok);
		roles = field(c, o, "metiers", what, REQUIRED, &ok);
		const value_t *pv = value_get(o, "priorite"), *dv = value_get(o, "difficulte");
		if (prio && *prio && !ref_check_priority(c->d, c->p, c->file, pv->line, pv->col, what, prio))
			ok = false;
		if (diff && *diff && !ref_check_difficulty(c->d, c->p, c->file, dv->line, dv->col, what, diff))
			ok = false;
	}
	for (size_t i = 0; i < 3; i++)
		text[i] = field(c, o, ref_rgesn_sections[i].json, what, REQUIRED, &ok);
	if (!ok)
		return;
	ref_item_t *it = ref_build_item(c->b, theme_of(c->b, theme), num, title, NULL, numv->line, numv->col);
	for (size_t i = 0; i < 3; i++)
		ref_item_section(it, ref_rgesn_sections[i].key, ref_rgesn_sections[i].title, text[i]);
	if (y2024) {
		free(it->priority);
		it->priority = xstrdup(prio);
		free(it->difficulty);
		it->difficulty = xstrdup(diff);
		free(it->applicability);
		it->applicability = xstrdup(target);
		it->always_applicable = fold_equal(target, REF_ALWAYS_APPLICABLE);
		ref_item_split(&it->roles, &it->nroles, roles, ",");
	}
}

static void read_rgesn(jctx_t *c, const value_t *root, bool y2024)
{
	ref_build_meta(c->b, "rgesn", "Référentiel général d'écoconception de services numériques",
		       y2024 ? "2024" : "2023", NULL);
	if (root->u.list.len == 0) {
		empty(c, root, "the array holds no criterion",
		      "each criterion is an object {\"numero\": \"1.1\", \"thematique\": \"...\", \"critere\": \"...\", ...}");
		return;
	}
	for (size_t i = 0; i < root->u.list.len; i++) {
		const value_t *o = root->u.list.items[i];
		char what[64];
		label(what, sizeof what, "criterion", NULL, i + 1, "in the array");
		if (is_object(c, o, what))
			rgesn_criterion(c, o, i + 1, y2024);
	}
}

/* --- envelopes: the guide's export, NumEcoDiag -------------------------- */

/* The envelope's title, version and date: text, whatever scalar it is. */
static void envelope_meta(jctx_t *c, const value_t *root, const char *id)
{
	static const char *const keys[3] = {"title", "version", "updated_at"};
	buf_t text[3] = {BUF_INIT, BUF_INIT, BUF_INIT};
	for (size_t i = 0; i < 3; i++) {
		const value_t *v = value_get(root, keys[i]);
		if (v && (v->kind == VAL_LIST || v->kind == VAL_MAP))
			wrong_type(c, v, keys[i], "the file", "a string");
		else if (v)
			value_to_text(v, &text[i]);
	}
	ref_build_meta(c->b, id, buf_cstr(&text[0]), buf_cstr(&text[1]), buf_cstr(&text[2]));
	for (size_t i = 0; i < 3; i++)
		buf_free(&text[i]);
}

static void export_practice(jctx_t *c, const value_t *o, size_t theme, const char *theme_id, size_t index)
{
	char what[REF_MAX_ID * 2 + 48], where[REF_MAX_ID + 16];
	bool ok = true;
	snprintf(where, sizeof where, "of theme %s", theme_id);
	label(what, sizeof what, "practice", NULL, index, where);
	if (!is_object(c, o, what))
		return;
	const char *id = field(c, o, "id", what, REQUIRED | NONEMPTY, &ok);
	const value_t *idv = value_get(o, "id");
	if (id && !ref_check_id(c->d, c->file, idv->line, idv->col, what, id))
		ok = false;
	else if (id)
		label(what, sizeof what, "practice", id, index, where);
	const char *title = field(c, o, "titre", what, REQUIRED | NONEMPTY, &ok);
	/* Required when the profile has such values, as in CSV: a grid of
	 * one's own, exported by sobre, may have neither. */
	const char *prio = field(c, o, "priorite", what, c->p->npriorities ? REQUIRED | NONEMPTY : OPTIONAL, &ok);
	const char *diff = field(c, o, "difficulte", what, c->p->ndifficulties ? REQUIRED | NONEMPTY : OPTIONAL, &ok);
	const char *url = field(c, o, "url", what, OPTIONAL, &ok);
	const value_t *pv = value_get(o, "priorite"), *dv = value_get(o, "difficulte");
	if (prio && *prio && c->p->npriorities &&
	    !ref_check_priority(c->d, c->p, c->file, pv->line, pv->col, what, prio))
		ok = false;
	if (diff && *diff && c->p->ndifficulties &&
	    !ref_check_difficulty(c->d, c->p, c->file, dv->line, dv->col, what, diff))
		ok = false;
	const value_t *who = list_field(c, o, "pilotes", what, OPTIONAL, &ok);
	const value_t *ind = list_field(c, o, "indicateurs", what, OPTIONAL, &ok);
	char **roles = NULL, **inds = NULL;
	size_t nroles = 0, ninds = 0;
	strings(c, who, "pilotes", what, &roles, &nroles, &ok);
	strings(c, ind, "indicateurs", what, &inds, &ninds, &ok);
	if (ok) {
		ref_item_t *it = ref_build_item(c->b, theme, id, title, NULL, idv->line, idv->col);
		free(it->priority);
		it->priority = xstrdup(prio ? prio : "");
		free(it->difficulty);
		it->difficulty = xstrdup(diff ? diff : "");
		free(it->url);
		it->url = xstrdup(url ? url : "");
		it->roles = roles;
		it->nroles = nroles;
		it->indicators = inds;
		it->nindicators = ninds;
		return;
	}
	for (size_t i = 0; i < nroles; i++)
		free(roles[i]);
	free(roles);
	for (size_t i = 0; i < ninds; i++)
		free(inds[i]);
	free(inds);
}

/* One theme of the export and its practices; returns how many it lists. */
static size_t export_theme(jctx_t *c, const value_t *o, size_t index, const value_t **seen)
{
	char what[REF_MAX_ID + 48];
	bool ok = true;
	label(what, sizeof what, "theme", NULL, index, "in \"thematiques\"");
	if (!is_object(c, o, what))
		return 0;
	const char *id = field(c, o, "id", what, REQUIRED | NONEMPTY, &ok);
	const value_t *idv = value_get(o, "id");
	if (id && !ref_check_id(c->d, c->file, idv->line, idv->col, what, id))
		ok = false;
	else if (id)
		label(what, sizeof what, "theme", id, index, "");
	const char *title = field(c, o, "titre", what, REQUIRED | NONEMPTY, &ok);
	const value_t *list = list_field(c, o, "bonnesPratiques", what, REQUIRED, &ok);
	if (!ok)
		return list ? list->u.list.len : 0;
	bool existed;
	size_t t = ref_build_theme(c->b, id, title, &existed);
	if (existed) {
		const value_t *f = seen[t];
		diag_t *x = diag_add(c->d, DIAG_ERROR, c->file, idv->line, idv->col, "ref-duplicate-id",
				     "duplicate theme id '%s': the first is at %s:%d:%d", id, c->file, f->line, f->col);
		diag_hint(x, "give each theme its own id; its practices are left out");
		return list->u.list.len;
	}
	seen[t] = idv;
	for (size_t i = 0; i < list->u.list.len; i++)
		export_practice(c, list->u.list.items[i], t, id, i + 1);
	return list->u.list.len;
}

static void read_export(jctx_t *c, const value_t *root)
{
	bool ok = true;
	envelope_meta(c, root, "gbpnr");
	const value_t *themes = list_field(c, root, "thematiques", "the file", REQUIRED, &ok);
	if (!themes)
		return;
	/* The id of each theme kept, for a later duplicate to point at. */
	const value_t **seen = xcalloc(themes->u.list.len + 1, sizeof *seen);
	size_t practices = 0;
	for (size_t i = 0; i < themes->u.list.len; i++)
		practices += export_theme(c, themes->u.list.items[i], i + 1, seen);
	free(seen);
	if (practices == 0)
		empty(c, themes, "the file holds no practice",
		      "each theme lists its practices in \"bonnesPratiques\": [{\"id\": \"a.1\", \"titre\": \"...\", ...}]");
}

static void numecodiag_criterion(jctx_t *c, const value_t *o, size_t index)
{
	char what[REF_MAX_ID + 48];
	bool ok = true;
	label(what, sizeof what, "criterion", NULL, index, "in \"criteres\"");
	if (!is_object(c, o, what))
		return;
	const char *id = field(c, o, "id", what, REQUIRED | NONEMPTY, &ok);
	const value_t *idv = value_get(o, "id");
	if (id && !ref_check_id(c->d, c->file, idv->line, idv->col, what, id))
		ok = false;
	else if (id)
		label(what, sizeof what, "criterion", id, index, "");
	const char *title = field(c, o, "critere", what, REQUIRED | NONEMPTY, &ok);
	const char *theme = field(c, o, "thematique", what, REQUIRED | NONEMPTY, &ok);
	const char *url = field(c, o, "url", what, OPTIONAL, &ok);
	if (!ok)
		return;
	ref_item_t *it = ref_build_item(c->b, theme_of(c->b, theme), id, title, NULL, idv->line, idv->col);
	free(it->url);
	it->url = xstrdup(url ? url : "");
}

static void read_numecodiag(jctx_t *c, const value_t *root)
{
	bool ok = true;
	envelope_meta(c, root, "rgesn");
	const value_t *list = list_field(c, root, "criteres", "the file", REQUIRED, &ok);
	if (!list)
		return;
	if (list->u.list.len == 0)
		empty(c, list, "\"criteres\" holds no criterion",
		      "each criterion is an object {\"id\": \"1.1\", \"critere\": \"...\", \"thematique\": \"...\"}");
	for (size_t i = 0; i < list->u.list.len; i++)
		numecodiag_criterion(c, list->u.list.items[i], i + 1);
}

/* --- detection and dispatch ------------------------------------------- */

int ref_json_shape(const value_t *root)
{
	if (!root)
		return -1;
	if (root->kind == VAL_MAP) {
		if (value_get(root, "criteres"))
			return REF_NUMECODIAG;
		if (value_get(root, "thematiques"))
			return REF_EXPORT_JSON;
		return -1;
	}
	if (root->kind != VAL_LIST)
		return -1;
	size_t numbered = 0, prioritized = 0;
	for (size_t i = 0; i < root->u.list.len; i++) {
		numbered += value_get(root->u.list.items[i], "numero") != NULL;
		prioritized += value_get(root->u.list.items[i], "priorite") != NULL;
	}
	if (root->u.list.len == 0 || prioritized)
		return REF_RGESN_2024;
	return numbered ? REF_RGESN_2023 : -1;
}

void ref_json_read(ref_builder_t *b, const value_t *root)
{
	jctx_t c = {b, b->r->source, b->d, b->r->profile};
	switch (b->r->format) {
	case REF_RGESN_2024: read_rgesn(&c, root, true); break;
	case REF_RGESN_2023: read_rgesn(&c, root, false); break;
	case REF_EXPORT_JSON: read_export(&c, root); break;
	case REF_NUMECODIAG: read_numecodiag(&c, root); break;
	default: break;
	}
}

void ref_json_syntax_diags(diag_list_t *d, size_t from)
{
	for (size_t i = from; i < d->len; i++) {
		diag_t *x = &d->items[i];
		if (!x->rule || strcmp(x->rule, "yaml-syntax") != 0)
			continue;
		free(x->rule);
		x->rule = xstrdup("json-syntax");
		if (strncmp(x->msg, "invalid YAML", 12) == 0)
			memcpy(x->msg + 8, "JSON", 4);
		free(x->hint);
		x->hint = xstrdup(strncmp(x->msg, "duplicate key", 13) == 0
					  ? "keep one of the two: an object has each key once"
					  : "JSON wants \"key\": value pairs separated by commas, text in double quotes, "
					    "and every [ and { closed");
	}
}
