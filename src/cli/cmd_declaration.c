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
#include "util/xalloc.h"

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
	       "set FIELD VALUE  sets a text of the service (\"\" clears it); several pairs at\n"
	       "                 once, all saved or none. The fields:\n",
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

/* `set FIELD VALUE...`, read by hand rather than by getopt: a value may
 * start with '-' (a Markdown list). An argument where a field's name is
 * expected is an option if it starts with '-' (no field's name does):
 * --db FILE is taken there. args: what follows "set". */
static int do_set(const char *db, int n, char **args)
{
	const char **pairs = xcalloc((size_t)n + 1, sizeof *pairs);
	int npairs = 0, rc = EXIT_OK;
	for (int i = 0; i < n && !rc; i++) {
		const char *a = args[i];
		if (strcmp(a, "--db") == 0 && i + 1 < n)
			db = args[++i];
		else if (strncmp(a, "--db=", 5) == 0)
			db = a + 5;
		else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			free(pairs);
			help();
			return EXIT_OK;
		} else if (a[0] == '-')
			rc = cli_usage_error("declaration", usage, "unknown option '%s' (set takes FIELD VALUE pairs, and --db)", a);
		else if (i + 1 == n)
			rc = cli_usage_error("declaration", usage, "give a value after %s (\"\" clears it)", a);
		else {
			pairs[npairs++] = a;
			pairs[npairs++] = args[++i];
		}
	}
	if (!rc && !npairs)
		rc = cli_usage_error("declaration", usage, "give a field and its value, e.g. set nom \"Portail\"");
	store_t *s = NULL;
	if (!rc)
		rc = cli_steer_open("declaration set", db, false, true, &s);
	if (rc) {
		free(pairs);
		return rc;
	}
	diag_list_t d = DIAG_LIST_INIT;
	size_t changed = 0;
	/* Every pair is checked, so that all the mistakes are said at once;
	 * any refusal keeps none of them (the transaction is rolled back). */
	for (int i = 0; i + 1 < npairs; i += 2) {
		bool ch = false;
		int r = declaration_set(s, pairs[i], pairs[i + 1], &ch, &d);
		if (r == STEER_IO || (r && !rc))
			rc = r;
		changed += ch;
		if (r == STEER_IO)
			break;
	}
	free(pairs);
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
	/* set, after any --db: its pairs are read by do_set. */
	const char *db = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (strncmp(argv[i], "--db=", 5) == 0)
			db = argv[i] + 5;
		else if (strcmp(argv[i], "set") == 0)
			return do_set(db, argc - i - 1, argv + i + 1);
		else
			break;
	}
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
	const char *format = NULL, *output = NULL;
	const char *texts[DECL_NCRITERION_FIELDS] = {NULL};
	db = NULL;
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
		return cli_usage_error("declaration", usage, "set comes first: sobre declaration set FIELD VALUE... [--db FILE]");
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
