/* store_sql: SQL text as the store's backends need it: SQLite's parameters
 * rewritten as PostgreSQL's, read with SQLite's tokenizer's rules
 * (tokenize.c) where they matter: which characters make a name, the four
 * quotes, the two comments, what follows a ?. */
#include "steer/store_sql.h"

#include <stdbool.h>
#include <string.h>

#include "util/buf.h"

/* A character of a name in SQLite (its IdChar: letters, digits, _, $ and
 * every byte of a multibyte UTF-8 character); PostgreSQL's names take the
 * same after their first. */
static bool name_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
	       c >= 0x80;
}

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The end of the quoted text opening at p (its closing quote included),
 * or NULL when it does not end. A doubled quote is one character of the
 * text, except for […]. */
static const char *quote_end(const char *p)
{
	char close = *p == '[' ? ']' : *p;
	for (const char *q = p + 1; *q; q++)
		if (*q == close) {
			if (close != ']' && q[1] == close) {
				q++;
				continue;
			}
			return q + 1;
		}
	return NULL;
}

/* A parameter's number from the ? at p: *len gets its length; 0 for a
 * bare ?, -1 for 0 or a number above the limit. */
static long param_number(const char *p, size_t *len)
{
	size_t n = 1;
	long v = 0;
	while (digit(p[n])) {
		if (v <= STORE_SQL_MAX_PARAM)
			v = v * 10 + (p[n] - '0');
		n++;
	}
	*len = n;
	if (n == 1)
		return 0;
	return v >= 1 && v <= STORE_SQL_MAX_PARAM ? v : -1;
}

/* Whether the E at p - 1 (before the quote at p) is a name of its own:
 * PostgreSQL's escape string E'…'. */
static bool escape_string(const char *sql, const char *p)
{
	if (*p != '\'' || p == sql || (p[-1] != 'E' && p[-1] != 'e'))
		return false;
	return p - 1 == sql || !name_char((unsigned char)p[-2]);
}

static char *refuse(store_sql_info_t *info, buf_t *out, const char *sql, const char *at, const char *why)
{
	info->err_at = (size_t)(at - sql);
	info->err = why;
	buf_free(out);
	return NULL;
}

char *store_sql_pg_params(const char *sql, store_sql_info_t *info)
{
	buf_t out = BUF_INIT;
	info->nparams = 0;
	info->err_at = 0;
	info->err = NULL;
	const char *p = sql;
	while (*p) {
		const char *from = p;
		if (*p == '\'' || *p == '"' || *p == '`' || *p == '[') {
			if (escape_string(sql, p))
				return refuse(info, &out, sql, p - 1,
					      "E'...' is PostgreSQL's escape string, which SQLite lacks: write the characters");
			p = quote_end(p);
			if (!p)
				return refuse(info, &out, sql, from, "unterminated quoted text");
		} else if (p[0] == '-' && p[1] == '-') {
			p += strcspn(p, "\r\n");
			if (p[0] == '\r' && p[1] != '\n')
				return refuse(info, &out, sql, p,
					      "a carriage return in a -- comment: PostgreSQL ends the comment there, SQLite "
					      "at the line's end");
		} else if (p[0] == '/' && p[1] == '*') {
			const char *end = strstr(p + 2, "*/");
			if (!end)
				return refuse(info, &out, sql, p, "unterminated comment (PostgreSQL refuses it)");
			const char *inner = strstr(p + 2, "/*");
			if (inner && inner < end)
				return refuse(info, &out, sql, inner,
					      "a comment inside a comment: PostgreSQL nests them, SQLite ends both at the first */");
			p = end + 2;
		} else if (*p == '?') {
			size_t len;
			long n = param_number(p, &len);
			if (n < 0)
				return refuse(info, &out, sql, p, "a parameter number must be between ?1 and ?32766");
			if (n == 0) {
				if (info->nparams == STORE_SQL_MAX_PARAM)
					return refuse(info, &out, sql, p, "more than 32766 parameters");
				n = info->nparams + 1;
			}
			if (p[len] == '?')
				return refuse(info, &out, sql, p + len, "two parameters in a row");
			if (n > info->nparams)
				info->nparams = (int)n;
			/* $1 must not become part of a name before it ("a$1") nor
			 * take a name or number after it ("$1a", "$12"). */
			if (out.len && name_char((unsigned char)out.ptr[out.len - 1]))
				buf_putc(&out, ' ');
			buf_printf(&out, "$%ld", n);
			p += len;
			if (name_char((unsigned char)*p))
				buf_putc(&out, ' ');
			continue;
		} else if ((*p == ':' || *p == '@') && name_char((unsigned char)p[1])) {
			return refuse(info, &out, sql, p, *p == ':' ? "a :name parameter: write ? or ?NNN"
								    : "an @name parameter: write ? or ?NNN");
		} else if (p[0] == ':' && p[1] == ':') {
			p += 2; /* PostgreSQL's cast (SQLite has none) */
		} else if (*p == '$' && (p == sql || !name_char((unsigned char)p[-1]))) {
			return refuse(info, &out, sql, p, "a $ outside a name ($name or $n parameter, dollar quoting): "
							  "write ? or ?NNN, and '...'");
		} else {
			/* Up to the next character that may start one of the above. */
			p += 1 + strcspn(p + 1, "'\"`[-/?:@$");
		}
		buf_put(&out, from, (size_t)(p - from));
	}
	return buf_detach(&out);
}
