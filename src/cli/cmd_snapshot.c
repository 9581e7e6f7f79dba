/* cmd_snapshot: `sobre snapshot create NAME | list | diff A [B]` — frozen
 * states of the assessment and how the score moved between them. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "steer/jsonout.h"
#include "steer/snapshot.h"
#include "steer/store.h"

static const char usage[] = "sobre snapshot create NAME | list | diff A [B] [--format table|json] [--db FILE]";

static void pct(buf_t *out, uint64_t num, uint64_t den)
{
	score_format(num, den, '.', out);
	if (den)
		buf_putc(out, '%');
}

/* "+12.5", "-3.0", "±0.0" in points of percentage, from the rounded values. */
static void delta(buf_t *out, uint64_t an, uint64_t ad, uint64_t bn, uint64_t bd)
{
	long a = score_tenths(an, ad), b = score_tenths(bn, bd);
	if (a < 0 || b < 0) {
		buf_puts(out, "");
		return;
	}
	long x = b - a;
	buf_printf(out, "%s%ld.%ld", x > 0 ? "+" : x < 0 ? "-" : "±", labs(x) / 10, labs(x) % 10);
}

static void group_rows(cli_table_t *t, const score_t *a, const score_t *b, bool theme)
{
	/* Every group of either side, in b's order then a's leftovers. */
	for (int side = 0; side < 2; side++) {
		const score_t *x = side ? a : b, *y = side ? b : a;
		for (size_t i = 0; i < x->ngroups; i++) {
			const score_group_t *g = &x->groups[i], *h = NULL;
			for (size_t j = 0; j < y->ngroups && !h; j++)
				if (strcmp(y->groups[j].key, g->key) == 0)
					h = &y->groups[j];
			if (side && h)
				continue;
			const score_group_t *ga = side ? g : h, *gb = side ? h : g;
			buf_t label = BUF_INIT, sa = BUF_INIT, sb = BUF_INIT, dd = BUF_INIT;
			if (theme)
				buf_printf(&label, "  %s %s", g->key, g->label);
			else
				buf_printf(&label, "  %s", g->label);
			if (ga)
				pct(&sa, ga->t.num, ga->t.den);
			else
				buf_puts(&sa, "—");
			if (gb)
				pct(&sb, gb->t.num, gb->t.den);
			else
				buf_puts(&sb, "—");
			if (ga && gb)
				delta(&dd, ga->t.num, ga->t.den, gb->t.num, gb->t.den);
			const char *row[] = {buf_cstr(&label), buf_cstr(&sa), "->", buf_cstr(&sb), buf_cstr(&dd)};
			cli_table_row(t, 5, row);
			buf_free(&label);
			buf_free(&sa);
			buf_free(&sb);
			buf_free(&dd);
		}
	}
}

static int do_diff(const char *db, const char *a, const char *b, bool json)
{
	store_t *s;
	int rc = cli_steer_open("snapshot diff", db, false, false, &s);
	if (rc)
		return rc;
	diag_list_t d = DIAG_LIST_INIT;
	snapshot_diff_t x;
	rc = snapshot_diff(s, a, b, &x, &d);
	rc = cli_steer_close("snapshot diff", s, rc, &d);
	if (rc)
		return rc;
	buf_t out = BUF_INIT, sa = BUF_INIT, sb = BUF_INIT, dd = BUF_INIT;
	if (json) {
		jsonw_t w;
		jsonw_init(&w, &out);
		jsonout_snapshot_diff(&w, &x);
		buf_putc(&out, '\n');
		fwrite(buf_cstr(&out), 1, out.len, stdout);
		buf_free(&out);
		snapshot_diff_free(&x);
		return EXIT_OK;
	}
	buf_printf(&out, "'%s' (%s, guide %s) -> '%s' (%s, guide %s)\n\n", x.a.info.name, x.a.info.created_at,
		   x.a.info.guide_version, x.b.info.name, x.b.info.created_at, x.b.info.guide_version);
	cli_table_t t = {0};
	pct(&sa, x.a.info.num, x.a.info.den);
	pct(&sb, x.b.info.num, x.b.info.den);
	delta(&dd, x.a.info.num, x.a.info.den, x.b.info.num, x.b.info.den);
	const char *r1[] = {"score", buf_cstr(&sa), "->", buf_cstr(&sb), buf_cstr(&dd)};
	cli_table_row(&t, 5, r1);
	buf_reset(&sa);
	buf_reset(&sb);
	buf_reset(&dd);
	pct(&sa, x.a.info.assessed, x.a.info.total);
	pct(&sb, x.b.info.assessed, x.b.info.total);
	delta(&dd, x.a.info.assessed, x.a.info.total, x.b.info.assessed, x.b.info.total);
	const char *r2[] = {"completion", buf_cstr(&sa), "->", buf_cstr(&sb), buf_cstr(&dd)};
	cli_table_row(&t, 5, r2);
	const char *r3[] = {"by theme"};
	cli_table_row(&t, 1, r3);
	group_rows(&t, &x.a_theme, &x.b_theme, true);
	const char *r4[] = {"by priority"};
	cli_table_row(&t, 1, r4);
	group_rows(&t, &x.a_priority, &x.b_priority, false);
	cli_table_print(&t, 0x1a, &out);
	cli_table_free(&t);
	static const char *const heads[] = {"moved up", "moved down", "other changes", "new in the guide",
					    "no longer in the guide"};
	for (int kind = MOVE_UP; kind <= MOVE_REMOVED; kind++) {
		size_t n = 0;
		for (size_t i = 0; i < x.nmoves; i++)
			n += x.moves[i].kind == (move_kind_t)kind;
		if (!n)
			continue;
		buf_printf(&out, "\n%s (%zu):\n", heads[kind], n);
		cli_table_t m = {0};
		for (size_t i = 0; i < x.nmoves; i++) {
			const snapshot_move_t *mv = &x.moves[i];
			if (mv->kind != (move_kind_t)kind)
				continue;
			const snapshot_item_t *it = mv->b ? mv->b : mv->a;
			const profile_t *pr = x.b.info.profile;
			const char *row[] = {it->idbp, mv->a ? status_name(pr, mv->a->status) : "", mv->a && mv->b ? "->" : "",
					     mv->b ? status_name(pr, mv->b->status) : "", it->title};
			cli_table_row(&m, 5, row);
		}
		buf_t tmp = BUF_INIT;
		cli_table_print(&m, 0, &tmp);
		for (const char *p = buf_cstr(&tmp); *p;) {
			const char *nl = strchr(p, '\n');
			buf_puts(&out, "  ");
			buf_put(&out, p, (size_t)(nl - p + 1));
			p = nl + 1;
		}
		buf_free(&tmp);
		cli_table_free(&m);
	}
	if (!x.nmoves)
		buf_puts(&out, "\nno practice changed status\n");
	fwrite(buf_cstr(&out), 1, out.len, stdout);
	buf_free(&out);
	buf_free(&sa);
	buf_free(&sb);
	buf_free(&dd);
	snapshot_diff_free(&x);
	return EXIT_OK;
}

int cmd_snapshot(int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"db", required_argument, NULL, 'D'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *db = NULL, *format = NULL;
	int c, rc;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:D:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "table") && strcmp(optarg, "json"))
				return cli_usage_error("snapshot", usage, "unknown format '%s' (table or json)", optarg);
			format = optarg;
			break;
		case 'D': db = optarg; break;
		case 'h':
			printf("usage: %s\n\n"
			       "create NAME  freezes every status and the score under NAME (e.g. \"T1 2026\");\n"
			       "             snapshots are immutable and keep their guide version and weights\n"
			       "list         the snapshots with their score and completion\n"
			       "diff A [B]   score changes (overall, by theme, by priority) and the practices\n"
			       "             that moved up or down from snapshot A to B (default: now)\n"
			       "--format json  list: {snapshots: [...]}; diff: {from, to, ..., moves}\n"
			       "             (docs/api.md)\n", usage);
			return EXIT_OK;
		default:
			return cli_usage_error("snapshot", usage, "unknown option");
		}
	}
	int n = argc - optind;
	const char *sub = n > 0 ? argv[optind] : "";
	bool json = format && strcmp(format, "json") == 0;
	if (strcmp(sub, "create") == 0) {
		if (format)
			return cli_usage_error("snapshot", usage, "--format applies to list and diff");
		if (n != 2)
			return cli_usage_error("snapshot", usage, "give the snapshot's name, e.g. sobre snapshot create \"T1 2026\"");
		store_t *s;
		if ((rc = cli_steer_open("snapshot create", db, false, true, &s)))
			return rc;
		diag_list_t d = DIAG_LIST_INIT;
		snapshot_info_t info;
		rc = snapshot_create(s, argv[optind + 1], &info, &d);
		rc = cli_steer_close("snapshot create", s, rc, &d);
		if (!rc) {
			buf_t p = BUF_INIT, q = BUF_INIT;
			pct(&p, info.num, info.den);
			pct(&q, info.assessed, info.total);
			/* The GBPNR has practices, any other référentiel items. */
			bool guide = info.profile && strcmp(info.profile->id, "gbpnr") == 0;
			printf("snapshot '%s' taken %s: score %s, completion %s (%zu/%zu %s assessed)\n", info.name,
			       info.created_at, buf_cstr(&p), buf_cstr(&q), info.assessed, info.total,
			       guide ? "practices" : "items");
			buf_free(&p);
			buf_free(&q);
		}
		snapshot_info_free(&info);
		return rc;
	}
	if (strcmp(sub, "list") == 0) {
		if (n != 1)
			return cli_usage_error("snapshot", usage, "list takes no argument");
		store_t *s;
		if ((rc = cli_steer_open("snapshot list", db, false, false, &s)))
			return rc;
		diag_list_t d = DIAG_LIST_INIT;
		snapshot_list_t l;
		rc = snapshot_list(s, &l, &d);
		rc = cli_steer_close("snapshot list", s, rc, &d);
		if (rc)
			return rc;
		if (json) {
			buf_t out = BUF_INIT;
			jsonw_t w;
			jsonw_init(&w, &out);
			jsonout_snapshots(&w, &l);
			buf_putc(&out, '\n');
			fwrite(buf_cstr(&out), 1, out.len, stdout);
			buf_free(&out);
			snapshot_list_free(&l);
			return EXIT_OK;
		}
		cli_table_t t = {0};
		const char *head[] = {"name", "taken", "by", "guide", "score", "completion"};
		cli_table_row(&t, 6, head);
		for (size_t i = 0; i < l.len; i++) {
			const snapshot_info_t *x = &l.items[i];
			buf_t p = BUF_INIT, q = BUF_INIT;
			pct(&p, x->num, x->den);
			pct(&q, x->assessed, x->total);
			const char *row[] = {x->name, x->created_at, x->created_by, x->guide_version, buf_cstr(&p), buf_cstr(&q)};
			cli_table_row(&t, 6, row);
			buf_free(&p);
			buf_free(&q);
		}
		buf_t out = BUF_INIT;
		if (l.len)
			cli_table_print(&t, 0x30, &out);
		buf_printf(&out, "%zu snapshot%s\n", l.len, l.len == 1 ? "" : "s");
		fwrite(buf_cstr(&out), 1, out.len, stdout);
		buf_free(&out);
		cli_table_free(&t);
		snapshot_list_free(&l);
		return EXIT_OK;
	}
	if (strcmp(sub, "diff") == 0) {
		if (n != 2 && n != 3)
			return cli_usage_error("snapshot", usage, "give one or two snapshot names");
		return do_diff(db, argv[optind + 1], n == 3 ? argv[optind + 2] : NULL, json);
	}
	if (!*sub)
		return cli_usage_error("snapshot", usage, "give a subcommand: create, list or diff");
	return cli_usage_error("snapshot", usage, "unknown subcommand '%s' (create, list or diff)", sub);
}
