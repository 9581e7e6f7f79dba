/* cmd_perimeter: `sobre perimeter add|list|attach|rename|move|archive` —
 * the organisation's tree of perimeters and the référentiels each one is
 * assessed against. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "steer/jsonout.h"
#include "steer/perimeter.h"
#include "steer/store.h"
#include "util/xalloc.h"

static const char usage[] =
	"sobre perimeter add NAME [--parent NAME] [--kind direction|etablissement|service] [--guide ID]... [--db FILE]\n"
	"       sobre perimeter list [--all] [--format table|json] [--db FILE]\n"
	"       sobre perimeter attach NAME --guide ID [--db FILE]\n"
	"       sobre perimeter rename NAME NEW-NAME [--db FILE]\n"
	"       sobre perimeter move NAME --parent NAME [--db FILE]\n"
	"       sobre perimeter archive NAME [--db FILE]";

#define MAX_GUIDES 8

static void print_tree(const perimeter_list_t *l, buf_t *out)
{
	cli_table_t t = {0};
	cli_table_row(&t, 4, (const char *const[]){"PERIMETER", "KIND", "RÉFÉRENTIEL", "SCORE"});
	for (size_t i = 0; i < l->len; i++) {
		const perimeter_t *p = &l->items[i];
		buf_t name = BUF_INIT;
		for (size_t k = 0; k < p->depth; k++)
			buf_puts(&name, "  ");
		buf_puts(&name, p->name);
		if (p->archived_at)
			buf_puts(&name, " (archived)");
		for (size_t k = 0; k < (p->nguides ? p->nguides : 1); k++) {
			buf_t score = BUF_INIT;
			if (p->nguides) {
				score_format(p->scores[k].num, p->scores[k].den, '.', &score);
				if (p->scores[k].den)
					buf_putc(&score, '%');
			}
			cli_table_row(&t, 4, (const char *const[]){k ? "" : buf_cstr(&name), k ? "" : p->kind,
								   p->nguides ? p->guides[k] : "-", buf_cstr(&score)});
			buf_free(&score);
		}
		buf_free(&name);
	}
	cli_table_print(&t, 0, out);
	cli_table_free(&t);
}

int cmd_perimeter(int argc, char **argv)
{
	static const struct option opts[] = {
		{"parent", required_argument, NULL, 'p'},
		{"kind", required_argument, NULL, 'k'},
		{"guide", required_argument, NULL, 'g'},
		{"all", no_argument, NULL, 'a'},
		{"format", required_argument, NULL, 'f'},
		{"db", required_argument, NULL, 'D'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *parent = NULL, *kind = NULL, *db = NULL, *guides[MAX_GUIDES] = {NULL};
	size_t nguides = 0;
	bool all = false, json = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "p:k:g:af:D:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p': parent = optarg; break;
		case 'k': kind = optarg; break;
		case 'g':
			if (nguides == MAX_GUIDES)
				return cli_usage_error("perimeter", usage, "at most %d --guide", MAX_GUIDES);
			guides[nguides++] = optarg;
			break;
		case 'a': all = true; break;
		case 'f':
			if (strcmp(optarg, "json") == 0)
				json = true;
			else if (strcmp(optarg, "table") != 0)
				return cli_usage_error("perimeter", usage, "unknown format '%s' (table or json)", optarg);
			break;
		case 'D': db = optarg; break;
		case 'h':
			printf("usage: %s\n\n"
			       "The organisation's tree: the root (named by sobre init --org), then its\n"
			       "directorates, établissements and services, each assessed against one or\n"
			       "more référentiels (sobre guide import). Every steering command takes\n"
			       "--perimeter NAME and --guide ID to work on one of them.\n"
			       "  add      a perimeter under --parent (default: the root); --guide attaches\n"
			       "           référentiels at once; --kind defaults to service\n"
			       "  list     the tree with each perimeter's score per référentiel (--all:\n"
			       "           archived ones too)\n"
			       "  attach   starts assessing a perimeter against a référentiel\n"
			       "  rename, move (never under itself), archive (the perimeter and its subtree\n"
			       "           leave lists and consolidations; their data is kept)\n", usage);
			return EXIT_OK;
		default:
			return cli_usage_error("perimeter", usage, "unknown option");
		}
	}
	const char *sub = optind < argc ? argv[optind] : NULL;
	int nargs = argc - optind - 1;
	if (!sub)
		return cli_usage_error("perimeter", usage, "give a subcommand: add, list, attach, rename, move or archive");
	bool list = strcmp(sub, "list") == 0, rename = strcmp(sub, "rename") == 0;
	if (!list && !rename && strcmp(sub, "add") && strcmp(sub, "attach") && strcmp(sub, "move") &&
	    strcmp(sub, "archive"))
		return cli_usage_error("perimeter", usage, "unknown subcommand '%s'", sub);
	if (nargs != (list ? 0 : rename ? 2 : 1))
		return cli_usage_error("perimeter", usage, list ? "list takes no argument"
						   : rename ? "give the perimeter's name and its new name"
							    : "give one perimeter name");
	if (strcmp(sub, "attach") == 0 && nguides != 1)
		return cli_usage_error("perimeter", usage, "attach takes one --guide ID");
	if (strcmp(sub, "move") == 0 && !parent)
		return cli_usage_error("perimeter", usage, "move takes --parent NAME");
	const char *name = nargs ? argv[optind + 1] : NULL;
	store_t *s;
	int rc = cli_steer_open("perimeter", db, false, !list, &s);
	if (rc)
		return rc;
	diag_list_t d = DIAG_LIST_INIT;
	buf_t out = BUF_INIT;
	if (list) {
		perimeter_list_t l;
		if (!(rc = perimeter_list(s, all, &l, &d)) && !(rc = perimeter_scores(s, &l, &d))) {
			if (json) {
				jsonw_t w;
				jsonw_init(&w, &out);
				jsonout_perimeters(&w, &l);
				buf_putc(&out, '\n');
			} else {
				print_tree(&l, &out);
			}
		}
		perimeter_list_free(&l);
	} else if (strcmp(sub, "add") == 0) {
		rc = perimeter_add(s, name, parent, kind, &d);
		for (size_t i = 0; i < nguides && !rc; i++)
			rc = perimeter_attach(s, name, guides[i], &d);
		buf_printf(&out, "added perimeter %s under %s", name, parent ? parent : "the root");
		for (size_t i = 0; i < nguides; i++)
			buf_printf(&out, "%s%s", i ? ", " : ", assessed against ", guides[i]);
		buf_putc(&out, '\n');
	} else if (strcmp(sub, "attach") == 0) {
		rc = perimeter_attach(s, name, guides[0], &d);
		buf_printf(&out, "%s is now assessed against %s\nnext: sobre assess ID --perimeter \"%s\" --guide %s\n",
			   name, guides[0], name, guides[0]);
	} else if (rename) {
		rc = perimeter_rename(s, name, argv[optind + 2], &d);
		buf_printf(&out, "renamed %s to %s\n", name, argv[optind + 2]);
	} else if (strcmp(sub, "move") == 0) {
		rc = perimeter_move(s, name, parent, &d);
		buf_printf(&out, "moved %s under %s\n", name, parent);
	} else {
		rc = perimeter_archive(s, name, &d);
		buf_printf(&out, "archived %s and its subtree (their data is kept)\n", name);
	}
	rc = cli_steer_close("perimeter", s, rc, &d);
	if (!rc)
		fwrite(buf_cstr(&out), 1, out.len, stdout);
	buf_free(&out);
	return rc;
}
