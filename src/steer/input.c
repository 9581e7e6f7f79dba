/* input: folding, dates, periods, numbers, URLs and text limits. Everything
 * here is byte-exact and locale-independent, so the CLI, the web app and
 * the tests agree on every platform. */
#include "steer/input.h"

#include <stdint.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"
#include "util/xalloc.h"

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in(int y, int m)
{
	static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && leap(y) ? 29 : d[m - 1];
}

int input_digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static bool make_date(int y, int m, int d, char out[11])
{
	if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 || d > days_in(y, m))
		return false;
	char tmp[48];
	snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y, m, d);
	memcpy(out, tmp, 11);
	return true;
}

bool input_date(const char *s, char out[11])
{
	size_t n = strlen(s);
	if (n == 10 && s[4] == '-' && s[7] == '-')
		return make_date(input_digits(s, 4), input_digits(s + 5, 2), input_digits(s + 8, 2), out);
	if (n == 10 && s[2] == '/' && s[5] == '/')
		return make_date(input_digits(s + 6, 4), input_digits(s + 3, 2), input_digits(s, 2), out);
	return false;
}

bool input_period(const char *s, input_period_t *p)
{
	size_t n = strlen(s);
	memset(p, 0, sizeof *p);
	if (input_date(s, p->text)) {
		memcpy(p->start, p->text, 11);
		memcpy(p->end, p->text, 11);
		return true;
	}
	int y = n >= 4 ? input_digits(s, 4) : -1;
	if (y < 1900 || y > 9999)
		return false;
	if (n == 4) {
		memcpy(p->text, s, 4);
		make_date(y, 1, 1, p->start);
		make_date(y, 12, 31, p->end);
		return true;
	}
	if (n == 7 && s[4] == '-' && (s[5] == 'T' || s[5] == 't' || s[5] == 'Q' || s[5] == 'q')) {
		int q = input_digits(s + 6, 1);
		if (q < 1 || q > 4)
			return false;
		memcpy(p->text, s, 5);
		p->text[5] = 'T';
		p->text[6] = (char)('0' + q);
		make_date(y, 3 * q - 2, 1, p->start);
		make_date(y, 3 * q, days_in(y, 3 * q), p->end);
		return true;
	}
	if (n == 7 && s[4] == '-') {
		int m = input_digits(s + 5, 2);
		if (m < 1 || m > 12)
			return false;
		memcpy(p->text, s, 7);
		make_date(y, m, 1, p->start);
		make_date(y, m, days_in(y, m), p->end);
		return true;
	}
	return false;
}

void input_quarter_of(const char *date, input_period_t *p)
{
	int y = input_digits(date, 4), m = input_digits(date + 5, 2);
	char q[32];
	snprintf(q, sizeof q, "%04d-T%d", y, (m - 1) / 3 + 1);
	input_period(q, p);
}

void input_previous_quarter(const input_period_t *q, input_period_t *p)
{
	int y = input_digits(q->text, 4), n = q->text[6] - '0';
	char t[32];
	if (n == 1)
		snprintf(t, sizeof t, "%04d-T4", y - 1);
	else
		snprintf(t, sizeof t, "%04d-T%d", y, n - 1);
	if (!input_period(t, p))
		*p = *q; /* year 1900: nothing before it */
}

bool input_number(const char *s, char *canon, size_t cap, double *value)
{
	char intpart[INPUT_MAX_NUMBER + 1], frac[INPUT_MAX_NUMBER + 1];
	size_t ni = 0, nf = 0, len = strlen(s), i = 0;
	bool neg = false, seen_sep = false, last_digit = false;
	/* Digit grouping ("12 500"): the first group has 1-3 digits, the others
	 * exactly 3, so "1 2" is refused rather than read as 12. */
	size_t groups = 0, group_len = 0;
	if (len > (size_t)INPUT_MAX_NUMBER * 3)
		return false;
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i < len && (s[i] == '-' || s[i] == '+')) {
		neg = s[i] == '-';
		i++;
	} else if (i + 2 < len && (unsigned char)s[i] == 0xe2 && (unsigned char)s[i + 1] == 0x88 &&
		   (unsigned char)s[i + 2] == 0x92) {
		neg = true; /* U+2212 MINUS SIGN, as spreadsheets print it */
		i += 3;
	}
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		if (c >= '0' && c <= '9') {
			if (ni + nf >= INPUT_MAX_NUMBER)
				return false;
			if (seen_sep) {
				frac[nf++] = (char)c;
			} else {
				intpart[ni++] = (char)c;
				group_len++;
			}
			last_digit = true;
			i++;
		} else if ((c == '.' || c == ',') && !seen_sep && last_digit) {
			if (groups && group_len != 3)
				return false;
			seen_sep = true;
			last_digit = false;
			i++;
		} else if (!seen_sep && last_digit && (c == ' ' || c == 0xc2 || c == 0xe2)) {
			/* Group separator: a space, U+00A0 or U+202F between digits. */
			size_t w = c == ' ' ? 1 : c == 0xc2 ? 2 : 3;
			if (i + w > len || (c == 0xc2 && (unsigned char)s[i + 1] != 0xa0) ||
			    (c == 0xe2 && ((unsigned char)s[i + 1] != 0x80 || (unsigned char)s[i + 2] != 0xaf)))
				break;
			if (i + w >= len || s[i + w] < '0' || s[i + w] > '9')
				break;
			if ((groups == 0 && group_len > 3) || (groups > 0 && group_len != 3))
				return false;
			groups++;
			group_len = 0;
			i += w;
		} else {
			break;
		}
	}
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i != len || ni == 0 || (seen_sep && nf == 0) || (groups && !seen_sep && group_len != 3))
		return false;
	/* Canonical: no leading zeros, no trailing fraction zeros. */
	size_t a = 0;
	while (a + 1 < ni && intpart[a] == '0')
		a++;
	while (nf > 0 && frac[nf - 1] == '0')
		nf--;
	bool zero = ni - a == 1 && intpart[a] == '0' && nf == 0;
	int w = snprintf(canon, cap, "%s%.*s%s%.*s", neg && !zero ? "-" : "", (int)(ni - a), intpart + a,
			 nf ? "." : "", (int)nf, frac);
	if (w < 0 || (size_t)w >= cap)
		return false;
	if (value)
		*value = strtod(canon, NULL);
	return true;
}

bool input_url(const char *s)
{
	size_t n = strlen(s), off;
	if (n > INPUT_MAX_URL)
		return false;
	if (strncmp(s, "https://", 8) == 0)
		off = 8;
	else if (strncmp(s, "http://", 7) == 0)
		off = 7;
	else
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f || s[i] == '"' || s[i] == '<' || s[i] == '>' ||
		    s[i] == '\\')
			return false;
	/* A host: at least one character before the path, and no empty host. */
	size_t h = off;
	while (h < n && s[h] != '/' && s[h] != '?' && s[h] != '#')
		h++;
	if (h == off)
		return false;
	const char *at = memchr(s + off, '@', h - off);
	size_t host = at ? (size_t)(at - s) + 1 : off;
	return host < h && s[host] != ':' && s[host] != '.';
}

bool input_email(const char *s)
{
	const char *at = strchr(s, '@');
	if (!at || at == s || strchr(at + 1, '@'))
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == ',' || *p == ';' || *p == '<' || *p == '>' || *p == '"')
			return false;
	const char *dot = strrchr(at + 1, '.');
	return dot && dot > at + 1 && dot[1] != '\0';
}

const char *input_text_problem(const char *s, size_t max, bool multiline)
{
	size_t n = strlen(s), bad;
	if (!utf8_valid(s, n, &bad))
		return "is not valid UTF-8 text";
	if (n > max)
		return max == INPUT_MAX_NAME ? "is longer than 200 bytes"
		       : max == INPUT_MAX_URL ? "is longer than 2048 bytes"
					      : "is longer than 4000 bytes";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < ' ' && !(multiline && (c == '\n' || c == '\t' || c == '\r'))) || c == 0x7f)
			return multiline ? "contains control characters" : "contains a line break or control character";
	}
	return NULL;
}

char *input_trim(const char *s)
{
	size_t a = 0, b = strlen(s);
	while (a < b && (s[a] == ' ' || s[a] == '\t' || s[a] == '\n' || s[a] == '\r'))
		a++;
	while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\n' || s[b - 1] == '\r'))
		b--;
	return xstrndup(s + a, b - a);
}

bool input_whole(const char *s, long min, long max, long *out)
{
	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	char *end;
	long v = strtol(s, &end, 10);
	if (*end || errno == ERANGE || v < min || v > max)
		return false;
	*out = v;
	return true;
}

const char *input_hundredths(const char *s, const char *suffix, long long max, long long *out)
{
	char canon[INPUT_NUMBER_CAP];
	char *t = input_trim(s);
	size_t n = strlen(t);
	if (suffix && n >= strlen(suffix) && strcmp(t + n - strlen(suffix), suffix) == 0)
		t[n - strlen(suffix)] = '\0';
	bool ok = input_number(t, canon, sizeof canon, NULL);
	free(t);
	if (!ok)
		return "is not a number (e.g. 1500, 12 500,50 or 3,5)";
	if (canon[0] == '-')
		return "is negative: give the amount itself (0 or more)";
	const char *dot = strchr(canon, '.');
	if (dot && strlen(dot + 1) > 2)
		return "has more than two decimals";
	long long v = 0;
	for (const char *p = canon; *p && p != dot; p++) {
		if (v > max / 10)
			return "is too large";
		v = v * 10 + (*p - '0');
	}
	int frac = 0;
	if (dot)
		frac = (dot[1] - '0') * 10 + (dot[2] ? dot[2] - '0' : 0);
	if (v > (max - frac) / 100)
		return "is too large";
	*out = v * 100 + frac;
	return NULL;
}

void input_hundredths_text(long long v, buf_t *out)
{
	buf_printf(out, "%lld", v / 100);
	if (v % 100 % 10)
		buf_printf(out, ".%02lld", v % 100);
	else if (v % 100)
		buf_printf(out, ".%lld", v % 100 / 10);
}

void input_hundredths_fr(long long v, bool money, buf_t *out)
{
	char digits[24];
	int n = snprintf(digits, sizeof digits, "%lld", v / 100);
	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			buf_puts(out, "\xe2\x80\xaf"); /* U+202F, as French typography groups digits */
		buf_putc(out, digits[i]);
	}
	/* Money always with its cents; days with the decimals they have. */
	if (money || v % 100 % 10)
		buf_printf(out, ",%02lld", v % 100);
	else if (v % 100)
		buf_printf(out, ",%lld", v % 100 / 10);
}

static const char *hundredths_with(const char *s, const char *const *suffixes, size_t n, long long max, long long *out)
{
	const char *why = input_hundredths(s, NULL, max, out);
	for (size_t i = 0; why && i < n; i++)
		if (!input_hundredths(s, suffixes[i], max, out))
			why = NULL;
	return why;
}

const char *input_budget(const char *s, long long *cents)
{
	static const char *const euros[] = {"€", "EUR", "euros"};
	return hundredths_with(s, euros, sizeof euros / sizeof *euros, INPUT_MAX_BUDGET_CENTS, cents);
}

const char *input_staff(const char *s, long long *hundredths)
{
	static const char *const days[] = {"j", "jours", "jour", "jours-personne", "days"};
	return hundredths_with(s, days, sizeof days / sizeof *days, INPUT_MAX_STAFF_HUNDREDTHS, hundredths);
}

long long input_hundredths_of(const char *canon)
{
	long long v;
	return canon && !input_hundredths(canon, NULL, INT64_MAX / 100, &v) ? v : -1;
}
