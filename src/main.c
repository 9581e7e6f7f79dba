/* main: command dispatch only. Each command lives in src/cli/. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/utf8.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
	bool scoped; /* takes --perimeter and --guide (cli_take_scope) */
} commands[] = {
	{"check", cmd_check, "validate a guide and print its problems", false},
	{"list", cmd_list, "list the practices, filtered", false},
	{"export", cmd_export, "export the guide as CSV or JSON", false},
	{"build", cmd_build, "write the guide's website (and exports) atomically", false},
	{"serve", cmd_serve, "serve the guide's website over HTTP", false},
	{"config", cmd_config, "check serve's settings file; print the settings and where each comes from", false},
	/* Steering (database: ./sobre.db or --db FILE). */
	{"init", cmd_init, "create the steering database", false},
	{"guide", cmd_guide, "import a guide or a new version of it; list the versions imported; diff two", false},
	{"assess", cmd_assess, "set a practice's status, pilot, owner, due date, comment, evidence", true},
	{"show", cmd_show, "a practice with its assessment, indicators and history", true},
	{"measure", cmd_measure, "record a value of an indicator", true},
	{"indicator", cmd_indicator, "add a custom indicator, or change one's type, unit, target", true},
	{"indicators", cmd_indicators, "list the indicators, or those due for a measurement", true},
	{"weights", cmd_weights, "show or set the score's weights by priority", true},
	{"score", cmd_score, "the weighted score and completion, overall or by theme, priority, pilot", true},
	{"plan", cmd_plan, "the action plan: what to do next, quick wins first, overdue flagged", true},
	{"perimeter", cmd_perimeter, "the organisation's tree: add, list, attach a référentiel, rename, move, archive", false},
	{"consolidate", cmd_consolidate, "a parent perimeter: its children's scores, the mean, the items most often not done", true},
	{"objective", cmd_objective, "the strategy's objectives: a target on an indicator by a date, its trajectory's state", true},
	{"snapshot", cmd_snapshot, "freeze the statuses and score under a name; list; compare", true},
	{"export-assessment", cmd_export_assessment, "the assessments as CSV, JSON or XLSX", true},
	{"import-assessment", cmd_import_assessment, "apply a spreadsheet of assessments (all rows or none)", true},
	{"strategy", cmd_strategy, "the stratégie numérique responsable: the document the décret asks for (HTML, ODT, Markdown); its texts", true},
	{"report", cmd_report, "the management report: one printable HTML page", true},
	{"declaration", cmd_declaration, "a service's RGESN eco-design declaration (HTML, JSON, XLSX); set its texts", true},
	{"history", cmd_history, "the change log", true},
	{"user", cmd_user, "web app accounts: add, passwd, list, remove, token", false},
	{"remind", cmd_remind, "send the e-mail reminders now: digests of what is due, new pilots and owners", false},
	{"backup", cmd_backup, "a consistent copy of the database, even while serve runs", false},
	{"migrate-db", cmd_migrate_db, "move the database into a new one (a file or PostgreSQL), checked", false},
};

static void help(FILE *f)
{
	fprintf(f, "usage: sobre <command> [options] [DIR]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		fprintf(f, "  %-17s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nSteering commands work on one perimeter and one référentiel: --perimeter NAME\n"
		   "(default: the organisation, the root) and --guide ID (default: the only one\n"
		   "attached to that perimeter).\n"
		   "'sobre <command> --help' describes a command's options.\n");
}

/* Every argument in NFC, once for all commands: a pilot, a name or a
 * comment typed decomposed (as macOS terminals may pass it) is then the
 * same text as the one in the guide and the database. The normalized
 * copies live as long as the process. */
static void normalize_args(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		size_t n;
		char *nfc = utf8_nfc_new(argv[i], strlen(argv[i]), &n);
		if (nfc)
			argv[i] = nfc; /* only when it changed: argv itself is not malloc'd */
	}
}

int main(int argc, char **argv)
{
	normalize_args(argc, argv);
	if (argc < 2) {
		help(stderr);
		return EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		help(stdout);
		return EXIT_OK;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
		printf("sobre %s\n", SOBRE_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		if (strcmp(cmd, commands[i].name) == 0) {
			int n = argc - 1;
			if (commands[i].scoped && cli_take_scope(cmd, &n, argv + 1))
				return EXIT_USAGE;
			return commands[i].run(n, argv + 1);
		}
	fprintf(stderr, "sobre: unknown command '%s'\n", cmd);
	help(stderr);
	return EXIT_USAGE;
}
