/* indicator: type inference, value validation, the guide indicators kept in
 * line with each import, custom indicators, edits and measurements. The
 * inference reads folded wording (no case, no accents) so
 * "Durée", "durée" and "Duree" agree; units are read from the original text,
 * where case matters ("To" is a unit, "to" is not). */
#include "steer/indicator.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "steer/input.h"
#include "steer/practice.h"
#include "util/fold.h"
#include "util/xalloc.h"

static const char *const type_names[IND_NTYPES] = {"yesno", "percent", "quantity", "text"};
static const char *const type_labels[IND_NTYPES] = {"oui / non", "pourcentage", "quantité", "texte"};

const char *indicator_type_name(ind_type_t t)
{
	return (unsigned)t < IND_NTYPES ? type_names[t] : "text";
}

const char *indicator_type_label(ind_type_t t)
{
	return (unsigned)t < IND_NTYPES ? type_labels[t] : "texte";
}

int indicator_type_parse(const char *s)
{
	static const struct {
		const char *key;
		ind_type_t t;
	} aliases[] = {
		{"yesno", IND_YESNO},       {"yes/no", IND_YESNO},      {"yes no", IND_YESNO},
		{"oui/non", IND_YESNO},     {"oui non", IND_YESNO},     {"bool", IND_YESNO},
		{"boolean", IND_YESNO},     {"percent", IND_PERCENT},   {"percentage", IND_PERCENT},
		{"pourcentage", IND_PERCENT}, {"%", IND_PERCENT},       {"quantity", IND_QUANTITY},
		{"quantite", IND_QUANTITY}, {"number", IND_QUANTITY},   {"nombre", IND_QUANTITY},
		{"text", IND_TEXT},         {"texte", IND_TEXT},        {"free text", IND_TEXT},
	};
	buf_t k = BUF_INIT;
	fold_key(s, &k);
	int found = -1;
	for (size_t i = 0; i < sizeof aliases / sizeof *aliases && found < 0; i++)
		if (strcmp(buf_cstr(&k), aliases[i].key) == 0)
			found = (int)aliases[i].t;
	/* "oui / non" folds to "oui / non": accept any spacing around '/'. */
	if (found < 0) {
		buf_t c = BUF_INIT;
		for (const char *p = buf_cstr(&k); *p; p++)
			if (*p != ' ')
				buf_putc(&c, *p);
		if (strcmp(buf_cstr(&c), "oui/non") == 0 || strcmp(buf_cstr(&c), "yes/no") == 0)
			found = IND_YESNO;
		buf_free(&c);
	}
	buf_free(&k);
	return found;
}

/* --- inference -------------------------------------------------------- */

/* Units as guides write them, longest first so "kg eqCO2" wins over a bare
 * "kg". Matched as whole words of the original wording. */
static const char *const units[] = {
	"kg eqCO2", "kg eq CO2", "kg CO2e", "T eq CO2", "t eq CO2", "t eqCO2", "T eqCO2", "tCO2e",
	"kg eq Sb", "kWh", "MWh", "GWh", "Go", "To", "Mo", "Ko", "ko", "m²", "m2", "°C", "ETP", "€",
};

static bool word_boundary_before(const char *text, const char *at)
{
	if (at == text)
		return true;
	unsigned char c = (unsigned char)at[-1];
	return c == ' ' || c == '(' || c == '\t' || c == '/' || (c == 0xa0 && at - text >= 2);
}

static bool word_boundary_after(const char *p)
{
	unsigned char c = (unsigned char)*p;
	return c == '\0' || c == ' ' || c == ')' || c == ',' || c == '.' || c == ':' || c == ';' || c == '/' ||
	       c == 0xc2 || c == '\t';
}

/* The unit starting exactly at p (whole word), or NULL. */
static const char *unit_at(const char *text, const char *p)
{
	if (!word_boundary_before(text, p))
		return NULL;
	for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
		size_t n = strlen(units[i]);
		if (strncmp(p, units[i], n) == 0 && word_boundary_after(p + n))
			return units[i];
	}
	return NULL;
}

/* Distinct units mentioned anywhere in text; the first goes to *first. */
static size_t find_units(const char *text, const char **first)
{
	const char *seen[8];
	size_t n = 0;
	*first = NULL;
	for (const char *p = text; *p; p++) {
		const char *u = unit_at(text, p);
		if (!u)
			continue;
		bool dup = false;
		for (size_t i = 0; i < n; i++)
			dup |= seen[i] == u;
		if (!dup && n < 8)
			seen[n++] = u;
		if (!*first)
			*first = u;
		p += strlen(u) - 1;
	}
	return n;
}

/* "(en X)" naming a unit: X starts with a known unit or is one or two
 * words ("(en mois)", "(en kg eqCO2 par collaborateur)"); a longer phrase
 * is an explanation, not a unit. */
static bool explicit_unit(const char *text, buf_t *unit)
{
	for (const char *p = strstr(text, "(en "); p; p = strstr(p + 1, "(en ")) {
		const char *a = p + 4, *b = strchr(a, ')');
		if (!b || b == a)
			continue;
		size_t words = 1;
		for (const char *q = a; q < b; q++)
			words += *q == ' ';
		if (unit_at(text, a) || words <= 2) {
			buf_put(unit, a, (size_t)(b - a));
			return true;
		}
	}
	return false;
}

static bool has_word(const char *const *set, size_t n, const char *w, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(set[i]) == len && strncmp(set[i], w, len) == 0)
			return true;
	return false;
}

/* "oui / non", "OUI/NON", "Oui / Non" once folded. */
static bool says_yes_no(const char *f)
{
	for (const char *p = strstr(f, "oui"); p; p = strstr(p + 1, "oui")) {
		const char *q = p + 3;
		while (*q == ' ')
			q++;
		if (*q != '/')
			continue;
		q++;
		while (*q == ' ')
			q++;
		if (strncmp(q, "non", 3) == 0)
			return true;
	}
	return false;
}

ind_type_t indicator_infer(const char *wording, buf_t *unit)
{
	static const char *const percent_heads[] = {"%", "pourcentage", "part", "taux", "proportion"};
	static const char *const yesno_heads[] = {"existence", "presence"};
	static const char *const quantity_heads[] = {
		"nombre", "quantite", "quantification", "duree", "poids", "volume", "indice", "score", "temps",
		"temperature", "frequence", "moyenne", "trafic", "dimensionnement", "consommation", "montant",
		"kwh", "mwh", "gwh", "go", "to",
	};
	buf_t f = BUF_INIT;
	ind_type_t t = IND_TEXT;
	fold_key(wording, &f);
	const char *s = buf_cstr(&f);
	size_t head = 0;
	/* The head word: up to a space or punctuation; a leading '%' alone. */
	if (s[0] == '%')
		head = 1;
	else
		while (s[head] && s[head] != ' ' && s[head] != '\'' && s[head] != ',' && s[head] != ':' &&
		       s[head] != '(')
			head++;
	const char *first = NULL;
	size_t nunits = find_units(wording, &first);
	if (says_yes_no(s) || has_word(yesno_heads, 2, s, head)) {
		t = IND_YESNO;
	} else if (has_word(percent_heads, 5, s, head) || strstr(s, "(%)")) {
		t = IND_PERCENT;
	} else if (has_word(quantity_heads, sizeof quantity_heads / sizeof *quantity_heads, s, head) ||
		   strstr(s, "effectiveness") || strstr(s, "factor") || strstr(s, "coefficient")) {
		t = IND_QUANTITY;
		if (!explicit_unit(wording, unit)) {
			if (first)
				buf_puts(unit, first);
			else if (head == 11 && strncmp(s, "temperature", 11) == 0)
				buf_puts(unit, "°C");
		}
	} else if (nunits == 1 || (nunits == 0 && explicit_unit(wording, unit))) {
		/* One unit in an otherwise unknown phrasing: a quantity in it. Two
		 * units ("in t eqCO2 and in kg eq Sb") need two values: text. */
		t = IND_QUANTITY;
		if (nunits == 1 && !explicit_unit(wording, unit))
			buf_puts(unit, first);
	}
	buf_free(&f);
	return t;
}

/* --- values ----------------------------------------------------------- */

static bool numeric_char(char c)
{
	return (c >= '0' && c <= '9') || c == '.' || c == ',';
}

/* s without a trailing suffix (case-insensitive, after optional spaces). A
 * unit that starts like a number ("2 roues", "0") is only taken off after a
 * space: with a unit "0", "100" is 100, not 10 and "0". */
static char *strip_suffix(const char *s, const char *suffix)
{
	char *t = input_trim(s);
	size_t n = strlen(t), k = strlen(suffix);
	if (k && n > k && strcasecmp(t + n - k, suffix) == 0 &&
	    !(numeric_char(suffix[0]) && numeric_char(t[n - k - 1]))) {
		t[n - k] = '\0';
		char *u = input_trim(t);
		free(t);
		return u;
	}
	return t;
}

/* input_number refuses a number of more than INPUT_MAX_NUMBER digits as it
 * refuses text: the message says which. */
static const char too_many_digits_why[] = "has more than 40 digits";

static bool too_many_digits(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s >= '0' && *s <= '9';
	return n > INPUT_MAX_NUMBER;
}

const char *indicator_check_value(ind_type_t t, const char *unit, const char *value, buf_t *canon)
{
	char num[INPUT_NUMBER_CAP];
	double v;
	buf_reset(canon);
	char *trimmed = input_trim(value);
	const char *why = NULL;
	switch (t) {
	case IND_YESNO: {
		static const char *const yes[] = {"oui", "yes", "true", "1", "vrai", "o", "y"};
		static const char *const no[] = {"non", "no", "false", "0", "faux", "n"};
		buf_t k = BUF_INIT;
		fold_key(trimmed, &k);
		for (size_t i = 0; i < sizeof yes / sizeof *yes && !canon->len; i++)
			if (strcmp(buf_cstr(&k), yes[i]) == 0)
				buf_puts(canon, "oui");
		for (size_t i = 0; i < sizeof no / sizeof *no && !canon->len; i++)
			if (strcmp(buf_cstr(&k), no[i]) == 0)
				buf_puts(canon, "non");
		buf_free(&k);
		if (!canon->len)
			why = "is not a yes/no answer (use oui or non; yes/no, true/false and 1/0 are accepted too)";
		break;
	}
	case IND_PERCENT: {
		char *n = strip_suffix(trimmed, "%");
		bool ok = input_number(n, num, sizeof num, &v);
		if (!ok && too_many_digits(n))
			why = too_many_digits_why;
		else if (!ok)
			why = "is not a percentage (a number from 0 to 100, e.g. 42 or 42,5)";
		else if (v < 0 || v > 100)
			why = "is outside 0-100: a percentage is between 0 and 100 (give 42 for 42 %, not 0.42 or 4200)";
		else
			buf_puts(canon, num);
		free(n);
		break;
	}
	case IND_QUANTITY: {
		char *n = strip_suffix(trimmed, unit ? unit : "");
		bool ok = input_number(n, num, sizeof num, &v);
		if (!ok && too_many_digits(n))
			why = too_many_digits_why;
		else if (!ok)
			why = unit && *unit ? "is not a number (e.g. 1250 or 12,5; the unit may follow)"
					    : "is not a number (e.g. 1250 or 12,5)";
		else
			buf_puts(canon, num);
		free(n);
		break;
	}
	default:
		if (!*trimmed)
			why = "is empty";
		else if ((why = input_text_problem(trimmed, INPUT_MAX_TEXT, true)) == NULL)
			buf_puts(canon, trimmed);
		break;
	}
	free(trimmed);
	return why;
}

bool indicator_footprint_unit(const char *unit)
{
	static const char *const footprint_units[] = {
		"kgco2e", "kgco2eq", "tco2e", "tco2eq", "gco2e", "gco2eq", "kgeqco2", "teqco2", "kgco2",  "tco2",
		"wh",     "kwh",     "mwh",   "gwh",    "m3",    "litres", "l",       "kg",      "t",      "tonnes",
		"equipements", "terminaux", "postes", "serveurs", "appareils", "ordinateurs", "ecrans", "smartphones",
	};
	buf_t k = BUF_INIT, compact = BUF_INIT;
	fold_key(unit ? unit : "", &k);
	for (const char *p = buf_cstr(&k); *p; p++)
		if (*p != ' ' && *p != '-' && *p != '_' && *p != '.')
			buf_putc(&compact, *p);
	bool yes = false;
	for (size_t i = 0; i < sizeof footprint_units / sizeof *footprint_units && !yes; i++)
		yes = strcmp(buf_cstr(&compact), footprint_units[i]) == 0;
	buf_free(&k);
	buf_free(&compact);
	return yes;
}

/* --- database --------------------------------------------------------- */

typedef struct {
	long long id;
	int num;
	char *name, *unit, *target, *target_date, *direction;
	ind_type_t type;
	bool custom, archived;
	int footprint; /* -1: untagged (the unit says), 0, 1 */
} row_t;

static void row_free(row_t *r)
{
	free(r->name);
	free(r->unit);
	free(r->target);
	free(r->target_date);
	free(r->direction);
	memset(r, 0, sizeof *r);
}

/* footprint_col: where the query has i.footprint (each query selects it
 * last). */
static void row_read(const store_query_t *q, row_t *r, int footprint_col)
{
	r->id = store_col_int(q, 0);
	r->num = (int)store_col_int(q, 1);
	r->name = store_col_dup(q, 2);
	int t = indicator_type_parse(store_col_text(q, 3));
	r->type = t < 0 ? IND_TEXT : (ind_type_t)t;
	r->unit = store_col_dup(q, 4);
	r->target = store_col_dup(q, 5);
	r->target_date = store_col_dup(q, 6);
	r->direction = store_col_dup(q, 7);
	const char *origin = store_col_text(q, 8);
	r->custom = origin && strcmp(origin, "custom") == 0;
	r->archived = !store_col_null(q, 9);
	r->footprint = store_col_null(q, footprint_col) ? -1 : (int)store_col_int(q, footprint_col);
}

#define ROW_COLUMNS "id, num, name, type, unit, target, target_date, direction, origin, archived_version, footprint"

/* Every indicator of a practice, by number. */
static steer_rc load_rows(store_t *s, long long practice_id, row_t **rows, size_t *n, diag_list_t *d)
{
	store_query_t *q = store_query(s, "SELECT " ROW_COLUMNS " FROM indicator WHERE practice_id = ? ORDER BY num");
	size_t cap = 0;
	*rows = NULL;
	*n = 0;
	store_bind_int(q, 1, practice_id);
	while (store_next(q)) {
		*rows = xgrow(*rows, &cap, *n + 1, sizeof **rows);
		row_read(q, &(*rows)[(*n)++], 10);
	}
	return store_end(q, d, "reading the indicators");
}

static void rows_free(row_t *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		row_free(&rows[i]);
	free(rows);
}

static void list_candidates(buf_t *hint, const row_t *rows, size_t n)
{
	buf_puts(hint, "the indicators are:");
	for (size_t i = 0; i < n; i++)
		if (!rows[i].archived)
			buf_printf(hint, "\n    %d: %s", rows[i].num, rows[i].name);
}

/* Checks the spec's optional fields against type t; fills the canonical
 * target. */
/* A footprint tag as typed ("oui", "non", "yes"...; "": untagged) as
 * stored: 1, 0, -1 (NULL). */
static int footprint_of(const char *typed)
{
	buf_t canon = BUF_INIT;
	int v = -1;
	if (*typed && !indicator_check_value(IND_YESNO, "", typed, &canon))
		v = strcmp(buf_cstr(&canon), "oui") == 0;
	buf_free(&canon);
	return v;
}

static const char *footprint_text(int v)
{
	return v < 0 ? NULL : v ? "oui" : "non";
}

static steer_rc check_spec(const indicator_spec_t *spec, ind_type_t t, const char *unit, buf_t *target,
			   char target_date[11], diag_list_t *d)
{
	const char *why;
	if (spec->footprint && *spec->footprint && footprint_of(spec->footprint) < 0)
		return store_refuse(d, "bad-footprint", "answer oui or non, or \"\" to let the unit say",
				    "'%s' is not a yes/no answer for --footprint", spec->footprint);
	if (spec->unit && (why = input_text_problem(spec->unit, INPUT_MAX_NAME, false)))
		return store_refuse(d, "bad-unit", NULL, "the unit %s", why);
	if (spec->target && *spec->target && (why = indicator_check_value(t, unit, spec->target, target)))
		return store_refuse(d, "bad-target", "the target is a value of the indicator's type",
			      "the target '%s' %s", spec->target, why);
	if (spec->target_date && *spec->target_date && !input_date(spec->target_date, target_date))
		return store_refuse(d, "bad-date", "write dates as YYYY-MM-DD, e.g. 2026-12-31",
			      "the target date '%s' is not a valid date", spec->target_date);
	if (spec->direction && *spec->direction && strcmp(spec->direction, "up") && strcmp(spec->direction, "down"))
		return store_refuse(d, "bad-direction", "use up (higher is better) or down (lower is better)",
			      "'%s' is not a direction", spec->direction);
	return STEER_OK;
}

static steer_rc check_name(const char *name, diag_list_t *d)
{
	const char *why;
	char *t = input_trim(name);
	bool empty = !*t;
	free(t);
	if (empty)
		return store_refuse(d, "bad-name", "say what is measured, e.g. --name \"Nombre de PC reconditionnés achetés\"",
			      "the indicator needs a name");
	if ((why = input_text_problem(name, INPUT_MAX_TEXT, false)))
		return store_refuse(d, "bad-name", NULL, "the indicator's name %s", why);
	return STEER_OK;
}

steer_rc indicator_add(store_t *s, const char *idbp, const indicator_spec_t *spec, int *num, diag_list_t *d)
{
	practice_ref_t ref;
	steer_rc rc;
	buf_t target = BUF_INIT, unit = BUF_INIT, label = BUF_INIT;
	char tdate[11] = "";
	*num = 0;
	if ((rc = store_require_tx(s, d)) || (rc = practice_find(s, idbp, false, &ref, d)))
		goto cleanup;
	if (!spec->name) {
		rc = check_name("", d);
		goto cleanup;
	}
	if ((rc = check_name(spec->name, d)))
		goto cleanup;
	char *name = input_trim(spec->name);
	ind_type_t t;
	if (spec->type) {
		int p = indicator_type_parse(spec->type);
		if (p < 0) {
			free(name);
			rc = store_refuse(d, "bad-type", "use yesno, percent, quantity or text", "'%s' is not an indicator type",
				    spec->type);
			goto cleanup;
		}
		t = (ind_type_t)p;
		if (!spec->unit && t == IND_QUANTITY)
			indicator_infer(name, &unit);
	} else {
		t = indicator_infer(name, &unit);
	}
	if (spec->unit) {
		buf_reset(&unit);
		buf_puts(&unit, spec->unit);
	}
	if ((rc = check_spec(spec, t, buf_cstr(&unit), &target, tdate, d))) {
		free(name);
		goto cleanup;
	}
	long long next;
	store_query_t *q = store_query(s, "SELECT coalesce(max(num), 0) + 1 FROM indicator WHERE practice_id = ?");
	store_bind_int(q, 1, ref.id);
	if ((rc = store_scalar(q, 1, &next, d, "adding the indicator"))) {
		free(name);
		goto cleanup;
	}
	*num = (int)next;
	q = store_query(s, "INSERT INTO indicator(practice_id, num, name, origin, type, unit, target, target_date, "
			   "direction, footprint) VALUES (?, ?, ?, 'custom', ?, ?, ?, ?, ?, ?)");
	store_bind_int(q, 1, ref.id);
	store_bind_int(q, 2, *num);
	store_bind_text(q, 3, name);
	store_bind_text(q, 4, indicator_type_name(t));
	store_bind_text(q, 5, buf_cstr(&unit));
	store_bind_text(q, 6, target.len ? buf_cstr(&target) : NULL);
	store_bind_text(q, 7, *tdate ? tdate : NULL);
	store_bind_text(q, 8, spec->direction && *spec->direction ? spec->direction : NULL);
	if (spec->footprint && footprint_of(spec->footprint) >= 0)
		store_bind_int(q, 9, footprint_of(spec->footprint));
	if ((rc = store_exec(q, d, "adding the indicator"))) {
		free(name);
		goto cleanup;
	}
	buf_printf(&label, "indicator %d", *num);
	buf_t what = BUF_INIT;
	buf_printf(&what, "%s (%s%s%s)", name, indicator_type_name(t), unit.len ? ", " : "", buf_cstr(&unit));
	rc = store_log(s, ref.idbp, buf_cstr(&label), NULL, buf_cstr(&what), d);
	buf_free(&what);
	free(name);
cleanup:
	buf_free(&target);
	buf_free(&unit);
	buf_free(&label);
	return rc;
}

steer_rc indicator_sync_guide(store_t *s, long long practice_id, const char *idbp, char *const *wordings, size_t n,
			     long long version_id, bool log, size_t *added, size_t *archived, diag_list_t *d)
{
	row_t *rows = NULL;
	size_t nrows = 0;
	bool *matched = NULL;
	int maxnum = 0;
	steer_rc rc;
	buf_t unit = BUF_INIT, field = BUF_INIT;
	if ((rc = load_rows(s, practice_id, &rows, &nrows, d)))
		goto cleanup;
	matched = xcalloc(nrows + 1, sizeof *matched);
	for (size_t i = 0; i < nrows; i++)
		if (rows[i].num > maxnum)
			maxnum = rows[i].num;
	for (size_t k = 0; k < n && !rc; k++) {
		row_t *hit = NULL;
		for (size_t i = 0; i < nrows && !hit; i++)
			if (!rows[i].custom && !matched[i] && strcmp(rows[i].name, wordings[k]) == 0) {
				hit = &rows[i];
				matched[i] = true;
			}
		if (hit) {
			if (!hit->archived)
				continue;
			store_query_t *q = store_query(s, "UPDATE indicator SET archived_version = NULL WHERE id = ?");
			store_bind_int(q, 1, hit->id);
			if ((rc = store_exec(q, d, "restoring an indicator")))
				break;
			buf_reset(&field);
			buf_printf(&field, "indicator %d", hit->num);
			rc = store_log(s, idbp, buf_cstr(&field), "archived", "back in the guide", d);
			continue;
		}
		buf_reset(&unit);
		ind_type_t t = indicator_infer(wordings[k], &unit);
		store_query_t *q = store_query(s, "INSERT INTO indicator(practice_id, num, name, origin, type, unit) "
						  "VALUES (?, ?, ?, 'guide', ?, ?)");
		store_bind_int(q, 1, practice_id);
		store_bind_int(q, 2, ++maxnum);
		store_bind_text(q, 3, wordings[k]);
		store_bind_text(q, 4, indicator_type_name(t));
		store_bind_text(q, 5, buf_cstr(&unit));
		if ((rc = store_exec(q, d, "adding an indicator")))
			break;
		if (log) {
			(*added)++;
			buf_reset(&field);
			buf_printf(&field, "indicator %d", maxnum);
			rc = store_log(s, idbp, buf_cstr(&field), NULL, wordings[k], d);
		}
	}
	for (size_t i = 0; i < nrows && !rc; i++) {
		if (rows[i].custom || matched[i] || rows[i].archived)
			continue;
		store_query_t *q = store_query(s, "UPDATE indicator SET archived_version = ? WHERE id = ?");
		store_bind_int(q, 1, version_id);
		store_bind_int(q, 2, rows[i].id);
		if ((rc = store_exec(q, d, "archiving an indicator")))
			break;
		(*archived)++;
		buf_reset(&field);
		buf_printf(&field, "indicator %d", rows[i].num);
		rc = store_log(s, idbp, buf_cstr(&field), rows[i].name, "archived (no longer in the guide)", d);
	}
cleanup:
	rows_free(rows, nrows);
	free(matched);
	buf_free(&unit);
	buf_free(&field);
	return rc;
}

/* Sets one column of an indicator when it changes, with its history row. */
static steer_rc set_field(store_t *s, const char *idbp, const row_t *r, const char *column, const char *label,
			  const char *old_value, const char *new_value, diag_list_t *d)
{
	if ((!old_value && !new_value) || (old_value && new_value && strcmp(old_value, new_value) == 0))
		return STEER_OK;
	/* column comes from the fixed list below, never from input. */
	static const char *const sql[] = {
		"UPDATE indicator SET name = ? WHERE id = ?",
		"UPDATE indicator SET type = ? WHERE id = ?",
		"UPDATE indicator SET unit = ? WHERE id = ?",
		"UPDATE indicator SET target = ? WHERE id = ?",
		"UPDATE indicator SET target_date = ? WHERE id = ?",
		"UPDATE indicator SET direction = ? WHERE id = ?",
		"UPDATE indicator SET footprint = ? WHERE id = ?",
	};
	static const char *const cols[] = {"name", "type", "unit", "target", "target_date", "direction", "footprint"};
	const char *q = NULL;
	for (size_t i = 0; i < sizeof cols / sizeof *cols; i++)
		if (strcmp(cols[i], column) == 0)
			q = sql[i];
	if (!q) {
		diag_add(d, DIAG_ERROR, store_name(s), 0, 0, STORE_CAUSE_OTHER, "internal error: no column %s", column);
		return STEER_IO;
	}
	store_query_t *u = store_query(s, q);
	/* unit is NOT NULL: cleared means "". */
	if (strcmp(column, "footprint") == 0 && new_value)
		store_bind_int(u, 1, footprint_of(new_value));
	else
		store_bind_text(u, 1, new_value ? new_value : strcmp(column, "unit") == 0 ? "" : NULL);
	store_bind_int(u, 2, r->id);
	steer_rc rc = store_exec(u, d, "saving the indicator");
	if (rc)
		return rc;
	buf_t field = BUF_INIT;
	buf_printf(&field, "indicator %d %s", r->num, label);
	rc = store_log(s, idbp, buf_cstr(&field), old_value, new_value, d);
	buf_free(&field);
	return rc;
}

/* Re-validates the recorded values under a new type; rewrites them in its
 * canonical form (logged), or refuses naming the first that does not fit. */
static steer_rc retype_values(store_t *s, const char *idbp, const row_t *r, ind_type_t t, const char *unit,
			      diag_list_t *d)
{
	typedef struct {
		long long id;
		char *period, *old, *canon;
	} change_t;
	change_t *ch = NULL;
	size_t n = 0, cap = 0;
	steer_rc rc = STEER_OK;
	buf_t canon = BUF_INIT;
	store_query_t *q = store_query(s, "SELECT id, period, value FROM measurement WHERE indicator_id = ? ORDER BY \"end\"");
	store_bind_int(q, 1, r->id);
	while (store_next(q)) {
		const char *v = store_col_text(q, 2);
		const char *why = indicator_check_value(t, unit, v, &canon);
		if (why) {
			rc = store_refuse(d, "type-mismatch", "correct that measurement first (sobre measure ... --date PERIOD --value V), or keep the type",
					  "indicator %d cannot become %s: its value '%s' for %s %s", r->num,
					  indicator_type_name(t), v, store_col_text(q, 1), why);
			break;
		}
		if (strcmp(v, buf_cstr(&canon)) != 0) {
			ch = xgrow(ch, &cap, n + 1, sizeof *ch);
			ch[n].id = store_col_int(q, 0);
			ch[n].period = store_col_dup(q, 1);
			ch[n].old = xstrdup(v);
			ch[n].canon = xstrdup(buf_cstr(&canon));
			n++;
		}
	}
	steer_rc end = store_end(q, d, "checking the measurements"); /* the refusal breaks out on a row */
	if (!rc)
		rc = end;
	for (size_t i = 0; i < n && !rc; i++) {
		store_query_t *u = store_query(s, "UPDATE measurement SET value = ? WHERE id = ?");
		store_bind_text(u, 1, ch[i].canon);
		store_bind_int(u, 2, ch[i].id);
		if (!(rc = store_exec(u, d, "converting a measurement"))) {
			buf_t f = BUF_INIT;
			buf_printf(&f, "measure %d %s", r->num, ch[i].period);
			rc = store_log(s, idbp, buf_cstr(&f), ch[i].old, ch[i].canon, d);
			buf_free(&f);
		}
	}
	for (size_t i = 0; i < n; i++) {
		free(ch[i].period);
		free(ch[i].old);
		free(ch[i].canon);
	}
	free(ch);
	buf_free(&canon);
	return rc;
}

steer_rc indicator_edit(store_t *s, const char *idbp, int num, const indicator_spec_t *spec, diag_list_t *d)
{
	practice_ref_t ref;
	row_t *rows = NULL, *r = NULL;
	size_t n = 0;
	steer_rc rc;
	buf_t target = BUF_INIT, hint = BUF_INIT;
	char tdate[11] = "";
	if ((rc = store_require_tx(s, d)) || (rc = practice_find(s, idbp, false, &ref, d)) ||
	    (rc = load_rows(s, ref.id, &rows, &n, d)))
		goto cleanup;
	for (size_t i = 0; i < n; i++)
		if (rows[i].num == num)
			r = &rows[i];
	if (!r || r->archived) {
		list_candidates(&hint, rows, n);
		rc = store_refuse(d, "unknown-indicator", buf_cstr(&hint), "practice %s has no %sindicator %d", ref.idbp,
			    r ? "current " : "", num);
		goto cleanup;
	}
	ind_type_t t = r->type;
	if (spec->type) {
		int p = indicator_type_parse(spec->type);
		if (p < 0) {
			rc = store_refuse(d, "bad-type", "use yesno, percent, quantity or text", "'%s' is not an indicator type",
				    spec->type);
			goto cleanup;
		}
		t = (ind_type_t)p;
	}
	if (spec->name && !r->custom) {
		rc = store_refuse(d, "guide-indicator", "add your own wording as a custom indicator: sobre indicator add ID --name TEXT",
			    "indicator %d comes from the guide: its name follows the guide", num);
		goto cleanup;
	}
	if (spec->name && (rc = check_name(spec->name, d)))
		goto cleanup;
	const char *unit = spec->unit ? spec->unit : r->unit;
	if ((rc = check_spec(spec, t, unit, &target, tdate, d)))
		goto cleanup;
	/* A target kept across a type change must still fit the new type. */
	if (t != r->type && !spec->target && r->target) {
		buf_t tmp = BUF_INIT;
		const char *why = indicator_check_value(t, unit, r->target, &tmp);
		buf_free(&tmp);
		if (why) {
			rc = store_refuse(d, "bad-target", "give a new target with --target, or clear it with --target \"\"",
				    "the current target '%s' %s for a %s indicator", r->target, why, indicator_type_name(t));
			goto cleanup;
		}
	}
	if (t != r->type && (rc = retype_values(s, ref.idbp, r, t, unit, d)))
		goto cleanup;
	char *name = spec->name ? input_trim(spec->name) : NULL;
	if (name && (rc = set_field(s, ref.idbp, r, "name", "name", r->name, name, d)))
		goto done;
	if ((rc = set_field(s, ref.idbp, r, "type", "type", indicator_type_name(r->type), indicator_type_name(t), d)))
		goto done;
	if (spec->unit && (rc = set_field(s, ref.idbp, r, "unit", "unit", r->unit, spec->unit, d)))
		goto done;
	if (spec->target && (rc = set_field(s, ref.idbp, r, "target", "target", r->target,
					    target.len ? buf_cstr(&target) : NULL, d)))
		goto done;
	if (spec->target_date && (rc = set_field(s, ref.idbp, r, "target_date", "target date", r->target_date,
						 *tdate ? tdate : NULL, d)))
		goto done;
	if (spec->direction && (rc = set_field(s, ref.idbp, r, "direction", "direction", r->direction,
					       *spec->direction ? spec->direction : NULL, d)))
		goto done;
	if (spec->footprint)
		rc = set_field(s, ref.idbp, r, "footprint", "footprint", footprint_text(r->footprint),
			       footprint_text(footprint_of(spec->footprint)), d);
done:
	free(name);
cleanup:
	rows_free(rows, n);
	buf_free(&target);
	buf_free(&hint);
	return rc;
}

void indicator_due_since(const char *today, char since[11], char label[11])
{
	input_period_t q, prev;
	input_quarter_of(today, &q);
	input_previous_quarter(&q, &prev);
	memcpy(since, prev.start, 11);
	memcpy(label, prev.text, 11);
}

void measurement_free(measurement_t *m)
{
	free(m->period);
	free(m->start);
	free(m->end);
	free(m->value);
	free(m->source);
	free(m->comment);
	free(m->recorded_at);
	free(m->recorded_by);
}

void indicator_list_free(indicator_list_t *l)
{
	for (size_t i = 0; i < l->len; i++) {
		indicator_t *x = &l->items[i];
		free(x->idbp);
		free(x->practice_title);
		free(x->name);
		free(x->unit);
		free(x->target);
		free(x->target_date);
		free(x->direction);
		for (size_t j = 0; j < x->nmeasures; j++)
			measurement_free(&x->measures[j]);
		free(x->measures);
	}
	free(l->items);
	memset(l, 0, sizeof *l);
}

/* A measurement from the 8 columns period, start, end, value, source,
 * comment, recorded_at, recorded_by of q starting at col. */
void measurement_read(const store_query_t *q, int col, measurement_t *m)
{
	char **fields[] = {&m->period, &m->start, &m->end, &m->value, &m->source, &m->comment, &m->recorded_at,
			   &m->recorded_by};
	for (int i = 0; i < 8; i++)
		*fields[i] = store_col_dup(q, col + i);
}

/* An indicator of a list from its row (the strings are taken). */
static void indicator_from_row(indicator_t *x, const row_t *row)
{
	memset(x, 0, sizeof *x);
	x->num = row->num;
	x->name = row->name;
	x->type = row->type;
	x->unit = row->unit;
	x->target = row->target;
	x->target_date = row->target_date;
	x->direction = row->direction;
	x->custom = row->custom;
	x->footprint = row->footprint < 0 ? indicator_footprint_unit(row->unit) : row->footprint == 1;
}

static steer_rc load_measures(store_t *s, long long indicator_id, size_t last, indicator_t *x, diag_list_t *d)
{
	store_query_t *q = store_query(s, "SELECT period, start, \"end\", value, source, comment, recorded_at, recorded_by "
					  "FROM measurement WHERE indicator_id = ? ORDER BY \"end\" DESC, start DESC LIMIT ?");
	store_bind_int(q, 1, indicator_id);
	store_bind_int(q, 2, (long long)last);
	size_t cap = 0;
	while (store_next(q)) {
		x->measures = xgrow(x->measures, &cap, x->nmeasures + 1, sizeof *x->measures);
		measurement_read(q, 0, &x->measures[x->nmeasures++]);
	}
	return store_end(q, d, "reading the measurements");
}

steer_rc indicator_list(store_t *s, const char *idbp, size_t last, indicator_list_t *out, diag_list_t *d)
{
	steer_rc rc;
	practice_ref_t ref;
	long long version;
	char today[11], since[11], label[11];
	long long *ids = NULL; /* the database id of each item */
	size_t cap = 0, nids = 0;
	memset(out, 0, sizeof *out);
	if ((rc = store_require_tx(s, d)) || (rc = store_require_version(s, &version, d)))
		return rc;
	if (idbp && (rc = practice_find(s, idbp, true, &ref, d)))
		return rc;
	store_today(s, today);
	indicator_due_since(today, since, label);
	store_query_t *q = idbp
		? store_query(s, "SELECT i.id, i.num, i.name, i.type, i.unit, i.target, i.target_date, i.direction, "
				"i.origin, i.archived_version, p.removed_version, p.idbp, c.title, "
				"(SELECT max(\"end\") FROM measurement m WHERE m.indicator_id = i.id), i.footprint "
				"FROM indicator i JOIN practice p ON p.id = i.practice_id "
				"JOIN practice_copy c ON c.id = p.copy_id WHERE p.id = ? ORDER BY i.num")
		: store_query(s, "SELECT i.id, i.num, i.name, i.type, i.unit, i.target, i.target_date, i.direction, "
				"i.origin, i.archived_version, p.removed_version, p.idbp, c.title, "
				"(SELECT max(\"end\") FROM measurement m WHERE m.indicator_id = i.id), i.footprint "
				"FROM indicator i JOIN practice p ON p.id = i.practice_id "
				"JOIN practice_copy c ON c.id = p.copy_id WHERE p.perimeter_id = ? AND p.referentiel_id = ? "
				"AND p.removed_version IS NULL AND i.archived_version IS NULL "
				"ORDER BY c.seq, i.num");
	if (idbp)
		store_bind_int(q, 1, ref.id);
	else
		store_bind_scope(q, 1);
	while (store_next(q)) {
		row_t row;
		row_read(q, &row, 14);
		out->items = xgrow(out->items, &cap, out->len + 1, sizeof *out->items);
		indicator_t *x = &out->items[out->len++];
		indicator_from_row(x, &row);
		ids = xrealloc(ids, (nids + 1) * sizeof *ids);
		ids[nids++] = row.id;
		x->archived = row.archived || !store_col_null(q, 10);
		x->idbp = store_col_dup(q, 11);
		x->practice_title = store_col_dup(q, 12);
		const char *latest = store_col_text(q, 13);
		x->due = !x->archived && (!latest || strcmp(latest, since) < 0);
	}
	if ((rc = store_end(q, d, "reading the indicators")))
		goto cleanup;
	for (size_t i = 0; i < nids && last && !rc; i++)
		rc = load_measures(s, ids[i], last, &out->items[i], d);
cleanup:
	free(ids);
	if (rc)
		indicator_list_free(out);
	return rc;
}

steer_rc indicator_measured(store_t *s, size_t last, indicator_list_t *out, diag_list_t *d)
{
	steer_rc rc;
	char today[11], since[11], label[11];
	size_t cap = 0, mcap = 0;
	long long prev = 0;
	memset(out, 0, sizeof *out);
	if ((rc = store_require_tx(s, d)))
		return rc;
	store_today(s, today);
	indicator_due_since(today, since, label);
	store_query_t *q = store_query(
		s, "SELECT i.id, i.num, i.name, i.type, i.unit, i.target, i.target_date, i.direction, i.origin, "
		   "i.archived_version, p.idbp, c.title, m.period, m.start, m.\"end\", m.value, m.source, m.comment, "
		   "m.recorded_at, m.recorded_by, i.footprint "
		   "FROM measurement m JOIN indicator i ON i.id = m.indicator_id JOIN practice p ON p.id = i.practice_id "
		   "JOIN practice_copy c ON c.id = p.copy_id "
		   "WHERE p.perimeter_id = ? AND p.referentiel_id = ? AND p.removed_version IS NULL "
		   "AND i.archived_version IS NULL ORDER BY c.seq, i.num, m.\"end\" DESC, m.start DESC");
	store_bind_scope(q, 1);
	while (store_next(q)) {
		long long id = store_col_int(q, 0);
		indicator_t *x;
		if (id != prev || !out->len) {
			row_t row;
			row_read(q, &row, 20);
			out->items = xgrow(out->items, &cap, out->len + 1, sizeof *out->items);
			x = &out->items[out->len++];
			indicator_from_row(x, &row);
			x->idbp = store_col_dup(q, 10);
			x->practice_title = store_col_dup(q, 11);
			/* The first row is the latest measurement. */
			x->due = strcmp(store_col_text(q, 14), since) < 0;
			prev = id;
			mcap = 0;
		}
		x = &out->items[out->len - 1];
		if (x->nmeasures >= last)
			continue;
		x->measures = xgrow(x->measures, &mcap, x->nmeasures + 1, sizeof *x->measures);
		measurement_read(q, 12, &x->measures[x->nmeasures++]);
	}
	if ((rc = store_end(q, d, "reading the measurements")))
		indicator_list_free(out);
	return rc;
}

void measure_result_free(measure_result_t *r)
{
	free(r->name);
	free(r->period);
	free(r->value);
	free(r->old_value);
	memset(r, 0, sizeof *r);
}

/* The indicator want names among rows, or a refusal listing them. *out is
 * set exactly when STEER_OK is returned. */
static steer_rc pick(const practice_ref_t *ref, indicator_ref_t want, row_t *rows, size_t n, row_t **out,
		     diag_list_t *d)
{
	buf_t hint = BUF_INIT, key = BUF_INIT, cand = BUF_INIT;
	size_t live = 0, hits = 0;
	row_t *hit = NULL, *exact = NULL, *only = NULL;
	list_candidates(&hint, rows, n);
	for (size_t i = 0; i < n; i++)
		if (!rows[i].archived) {
			live++;
			only = &rows[i];
		}
	if (live == 0) {
		store_refuse(d, "no-indicator", "add one: sobre indicator add ID --name TEXT [--type ...]",
		       "practice %s has no indicator to measure", ref->idbp);
	} else if (want.num > 0) {
		for (size_t i = 0; i < n; i++)
			if (rows[i].num == want.num && !rows[i].archived)
				hit = &rows[i];
		if (!hit)
			store_refuse(d, "unknown-indicator", buf_cstr(&hint), "practice %s has no indicator %d", ref->idbp,
			       want.num);
	} else if (want.name) {
		fold_key(want.name, &key);
		for (size_t i = 0; i < n; i++) {
			if (rows[i].archived)
				continue;
			buf_reset(&cand);
			fold_key(rows[i].name, &cand);
			if (strcmp(buf_cstr(&cand), buf_cstr(&key)) == 0)
				exact = &rows[i];
			if (key.len && strstr(buf_cstr(&cand), buf_cstr(&key))) {
				hit = &rows[i];
				hits++;
			}
		}
		if (exact) {
			hit = exact;
		} else if (hits > 1) {
			hit = NULL;
			store_refuse(d, "ambiguous-indicator", buf_cstr(&hint),
			       "'%s' matches %zu indicators of practice %s; give more words or --indicator N", want.name,
			       hits, ref->idbp);
		} else if (hits == 0) {
			store_refuse(d, "unknown-indicator", buf_cstr(&hint), "no indicator of practice %s matches '%s'",
			       ref->idbp, want.name);
		}
	} else if (live == 1) {
		hit = only;
	} else {
		store_refuse(d, "which-indicator", buf_cstr(&hint),
		       "practice %s has %zu indicators: say which with --indicator N or --name TEXT", ref->idbp, live);
	}
	buf_free(&hint);
	buf_free(&key);
	buf_free(&cand);
	*out = hit;
	return hit ? STEER_OK : STEER_REFUSED;
}

steer_rc indicator_measure(store_t *s, const char *idbp, indicator_ref_t want, const char *value,
			   const char *period, const char *source, const char *comment, measure_result_t *res,
			   diag_list_t *d)
{
	practice_ref_t ref;
	row_t *rows = NULL, *r = NULL;
	size_t n = 0;
	steer_rc rc;
	buf_t canon = BUF_INIT, field = BUF_INIT;
	input_period_t p;
	char today[11], at[21];
	const char *why;
	memset(res, 0, sizeof *res);
	if ((rc = store_require_tx(s, d)) || (rc = practice_find(s, idbp, false, &ref, d)) ||
	    (rc = load_rows(s, ref.id, &rows, &n, d)) || (rc = pick(&ref, want, rows, n, &r, d)))
		goto cleanup;
	store_today(s, today);
	if (!period)
		period = today;
	if (!input_period(period, &p)) {
		rc = store_refuse(d, "bad-period",
			    "give a day (2026-03-15 or 15/03/2026), a month (2026-03), a quarter (2026-T1) or a year (2026)",
			    "'%s' is not a date or period", period);
		goto cleanup;
	}
	if (strcmp(p.start, today) > 0) {
		rc = store_refuse(d, "future-period", "a measurement records what was observed; give a period that has started",
			    "the period %s starts after today (%s)", p.text, today);
		goto cleanup;
	}
	if ((why = indicator_check_value(r->type, r->unit, value, &canon))) {
		buf_t hint = BUF_INIT;
		buf_printf(&hint, "indicator %d (%s) is of type %s; change it with: sobre indicator set %s %d --type T",
			   r->num, r->name, indicator_type_name(r->type), ref.idbp, r->num);
		rc = store_refuse(d, "bad-value", buf_cstr(&hint), "the value '%s' %s", value, why);
		buf_free(&hint);
		goto cleanup;
	}
	if (source && (why = input_text_problem(source, INPUT_MAX_URL, false))) {
		rc = store_refuse(d, "bad-source", NULL, "the source %s", why);
		goto cleanup;
	}
	if (comment && (why = input_text_problem(comment, INPUT_MAX_TEXT, true))) {
		rc = store_refuse(d, "bad-comment", NULL, "the comment %s", why);
		goto cleanup;
	}
	long long existing = 0;
	store_query_t *q = store_query(s, "SELECT id, value FROM measurement WHERE indicator_id = ? AND period = ?");
	store_bind_int(q, 1, r->id);
	store_bind_text(q, 2, p.text);
	if (store_next(q)) {
		existing = store_col_int(q, 0);
		res->old_value = store_col_dup(q, 1);
	}
	if ((rc = store_end(q, d, "recording the measurement")))
		goto cleanup;
	store_timestamp(s, at);
	if (existing) {
		q = store_query(s, "UPDATE measurement SET value = ?, source = ?, comment = ?, recorded_at = ?, "
				   "recorded_by = ? WHERE id = ?");
		store_bind_int(q, 6, existing);
	} else {
		q = store_query(s, "INSERT INTO measurement(value, source, comment, recorded_at, recorded_by, "
				   "indicator_id, period, start, \"end\") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
		store_bind_int(q, 6, r->id);
		store_bind_text(q, 7, p.text);
		store_bind_text(q, 8, p.start);
		store_bind_text(q, 9, p.end);
	}
	store_bind_text(q, 1, buf_cstr(&canon));
	store_bind_text(q, 2, source && *source ? source : NULL);
	store_bind_text(q, 3, comment && *comment ? comment : NULL);
	store_bind_text(q, 4, at);
	store_bind_text(q, 5, store_actor(s));
	if ((rc = store_exec(q, d, "recording the measurement")))
		goto cleanup;
	buf_printf(&field, "measure %d %s", r->num, p.text);
	if ((rc = store_log(s, ref.idbp, buf_cstr(&field), res->old_value, buf_cstr(&canon), d)))
		goto cleanup;
	res->num = r->num;
	res->name = xstrdup(r->name);
	res->period = xstrdup(p.text);
	res->value = xstrdup(buf_cstr(&canon));
cleanup:
	rows_free(rows, n);
	buf_free(&canon);
	buf_free(&field);
	if (rc)
		measure_result_free(res);
	return rc;
}
