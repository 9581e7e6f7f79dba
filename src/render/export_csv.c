/* export_csv: every cell quoted, quotes doubled, CRLF record ends (RFC 4180). */
#include "render/export_csv.h"

#include <string.h>

static void cell(buf_t *out, const char *s, size_t n, char sep, bool first)
{
	if (!first)
		buf_putc(out, sep);
	buf_putc(out, '"');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			buf_putc(out, '"');
		buf_putc(out, s[i]);
	}
	buf_putc(out, '"');
}

static void cell_str(buf_t *out, const char *s, char sep)
{
	cell(out, s, strlen(s), sep, false);
}

static void cell_list(buf_t *out, const value_t *v, char sep)
{
	buf_t joined = BUF_INIT;
	if (v && v->kind == VAL_LIST)
		for (size_t i = 0; i < v->u.list.len; i++) {
			const char *s = value_str(v->u.list.items[i]);
			if (!s)
				continue;
			if (joined.len)
				buf_putc(&joined, '\n');
			buf_puts(&joined, s);
		}
	cell(out, buf_cstr(&joined), joined.len, sep, false);
	buf_free(&joined);
}

void export_csv(const guide_t *g, const char *base_url, bool excel, buf_t *out)
{
	static const char *const header[] = {"Id", "Titre", "Thématique", "Priorité", "Difficulté",
					     "Exemples pilotes", "Exemples indicateurs", "Url"};
	char sep = excel ? ';' : ',';
	if (excel)
		buf_puts(out, "\xEF\xBB\xBF");
	for (size_t i = 0; i < 8; i++)
		cell(out, header[i], strlen(header[i]), sep, i == 0);
	buf_puts(out, "\r\n");
	buf_t url = BUF_INIT;
	for (size_t i = 0; i < g->npractices; i++) {
		const guide_practice_t *s = g->practices[i];
		cell(out, s->id, strlen(s->id), sep, true);
		cell_str(out, s->title, sep);
		cell_str(out, s->theme->title, sep);
		cell_str(out, s->priority, sep);
		cell_str(out, s->difficulty, sep);
		cell_list(out, s->who, sep);
		cell_list(out, s->indicators, sep);
		buf_reset(&url);
		guide_absolute_url(base_url, s->page->url ? s->page->url : "/", &url);
		cell_str(out, buf_cstr(&url), sep);
		buf_puts(out, "\r\n");
	}
	buf_free(&url);
}
