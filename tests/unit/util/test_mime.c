/* Tests for util/mime: encoded words (cut between UTF-8 sequences, each
 * under 75 characters, decoding back to the subject), folding of long
 * ASCII headers, quoted-printable (=, trailing spaces, a leading dot, soft
 * breaks), addresses, and a whole message's structure and line lengths. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mime.h"

static int b64val(char c)
{
	const char *a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = strchr(a, c);
	return p && c ? (int)(p - a) : -1;
}

/* Decodes the encoded words of a header value (the test's own decoder). */
static void decode_words(const char *h, buf_t *out)
{
	const char *p = h;
	while ((p = strstr(p, "=?UTF-8?B?")) != NULL) {
		p += 10;
		const char *e = strstr(p, "?=");
		assert_non_null(e);
		assert_true(e - p + 12 <= 75);
		unsigned v = 0;
		int bits = 0;
		for (; p < e; p++) {
			if (*p == '=')
				continue;
			int x = b64val(*p);
			assert_true(x >= 0);
			v = (v << 6) | (unsigned)x;
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				buf_putc(out, (char)((v >> bits) & 0xff));
			}
		}
		/* Each word holds whole UTF-8 sequences. */
		size_t n = out->len;
		assert_true(n == 0 || ((unsigned char)buf_cstr(out)[n - 1] & 0xc0) != 0xc0);
		p = e + 2;
	}
}

static void assert_short_lines(const char *s)
{
	while (*s) {
		size_t n = strcspn(s, "\r");
		assert_true(n <= 78);
		s += n;
		if (*s) {
			assert_true(s[1] == '\n'); /* CRLF, never a bare CR */
			s += 2;
		}
	}
}

static void test_encoded_subject(void **state)
{
	(void)state;
	buf_t h = BUF_INIT, dec = BUF_INIT;
	const char *subj = "Vos échéances : 3 actions en retard, « Réduire l’impression » et d’autres à traiter — été";
	mime_header(&h, "Subject", subj);
	assert_true(strncmp(buf_cstr(&h), "Subject: =?UTF-8?B?", 19) == 0);
	assert_non_null(strstr(buf_cstr(&h), "\r\n =?UTF-8?B?")); /* folded */
	assert_short_lines(buf_cstr(&h));
	decode_words(buf_cstr(&h), &dec);
	assert_string_equal(buf_cstr(&dec), subj);
	buf_free(&h);
	buf_free(&dec);
}

static void test_ascii_folding(void **state)
{
	(void)state;
	buf_t h = BUF_INIT;
	mime_header(&h, "Subject", "short");
	assert_string_equal(buf_cstr(&h), "Subject: short\r\n");
	buf_reset(&h);
	const char *longer = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
			     "fifteen sixteen seventeen";
	mime_header(&h, "Subject", longer);
	assert_short_lines(buf_cstr(&h));
	assert_non_null(strstr(buf_cstr(&h), "\r\n "));
	/* Unfolding (removing CRLF before the space) gives the value back. */
	buf_t u = BUF_INIT;
	for (const char *p = buf_cstr(&h) + 9; *p; p++)
		if (!(p[0] == '\r' && p[1] == '\n' && p[2] == ' '))
			buf_putc(&u, *p);
		else
			p++;
	assert_string_equal(buf_cstr(&u), "one two three four five six seven eight nine ten eleven twelve thirteen "
					  "fourteen fifteen sixteen seventeen\r\n");
	buf_free(&u);
	buf_free(&h);
}

static void test_qp(void **state)
{
	(void)state;
	buf_t o = BUF_INIT;
	const char *s = "a=b été \n.dot\nend  ";
	mime_qp(&o, s, strlen(s));
	assert_string_equal(buf_cstr(&o), "a=3Db =C3=A9t=C3=A9=20\r\n=2Edot\r\nend =20");
	buf_reset(&o);
	char longline[301];
	memset(longline, 'x', 300);
	longline[300] = '\0';
	mime_qp(&o, longline, 300);
	assert_short_lines(buf_cstr(&o));
	assert_non_null(strstr(buf_cstr(&o), "=\r\n"));
	/* No encoded sequence is cut by a soft break. */
	buf_reset(&o);
	buf_t acc = BUF_INIT;
	for (int i = 0; i < 100; i++)
		buf_puts(&acc, "é");
	mime_qp(&o, buf_cstr(&acc), acc.len);
	for (const char *p = buf_cstr(&o); (p = strchr(p, '=')) != NULL; p++)
		assert_true(p[1] == '\r' || (strchr("0123456789ABCDEF", p[1]) && strchr("0123456789ABCDEF", p[2])));
	assert_short_lines(buf_cstr(&o));
	buf_free(&acc);
	buf_free(&o);
}

static void test_address(void **state)
{
	(void)state;
	buf_t a = BUF_INIT;
	assert_true(mime_address("Pilotage <pilotage@mairie.fr>", &a));
	assert_string_equal(buf_cstr(&a), "pilotage@mairie.fr");
	assert_true(mime_address(" bob@x.org ", &a));
	assert_string_equal(buf_cstr(&a), "bob@x.org");
	assert_false(mime_address("bob", &a));
	assert_false(mime_address("bob@", &a));
	assert_false(mime_address("Name <bob@x.org", &a));
	assert_false(mime_address("bo b@x.org", &a));
	assert_false(mime_address("bob@x.org\r\nBcc: eve@y.org", &a));
	buf_free(&a);
}

static void test_message(void **state)
{
	(void)state;
	buf_t o = BUF_INIT;
	mime_message_t m = {"Pilotage numérique <pilotage@mairie.fr>", "bob@mairie.fr", "Vos échéances",
			    1777712400, "0123abcd@mairie.fr", "https://sobre.mairie.fr/pilotage/desabonnement/abc",
			    "Bonjour,\nligne\n", "<p>Bonjour &amp; <b>été</b></p>\n"};
	assert_true(mime_compose(&m, &o));
	const char *s = buf_cstr(&o);
	assert_non_null(strstr(s, "Date: Sat, 02 May 2026 09:00:00 +0000\r\n"));
	assert_non_null(strstr(s, "From: =?UTF-8?B?"));
	assert_non_null(strstr(s, "\r\n <pilotage@mairie.fr>\r\n"));
	assert_non_null(strstr(s, "To: bob@mairie.fr\r\n"));
	assert_non_null(strstr(s, "Message-ID: <0123abcd@mairie.fr>\r\n"));
	assert_non_null(strstr(s, "Auto-Submitted: auto-generated\r\n"));
	assert_non_null(strstr(s, "List-Unsubscribe: <https://sobre.mairie.fr/pilotage/desabonnement/abc>\r\n"));
	assert_non_null(strstr(s, "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"));
	assert_non_null(strstr(s, "Content-Type: text/plain; charset=utf-8\r\n"));
	assert_non_null(strstr(s, "Content-Type: text/html; charset=utf-8\r\n"));
	assert_non_null(strstr(s, "<b>=C3=A9t=C3=A9</b>"));
	assert_non_null(strstr(s, "\r\n--=_sobre_alternative_=--\r\n"));
	assert_short_lines(s);
	/* A header injection is refused, not sent. */
	buf_reset(&o);
	m.subject = "x\r\nBcc: eve@y.org";
	assert_false(mime_compose(&m, &o));
	assert_int_equal(o.len, 0);
	m.subject = "ok";
	m.to = "eve@y.org>, <x@z.org";
	assert_false(mime_compose(&m, &o));
	buf_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encoded_subject), cmocka_unit_test(test_ascii_folding),
		cmocka_unit_test(test_qp), cmocka_unit_test(test_address), cmocka_unit_test(test_message),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
