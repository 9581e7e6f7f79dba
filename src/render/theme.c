/* theme: default files merged with overrides, templates compiled once. */
#include "render/theme.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/fs.h"
#include "util/xalloc.h"

typedef struct {
	char *name;
	char *path; /* where an override came from, for diagnostics; NULL for built-in files */
	char *data; /* owned copy (overrides) or NULL when borrowed from the binary */
	theme_file_t file;
} entry_t;

struct theme {
	entry_t *files;
	size_t len, cap;
	theme_file_t *assets;
	size_t nassets;
	mst_registry_t *reg;
	diag_list_t reg_diags; /* the registry reports lazily; all templates are compiled up front */
};

static entry_t *find(theme_t *t, const char *name)
{
	for (size_t i = 0; i < t->len; i++)
		if (strcmp(t->files[i].name, name) == 0)
			return &t->files[i];
	return NULL;
}

static void put(theme_t *t, const char *name, const char *path, char *owned, const char *data, size_t size)
{
	entry_t *e = find(t, name);
	if (!e) {
		t->files = xgrow(t->files, &t->cap, t->len + 1, sizeof *t->files);
		e = &t->files[t->len++];
		memset(e, 0, sizeof *e);
		e->name = xstrdup(name);
	}
	free(e->data);
	free(e->path);
	e->path = path ? xstrdup(path) : NULL;
	e->data = owned;
	e->file.name = e->name;
	e->file.data = data;
	e->file.size = size;
}

static bool is_template(const char *name, size_t *stem)
{
	size_t n = strlen(name);
	if (n > 9 && strcmp(name + n - 9, ".mustache") == 0) {
		*stem = n - 9;
		return true;
	}
	return false;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const entry_t *)a)->name, ((const entry_t *)b)->name);
}

theme_t *theme_load(const char *override_dir, diag_list_t *diags)
{
	theme_t *t = xcalloc(1, sizeof *t);
	bool ok = true;
	for (const theme_file_t *f = theme_default_files; f->name; f++)
		put(t, f->name, NULL, NULL, f->data, f->size);
	if (override_dir) {
		fs_list_t files = {0};
		char *failed = NULL;
		int err = fs_list(override_dir, NULL, NULL, &files, &failed);
		if (err) {
			diag_add(diags, DIAG_ERROR, failed ? failed : override_dir, 0, 0, "io-error",
				 "cannot read theme folder: %s", strerror(err));
			free(failed);
			ok = false;
		}
		buf_t b = BUF_INIT;
		for (size_t i = 0; i < files.len; i++) {
			const char *name = files.paths[i];
			if (name[0] == '.' || strchr(name, '/'))
				continue; /* themes are flat: subfolders are not part of the override set */
			char *full = fs_join(override_dir, name);
			err = fs_read_file(full, THEME_MAX_FILE, &b);
			if (err) {
				diag_add(diags, DIAG_ERROR, full, 0, 0, err == EFBIG ? "file-too-large" : "io-error",
					 "cannot read theme file: %s", err == EFBIG ? "larger than 4 MiB" : strerror(err));
				ok = false;
			} else {
				size_t n = b.len;
				char *data = buf_detach(&b);
				put(t, name, full, data, data, n);
			}
			free(full);
		}
		buf_free(&b);
		fs_list_free(&files);
	}
	qsort(t->files, t->len, sizeof *t->files, cmp_entry);
	/* Sorting moved the entries: point the views at their names again. */
	for (size_t i = 0; i < t->len; i++)
		t->files[i].file.name = t->files[i].name;

	t->reg = mst_registry_new(&t->reg_diags);
	t->assets = xcalloc(t->len + 1, sizeof *t->assets);
	for (size_t i = 0; i < t->len; i++) {
		size_t stem;
		entry_t *e = &t->files[i];
		if (!is_template(e->name, &stem)) {
			t->assets[t->nassets++] = e->file;
			continue;
		}
		char *name = xstrndup(e->name, stem);
		mst_registry_add(t->reg, name, e->path ? e->path : e->name, e->file.data, e->file.size);
		free(name);
	}
	for (size_t i = 0; i < t->len; i++) {
		size_t stem;
		if (is_template(t->files[i].name, &stem))
			mst_registry_get(t->reg, t->files[i].name, stem);
	}
	for (size_t i = 0; i < t->reg_diags.len; i++) {
		diag_t *d = &t->reg_diags.items[i];
		diag_copy(diags, d);
		if (d->sev == DIAG_ERROR)
			ok = false;
	}
	if (!ok) {
		theme_free(t);
		return NULL;
	}
	return t;
}

void theme_free(theme_t *t)
{
	if (!t)
		return;
	mst_registry_free(t->reg);
	diag_list_free(&t->reg_diags);
	for (size_t i = 0; i < t->len; i++) {
		free(t->files[i].name);
		free(t->files[i].path);
		free(t->files[i].data);
	}
	free(t->files);
	free(t->assets);
	free(t);
}

const mst_t *theme_template(const theme_t *t, const char *name)
{
	return mst_registry_get(t->reg, name, strlen(name));
}

const mst_t *theme_lookup(const char *name, size_t len, void *ud)
{
	const theme_t *t = ud;
	return mst_registry_get(t->reg, name, len);
}

size_t theme_asset_count(const theme_t *t)
{
	return t->nassets;
}

const theme_file_t *theme_asset(const theme_t *t, size_t i)
{
	return &t->assets[i];
}

const char **theme_asset_names(const theme_t *t)
{
	const char **names = xcalloc(t->nassets + 1, sizeof *names);
	for (size_t i = 0; i < t->nassets; i++)
		names[i] = t->assets[i].name;
	return names;
}
