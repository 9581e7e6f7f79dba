/* export_json: written as a stream (util/jsonw), in the field order of the
 * official file so that a diff against it stays readable; a tree of the
 * whole document first would cost memory in proportion to the guide. */
#include "render/export_json.h"

#include <string.h>

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
