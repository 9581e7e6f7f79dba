/* cmd_build: `sobre build` — check the guide, then write its website
 * atomically; or read a référentiel file and write its site the same way;
 * --watch rebuilds on every change (inotify). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "guide/rules.h"
#include "render/refsite.h"
#include "render/site.h"
#include "util/fs.h"
#include "util/watch.h"
#include "util/xalloc.h"

static const char usage[] =
	"sobre build [-o OUT] [--theme DIR] [--base-url URL] [--watch] [--timings] [DIR | FILE [--profile FILE]]";

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void progress(size_t done, size_t total, void *ud)
{
	(void)ud;
	fprintf(stderr, "\rsobre build: %zu/%zu files", done, total);
	fflush(stderr);
}

/* The output must never be the guide itself or one of its parents (or the
 * folder of a référentiel file): the swap would move the sources away. */
static bool out_contains_guide(const char *out, const char *dir)
{
	char rd[PATH_MAX], ro[PATH_MAX];
	if (!realpath(dir, rd) || !realpath(out, ro))
		return false;
	size_t n = strlen(ro);
	return strncmp(rd, ro, n) == 0 && (rd[n] == '/' || rd[n] == '\0' || n == 1);
}

/* The folder that holds path ("." for a bare name). Caller frees. */
static char *parent_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return xstrdup(".");
	return slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path));
}

static bool timings; /* --timings: print how long each phase took */

static int build_once(const char *dir, const char *out, const char *theme_dir, const char *base_url, bool quiet_ok)
{
	double t0 = now_ms(), t_load = 0, t_theme = 0, t_check = 0, t_site = 0;
	int code = EXIT_OK;
	theme_t *theme = NULL;
	site_t *site = NULL;
#ifdef __GLIBC__
	/* The few outputs of megabytes (list, exports, sitemap) get memory of
	 * their own, given back when written: glibc's default raises its
	 * threshold after the first such block is freed, and the next ones
	 * then grow the heap for good (at 100,000 sheets, 100 MB of the peak). */
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
	char **html = NULL;  /* page bodies rendered by the check, for the site */
	size_t *html_len = NULL;
	const char **assets = NULL;
	diag_list_t diags = DIAG_LIST_INIT, theme_diags = DIAG_LIST_INIT;
	guide_t *g = guide_load(dir, &diags);
	if (!g) {
		cli_print_diags(stderr, &diags);
		code = EXIT_USAGE;
		goto cleanup;
	}
	t_load = now_ms();
	/* The theme before the check: no page may take the URL of one of its assets. */
	theme = theme_load(theme_dir, &theme_diags);
	if (theme)
		assets = theme_asset_names(theme);
	t_theme = now_ms();
	html = xcalloc(g->npages + 1, sizeof *html);
	html_len = xcalloc(g->npages + 1, sizeof *html_len);
	rules_check_build(g, assets, theme ? theme_asset_count(theme) : 0, &diags, html, html_len);
	t_check = now_ms();
	cli_rebase_diags(&diags, dir);
	diag_sort(&diags);
	size_t errors = diag_count(&diags, DIAG_ERROR), warnings = diag_count(&diags, DIAG_WARNING);
	if (errors) {
		cli_print_diags(stderr, &diags);
		fprintf(stderr, "sobre build: %zu error%s in the guide; nothing was written\n", errors,
			errors > 1 ? "s" : "");
		code = EXIT_PROBLEMS;
		goto cleanup;
	}
	if (warnings)
		fprintf(stderr, "sobre build: %zu warning%s (see sobre check %s)\n", warnings, warnings > 1 ? "s" : "",
			dir);
	diag_list_free(&diags);
	if (!theme) {
		cli_print_diags(stderr, &theme_diags);
		fprintf(stderr, "sobre build: the theme has errors; nothing was written\n");
		code = EXIT_PROBLEMS;
		goto cleanup;
	}
	const char *base = base_url ? base_url : guide_site_meta(g, "url");
	if (!base) {
		fprintf(stderr, "sobre build: the guide has no metadata.url (in _data/metadata.json); "
				"give the site's URL with --base-url\n");
		code = EXIT_USAGE;
		goto cleanup;
	}
	/* Every body is rendered now: the sources are no longer needed, and
	 * on a large guide they weigh as much as the HTML. */
	guide_adopt_html(g, html, html_len);
	html = NULL;
	html_len = NULL;
	guide_drop_sources(g);
#ifdef __GLIBC__
	/* The sources were freed among the bodies that stay: give their
	 * pages back before the site's outputs take their own (at 100,000
	 * sheets, about 100 MB of the peak). */
	malloc_trim(0);
#endif
	site = site_new(g, theme, base);
	t_site = now_ms();
	site_stats_t st = {0, 0};
	bool tty = isatty(STDERR_FILENO);
	int rc = site_write(site, out, 0, tty ? progress : NULL, NULL, &st, &diags);
	if (tty)
		fputs("\r\033[K", stderr);
	if (rc != 0) {
		cli_print_diags(stderr, &diags);
		fprintf(stderr, "sobre build: failed; %s was left as it was\n", out);
		code = EXIT_PROBLEMS;
		goto cleanup;
	}
	if (timings)
		fprintf(stderr, "sobre build: load %.0f ms, theme %.0f ms, check and Markdown %.0f ms, site %.0f ms, "
				"pages and swap %.0f ms\n",
			t_load - t0, t_theme - t_load, t_check - t_theme, t_site - t_check, now_ms() - t_site);
	if (!quiet_ok || tty)
		fprintf(stderr, "sobre build: %zu practices, %zu files, %.*f %s written to %s in %.0f ms\n",
			g->npractices, st.files, st.bytes < 1000000 ? 0 : 1,
			st.bytes < 1000000 ? st.bytes / 1e3 : st.bytes / 1e6, st.bytes < 1000000 ? "KB" : "MB", out,
			now_ms() - t0);
cleanup:
	for (size_t i = 0; html && i < g->npages; i++)
		free(html[i]);
	free(html);
	free(html_len);
	free(assets);
	site_free(site);
	theme_free(theme);
	guide_free(g);
	diag_list_free(&diags);
	diag_list_free(&theme_diags);
	return code;
}

static void print_written(const char *noun_count, const sitewrite_stats_t *st, const char *out, double t0)
{
	fprintf(stderr, "sobre build: %s, %zu files, %.*f %s written to %s in %.0f ms\n", noun_count, st->files,
		st->bytes < 1000000 ? 0 : 1, st->bytes < 1000000 ? st->bytes / 1e3 : st->bytes / 1e6,
		st->bytes < 1000000 ? "KB" : "MB", out, now_ms() - t0);
}

/* A référentiel file: read as check reads it (with the profile at
 * profile_path, if any), refused with its errors, else its site written
 * atomically. */
static int build_file(const char *file, const char *out, const char *theme_dir, const char *base_url,
		      const char *profile_path, bool quiet_ok)
{
	double t0 = now_ms(), t_load = 0, t_theme = 0;
	int code = EXIT_OK;
	theme_t *theme = NULL;
	refsite_t *site = NULL;
	referentiel_t *r = NULL;
	diag_list_t diags = DIAG_LIST_INIT, theme_diags = DIAG_LIST_INIT;
	profile_t *profile = profile_path ? profile_load(profile_path, &diags) : NULL;
	/* Without its profile the file cannot be read as meant: only the
	 * profile's problems are reported. */
	if (!profile_path || profile)
		r = referentiel_load(file, profile, &diags);
	t_load = now_ms();
	diag_sort(&diags);
	size_t errors = diag_count(&diags, DIAG_ERROR), warnings = diag_count(&diags, DIAG_WARNING);
	if (!r || errors) {
		cli_print_diags(stderr, &diags);
		if (r)
			fprintf(stderr, "sobre build: %zu error%s in the référentiel; nothing was written\n", errors,
				errors > 1 ? "s" : "");
		else if (profile_path && !profile)
			fprintf(stderr, "sobre build: the profile %s cannot be used; nothing was written\n", profile_path);
		else
			fprintf(stderr, "sobre build: %s could not be read; nothing was written\n", file);
		code = r ? EXIT_PROBLEMS : cli_ref_unread_code(&diags);
		goto cleanup;
	}
	if (warnings)
		fprintf(stderr, "sobre build: %zu warning%s (see sobre check %s)\n", warnings, warnings > 1 ? "s" : "",
			file);
	theme = theme_load(theme_dir, &theme_diags);
	t_theme = now_ms();
	if (!theme) {
		cli_print_diags(stderr, &theme_diags);
		fprintf(stderr, "sobre build: the theme has errors; nothing was written\n");
		code = EXIT_PROBLEMS;
		goto cleanup;
	}
	site = refsite_new(r, theme, base_url);
	double t_site = now_ms();
	sitewrite_stats_t st = {0, 0};
	bool tty = isatty(STDERR_FILENO);
	int rc = refsite_write(site, out, 0, tty ? progress : NULL, NULL, &st, &diags);
	if (tty)
		fputs("\r\033[K", stderr);
	if (rc != 0) {
		cli_print_diags(stderr, &diags);
		fprintf(stderr, "sobre build: failed; %s was left as it was\n", out);
		code = EXIT_PROBLEMS;
		goto cleanup;
	}
	if (timings)
		fprintf(stderr, "sobre build: load and check %.0f ms, theme %.0f ms, site %.0f ms, pages and swap %.0f ms\n",
			t_load - t0, t_theme - t_load, t_site - t_theme, now_ms() - t_site);
	if (!quiet_ok || tty) {
		char what[64];
		snprintf(what, sizeof what, "%zu %s", r->nitems, cli_item_noun(r));
		print_written(what, &st, out, t0);
	}
cleanup:
	refsite_free(site);
	theme_free(theme);
	referentiel_free(r);
	profile_free(profile);
	diag_list_free(&diags);
	diag_list_free(&theme_diags);
	return code;
}

/* One build of a guide folder or of a référentiel file. */
static int build_one(const char *src, bool file, const char *out, const char *theme_dir, const char *base_url,
		     const char *profile, bool quiet_ok)
{
	return file ? build_file(src, out, theme_dir, base_url, profile, quiet_ok)
		    : build_once(src, out, theme_dir, base_url, quiet_ok);
}

/* Watches the guide folder (or the folder of a référentiel file and of its
 * profile) and the theme. */
static int watch_loop(const char *src, bool file, const char *out, const char *theme_dir, const char *base_url,
		      const char *profile)
{
	diag_list_t d = DIAG_LIST_INIT;
	watch_t *w = watch_new(&d);
	if (!w) {
		cli_print_diags(stderr, &d);
		diag_list_free(&d);
		return EXIT_USAGE;
	}
	char *dir = file ? parent_of(src) : xstrdup(src);
	char *pdir = profile ? parent_of(profile) : NULL;
	/* Our own output changes at every build: it must not trigger one. */
	watch_skip(w, out);
	watch_tree(w, dir);
	if (pdir && strcmp(pdir, dir) != 0)
		watch_tree(w, pdir);
	if (theme_dir)
		watch_tree(w, theme_dir);
	fprintf(stderr, "sobre build: watching %s for changes (Ctrl-C to stop)\n", dir);
	buf_t what = BUF_INIT;
	for (;;) {
		buf_reset(&what);
		if (watch_wait(w, -1, &what) < 0)
			break;
		fprintf(stderr, "sobre build: %s changed, rebuilding\n", buf_cstr(&what));
		build_one(src, file, out, theme_dir, base_url, profile, false);
		watch_skip(w, out);
		watch_tree(w, dir); /* new folders */
	}
	buf_free(&what);
	watch_free(w);
	free(dir);
	free(pdir);
	return EXIT_OK;
}

int cmd_build(int argc, char **argv)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"theme", required_argument, NULL, 't'},
		{"base-url", required_argument, NULL, 'b'},
		{"profile", required_argument, NULL, 'p'},
		{"watch", no_argument, NULL, 'w'},
		{"timings", no_argument, NULL, 'T'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *out = NULL, *theme_dir = NULL, *base = NULL, *profile = NULL;
	bool watch = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:t:b:p:wh", opts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 't': theme_dir = optarg; break;
		case 'b': base = optarg; break;
		case 'p': profile = optarg; break;
		case 'w': watch = true; break;
		case 'T': timings = true; break;
		case 'h':
			printf("usage: %s\n\nChecks the guide, then writes its website to OUT (default DIR/_site); or reads\n"
			       "a référentiel file (the RGESN's JSON, NumEcoDiag's, the guide's JSON export,\n"
			       "CSV) as check does, then writes its site (default: _site beside FILE).\n"
			       "The new site replaces the old one only once complete.\n"
			       "  --theme DIR     files overriding the default theme's, by name\n"
			       "  --base-url URL  absolute URL of the site (default: metadata.url; required\n"
			       "                  for a référentiel file, which has none)\n"
			       "  --profile FILE  read the référentiel file with this profile (docs/referentiels.md)\n"
			       "  --watch         rebuild whenever a file of the guide or theme changes\n"
			       "  --timings       print how long each phase took\n", usage);
			return EXIT_OK;
		default:
			return cli_usage_error("build", usage, "unknown option");
		}
	}
	if (argc - optind > 1)
		return cli_usage_error("build", usage, "too many arguments");
	if (base && strncmp(base, "http://", 7) != 0 && strncmp(base, "https://", 8) != 0)
		return cli_usage_error("build", usage, "--base-url must be an absolute http(s) URL, not '%s'", base);
	const char *src = optind < argc ? argv[optind] : ".";
	bool file = cli_is_file_source(src);
	if (profile && !file)
		return cli_usage_error("build", usage, "--profile applies to a référentiel file, not to a guide folder");
	/* A référentiel file names no site: its sitemap and the exports' links
	 * need the URL it will be published at. */
	if (file && !base)
		return cli_usage_error("build", usage, "a référentiel file gives no site URL: give it with --base-url URL");
	if (theme_dir && !fs_is_dir(theme_dir))
		return cli_usage_error("build", usage, "theme folder '%s' does not exist", theme_dir);
	char *defout = NULL;
	if (!out) {
		char *dir = file ? parent_of(src) : NULL;
		out = defout = fs_join(file ? dir : src, "_site");
		free(dir);
	}
	if (fs_is_dir(out) && out_contains_guide(out, src)) {
		fprintf(stderr, "sobre build: the output folder %s contains the %s itself; choose another with -o\n", out,
			file ? "référentiel file" : "guide");
		free(defout);
		return EXIT_USAGE;
	}
	int code = build_one(src, file, out, theme_dir, base, profile, false);
	if (watch && code != EXIT_USAGE)
		code = watch_loop(src, file, out, theme_dir, base, profile);
	free(defout);
	return code;
}
