/* diag: diagnostic list and its two output formats. */
#include "util/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/jsonw.h"
#include "util/xalloc.h"

static char *vformat(const char *fmt, va_list ap)
{
	buf_t b = BUF_INIT;
	buf_vprintf(&b, fmt, ap);
	return buf_detach(&b);
}

diag_t *diag_add(diag_list_t *l, diag_sev_t sev, const char *file, int line, int col,
		 const char *rule, const char *fmt, ...)
{
	l->items = xgrow(l->items, &l->cap, l->len + 1, sizeof *l->items);
	diag_t *d = &l->items[l->len++];
	memset(d, 0, sizeof *d);
	d->sev = sev;
	d->seq = l->len - 1;
	d->file = file ? xstrdup(file) : NULL;
	d->line = line;
	d->col = col;
	d->rule = xstrdup(rule ? rule : "");
	va_list ap;
	va_start(ap, fmt);
	d->msg = vformat(fmt, ap);
	va_end(ap);
	return d;
}

void diag_hint(diag_t *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	free(d->hint);
	d->hint = vformat(fmt, ap);
	va_end(ap);
}

void diag_copy(diag_list_t *l, const diag_t *d)
{
	diag_t *c = diag_add(l, d->sev, d->file, d->line, d->col, d->rule, "%s", d->msg);
	if (d->hint)
		diag_hint(c, "%s", d->hint);
}

void diag_move_all(diag_list_t *l, diag_list_t *src)
{
	for (size_t i = 0; i < src->len; i++)
		diag_copy(l, &src->items[i]);
	diag_list_free(src);
}

size_t diag_count(const diag_list_t *l, diag_sev_t sev)
{
	size_t n = 0;
	for (size_t i = 0; i < l->len; i++)
		n += l->items[i].sev == sev;
	return n;
}

static int cmp_diag(const void *a, const void *b)
{
	const diag_t *x = a, *y = b;
	const char *fx = x->file ? x->file : "", *fy = y->file ? y->file : "";
	int c = strcmp(fx, fy);
	if (c)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void diag_sort(diag_list_t *l)
{
	/* seq breaks ties, so equal positions keep their insertion order. */
	if (l->len > 1)
		qsort(l->items, l->len, sizeof *l->items, cmp_diag);
}

void diag_promote_warnings(diag_list_t *l)
{
	for (size_t i = 0; i < l->len; i++)
		if (l->items[i].sev == DIAG_WARNING)
			l->items[i].sev = DIAG_ERROR;
}

void diag_list_free(diag_list_t *l)
{
	for (size_t i = 0; i < l->len; i++) {
		free(l->items[i].file);
		free(l->items[i].rule);
		free(l->items[i].msg);
		free(l->items[i].hint);
	}
	free(l->items);
	l->items = NULL;
	l->len = l->cap = 0;
}

const char *diag_sev_name(diag_sev_t sev)
{
	switch (sev) {
	case DIAG_INFO: return "info";
	case DIAG_WARNING: return "warning";
	case DIAG_ERROR: return "error";
	}
	return "?";
}

void diag_format_text(const diag_t *d, buf_t *out)
{
	if (d->file) {
		buf_puts(out, d->file);
		if (d->line > 0) {
			buf_printf(out, ":%d", d->line);
			if (d->col > 0)
				buf_printf(out, ":%d", d->col);
		}
		buf_puts(out, ": ");
	} else {
		buf_puts(out, "sobre: ");
	}
	buf_printf(out, "%s: %s", diag_sev_name(d->sev), d->msg);
	if (d->rule && *d->rule)
		buf_printf(out, " [%s]", d->rule);
	buf_putc(out, '\n');
	if (d->hint)
		buf_printf(out, "  hint: %s\n", d->hint);
}

static void json_str(buf_t *out, const char *s)
{
	if (s)
		jsonw_string(out, s, strlen(s));
	else
		buf_puts(out, "null");
}

void diag_format_json(const diag_list_t *l, buf_t *out)
{
	buf_puts(out, "[");
	for (size_t i = 0; i < l->len; i++) {
		const diag_t *d = &l->items[i];
		buf_puts(out, i ? ",\n  {" : "\n  {");
		buf_puts(out, "\"file\": ");
		json_str(out, d->file);
		buf_printf(out, ", \"line\": %d, \"column\": %d, \"severity\": ", d->line, d->col);
		json_str(out, diag_sev_name(d->sev));
		buf_puts(out, ", \"rule\": ");
		json_str(out, d->rule);
		buf_puts(out, ", \"message\": ");
		json_str(out, d->msg);
		buf_puts(out, ", \"hint\": ");
		json_str(out, d->hint);
		buf_putc(out, '}');
	}
	buf_puts(out, l->len ? "\n]\n" : "]\n");
}
