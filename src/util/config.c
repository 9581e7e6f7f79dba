/* config: the settings file parser (see config.h). */
#include "util/config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/fs.h"
#include "util/suggest.h"
#include "util/xalloc.h"

void config_values_init(const config_key_t *keys, size_t n, config_value_t *vals)
{
	for (size_t i = 0; i < n; i++)
		vals[i] = (config_value_t){keys[i].def ? xstrdup(keys[i].def) : NULL, CONFIG_FROM_DEFAULT, 0};
}

void config_values_free(config_value_t *vals, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(vals[i].value);
		vals[i].value = NULL;
	}
}

void config_set(config_value_t *val, const char *value, config_source_t source, int line)
{
	char *copy = value ? xstrdup(value) : NULL;
	free(val->value);
	*val = (config_value_t){copy, source, line};
}

bool config_check_value(const config_key_t *k, const char *value, char **norm, buf_t *why)
{
	*norm = NULL;
	switch (k->type) {
	case CONFIG_STRING:
		*norm = xstrdup(value);
		return true;
	case CONFIG_PATH:
		if (*value) {
			*norm = xstrdup(value);
			return true;
		}
		if (why)
			buf_puts(why, "a path");
		return false;
	case CONFIG_BOOL: {
		static const char *const yes[] = {"true", "yes", "on"}, *const no[] = {"false", "no", "off"};
		for (size_t i = 0; i < 3; i++)
			if (strcasecmp(value, yes[i]) == 0 || strcasecmp(value, no[i]) == 0) {
				*norm = xstrdup(strcasecmp(value, yes[i]) == 0 ? "true" : "false");
				return true;
			}
		if (why)
			buf_puts(why, "true or false (also yes/no, on/off)");
		return false;
	}
	case CONFIG_INT: {
		/* Digits only, at most 18 of them: no sign, spaces, hex or overflow
		 * for strtol to accept silently. */
		size_t len = strlen(value);
		bool ok = len > 0 && len <= 18 && strspn(value, "0123456789") == len;
		long v = ok ? strtol(value, NULL, 10) : 0;
		if (ok && v >= k->min && v <= k->max) {
			buf_t b = BUF_INIT;
			buf_printf(&b, "%ld", v);
			*norm = buf_detach(&b);
			return true;
		}
		if (why)
			buf_printf(why, "a whole number from %ld to %ld", k->min, k->max);
		return false;
	}
	}
	return false;
}

/* The key's index in keys, or n. */
static size_t find_key(const config_key_t *keys, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(keys[i].name, name) == 0)
			return i;
	return n;
}

static void unknown_key(const char *file, int line, int col, const char *name, const config_key_t *keys, size_t n,
			diag_list_t *d)
{
	const char **names = xcalloc(n ? n : 1, sizeof *names);
	for (size_t i = 0; i < n; i++)
		names[i] = keys[i].name;
	const char *near = suggest_closest(name, names, n);
	diag_t *e = diag_add(d, DIAG_ERROR, file, line, col, "config-unknown-key", "unknown key '%s'", name);
	if (near)
		diag_hint(e, "did you mean '%s'?", near);
	else
		diag_hint(e, "sobre config check lists the keys; docs/configuration.md says what each does");
	free(names);
}

/* A double-quoted value starting after the opening quote at p (col its
 * column): \" and \\ are the escapes. Returns the value (the caller frees
 * it) with *end after the closing quote, or NULL with the error added. */
static char *parse_quoted(const char *file, int line, const char *p, const char *eol, int col, const char **end,
			  diag_list_t *d)
{
	buf_t v = BUF_INIT;
	const char *q = p;
	for (; q < eol && *q != '"'; q++) {
		if (*q != '\\') {
			buf_putc(&v, *q);
			continue;
		}
		if (q + 1 < eol && (q[1] == '"' || q[1] == '\\')) {
			buf_putc(&v, *++q);
			continue;
		}
		diag_hint(diag_add(d, DIAG_ERROR, file, line, col + 1 + (int)(q - p), "config-syntax",
				   "unknown escape in a quoted value"),
			  "only \\\" and \\\\ are escapes; write a backslash as \\\\");
		buf_free(&v);
		return NULL;
	}
	if (q == eol) {
		diag_hint(diag_add(d, DIAG_ERROR, file, line, col, "config-syntax", "the quote is not closed"),
			  "end the value with \" on the same line");
		buf_free(&v);
		return NULL;
	}
	*end = q + 1;
	return buf_detach(&v);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* One line (without its line break); errors appended to d. */
static void parse_line(const char *file, int line, const char *s, const char *eol, const config_key_t *keys,
		       size_t n, config_value_t *vals, int *seen, diag_list_t *d)
{
	const char *p = s;
	char *name = NULL, *raw = NULL, *norm = NULL;
	buf_t why = BUF_INIT;
	/* A NUL would cut the value short without a word: this is not text. */
	const char *nul = eol > s ? memchr(s, '\0', (size_t)(eol - s)) : NULL;
	if (nul) {
		diag_hint(diag_add(d, DIAG_ERROR, file, line, (int)(nul - s) + 1, "config-syntax", "a NUL byte"),
			  "a settings file is text; is this the right file?");
		return;
	}
	while (p < eol && is_blank(*p))
		p++;
	if (p == eol || *p == '#')
		return;
	const char *k0 = p;
	while (p < eol && ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
		p++;
	int kcol = (int)(k0 - s) + 1;
	if (p == k0) {
		diag_hint(diag_add(d, DIAG_ERROR, file, line, kcol, "config-syntax", "expected a key"),
			  "each line is key = value, a # comment or blank; keys are lower-case, words joined by _");
		goto cleanup;
	}
	name = xstrndup(k0, (size_t)(p - k0));
	while (p < eol && is_blank(*p))
		p++;
	if (p == eol || *p != '=') {
		diag_t *e = diag_add(d, DIAG_ERROR, file, line, (int)(p - s) + 1, "config-syntax",
				     "expected '=' after the key '%s'", name);
		if (p < eol && *p == '-')
			diag_hint(e, "keys join words with _ where the options have -");
		else
			diag_hint(e, "each line is key = value; keys are lower-case, words joined by _");
		goto cleanup;
	}
	p++;
	while (p < eol && is_blank(*p))
		p++;
	int vcol = (int)(p - s) + 1;
	if (p < eol && *p == '"') {
		const char *after = NULL;
		raw = parse_quoted(file, line, p + 1, eol, vcol, &after, d);
		if (!raw)
			goto cleanup;
		for (p = after; p < eol && is_blank(*p); p++)
			;
		if (p < eol && *p != '#') {
			diag_hint(diag_add(d, DIAG_ERROR, file, line, (int)(p - s) + 1, "config-syntax",
					   "text after the closing quote"),
				  "put the whole value inside the quotes, or a # before a comment");
			goto cleanup;
		}
	} else {
		/* Unquoted: up to a # that follows a blank (a comment), trailing
		 * blanks dropped; a # inside a word (a URL's fragment) stays. */
		const char *e = p;
		while (e < eol && !(*e == '#' && (e == p || is_blank(e[-1]))))
			e++;
		while (e > p && is_blank(e[-1]))
			e--;
		raw = xstrndup(p, (size_t)(e - p));
	}
	size_t i = find_key(keys, n, name);
	if (i == n) {
		unknown_key(file, line, kcol, name, keys, n, d);
		goto cleanup;
	}
	/* Told even when the first one was wrong: one fix should not reveal
	 * the next error. */
	if (seen[i]) {
		diag_hint(diag_add(d, DIAG_ERROR, file, line, kcol, "config-duplicate-key", "'%s' is set twice", name),
			  "it was first set on line %d; keep one of the two", seen[i]);
		goto cleanup;
	}
	seen[i] = line;
	if (!config_check_value(&keys[i], raw, &norm, &why)) {
		diag_hint(diag_add(d, DIAG_ERROR, file, line, vcol, "config-bad-value", "'%s' is not a value of '%s'",
				   raw, name),
			  "'%s' takes %s", name, buf_cstr(&why));
		goto cleanup;
	}
	config_set(&vals[i], norm, CONFIG_FROM_FILE, line);
cleanup:
	free(name);
	free(raw);
	free(norm);
	buf_free(&why);
}

size_t config_parse(const char *file, const char *src, size_t len, const config_key_t *keys, size_t n,
		    config_value_t *vals, diag_list_t *d)
{
	size_t before = diag_count(d, DIAG_ERROR);
	if (len > (size_t)CONFIG_MAX_FILE) {
		diag_hint(diag_add(d, DIAG_ERROR, file, 0, 0, "config-too-large",
				   "cannot read: larger than %zu bytes", CONFIG_MAX_FILE),
			  "a settings file is a few lines of key = value; is this the right file?");
		return 1;
	}
	const char *p = src, *end = src + len;
	int *seen = xcalloc(n ? n : 1, sizeof *seen); /* the line each key was first set on */
	for (int line = 1; p < end; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		if (eol > p && eol[-1] == '\r')
			eol--;
		if (eol - p > CONFIG_MAX_LINE)
			diag_hint(diag_add(d, DIAG_ERROR, file, line, CONFIG_MAX_LINE + 1, "config-line-too-long",
					   "the line is longer than %d bytes", CONFIG_MAX_LINE),
				  "a setting fits on a short line; is this the right file?");
		else
			parse_line(file, line, p, eol, keys, n, vals, seen, d);
		p = nl ? nl + 1 : end;
	}
	free(seen);
	return diag_count(d, DIAG_ERROR) - before;
}

size_t config_read(const char *path, const config_key_t *keys, size_t n, config_value_t *vals, diag_list_t *d)
{
	buf_t src = BUF_INIT;
	int err = fs_read_file(path, (size_t)CONFIG_MAX_FILE, &src);
	size_t errors;
	if (err == EFBIG) {
		errors = config_parse(path, "", CONFIG_MAX_FILE + 1, keys, n, vals, d);
	} else if (err) {
		diag_add(d, DIAG_ERROR, path, 0, 0, "config-unreadable", "cannot read: %s", strerror(err));
		errors = 1;
	} else {
		errors = config_parse(path, buf_cstr(&src), src.len, keys, n, vals, d);
	}
	buf_free(&src);
	return errors;
}

void config_describe_source(const config_key_t *k, const config_value_t *v, const char *file,
			    const char *env_prefix, buf_t *out)
{
	buf_reset(out);
	switch (v->source) {
	case CONFIG_FROM_DEFAULT: buf_puts(out, "default"); break;
	case CONFIG_FROM_FILE: buf_printf(out, "%s:%d", file, v->line); break;
	case CONFIG_FROM_ENV:
		buf_printf(out, "env %s", env_prefix);
		for (const char *c = k->name; *c; c++)
			buf_putc(out, (char)(*c >= 'a' && *c <= 'z' ? *c - 'a' + 'A' : *c));
		break;
	case CONFIG_FROM_OPTION:
		buf_puts(out, "option --");
		for (const char *c = k->name; *c; c++)
			buf_putc(out, *c == '_' ? '-' : *c);
		break;
	}
}
