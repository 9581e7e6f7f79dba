/* cmd_check: `sobre check` — load a guide and run every rule, or read a
 * référentiel file; print the diagnostics. */
#include <getopt.h>
#include <string.h>

#include "cli/cli.h"
#include "guide/referentiel.h"

static const char usage[] = "sobre check [--format text|json] [--strict] [--profile FILE] [DIR|FILE]";

/* A référentiel file, read with the profile at profile_path (NULL: the
 * built-in of its format), reported like a guide, with the same summary. */
static int check_file(const char *path, const char *profile_path, bool json, bool strict)
{
	diag_list_t diags = DIAG_LIST_INIT;
	profile_t *profile = profile_path ? profile_load(profile_path, &diags) : NULL;
	/* Without its profile the file cannot be read as meant: only the
	 * profile's problems are reported. */
	referentiel_t *r = !profile_path || profile ? referentiel_load(path, profile, &diags) : NULL;
	if (strict)
		diag_promote_warnings(&diags);
	diag_sort(&diags);
	size_t errors = diag_count(&diags, DIAG_ERROR), warnings = diag_count(&diags, DIAG_WARNING);
	buf_t out = BUF_INIT;
	if (json) {
		diag_format_json(&diags, &out);
	} else {
		for (size_t i = 0; i < diags.len; i++)
			diag_format_text(&diags.items[i], &out);
		if (r)
			buf_printf(&out, "%zu %s in %zu theme%s (%s): %zu error%s, %zu warning%s\n", r->nitems,
				   cli_item_noun(r), r->nthemes, r->nthemes == 1 ? "" : "s", referentiel_format_name(r->format),
				   errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
	}
	int code = !r ? cli_ref_unread_code(&diags) : errors ? EXIT_PROBLEMS : EXIT_OK;
	if (cli_write_output("check", NULL, buf_cstr(&out), out.len) != EXIT_OK)
		code = EXIT_USAGE;
	buf_free(&out);
	referentiel_free(r);
	profile_free(profile);
	diag_list_free(&diags);
	return code;
}

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"strict", no_argument, NULL, 's'},
		{"profile", required_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	bool json = false, strict = false;
	const char *profile = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:sp:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "json") == 0)
				json = true;
			else if (strcmp(optarg, "text") != 0)
				return cli_usage_error("check", usage, "unknown format '%s' (text or json)", optarg);
			break;
		case 's':
			strict = true;
			break;
		case 'p':
			profile = optarg;
			break;
		case 'h':
			printf("usage: %s\n\nValidates a guide folder, or a référentiel file (the RGESN's JSON, the\n"
			       "guide's JSON export, NumEcoDiag's JSON, CSV), and prints its problems, gcc-style.\n"
			       "Exit status: 0 no error, 1 errors found, 2 usage or I/O failure.\n"
			       "  --format json  one JSON array of {file, line, column, severity, rule, message, hint}\n"
			       "  --strict       treat warnings as errors\n"
			       "  --profile FILE read a référentiel file with this profile (docs/referentiels.md):\n"
			       "                 required for a CSV that is not sobre's export\n", usage);
			return EXIT_OK;
		default:
			return cli_usage_error("check", usage, "unknown option");
		}
	}
	if (argc - optind > 1)
		return cli_usage_error("check", usage, "too many arguments");
	const char *dir = optind < argc ? argv[optind] : ".";
	if (cli_is_file_source(dir))
		return check_file(dir, profile, json, strict);
	if (profile)
		return cli_usage_error("check", usage, "--profile applies to a référentiel file, not to a guide folder");

	diag_list_t diags = DIAG_LIST_INIT;
	guide_t *g = guide_load(dir, &diags);
	if (g) {
		cli_check_guide(g, &diags);
		cli_rebase_diags(&diags, dir);
	}
	if (strict)
		diag_promote_warnings(&diags);
	diag_sort(&diags);
	size_t errors = diag_count(&diags, DIAG_ERROR), warnings = diag_count(&diags, DIAG_WARNING);
	buf_t out = BUF_INIT;
	if (json) {
		diag_format_json(&diags, &out);
	} else {
		for (size_t i = 0; i < diags.len; i++)
			diag_format_text(&diags.items[i], &out);
		if (g)
			buf_printf(&out, "%zu practice%s in %zu theme%s: %zu error%s, %zu warning%s\n", g->npractices,
				   g->npractices == 1 ? "" : "s", g->nthemes, g->nthemes == 1 ? "" : "s", errors,
				   errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
	}
	int code = !g ? EXIT_USAGE : errors ? EXIT_PROBLEMS : EXIT_OK;
	/* The report is check's product: if it cannot be written (a full disk,
	 * a closed pipe), CI must not read the exit status as a clean guide. */
	if (cli_write_output("check", NULL, buf_cstr(&out), out.len) != EXIT_OK)
		code = EXIT_USAGE;
	buf_free(&out);
	guide_free(g);
	diag_list_free(&diags);
	return code;
}
