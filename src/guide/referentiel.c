/* referentiel: detection and loading. A source is read once (size limit,
 * UTF-8 checked for every format), parsed once as JSON when it is neither a
 * folder nor a .csv file, and the tree handed to its reader; the model and
 * the readers are in ref_model, ref_json and ref_csv. */
#include "guide/referentiel.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "guide/ref_csv.h"
#include "guide/ref_json.h"
#include "guide/ref_model.h"
#include "guide/yaml.h"
#include "util/fs.h"
#include "util/utf8.h"
#include "util/xalloc.h"

/* A source read and recognised: its text, and its tree when it is JSON. */
typedef struct {
	buf_t text;
	value_t *json;
} source_t;

static const char shapes_hint[] =
	"sobre reads a guide folder, a .csv file with a header row, or JSON: the RGESN as the DINUM publishes it "
	"([{\"numero\": \"1.1\", \"thematique\": ..., \"critere\": ...}, ...]), sobre's export "
	"({\"thematiques\": [...]}) or NumEcoDiag's ({\"criteres\": [...]})";

static bool has_suffix(const char *path, const char *suffix)
{
	size_t n = strlen(path), k = strlen(suffix);
	return n > k && strcasecmp(path + n - k, suffix) == 0;
}

static void cannot_read(diag_list_t *d, const char *path, int err)
{
	diag_t *x;
	if (err == EFBIG) {
		x = diag_add(d, DIAG_ERROR, path, 0, 0, "file-too-large", "cannot read: larger than %u MiB",
			     REFERENTIEL_MAX_FILE >> 20);
		diag_hint(x, "a référentiel is a few hundred KB of text: is it the right file?");
		return;
	}
	x = diag_add(d, DIAG_ERROR, path, 0, 0, "io-error", "cannot read: %s", strerror(err));
	if (err == ENOENT)
		diag_hint(x, "give a guide folder, or a référentiel file (.json or .csv)");
}

/* Reads path and tells its format, or -1 with diagnostics. */
static int sniff(const char *path, source_t *s, diag_list_t *d)
{
	memset(s, 0, sizeof *s);
	if (fs_is_dir(path))
		return REF_GBPNR_FOLDER;
	int err = fs_read_file(path, REFERENTIEL_MAX_FILE, &s->text);
	if (err) {
		cannot_read(d, path, err);
		return -1;
	}
	const char *src = s->text.ptr ? s->text.ptr : "";
	size_t bad;
	if (!utf8_valid(src, s->text.len, &bad)) {
		int line, col;
		utf8_line_col(src, s->text.len, bad, &line, &col);
		diag_t *x = diag_add(d, DIAG_ERROR, path, line, col, "not-utf8", "invalid UTF-8 byte 0x%02X",
				     (unsigned char)src[bad]);
		diag_hint(x, "save the file as UTF-8 (it was probably written as Latin-1 or Windows-1252)");
		return -1;
	}
	if (has_suffix(path, ".csv"))
		return REF_CSV;
	size_t from = d->len;
	s->json = yaml_parse(path, src, s->text.len, 0, d);
	if (!s->json) {
		ref_json_syntax_diags(d, from);
		return -1;
	}
	int f = ref_json_shape(s->json);
	if (f >= 0)
		return f;
	size_t blank = strspn(src, " \t\r\n");
	if (blank == s->text.len) {
		diag_t *x = diag_add(d, DIAG_ERROR, path, 1, 1, "ref-empty", "the file is empty");
		diag_hint(x, "%s", shapes_hint);
		return -1;
	}
	diag_t *x = diag_add(d, DIAG_ERROR, path, s->json->line ? s->json->line : 1, s->json->col ? s->json->col : 1,
			     "unknown-source", "not a référentiel sobre knows: JSON, but %s of another shape",
			     ref_json_kind(s->json->kind));
	diag_hint(x, "%s", shapes_hint);
	return -1;
}

static void source_free(source_t *s)
{
	buf_free(&s->text);
	value_free(s->json);
}

int referentiel_detect(const char *path, diag_list_t *d)
{
	source_t s;
	int f = sniff(path, &s, d);
	source_free(&s);
	return f;
}

static const char *builtin_of(referentiel_format_t f)
{
	switch (f) {
	case REF_RGESN_2024: return "rgesn-2024";
	case REF_RGESN_2023:
	case REF_NUMECODIAG: return "rgesn-2023"; /* RGESN v1 had no priorities */
	case REF_GBPNR_FOLDER:
	case REF_EXPORT_JSON: return "gbpnr";
	case REF_CSV: break; /* from the file's header, or the profile given */
	}
	return NULL;
}

referentiel_t *referentiel_load(const char *path, const profile_t *profile, diag_list_t *d)
{
	source_t s;
	int f = sniff(path, &s, d);
	referentiel_t *r = NULL;
	if (f == REF_GBPNR_FOLDER) {
		guide_t *g = guide_load(path, d);
		r = g ? referentiel_from_guide(g, d) : NULL;
		if (r && profile)
			r->profile = profile;
	} else if (f >= 0) {
		ref_builder_t b;
		ref_build_start(&b, (referentiel_format_t)f, path, profile ? profile : profile_builtin(builtin_of(f)), d);
		if (f == REF_CSV)
			ref_csv_read(&b, s.text.ptr ? s.text.ptr : "", s.text.len, profile);
		else
			ref_json_read(&b, s.json);
		r = ref_build_finish(&b);
	}
	source_free(&s);
	return r;
}

/* The strings of a list value (who, indicators), pushed onto list. */
static void push_strings(const value_t *v, char ***list, size_t *n)
{
	for (size_t i = 0; v && v->kind == VAL_LIST && i < v->u.list.len; i++)
		if (value_str(v->u.list.items[i]))
			ref_item_push(list, n, value_str(v->u.list.items[i]));
}

referentiel_t *referentiel_from_guide(guide_t *g, diag_list_t *d)
{
	ref_builder_t b;
	ref_build_start(&b, REF_GBPNR_FOLDER, g->root, profile_builtin("gbpnr"), d);
	/* The guide's rules report its missing ids and duplicates already. */
	b.check = false;
	ref_build_meta(&b, "gbpnr", guide_meta(g, "title"), guide_meta(g, "version"), guide_meta(g, "updatedAt"));
	const char *base = guide_site_meta(g, "url");
	buf_t url = BUF_INIT;
	for (size_t t = 0; t < g->nthemes; t++) {
		const guide_theme_t *th = g->themes[t];
		size_t ti = ref_build_theme(&b, th->id, th->title, NULL);
		for (size_t i = 0; i < th->npractices; i++) {
			const guide_practice_t *s = th->practices[i];
			if (!*s->id)
				continue;
			const value_t *at = value_get(s->page->fm, "idbp");
			ref_item_t *it = ref_build_item(&b, ti, s->id, s->title, s->page->path, at ? at->line : 1,
							at ? at->col : 1);
			free(it->priority);
			it->priority = xstrdup(s->priority);
			free(it->difficulty);
			it->difficulty = xstrdup(s->difficulty);
			push_strings(s->who, &it->roles, &it->nroles);
			push_strings(s->indicators, &it->indicators, &it->nindicators);
			if (base && s->page->url) {
				buf_reset(&url);
				guide_absolute_url(base, s->page->url, &url);
				free(it->url);
				it->url = xstrdup(buf_cstr(&url));
			}
		}
	}
	buf_free(&url);
	referentiel_t *r = ref_build_finish(&b);
	r->guide = g;
	return r;
}
