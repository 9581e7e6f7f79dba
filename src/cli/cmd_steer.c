/* cmd_steer: what the steering commands share: opening the database with
 * the actor and clock, the one transaction per command, printing steering
 * diagnostics, and aligned tables. */
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "steer/input.h"
#include "steer/perimeter.h"
#include "steer/store.h"
#include "util/xalloc.h"

void cli_steer_print(const char *cmd, const diag_list_t *d)
{
	buf_t out = BUF_INIT;
	for (size_t i = 0; i < d->len; i++) {
		const diag_t *x = &d->items[i];
		if (x->file && x->line > 0) {
			diag_format_text(x, &out);
			continue;
		}
		buf_printf(&out, "sobre %s: %s%s\n", cmd, x->sev == DIAG_ERROR ? "" : x->sev == DIAG_WARNING ? "warning: " : "",
			   x->msg);
		if (x->hint)
			buf_printf(&out, "  hint: %s\n", x->hint);
	}
	fwrite(buf_cstr(&out), 1, out.len, stderr);
	buf_free(&out);
}

/* $SOBRE_NOW: "YYYY-MM-DD" (noon UTC, the same date in every time zone
 * from UTC-11 to UTC+11) or "YYYY-MM-DDTHH:MM:SSZ". */
static bool parse_now(const char *s, time_t *out)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	size_t n = strlen(s);
	if ((n != 10 && n != 20) || s[4] != '-' || s[7] != '-')
		return false;
	tm.tm_year = input_digits(s, 4);
	tm.tm_mon = input_digits(s + 5, 2);
	tm.tm_mday = input_digits(s + 8, 2);
	tm.tm_hour = 12;
	if (n == 20) {
		if (s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z')
			return false;
		tm.tm_hour = input_digits(s + 11, 2);
		tm.tm_min = input_digits(s + 14, 2);
		tm.tm_sec = input_digits(s + 17, 2);
		if (tm.tm_hour < 0 || tm.tm_hour > 23 || tm.tm_min < 0 || tm.tm_min > 59 || tm.tm_sec < 0 ||
		    tm.tm_sec > 60)
			return false;
	}
	if (tm.tm_year < 1970 || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31)
		return false;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = timegm(&tm);
	return *out != (time_t)-1;
}

static const char *actor(void)
{
	const char *u = getenv("SOBRE_USER");
	if (u && *u)
		return u;
	struct passwd *pw = getpwuid(geteuid());
	if (pw && pw->pw_name && *pw->pw_name)
		return pw->pw_name;
	u = getenv("USER");
	return u && *u ? u : "unknown";
}

/* --perimeter and --guide, taken out of the command line by cli_take_scope. */
static const char *scope_perimeter, *scope_guide;
static bool scoped; /* the command is one of those that take them */

int cli_take_scope(const char *cmd, int *argc, char **argv)
{
	static const char *const names[2] = {"--perimeter", "--guide"};
	const char **slots[2] = {&scope_perimeter, &scope_guide};
	int out = 1;
	scoped = true;
	for (int i = 1; i < *argc; i++) {
		int k = -1;
		const char *value = NULL;
		if (strcmp(argv[i], "--") == 0) {
			while (i < *argc)
				argv[out++] = argv[i++];
			break;
		}
		for (int j = 0; j < 2 && k < 0; j++) {
			size_t n = strlen(names[j]);
			if (strncmp(argv[i], names[j], n) == 0 && (argv[i][n] == '\0' || argv[i][n] == '=')) {
				k = j;
				value = argv[i][n] == '=' ? argv[i] + n + 1 : NULL;
			}
		}
		if (k < 0) {
			argv[out++] = argv[i];
			continue;
		}
		if (!value && i + 1 >= *argc) {
			fprintf(stderr, "sobre %s: %s needs a value\n", cmd, names[k]);
			return EXIT_USAGE;
		}
		*slots[k] = value ? value : argv[++i];
	}
	argv[out] = NULL;
	*argc = out;
	return 0;
}

const char *cli_db(const char *opt)
{
	const char *env = getenv("SOBRE_DB");
	return opt ? opt : env && *env ? env : CLI_DEFAULT_DB;
}

int cli_steer_open(const char *cmd, const char *db, bool create, bool write, store_t **out)
{
	diag_list_t d = DIAG_LIST_INIT;
	store_t *s = NULL;
	const char *now = getenv("SOBRE_NOW");
	time_t t = 0;
	*out = NULL;
	if (now && *now && !parse_now(now, &t)) {
		fprintf(stderr, "sobre %s: SOBRE_NOW='%s' is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)\n", cmd, now);
		return EXIT_USAGE;
	}
	/* A read command works on a database it cannot write (a read-only
	 * folder, a full disk): it is opened read-only then. */
	int rc = store_open(cli_db(db), (create ? STORE_CREATE : 0) | (write ? 0 : STORE_READ), &s, &d);
	if (!rc) {
		store_set_actor(s, actor());
		if (now && *now)
			store_set_now(s, t);
		rc = store_begin(s, write, &d);
		if (!rc && scoped)
			rc = perimeter_scope(s, scope_perimeter, scope_guide, &d);
	}
	if (rc) {
		cli_steer_print(cmd, &d);
		store_close(s);
		s = NULL;
	}
	diag_list_free(&d);
	*out = s;
	return rc;
}

/* Profiles read from the database by the commands that ran: what they
 * print after closing the store names statuses through them. Freed at
 * exit. */
static profile_t **kept;
static size_t nkept;

static void free_kept(void)
{
	for (size_t i = 0; i < nkept; i++)
		profile_free(kept[i]);
	free(kept);
}

int cli_steer_close(const char *cmd, store_t *s, int rc, diag_list_t *d)
{
	profile_t *owned = s ? store_take_profile(s) : NULL;
	if (owned) {
		if (!kept)
			atexit(free_kept);
		kept = xrealloc(kept, (nkept + 1) * sizeof *kept);
		kept[nkept++] = owned;
	}
	if (s) {
		if (rc == 0)
			rc = store_commit(s, d);
		else
			store_rollback(s);
	}
	cli_steer_print(cmd, d);
	store_close(s);
	diag_list_free(d);
	return rc;
}

void cli_table_row(cli_table_t *t, size_t ncols, const char *const *cells)
{
	t->rows = xgrow(t->rows, &t->cap, t->nrows + 1, sizeof *t->rows);
	char **row = xcalloc(ncols + 1, sizeof *row);
	for (size_t i = 0; i < ncols; i++)
		row[i] = xstrdup(cells[i] ? cells[i] : "");
	t->rows[t->nrows++] = row;
	if (ncols > t->ncols)
		t->ncols = ncols;
}

void cli_table_print(cli_table_t *t, unsigned right_cols, buf_t *out)
{
	size_t *w = xcalloc(t->ncols + 1, sizeof *w);
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols && t->rows[r][c]; c++) {
			size_t x = cli_width(t->rows[r][c]);
			if (x > w[c])
				w[c] = x;
		}
	for (size_t r = 0; r < t->nrows; r++) {
		size_t start = out->len;
		for (size_t c = 0; c < t->ncols && t->rows[r][c]; c++) {
			const char *cell = t->rows[r][c];
			size_t pad = w[c] - cli_width(cell);
			if (c)
				buf_puts(out, "  ");
			if (right_cols & (1u << c))
				for (size_t i = 0; i < pad; i++)
					buf_putc(out, ' ');
			buf_puts(out, cell);
			if (!(right_cols & (1u << c)))
				for (size_t i = 0; i < pad; i++)
					buf_putc(out, ' ');
		}
		while (out->len > start && out->ptr[out->len - 1] == ' ')
			out->len--;
		buf_putc(out, '\n');
	}
	free(w);
}

void cli_table_free(cli_table_t *t)
{
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; t->rows[r][c]; c++)
			free(t->rows[r][c]);
		free(t->rows[r]);
	}
	free(t->rows);
	memset(t, 0, sizeof *t);
}
