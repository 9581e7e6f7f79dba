/* buf: the one growable byte string used everywhere.
 * A zeroed buf_t is an empty, valid buffer; contents are always NUL-terminated
 * once anything was written, and buf_cstr() never returns NULL. */
#ifndef SOBRE_BUF_H
#define SOBRE_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct {
	char *ptr;
	size_t len;
	size_t cap;
} buf_t;

#define BUF_INIT {NULL, 0, 0}

void buf_grow(buf_t *b, size_t extra);
void buf_put(buf_t *b, const char *s, size_t n);
void buf_puts(buf_t *b, const char *s);
void buf_putc(buf_t *b, char c);
void buf_printf(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(buf_t *b, const char *fmt, va_list ap);
/* Append with HTML escaping of & < > " ' */
void buf_put_html(buf_t *b, const char *s, size_t n);
void buf_truncate(buf_t *b, size_t len);
const char *buf_cstr(const buf_t *b);
/* Hand the contents to the caller (who frees them); the buffer becomes empty. */
char *buf_detach(buf_t *b);
void buf_reset(buf_t *b);
void buf_free(buf_t *b);

#endif
