/* fuzz_http: what a browser sends, as web/http parses it (decoding, encoding,
 * forms, cookies, paths; options in the first byte), with invariants that
 * abort; then the form's values, or a JSON API body's strings, through the
 * steering input parsers. sobre accepts no multipart bodies: none to reach. */
#include <arpa/inet.h>
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "steer/account.h"
#include "steer/indicator.h"
#include "steer/input.h"
#include "steer/status.h"
#include "util/buf.h"
#include "util/fold.h"
#include "util/utf8.h"
#include "web/http.h"
#include "web/pilotage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum {
	OPT_JSON = 1,   /* steering values from the body as a JSON object (pilotage_api's parse_body) */
	OPT_PREFIX = 2, /* http_decode appends after bytes already in its buffer */
	OPT_UNIT = 4,   /* bits 2-4: the indicator unit quantities are checked with */
};

/* Values given to the steering parsers per input: each costs far more than
 * its HTTP parsing, and a form of 256 copies of one field covers no more. */
#define MAX_VALUES 16

/* Units as guides and custom indicators give them (indicator.c's table). */
static const char *const units[8] = {"", "kWh", "kg eq CO2", "m\xc2\xb2", "\xe2\x82\xac", "To", "\xc2\xb0\x43",
				     "ETP"};

/* An invariant failed: abort, so that libFuzzer keeps the input and the
 * replay of make test fails on it. */
#define CHECK(cond)                                                                              \
	do {                                                                                     \
		if (!(cond)) {                                                                   \
			fprintf(stderr, "fuzz_http: line %d: invariant failed: %s\n", __LINE__, #cond); \
			abort();                                                                 \
		}                                                                                \
	} while (0)

static bool same(const char *a, size_t na, const char *b, size_t nb)
{
	return na == nb && (na == 0 || memcmp(a, b, na) == 0);
}

static bool is_unreserved(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
	       c == '_' || c == '.' || c == '~';
}

static bool is_upper_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}

static bool has_control(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 && s[i] != '\t')
			return true;
	return false;
}

/* http_encode: only unreserved bytes and %XX, and decoding (with '+' as
 * space or not: encode never writes '+') gives s back exactly when s is
 * decodable text at all (valid UTF-8 without NUL). */
static void check_encode(const char *s, size_t n)
{
	buf_t enc = BUF_INIT;
	http_encode(s, n, &enc);
	size_t escapes = 0;
	for (size_t i = 0; i < enc.len; i++) {
		if (enc.ptr[i] == '%') {
			CHECK(i + 2 < enc.len);
			CHECK(is_upper_hex(enc.ptr[i + 1]) && is_upper_hex(enc.ptr[i + 2]));
			i += 2;
			escapes++;
		} else {
			CHECK(is_unreserved((unsigned char)enc.ptr[i]));
		}
	}
	CHECK(enc.len == n + 2 * escapes);
	bool text = !memchr(s, '\0', n) && utf8_valid(s, n, NULL);
	for (int plus = 0; plus < 2; plus++) {
		buf_t dec = BUF_INIT;
		int rc = http_decode(buf_cstr(&enc), enc.len, plus, &dec);
		CHECK((rc == 0) == text);
		if (rc == 0)
			CHECK(same(dec.ptr, dec.len, s, n));
		buf_free(&dec);
	}
	buf_free(&enc);
}

/* http_decode in both modes: they agree on success and differ only where
 * '+' became a space; the result is text, never longer than the input, and
 * encoding it decodes back to it. With prefix, the same bytes are appended
 * after an incomplete UTF-8 sequence already in the buffer, which the
 * validation must leave out. */
static void check_decode(const char *s, size_t n, bool prefix)
{
	buf_t plain = BUF_INIT, plus = BUF_INIT;
	int a = http_decode(s, n, false, &plain), b = http_decode(s, n, true, &plus);
	CHECK(a == b);
	if (a == 0) {
		CHECK(plain.len == plus.len && plain.len <= n);
		for (size_t i = 0; i < plain.len; i++)
			CHECK(plain.ptr[i] == plus.ptr[i] || (plain.ptr[i] == '+' && plus.ptr[i] == ' '));
		CHECK(!memchr(plain.ptr, '\0', plain.len));
		CHECK(utf8_valid(plain.ptr, plain.len, NULL));
		check_encode(plain.ptr, plain.len);
		check_encode(plus.ptr, plus.len);
	}
	if (prefix) {
		buf_t after = BUF_INIT;
		buf_puts(&after, "=\xc3");
		CHECK(http_decode(s, n, true, &after) == b);
		CHECK(memcmp(after.ptr, "=\xc3", 2) == 0);
		if (b == 0)
			CHECK(same(after.ptr + 2, after.len - 2, plus.ptr, plus.len));
		buf_free(&after);
	}
	buf_free(&plain);
	buf_free(&plus);
}

/* http_param finds the first parameter of a name, by pointer. */
static void check_lookups(const http_params_t *p)
{
	for (size_t i = 0; i < p->len; i++) {
		size_t j = 0;
		while (strcmp(p->items[j].name, p->items[i].name) != 0)
			j++;
		CHECK(http_param(p, p->items[i].name) == p->items[j].value);
	}
}

/* A path from http_clean_path: starts with '/', no empty, "." or ".."
 * segment, no backslash, no NUL, valid UTF-8, and cleaning it again
 * changes nothing. */
static void check_clean(const buf_t *out)
{
	CHECK(out->len >= 1 && out->ptr[0] == '/');
	CHECK(strlen(out->ptr) == out->len);
	CHECK(utf8_valid(out->ptr, out->len, NULL));
	CHECK(!memchr(out->ptr, '\\', out->len));
	CHECK(!strstr(out->ptr, "//"));
	for (const char *seg = out->ptr + 1; *seg;) {
		const char *end = strchr(seg, '/');
		size_t len = end ? (size_t)(end - seg) : strlen(seg);
		CHECK(!(len == 1 && seg[0] == '.') && !(len == 2 && seg[0] == '.' && seg[1] == '.'));
		seg += len + (end != NULL);
	}
	buf_t again = BUF_INIT;
	CHECK(http_clean_path(out->ptr, out->len, false, &again) == 0);
	CHECK(same(again.ptr, again.len, out->ptr, out->len));
	buf_free(&again);
	/* Routing: the steering app owns /pilotage and below, nothing else. */
	bool owns = strncmp(out->ptr, "/pilotage", 9) == 0 && (out->ptr[9] == '\0' || out->ptr[9] == '/');
	CHECK(pilotage_owns(out->ptr) == owns);
}

/* http_clean_path in both modes; decoding first is the same as cleaning
 * the decoded path (which must start with a literal '/' as sent). */
static void check_path(const char *s, size_t n)
{
	buf_t raw = BUF_INIT, dec = BUF_INIT, decoded = BUF_INIT, via = BUF_INIT;
	if (http_clean_path(s, n, false, &raw) == 0)
		check_clean(&raw);
	int r1 = http_clean_path(s, n, true, &dec);
	if (r1 == 0)
		check_clean(&dec);
	int r2 = -1;
	if (n > 0 && s[0] == '/' && http_decode(s, n, false, &decoded) == 0)
		r2 = http_clean_path(decoded.ptr, decoded.len, false, &via);
	CHECK(r1 == r2);
	if (r1 == 0)
		CHECK(same(dec.ptr, dec.len, via.ptr, via.len));
	buf_free(&raw);
	buf_free(&dec);
	buf_free(&decoded);
	buf_free(&via);
}

/* A url-encoded form: one parameter per non-empty '&' segment, names and
 * values text; encoded again as a browser would, it parses to the same. */
static void check_form(const char *s, size_t n, http_params_t *form)
{
	int rc = http_parse_urlencoded(s, n, form);
	CHECK(form->len <= HTTP_MAX_PARAMS);
	size_t segments = 0;
	for (size_t i = 0; i < n;) {
		const char *amp = memchr(s + i, '&', n - i);
		size_t end = amp ? (size_t)(amp - s) : n;
		segments += end > i;
		i = end + 1;
	}
	if (rc == 0)
		CHECK(form->len == segments);
	else
		CHECK(form->len < segments);
	buf_t again = BUF_INIT;
	for (size_t i = 0; i < form->len; i++) {
		const http_param_t *x = &form->items[i];
		CHECK(utf8_valid(x->name, strlen(x->name), NULL) && utf8_valid(x->value, strlen(x->value), NULL));
		if (i)
			buf_putc(&again, '&');
		http_encode(x->name, strlen(x->name), &again);
		buf_putc(&again, '=');
		http_encode(x->value, strlen(x->value), &again);
	}
	check_lookups(form);
	CHECK(http_param(form, "\xff") == NULL);
	http_params_t p2 = {0};
	CHECK(http_parse_urlencoded(buf_cstr(&again), again.len, &p2) == 0);
	CHECK(p2.len == form->len);
	for (size_t i = 0; i < p2.len; i++)
		CHECK(strcmp(p2.items[i].name, form->items[i].name) == 0 &&
		      strcmp(p2.items[i].value, form->items[i].value) == 0);
	http_params_free(&p2);
	buf_free(&again);
}

/* An X-Forwarded-For header: an address taken from it is the header's
 * last entry, trimmed, and reads back as an IPv4 or IPv6 address. */
static void check_forwarded(const char *s)
{
	char a[64];
	if (!http_forwarded_client(s, a, sizeof a))
		return;
	unsigned char bin[16];
	CHECK(inet_pton(AF_INET, a, bin) == 1 || inet_pton(AF_INET6, a, bin) == 1);
	const char *last = strrchr(s, ',');
	CHECK(strstr(last ? last : s, a) != NULL);
}

/* A Cookie header: a header parsed without skipping a pair holds no
 * control character (but tab) anywhere; no cookie kept holds one; names
 * hold no '=' or ';', values no ';'; written back with quoted values it
 * parses to the same cookies. */
static void check_cookies(const char *s, size_t n)
{
	http_params_t c = {0};
	int rc = http_parse_cookies(s, n, &c);
	CHECK(c.len <= HTTP_MAX_PARAMS);
	if (rc == 0)
		CHECK(!has_control(s, n));
	buf_t again = BUF_INIT;
	for (size_t i = 0; i < c.len; i++) {
		const http_param_t *x = &c.items[i];
		size_t nl = strlen(x->name), vl = strlen(x->value);
		CHECK(!has_control(x->name, nl) && !has_control(x->value, vl));
		CHECK(!strpbrk(x->name, "=;") && !strchr(x->value, ';'));
		CHECK(x->name[0] != ' ' && (nl == 0 || x->name[nl - 1] != ' '));
		buf_printf(&again, "%s%s=\"%s\"", i ? "; " : "", x->name, x->value);
	}
	check_lookups(&c);
	http_params_t c2 = {0};
	CHECK(http_parse_cookies(buf_cstr(&again), again.len, &c2) == 0);
	CHECK(c2.len == c.len);
	for (size_t i = 0; i < c2.len; i++)
		CHECK(strcmp(c2.items[i].name, c.items[i].name) == 0 &&
		      strcmp(c2.items[i].value, c.items[i].value) == 0);
	http_params_free(&c2);
	http_params_free(&c);
	buf_free(&again);
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The steering side's parsers on one value typed into a form: each result
 * is canonical (parsing it again gives itself) and within its stated form. */
static void check_input(const char *v, const char *unit)
{
	size_t n = strlen(v);

	/* NFC and case folding: valid UTF-8 stays valid, and a second pass
	 * changes nothing (UTF8_MAX_MARKS runs included). */
	buf_t nfc = BUF_INIT, cf = BUF_INIT, cf2 = BUF_INIT;
	utf8_nfc(v, n, &nfc);
	size_t m;
	char *again = utf8_nfc_new(buf_cstr(&nfc), nfc.len, &m);
	CHECK(!again);
	free(again);
	utf8_casefold(v, n, &cf);
	utf8_casefold(buf_cstr(&cf), cf.len, &cf2);
	if (utf8_valid(v, n, NULL))
		CHECK(utf8_valid(buf_cstr(&nfc), nfc.len, NULL) && utf8_valid(buf_cstr(&cf), cf.len, NULL));
	CHECK(cf.len == cf2.len && memcmp(buf_cstr(&cf), buf_cstr(&cf2), cf.len) == 0);
	CHECK(utf8_equal_fold(v, buf_cstr(&nfc)));
	buf_free(&nfc);
	buf_free(&cf);
	buf_free(&cf2);

	buf_t f = BUF_INIT, f2 = BUF_INIT;
	fold_key(v, &f);
	const char *fs = buf_cstr(&f);
	CHECK(utf8_valid(fs, f.len, NULL));
	CHECK(f.len == 0 || (fs[0] != ' ' && fs[f.len - 1] != ' '));
	CHECK(!strstr(fs, "  ") && !strpbrk(fs, "ABCDEFGHIJKLMNOPQRSTUVWXYZ-_\t\n\r"));
	fold_key(fs, &f2);
	CHECK(strcmp(buf_cstr(&f2), fs) == 0);
	CHECK(fold_equal(v, fs));
	CHECK(account_equal(v, fs) == (strcmp(v, fs) == 0));
	buf_free(&f2);

	char *t = input_trim(v), *t2 = input_trim(t);
	size_t tn = strlen(t);
	CHECK(tn == 0 || (!is_ws(t[0]) && !is_ws(t[tn - 1])));
	CHECK(strstr(v, t) && strcmp(t, t2) == 0);
	free(t2);

	char d[11], d2[11];
	if (input_date(v, d)) {
		CHECK(strlen(d) == 10 && d[4] == '-' && d[7] == '-');
		CHECK(input_date(d, d2) && strcmp(d, d2) == 0);
	}

	input_period_t p, p2, q, pq;
	if (input_period(v, &p)) {
		CHECK(input_date(p.start, d) && input_date(p.end, d2) && strcmp(p.start, p.end) <= 0);
		CHECK(input_period(p.text, &p2) && strcmp(p.text, p2.text) == 0 && strcmp(p.start, p2.start) == 0 &&
		      strcmp(p.end, p2.end) == 0);
		input_quarter_of(p.start, &q);
		CHECK(strcmp(q.start, p.start) <= 0 && strcmp(p.start, q.end) <= 0);
		input_previous_quarter(&q, &pq);
		CHECK(strcmp(pq.end, q.start) < 0 || strcmp(pq.text, q.text) == 0);
	}

	char canon[INPUT_MAX_NUMBER + 1], canon2[INPUT_MAX_NUMBER + 1];
	double x, x2;
	if (input_number(v, canon, sizeof canon, &x)) {
		CHECK(isfinite(x));
		CHECK(input_number(canon, canon2, sizeof canon2, &x2) && strcmp(canon, canon2) == 0 && x == x2);
	}

	if (input_url(v)) {
		CHECK(strncmp(v, "http://", 7) == 0 || strncmp(v, "https://", 8) == 0);
		for (size_t i = 0; i < n; i++)
			CHECK((unsigned char)v[i] > ' ');
	}
	if (input_email(v)) {
		const char *at = strchr(v, '@');
		CHECK(at && at > v && !strchr(at + 1, '@'));
	}
	static const struct {
		size_t max;
		bool multiline;
	} limits[] = {{INPUT_MAX_NAME, false}, {INPUT_MAX_TEXT, true}, {INPUT_MAX_URL, false}};
	for (size_t i = 0; i < sizeof limits / sizeof *limits; i++)
		if (!input_text_problem(v, limits[i].max, limits[i].multiline))
			CHECK(n <= limits[i].max && utf8_valid(v, n, NULL) &&
			      (limits[i].multiline || !has_control(v, n)));

	/* Every built-in profile's statuses: a parsed one names itself back, a
	 * suggestion is a real status. */
	static const char *const profiles[] = {"gbpnr", "rgesn-2024", "rgesn-2023"};
	for (size_t k = 0; k < sizeof profiles / sizeof *profiles; k++) {
		const profile_t *pr = profile_builtin(profiles[k]);
		const char *sugg = NULL, *sugg2 = NULL;
		int st = status_parse(pr, v, &sugg);
		if (st >= 0)
			CHECK(!sugg && status_parse(pr, status_name(pr, (status_t)st), &sugg2) == st);
		if (sugg)
			CHECK(st < 0 && status_from_name(pr, sugg) >= 0);
	}
	int it = indicator_type_parse(v);
	if (it >= 0)
		CHECK(indicator_type_parse(indicator_type_name((ind_type_t)it)) == it);
	int role = account_role_parse(v);
	if (role >= 0)
		CHECK(strcmp(account_role_name((account_role_t)role), v) == 0);

	buf_t cv = BUF_INIT, cv2 = BUF_INIT;
	for (int k = 0; k < IND_NTYPES; k++) {
		if (indicator_check_value((ind_type_t)k, unit, v, &cv))
			continue;
		CHECK(!indicator_check_value((ind_type_t)k, unit, buf_cstr(&cv), &cv2));
		CHECK(strcmp(buf_cstr(&cv), buf_cstr(&cv2)) == 0);
	}
	buf_free(&cv);
	buf_free(&cv2);

	/* The evidence textarea: trimmed lines, each checked as a link. */
	size_t nlines = 0;
	char **lines = pilotage_split_lines(v, &nlines);
	for (size_t i = 0; i < nlines; i++) {
		size_t ln = strlen(lines[i]);
		CHECK(ln > 0 && !strchr(lines[i], '\n') && !is_ws(lines[i][0]) && !is_ws(lines[i][ln - 1]));
		(void)input_url(lines[i]);
	}
	pilotage_lines_free(lines, nlines);
	free(t);
	buf_free(&f);
}

/* The API's body as pilotage_api's parse_body reads it; its string
 * members are what member() hands to the engine. */
static void check_json(const char *s, size_t n, const char *unit)
{
	json_error_t err;
	json_t *o = json_loadb(s, n, JSON_REJECT_DUPLICATES, &err);
	if (o && json_is_object(o)) {
		const char *key;
		json_t *val;
		size_t k = 0;
		json_object_foreach(o, key, val)
		{
			if (json_is_string(val) && k++ < MAX_VALUES)
				check_input(json_string_value(val), unit);
		}
	}
	json_decref(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned opts = data[0];
	const char *src = (const char *)data + 1;
	size_t len = size - 1;
	const char *unit = units[(opts / OPT_UNIT) & 7];

	check_decode(src, len, (opts & OPT_PREFIX) != 0);
	check_encode(src, len);
	check_path(src, len);
	check_cookies(src, len);
	char *text = strndup(src, len); /* a header value: up to the first NUL */
	check_forwarded(text);
	free(text);
	http_params_t form = {0};
	check_form(src, len, &form);
	if (opts & OPT_JSON) {
		check_json(src, len, unit);
	} else {
		for (size_t i = 0; i < form.len && i < MAX_VALUES; i++)
			check_input(form.items[i].value, unit);
	}
	http_params_free(&form);
	return 0;
}
