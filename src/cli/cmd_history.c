/* cmd_history: `sobre history [ID]` — the append-only change log. */
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "steer/input.h"
#include "steer/assess.h"
#include "steer/jsonout.h"
#include "steer/store.h"

static const char usage[] = "sobre history [ID] [--limit N] [--format text|json] [--db FILE]";

int cmd_history(int argc, char **argv)
{
	static const struct option opts[] = {
		{"limit", required_argument, NULL, 'n'},
		{"format", required_argument, NULL, 'f'},
		{"db", required_argument, NULL, 'D'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *db = NULL;
	long limit = 50;
	bool json = false;
	int c, rc;
	optind = 1;
	while ((c = getopt_long(argc, argv, "n:f:D:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n': {
			if (!input_whole(optarg, 0, LONG_MAX, &limit))
				return cli_usage_error("history", usage, "--limit takes a number of entries (0: all)");
			break;
		}
		case 'f':
			if (strcmp(optarg, "text") && strcmp(optarg, "json"))
				return cli_usage_error("history", usage, "unknown format '%s' (text or json)", optarg);
			json = strcmp(optarg, "json") == 0;
			break;
		case 'D': db = optarg; break;
		case 'h':
			printf("usage: %s\n\nThe change log (who, when, what, old -> new), oldest first: the last\n"
			       "50 entries (--limit 0: all), of practice ID or of the whole database.\n"
			       "It is append-only: the database refuses to change or delete it.\n"
			       "  --format json   {history: [...]} (docs/api.md)\n", usage);
			return EXIT_OK;
		default:
			return cli_usage_error("history", usage, "unknown option");
		}
	}
	if (argc - optind > 1)
		return cli_usage_error("history", usage, "give at most one practice id");
	store_t *s;
	if ((rc = cli_steer_open("history", db, false, false, &s)))
		return rc;
	diag_list_t d = DIAG_LIST_INIT;
	history_list_t h;
	rc = assess_history(s, optind < argc ? argv[optind] : NULL, (size_t)limit, &h, &d);
	rc = cli_steer_close("history", s, rc, &d);
	if (rc)
		return rc;
	buf_t out = BUF_INIT;
	if (json) {
		jsonw_t w;
		jsonw_init(&w, &out);
		jsonout_history(&w, &h);
		buf_putc(&out, '\n');
	} else {
		for (size_t i = 0; i < h.len; i++) {
			const history_entry_t *e = &h.items[i];
			buf_printf(&out, "%s  %s  %s%s%s: ", e->at, e->actor, e->idbp ? e->idbp : "", e->idbp ? " " : "",
				   e->field);
			cli_put_flat(&out, e->old_value);
			buf_puts(&out, " -> ");
			cli_put_flat(&out, e->new_value);
			buf_putc(&out, '\n');
		}
	}
	fwrite(buf_cstr(&out), 1, out.len, stdout);
	buf_free(&out);
	history_list_free(&h);
	return EXIT_OK;
}
