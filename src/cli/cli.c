/* cli: helpers shared by the commands. */
#include "cli/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "guide/rules.h"
#include "render/theme.h"
#include "steer/input.h"
#include "util/fs.h"
#include "util/utf8.h"

void cli_put_flat(buf_t *out, const char *s)
{
	if (!s) {
		buf_puts(out, "—");
		return;
	}
	for (; *s; s++)
		if (*s == '\n')
			buf_puts(out, " / ");
		else if (*s != '\r')
			buf_putc(out, *s);
}

int cli_usage_error(const char *cmd, const char *usage, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "sobre %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: %s\n", usage);
	return EXIT_USAGE;
}

void cli_rebase_diags(diag_list_t *d, const char *dir)
{
	if (strcmp(dir, ".") == 0 || strcmp(dir, "./") == 0)
		return;
	for (size_t i = 0; i < d->len; i++) {
		char *f = d->items[i].file;
		if (!f || *f == '/')
			continue;
		d->items[i].file = fs_join(dir, f);
		free(f);
	}
}

void cli_print_diags(FILE *f, const diag_list_t *d)
{
	buf_t out = BUF_INIT;
	for (size_t i = 0; i < d->len; i++)
		diag_format_text(&d->items[i], &out);
	fwrite(buf_cstr(&out), 1, out.len, f);
	buf_free(&out);
}

void cli_check_guide(const guide_t *g, diag_list_t *diags)
{
	/* The built-in theme always loads: its diagnostics would be the build's. */
	diag_list_t ignored = DIAG_LIST_INIT;
	theme_t *theme = theme_load(NULL, &ignored);
	const char **assets = theme ? theme_asset_names(theme) : NULL;
	rules_check(g, assets, theme ? theme_asset_count(theme) : 0, diags);
	free(assets);
	theme_free(theme);
	diag_list_free(&ignored);
}

guide_t *cli_load_valid_guide(const char *cmd, const char *dir, int *code)
{
	diag_list_t diags = DIAG_LIST_INIT;
	guide_t *g = guide_load(dir, &diags);
	if (g) {
		cli_check_guide(g, &diags);
		cli_rebase_diags(&diags, dir);
	}
	diag_sort(&diags);
	size_t errors = diag_count(&diags, DIAG_ERROR);
	if (!g || errors) {
		diag_list_t only = DIAG_LIST_INIT;
		for (size_t i = 0; i < diags.len; i++)
			if (diags.items[i].sev == DIAG_ERROR) {
				diag_copy(&only, &diags.items[i]);
			}
		cli_print_diags(stderr, &only);
		diag_list_free(&only);
		if (g)
			fprintf(stderr, "sobre %s: the guide has %zu error%s; fix %s first (sobre check %s)\n", cmd,
				errors, errors > 1 ? "s" : "", errors > 1 ? "them" : "it", dir);
		*code = g ? EXIT_PROBLEMS : EXIT_USAGE;
		guide_free(g);
		g = NULL;
	}
	diag_list_free(&diags);
	return g;
}

referentiel_t *cli_load_valid_referentiel(const char *cmd, const char *path, const char *profile_path,
					  profile_t **profile, int *code)
{
	diag_list_t diags = DIAG_LIST_INIT;
	referentiel_t *r = NULL;
	*profile = profile_path ? profile_load(profile_path, &diags) : NULL;
	if (!profile_path || *profile)
		r = referentiel_load(path, *profile, &diags);
	diag_sort(&diags);
	size_t errors = diag_count(&diags, DIAG_ERROR);
	if (!r || errors) {
		diag_list_t only = DIAG_LIST_INIT;
		for (size_t i = 0; i < diags.len; i++)
			if (diags.items[i].sev == DIAG_ERROR)
				diag_copy(&only, &diags.items[i]);
		cli_print_diags(stderr, &only);
		diag_list_free(&only);
		if (r || errors)
			fprintf(stderr, "sobre %s: %s has %zu error%s; fix %s first (sobre check %s%s%s)\n", cmd, path,
				errors, errors > 1 ? "s" : "", errors > 1 ? "them" : "it", profile_path ? "--profile " : "",
				profile_path ? profile_path : "", profile_path ? " ..." : path);
		*code = r ? EXIT_PROBLEMS : EXIT_USAGE;
		referentiel_free(r);
		r = NULL;
		profile_free(*profile);
		*profile = NULL;
	}
	diag_list_free(&diags);
	return r;
}

int cli_write_output(const char *cmd, const char *path, const char *data, size_t len)
{
	if (!path || strcmp(path, "-") == 0) {
		if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
			fprintf(stderr, "sobre %s: cannot write to standard output: %s\n", cmd, strerror(errno));
			return EXIT_USAGE;
		}
		return EXIT_OK;
	}
	int err = fs_write_atomic(path, data, len);
	if (err) {
		fprintf(stderr, "sobre %s: cannot write %s: %s\n", cmd, path, strerror(err));
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

size_t cli_width(const char *s)
{
	return utf8_length(s, strlen(s));
}

bool cli_is_file_source(const char *path)
{
	struct stat st;
	if (stat(path, &st) == 0)
		return !S_ISDIR(st.st_mode);
	size_t n = strlen(path);
	return (n > 5 && strcmp(path + n - 5, ".json") == 0) || (n > 4 && strcmp(path + n - 4, ".csv") == 0);
}

const char *cli_item_noun(const referentiel_t *r)
{
	const char *id = r->profile ? r->profile->id : "";
	bool one = r->nitems == 1;
	if (strncmp(id, "rgesn", 5) == 0)
		return one ? "criterion" : "criteria";
	if (strcmp(id, "gbpnr") == 0)
		return one ? "practice" : "practices";
	return one ? "item" : "items";
}

int cli_ref_unread_code(const diag_list_t *d)
{
	for (size_t i = 0; i < d->len; i++)
		if (d->items[i].rule &&
		    (strcmp(d->items[i].rule, "io-error") == 0 || strcmp(d->items[i].rule, "file-too-large") == 0 ||
		     strcmp(d->items[i].rule, "profile-too-large") == 0))
			return EXIT_USAGE;
	return EXIT_PROBLEMS;
}

void cli_put_means(buf_t *out, long long budget, long long staff)
{
	if (budget >= 0) {
		buf_printf(out, "%-10s", "budget");
		input_hundredths_fr(budget, true, out);
		buf_puts(out, " €\n");
	}
	if (staff >= 0) {
		buf_printf(out, "%-10s", "staff");
		input_hundredths_fr(staff, false, out);
		buf_puts(out, " person-days\n");
	}
}

bool cli_read_secret(const char *cmd, const char *key, const char *path, size_t max, buf_t *out)
{
	struct stat st;
	buf_reset(out);
	int err = fs_read_file(path, max, out);
	if (err) {
		fprintf(stderr, "sobre %s: cannot read %s %s: %s\n", cmd, key, path,
			err == EFBIG ? "larger than a secret file holds" : strerror(err));
		return false;
	}
	if (stat(path, &st) == 0 && (st.st_mode & S_IROTH))
		fprintf(stderr, "sobre %s: warning: %s can be read by every user of this machine (chmod 600 %s)\n", cmd,
			path, path);
	/* The file's last line break is not part of the secret. */
	size_t n = out->len;
	while (n && (buf_cstr(out)[n - 1] == '\n' || buf_cstr(out)[n - 1] == '\r'))
		n--;
	buf_truncate(out, n);
	if (!n) {
		fprintf(stderr, "sobre %s: %s %s is empty: it must hold the secret\n", cmd, key, path);
		return false;
	}
	return true;
}
