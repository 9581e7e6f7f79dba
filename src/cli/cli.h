/* cli: the terminal layer: one function per command (argument parsing,
 * printing, exit codes) plus the helpers they share. Only this layer and
 * main.c print or decide exit codes. */
#ifndef SOBRE_CLI_H
#define SOBRE_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "guide/guide.h"
#include "util/diag.h"

/* Exit codes shared by every command. */
enum { EXIT_OK = 0, EXIT_PROBLEMS = 1, EXIT_USAGE = 2 };

int cmd_check(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_build(int argc, char **argv);

/* Prints "sobre <cmd>: message" and the usage hint to stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Loads and checks the guide in dir for commands that need a valid guide:
 * on errors prints them to stderr and returns NULL with *code set. */
guide_t *cli_load_valid_guide(const char *cmd, const char *dir, int *code);

/* Makes diagnostic paths (relative to the guide) relative to the current
 * directory, so editors and terminals can open them: "DIR/path". */
void cli_rebase_diags(diag_list_t *d, const char *dir);

/* Prints diagnostics gcc-style to f. */
void cli_print_diags(FILE *f, const diag_list_t *d);

/* Writes data to path atomically, or to stdout when path is NULL or "-".
 * Returns an exit code, printing the error. */
int cli_write_output(const char *cmd, const char *path, const char *data, size_t len);

/* Display width of a UTF-8 string in terminal columns (1 per code point). */
size_t cli_width(const char *s);

#endif
