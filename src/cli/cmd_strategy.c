/* cmd_strategy: `sobre strategy` — the stratégie numérique responsable
 * as a document (HTML, ODT, Markdown) — and `sobre strategy set`, its
 * texts only a person can write. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "steer/input.h"
#include "steer/strategy.h"
#include "steer/store.h"
#include "util/fs.h"

static const char usage[] =
	"sobre strategy [--year YYYY] [--format html|odt|md] [-o FILE] [--db FILE]\n"
	"       sobre strategy set introduction|gouvernance|bilan (TEXT | --file FILE.md) [--db FILE]";

static const char help_text[] =
	"\nThe stratégie numérique responsable of the perimeter (--perimeter; default: the\n"
	"organisation) and its sub-perimeters, in the parts the décret n° 2022-1084 asks\n"
	"for: 1. programme de travail (actors, the footprint's bilan, the actions already\n"
	"engaged), 2. objectives, 3. measures and means, 4. the annual review of YEAR\n"
	"(what changed since the last snapshot of the year before). docs/strategy.md says\n"
	"which part comes from where.\n"
	"  --year YYYY    the year reviewed (default: this year)\n"
	"  --format F     html (default: a printable page), odt (OpenDocument text, needs\n"
	"                 -o on a terminal) or md (Markdown, for a wiki)\n"
	"  -o FILE        write to FILE atomically instead of the standard output\n"
	"set: the texts only a person can write, in Markdown: introduction, gouvernance\n"
	"(who steers, which committee, how often), bilan (the review's commentary);\n"
	"an empty TEXT clears it.\n";

static int run_set(int argc, char **argv)
{
	static const struct option opts[] = {
		{"file", required_argument, NULL, 'F'},
		{"db", required_argument, NULL, 'D'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *db = NULL, *file = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "F:D:h", opts, NULL)) != -1) {
		switch (c) {
		case 'F': file = optarg; break;
		case 'D': db = optarg; break;
		case 'h': printf("usage: %s\n%s", usage, help_text); return EXIT_OK;
		default: return cli_usage_error("strategy set", usage, "unknown option");
		}
	}
	int want = file ? 1 : 2;
	if (argc - optind != want)
		return cli_usage_error("strategy set", usage,
				       file ? "give the text's name and --file FILE" : "give the text's name and the text (or --file FILE)");
	const char *key = argv[optind];
	if (!strategy_field(key))
		return cli_usage_error("strategy set", usage, "unknown text '%s' (introduction, gouvernance or bilan)", key);
	buf_t text = BUF_INIT;
	if (file) {
		int e = fs_read_file(file, STRATEGY_MAX_TEXT + 1, &text);
		if (e) {
			buf_free(&text);
			if (e == EFBIG)
				return cli_usage_error("strategy set", usage, "%s is longer than %d bytes, the limit of a text",
						       file, STRATEGY_MAX_TEXT);
			return cli_usage_error("strategy set", usage, "cannot read %s: %s", file, strerror(e));
		}
		if (memchr(text.ptr ? text.ptr : "", '\0', text.len)) {
			buf_free(&text);
			return cli_usage_error("strategy set", usage, "%s is not a text file (it holds a NUL byte)", file);
		}
	}
	store_t *s;
	int rc = cli_steer_open("strategy set", db, false, true, &s);
	if (rc) {
		buf_free(&text);
		return rc;
	}
	diag_list_t d = DIAG_LIST_INIT;
	bool changed = false;
	rc = strategy_set(s, key, file ? buf_cstr(&text) : argv[optind + 1], &changed, &d);
	rc = cli_steer_close("strategy set", s, rc, &d);
	if (!rc)
		printf("strategy %s: %s\n", strategy_field(key)->key, changed ? "saved" : "nothing changed (it already was so)");
	buf_free(&text);
	return rc;
}

int cmd_strategy(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "set") == 0)
		return run_set(argc - 1, argv + 1);
	static const struct option opts[] = {
		{"year", required_argument, NULL, 'y'},
		{"format", required_argument, NULL, 'f'},
		{"output", required_argument, NULL, 'o'},
		{"db", required_argument, NULL, 'D'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *db = NULL, *output = NULL;
	strategy_format_t format = STRATEGY_HTML;
	long year = 0;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "y:f:o:D:h", opts, NULL)) != -1) {
		switch (c) {
		case 'y':
			if (!input_whole(optarg, 2000, 9999, &year))
				return cli_usage_error("strategy", usage, "--year takes a year, e.g. 2026");
			break;
		case 'f':
			if (strcmp(optarg, "html") == 0)
				format = STRATEGY_HTML;
			else if (strcmp(optarg, "odt") == 0)
				format = STRATEGY_ODT;
			else if (strcmp(optarg, "md") == 0 || strcmp(optarg, "markdown") == 0)
				format = STRATEGY_MD;
			else
				return cli_usage_error("strategy", usage, "unknown format '%s' (html, odt or md)", optarg);
			break;
		case 'o': output = optarg; break;
		case 'D': db = optarg; break;
		case 'h': printf("usage: %s\n%s", usage, help_text); return EXIT_OK;
		default: return cli_usage_error("strategy", usage, "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage_error("strategy", usage, "unexpected argument '%s'", argv[optind]);
	if (format == STRATEGY_ODT && (!output || strcmp(output, "-") == 0) && isatty(STDOUT_FILENO))
		return cli_usage_error("strategy", usage, "an ODT file is binary: give -o FILE.odt");
	store_t *s;
	int rc = cli_steer_open("strategy", db, false, false, &s);
	if (rc)
		return rc;
	diag_list_t d = DIAG_LIST_INIT;
	buf_t out = BUF_INIT;
	rc = strategy_write(s, (int)year, format, &out, &d);
	rc = cli_steer_close("strategy", s, rc, &d);
	if (!rc)
		rc = cli_write_output("strategy", output, out.ptr ? out.ptr : "", out.len);
	buf_free(&out);
	return rc;
}
