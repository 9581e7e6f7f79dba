/* cli: the terminal layer: one function per command (argument parsing,
 * printing, exit codes) plus the helpers they share. Only this layer and
 * main.c print or decide exit codes. */
#ifndef SOBRE_CLI_H
#define SOBRE_CLI_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>

#include "guide/guide.h"
#include "guide/referentiel.h"
#include "steer/remind.h"
#include "util/smtp.h"
#include "util/config.h"
#include "util/diag.h"

/* The version `sobre --version` prints (and /metrics labels). */
#ifndef SOBRE_VERSION
#define SOBRE_VERSION "0.1.0"
#endif

/* Exit codes shared by every command. */
enum { EXIT_OK = 0, EXIT_PROBLEMS = 1, EXIT_USAGE = 2 };

int cmd_check(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_build(int argc, char **argv);
int cmd_serve(int argc, char **argv);

/* Steering commands: the CLI side of src/steer/ (one cmd_*.c each). */
int cmd_init(int argc, char **argv);
int cmd_guide(int argc, char **argv);
int cmd_assess(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_measure(int argc, char **argv);
int cmd_indicator(int argc, char **argv);
int cmd_indicators(int argc, char **argv);
int cmd_weights(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_snapshot(int argc, char **argv);
int cmd_perimeter(int argc, char **argv);
int cmd_consolidate(int argc, char **argv);
int cmd_import_assessment(int argc, char **argv);
int cmd_export_assessment(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_declaration(int argc, char **argv);
int cmd_objective(int argc, char **argv);
int cmd_strategy(int argc, char **argv);
int cmd_history(int argc, char **argv);
/* Web app accounts and database backups. */
int cmd_user(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_migrate_db(int argc, char **argv);

/* The settings file serve reads unless told another (--config, $SOBRE_CONFIG),
 * when it exists. */
#define CLI_DEFAULT_CONFIG "/etc/sobre/sobre.conf"
/* serve's settings keys (cmd_serve.c), which sobre config checks. */
extern const config_key_t cli_serve_keys[];
extern const size_t cli_serve_nkeys;
/* Sets vals (cli_serve_nkeys of them; config_values_free releases them) to
 * the defaults, then the settings file path (NULL: $SOBRE_CONFIG, else
 * CLI_DEFAULT_CONFIG when it exists), then the SOBRE_<KEY> variables. *used
 * gets the file read (NULL: none). Returns the number of errors added to d. */
size_t cli_serve_settings(const char *path, config_value_t *vals, const char **used, diag_list_t *d);
/* Checks that the values hold together (the OpenID Connect keys, base_url,
 * local_login); returns the number of errors added to d. */
size_t cli_serve_check(const config_value_t *vals, diag_list_t *d);
int cmd_config(int argc, char **argv);

/* E-mail reminders: the command (cmd_remind.c) and the run serve also
 * makes on schedule (reminders.c). */
int cmd_remind(int argc, char **argv);
typedef struct {
	remind_period_t period;
	const char *base_url, *from; /* borrowed from the settings */
	smtp_config_t smtp;
	char *password; /* read from smtp_password_file; owned */
} cli_remind_config_t;
/* The reminder settings out of serve's (vals), checked: refused with the
 * reason printed (returns EXIT_USAGE) when a value is wrong, or when
 * need_smtp and there is no server to send to. */
int cli_remind_config(const char *cmd, const config_key_t *keys, size_t nkeys, const config_value_t *vals, bool need_smtp,
		      cli_remind_config_t *out);
/* The value of the key named name among keys (n of them), or NULL. */
const char *cli_setting(const config_key_t *keys, size_t n, const config_value_t *vals, const char *name);
void cli_remind_config_free(cli_remind_config_t *c);
/* Sends the digests of the period and the assignment messages waiting
 * (printed to dry instead when not NULL, nothing recorded); *sent and
 * *failed count them. stop (may be NULL), once set, ends the run between two
 * messages: what was not sent goes at the next run. Returns the exit code:
 * 1 when a send failed. */
int cli_remind_run(const char *cmd, const cli_remind_config_t *cfg, const char *db, FILE *dry, unsigned long *sent,
		   unsigned long *failed, const atomic_bool *stop);

/* Reads the secret of the settings key named key from the file path (at
 * most max bytes) into out, its last line break dropped; warns when every
 * user may read the file. false, the reason printed, when it cannot be
 * read, is too large or is empty. The caller wipes and frees out. */
bool cli_read_secret(const char *cmd, const char *key, const char *path, size_t max, buf_t *out);
/* Prints "sobre <cmd>: message" and the usage hint to stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));


/* Appends s on one line (history entries): line breaks as " / ", CR
 * dropped, NULL as "—". */
void cli_put_flat(buf_t *out, const char *s);
/* The "budget" and "staff" lines of a practice or an objective, in
 * French figures (nothing when unset: -1). */
void cli_put_means(buf_t *out, long long budget, long long staff);

/* Runs every rule over g, as `build` without --theme sees it: page URLs are
 * checked against the built-in theme's assets too. */
void cli_check_guide(const guide_t *g, diag_list_t *diags);

/* Loads and checks the guide in dir for commands that need a valid guide:
 * on errors prints them to stderr and returns NULL with *code set. */
guide_t *cli_load_valid_guide(const char *cmd, const char *dir, int *code);
/* A référentiel from any source (guide/referentiel.h), read with the profile
 * at profile_path (NULL: its format's), refused with its errors printed and
 * *code set when it has any. *profile gets the loaded profile (the caller
 * frees it after the référentiel), NULL without profile_path. */
referentiel_t *cli_load_valid_referentiel(const char *cmd, const char *path, const char *profile_path,
					  profile_t **profile, int *code);

/* Makes diagnostic paths (relative to the guide) relative to the current
 * directory, so editors and terminals can open them: "DIR/path". */
void cli_rebase_diags(diag_list_t *d, const char *dir);

/* Whether check and build read path as a référentiel file rather than a
 * guide folder: a file, or a path that names one by its extension (a
 * missing folder keeps the guide's message). */
bool cli_is_file_source(const char *path);
/* "criteria" for the RGESN's (or "criterion"), "practices" for the guide's,
 * else "items": what r's summary lines count. */
const char *cli_item_noun(const referentiel_t *r);
/* The exit status when nothing could be read of a référentiel: 2 when the
 * file or its profile could not be read at all (as for a missing guide
 * folder), 1 when it was read and is not a référentiel, or the profile
 * has mistakes. */
int cli_ref_unread_code(const diag_list_t *d);

/* Prints diagnostics gcc-style to f. */
void cli_print_diags(FILE *f, const diag_list_t *d);

/* Writes data to path atomically, or to stdout when path is NULL or "-".
 * Returns an exit code, printing the error. */
int cli_write_output(const char *cmd, const char *path, const char *data, size_t len);

/* Display width of a UTF-8 string in terminal columns (1 per code point). */
size_t cli_width(const char *s);

/* --- shared by the steering commands (cmd_steer.c) --- */

typedef struct store store_t;

/* The database every steering command uses unless given --db FILE or
 * $SOBRE_DB. */
#define CLI_DEFAULT_DB "sobre.db"
/* The database a command works on: its --db option when given (opt not
 * NULL), else $SOBRE_DB when set and not empty, else CLI_DEFAULT_DB. */
const char *cli_db(const char *opt);

/* Opens the database (creating it when create), sets the actor ($SOBRE_USER,
 * else the login name) and the clock ($SOBRE_NOW: YYYY-MM-DD or
 * YYYY-MM-DDTHH:MM:SSZ, for reproducible runs), and begins the command's one
 * transaction. On failure prints why and returns the exit code. */
int cli_steer_open(const char *cmd, const char *db, bool create, bool write, store_t **out);
/* Takes --perimeter NAME and --guide ID (also --x=NAME) out of argv (argc
 * updated) for cli_steer_open, which resolves them into the store's scope.
 * Returns non-zero, having said why, on an option without its value. */
int cli_take_scope(const char *cmd, int *argc, char **argv);
/* Ends the command: commits when rc is 0 (else rolls back), prints the
 * diagnostics, closes. Returns the exit code (rc, or 2 if the commit failed). */
int cli_steer_close(const char *cmd, store_t *s, int rc, diag_list_t *d);
/* Prints steering diagnostics: "sobre CMD: error: message" and its hint,
 * or file:line: for diagnostics about a file (CSV import). */
void cli_steer_print(const char *cmd, const diag_list_t *d);

/* An aligned text table: add rows of cells, then print. Cells are copied. */
typedef struct {
	char ***rows;
	size_t nrows, cap, ncols;
} cli_table_t;
void cli_table_row(cli_table_t *t, size_t ncols, const char *const *cells);
/* Columns padded to their widest cell (in code points), two spaces apart,
 * trailing spaces trimmed; a column in right_cols (bit i) is right-aligned. */
void cli_table_print(cli_table_t *t, unsigned right_cols, buf_t *out);
void cli_table_free(cli_table_t *t);

#endif
