/* cmd_list: `sobre list` — the practices in guide order, filtered, as an
 * aligned table, TSV or JSON. */
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "guide/rules.h"
#include "util/suggest.h"
#include "util/utf8.h"
#include "util/xalloc.h"

static const char usage[] =
	"sobre list [--priority P] [--difficulty D] [--who W] [--theme ID] [--format table|tsv|json] [DIR]";

/* Accepts a value of the set regardless of case ("prioritaire"); NULL if none. */
static const char *pick(const char *arg, const char *const *set)
{
	for (int i = 0; i < 3; i++)
		if (utf8_equal_fold(set[i], arg))
			return set[i];
	return NULL;
}

static bool theme_matches(const guide_theme_t *t, const char *want)
{
	size_t n = strlen(want);
	if (strcmp(t->id, want) == 0 || strcmp(t->key, want) == 0)
		return true;
	/* "a" for "a." */
	if (strlen(t->id) == n + 1 && strncmp(t->id, want, n) == 0 && t->id[n] == '.')
		return true;
	return utf8_contains_fold(t->title, want) && strlen(want) >= 3;
}

static bool who_matches(const value_t *who, const char *want)
{
	if (!who || who->kind != VAL_LIST)
		return false;
	for (size_t i = 0; i < who->u.list.len; i++)
		if (value_str(who->u.list.items[i]) && utf8_contains_fold(value_str(who->u.list.items[i]), want))
			return true;
	return false;
}

static void pad(buf_t *out, const char *s, size_t width)
{
	buf_puts(out, s);
	for (size_t w = cli_width(s); w < width; w++)
		buf_putc(out, ' ');
}

static void join_list(buf_t *out, const value_t *v, const char *sep)
{
	if (!v || v->kind != VAL_LIST)
		return;
	for (size_t i = 0; i < v->u.list.len; i++) {
		if (i)
			buf_puts(out, sep);
		value_to_text(v->u.list.items[i], out);
	}
}

/* TSV cells cannot hold tabs or newlines: they become spaces. */
static void tsv_cell(buf_t *out, const char *s)
{
	for (; *s; s++)
		buf_putc(out, *s == '\t' || *s == '\n' ? ' ' : *s);
}

/* The selection as a JSON array of practices. */
static void write_json(buf_t *out, const guide_practice_t *const *sel, size_t n)
{
	json_t *arr = json_array();
	buf_t url = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		const guide_practice_t *s = sel[i];
		json_t *o = json_object();
		json_object_set_new(o, "id", json_string(s->id));
		json_object_set_new(o, "title", json_string(s->title));
		json_object_set_new(o, "theme", json_string(s->theme->id));
		json_object_set_new(o, "priority", json_string(s->priority));
		json_object_set_new(o, "difficulty", json_string(s->difficulty));
		json_t *w = json_array();
		for (size_t k = 0; s->who && k < s->who->u.list.len; k++)
			json_array_append_new(w, json_string(value_str(s->who->u.list.items[k])));
		json_object_set_new(o, "who", w);
		json_object_set_new(o, "path", json_string(s->page->path));
		buf_reset(&url);
		json_object_set_new(o, "url", json_string(s->page->url ? s->page->url : ""));
		json_array_append_new(arr, o);
	}
	buf_free(&url);
	char *js = json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	buf_puts(out, js);
	buf_putc(out, '\n');
	free(js);
	json_decref(arr);
}

/* The selection as tab-separated values, with a header line. */
static void write_tsv(buf_t *out, const guide_practice_t *const *sel, size_t n)
{
	buf_puts(out, "id\ttheme\tpriority\tdifficulty\ttitle\twho\n");
	buf_t w = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		const guide_practice_t *s = sel[i];
		buf_reset(&w);
		join_list(&w, s->who, "; ");
		tsv_cell(out, s->id);
		buf_putc(out, '\t');
		tsv_cell(out, s->theme->id);
		buf_putc(out, '\t');
		tsv_cell(out, s->priority);
		buf_putc(out, '\t');
		tsv_cell(out, s->difficulty);
		buf_putc(out, '\t');
		tsv_cell(out, s->title);
		buf_putc(out, '\t');
		tsv_cell(out, buf_cstr(&w));
		buf_putc(out, '\n');
	}
	buf_free(&w);
}

/* The selection as an aligned table, with the count. */
static void write_table(buf_t *out, const guide_practice_t *const *sel, size_t n, size_t total)
{
	size_t wid = 2, wpri = 8, wdif = 10;
	for (size_t i = 0; i < n; i++) {
		size_t a = cli_width(sel[i]->id), b = cli_width(sel[i]->priority), d = cli_width(sel[i]->difficulty);
		wid = a > wid ? a : wid;
		wpri = b > wpri ? b : wpri;
		wdif = d > wdif ? d : wdif;
	}
	pad(out, "ID", wid + 2);
	pad(out, "PRIORITY", wpri + 2);
	pad(out, "DIFFICULTY", wdif + 2);
	buf_puts(out, "TITLE\n");
	for (size_t i = 0; i < n; i++) {
		pad(out, sel[i]->id, wid + 2);
		pad(out, sel[i]->priority, wpri + 2);
		pad(out, sel[i]->difficulty, wdif + 2);
		buf_puts(out, sel[i]->title);
		buf_putc(out, '\n');
	}
	buf_printf(out, "%zu of %zu practices\n", n, total);
}

int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{"priority", required_argument, NULL, 'p'},
		{"difficulty", required_argument, NULL, 'd'},
		{"who", required_argument, NULL, 'w'},
		{"theme", required_argument, NULL, 't'},
		{"format", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *priority = NULL, *difficulty = NULL, *who = NULL, *theme = NULL, *format = "table";
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "p:d:w:t:f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
		case 'd': {
			const char *const *set = c == 'p' ? rules_priorities : rules_difficulties;
			const char *v = pick(optarg, set);
			if (!v) {
				const char *s = suggest_closest(optarg, set, 3);
				return cli_usage_error("list", usage, "'%s' is not a %s (%s, %s or %s)%s%s%s", optarg,
						       c == 'p' ? "priority" : "difficulty", set[0], set[1], set[2],
						       s ? "; did you mean '" : "", s ? s : "", s ? "'?" : "");
			}
			*(c == 'p' ? &priority : &difficulty) = v;
			break;
		}
		case 'w': who = optarg; break;
		case 't': theme = optarg; break;
		case 'f':
			if (strcmp(optarg, "table") && strcmp(optarg, "tsv") && strcmp(optarg, "json"))
				return cli_usage_error("list", usage, "unknown format '%s' (table, tsv or json)", optarg);
			format = optarg;
			break;
		case 'h':
			printf("usage: %s\n\nLists the practices in guide order.\n"
			       "  --priority P    Prioritaire, Recommandée or Aller plus loin (any case)\n"
			       "  --difficulty D  Facile, Moyenne or Difficile\n"
			       "  --who W         pilots containing W (case-insensitive)\n"
			       "  --theme ID      theme id (a. or a), key, or part of its title\n", usage);
			return EXIT_OK;
		default:
			return cli_usage_error("list", usage, "unknown option");
		}
	}
	if (argc - optind > 1)
		return cli_usage_error("list", usage, "too many arguments");
	const char *dir = optind < argc ? argv[optind] : ".";
	int code = EXIT_OK;
	guide_t *g = cli_load_valid_guide("list", dir, &code);
	if (!g)
		return code;

	if (theme) {
		bool any = false;
		for (size_t t = 0; t < g->nthemes && !any; t++)
			any = theme_matches(g->themes[t], theme);
		if (!any) {
			fprintf(stderr, "sobre list: no theme matches '%s'; themes are:", theme);
			for (size_t t = 0; t < g->nthemes; t++)
				fprintf(stderr, " %s", g->themes[t]->id);
			fputc('\n', stderr);
			guide_free(g);
			return EXIT_USAGE;
		}
	}
	const guide_practice_t **sel = xcalloc(g->npractices + 1, sizeof *sel);
	size_t n = 0;
	for (size_t i = 0; i < g->npractices; i++) {
		const guide_practice_t *s = g->practices[i];
		if ((priority && strcmp(s->priority, priority)) || (difficulty && strcmp(s->difficulty, difficulty)) ||
		    (who && !who_matches(s->who, who)) || (theme && !theme_matches(s->theme, theme)))
			continue;
		sel[n++] = s;
	}

	buf_t out = BUF_INIT;
	if (strcmp(format, "json") == 0)
		write_json(&out, sel, n);
	else if (strcmp(format, "tsv") == 0)
		write_tsv(&out, sel, n);
	else
		write_table(&out, sel, n, g->npractices);
	code = cli_write_output("list", NULL, buf_cstr(&out), out.len);
	buf_free(&out);
	free(sel);
	guide_free(g);
	return code;
}
