/* mime: composing e-mail messages (see mime.h). */
#include "util/mime.h"

#include <string.h>

/* Quoted-printable output contains "=" only before two hex digits or a
 * line break, so a boundary starting with "=_" can never occur in a part. */
#define MIME_BOUNDARY "=_sobre_alternative_="
/* Folded header lines stay under this many octets (RFC 5322's "should"). */
#define MIME_FOLD 78
/* Bytes of text per encoded word: 45 give 60 base64 characters, with the
 * 12 of "=?UTF-8?B?" and "?=" a word of 72, under the 75 of RFC 2047. */
#define MIME_WORD_BYTES 45

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void put_base64(buf_t *out, const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)s[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		buf_putc(out, b64[(v >> 18) & 63]);
		buf_putc(out, b64[(v >> 12) & 63]);
		buf_putc(out, i + 1 < n ? b64[(v >> 6) & 63] : '=');
		buf_putc(out, i + 2 < n ? b64[v & 63] : '=');
	}
}

static bool plain_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

/* Appends s as encoded words separated by folds; col is the column the
 * first one starts at. Words are cut between UTF-8 sequences, never in
 * one, so that each decodes on its own. */
static void put_encoded_words(buf_t *out, const char *s, size_t col)
{
	size_t n = strlen(s), i = 0;
	while (i < n) {
		/* " =?UTF-8?B?" and "?=" take 13 columns; what is left takes
		 * base64 quads of 3 bytes. A word too short to be worth it
		 * starts a new line instead. */
		size_t room = col + 13 + 16 <= MIME_FOLD ? (MIME_FOLD - col - 13) / 4 * 3 : 0;
		if (!room) {
			buf_puts(out, "\r\n");
			col = 0;
			room = MIME_WORD_BYTES;
		}
		size_t k = n - i < room ? n - i : room;
		if (k > MIME_WORD_BYTES)
			k = MIME_WORD_BYTES;
		while (i + k < n && k > 1 && ((unsigned char)s[i + k] & 0xc0) == 0x80)
			k--;
		buf_puts(out, " =?UTF-8?B?");
		put_base64(out, (const unsigned char *)s + i, k);
		buf_puts(out, "?=");
		col += 13 + (k + 2) / 3 * 4;
		i += k;
	}
}

/* Appends ASCII text folded at spaces when a line would pass MIME_FOLD. */
static void put_folded(buf_t *out, const char *s, size_t col)
{
	while (*s) {
		size_t w = strcspn(s + 1, " ") + 1; /* a word with its leading space */
		if (*s == ' ' && col > 1 && col + w > MIME_FOLD) {
			buf_puts(out, "\r\n");
			col = 0;
		}
		buf_put(out, s, w);
		col += w;
		s += w;
	}
}

void mime_header(buf_t *out, const char *name, const char *value)
{
	buf_puts(out, name);
	buf_putc(out, ':');
	if (plain_ascii(value)) {
		buf_putc(out, ' ');
		put_folded(out, value, strlen(name) + 2);
	} else {
		put_encoded_words(out, value, strlen(name) + 1);
	}
	buf_puts(out, "\r\n");
}

void mime_qp(buf_t *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t col = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\r' && i + 1 < len && s[i + 1] == '\n')
			continue;
		if (c == '\n') {
			buf_puts(out, "\r\n");
			col = 0;
			continue;
		}
		bool at_end = i + 1 == len || s[i + 1] == '\n' || (s[i + 1] == '\r' && i + 2 < len && s[i + 2] == '\n');
		/* A space or tab ending a line would be dropped by transports;
		 * a dot starting one is SMTP's end of data to a careless relay. */
		bool literal = (c >= 33 && c <= 126 && c != '=' && !(c == '.' && col == 0)) ||
			       ((c == ' ' || c == '\t') && !at_end);
		size_t w = literal ? 1 : 3;
		if (col + w > 75) {
			buf_puts(out, "=\r\n");
			col = 0;
		}
		if (literal) {
			buf_putc(out, (char)c);
		} else {
			buf_putc(out, '=');
			buf_putc(out, hex[c >> 4]);
			buf_putc(out, hex[c & 15]);
		}
		col += w;
	}
}

bool mime_address(const char *from, buf_t *out)
{
	buf_reset(out);
	const char *lt = strrchr(from, '<');
	const char *a = lt ? lt + 1 : from;
	size_t n = lt ? strcspn(a, ">") : strlen(a);
	if (lt && a[n] != '>')
		return false;
	while (!lt && n && *a == ' ')
		a++, n--;
	while (!lt && n && a[n - 1] == ' ')
		n--;
	const char *at = memchr(a, '@', n);
	if (!at || at == a || at == a + n - 1 || n > 254)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)a[i] <= 0x20 || (unsigned char)a[i] >= 0x7f || strchr("<>()[],;:\\\"", a[i]))
			return false;
	buf_put(out, a, n);
	return true;
}

/* "Name <addr>": the name as encoded words when it is not ASCII, else
 * quoted when it holds specials; the address as it is. */
static void put_from(buf_t *out, const char *from, const char *addr)
{
	const char *lt = strrchr(from, '<');
	size_t n = lt ? (size_t)(lt - from) : 0;
	while (n && from[n - 1] == ' ')
		n--;
	if (!n) {
		buf_printf(out, "From: %s\r\n", addr);
		return;
	}
	buf_t name = BUF_INIT;
	buf_put(&name, from, n);
	if (!plain_ascii(buf_cstr(&name))) {
		buf_puts(out, "From:");
		put_encoded_words(out, buf_cstr(&name), 5);
	} else {
		buf_puts(out, "From: \"");
		for (size_t i = 0; i < n; i++) {
			if (from[i] == '"' || from[i] == '\\')
				buf_putc(out, '\\');
			buf_putc(out, from[i]);
		}
		buf_putc(out, '"');
	}
	buf_printf(out, "\r\n <%s>\r\n", addr);
	buf_free(&name);
}

static bool header_ok(const char *v)
{
	return v && strlen(v) <= MIME_MAX_HEADER && !strpbrk(v, "\r\n");
}

static void put_date(buf_t *out, time_t t)
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;
	gmtime_r(&t, &tm);
	buf_printf(out, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday % 7], tm.tm_mday,
		   months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void put_part(buf_t *out, const char *type, const char *body)
{
	buf_printf(out, "--" MIME_BOUNDARY "\r\nContent-Type: %s; charset=utf-8\r\n"
			"Content-Transfer-Encoding: quoted-printable\r\n\r\n", type);
	mime_qp(out, body, strlen(body));
	buf_puts(out, "\r\n");
}

bool mime_compose(const mime_message_t *m, buf_t *out)
{
	buf_t from = BUF_INIT, to = BUF_INIT;
	bool ok = header_ok(m->from) && header_ok(m->to) && header_ok(m->subject) && header_ok(m->message_id) &&
		  (!m->unsubscribe || (header_ok(m->unsubscribe) && !strpbrk(m->unsubscribe, "<> "))) && m->text &&
		  m->html && mime_address(m->from, &from) && mime_address(m->to, &to);
	if (!ok)
		goto cleanup;
	put_date(out, m->date);
	put_from(out, m->from, buf_cstr(&from));
	buf_printf(out, "To: %s\r\n", buf_cstr(&to));
	mime_header(out, "Subject", m->subject);
	buf_printf(out, "Message-ID: <%s>\r\n", m->message_id);
	buf_puts(out, "MIME-Version: 1.0\r\nAuto-Submitted: auto-generated\r\n");
	if (m->unsubscribe) {
		buf_printf(out, "List-Unsubscribe: <%s>\r\n", m->unsubscribe);
		buf_puts(out, "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n");
	}
	buf_puts(out, "Content-Type: multipart/alternative;\r\n boundary=\"" MIME_BOUNDARY "\"\r\n\r\n");
	put_part(out, "text/plain", m->text);
	put_part(out, "text/html", m->html);
	buf_puts(out, "--" MIME_BOUNDARY "--\r\n");
cleanup:
	buf_free(&from);
	buf_free(&to);
	return ok;
}
