/* cmd_user: `sobre user add|passwd|list|remove|token` — the web app's
 * accounts. Generated passwords and tokens are printed once: the database
 * keeps only their hashes. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "steer/input.h"
#include "steer/account.h"
#include "steer/store.h"
#include "util/utf8.h"
#include "util/xalloc.h"

static const char usage[] =
	"sobre user add EMAIL --role admin|pilote|lecteur [--perimeter NAME] [--function NAME]... [--password-stdin]\n"
	"       [--db FILE]\n"
	"       sobre user passwd EMAIL [--password-stdin] [--db FILE]\n"
	"       sobre user list [--db FILE]\n"
	"       sobre user remove EMAIL [--db FILE]\n"
	"       sobre user token EMAIL [--expires DAYS] [--db FILE]";

/* One line of stdin without its newline, in NFC as the login form sends
 * it (an accented password typed decomposed must open the account), or
 * NULL. Caller frees. */
static char *read_password(void)
{
	char line[ACCOUNT_MAX_PASSWORD + 2];
	if (!fgets(line, sizeof line, stdin))
		return NULL;
	size_t n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return utf8_nfc_strdup(line);
}

/* The password of add or passwd: a line of standard input, or a generated
 * one (also copied into generated, to be shown once). NULL, said, when
 * standard input has none. Caller frees. */
static char *new_password(bool from_stdin, char generated[ACCOUNT_PASSWORD_LEN + 1])
{
	if (from_stdin) {
		char *password = read_password();
		if (!password)
			fprintf(stderr, "sobre user: no password on standard input\n");
		return password;
	}
	account_generate_password(generated);
	return xstrdup(generated);
}

/* user list: one line per account, e-mail, role and functions by tabs, then
 * the perimeter for a role that holds on one only (none: everywhere). */
static steer_rc print_users(store_t *s, diag_list_t *d)
{
	account_list_t l;
	steer_rc rc = account_list(s, &l, d);
	for (size_t i = 0; !rc && i < l.len; i++) {
		printf("%s\t%s\t", l.items[i].email, account_role_name(l.items[i].role));
		for (size_t j = 0; j < l.items[i].nfunctions; j++)
			printf("%s%s", j ? "; " : "", l.items[i].functions[j]);
		if (l.items[i].perimeter_name)
			printf("\t%s", l.items[i].perimeter_name);
		printf("\n");
	}
	account_list_free(&l);
	return rc;
}

/* What a subcommand that succeeded says: a generated password or a token
 * alone on its line (shown once), the rest as sentences. */
static void print_done(const char *sub, const char *email, const char *generated, const char *token,
		       long long expires, long days)
{
	bool add = strcmp(sub, "add") == 0, passwd = strcmp(sub, "passwd") == 0;
	if ((add || passwd) && generated[0])
		printf("%s\t%s\n(shown once: give it to its owner)\n", email, generated);
	else if (add || passwd)
		printf("%s: password %s\n", email, add ? "set" : "changed");
	if (passwd)
		printf("%s: sessions closed, api token revoked\n", email);
	if (strcmp(sub, "token") == 0) {
		/* The token alone on standard output, for scripts: TOKEN=$(sobre user token ...). */
		char until[32];
		time_t t = (time_t)expires;
		struct tm tm;
		strftime(until, sizeof until, "%Y-%m-%d %H:%M UTC", gmtime_r(&t, &tm));
		printf("%s\n", token);
		fprintf(stderr, "sobre user: the token works until %s (%ld days)\n", until, days ? days : ACCOUNT_TOKEN_DAYS);
	} else if (strcmp(sub, "remove") == 0) {
		printf("%s removed\n", email);
	}
}

static void print_help(void)
{
	printf("usage: %s\n\nAccounts of the web app (sobre serve, /pilotage/). Roles: admin (everything),\n"
	       "pilote (edits the practices of its --function pilot functions), lecteur (reads).\n"
	       "A role holds on --perimeter NAME and below it (default: the organisation,\n"
	       "everywhere); list shows that perimeter after the functions. Only admins of\n"
	       "the organisation manage accounts, weights and the guide's version.\n"
	       "Without --password-stdin, add and passwd print a generated password once.\n"
	       "passwd also closes the user's sessions and revokes their api token.\n"
	       "token prints a new api token (Authorization: Bearer TOKEN) once, replacing the\n"
	       "previous one; it works for --expires DAYS (default %d, at most %d).\n",
	       usage, ACCOUNT_TOKEN_DAYS, ACCOUNT_MAX_TOKEN_DAYS);
}

/* The subcommand (not NULL), its arguments (nargs, the subcommand's included) and
 * the options that go with one subcommand only: the usage error said, or 0. */
static int check_usage(const char *sub, const char *email, int nargs, bool perimeter, bool days)
{
	if (strcmp(sub, "add") && strcmp(sub, "passwd") && strcmp(sub, "list") && strcmp(sub, "remove") &&
	    strcmp(sub, "token"))
		return cli_usage_error("user", usage, "unknown subcommand '%s'", sub);
	if (perimeter && strcmp(sub, "add") != 0)
		return cli_usage_error("user", usage, "--perimeter goes with user add");
	if (days && strcmp(sub, "token") != 0)
		return cli_usage_error("user", usage, "--expires goes with user token");
	bool needs_email = strcmp(sub, "list") != 0;
	if ((needs_email && !email) || nargs > (needs_email ? 2 : 1))
		return cli_usage_error("user", usage, needs_email ? "give one EMAIL" : "too many arguments");
	return 0;
}

int cmd_user(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'D'},
		{"role", required_argument, NULL, 'r'},
		{"perimeter", required_argument, NULL, 'p'},
		{"function", required_argument, NULL, 'f'},
		{"password-stdin", no_argument, NULL, 'P'},
		{"expires", required_argument, NULL, 'e'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *db = NULL, *role_s = NULL, *perimeter = NULL;
	const char **functions = NULL;
	size_t nfunctions = 0, fcap = 0;
	bool from_stdin = false;
	long days = 0;
	int c, rc = EXIT_USAGE;
	char *password = NULL;
	store_t *s = NULL;
	diag_list_t d = DIAG_LIST_INIT;
	optind = 1;
	while ((c = getopt_long(argc, argv, "D:r:p:f:Pe:h", opts, NULL)) != -1) {
		switch (c) {
		case 'D': db = optarg; break;
		case 'r': role_s = optarg; break;
		case 'p': perimeter = optarg; break;
		case 'f':
			functions = xgrow(functions, &fcap, nfunctions + 1, sizeof *functions);
			functions[nfunctions++] = optarg;
			break;
		case 'P': from_stdin = true; break;
		case 'e':
			if (!input_whole(optarg, 1, ACCOUNT_MAX_TOKEN_DAYS, &days)) {
				free(functions);
				return cli_usage_error("user", usage, "--expires takes a number of days from 1 to %d, not '%s'",
						       ACCOUNT_MAX_TOKEN_DAYS, optarg);
			}
			break;
		case 'h':
			print_help();
			free(functions);
			return EXIT_OK;
		default:
			free(functions);
			return cli_usage_error("user", usage, "unknown option");
		}
	}
	const char *sub = optind < argc ? argv[optind] : NULL;
	const char *email = optind + 1 < argc ? argv[optind + 1] : NULL;
	if (!sub) {
		rc = cli_usage_error("user", usage, "give a subcommand: add, passwd, list, remove or token");
		goto cleanup;
	}
	if ((rc = check_usage(sub, email, argc - optind, perimeter != NULL, days != 0)))
		goto cleanup;
	int role = ROLE_LECTEUR;
	if (strcmp(sub, "add") == 0) {
		role = account_role_parse(role_s);
		if (role < 0) {
			rc = cli_usage_error("user", usage, "--role must be admin, pilote or lecteur");
			goto cleanup;
		}
	}
	if (account_init() != 0) {
		fprintf(stderr, "sobre user: libsodium cannot start (no source of randomness)\n");
		rc = EXIT_USAGE;
		goto cleanup;
	}
	bool add = strcmp(sub, "add") == 0, passwd = strcmp(sub, "passwd") == 0;
	char generated[ACCOUNT_PASSWORD_LEN + 1] = "";
	if ((add || passwd) && !(password = new_password(from_stdin, generated))) {
		rc = EXIT_USAGE;
		goto cleanup;
	}
	if ((rc = cli_steer_open("user", db, false, strcmp(sub, "list") != 0, &s)))
		goto cleanup;
	char token[ACCOUNT_TOKEN_HEX];
	long long expires = 0;
	if (add) {
		rc = account_add_in(s, email, (account_role_t)role, perimeter, functions, nfunctions, password, &d);
	} else if (passwd) {
		rc = account_passwd(s, email, password, &d);
	} else if (strcmp(sub, "remove") == 0) {
		rc = account_remove(s, email, &d);
	} else if (strcmp(sub, "token") == 0) {
		rc = account_new_api_token(s, email, (int)days, token, &expires, &d);
	} else {
		rc = print_users(s, &d);
	}
	rc = cli_steer_close("user", s, rc, &d);
	if (rc == 0)
		print_done(sub, email, generated, token, expires, days);
cleanup:
	if (password) {
		memset(password, 0, strlen(password));
		free(password);
	}
	free(functions);
	return rc;
}
