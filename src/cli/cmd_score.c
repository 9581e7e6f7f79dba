/* cmd_score: `sobre score` — the weighted score and completion, overall and
 * by theme, priority or pilot function, as a table or JSON. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "steer/jsonout.h"
#include "steer/score.h"
#include "steer/store.h"

static const char usage[] = "sobre score [--by theme|priority|pilot] [--format table|json] [--db FILE]";

/* One row: the label, the score, the completion, then a count per status
 * in the profile's display order. */
static void table_row(cli_table_t *tb, const profile_t *p, const char *label, const score_tally_t *t)
{
	buf_t sc = BUF_INIT, comp = BUF_INIT;
	char n[PROFILE_MAX_STATUSES][24];
	const char *row[3 + PROFILE_MAX_STATUSES];
	status_t order[PROFILE_MAX_STATUSES];
	size_t k = status_display_order(p, order);
	score_format(t->num, t->den, '.', &sc);
	if (score_tenths(t->num, t->den) >= 0)
		buf_putc(&sc, '%');
	buf_printf(&comp, "%zu/%zu", t->assessed, t->total);
	row[0] = label;
	row[1] = buf_cstr(&sc);
	row[2] = buf_cstr(&comp);
	for (size_t i = 0; i < k; i++) {
		snprintf(n[i], sizeof n[i], "%zu", t->by_status[order[i]]);
		row[3 + i] = n[i];
	}
	cli_table_row(tb, 3 + k, row);
	buf_free(&sc);
	buf_free(&comp);
}

/* The formula under the table, in the profile's words. */
static void formula(const score_t *sc, const profile_t *p, buf_t *out)
{
	bool guide = strcmp(p->id, "gbpnr") == 0;
	buf_printf(out, "\nscore = Σ weight × credit / Σ weight over applicable %s; weights ",
		   guide ? "practices" : "items");
	for (size_t i = 0; i < p->npriorities; i++) {
		buf_printf(out, "%s%s ", i ? ", " : "", p->priorities[i].name);
		score_weight_text(p, sc->weights[i], '.', out);
	}
	if (!p->npriorities) {
		buf_puts(out, "all ");
		score_weight_text(p, p->default_weight, '.', out);
	}
	buf_puts(out, ";\ncredit ");
	status_t order[PROFILE_MAX_STATUSES];
	size_t k = status_display_order(p, order), shown = 0;
	for (size_t i = 0; i < k; i++)
		if (status_credit(p, order[i]))
		{
			buf_printf(out, "%s%s ", shown++ ? ", " : "", status_name(p, order[i]));
			score_credit_text(p, status_credit(p, order[i]), out);
		}
	if (shown < k)
		buf_printf(out, "%sothers 0", shown ? ", " : "");
	int na = profile_not_applicable(p);
	if (na >= 0)
		buf_printf(out, "; %s excluded", status_name(p, na));
	buf_puts(out, " (docs/scoring.md)\n");
}

int cmd_score(int argc, char **argv)
{
	static const struct option opts[] = {
		{"by", required_argument, NULL, 'b'},
		{"format", required_argument, NULL, 'f'},
		{"db", required_argument, NULL, 'D'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *db = NULL, *format = "table";
	score_by_t by = SCORE_BY_NONE;
	int c, rc;
	optind = 1;
	while ((c = getopt_long(argc, argv, "b:f:D:h", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			if (strcmp(optarg, "theme") == 0)
				by = SCORE_BY_THEME;
			else if (strcmp(optarg, "priority") == 0)
				by = SCORE_BY_PRIORITY;
			else if (strcmp(optarg, "pilot") == 0)
				by = SCORE_BY_PILOT;
			else
				return cli_usage_error("score", usage, "cannot group by '%s' (theme, priority or pilot)", optarg);
			break;
		case 'f':
			if (strcmp(optarg, "table") && strcmp(optarg, "json"))
				return cli_usage_error("score", usage, "unknown format '%s' (table or json)", optarg);
			format = optarg;
			break;
		case 'D': db = optarg; break;
		case 'h':
			printf("usage: %s\n\nThe steering score of the current guide's practices (docs/scoring.md):\n"
			       "  score = Σ weight × credit / Σ weight, over applicable practices\n"
			       "  weight: Prioritaire 3, Recommandée 2, Aller plus loin 1 (sobre weights)\n"
			       "  credit: réalisée 1, en cours 1/2, planifiée / non engagée / non évaluée 0;\n"
			       "          non concernée leaves the denominator\n"
			       "  completion = assessed practices (status other than non évaluée) / all\n"
			       "Exact integer arithmetic; shown rounded half-up to one decimal.\n", usage);
			return EXIT_OK;
		default:
			return cli_usage_error("score", usage, "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage_error("score", usage, "unexpected argument '%s'", argv[optind]);
	store_t *s;
	if ((rc = cli_steer_open("score", db, false, false, &s)))
		return rc;
	diag_list_t d = DIAG_LIST_INIT;
	score_t sc;
	long long version;
	memset(&sc, 0, sizeof sc);
	rc = store_require_version(s, &version, &d);
	if (!rc)
		rc = score_compute(s, by, &sc, &d);
	rc = cli_steer_close("score", s, rc, &d);
	if (rc)
		return rc;
	buf_t out = BUF_INIT;
	if (strcmp(format, "json") == 0) {
		jsonw_t w;
		const score_t *scores[] = {&sc};
		jsonw_init(&w, &out);
		jsonout_score(&w, scores, 1);
		buf_putc(&out, '\n');
	} else {
		cli_table_t t = {0};
		const profile_t *p = sc.profile ? sc.profile : profile_builtin("gbpnr"); /* set by score_compute */
		const char *head[3 + PROFILE_MAX_STATUSES] = {
			by == SCORE_BY_THEME ? "theme" : by == SCORE_BY_PRIORITY ? "priority" : by == SCORE_BY_PILOT ? "pilot" : "",
			"score", "assessed"};
		status_t order[PROFILE_MAX_STATUSES];
		size_t k = status_display_order(p, order);
		for (size_t i = 0; i < k; i++)
			head[3 + i] = status_name(p, order[i]);
		cli_table_row(&t, 3 + k, head);
		table_row(&t, p, strcmp(p->id, "gbpnr") == 0 ? "all practices" : "all items", &sc.overall);
		for (size_t i = 0; i < sc.ngroups; i++) {
			buf_t label = BUF_INIT;
			if (by == SCORE_BY_THEME)
				buf_printf(&label, "%s %s", sc.groups[i].key, sc.groups[i].label);
			else
				buf_puts(&label, sc.groups[i].label);
			table_row(&t, p, buf_cstr(&label), &sc.groups[i].t);
			buf_free(&label);
		}
		cli_table_print(&t, (1u << (3 + k)) - 2, &out); /* every column but the label to the right */
		cli_table_free(&t);
		formula(&sc, p, &out);
	}
	fwrite(buf_cstr(&out), 1, out.len, stdout);
	buf_free(&out);
	score_free(&sc);
	return EXIT_OK;
}
