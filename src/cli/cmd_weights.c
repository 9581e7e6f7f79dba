/* cmd_weights: `sobre weights [set PRIORITY=N ...]` — the score's weights
 * by priority, per database. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "steer/input.h"
#include "steer/store.h"
#include "util/fold.h"

static const char usage[] = "sobre weights [set PRIORITY=N ...] [--db FILE]";

/* A priority typed in any case, with or without accents, or a unique
 * prefix ("prio", "aller"). */
static int priority_of(const char *typed, size_t len)
{
	buf_t raw = BUF_INIT, key = BUF_INIT;
	buf_put(&raw, typed, len);
	fold_key(buf_cstr(&raw), &key);
	int found = -1, hits = 0;
	for (int i = 0; i < STORE_NPRIORITIES; i++) {
		buf_t k = BUF_INIT;
		fold_key(store_priorities[i], &k);
		if (strcmp(buf_cstr(&k), buf_cstr(&key)) == 0) {
			found = i;
			hits = 1;
			buf_free(&k);
			break;
		}
		if (key.len && strncmp(buf_cstr(&k), buf_cstr(&key), key.len) == 0) {
			found = i;
			hits++;
		}
		buf_free(&k);
	}
	buf_free(&raw);
	buf_free(&key);
	return hits == 1 ? found : -1;
}

int cmd_weights(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'D'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *db = NULL;
	int c, rc;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+D:h", opts, NULL)) != -1) {
		switch (c) {
		case 'D': db = optarg; break;
		case 'h':
			printf("usage: %s\n\nShows or sets the weight of each priority in the score (whole numbers\n"
			       "0-%d; default Prioritaire 3, Recommandée 2, Aller plus loin 1), e.g.\n"
			       "  sobre weights set Prioritaire=4 \"Aller plus loin=0\"\n"
			       "Snapshots keep the weights they were taken with.\n", usage, STORE_MAX_WEIGHT);
			return EXIT_OK;
		default:
			return cli_usage_error("weights", usage, "unknown option");
		}
	}
	bool set = optind < argc && strcmp(argv[optind], "set") == 0;
	if (optind < argc && !set)
		return cli_usage_error("weights", usage, "unknown subcommand '%s' (set)", argv[optind]);
	unsigned w[STORE_NPRIORITIES];
	bool given[STORE_NPRIORITIES] = {false, false, false};
	if (set) {
		if (optind + 1 >= argc)
			return cli_usage_error("weights", usage, "give PRIORITY=N pairs, e.g. Prioritaire=4");
		for (int i = optind + 1; i < argc; i++) {
			const char *eq = strrchr(argv[i], '=');
			if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
				db = argv[++i];
				continue;
			}
			if (!eq)
				return cli_usage_error("weights", usage, "'%s' is not PRIORITY=N", argv[i]);
			int p = priority_of(argv[i], (size_t)(eq - argv[i]));
			if (p < 0)
				return cli_usage_error("weights", usage, "'%.*s' is not a priority (Prioritaire, Recommandée, Aller plus loin)",
						       (int)(eq - argv[i]), argv[i]);
			long v;
			if (!input_whole(eq + 1, 0, STORE_MAX_WEIGHT, &v))
				return cli_usage_error("weights", usage, "the weight of %s must be a whole number from 0 to %d, not '%s'",
						       store_priorities[p], STORE_MAX_WEIGHT, eq + 1);
			w[p] = (unsigned)v;
			given[p] = true;
		}
	}
	store_t *s;
	if ((rc = cli_steer_open("weights", db, false, set, &s)))
		return rc;
	diag_list_t d = DIAG_LIST_INIT;
	unsigned cur[STORE_NPRIORITIES];
	rc = store_weights(s, cur, &d);
	if (!rc && set) {
		for (int i = 0; i < STORE_NPRIORITIES; i++)
			if (!given[i])
				w[i] = cur[i];
		rc = store_set_weights(s, w, &d);
		memcpy(cur, w, sizeof cur);
	}
	rc = cli_steer_close("weights", s, rc, &d);
	if (!rc) {
		cli_table_t t = {0};
		buf_t out = BUF_INIT;
		for (int i = 0; i < STORE_NPRIORITIES; i++) {
			char n[16];
			snprintf(n, sizeof n, "%u", cur[i]);
			const char *row[] = {store_priorities[i], n};
			cli_table_row(&t, 2, row);
		}
		cli_table_print(&t, 2, &out);
		fwrite(buf_cstr(&out), 1, out.len, stdout);
		buf_free(&out);
		cli_table_free(&t);
	}
	return rc;
}
