/* export_json: builds the export with jansson, in the field order of the
 * official file so that a diff against it stays readable. */
#include "render/export_json.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "guide/markdown.h"

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *string_list(const value_t *v)
{
	json_t *a = json_array();
	if (v && v->kind == VAL_LIST)
		for (size_t i = 0; i < v->u.list.len; i++)
			if (value_str(v->u.list.items[i]))
				json_array_append_new(a, json_string(value_str(v->u.list.items[i])));
	return a;
}

void export_json(const guide_t *g, const char *base_url, buf_t *out)
{
	json_t *doc = json_object();
	json_object_set_new(doc, "title", str_or_null(guide_meta(g, "title")));
	json_object_set_new(doc, "url", json_string(base_url));
	json_object_set_new(doc, "description", str_or_null(guide_meta(g, "description")));
	json_object_set_new(doc, "version", str_or_null(guide_meta(g, "version")));
	json_object_set_new(doc, "updated_at", str_or_null(guide_meta(g, "updatedAt")));
	json_t *author = json_object();
	json_object_set_new(author, "name", str_or_null(guide_site_meta(g, "author.name")));
	json_object_set_new(author, "url", str_or_null(guide_site_meta(g, "author.url")));
	json_object_set_new(doc, "author", author);

	json_t *themes = json_array();
	buf_t md = BUF_INIT, html = BUF_INIT, url = BUF_INIT;
	for (size_t t = 0; t < g->nthemes; t++) {
		const guide_theme_t *th = g->themes[t];
		json_t *jt = json_object();
		json_object_set_new(jt, "id", json_string(th->id));
		json_object_set_new(jt, "titre", json_string(th->title));
		buf_reset(&md);
		buf_reset(&html);
		guide_expand(g, th->page->text + th->page->body_off, th->page->text_len - th->page->body_off, &md);
		md_render(buf_cstr(&md), md.len, 0, &html, NULL, NULL);
		json_object_set_new(jt, "description", json_stringn(buf_cstr(&html), html.len));
		json_t *bps = json_array();
		for (size_t i = 0; i < th->npractices; i++) {
			const guide_practice_t *s = th->practices[i];
			json_t *b = json_object();
			json_object_set_new(b, "id", json_string(s->id));
			json_object_set_new(b, "titre", json_string(s->title));
			json_object_set_new(b, "priorite", json_string(s->priority));
			json_object_set_new(b, "difficulte", json_string(s->difficulty));
			json_object_set_new(b, "pilotes", string_list(s->who));
			json_object_set_new(b, "indicateurs", string_list(s->indicators));
			buf_reset(&url);
			guide_absolute_url(base_url, s->page->url ? s->page->url : "/", &url);
			json_object_set_new(b, "url", json_string(buf_cstr(&url)));
			json_array_append_new(bps, b);
		}
		json_object_set_new(jt, "bonnesPratiques", bps);
		json_array_append_new(themes, jt);
	}
	json_object_set_new(doc, "thematiques", themes);
	char *s = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (s) {
		buf_puts(out, s);
		buf_putc(out, '\n');
		free(s);
	}
	json_decref(doc);
	buf_free(&md);
	buf_free(&html);
	buf_free(&url);
}
