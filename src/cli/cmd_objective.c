/* cmd_objective: `sobre objective add|list|show|set|archive` — the
 * strategy's objectives on indicators, with their trajectory's state. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "steer/input.h"
#include "steer/jsonout.h"
#include "steer/objective.h"
#include "steer/store.h"

static const char usage[] =
	"sobre objective add NAME --indicator ID#N --target VALUE --by DATE [--baseline VALUE [--baseline-period P]]\n"
	"                         [--budget EUROS] [--staff DAYS] [--db FILE]\n"
	"       sobre objective list [--all] [--format table|json] [--db FILE]\n"
	"       sobre objective show NAME [--format text|json] [--db FILE]\n"
	"       sobre objective set NAME [--name NEW] [--target V] [--by DATE] [--baseline V] [--baseline-period P]\n"
	"                         [--budget EUROS] [--staff DAYS] [--if-version N] [--db FILE]\n"
	"       sobre objective archive NAME [--db FILE]";

static const char help_text[] =
	"\nAn objective is a target on an indicator by a deadline. Its trajectory runs\n"
	"in a straight line from the baseline (by default the indicator's first\n"
	"measurement) to the target; its state, from the latest measurement:\n"
	"atteint, dans la trajectoire, en retard (with the gap), sans mesure récente\n"
	"(none since the last completed quarter). Objectives belong to the perimeter\n"
	"(--perimeter); list shows the perimeter's and its sub-perimeters'.\n"
	"  --indicator ID#N   indicator N of item ID (numbers: sobre show ID)\n"
	"  --target VALUE     the value to reach, of the indicator's type\n"
	"  --by DATE          the deadline, YYYY-MM-DD or DD/MM/YYYY\n"
	"  --baseline VALUE   the starting value, when not the first measurement (\"\" clears)\n"
	"  --baseline-period P  when it was measured: 2025, 2025-T4, 2025-12 or a day\n"
	"                     (default: the day the objective was added)\n"
	"  --budget EUROS     the means: euros (12 500,50); --staff DAYS: person-days (2,5)\n"
	"  --all              list archived objectives too\n"
	"  --if-version N     change nothing unless it is still at version N (show --format json)\n";

static void put_number(buf_t *out, double v, const char *unit)
{
	buf_t n = BUF_INIT;
	objective_number_text(v, &n);
	for (const char *p = buf_cstr(&n); *p; p++)
		buf_putc(out, *p == '.' ? ',' : *p);
	if (unit && *unit)
		buf_printf(out, " %s", unit);
	buf_free(&n);
}

/* The state with its gap: "en retard (12,5 kWh behind the trajectory)". */
static void put_state(buf_t *out, const objective_t *o)
{
	buf_puts(out, objective_state_name(o->eval.state));
	if (o->eval.state == OBJ_LATE && o->eval.has_expected) {
		buf_puts(out, " by ");
		put_number(out, o->eval.gap, o->type == IND_PERCENT ? "points" : o->unit);
	}
}

static void print_list(const objective_list_t *l, buf_t *out)
{
	if (!l->len) {
		buf_puts(out, "no objective yet: sobre objective add NAME --indicator ID#N --target VALUE --by DATE\n");
		return;
	}
	bool several = false;
	for (size_t i = 1; i < l->len; i++)
		several |= strcmp(l->items[i].perimeter, l->items[0].perimeter) != 0;
	cli_table_t t = {0};
	cli_table_row(&t, 7, (const char *const[]){"objective", "indicator", "baseline", "latest", "target", "by", "state"});
	for (size_t i = 0; i < l->len; i++) {
		const objective_t *o = &l->items[i];
		buf_t name = BUF_INIT, ind = BUF_INIT, base = BUF_INIT, last = BUF_INIT, state = BUF_INIT;
		buf_puts(&name, o->name);
		if (several)
			buf_printf(&name, " (%s)", o->perimeter);
		if (o->archived)
			buf_puts(&name, " [archived]");
		buf_printf(&ind, "%s#%d", o->idbp, o->num);
		buf_printf(&base, "%s", o->baseline ? o->baseline : "—");
		if (o->baseline_period)
			buf_printf(&base, " (%s)", o->baseline_period);
		buf_printf(&last, "%s", o->latest ? o->latest : "—");
		if (o->latest_period)
			buf_printf(&last, " (%s)", o->latest_period);
		put_state(&state, o);
		cli_table_row(&t, 7, (const char *const[]){buf_cstr(&name), buf_cstr(&ind), buf_cstr(&base), buf_cstr(&last),
							   o->target, o->deadline, buf_cstr(&state)});
		buf_free(&name);
		buf_free(&ind);
		buf_free(&base);
		buf_free(&last);
		buf_free(&state);
	}
	cli_table_print(&t, 0, out);
	cli_table_free(&t);
	size_t counts[OBJ_NSTATES] = {0};
	for (size_t i = 0; i < l->len; i++)
		counts[l->items[i].eval.state]++;
	buf_printf(out, "%zu objective%s:", l->len, l->len == 1 ? "" : "s");
	for (int s = 0; s < OBJ_NSTATES; s++)
		buf_printf(out, "%s %zu %s", s ? "," : "", counts[s], objective_state_name((objective_state_t)s));
	buf_putc(out, '\n');
}

static void print_one(const objective_t *o, buf_t *out)
{
	buf_printf(out, "%s — %s\n", o->name, o->perimeter);
	buf_printf(out, "%-10s%s#%d %s (%s%s%s)\n", "indicator", o->idbp, o->num, o->indicator_name,
		   indicator_type_name(o->type), o->unit && *o->unit ? ", " : "", o->unit ? o->unit : "");
	if (o->baseline)
		buf_printf(out, "%-10s%s, %s (%s%s)\n", "baseline", o->baseline, o->baseline_date,
			   o->baseline_measured ? "first measurement, " : "", o->baseline_period ? o->baseline_period : "given");
	else
		buf_printf(out, "%-10s— (the first measurement will be)\n", "baseline");
	buf_printf(out, "%-10s%s by %s\n", "target", o->target, o->deadline);
	buf_printf(out, "%-10s", "state");
	put_state(out, o);
	if (o->latest)
		buf_printf(out, " (latest %s, %s)", o->latest, o->latest_period);
	if (o->eval.has_expected) {
		buf_puts(out, "; trajectory ");
		put_number(out, o->eval.expected, o->unit);
	}
	buf_putc(out, '\n');
	cli_put_means(out, o->budget, o->staff);
	buf_printf(out, "%-10s%s by %s, version %lld%s\n", "added", o->created_at, o->created_by, o->version,
		   o->archived ? ", archived" : "");
	buf_printf(out, "\nmeasurements (%zu):\n", o->nmeasures);
	for (size_t i = 0; i < o->nmeasures; i++)
		buf_printf(out, "  %-10s %s\n", o->measures[i].period, o->measures[i].value);
}

typedef struct {
	const char *sub, *db, *format;
	bool all;
	objective_spec_t spec;
} opts_t;

static int parse(int argc, char **argv, opts_t *o)
{
	static const struct option opts[] = {
		{"indicator", required_argument, NULL, 'i'},
		{"target", required_argument, NULL, 't'},
		{"by", required_argument, NULL, 'b'},
		{"baseline", required_argument, NULL, 'B'},
		{"baseline-period", required_argument, NULL, 'P'},
		{"budget", required_argument, NULL, 'e'},
		{"staff", required_argument, NULL, 's'},
		{"name", required_argument, NULL, 'n'},
		{"all", no_argument, NULL, 'a'},
		{"format", required_argument, NULL, 'f'},
		{"if-version", required_argument, NULL, 'V'},
		{"db", required_argument, NULL, 'D'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "i:t:b:B:P:e:s:n:af:V:D:h", opts, NULL)) != -1) {
		switch (c) {
		case 'i': o->spec.indicator = optarg; break;
		case 't': o->spec.target = optarg; break;
		case 'b': o->spec.deadline = optarg; break;
		case 'B': o->spec.baseline = optarg; break;
		case 'P': o->spec.baseline_period = optarg; break;
		case 'e': o->spec.budget = optarg; break;
		case 's': o->spec.staff = optarg; break;
		case 'n': o->spec.name = optarg; break;
		case 'a': o->all = true; break;
		case 'f': o->format = optarg; break;
		case 'V': {
			long v;
			if (!input_whole(optarg, 0, LONG_MAX, &v))
				return cli_usage_error("objective", usage, "--if-version takes a whole number");
			o->spec.check_version = true;
			o->spec.if_version = v;
			break;
		}
		case 'D': o->db = optarg; break;
		case 'h': printf("usage: %s\n%s", usage, help_text); return -1;
		default: return cli_usage_error("objective", usage, "unknown option");
		}
	}
	return 0;
}

static int run_list(const opts_t *o, int argc, char **argv, int first)
{
	const char *fmt = o->format ? o->format : "table";
	if (argc > first)
		return cli_usage_error("objective list", usage, "unexpected argument '%s'", argv[first]);
	if (strcmp(fmt, "table") && strcmp(fmt, "json"))
		return cli_usage_error("objective list", usage, "unknown format '%s' (table or json)", fmt);
	store_t *s;
	int rc = cli_steer_open("objective list", o->db, false, false, &s);
	if (rc)
		return rc;
	diag_list_t d = DIAG_LIST_INIT;
	objective_list_t l;
	rc = objective_list(s, o->all, &l, &d);
	rc = cli_steer_close("objective list", s, rc, &d);
	if (rc)
		return rc;
	buf_t out = BUF_INIT;
	if (strcmp(fmt, "json") == 0) {
		jsonw_t w;
		jsonw_init(&w, &out);
		jsonout_objectives(&w, &l);
		buf_putc(&out, '\n');
	} else {
		print_list(&l, &out);
	}
	fwrite(out.ptr ? out.ptr : "", 1, out.len, stdout);
	buf_free(&out);
	objective_list_free(&l);
	return EXIT_OK;
}

int cmd_objective(int argc, char **argv)
{
	opts_t o;
	memset(&o, 0, sizeof o);
	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
			printf("usage: %s\n%s", usage, help_text);
			return EXIT_OK;
		}
		return cli_usage_error("objective", usage, "give a subcommand: add, list, show, set or archive");
	}
	o.sub = argv[1];
	argc--;
	argv++;
	int prc = parse(argc, argv, &o);
	if (prc)
		return prc < 0 ? EXIT_OK : prc;
	static const char *const subs[] = {"add", "list", "show", "set", "archive"};
	bool known = false;
	for (size_t i = 0; i < sizeof subs / sizeof *subs; i++)
		known |= strcmp(o.sub, subs[i]) == 0;
	if (!known)
		return cli_usage_error("objective", usage, "unknown subcommand '%s' (add, list, show, set or archive)", o.sub);
	if (strcmp(o.sub, "list") == 0)
		return run_list(&o, argc, argv, optind);
	char cmd[32];
	snprintf(cmd, sizeof cmd, "objective %s", o.sub);
	if (argc - optind != 1)
		return cli_usage_error(cmd, usage, argc - optind ? "give one objective name (quote it)" : "which objective? give its name");
	const char *name = argv[optind];
	bool add = strcmp(o.sub, "add") == 0, set = strcmp(o.sub, "set") == 0, show = strcmp(o.sub, "show") == 0;
	const char *fmt = o.format ? o.format : "text";
	if (o.format && !show)
		return cli_usage_error(cmd, usage, "--format applies to list and show");
	if (show && strcmp(fmt, "text") && strcmp(fmt, "json"))
		return cli_usage_error(cmd, usage, "unknown format '%s' (text or json)", fmt);
	if (add)
		o.spec.name = name;
	else if (o.spec.indicator && !set)
		return cli_usage_error(cmd, usage, "--indicator applies to add");
	if (set && !o.spec.name && !o.spec.target && !o.spec.deadline && !o.spec.baseline && !o.spec.baseline_period &&
	    !o.spec.budget && !o.spec.staff && !o.spec.indicator)
		return cli_usage_error(cmd, usage, "nothing to change: give --name, --target, --by, --baseline, --budget or --staff");
	if (add && (!o.spec.indicator || !o.spec.target || !o.spec.deadline))
		return cli_usage_error(cmd, usage, "an objective needs --indicator ID#N, --target VALUE and --by DATE");
	store_t *s;
	int rc = cli_steer_open(cmd, o.db, false, !show, &s);
	if (rc)
		return rc;
	diag_list_t d = DIAG_LIST_INIT;
	objective_t obj;
	memset(&obj, 0, sizeof obj);
	long long id = 0;
	size_t changed = 0;
	if (add)
		rc = objective_add(s, &o.spec, &id, &d);
	else if (set)
		rc = objective_set(s, name, &o.spec, &changed, &d);
	else if (!show)
		rc = objective_archive(s, name, &d);
	if (!rc)
		rc = objective_get(s, set && o.spec.name ? o.spec.name : name, &obj, &d);
	rc = cli_steer_close(cmd, s, rc, &d);
	if (rc) {
		objective_free(&obj);
		return rc;
	}
	buf_t out = BUF_INIT;
	if (show && strcmp(fmt, "json") == 0) {
		jsonw_t w;
		jsonw_init(&w, &out);
		jsonout_objective(&w, &obj);
		buf_putc(&out, '\n');
	} else if (show) {
		print_one(&obj, &out);
	} else {
		if (add)
			buf_printf(&out, "objective '%s' added: %s#%d to %s by %s\n", obj.name, obj.idbp, obj.num, obj.target,
				   obj.deadline);
		else if (set && !changed)
			buf_printf(&out, "objective '%s': nothing changed (it already was so)\n", obj.name);
		else if (set)
			buf_printf(&out, "objective '%s': %zu change%s saved\n", obj.name, changed, changed > 1 ? "s" : "");
		else
			buf_printf(&out, "objective '%s' archived\n", obj.name);
		buf_puts(&out, "  state: ");
		put_state(&out, &obj);
		buf_putc(&out, '\n');
	}
	fwrite(out.ptr ? out.ptr : "", 1, out.len, stdout);
	buf_free(&out);
	objective_free(&obj);
	return EXIT_OK;
}
