/* logfmt: the key=value pairs of the log lines sobre writes to standard
 * error (serve's request lines, the reminders' lines): one format, so that
 * the journal and the tools reading it see one. Never prints. */
#ifndef SOBRE_LOGFMT_H
#define SOBRE_LOGFMT_H

#include <stddef.h>

#include "util/buf.h"

/* Appends " key=value" to b, the value cut at max bytes (on a character
 * boundary) and quoted when it is empty or holds a blank, '"', '=' or '\'
 * (with '"' and '\' escaped); control bytes become '?', so that a value
 * never breaks the line. */
void logfmt_kv(buf_t *b, const char *key, const char *v, size_t max);

#endif
