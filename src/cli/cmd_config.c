/* cmd_config: `sobre config check [FILE]` — the settings file serve would
 * read, checked key by key, and the settings that result with where each
 * comes from (default, FILE:LINE, env SOBRE_X), written as a settings file,
 * less the password of a PostgreSQL URI. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "steer/store.h"
#include "util/xalloc.h"

static const char usage[] = "sobre config check [FILE]";

/* value as the settings file would have it: quoted when the bare form
 * would read back differently (empty, blanks at its ends, a # after a
 * blank, a quote or a backslash first). */
static void put_value(buf_t *out, const char *v)
{
	size_t n = strlen(v);
	bool quote = n == 0 || v[0] == ' ' || v[0] == '\t' || v[0] == '"' || v[0] == '#' || v[n - 1] == ' ' ||
		     v[n - 1] == '\t' || strstr(v, " #") || strstr(v, "\t#");
	if (!quote) {
		buf_puts(out, v);
		return;
	}
	buf_putc(out, '"');
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			buf_putc(out, '\\');
		buf_putc(out, *v);
	}
	buf_putc(out, '"');
}

int cmd_config(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf("usage: %s\n\nChecks the settings file of sobre serve (default $SOBRE_CONFIG, else %s\n"
		       "when it exists) and prints the settings that result, with where each comes from:\n"
		       "the default, FILE:LINE, or a variable SOBRE_<KEY>. Exit status 1 when it has errors.\n"
		       "The keys are listed in docs/configuration.md.\n",
		       usage, CLI_DEFAULT_CONFIG);
		return EXIT_OK;
	}
	if (argc < 2 || strcmp(argv[1], "check") != 0)
		return cli_usage_error("config", usage, argc < 2 ? "missing the subcommand" : "unknown subcommand '%s'",
				       argc < 2 ? "" : argv[1]);
	if (argc > 3)
		return cli_usage_error("config", usage, "too many arguments");
	if (argc == 3 && argv[2][0] == '-')
		return cli_usage_error("config", usage, "unknown option '%s'", argv[2]);
	config_value_t *vals = xcalloc(cli_serve_nkeys, sizeof *vals);
	diag_list_t d = DIAG_LIST_INIT;
	const char *used = NULL;
	size_t errors = cli_serve_settings(argc == 3 ? argv[2] : NULL, vals, &used, &d);
	if (!errors)
		errors = cli_serve_check(vals, &d);
	cli_print_diags(stderr, &d);
	int rc = EXIT_OK;
	if (errors) {
		bool unread = d.len == 1 && strcmp(d.items[0].rule, "config-unreadable") == 0;
		fprintf(stderr, "sobre config: %zu error%s\n", errors, errors > 1 ? "s" : "");
		rc = unread ? EXIT_USAGE : EXIT_PROBLEMS;
		goto cleanup;
	}
	if (!used)
		fprintf(stderr, "sobre config: no settings file (%s does not exist): defaults and variables only\n",
			CLI_DEFAULT_CONFIG);
	cli_table_t t = {0};
	buf_t line = BUF_INIT, src = BUF_INIT, out = BUF_INIT;
	for (size_t i = 0; i < cli_serve_nkeys; i++) {
		buf_reset(&line);
		if (vals[i].value) {
			/* What is printed ends up in terminals, tickets and CI logs:
			 * a database URI goes without its password, as in every
			 * message of sobre (store_location_name). */
			char *db = strcmp(cli_serve_keys[i].name, "db") == 0 ? store_location_name(vals[i].value) : NULL;
			buf_printf(&line, "%s = ", cli_serve_keys[i].name);
			put_value(&line, db ? db : vals[i].value);
			free(db);
		} else {
			buf_printf(&line, "# %s is not set", cli_serve_keys[i].name);
		}
		config_describe_source(&cli_serve_keys[i], &vals[i], used, "SOBRE_", &src);
		buf_t note = BUF_INIT;
		buf_printf(&note, "# %s", buf_cstr(&src));
		const char *cells[] = {buf_cstr(&line), buf_cstr(&note)};
		cli_table_row(&t, 2, cells);
		buf_free(&note);
	}
	cli_table_print(&t, 0, &out);
	fwrite(buf_cstr(&out), 1, out.len, stdout);
	cli_table_free(&t);
	buf_free(&line);
	buf_free(&src);
	buf_free(&out);
cleanup:
	config_values_free(vals, cli_serve_nkeys);
	free(vals);
	diag_list_free(&d);
	return rc;
}
