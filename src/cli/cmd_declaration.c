/* cmd_declaration: `sobre declaration` — a service's RGESN eco-design
 * declaration: written as a printable HTML page, as the JSON RGESN tools
 * exchange or as the referents' XLSX grid; `set` and `criterion` write the
 * texts only a person can write. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "steer/declaration.h"
#include "steer/jsonout.h"
#include "steer/sheet.h"
#include "steer/store.h"

static const char usage[] =
	"sobre declaration [--format html|json|xlsx] [-o FILE] [--db FILE]\n"
	"       sobre declaration set FIELD VALUE [FIELD VALUE]... [--db FILE]\n"
	"       sobre declaration criterion ID [--text T] [--evolutions T] [--actions T] [--db FILE]";

static void help(void)
{
	printf("usage: %s\n\n"
	       "The eco-design declaration of a service assessed against the RGESN (the\n"
	       "perimeter and référentiel of --perimeter and --guide): its texts, the score with\n"
	       "its formula and target, the criteria validated, not validated, not applicable\n"
	       "(with their justification, the assessment's comment) and not assessed, each\n"
	       "criterion's declaration text, and the improvements (the criteria not validated,\n"
	       "with who and when, in the plan's order).\n"
	       "  --format html  one printable page in French to publish as it is (default)\n"
	       "  --format json  the format RGESN tools exchange (docs/api.md)\n"
	       "  --format xlsx  the grid, one row per criterion (needs -o on a terminal)\n"
	       "  -o FILE        write to FILE atomically instead of the standard output\n\n"
	       "set FIELD VALUE  sets a text of the service (\"\" clears it; several pairs at once;\n"
	       "                 a value starting with '-' goes after --). The fields:\n",
	       usage);
	for (size_t i = 0; i < DECL_NFIELDS; i++)
		printf("  %-24s %s\n", declaration_fields[i].key, declaration_fields[i].help);
	printf("  dates are YYYY-MM-DD (or DD/MM/YYYY); one-line texts up to 200 bytes, others up\n"
	       "  to 4000 (Markdown)\n\n"
	       "criterion ID     sets the texts of one criterion (\"\" clears one):\n"
	       "  --text T         texte_declaration: what the declaration says of it\n"
	       "  --evolutions T   evolutions_potentielles: the evolutions considered\n"
	       "  --actions T      actions_a_mener: the actions to carry out\n"
	       "Every change is in the history (sobre history).\n");
}

static int do_set(const char *db, int n, char **args)
{
	if (n < 2 || n % 2)
		return cli_usage_error("declaration", usage,
				       n ? "give a value after each field" : "give a field and its value, e.g. set nom \"Portail\"");
	store_t *s;
	int rc = cli_steer_open("declaration set", db, false, true, &s);
	if (rc)
		return rc;
	diag_list_t d = DIAG_LIST_INIT;
	size_t changed = 0;
	/* Every pair is checked and written; any refusal keeps none of them. */
	for (int i = 0; i + 1 < n; i += 2) {
		bool ch = false;
		int r = declaration_set(s, args[i], args[i + 1], &ch, &d);
		if (r == STEER_IO || (r && !rc))
			rc = r;
		changed += ch;
		if (r == STEER_IO)
			break;
	}
	rc = cli_steer_close("declaration set", s, rc, &d);
	if (!rc) {
		if (changed)
			printf("declaration: %zu change%s saved\n", changed, changed > 1 ? "s" : "");
		else
			printf("declaration: nothing changed (it already was so)\n");
	}
	return rc;
}

static int do_criterion(const char *db, const char *id, const char *const texts[DECL_NCRITERION_FIELDS])
{
	store_t *s;
	int rc = cli_steer_open("declaration criterion", db, false, true, &s);
	if (rc)
		return rc;
	diag_list_t d = DIAG_LIST_INIT;
	size_t changed = 0;
	for (size_t i = 0; i < DECL_NCRITERION_FIELDS && !rc; i++) {
		bool ch = false;
		if (texts[i])
			rc = declaration_set_criterion(s, id, declaration_criterion_fields[i].key, texts[i], &ch, &d);
		changed += ch;
	}
	rc = cli_steer_close("declaration criterion", s, rc, &d);
	if (!rc) {
		if (changed)
			printf("%s: %zu change%s saved\n", id, changed, changed > 1 ? "s" : "");
		else
			printf("%s: nothing changed (it already was so)\n", id);
	}
	return rc;
}

/* Writes the declaration in format (html, json, xlsx) to output. */
static int do_write(const char *db, const char *format, const char *output)
{
	bool xlsx = strcmp(format, "xlsx") == 0;
	if (xlsx && (!output || strcmp(output, "-") == 0) && isatty(STDOUT_FILENO))
		return cli_usage_error("declaration", usage, "an XLSX file is binary: give -o FILE.xlsx");
	store_t *s;
	int rc = cli_steer_open("declaration", db, false, false, &s);
	if (rc)
		return rc;
	diag_list_t d = DIAG_LIST_INIT;
	declaration_t x;
	buf_t out = BUF_INIT;
	bool loaded = !(rc = declaration_load(s, &x, &d));
	if (loaded && xlsx) {
		rc = sheet_declaration_xlsx(&x, &out, &d);
	} else if (loaded && strcmp(format, "json") == 0) {
		jsonw_t w;
		jsonw_init(&w, &out);
		jsonout_declaration(&w, &x);
		buf_putc(&out, '\n');
	} else if (loaded) {
		rc = declaration_html(&x, &out, &d);
	}
	if (loaded)
		declaration_free(&x);
	rc = cli_steer_close("declaration", s, rc, &d);
	if (!rc)
		rc = cli_write_output("declaration", output, out.ptr ? out.ptr : "", out.len);
	if (!rc && output && strcmp(output, "-") != 0)
		fprintf(stderr, "wrote %s\n", output);
	buf_free(&out);
	return rc;
}

int cmd_declaration(int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"output", required_argument, NULL, 'o'},
		{"text", required_argument, NULL, 't'},
		{"evolutions", required_argument, NULL, 'e'},
		{"actions", required_argument, NULL, 'a'},
		{"db", required_argument, NULL, 'D'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *db = NULL, *format = NULL, *output = NULL;
	const char *texts[DECL_NCRITERION_FIELDS] = {NULL};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:o:t:e:a:D:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "html") && strcmp(optarg, "json") && strcmp(optarg, "xlsx"))
				return cli_usage_error("declaration", usage, "unknown format '%s' (html, json or xlsx)", optarg);
			format = optarg;
			break;
		case 'o': output = optarg; break;
		case 't': texts[DECL_TEXTE_DECLARATION] = optarg; break;
		case 'e': texts[DECL_EVOLUTIONS_POTENTIELLES] = optarg; break;
		case 'a': texts[DECL_ACTIONS_A_MENER] = optarg; break;
		case 'D': db = optarg; break;
		case 'h': help(); return EXIT_OK;
		default:
			return cli_usage_error("declaration", usage, "unknown option");
		}
	}
	int n = argc - optind;
	const char *sub = n > 0 ? argv[optind] : "";
	bool texts_given = texts[0] || texts[1] || texts[2];
	if (*sub && (format || output))
		return cli_usage_error("declaration", usage, "--format and -o write the declaration: not with %s", sub);
	if (strcmp(sub, "criterion") != 0 && texts_given)
		return cli_usage_error("declaration", usage, "--text, --evolutions and --actions go with criterion ID");
	if (strcmp(sub, "set") == 0)
		return do_set(db, n - 1, argv + optind + 1);
	if (strcmp(sub, "criterion") == 0) {
		if (n != 2)
			return cli_usage_error("declaration", usage, "give one criterion id, e.g. criterion 1.1 --text \"...\"");
		if (!texts_given)
			return cli_usage_error("declaration", usage, "nothing to change: give --text, --evolutions or --actions");
		return do_criterion(db, argv[optind + 1], texts);
	}
	if (*sub)
		return cli_usage_error("declaration", usage, "unknown subcommand '%s' (set or criterion)", sub);
	return do_write(db, format ? format : "html", output);
}
