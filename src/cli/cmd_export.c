/* cmd_export: `sobre export` — the guide as CSV or JSON, like the official exports. */
#include <getopt.h>
#include <string.h>

#include "cli/cli.h"
#include "render/export_csv.h"
#include "render/export_json.h"

static const char usage[] = "sobre export --format csv|json [--excel] [--base-url URL] [-o FILE] [DIR]";

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"excel", no_argument, NULL, 'x'},
		{"base-url", required_argument, NULL, 'b'},
		{"output", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *format = NULL, *base = NULL, *output = NULL;
	bool excel = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:xb:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "csv") && strcmp(optarg, "json"))
				return cli_usage_error("export", usage, "unknown format '%s' (csv or json)", optarg);
			format = optarg;
			break;
		case 'x': excel = true; break;
		case 'b': base = optarg; break;
		case 'o': output = optarg; break;
		case 'h':
			printf("usage: %s\n\nExports the guide's practices.\n"
			       "  --format json   the official JSON export document\n"
			       "  --format csv    RFC 4180 CSV, 8 columns; list cells one item per line\n"
			       "  --excel         CSV for French Excel: UTF-8 BOM and ';' separator\n"
			       "  --base-url URL  absolute URL of the site (default: metadata.url)\n"
			       "  -o FILE         write to FILE (atomically) instead of standard output\n", usage);
			return EXIT_OK;
		default:
			return cli_usage_error("export", usage, "unknown option");
		}
	}
	if (!format)
		return cli_usage_error("export", usage, "--format is required");
	if (excel && strcmp(format, "csv") != 0)
		return cli_usage_error("export", usage, "--excel applies to --format csv only");
	if (base && strncmp(base, "http://", 7) != 0 && strncmp(base, "https://", 8) != 0)
		return cli_usage_error("export", usage, "--base-url must be an absolute http(s) URL, not '%s'", base);
	if (argc - optind > 1)
		return cli_usage_error("export", usage, "too many arguments");
	const char *dir = optind < argc ? argv[optind] : ".";
	int code = EXIT_OK;
	guide_t *g = cli_load_valid_guide("export", dir, &code);
	if (!g)
		return code;
	if (!base)
		base = guide_site_meta(g, "url");
	if (!base) {
		fprintf(stderr, "sobre export: the guide has no metadata.url (in _data/metadata.json); "
				"give the site's URL with --base-url\n");
		guide_free(g);
		return EXIT_USAGE;
	}
	buf_t out = BUF_INIT;
	if (strcmp(format, "json") == 0)
		export_json(g, base, &out);
	else
		export_csv(g, base, excel, &out);
	code = cli_write_output("export", output, buf_cstr(&out), out.len);
	buf_free(&out);
	guide_free(g);
	return code;
}
