/* cmd_guide: `sobre guide import DIR` (a guide into the steering database:
 * first import or upgrade), `sobre guide list` (the versions imported) and
 * `sobre guide diff OLD NEW` (a changelog). */
#include <getopt.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "steer/catalog.h"
#include "steer/jsonout.h"
#include "steer/store.h"

static const char usage[] = "sobre guide import SOURCE [--as ID] [--profile FILE] [--db FILE] | "
			    "sobre guide list [--format table|json] [--db FILE] | "
			    "sobre guide diff OLD_DIR NEW_DIR [--format text|json]";
static const char usage_import[] = "sobre guide import SOURCE [--as ID] [--profile FILE] [--db FILE]";
static const char list_usage[] = "sobre guide list [--format table|json] [--db FILE]";

static void change_summary(const catalog_delta_t *x, buf_t *out)
{
	const char *sep = ": ";
	if (x->changes & CATALOG_TITLE) {
		buf_printf(out, "%stitle", sep);
		sep = ", ";
	}
	if (x->changes & CATALOG_THEME) {
		buf_printf(out, "%stheme %s -> %s", sep, x->old->theme_id, x->new_->theme_id);
		sep = ", ";
	}
	if (x->changes & CATALOG_PRIORITY) {
		buf_printf(out, "%spriority %s -> %s", sep, x->old->priority, x->new_->priority);
		sep = ", ";
	}
	if (x->changes & CATALOG_DIFFICULTY) {
		buf_printf(out, "%sdifficulty %s -> %s", sep, x->old->difficulty, x->new_->difficulty);
		sep = ", ";
	}
	if (x->changes & CATALOG_WHO) {
		buf_printf(out, "%spilots", sep);
		sep = ", ";
	}
	if (x->changes & CATALOG_INDICATORS)
		buf_printf(out, "%sindicators", sep);
}

/* What a first import or an upgrade of a référentiel file says. */
static void import_summary(const char *id, const referentiel_t *r, const catalog_import_t *res, buf_t *out)
{
	const char *noun = strncmp(r->profile->id, "rgesn", 5) == 0 ? "criteria" : "items";
	if (res->unchanged) {
		buf_printf(out, "%s: version %s is already the current one, with the same content: nothing to import\n", id,
			   *r->version ? r->version : "(none)");
		return;
	}
	if (res->first) {
		buf_printf(out, "%s: %zu %s in %zu themes (%s, profile %s)\n", id, res->new_c.len, noun, r->nthemes,
			   referentiel_format_name(r->format), r->profile->id);
		if (!res->nperimeters)
			buf_printf(out, "next: sobre perimeter attach NAME --guide %s, then sobre assess ID --perimeter NAME\n",
				   id);
		return;
	}
	size_t review = 0;
	for (size_t i = 0; i < res->diff.len; i++)
		review += res->diff.items[i].old && res->diff.items[i].new_ &&
			  (res->diff.items[i].changes & (CATALOG_TITLE | CATALOG_SECTIONS));
	buf_printf(out, "%s: upgraded from %s to %s (%zu %s): %zu added (marked 'nouvelle'), %zu removed (archived), "
			"%zu changed, %zu unchanged\n",
		   id, *res->old_c.version ? res->old_c.version : "(none)", *r->version ? r->version : "(none)",
		   res->new_c.len, noun, res->diff.added, res->diff.removed, res->diff.changed, res->diff.unchanged);
	if (review)
		buf_printf(out, "  %zu reworded: their assessments are carried over and marked 'à revoir' until saved again\n",
			   review);
}

/* Imports a référentiel file (not a guide folder) as id. */
static int import_file(const char *db, const char *path, const char *as, const char *profile_path)
{
	int rc = EXIT_OK;
	profile_t *profile = NULL;
	referentiel_t *r = cli_load_valid_referentiel("guide import", path, profile_path, &profile, &rc);
	if (!r)
		return rc;
	const char *id = as ? as : r->id;
	store_t *s;
	if ((rc = cli_steer_open("guide import", db, false, true, &s))) {
		referentiel_free(r);
		profile_free(profile);
		return rc;
	}
	diag_list_t d = DIAG_LIST_INIT;
	catalog_import_t res;
	buf_t out = BUF_INIT;
	rc = catalog_import_referentiel(s, r, id, r->profile, path, &res, &d);
	if (!rc)
		import_summary(id, r, &res, &out);
	catalog_import_free(&res);
	rc = cli_steer_close("guide import", s, rc, &d);
	if (!rc)
		fwrite(buf_cstr(&out), 1, out.len, stdout);
	buf_free(&out);
	referentiel_free(r);
	profile_free(profile); /* after the store, which borrowed it */
	return rc;
}

/* A référentiel id: a short slug (lowercase ASCII letters, digits, '-'). */
static bool valid_id(const char *id)
{
	size_t n = strlen(id);
	if (n == 0 || n > 64 || id[0] == '-' || id[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= '0' && id[i] <= '9') || id[i] == '-'))
			return false;
	return true;
}

static int guide_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'D'},
		{"as", required_argument, NULL, 'a'},
		{"profile", required_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *db = NULL, *as = NULL, *profile_path = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "D:a:p:h", opts, NULL)) != -1) {
		switch (c) {
		case 'D': db = optarg; break;
		case 'a':
			if (!valid_id(optarg))
				return cli_usage_error("guide import", usage,
						       "--as takes a short id: lowercase letters, digits and '-', e.g. rgesn or grille-interne");
			as = optarg;
			break;
		case 'p': profile_path = optarg; break;
		case 'h':
			printf("usage: %s\n\n"
			       "Imports a référentiel (checked first: one with errors is refused) into the\n"
			       "steering database, or upgrades the one with the same id. SOURCE is the\n"
			       "guide's folder (id gbpnr), the RGESN's JSON as the DINUM site stores it\n"
			       "(2024 or 2022-2023 edition; id rgesn), the guide's JSON export, NumEcoDiag's\n"
			       "RGESN v1 file, or CSV (sobre's export, or any with --profile FILE: see\n"
			       "docs/referentiels.md). --as ID names it otherwise.\n"
			       "The first import of the database's first référentiel assesses it at the\n"
			       "root; others are assessed where sobre perimeter attach puts them.\n"
			       "An upgrade carries assessments, indicators, measurements and history over by\n"
			       "id; an item whose wording changed is marked 'à revoir' until someone saves its\n"
			       "assessment again; new items are marked 'nouvelle'; removed ones are archived,\n"
			       "never deleted. Snapshots keep the scores they had.\n", usage_import);
			return EXIT_OK;
		default:
			return cli_usage_error("guide import", usage, "unknown option");
		}
	}
	if (argc - optind != 1)
		return cli_usage_error("guide import", usage, "give one source: a guide folder or a référentiel file");
	const char *dir = argv[optind];
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return import_file(db, dir, as, profile_path);
	if (profile_path)
		return cli_usage_error("guide import", usage, "--profile is for a référentiel file: a guide folder has the "
							      "GBPNR's profile");
	int rc = EXIT_OK;
	guide_t *g = cli_load_valid_guide("guide import", dir, &rc);
	if (!g)
		return rc;
	store_t *s;
	if ((rc = cli_steer_open("guide import", db, false, true, &s))) {
		guide_free(g);
		return rc;
	}
	diag_list_t d = DIAG_LIST_INIT;
	catalog_import_t res;
	rc = catalog_import(s, g, as ? as : "gbpnr", profile_builtin("gbpnr"), dir, &res, &d);
	buf_t out = BUF_INIT;
	if (!rc) {
		size_t ninds = 0;
		for (size_t i = 0; i < res.new_c.len; i++)
			ninds += res.new_c.items[i].nindicators;
		const char *v = *res.new_c.version ? res.new_c.version : "(no version)";
		if (res.unchanged) {
			buf_printf(&out, "guide %s is already the current version, with the same content: nothing to import\n", v);
		} else if (res.first) {
			buf_printf(&out, "imported guide %s: %zu practices in %zu themes, %zu indicators\n", v, res.new_c.len,
				   g->nthemes, ninds);
			buf_puts(&out, "next: sobre assess ID --status S, sobre plan, sobre score\n");
		} else {
			buf_printf(&out, "upgraded the guide from %s to %s (%zu practices)\n",
				   *res.old_c.version ? res.old_c.version : "(no version)", v, res.new_c.len);
			buf_printf(&out, "  %zu practices carried over with their assessments, indicators and history\n",
				   res.carried);
			if (res.diff.added)
				buf_printf(&out, "  %zu new, marked 'nouvelle'\n", res.diff.added);
			if (res.restored)
				buf_printf(&out, "  %zu back from the archive with their assessments\n", res.restored);
			if (res.diff.removed)
				buf_printf(&out, "  %zu removed from the guide: archived, with their history\n",
					   res.diff.removed);
			if (res.diff.changed)
				buf_printf(&out, "  %zu changed in the guide\n", res.diff.changed);
			if (res.indicators_added || res.indicators_archived)
				buf_printf(&out, "  indicators: %zu added, %zu archived (measurements kept)\n",
					   res.indicators_added, res.indicators_archived);
			for (size_t i = 0; i < res.diff.len; i++) {
				const catalog_delta_t *x = &res.diff.items[i];
				const catalog_practice_t *p = catalog_delta_practice(x);
				buf_printf(&out, "  %c %s  %s", !x->old ? '+' : !x->new_ ? '-' : '~', p->idbp, p->title);
				if (!x->old)
					buf_puts(&out, "  [nouvelle]");
				else if (!x->new_)
					buf_puts(&out, "  [archived]");
				else
					change_summary(x, &out);
				buf_putc(&out, '\n');
			}
		}
	}
	catalog_import_free(&res);
	guide_free(g);
	rc = cli_steer_close("guide import", s, rc, &d);
	if (!rc)
		fwrite(buf_cstr(&out), 1, out.len, stdout);
	buf_free(&out);
	return rc;
}

static int guide_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"db", required_argument, NULL, 'D'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *db = NULL;
	bool json = false;
	int c, rc;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:D:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "table") && strcmp(optarg, "json"))
				return cli_usage_error("guide list", list_usage, "unknown format '%s' (table or json)", optarg);
			json = strcmp(optarg, "json") == 0;
			break;
		case 'D': db = optarg; break;
		case 'h':
			printf("usage: %s\n\n"
			       "The versions imported into the steering database of each référentiel\n"
			       "(a guide column when there are several), oldest first; the last one of\n"
			       "each is current (the one being steered). Each import of a new content\n"
			       "adds one; older copies are kept, unchanged, for the snapshots and the\n"
			       "history taken with them.\n"
			       "  --format json   {versions: [...]} (docs/api.md)\n", list_usage);
			return EXIT_OK;
		default:
			return cli_usage_error("guide list", list_usage, "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage_error("guide list", list_usage, "unexpected argument '%s'", argv[optind]);
	store_t *s;
	if ((rc = cli_steer_open("guide list", db, false, false, &s)))
		return rc;
	diag_list_t d = DIAG_LIST_INIT;
	catalog_versions_t v;
	rc = catalog_versions(s, &v, &d);
	rc = cli_steer_close("guide list", s, rc, &d);
	if (rc)
		return rc;
	buf_t out = BUF_INIT;
	if (json) {
		jsonw_t w;
		jsonw_init(&w, &out);
		jsonout_guide_versions(&w, &v);
		buf_putc(&out, '\n');
	} else {
		cli_table_t t = {0};
		/* The référentiel's column only when there are several. */
		size_t k = v.nguides > 1 ? 0 : 1;
		const char *head[] = {"guide", "version", "imported", "by", "practices", "source", ""};
		cli_table_row(&t, 7 - k, head + k);
		for (size_t i = 0; i < v.len; i++) {
			const catalog_version_t *x = &v.items[i];
			char n[24];
			snprintf(n, sizeof n, "%zu", x->practices);
			const char *row[] = {x->guide, *x->version ? x->version : "(no version)", x->imported_at, x->imported_by,
					     n, x->source, x->current ? "current" : ""};
			cli_table_row(&t, 7 - k, row + k);
		}
		if (v.len)
			cli_table_print(&t, 0x8u << (1 - k), &out);
		cli_table_free(&t);
		buf_printf(&out, "%zu guide version%s\n", v.len, v.len == 1 ? "" : "s");
	}
	fwrite(buf_cstr(&out), 1, out.len, stdout);
	buf_free(&out);
	catalog_versions_free(&v);
	return EXIT_OK;
}

static int guide_diff(int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"output", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *format = "text", *output = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "text") && strcmp(optarg, "json") && strcmp(optarg, "markdown"))
				return cli_usage_error("guide diff", usage, "unknown format '%s' (text or json)", optarg);
			format = optarg;
			break;
		case 'o': output = optarg; break;
		case 'h':
			printf("usage: sobre guide diff OLD_DIR NEW_DIR [--format text|json] [-o FILE]\n\n"
			       "Compares two versions of a guide: practices added, removed and changed\n"
			       "(title, theme, priority, difficulty, pilots, indicators).\n"
			       "  --format text   a French Markdown section for the guide's changelog page\n"
			       "  --format json   {from, to, added, removed, changed[{..., changes}]}\n");
			return EXIT_OK;
		default:
			return cli_usage_error("guide diff", usage, "unknown option");
		}
	}
	if (argc - optind != 2)
		return cli_usage_error("guide diff", usage, "give the old and the new guide folders");
	int rc = EXIT_OK;
	guide_t *a = cli_load_valid_guide("guide diff", argv[optind], &rc);
	if (!a)
		return rc;
	guide_t *b = cli_load_valid_guide("guide diff", argv[optind + 1], &rc);
	if (!b) {
		guide_free(a);
		return rc;
	}
	catalog_t ca, cb;
	catalog_diff_t diff;
	catalog_from_guide(a, &ca);
	catalog_from_guide(b, &cb);
	catalog_diff(&ca, &cb, &diff);
	buf_t out = BUF_INIT;
	if (strcmp(format, "json") == 0) {
		jsonw_t w;
		jsonw_init(&w, &out);
		jsonout_guide_diff(&w, &ca, &cb, &diff);
		buf_putc(&out, '\n');
	} else
		catalog_diff_markdown(&ca, &cb, &diff, &out);
	rc = cli_write_output("guide diff", output, buf_cstr(&out), out.len);
	buf_free(&out);
	catalog_diff_free(&diff);
	catalog_free(&ca);
	catalog_free(&cb);
	guide_free(a);
	guide_free(b);
	return rc;
}

int cmd_guide(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "import") == 0)
		return guide_import(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return guide_list(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "diff") == 0)
		return guide_diff(argc - 1, argv + 1);
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf("usage: %s\n\n  import  bring a guide (or a new version of it) into the steering database\n"
		       "  list    the guide versions imported into the database\n"
		       "  diff    compare two versions of a guide (changelog)\n"
		       "'sobre guide import --help', 'sobre guide list --help' and 'sobre guide diff --help' tell more.\n",
		       usage);
		return EXIT_OK;
	}
	if (argc < 2)
		return cli_usage_error("guide", usage, "give a subcommand: import, list or diff");
	return cli_usage_error("guide", usage, "unknown subcommand '%s' (import, list or diff)", argv[1]);
}
