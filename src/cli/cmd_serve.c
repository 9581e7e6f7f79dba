/* cmd_serve: `sobre serve` — the guide's website from memory over HTTP,
 * reloaded (and the open pages refreshed) when files change with --watch,
 * and the steering web app under /pilotage/ on the database (created and
 * given the guide and a first admin when missing). Stops cleanly on Ctrl-C
 * or SIGTERM. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "steer/input.h"
#include "steer/account.h"
#include "steer/backup.h"
#include "steer/catalog.h"
#include "steer/store.h"
#include "util/config.h"
#include "util/fs.h"
#include "util/httpc.h"
#include "util/watch.h"
#include "util/xalloc.h"
#include "web/app.h"
#include "web/oidc.h"
#include "web/ops.h"
#include "web/pilotage.h"
#include "web/server.h"

static const char usage[] =
	"sobre serve [--port N] [--bind ADDR] [--db FILE] [--admin EMAIL] [--secure] [--theme DIR] [--base-url URL]\n"
	"                   [--trust-proxy] [--max-connections-per-address N] [--threads N]\n"
	"                   [--backups DIR [--keep-backups N]]\n"
	"                   [--metrics] [--watch] [--quiet] [--config FILE] [--oidc-issuer URL --oidc-client-id ID\n"
	"                   --oidc-client-secret-file FILE [--oidc-scopes SCOPES] [--oidc-name NAME]\n"
	"                   [--oidc-provision existing|domains] [--oidc-domains LIST] [--oidc-sirets LIST]]\n"
	"                   [--local-login yes|no] [DIR]";

typedef struct {
	app_t *app;
	pilotage_t *pilotage;
	ops_t *ops;
} serve_ctx_t;

/* /healthz and /metrics to ops, /pilotage/ to the steering app, everything
 * else to the guide's site. */
static void dispatch(void *ud, const web_request_t *req, web_response_t *res)
{
	serve_ctx_t *c = ud;
	if (ops_owns(c->ops, req->path))
		ops_handle(c->ops, req, res);
	else if (pilotage_owns(req->path))
		pilotage_handle(c->pilotage, req, res);
	else
		app_handle(c->app, req, res);
}

/* The site takes no body (GET and HEAD only); the app decides per route. */
static size_t admit(void *ud, const web_request_t *req)
{
	serve_ctx_t *c = ud;
	return pilotage_owns(req->path) ? pilotage_admit(c->pilotage, req) : 0;
}

/* Makes the database ready: created with the guide imported when missing or
 * empty, and a first admin when it has no user (its password printed once,
 * after the banner). Returns an exit code, printing what went wrong. */
static int prepare_db(const char *db, const char *dir, const char *admin, char password[ACCOUNT_PASSWORD_LEN + 1])
{
	diag_list_t d = DIAG_LIST_INIT;
	store_t *s = NULL;
	guide_t *g = NULL;
	int rc = store_open(db, STORE_CREATE | STORE_READ, &s, &d);
	long long version = 0;
	size_t users = 0;
	password[0] = '\0';
	/* Read first: a database with its guide and an account needs no write,
	 * so one that cannot be written (read-only, full disk) is still served. */
	if (rc || (rc = store_begin(s, false, &d)) || (rc = store_current_version(s, &version, NULL, &d)) ||
	    (rc = account_count(s, &users, &d)))
		goto done;
	store_rollback(s);
	if (version && users) {
		const char *ro = store_readonly_cause(s);
		const char *why = !ro ? NULL
				  : strcmp(ro, STORE_CAUSE_FULL) == 0 ? "the disk is full"
				  : store_location_is_postgres(db) ? "the database server accepts only reads"
								   : "it or its folder is read-only";
		/* store_name: a URI's password stays out of the log. */
		if (ro)
			fprintf(stderr, "sobre serve: warning: %s is opened read-only (%s): pages are served, but nothing "
					"can be saved, logins included, until sobre serve is restarted with write access\n",
				store_name(s), why);
		goto done;
	}
	/* Again under the write lock: another process may have done it. */
	if ((rc = store_begin(s, true, &d)) || (rc = store_current_version(s, &version, NULL, &d)))
		goto done;
	if (version == 0) {
		int code = 0;
		g = cli_load_valid_guide("serve", dir, &code);
		if (!g) {
			rc = code;
			goto done;
		}
		catalog_import_t imp;
		memset(&imp, 0, sizeof imp);
		store_set_actor(s, "sobre serve");
		rc = catalog_import(s, g, "gbpnr", profile_builtin("gbpnr"), dir, &imp, &d);
		if (!rc)
			fprintf(stderr, "sobre serve: %s: guide imported (%zu practices)\n", store_name(s), imp.new_c.len);
		catalog_import_free(&imp);
		if (rc)
			goto done;
	}
	if ((rc = account_count(s, &users, &d)))
		goto done;
	if (users == 0) {
		account_generate_password(password);
		store_set_actor(s, "sobre serve");
		if ((rc = account_add(s, admin, ROLE_ADMIN, NULL, 0, password, &d)))
			password[0] = '\0';
	}
	if (!rc)
		rc = store_commit(s, &d);
done:
	if (rc)
		password[0] = '\0';
	cli_print_diags(stderr, &d);
	diag_list_free(&d);
	store_close(s);
	guide_free(g);
	return rc ? (rc == STEER_IO ? EXIT_USAGE : rc) : EXIT_OK;
}

/* --backups: today's copy when missing, the old ones rotated. Returns false
 * (with the reason printed) when it failed; *day remembers the day done so
 * that the check costs nothing until the date changes. */
static bool daily_backup(const char *db, const char *dir, size_t keep, char day[16])
{
	char today[16];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	if (strcmp(today, day) == 0)
		return true;
	diag_list_t d = DIAG_LIST_INIT;
	backup_result_t res;
	steer_rc rc = backup_daily(db, dir, now, keep, &res, &d);
	cli_print_diags(stderr, &d);
	diag_list_free(&d);
	if (rc) {
		fprintf(stderr, "sobre serve: the daily backup into %s failed; still serving, trying again in 10 minutes\n",
			dir);
		return false;
	}
	if (res.written || res.removed)
		fprintf(stderr, "sobre serve: backup %s%s (%zu older removed, the newest %zu kept)\n", res.path,
			res.written ? " written" : " already there", res.removed, keep);
	memcpy(day, today, sizeof today);
	return true;
}

/* The server's lines carry their own time (web_log_fn). */
static void log_request(void *ud, const char *line)
{
	(void)ud;
	fprintf(stderr, "%s\n", line);
}

/* The tags of the options that have no letter. */
enum {
	T_OIDC_ISSUER = 256,
	T_OIDC_CLIENT_ID,
	T_OIDC_SECRET_FILE,
	T_OIDC_SCOPES,
	T_OIDC_NAME,
	T_OIDC_PROVISION,
	T_OIDC_DOMAINS,
	T_OIDC_SIRETS,
	T_LOCAL_LOGIN,
};

/* The largest client secret file read: a secret is tens of bytes. */
#define SERVE_MAX_SECRET_FILE 4096

/* Seconds between two runs of the reminders (a period's digest goes at the
 * first run of the period). */
#define SERVE_REMIND_EVERY 600
/* Tags of the options that have no letter. */
enum { SERVE_TAG_REMIND = 0x200 };

/* serve's settings: one row per key, the same in the settings file, in the
 * environment (SOBRE_<KEY>) and on the command line (--key, '_' as '-';
 * the guide's folder is the DIR argument). The tag is the option letter. */
const config_key_t cli_serve_keys[] = {
	{"port", CONFIG_INT, 0, 65535, "8080", 'p'},
	{"bind", CONFIG_STRING, 0, 0, "127.0.0.1", 'b'},
	{"guide", CONFIG_PATH, 0, 0, ".", 'g'},
	{"db", CONFIG_PATH, 0, 0, CLI_DEFAULT_DB, 'D'},
	{"admin", CONFIG_STRING, 0, 0, "admin@localhost", 'A'},
	{"theme", CONFIG_PATH, 0, 0, NULL, 't'},
	{"base_url", CONFIG_STRING, 0, 0, NULL, 'u'},
	{"watch", CONFIG_BOOL, 0, 0, "false", 'w'},
	{"quiet", CONFIG_BOOL, 0, 0, "false", 'q'},
	{"secure", CONFIG_BOOL, 0, 0, "false", 'S'},
	{"trust_proxy", CONFIG_BOOL, 0, 0, "false", 'P'},
	{"max_connections_per_address", CONFIG_INT, 0, WEB_MAX_CONNECTIONS, NULL, 'C'},
	{"threads", CONFIG_INT, 0, WEB_MAX_THREADS, "0", 'T'},
	{"backups", CONFIG_PATH, 0, 0, NULL, 'B'},
	{"keep_backups", CONFIG_INT, 1, BACKUP_MAX_KEEP, "30", 'K'},
	{"metrics", CONFIG_BOOL, 0, 0, "false", 'M'},
	{"oidc_issuer", CONFIG_STRING, 0, 0, NULL, T_OIDC_ISSUER},
	{"oidc_client_id", CONFIG_STRING, 0, 0, NULL, T_OIDC_CLIENT_ID},
	{"oidc_client_secret_file", CONFIG_PATH, 0, 0, NULL, T_OIDC_SECRET_FILE},
	{"oidc_scopes", CONFIG_STRING, 0, 0, "openid email profile", T_OIDC_SCOPES},
	{"oidc_name", CONFIG_STRING, 0, 0, NULL, T_OIDC_NAME},
	{"oidc_provision", CONFIG_STRING, 0, 0, "existing", T_OIDC_PROVISION},
	{"oidc_domains", CONFIG_STRING, 0, 0, NULL, T_OIDC_DOMAINS},
	{"oidc_sirets", CONFIG_STRING, 0, 0, NULL, T_OIDC_SIRETS},
	{"local_login", CONFIG_BOOL, 0, 0, "true", T_LOCAL_LOGIN},
	/* E-mail reminders (sobre remind, and serve on schedule): options
	 * without a letter, tagged from SERVE_TAG_REMIND. */
	{"reminder_period", CONFIG_STRING, 0, 0, "weekly", SERVE_TAG_REMIND},
	{"smtp_url", CONFIG_STRING, 0, 0, NULL, SERVE_TAG_REMIND + 1},
	{"smtp_tls", CONFIG_STRING, 0, 0, "starttls", SERVE_TAG_REMIND + 2},
	{"smtp_user", CONFIG_STRING, 0, 0, NULL, SERVE_TAG_REMIND + 3},
	{"smtp_password_file", CONFIG_PATH, 0, 0, NULL, SERVE_TAG_REMIND + 4},
	{"smtp_from", CONFIG_STRING, 0, 0, NULL, SERVE_TAG_REMIND + 5},
	{"smtp_ca_file", CONFIG_PATH, 0, 0, NULL, SERVE_TAG_REMIND + 6},
	{"smtp_timeout", CONFIG_INT, 1, 600, "30", SERVE_TAG_REMIND + 7},
};
enum { SERVE_NKEYS = sizeof cli_serve_keys / sizeof cli_serve_keys[0] };
const size_t cli_serve_nkeys = SERVE_NKEYS;

size_t cli_serve_settings(const char *path, config_value_t *vals, const char **used, diag_list_t *d)
{
	config_values_init(cli_serve_keys, SERVE_NKEYS, vals);
	size_t errors = 0;
	if (!path || !*path)
		path = getenv("SOBRE_CONFIG");
	if ((!path || !*path) && access(CLI_DEFAULT_CONFIG, F_OK) == 0)
		path = CLI_DEFAULT_CONFIG;
	*used = path && *path ? path : NULL;
	if (*used)
		errors += config_read(path, cli_serve_keys, SERVE_NKEYS, vals, d);
	buf_t name = BUF_INIT, why = BUF_INIT;
	for (size_t i = 0; i < SERVE_NKEYS; i++) {
		const config_key_t *k = &cli_serve_keys[i];
		config_value_t env = {NULL, CONFIG_FROM_ENV, 0};
		config_describe_source(k, &env, NULL, "SOBRE_", &name);
		const char *v = getenv(buf_cstr(&name) + 4);
		char *norm = NULL;
		if (!v)
			continue;
		/* Empty: the built-in default, whatever the file says; how a
		 * container's -e SOBRE_BACKUPS= takes back a line of the packaged
		 * settings file it cannot edit. */
		if (!*v) {
			config_set(&vals[i], k->def, CONFIG_FROM_ENV, 0);
			continue;
		}
		buf_reset(&why);
		if (config_check_value(k, v, &norm, &why)) {
			config_set(&vals[i], norm, CONFIG_FROM_ENV, 0);
		} else {
			diag_hint(diag_add(d, DIAG_ERROR, NULL, 0, 0, "config-bad-value", "%s is '%s', not a value of '%s'",
					   buf_cstr(&name) + 4, v, k->name),
				  "'%s' takes %s", k->name, buf_cstr(&why));
			errors++;
		}
		free(norm);
	}
	buf_free(&name);
	buf_free(&why);
	return errors;
}

static size_t tag_index(int tag)
{
	size_t i = 0;
	while (i < SERVE_NKEYS && cli_serve_keys[i].tag != tag)
		i++;
	return i;
}

static const char *val(const config_value_t *vals, int tag)
{
	const char *v = vals[tag_index(tag)].value;
	return v && *v ? v : NULL;
}

/* One combination error: about key (tag), with a hint. */
static void combo_error(diag_list_t *d, int tag, const char *hint, const char *msg)
{
	diag_hint(diag_add(d, DIAG_ERROR, NULL, 0, 0, "config-combination", "%s: %s", cli_serve_keys[tag_index(tag)].name,
			   msg),
		  "%s", hint);
}

size_t cli_serve_check(const config_value_t *vals, diag_list_t *d)
{
	size_t before = diag_count(d, DIAG_ERROR);
	const char *db = val(vals, 'D');
	if (val(vals, 'B') && db && store_location_is_postgres(db))
		combo_error(d, 'B', "remove it (a file you cannot edit: SOBRE_BACKUPS set empty), and back PostgreSQL "
				    "up with its own tools: pg_dump -Fc for a copy, pg_basebackup with WAL archiving for "
				    "point-in-time recovery",
			    "copies an SQLite file, and db is a PostgreSQL database");
	const char *issuer = val(vals, T_OIDC_ISSUER);
	static const int oidc_tags[] = {T_OIDC_CLIENT_ID, T_OIDC_SECRET_FILE, T_OIDC_NAME, T_OIDC_DOMAINS, T_OIDC_SIRETS};
	if (!issuer) {
		for (size_t i = 0; i < sizeof oidc_tags / sizeof *oidc_tags; i++)
			if (val(vals, oidc_tags[i]))
				combo_error(d, oidc_tags[i], "set oidc_issuer too, or remove this key",
					    "is set but oidc_issuer is not");
		const char *ll = val(vals, T_LOCAL_LOGIN);
		if (ll && strcmp(ll, "false") == 0)
			combo_error(d, T_LOCAL_LOGIN, "set oidc_issuer (and its client) to log in through a provider",
				    "no password logins and no OpenID Connect provider: no one could log in");
		return diag_count(d, DIAG_ERROR) - before;
	}
	if (!httpc_url_allowed(issuer))
		combo_error(d, T_OIDC_ISSUER, "plain http is only allowed to this machine (127.0.0.1, [::1], localhost)",
			    "the issuer must be an https URL");
	if (!val(vals, T_OIDC_CLIENT_ID))
		combo_error(d, T_OIDC_CLIENT_ID, "the client id the provider gave when the app was registered",
			    "is required with oidc_issuer");
	if (!val(vals, T_OIDC_SECRET_FILE))
		combo_error(d, T_OIDC_SECRET_FILE, "a file holding the client secret alone (mode 600)",
			    "is required with oidc_issuer");
	if (!val(vals, 'u'))
		combo_error(d, 'u', "the app's public address, e.g. https://sobre.example.gouv.fr: the provider sends "
				    "the browser back to <base_url>/pilotage/oidc/retour",
			    "is required with oidc_issuer");
	else if (strncmp(val(vals, 'u'), "https://", 8) != 0 && strncmp(val(vals, 'u'), "http://", 7) != 0)
		combo_error(d, 'u', "e.g. https://sobre.example.gouv.fr", "is not an http or https URL");
	const char *scopes = val(vals, T_OIDC_SCOPES);
	buf_t sp = BUF_INIT;
	buf_printf(&sp, " %s ", scopes ? scopes : "");
	if (!strstr(buf_cstr(&sp), " openid "))
		combo_error(d, T_OIDC_SCOPES, "e.g. openid email profile", "must include openid");
	buf_free(&sp);
	const char *prov = val(vals, T_OIDC_PROVISION);
	if (prov && strcmp(prov, "existing") != 0 && strcmp(prov, "domains") != 0)
		combo_error(d, T_OIDC_PROVISION, "existing (only accounts that exist) or domains (also new lecteurs "
						 "whose domain or SIRET is listed)", "is neither existing nor domains");
	else if (prov && strcmp(prov, "domains") == 0 && !val(vals, T_OIDC_DOMAINS) && !val(vals, T_OIDC_SIRETS))
		combo_error(d, T_OIDC_PROVISION, "list them in oidc_domains and/or oidc_sirets",
			    "domains needs e-mail domains or SIRETs to allow");
	return diag_count(d, DIAG_ERROR) - before;
}

/* What serve was asked for: the settings (defaults, file, environment,
 * options) and the values read out of them, which point into vals. */
typedef struct {
	config_value_t vals[SERVE_NKEYS];
	const char *bind, *theme_dir, *base, *db, *admin, *backups, *dir;
	size_t keep;
	int per_address; /* < 0: the server's default */
	int threads;     /* 0: one per core */
	int port;
	bool watch, quiet, secure, trust_proxy, metrics;
	cli_remind_config_t remind; /* remind.smtp.url NULL: no reminders */
} serve_opts_t;

static size_t key_index(int tag)
{
	size_t i = 0;
	while (i < SERVE_NKEYS && cli_serve_keys[i].tag != tag)
		i++;
	return i;
}

static const char *value_of(const serve_opts_t *o, int tag)
{
	return o->vals[key_index(tag)].value;
}

static bool bool_of(const serve_opts_t *o, int tag)
{
	const char *v = value_of(o, tag);
	return v && strcmp(v, "true") == 0;
}

static void print_help(void)
{
	printf("usage: %s\n\nServes the guide's website (the pages `sobre build` writes) from memory.\n"
	       "  --config FILE   the settings file (default $SOBRE_CONFIG, else %s when it\n"
	       "                  exists); every option below is also a key there and a variable\n"
	       "                  SOBRE_<KEY> (see docs/configuration.md): option > variable > file\n"
	       "  --port N        port to listen on (default 8080; 0 picks a free one)\n"
	       "  --bind ADDR     address to listen on (default 127.0.0.1: this machine only)\n"
	       "  --watch         reload when a file changes; open pages refresh themselves\n"
	       "  --quiet         no line per request\n"
	       "  --db FILE       the steering database behind /pilotage/ (default ./sobre.db; created\n"
	       "                  with the guide imported when missing), or a PostgreSQL URI\n"
	       "                  (postgresql://user@host/db), which several servers may share\n"
	       "  --admin EMAIL   the first admin created when the database has no user\n"
	       "                  (default admin@localhost; its password is printed once)\n"
	       "  --secure        Secure session cookie (HTTPS proxy in front)\n"
	       "  --trust-proxy   a reverse proxy on this machine in front: the client's address is\n"
	       "                  the last X-Forwarded-For entry (logs, login limits per address)\n"
	       "  --max-connections-per-address N  connections one client may hold open (default\n"
	       "                  %d; 0: no limit, the default with --trust-proxy, where the proxy limits)\n"
	       "  --threads N     threads answering requests (default 0: one per core)\n"
	       "  --backups DIR   a copy of the database in DIR every day (sobre-YYYY-MM-DD.db),\n"
	       "                  made at start and after midnight, consistent while serving\n"
	       "  --keep-backups N  the newest N daily copies are kept (default 30)\n"
	       "  --metrics       serve /metrics (Prometheus text format) to this machine only;\n"
	       "                  /healthz is always served\n"
	       "  --oidc-issuer URL  log in through this OpenID Connect provider (ProConnect,\n"
	       "                  Keycloak...; see docs/oidc.md); needs --base-url, --oidc-client-id\n"
	       "                  and --oidc-client-secret-file\n"
	       "  --oidc-client-id ID  the app's client id at the provider\n"
	       "  --oidc-client-secret-file FILE  the file holding the client secret\n"
	       "  --oidc-scopes SCOPES  the scopes asked (default \"openid email profile\")\n"
	       "  --oidc-name NAME  the login button's name (default ProConnect for ProConnect, else the\n"
	       "                  issuer's host)\n"
	       "  --oidc-provision existing|domains  only existing accounts log in (default), or also\n"
	       "                  new lecteurs whose e-mail domain or SIRET is listed\n"
	       "  --oidc-domains LIST  e-mail domains allowed new accounts (comma-separated)\n"
	       "  --oidc-sirets LIST  organisations (SIRET) allowed new accounts (comma-separated)\n"
	       "  --local-login yes|no  password logins (default yes; api tokens work either way)\n"
	       "  --smtp-url URL  send e-mail reminders through this server (smtp://host:587 with\n"
	       "                  STARTTLS, smtps://host:465), at start and every 10 minutes;\n"
	       "                  --reminder-period, --smtp-tls, --smtp-user, --smtp-password-file,\n"
	       "                  --smtp-from, --smtp-ca-file, --smtp-timeout: see docs/reminders.md\n",
	       usage, CLI_DEFAULT_CONFIG, WEB_MAX_PER_ADDRESS);
}

/* Takes one option's value (tag: its letter) into opt[], checked as the
 * settings file's would be. Returns -1 to go on, else the exit code. */
static int take_option(int tag, const char *arg, char *opt[SERVE_NKEYS])
{
	size_t i = key_index(tag);
	const config_key_t *k = &cli_serve_keys[i];
	char *norm = NULL;
	buf_t why = BUF_INIT;
	bool ok = config_check_value(k, arg, &norm, &why);
	char opt_name[64];
	snprintf(opt_name, sizeof opt_name, "%s", k->name);
	for (char *p = opt_name; *p; p++)
		if (*p == '_')
			*p = '-';
	if (!ok && tag >= SERVE_TAG_REMIND) {
		int rc = cli_usage_error("serve", usage, "--%s takes %s, not '%s'", opt_name, buf_cstr(&why), arg);
		buf_free(&why);
		return rc;
	}
	buf_free(&why);
	if (!ok) {
		if (k->type == CONFIG_BOOL)
			return cli_usage_error("serve", usage, "--%s takes yes or no, not '%s'", opt_name, arg);
		if (tag == T_OIDC_SECRET_FILE)
			return cli_usage_error("serve", usage, "--oidc-client-secret-file takes a file, not ''");
		if (tag == 'K')
			return cli_usage_error("serve", usage, "--keep-backups takes a number of days from 1 to %d, not '%s'",
					       BACKUP_MAX_KEEP, arg);
		if (tag == 'B')
			return cli_usage_error("serve", usage, "--backups takes a folder, and '%s' is not one", arg);
		if (k->type == CONFIG_PATH)
			return cli_usage_error("serve", usage, "%s takes a path, not ''", tag == 'g' ? "DIR" : "--theme");
		if (tag == 'C')
			return cli_usage_error("serve", usage,
					       "--max-connections-per-address takes a number from 0 (no limit) to %d, not '%s'",
					       WEB_MAX_CONNECTIONS, arg);
		return cli_usage_error("serve", usage, "--%s takes a number from %ld to %ld, not '%s'", k->name, k->min,
				       k->max, arg);
	}
	free(opt[i]);
	opt[i] = norm;
	return -1;
}

/* Reads the settings file, the environment and the options, in that order
 * of strength, into o; returns -1 to go on, else the exit code (help
 * printed, or a usage error). o->vals is set either way. */
static int parse_options(int argc, char **argv, serve_opts_t *o)
{
	memset(o, 0, sizeof *o);
	static const struct option opts[] = {
		{"port", required_argument, NULL, 'p'},
		{"bind", required_argument, NULL, 'b'},
		{"theme", required_argument, NULL, 't'},
		{"base-url", required_argument, NULL, 'u'},
		{"watch", no_argument, NULL, 'w'},
		{"quiet", no_argument, NULL, 'q'},
		{"db", required_argument, NULL, 'D'},
		{"admin", required_argument, NULL, 'A'},
		{"secure", no_argument, NULL, 'S'},
		{"backups", required_argument, NULL, 'B'},
		{"trust-proxy", no_argument, NULL, 'P'},
		{"keep-backups", required_argument, NULL, 'K'},
		{"max-connections-per-address", required_argument, NULL, 'C'},
		{"threads", required_argument, NULL, 'T'},
		{"config", required_argument, NULL, 'c'},
		{"metrics", no_argument, NULL, 'M'},
		{"oidc-issuer", required_argument, NULL, T_OIDC_ISSUER},
		{"oidc-client-id", required_argument, NULL, T_OIDC_CLIENT_ID},
		{"oidc-client-secret-file", required_argument, NULL, T_OIDC_SECRET_FILE},
		{"oidc-scopes", required_argument, NULL, T_OIDC_SCOPES},
		{"oidc-name", required_argument, NULL, T_OIDC_NAME},
		{"oidc-provision", required_argument, NULL, T_OIDC_PROVISION},
		{"oidc-domains", required_argument, NULL, T_OIDC_DOMAINS},
		{"oidc-sirets", required_argument, NULL, T_OIDC_SIRETS},
		{"local-login", required_argument, NULL, T_LOCAL_LOGIN},
		{"reminder-period", required_argument, NULL, SERVE_TAG_REMIND},
		{"smtp-url", required_argument, NULL, SERVE_TAG_REMIND + 1},
		{"smtp-tls", required_argument, NULL, SERVE_TAG_REMIND + 2},
		{"smtp-user", required_argument, NULL, SERVE_TAG_REMIND + 3},
		{"smtp-password-file", required_argument, NULL, SERVE_TAG_REMIND + 4},
		{"smtp-from", required_argument, NULL, SERVE_TAG_REMIND + 5},
		{"smtp-ca-file", required_argument, NULL, SERVE_TAG_REMIND + 6},
		{"smtp-timeout", required_argument, NULL, SERVE_TAG_REMIND + 7},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	char *opt[SERVE_NKEYS] = {NULL};
	const char *config = NULL;
	int rc = -1, c;
	diag_list_t d = DIAG_LIST_INIT;
	optind = 1;
	while (rc < 0 && (c = getopt_long(argc, argv, "p:b:t:u:wqD:A:SPB:K:C:c:Mh", opts, NULL)) != -1) {
		switch (c) {
		case 'c': config = optarg; break;
		case 'h':
			print_help();
			rc = EXIT_OK;
			break;
		case '?': rc = cli_usage_error("serve", usage, "unknown option"); break;
		default: rc = take_option(c, optarg ? optarg : "true", opt); break;
		}
	}
	if (rc < 0 && argc - optind > 1)
		rc = cli_usage_error("serve", usage, "too many arguments");
	if (rc < 0 && optind < argc)
		rc = take_option('g', argv[optind], opt);
	const char *used = NULL;
	size_t errors = cli_serve_settings(config, o->vals, &used, &d);
	if (rc < 0 && errors) {
		cli_print_diags(stderr, &d);
		fprintf(stderr, "sobre serve: the settings have %zu error%s; fix %s first (sobre config check%s%s)\n",
			errors, errors > 1 ? "s" : "", errors > 1 ? "them" : "it", used ? " " : "", used ? used : "");
		rc = EXIT_USAGE;
	}
	diag_list_free(&d);
	for (size_t i = 0; i < SERVE_NKEYS; i++) {
		if (opt[i])
			config_set(&o->vals[i], opt[i], CONFIG_FROM_OPTION, 0);
		free(opt[i]);
	}
	if (rc < 0 && cli_serve_check(o->vals, &d)) {
		cli_print_diags(stderr, &d);
		fprintf(stderr, "sobre serve: the settings do not hold together (sobre config check shows them all)\n");
		rc = EXIT_USAGE;
	}
	diag_list_free(&d);
	if (rc >= 0)
		return rc;
	if (used)
		fprintf(stderr, "sobre serve: settings read from %s\n", used);

	o->port = (int)strtol(value_of(o, 'p'), NULL, 10);
	o->bind = value_of(o, 'b');
	o->dir = value_of(o, 'g');
	o->db = value_of(o, 'D');
	o->admin = value_of(o, 'A');
	o->theme_dir = value_of(o, 't');
	o->base = value_of(o, 'u');
	o->watch = bool_of(o, 'w');
	o->quiet = bool_of(o, 'q');
	o->secure = bool_of(o, 'S');
	o->trust_proxy = bool_of(o, 'P');
	o->metrics = bool_of(o, 'M');
	o->per_address = value_of(o, 'C') ? (int)strtol(value_of(o, 'C'), NULL, 10) : -1;
	o->threads = (int)strtol(value_of(o, 'T'), NULL, 10);
	o->backups = value_of(o, 'B');
	o->keep = (size_t)strtol(value_of(o, 'K'), NULL, 10);
	if (!*o->bind)
		return cli_usage_error("serve", usage, "--bind takes an address (127.0.0.1, 0.0.0.0, ::1...)");
	if (o->vals[key_index('K')].source != CONFIG_FROM_DEFAULT && !o->backups)
		return cli_usage_error("serve", usage, "--keep-backups goes with --backups DIR");
	struct stat bst;
	if (o->backups && stat(o->backups, &bst) == 0 && !S_ISDIR(bst.st_mode))
		return cli_usage_error("serve", usage, "--backups takes a folder, and '%s' is not one", o->backups);
	if (o->theme_dir && !fs_is_dir(o->theme_dir))
		return cli_usage_error("serve", usage, "theme folder '%s' does not exist", o->theme_dir);
	/* Reminders when a mail server is set: their settings are checked now,
	 * not at the first send. */
	if (value_of(o, SERVE_TAG_REMIND + 1) && cli_remind_config("serve", cli_serve_keys, SERVE_NKEYS, o->vals, true, &o->remind))
		return EXIT_USAGE;
	return -1;
}

/* The reminders due (sobre remind's run), on a thread of their own: at
 * start and every 10 minutes. A slow mail server then delays no request,
 * no reload and no stop: stopping wakes the thread, which ends its run
 * between two messages (each bounded by smtp_timeout). What was sent is
 * recorded in the database, so a period's digest goes once whatever the
 * restarts and the other processes; a failure is logged and retried. */
typedef struct {
	const serve_opts_t *o;
	ops_t *ops;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	atomic_bool stop;
	pthread_t thread;
	bool started;
} reminder_thread_t;

static void *reminder_loop(void *arg)
{
	reminder_thread_t *t = arg;
	while (!atomic_load(&t->stop)) {
		unsigned long sent = 0, failed = 0;
		cli_remind_run("serve", &t->o->remind, t->o->db, NULL, &sent, &failed, &t->stop);
		ops_reminders(t->ops, sent, failed);
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += SERVE_REMIND_EVERY;
		pthread_mutex_lock(&t->lock);
		while (!atomic_load(&t->stop) && pthread_cond_timedwait(&t->wake, &t->lock, &until) == 0)
			;
		pthread_mutex_unlock(&t->lock);
	}
	return NULL;
}

/* Starts the thread when reminders are set up; false (and a message) when
 * it cannot be started, which serve takes as an error. */
static bool reminders_start(reminder_thread_t *t, const serve_opts_t *o, ops_t *ops)
{
	*t = (reminder_thread_t){.o = o, .ops = ops};
	atomic_init(&t->stop, false);
	if (!o->remind.smtp.url)
		return true;
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&t->wake, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&t->lock, NULL);
	if (pthread_create(&t->thread, NULL, reminder_loop, t) != 0) {
		fprintf(stderr, "sobre serve: cannot start the reminders' thread\n");
		pthread_cond_destroy(&t->wake);
		pthread_mutex_destroy(&t->lock);
		return false;
	}
	t->started = true;
	return true;
}

static void reminders_stop(reminder_thread_t *t)
{
	if (!t->started)
		return;
	pthread_mutex_lock(&t->lock);
	atomic_store(&t->stop, true);
	pthread_cond_broadcast(&t->wake);
	pthread_mutex_unlock(&t->lock);
	pthread_join(t->thread, NULL);
	pthread_cond_destroy(&t->wake);
	pthread_mutex_destroy(&t->lock);
}

/* Serves until SIGINT or SIGTERM (read from sfd), reloading the guide when
 * w (may be NULL) reports a change and making the daily backup. */
static void serve_until_stopped(const serve_opts_t *o, app_t *app, watch_t *w, int sfd, char backup_day[16])
{
	buf_t what = BUF_INIT;
	for (;;) {
		struct pollfd pf[2] = {{sfd, POLLIN, 0}, {w ? watch_fd(w) : -1, POLLIN, 0}};
		/* With --backups, a look at the date every 10 minutes. */
		if (poll(pf, w ? 2 : 1, o->backups ? 600 * 1000 : -1) < 0 && errno != EINTR)
			break;
		if (pf[0].revents)
			break;
		if (o->backups)
			daily_backup(o->db, o->backups, o->keep, backup_day);
		if (w && pf[1].revents) {
			buf_reset(&what);
			if (watch_wait(w, 0, &what) > 0) {
				diag_list_t rd = DIAG_LIST_INIT;
				if (app_reload(app, &rd) == 0) {
					fprintf(stderr, "sobre serve: %s changed, reloaded\n", buf_cstr(&what));
				} else {
					cli_rebase_diags(&rd, o->dir);
					cli_print_diags(stderr, &rd);
					fprintf(stderr, "sobre serve: %s changed; the guide has errors, still serving the "
							"previous version\n", buf_cstr(&what));
				}
				diag_list_free(&rd);
				watch_tree(w, o->dir);
			}
		}
	}
	buf_free(&what);
}

/* The provider's side of serve: the client secret (from its file), the
 * lists, the button's name. Owned by serve(). */
typedef struct {
	oidc_t *oidc;
	char *name;
	char **list; /* domains then SIRETs, in one allocation each */
	size_t ndomains, nsirets;
} serve_oidc_t;

static void serve_oidc_free(serve_oidc_t *so)
{
	oidc_free(so->oidc);
	free(so->name);
	for (size_t i = 0; i < so->ndomains + so->nsirets; i++)
		free(so->list[i]);
	free(so->list);
}

/* Appends the comma- or space-separated items of s to so->list. */
static size_t split_list(const char *s, serve_oidc_t *so, size_t *cap)
{
	size_t n = 0;
	while (s && *s) {
		s += strspn(s, ", \t");
		size_t len = strcspn(s, ", \t");
		if (len) {
			so->list = xgrow(so->list, cap, so->ndomains + so->nsirets + n + 1, sizeof *so->list);
			so->list[so->ndomains + so->nsirets + n++] = xstrndup(s, len);
		}
		s += len;
	}
	return n;
}

/* Returns -1 to go on (so filled, so->oidc NULL without a provider), else
 * the exit code. */
static int prepare_oidc(const serve_opts_t *o, serve_oidc_t *so, identity_rules_t *rules)
{
	memset(so, 0, sizeof *so);
	memset(rules, 0, sizeof *rules);
	const char *issuer = val(o->vals, T_OIDC_ISSUER);
	if (!issuer)
		return -1;
	const char *path = val(o->vals, T_OIDC_SECRET_FILE);
	buf_t secret = BUF_INIT;
	if (!cli_read_secret("serve", "oidc_client_secret_file", path, SERVE_MAX_SECRET_FILE, &secret)) {
		buf_free(&secret);
		return EXIT_USAGE;
	}
	if (httpc_global_init()) {
		fprintf(stderr, "sobre serve: libcurl cannot start\n");
		buf_free(&secret);
		return EXIT_USAGE;
	}
	buf_t base = BUF_INIT, redirect = BUF_INIT, after = BUF_INIT;
	buf_puts(&base, val(o->vals, 'u'));
	while (base.len && buf_cstr(&base)[base.len - 1] == '/')
		buf_truncate(&base, base.len - 1);
	buf_printf(&redirect, "%s/pilotage/oidc/retour", buf_cstr(&base));
	buf_printf(&after, "%s/pilotage/connexion", buf_cstr(&base));
	oidc_config_t oc = {issuer, val(o->vals, T_OIDC_CLIENT_ID), buf_cstr(&secret), val(o->vals, T_OIDC_SCOPES),
			    buf_cstr(&redirect), buf_cstr(&after)};
	so->oidc = oidc_new(&oc);
	sodium_memzero(secret.ptr, secret.len);
	buf_free(&secret);
	buf_free(&base);
	buf_free(&redirect);
	buf_free(&after);
	const char *name = val(o->vals, T_OIDC_NAME);
	if (name) {
		so->name = xstrdup(name);
	} else if (strstr(issuer, "proconnect") || strstr(issuer, "agentconnect")) {
		so->name = xstrdup("ProConnect");
	} else {
		const char *h = strstr(issuer, "://");
		h = h ? h + 3 : issuer;
		so->name = xstrndup(h, strcspn(h, ":/?#"));
	}
	size_t cap = 0;
	so->ndomains = split_list(val(o->vals, T_OIDC_DOMAINS), so, &cap);
	so->nsirets = split_list(val(o->vals, T_OIDC_SIRETS), so, &cap);
	rules->mode = strcmp(val(o->vals, T_OIDC_PROVISION), "domains") == 0 ? IDENTITY_LISTS : IDENTITY_EXISTING;
	rules->domains = (const char *const *)so->list;
	rules->ndomains = so->ndomains;
	rules->sirets = so->list ? (const char *const *)so->list + so->ndomains : NULL;
	rules->nsirets = so->nsirets;
	return -1;
}

/* The lines that say where to go and how to log in (the first admin's
 * password, shown once, then wiped). */
static void print_banner(const serve_opts_t *o, app_t *app, web_server_t *srv, bool watching, const serve_oidc_t *so,
			 char password[ACCOUNT_PASSWORD_LEN + 1])
{
	const char *host = strchr(o->bind, ':') ? "[::1]" : strcmp(o->bind, "0.0.0.0") == 0 ? "localhost" : o->bind;
	/* The log keeps these lines: a URI's password stays out. */
	char *db = store_location_name(o->db);
	printf("sobre serve: %zu practices at http://%s:%d%s (%sCtrl-C to stop)\n", app_practices(app), host,
	       web_server_port(srv), app_home(app), watching ? "reloading on changes; " : "");
	printf("sobre serve: steering app at http://%s:%d/pilotage/ (database %s)\n", host, web_server_port(srv), db);
	if (so->oidc)
		printf("sobre serve: logins through %s (%s)%s\n", so->name, val(o->vals, T_OIDC_ISSUER),
		       bool_of(o, T_LOCAL_LOGIN) ? " and with passwords" : "; password logins are off");
	if (password[0]) {
		printf("sobre serve: first login: %s with password %s (shown once; change it on the app's page "
		       "\"Mon compte\", or with: sobre user passwd %s --db %s)\n", o->admin, password, o->admin, db);
		sodium_memzero(password, ACCOUNT_PASSWORD_LEN + 1);
	} else {
		printf("sobre serve: log in with your account (new password: sobre user passwd EMAIL --db %s)\n", db);
	}
	free(db);
	fflush(stdout);
}

/* Serves as o says; returns the exit code. */
static int serve(const serve_opts_t *o)
{
	int prc;
	diag_list_t d = DIAG_LIST_INIT;
	app_config_t cfg = {o->dir, o->theme_dir, o->base, o->watch};
	app_t *app = app_new(&cfg, &d);
	if (!app) {
		cli_rebase_diags(&d, o->dir);
		cli_print_diags(stderr, &d);
		fprintf(stderr, "sobre serve: the guide has errors; fix them first (sobre check %s)\n", o->dir);
		diag_list_free(&d);
		return fs_is_dir(o->dir) ? EXIT_PROBLEMS : EXIT_USAGE;
	}
	if (account_init() != 0) {
		fprintf(stderr, "sobre serve: libsodium cannot start (no source of randomness)\n");
		app_free(app);
		return EXIT_USAGE;
	}
	if (o->remind.smtp.url)
		smtp_global_init(); /* before the server's threads */
	/* A backup folder that cannot be written is said now, before anything
	 * is created, not discovered the day a copy is needed. */
	int berr = o->backups ? fs_mkdirs(o->backups) : 0;
	if (!berr && o->backups && access(o->backups, W_OK | X_OK) != 0)
		berr = errno;
	if (berr) {
		fprintf(stderr, "sobre serve: cannot write backups into %s: %s (fix it, or leave --backups out)\n",
			o->backups, strerror(berr));
		app_free(app);
		return EXIT_USAGE;
	}
	char password[ACCOUNT_PASSWORD_LEN + 1];
	/* Every server thread gets its own connection (web/pilotage). */
	store_init_multithread();
	prc = prepare_db(o->db, o->dir, o->admin, password);
	if (prc) {
		app_free(app);
		return prc;
	}
	/* The first copy now (a failure, such as a full disk, is retried). */
	char backup_day[16] = "";
	if (o->backups)
		daily_backup(o->db, o->backups, o->keep, backup_day);
	serve_oidc_t so;
	identity_rules_t rules;
	if ((prc = prepare_oidc(o, &so, &rules)) >= 0) {
		serve_oidc_free(&so);
		app_free(app);
		return prc;
	}
	pilotage_config_t pc = {o->db, o->secure, app, so.oidc, so.name, rules, bool_of(o, T_LOCAL_LOGIN)};
	pilotage_t *pil = pilotage_new(&pc, &d);
	if (!pil) {
		cli_print_diags(stderr, &d);
		diag_list_free(&d);
		serve_oidc_free(&so);
		app_free(app);
		return EXIT_USAGE;
	}
	ops_config_t oc = {pil, o->metrics, SOBRE_VERSION};
	ops_t *ops = ops_new(&oc);
	serve_ctx_t sc = {app, pil, ops};

	/* Signals are read from a descriptor by this thread only: block them
	 * before the server threads start, which inherit the mask. */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	int sfd = signalfd(-1, &sigs, SFD_CLOEXEC);

	web_config_t wc = {o->bind, o->port, o->threads, o->quiet ? NULL : log_request, NULL, o->trust_proxy, admit, o->per_address,
			   ops_observe, ops};
	web_server_t *srv = web_server_start(&wc, dispatch, &sc, &d);
	if (!srv) {
		cli_print_diags(stderr, &d);
		diag_list_free(&d);
		ops_free(ops);
		pilotage_free(pil);
		serve_oidc_free(&so);
		app_free(app);
		close(sfd);
		return EXIT_USAGE;
	}
	watch_t *w = NULL;
	if (o->watch) {
		w = watch_new(&d);
		if (w) {
			watch_tree(w, o->dir);
			if (o->theme_dir)
				watch_tree(w, o->theme_dir);
		} else {
			cli_print_diags(stderr, &d);
		}
	}
	print_banner(o, app, srv, w != NULL, &so, password);

	reminder_thread_t rt;
	bool reminding = reminders_start(&rt, o, ops);
	if (reminding)
		serve_until_stopped(o, app, w, sfd, backup_day);
	fprintf(stderr, "sobre serve: stopping\n");
	reminders_stop(&rt);
	watch_free(w);
	web_server_stop(srv);
	ops_free(ops);
	pilotage_free(pil);
	serve_oidc_free(&so);
	app_free(app);
	close(sfd);
	diag_list_free(&d);
	return reminding ? EXIT_OK : EXIT_PROBLEMS;
}

int cmd_serve(int argc, char **argv)
{
	serve_opts_t o;
	int rc = parse_options(argc, argv, &o);
	if (rc < 0)
		rc = serve(&o);
	cli_remind_config_free(&o.remind);
	config_values_free(o.vals, SERVE_NKEYS);
	return rc;
}
