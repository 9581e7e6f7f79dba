/* cmd_consolidate: `sobre consolidate` — a parent perimeter's children with
 * their scores, the consolidated score, and the items most often not done
 * below it. */
#include <getopt.h>
#include <string.h>

#include "cli/cli.h"
#include "steer/consolidate.h"
#include "steer/input.h"
#include "steer/jsonout.h"
#include "steer/store.h"

static const char usage[] = "sobre consolidate [--perimeter P] [--guide ID] [--format table|json] [--limit N] [--db FILE]";

static void tenths(buf_t *out, long t)
{
	if (t < 0)
		buf_puts(out, "—");
	else
		buf_printf(out, "%ld.%ld%%", t / 10, t % 10);
}

static void print_table(const consolidate_t *c, long limit, buf_t *out)
{
	buf_printf(out, "%s, %s: ", c->perimeter, c->guide);
	tenths(out, c->tenths);
	if (c->valued) {
		buf_puts(out, " (mean of ");
		buf_printf(out, "%zu %s; min ", c->valued, c->valued == 1 ? "child" : "children");
		tenths(out, c->min_tenths);
		buf_puts(out, ", max ");
		tenths(out, c->max_tenths);
		buf_putc(out, ')');
	}
	buf_printf(out, "; %zu assessed perimeter%s below\n\n", c->perimeters, c->perimeters == 1 ? "" : "s");
	cli_table_t t = {0};
	cli_table_row(&t, 4, (const char *const[]){"CHILD", "KIND", "SCORE", "PERIMETERS"});
	for (size_t i = 0; i < c->nchildren; i++) {
		const consolidate_child_t *x = &c->children[i];
		buf_t sc = BUF_INIT, n = BUF_INIT;
		tenths(&sc, x->tenths);
		if (x->consolidated)
			buf_puts(&sc, " (mean)");
		buf_printf(&n, "%zu", x->perimeters);
		cli_table_row(&t, 4, (const char *const[]){x->name, x->kind, buf_cstr(&sc), buf_cstr(&n)});
		buf_free(&sc);
		buf_free(&n);
	}
	cli_table_print(&t, 0, out);
	cli_table_free(&t);
	if (!c->nitems)
		return;
	buf_puts(out, "\nmost often not done:\n");
	status_t order[PROFILE_MAX_STATUSES];
	/* The status of the most progress (réalisée, validé) names "done". */
	const char *done_name = status_display_order(c->profile, order) ? status_name(c->profile, order[0]) : "done";
	for (size_t i = 0; i < c->nitems && (limit <= 0 || (long)i < limit); i++) {
		const consolidate_item_t *x = &c->items[i];
		buf_printf(out, "  %-6s %s in %zu of %zu, not done in %zu  %s\n", x->idbp, done_name, x->done, x->counted,
			   x->not_done, x->title);
	}
}

int cmd_consolidate(int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"limit", required_argument, NULL, 'n'},
		{"db", required_argument, NULL, 'D'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *db = NULL;
	bool json = false;
	long limit = 10;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:n:D:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "json") == 0)
				json = true;
			else if (strcmp(optarg, "table") != 0)
				return cli_usage_error("consolidate", usage, "unknown format '%s' (table or json)", optarg);
			break;
		case 'n':
			if (!input_whole(optarg, 0, 100000, &limit))
				return cli_usage_error("consolidate", usage, "--limit takes a whole number (0: all)");
			break;
		case 'D': db = optarg; break;
		case 'h':
			printf("usage: %s\n\n"
			       "The perimeter's children with their scores for one référentiel: a child's score\n"
			       "is its own, or the mean of its own children's when it has assessed ones\n"
			       "(marked 'mean'); the perimeter's consolidated score is the mean of its\n"
			       "children's, with min and max. Then the items most often not done across the\n"
			       "assessed perimeters below (--limit N, default 10, 0 for all; JSON lists all).\n",
			       usage);
			return EXIT_OK;
		default:
			return cli_usage_error("consolidate", usage, "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage_error("consolidate", usage, "unexpected argument '%s'", argv[optind]);
	store_t *s;
	int rc = cli_steer_open("consolidate", db, false, false, &s);
	if (rc)
		return rc;
	diag_list_t d = DIAG_LIST_INIT;
	consolidate_t x;
	buf_t out = BUF_INIT;
	if (!(rc = consolidate(s, &x, &d))) {
		if (json) {
			jsonw_t w;
			jsonw_init(&w, &out);
			jsonout_consolidation(&w, &x);
			buf_putc(&out, '\n');
		} else {
			print_table(&x, limit, &out);
		}
		consolidate_free(&x);
	}
	rc = cli_steer_close("consolidate", s, rc, &d);
	if (!rc)
		fwrite(buf_cstr(&out), 1, out.len, stdout);
	buf_free(&out);
	return rc;
}
