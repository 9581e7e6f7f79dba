/* export_json: written as a stream (util/jsonw), in the field order of the
 * official file so that a diff against it stays readable; a tree of the
 * whole document first would cost memory in proportion to the guide. */
#include "render/export_json.h"

#include <string.h>

#include "guide/ref_model.h"
#include "util/jsonw.h"

static void string_list(jsonw_t *w, const value_t *v)
{
	jsonw_array(w);
	if (v && v->kind == VAL_LIST)
		for (size_t i = 0; i < v->u.list.len; i++)
			if (value_str(v->u.list.items[i]))
				jsonw_str(w, value_str(v->u.list.items[i]));
	jsonw_end(w, ']');
}

void export_json(const guide_t *g, const char *base_url, buf_t *out)
{
	jsonw_t w;
	jsonw_init(&w, out);
	jsonw_object(&w);
	jsonw_key(&w, "title");
	jsonw_str(&w, guide_meta(g, "title"));
	jsonw_key(&w, "url");
	jsonw_str(&w, base_url);
	jsonw_key(&w, "description");
	jsonw_str(&w, guide_meta(g, "description"));
	jsonw_key(&w, "version");
	jsonw_str(&w, guide_meta(g, "version"));
	jsonw_key(&w, "updated_at");
	jsonw_str(&w, guide_meta(g, "updatedAt"));
	jsonw_key(&w, "author");
	jsonw_object(&w);
	jsonw_key(&w, "name");
	jsonw_str(&w, guide_site_meta(g, "author.name"));
	jsonw_key(&w, "url");
	jsonw_str(&w, guide_site_meta(g, "author.url"));
	jsonw_end(&w, '}');

	jsonw_key(&w, "thematiques");
	jsonw_array(&w);
	buf_t html = BUF_INIT, url = BUF_INIT;
	for (size_t t = 0; t < g->nthemes; t++) {
		const guide_theme_t *th = g->themes[t];
		jsonw_object(&w);
		jsonw_key(&w, "id");
		jsonw_str(&w, th->id);
		jsonw_key(&w, "titre");
		jsonw_str(&w, th->title);
		buf_reset(&html);
		guide_page_html(g, th->page, &html);
		jsonw_key(&w, "description");
		jsonw_str(&w, buf_cstr(&html));
		jsonw_key(&w, "bonnesPratiques");
		jsonw_array(&w);
		for (size_t i = 0; i < th->npractices; i++) {
			const guide_practice_t *s = th->practices[i];
			jsonw_object(&w);
			jsonw_key(&w, "id");
			jsonw_str(&w, s->id);
			jsonw_key(&w, "titre");
			jsonw_str(&w, s->title);
			jsonw_key(&w, "priorite");
			jsonw_str(&w, s->priority);
			jsonw_key(&w, "difficulte");
			jsonw_str(&w, s->difficulty);
			jsonw_key(&w, "pilotes");
			string_list(&w, s->who);
			jsonw_key(&w, "indicateurs");
			string_list(&w, s->indicators);
			buf_reset(&url);
			guide_absolute_url(base_url, s->page->url ? s->page->url : "/", &url);
			jsonw_key(&w, "url");
			jsonw_str(&w, buf_cstr(&url));
			jsonw_end(&w, '}');
		}
		jsonw_end(&w, ']');
		jsonw_end(&w, '}');
	}
	jsonw_end(&w, ']');
	jsonw_end(&w, '}');
	buf_putc(out, '\n');
	buf_free(&html);
	buf_free(&url);
}

/* ---- a référentiel ---- */

static void strings(jsonw_t *w, char *const *list, size_t n)
{
	jsonw_array(w);
	for (size_t i = 0; i < n; i++)
		jsonw_str(w, list[i]);
	jsonw_end(w, ']');
}

static const char *section_text(const ref_item_t *it, const char *key)
{
	for (size_t k = 0; k < it->nsections; k++)
		if (strcmp(it->sections[k].key, key) == 0)
			return it->sections[k].text;
	return "";
}

/* The array of criteria as the DINUM stores it (ref_json reads it back). */
static void rgesn_array(jsonw_t *w, const referentiel_t *r, const char *const *urls, bool y2024)
{
	buf_t roles = BUF_INIT;
	jsonw_array(w);
	for (size_t i = 0; i < r->nitems; i++) {
		const ref_item_t *it = &r->items[i];
		jsonw_object(w);
		jsonw_key(w, "numero");
		jsonw_str(w, it->id);
		jsonw_key(w, "thematique");
		jsonw_str(w, r->themes[it->theme].title);
		jsonw_key(w, "critere");
		jsonw_str(w, it->title);
		if (y2024) {
			buf_reset(&roles);
			for (size_t k = 0; k < it->nroles; k++)
				buf_printf(&roles, "%s%s", k ? ", " : "", it->roles[k]);
			jsonw_key(w, "difficulte");
			jsonw_str(w, it->difficulty);
			jsonw_key(w, "priorite");
			jsonw_str(w, it->priority);
			jsonw_key(w, "cible");
			jsonw_str(w, it->applicability);
			jsonw_key(w, "metiers");
			jsonw_str(w, buf_cstr(&roles));
		}
		for (size_t k = 0; k < 3; k++) {
			jsonw_key(w, ref_rgesn_sections[k].json);
			jsonw_str(w, section_text(it, ref_rgesn_sections[k].key));
		}
		jsonw_key(w, "url");
		jsonw_str(w, urls ? urls[i] : it->url);
		jsonw_end(w, '}');
	}
	jsonw_end(w, ']');
	buf_free(&roles);
}

static void envelope_item(jsonw_t *w, const ref_item_t *it, const char *url)
{
	jsonw_object(w);
	jsonw_key(w, "id");
	jsonw_str(w, it->id);
	jsonw_key(w, "titre");
	jsonw_str(w, it->title);
	jsonw_key(w, "priorite");
	jsonw_str(w, it->priority);
	jsonw_key(w, "difficulte");
	jsonw_str(w, it->difficulty);
	jsonw_key(w, "pilotes");
	strings(w, it->roles, it->nroles);
	jsonw_key(w, "indicateurs");
	strings(w, it->indicators, it->nindicators);
	jsonw_key(w, "url");
	jsonw_str(w, url);
	if (*it->applicability) {
		jsonw_key(w, "cible");
		jsonw_str(w, it->applicability);
	}
	if (it->nsections) {
		jsonw_key(w, "sections");
		jsonw_array(w);
		for (size_t k = 0; k < it->nsections; k++) {
			jsonw_object(w);
			jsonw_key(w, "id");
			jsonw_str(w, it->sections[k].key);
			jsonw_key(w, "titre");
			jsonw_str(w, it->sections[k].title);
			jsonw_key(w, "texte");
			jsonw_str(w, it->sections[k].text);
			jsonw_end(w, '}');
		}
		jsonw_end(w, ']');
	}
	jsonw_end(w, '}');
}

static void envelope(jsonw_t *w, const referentiel_t *r, const char *base_url, const char *const *urls)
{
	jsonw_object(w);
	jsonw_key(w, "title");
	jsonw_str(w, r->title);
	jsonw_key(w, "url");
	jsonw_str(w, base_url);
	jsonw_key(w, "version");
	jsonw_str(w, r->version);
	jsonw_key(w, "updated_at");
	jsonw_str(w, r->date);
	jsonw_key(w, "thematiques");
	jsonw_array(w);
	for (size_t t = 0; t < r->nthemes; t++) {
		const ref_theme_t *th = &r->themes[t];
		jsonw_object(w);
		jsonw_key(w, "id");
		jsonw_str(w, th->id);
		jsonw_key(w, "titre");
		jsonw_str(w, th->title);
		jsonw_key(w, "bonnesPratiques");
		jsonw_array(w);
		for (size_t i = th->first; i < th->first + th->count; i++)
			envelope_item(w, &r->items[i], urls ? urls[i] : r->items[i].url);
		jsonw_end(w, ']');
		jsonw_end(w, '}');
	}
	jsonw_end(w, ']');
	jsonw_end(w, '}');
}

void export_json_referentiel(const referentiel_t *r, const char *base_url, const char *const *urls, buf_t *out)
{
	jsonw_t w;
	jsonw_init(&w, out);
	/* By identity: a profile of one's own may take the RGESN's id and
	 * other words, which the DINUM's shape would not read back with. */
	if (r->profile == profile_builtin("rgesn-2024") || r->profile == profile_builtin("rgesn-2023"))
		rgesn_array(&w, r, urls, r->profile == profile_builtin("rgesn-2024"));
	else
		envelope(&w, r, base_url, urls);
	buf_putc(out, '\n');
}
