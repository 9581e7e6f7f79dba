/* Shared by the steer unit tests: a temporary folder, a small guide written
 * into it (two themes, sheets given as compact specs), and a database
 * opened on it with a fixed clock and actor. Header-only: every .c in this
 * folder becomes a test binary. */
#ifndef SOBRE_TEST_STEER_FIXTURE_H
#define SOBRE_TEST_STEER_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guide/guide.h"
#include "guide/rules.h"
#include "steer/catalog.h"
#include "steer/store.h"
#include "util/fs.h"

static inline char *fx_tmpdir(void)
{
	char tmpl[] = "/tmp/sobre-steer-XXXXXX";
	char *d = mkdtemp(tmpl);
	return d ? strdup(d) : NULL;
}

static inline void fx_write(const char *root, const char *rel, const char *text)
{
	char *path = fs_join(root, rel);
	char *slash = strrchr(path, '/');
	*slash = '\0';
	fs_mkdirs(path);
	*slash = '/';
	if (fs_write_atomic(path, text, strlen(text)) != 0)
		abort();
	free(path);
}

/* A sheet spec: "id|priority|difficulty|title|who1;who2|ind1;ind2". */
static inline void fx_sheet(const char *root, const char *spec)
{
	char f[6][256];
	memset(f, 0, sizeof f);
	const char *p = spec;
	for (int i = 0; i < 6; i++) {
		const char *bar = strchr(p, '|');
		size_t n = bar ? (size_t)(bar - p) : strlen(p);
		snprintf(f[i], sizeof f[i], "%.*s", (int)n, p);
		p = bar ? bar + 1 : p + n;
	}
	buf_t md = BUF_INIT, rel = BUF_INIT;
	buf_printf(&md, "---\ntitle: %s\ntype: bpnr\nidbp: %s\npriority: %s\ndifficulty: %s\nwho:\n", f[3], f[0], f[1], f[2]);
	for (char *w = strtok(f[4], ";"); w; w = strtok(NULL, ";"))
		buf_printf(&md, "  - %s\n", w);
	buf_puts(&md, "indicators:\n");
	for (char *w = strtok(f[5], ";"); w; w = strtok(NULL, ";"))
		buf_printf(&md, "  - \"%s\"\n", w);
	buf_printf(&md, "eleventyNavigation:\n  parent: guide-%c\n  order: %d\n---\n\nTexte.\n", f[0][0],
		   atoi(f[0] + 2) * 10);
	buf_printf(&rel, "guide/%c/%s.md", f[0][0], f[0]);
	fx_write(root, buf_cstr(&rel), buf_cstr(&md));
	buf_free(&md);
	buf_free(&rel);
}

/* Writes a guide of version `version` with the given sheets into a new
 * folder under dir/name and returns it loaded (checked: aborts on errors). */
static inline guide_t *fx_guide(const char *dir, const char *name, const char *version, const char *const *sheets, size_t n)
{
	char *root = fs_join(dir, name);
	fs_remove_tree(root);
	buf_t meta = BUF_INIT;
	buf_printf(&meta, "{\"url\": \"https://test.example.org/\", \"guideBonnesPratiques\": {\"version\": \"%s\", "
			  "\"title\": \"Guide de test\"}}\n", version);
	fx_write(root, "_data/metadata.json", buf_cstr(&meta));
	buf_free(&meta);
	fx_write(root, "guide/index.md", "---\ntitle: Guide\neleventyNavigation:\n  key: guideBpNr\n---\n\nAccueil.\n");
	for (char t = 'a'; t <= 'b'; t++) {
		buf_t md = BUF_INIT, rel = BUF_INIT;
		buf_printf(&md, "---\ntitle: Thème %c\ntags: guideBpNrThematique\nidThematique: %c.\neleventyNavigation:\n"
				"  key: guide-%c\n  parent: guideBpNr\n  order: %d\n---\n\nIntro.\n",
			   t, t, t, (t - 'a' + 1) * 10);
		buf_printf(&rel, "guide/%c/index.md", t);
		fx_write(root, buf_cstr(&rel), buf_cstr(&md));
		buf_free(&md);
		buf_free(&rel);
	}
	for (size_t i = 0; i < n; i++)
		fx_sheet(root, sheets[i]);
	diag_list_t d = DIAG_LIST_INIT;
	guide_t *g = guide_load(root, &d);
	if (g)
		rules_check(g, NULL, 0, &d);
	if (!g || diag_count(&d, DIAG_ERROR)) {
		for (size_t i = 0; i < d.len; i++)
			fprintf(stderr, "fixture guide: %s:%d: %s\n", d.items[i].file ? d.items[i].file : "", d.items[i].line,
				d.items[i].msg);
		abort();
	}
	diag_list_free(&d);
	free(root);
	return g;
}

static const char *const fx_v1[] __attribute__((unused)) = {
	"a.1|Prioritaire|Facile|Nommer un référent|Direction générale|Référent nommé : oui / non",
	"a.2|Recommandée|Moyenne|Suivre les indicateurs|Direction générale;Direction du numérique|% des indicateurs suivis;Nombre de comités",
	"b.1|Aller plus loin|Difficile|Acheter reconditionné|Direction des achats|Part des achats reconditionnés (%)",
};

/* A database at dir/sobre.db with guide v1 imported, clock fixed at
 * 2026-03-15 10:00 UTC, actor "test". */
static inline store_t *fx_store(const char *dir)
{
	char *path = fs_join(dir, "sobre.db");
	store_t *s = NULL;
	diag_list_t d = DIAG_LIST_INIT;
	if (store_open(path, STORE_CREATE, &s, &d))
		abort();
	store_set_actor(s, "test");
	store_set_now(s, 1773568800); /* 2026-03-15T10:00:00Z */
	guide_t *g = fx_guide(dir, "v1", "v1", fx_v1, 3);
	catalog_import_t res;
	if (store_begin(s, true, &d) || catalog_import(s, g, "gbpnr", profile_builtin("gbpnr"), "v1", &res, &d) || store_commit(s, &d))
		abort();
	catalog_import_free(&res);
	guide_free(g);
	diag_list_free(&d);
	free(path);
	return s;
}

/* Messages of d joined by newlines, for assertions. */
static inline char *fx_msgs(const diag_list_t *d)
{
	buf_t b = BUF_INIT;
	for (size_t i = 0; i < d->len; i++)
		buf_printf(&b, "%d:%s\n", d->items[i].line, d->items[i].msg);
	buf_puts(&b, "");
	return buf_detach(&b);
}

#endif
