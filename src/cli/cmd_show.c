/* cmd_show: `sobre show ID` — one practice: the guide's copy, its
 * assessment, its indicators with their last measurements, its history; as
 * text, or as JSON for scripts (with the row version `assess --if-version`
 * takes). */
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "steer/input.h"
#include "steer/assess.h"
#include "steer/indicator.h"
#include "steer/jsonout.h"
#include "steer/store.h"
#include "util/jsonw.h"

static const char usage[] = "sobre show ID [--history N] [--format text|json] [--db FILE]";

static void field(buf_t *out, const char *label, const char *value)
{
	if (value)
		buf_printf(out, "%-10s%s\n", label, value);
}

/* Multi-line comments are indented under their label. */
static void indented(buf_t *out, const char *label, const char *value)
{
	if (!value)
		return;
	buf_printf(out, "%-10s", label);
	for (const char *p = value; *p; p++) {
		buf_putc(out, *p);
		if (*p == '\n')
			buf_puts(out, "          ");
	}
	buf_putc(out, '\n');
}

/* The indicators, each with its type, target and last measurements. */
static void print_indicators(buf_t *out, const indicator_list_t *inds)
{
	buf_printf(out, "\nindicators (%zu):\n", inds->len);
	for (size_t i = 0; i < inds->len; i++) {
		const indicator_t *x = &inds->items[i];
		buf_printf(out, "  %d. %s\n     %s", x->num, x->name, indicator_type_name(x->type));
		if (x->unit && *x->unit)
			buf_printf(out, " in %s", x->unit);
		if (x->target)
			buf_printf(out, ", target %s%s%s", x->target, x->target_date ? " by " : "",
				   x->target_date ? x->target_date : "");
		if (x->direction)
			buf_printf(out, ", %s is better", strcmp(x->direction, "up") == 0 ? "higher" : "lower");
		if (x->custom)
			buf_puts(out, ", custom");
		if (x->archived)
			buf_puts(out, ", archived");
		else if (x->due)
			buf_puts(out, ", due");
		buf_putc(out, '\n');
		for (size_t j = 0; j < x->nmeasures; j++) {
			const measurement_t *m = &x->measures[j];
			buf_printf(out, "     %-10s %s", m->period, m->value);
			if (m->source)
				buf_printf(out, "  (source: %s)", m->source);
			buf_putc(out, '\n');
		}
	}
}

/* The item's text sections (the RGESN's objectif, mise en œuvre, moyen de
 * test), each under its title, indented. */
static void sections(buf_t *out, const char *json)
{
	json_t *a = json_loads(json ? json : "[]", 0, NULL);
	for (size_t i = 0; json_is_array(a) && i < json_array_size(a); i++) {
		const json_t *x = json_array_get(a, i);
		const char *title = json_string_value(json_object_get(x, "title")),
			   *text = json_string_value(json_object_get(x, "text"));
		buf_printf(out, "\n  %s\n", title ? title : "");
		for (const char *l = text ? text : ""; *l;) {
			const char *e = strchr(l, '\n');
			size_t n = e ? (size_t)(e - l) : strlen(l);
			buf_puts(out, "    ");
			buf_put(out, l, n);
			buf_putc(out, '\n');
			l += n + (e != NULL);
		}
	}
	json_decref(a);
}

int cmd_show(int argc, char **argv)
{
	static const struct option opts[] = {
		{"history", required_argument, NULL, 'H'},
		{"format", required_argument, NULL, 'f'},
		{"db", required_argument, NULL, 'D'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *db = NULL;
	long nhist = 20;
	bool json = false;
	int c, rc;
	optind = 1;
	while ((c = getopt_long(argc, argv, "H:f:D:h", opts, NULL)) != -1) {
		switch (c) {
		case 'H': {
			if (!input_whole(optarg, 0, LONG_MAX, &nhist))
				return cli_usage_error("show", usage, "--history takes a number of entries (0: all)");
			break;
		}
		case 'f':
			if (strcmp(optarg, "text") && strcmp(optarg, "json"))
				return cli_usage_error("show", usage, "unknown format '%s' (text or json)", optarg);
			json = strcmp(optarg, "json") == 0;
			break;
		case 'D': db = optarg; break;
		case 'h':
			printf("usage: %s\n\nShows practice ID as the imported guide wrote it, its assessment,\n"
			       "its indicators with their last 3 measurements, and its history\n"
			       "(the last 20 changes; --history 0 shows all).\n"
			       "  --format json   {practice, assessment, indicators, history} (docs/api.md),\n"
			       "                  the last %d measurements of each indicator; the assessment's\n"
			       "                  \"version\" is what sobre assess --if-version takes to refuse\n"
			       "                  a change made meanwhile by someone else\n", usage, JSONOUT_MEASURES);
			return EXIT_OK;
		default:
			return cli_usage_error("show", usage, "unknown option");
		}
	}
	if (argc - optind != 1)
		return cli_usage_error("show", usage, "give one practice id, e.g. a.1");
	store_t *s;
	if ((rc = cli_steer_open("show", db, false, false, &s)))
		return rc;
	diag_list_t d = DIAG_LIST_INIT;
	assessment_t a;
	indicator_list_t inds;
	memset(&a, 0, sizeof a);
	memset(&inds, 0, sizeof inds);
	buf_t out = BUF_INIT;
	rc = assess_get(s, argv[optind], (size_t)nhist, &a, &d);
	if (!rc)
		rc = indicator_list(s, a.idbp, json ? JSONOUT_MEASURES : 3, &inds, &d);
	if (!rc && json) {
		jsonw_t w;
		jsonw_init(&w, &out);
		jsonout_show(&w, &a, &inds);
		buf_putc(&out, '\n');
	} else if (!rc) {
		buf_printf(&out, "%s — %s\n", a.idbp, a.title);
		buf_printf(&out, "  theme %s %s", a.theme_id, a.theme_title);
		if (*a.priority)
			buf_printf(&out, " · %s", a.priority);
		if (*a.difficulty)
			buf_printf(&out, " · %s", a.difficulty);
		buf_printf(&out, " · guide %s", a.guide_version);
		if (a.is_new)
			buf_puts(&out, " · nouvelle");
		if (a.archived)
			buf_printf(&out, " · archived (removed in %s)", a.archived_in);
		if (a.review)
			buf_puts(&out, " · à revoir");
		if (a.nwho) {
			buf_puts(&out, "\n  pilots suggested by the guide: ");
			for (size_t i = 0; i < a.nwho; i++)
				buf_printf(&out, "%s%s", i ? ", " : "", a.who[i]);
		}
		if (a.applicability && *a.applicability)
			buf_printf(&out, "\n  applies to: %s", a.applicability);
		if (a.review)
			buf_printf(&out, "\n  reworded by the upgrade: it was \"%s\"; the assessment was saved against the old "
					 "wording (sobre assess %s --status ... saves it again)",
				   a.reviewed_title, a.idbp);
		buf_puts(&out, "\n");
		sections(&out, a.sections);
		buf_puts(&out, "\n");
		field(&out, "status", status_name(a.profile, a.status));
		field(&out, "pilot", a.pilot);
		field(&out, "owner", a.owner);
		if (a.due)
			buf_printf(&out, "%-10s%s%s\n", "due", a.due, a.overdue ? " (overdue)" : "");
		indented(&out, "comment", a.comment);
		cli_put_means(&out, a.budget, a.staff);
		for (size_t i = 0; i < a.nevidence; i++)
			field(&out, i ? "" : "evidence", a.evidence[i]);
		if (a.updated_at)
			buf_printf(&out, "%-10s%s by %s\n", "updated", a.updated_at, a.updated_by ? a.updated_by : "?");
		print_indicators(&out, &inds);
		buf_printf(&out, "\nhistory (%zu change%s%s):\n", a.history.len, a.history.len == 1 ? "" : "s",
			   nhist && a.history.len == (size_t)nhist ? ", the last ones; --history 0 shows all" : "");
		for (size_t i = 0; i < a.history.len; i++) {
			const history_entry_t *h = &a.history.items[i];
			buf_printf(&out, "  %s  %s  %s: ", h->at, h->actor, h->field);
			cli_put_flat(&out, h->old_value);
			buf_puts(&out, " -> ");
			cli_put_flat(&out, h->new_value);
			buf_putc(&out, '\n');
		}
	}
	rc = cli_steer_close("show", s, rc, &d);
	if (!rc)
		fwrite(buf_cstr(&out), 1, out.len, stdout);
	buf_free(&out);
	assessment_free(&a);
	indicator_list_free(&inds);
	return rc;
}
