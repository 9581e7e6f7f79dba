/* config: the settings file (`key = value` lines, `#` comments) read against
 * a table of keys the caller owns, each value checked by its type, every
 * problem a diagnostic with file:line:column, a rule and a hint. Also the
 * checking of one value from elsewhere (environment, command line), so that
 * the three sources accept exactly the same values. */
#ifndef SOBRE_CONFIG_H
#define SOBRE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "util/diag.h"

/* A settings file is a few dozen lines written by hand: a larger one is
 * something else (a log, a database) given by mistake, read whole into
 * memory otherwise. */
#define CONFIG_MAX_FILE ((size_t)64 * 1024)
/* One line: a path or an address fits easily; longer is a file without
 * line breaks, which would otherwise be one huge value. */
#define CONFIG_MAX_LINE 4096

typedef enum {
	CONFIG_STRING, /* any text, possibly empty */
	CONFIG_PATH,   /* non-empty text */
	CONFIG_INT,    /* decimal integer in [min, max] */
	CONFIG_BOOL,   /* true/false, yes/no, on/off; normalised to "true"/"false" */
} config_type_t;

typedef struct {
	const char *name; /* e.g. "port" */
	config_type_t type;
	long min, max; /* CONFIG_INT only */
	const char *def; /* the built-in default as text; NULL: unset */
	int tag; /* the caller's, e.g. its option letter */
} config_key_t;

typedef enum { CONFIG_FROM_DEFAULT, CONFIG_FROM_FILE, CONFIG_FROM_ENV, CONFIG_FROM_OPTION } config_source_t;

/* One key's current value and where it came from. */
typedef struct {
	char *value; /* NULL when unset; owned */
	config_source_t source;
	int line; /* CONFIG_FROM_FILE: the line it was read from */
} config_value_t;

/* vals[i] = keys[i]'s default, for n keys. config_values_free releases them. */
void config_values_init(const config_key_t *keys, size_t n, config_value_t *vals);
void config_values_free(config_value_t *vals, size_t n);
/* Replaces vals's value with a copy of value (NULL: unset). */
void config_set(config_value_t *val, const char *value, config_source_t source, int line);

/* Checks value against k's type; on success returns true with *norm set to
 * the normalised value (the caller frees it), else false with what the key
 * takes ("a whole number from 0 to 65535") appended to why. */
bool config_check_value(const config_key_t *k, const char *value, char **norm, buf_t *why);

/* Parses src (len bytes) named file into vals (which keeps any key the file
 * leaves out). Returns the number of errors appended to d. */
size_t config_parse(const char *file, const char *src, size_t len, const config_key_t *keys, size_t n,
		    config_value_t *vals, diag_list_t *d);
/* Reads path (at most CONFIG_MAX_FILE bytes) and parses it. Returns the
 * number of errors, 1 when it cannot be read at all. */
size_t config_read(const char *path, const config_key_t *keys, size_t n, config_value_t *vals, diag_list_t *d);

/* "default", "FILE:LINE", "env SOBRE_X" or "option --x" for a value's
 * origin, into out (replacing it); env_prefix and the option's spelling are
 * derived from k->name ('_' as '-'). */
void config_describe_source(const config_key_t *k, const config_value_t *v, const char *file,
			    const char *env_prefix, buf_t *out);

#endif
