/* linkify: linkify-it 4.0.1's regular expressions, worked out by hand: each
 * function below is one of them, with the backtracking made explicit
 * (comments say where it matters). Characters are classified as JavaScript
 * saw them (guide/uclass); text is decoded by util/utf8. */
#include "guide/linkify.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "guide/uclass.h"
#include "util/bytescan.h"
#include "util/utf8.h"

/* linkify-it's text_separators: characters that can never be inside a link. */
static bool is_sep(uint32_t c)
{
	return c == '<' || c == '>' || c == 0xFF5C;
}

static bool is_pseudo_letter(uint32_t c)
{
	return !is_sep(c) && !uc_is_zpcc(c);
}

/* The code point at s[i] and its length in *adv; 0 past the end, which is a
 * control: a separator everywhere. */
static uint32_t cp_at(const char *s, size_t n, size_t i, size_t *adv)
{
	uint32_t c = 0;
	*adv = i < n ? utf8_next(s + i, n - i, &c) : 0;
	return c;
}

static int ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* A host label at i: pseudo-letters and inner hyphens, at most 63 long.
 * Returns its end, or i if there is none; *bad is set when a run of label
 * characters starts or ends with '-', which no backtracking can rescue (the
 * host terminator refuses a following '-' and a '.' before a letter). */
static size_t lk_label(const char *s, size_t n, size_t i, int *bad, int *has_dash)
{
	size_t p = i, adv, units = 0;
	int last_dash = 0;
	*bad = 0;
	*has_dash = 0;
	uint32_t c = cp_at(s, n, p, &adv);
	if (p >= n || !is_pseudo_letter(c)) {
		*bad = c == '-';
		return i;
	}
	while (p < n) {
		c = cp_at(s, n, p, &adv);
		if (is_pseudo_letter(c))
			last_dash = 0;
		else if (c == '-')
			last_dash = *has_dash = 1;
		else
			break;
		units += c > 0xFFFF ? 2 : 1;
		p += adv;
	}
	if (last_dash || units > 63)
		*bad = 1;
	return p;
}

/* linkify-it's src_host_terminator, at e. */
static int lk_term(const char *s, size_t n, size_t e)
{
	size_t adv;
	if (e >= n)
		return 1;
	uint32_t c = cp_at(s, n, e, &adv);
	if (!is_sep(c) && !uc_is_zpcc(c))
		return 0;
	if (c == '-' || c == '_')
		return 0;
	if (c == ':' && e + 1 < n && s[e + 1] >= '0' && s[e + 1] <= '9')
		return 0;
	if (c == '.' && e + 1 < n) {
		uint32_t d = cp_at(s, n, e + 1, &adv);
		if (d == '-' || !uc_is_zpcc(d))
			return 0;
	}
	return 1;
}

typedef struct {
	size_t end;	    /* end of the host */
	int labels;	    /* number of labels */
	size_t last;	    /* start of the last label */
	int last_has_dash;  /* the last label contains '-' */
} lk_host_t;

/* Labels separated by single dots from i. Returns 0 when there is no valid host. */
static int lk_host(const char *s, size_t n, size_t i, lk_host_t *h)
{
	size_t p = i, adv;
	int bad, dash;
	h->labels = 0;
	for (;;) {
		size_t e = lk_label(s, n, p, &bad, &dash);
		if (bad || e == p)
			return 0;
		h->labels++;
		h->last = p;
		h->last_has_dash = dash;
		p = e;
		if (p + 1 < n && s[p] == '.' && is_pseudo_letter(cp_at(s, n, p + 1, &adv)))
			p++;
		else
			break;
	}
	h->end = p;
	return 1;
}

/* Optional ":port" then the terminator; returns the end or 0 (hosts are never empty). */
static size_t lk_port_term(const char *s, size_t n, size_t e)
{
	if (e + 1 < n && s[e] == ':' && s[e + 1] >= '0' && s[e + 1] <= '9') {
		size_t p = e + 1;
		unsigned long v = 0;
		while (p < n && s[p] >= '0' && s[p] <= '9' && p - e <= 6) {
			v = v * 10 + (unsigned long)(s[p] - '0');
			p++;
		}
		size_t len = p - e - 1;
		int ok = len <= 4 || (len == 5 && ((s[e + 1] >= '1' && s[e + 1] <= '5') ||
						   (s[e + 1] == '6' && v <= 65535)));
		if (!ok || !lk_term(s, n, p))
			return 0;
		return p;
	}
	return lk_term(s, n, e) ? e : 0;
}

/* Scans to the closing character of a bracketed path part, which may not cross
 * spaces; returns the index after it or 0. min1: at least one character inside. */
static size_t lk_closing(const char *s, size_t n, size_t p, char close, int min1)
{
	size_t q = p + 1, adv;
	while (q < n) {
		uint32_t c = cp_at(s, n, q, &adv);
		if (c == (uint32_t)close)
			return (!min1 || q > p + 1) ? q + 1 : 0;
		if (uc_is_zcc(c))
			return 0;
		q += adv;
	}
	return 0;
}

/* One repetition of src_path's alternation at p; returns p when none matches. */
static size_t lk_path_unit(const char *s, size_t n, size_t p)
{
	size_t adv, adv2, r;
	if (p >= n)
		return p;
	uint32_t c = cp_at(s, n, p, &adv);
	uint32_t d = cp_at(s, n, p + adv, &adv2); /* 0 at the end: counts as ZCc */
	if (!uc_is_zcc(c) && !is_sep(c) && !strchr("()[]{}.,\"'?!-;", (int)(c < 128 ? c : 'x')))
		return p + adv;
	switch (c) {
	case '[':
		return (r = lk_closing(s, n, p, ']', 0)) ? r : p;
	case '(':
		return (r = lk_closing(s, n, p, ')', 0)) ? r : p;
	case '{':
		return (r = lk_closing(s, n, p, '}', 0)) ? r : p;
	case '"':
		return (r = lk_closing(s, n, p, '"', 1)) ? r : p;
	case '\'':
		if ((r = lk_closing(s, n, p, '\'', 1)))
			return r;
		return p + 1 < n && (d == '-' || is_pseudo_letter(d)) ? p + 1 : p;
	case '.': {
		size_t q = p;
		while (q < n && s[q] == '.')
			q++;
		if (q - p >= 2) {
			if (q < n && (strchr("%/&", s[q]) || (s[q] >= '0' && s[q] <= '9') ||
				      (ascii_lower(s[q]) >= 'a' && ascii_lower(s[q]) <= 'z')) && s[q])
				return q + 1;
			return p;
		}
		return p + 1 < n && !uc_is_zcc(d) && d != '.' ? p + 1 : p;
	}
	case '-': {
		size_t q = p;
		while (q < n && s[q] == '-')
			q++;
		return q;
	}
	case ',':
	case ';':
		return p + 1 < n && !uc_is_zcc(d) ? p + 1 : p;
	case '!': {
		size_t q = p;
		while (q < n && s[q] == '!')
			q++;
		return q < n && !uc_is_zcc(cp_at(s, n, q, &adv2)) ? q : p;
	}
	case '?':
		return p + 1 < n && !uc_is_zcc(d) && d != '?' ? p + 1 : p;
	default:
		return p;
	}
}

/* src_path: "[/?#]" and one or more units, or a lone "/", or nothing. */
static size_t lk_path(const char *s, size_t n, size_t p)
{
	if (p >= n || !strchr("/?#", s[p]) || !s[p])
		return p;
	size_t q = p + 1, r;
	while ((r = lk_path_unit(s, n, q)) != q)
		q = r;
	if (q > p + 1)
		return q;
	return s[p] == '/' ? p + 1 : p;
}

/* src_auth: "user:pass@" when present (no spaces, @ / [ ] ( ) inside). */
static size_t lk_auth(const char *s, size_t n, size_t p)
{
	size_t q = p, adv;
	while (q < n) {
		uint32_t c = cp_at(s, n, q, &adv);
		if (c == '@')
			return q > p ? q + 1 : p;
		if (uc_is_zcc(c) || c == '/' || c == '[' || c == ']' || c == '(' || c == ')')
			return p;
		q += adv;
	}
	return p;
}

/* The end of host+port+terminator at i (no auth); 0 if none. */
static size_t lk_host_port(const char *s, size_t n, size_t i, int min_labels, int root_no_dash)
{
	lk_host_t h;
	if (!lk_host(s, n, i, &h) || h.labels < min_labels)
		return 0;
	if (root_no_dash && h.last_has_dash)
		return 0;
	return lk_port_term(s, n, h.end);
}

/* The "http:" validator (also https:, ftp:), at p just after the colon. */
static size_t lk_http(const char *s, size_t n, size_t p)
{
	if (p + 2 > n || s[p] != '/' || s[p + 1] != '/')
		return 0;
	size_t a = lk_auth(s, n, p + 2), e = 0;
	if (a > p + 2)
		e = lk_host_port(s, n, a, 1, 0);
	if (!e)
		e = lk_host_port(s, n, p + 2, 1, 0);
	return e ? lk_path(s, n, e) - p : 0;
}

/* The "//" validator, at p just after the slashes: at least two labels, the
 * last without '-', or localhost. */
static size_t lk_slashes(const char *s, size_t n, size_t p)
{
	if (p >= 3 && (s[p - 3] == ':' || s[p - 3] == '/'))
		return 0;
	size_t starts[2] = {lk_auth(s, n, p), p};
	for (int k = 0; k < 2; k++) {
		size_t a = starts[k], e = 0;
		if (k == 1 && starts[0] == p)
			break;
		if (n - a >= 9 && !strncasecmp(s + a, "localhost", 9))
			e = lk_port_term(s, n, a + 9);
		if (!e)
			e = lk_host_port(s, n, a, 2, 1);
		if (e)
			return lk_path(s, n, e) - p;
	}
	return 0;
}

static int email_char(int c, int first)
{
	return (c >= '0' && c <= '9') || (ascii_lower(c) >= 'a' && ascii_lower(c) <= 'z') ||
	       (c && strchr("-;:&=+$,._", c)) || (!first && c == '"');
}

/* src_email_name "@": returns the index after '@' or 0. */
static size_t lk_email_name(const char *s, size_t n, size_t p, size_t *run_end)
{
	size_t q = p;
	if (q < n && email_char(s[q], 1)) {
		q++;
		while (q < n && email_char(s[q], 0))
			q++;
	}
	*run_end = q;
	if (q == p || q >= n || s[q] != '@')
		return 0;
	return q + 1;
}

/* The "mailto:" validator, at p after the colon: name@host, no port, no path. */
static size_t lk_mailto(const char *s, size_t n, size_t p)
{
	size_t run, a = lk_email_name(s, n, p, &run);
	lk_host_t h;
	if (!a || !lk_host(s, n, a, &h) || !lk_term(s, n, h.end))
		return 0;
	return h.end - p;
}

/* linkify-it's default TLD list for fuzzy links and e-mails. */
static int lk_tld(const char *s, size_t n)
{
	static const char *const long_tlds[] = {"biz", "com", "edu", "gov", "net", "org",
						 "pro", "web", "xxx", "aero", "asia", "coop",
						 "info", "museum", "name", "shop"};
	/* second letters allowed after each first letter (tlds_2ch_src_re) */
	static const char *const cc[26] = {
		"cdefgilmnoqrstuwxz", "abdefghijmnorstvwyz", "acdfghiklmnoruvwxyz", "ejkmoz",
		"cegrstu", "ijkmor", "abdefghilmnpqrstuwy", "kmnrtu", "delmnoqrst", "emop",
		"eghimnprwyz", "abcikrstuvy", "acdeghklmnopqrstuvwxyz", "acefgilopruz", "m",
		"aefghklmnrstwy", "a", "eosuw", "abcdeghijklmnortuvxyz", "cdfghjklmnortvwz",
		"agksyz", "aceginu", "fs", "", "et", "amw"};
	if (n == 2) {
		int a = ascii_lower(s[0]), b = ascii_lower(s[1]);
		return a >= 'a' && a <= 'z' && b >= 'a' && b <= 'z' && strchr(cc[a - 'a'], b);
	}
	if (n >= 3 && n <= 6) {
		/* Lowercased once, compared with memcmp: this runs at every '.'
		 * followed by a letter of every text. */
		char low[6];
		size_t k = 0;
		while (k < n && (low[k] = (char)ascii_lower(s[k])) >= 'a' && low[k] <= 'z')
			k++;
		for (size_t i = 0; k == n && i < sizeof long_tlds / sizeof long_tlds[0]; i++)
			if (strlen(long_tlds[i]) == n && !memcmp(low, long_tlds[i], n))
				return 1;
	}
	/* "рф" in either case */
	if (n == 4 && (unsigned char)s[0] == 0xD1 && (unsigned char)s[1] == 0x80 &&
	    (unsigned char)s[2] == 0xD1 && (unsigned char)s[3] == 0x84)
		return 1;
	if (n == 4 && (unsigned char)s[0] == 0xD0 && (unsigned char)s[1] == 0xA0 &&
	    (unsigned char)s[2] == 0xD0 && (unsigned char)s[3] == 0xA4)
		return 1;
	if (n >= 5 && n <= 63 && !strncasecmp(s, "xn--", 4)) {
		for (size_t i = 4; i < n; i++) {
			int c = ascii_lower(s[i]);
			if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
				return 0;
		}
		return 1;
	}
	return 0;
}

/* tpl_link_no_ip_fuzzy from host start i: labels, a known TLD, port, path. */
static size_t lk_fuzzy_link(const char *s, size_t n, size_t i)
{
	lk_host_t h;
	if (strchr("$+<=>^`|", s[i]) && s[i])
		return 0;
	if (n - i >= 3 && !memcmp(s + i, "\xEF\xBD\x9C", 3)) /* U+FF5C */
		return 0;
	if (!lk_host(s, n, i, &h) || h.labels < 2 || !lk_tld(s + h.last, h.end - h.last))
		return 0;
	size_t e = lk_port_term(s, n, h.end);
	return e ? lk_path(s, n, e) : 0;
}

/* tpl_email_fuzzy from name start i; *run_end tells how far the name scanned,
 * so that the caller can skip starts inside it (they would fail the same way). */
static size_t lk_fuzzy_email(const char *s, size_t n, size_t i, size_t *run_end)
{
	lk_host_t h;
	size_t a = lk_email_name(s, n, i, run_end);
	if (!a || !lk_host(s, n, a, &h) || h.labels < 2 || !lk_tld(s + h.last, h.end - h.last) ||
	    !lk_term(s, n, h.end))
		return 0;
	return h.end;
}

/* A TLD at s[i] followed by Z/P/Cc, '>' or the end (host_fuzzy_test's last branch). */
static int lk_tld_hint(const char *s, size_t n, size_t i)
{
	size_t adv;
	/* Every TLD starts with an ASCII letter, or with the first byte of
	 * "рф": a '.' ending a sentence, followed by a space, stops here. */
	unsigned char first = i < n ? (unsigned char)s[i] : 0;
	if (!((first | 0x20) >= 'a' && (first | 0x20) <= 'z') && first != 0xD0 && first != 0xD1)
		return 0;
	for (size_t l = 2; l <= 6 && i + l <= n; l++) {
		if (!lk_tld(s + i, l))
			continue;
		uint32_t c = cp_at(s, n, i + l, &adv);
		if (i + l == n || c == '>' || uc_is_zpcc(c))
			return 1;
	}
	if (i + 4 <= n && (!memcmp(s + i, "\xD1\x80\xD1\x84", 4) || !memcmp(s + i, "\xD0\xA0\xD0\xA4", 4))) {
		uint32_t c = cp_at(s, n, i + 4, &adv);
		if (i + 4 == n || c == '>' || uc_is_zpcc(c))
			return 1;
	}
	if (n - i > 4 && !strncasecmp(s + i, "xn--", 4)) {
		/* [a-z0-9-]{1,59} may stop before any inner '-', which is punctuation */
		size_t k = i + 4;
		while (k < n && k - i - 4 < 59 &&
		       (isalnum((unsigned char)s[k]) || s[k] == '-')) {
			if (s[k] == '-' && k > i + 4)
				return 1;
			k++;
		}
		if (k > i + 4) {
			uint32_t c = cp_at(s, n, k, &adv);
			return k == n || c == '>' || uc_is_zpcc(c);
		}
	}
	return 0;
}

/* host_fuzzy_test: where fuzzy links may be, "localhost", "www.", ".1." or a
 * TLD; linkify-it tries no fuzzy link in a text without one. SIZE_MAX: none.
 * Every text goes through here: the search goes from '.' to '.' (a sentence
 * has one, and memchr skips the rest), and looks for "localhost", the one
 * hint without a '.', by its rarest letter. */
static size_t lk_hint(const char *s, size_t n, size_t from)
{
	size_t best = SIZE_MAX;
	for (const char *q = from < n ? memchr(s + from, '.', n - from) : NULL; q;
	     q = memchr(q + 1, '.', (size_t)(s + n - q - 1))) {
		size_t i = (size_t)(q - s);
		if (i >= from + 3 && !strncasecmp(s + i - 3, "www", 3)) {
			best = i - 3;
			break;
		}
		size_t k = i + 1;
		while (k < n && k - i <= 3 && s[k] >= '0' && s[k] <= '9')
			k++;
		if ((k > i + 1 && k - i <= 4 && k < n && s[k] == '.') || lk_tld_hint(s, n, i + 1)) {
			best = i;
			break;
		}
	}
	/* "localhost" before best: its 'h' at most best + 4. */
	size_t lim = best == SIZE_MAX ? n : (best + 5 < n ? best + 5 : n);
	for (size_t h = from + 5; h < lim && h + 4 <= n;) {
		h += bytescan_any(s + h, lim - h, "hH", 2);
		if (h >= lim || h + 4 > n)
			break;
		if (!strncasecmp(s + h - 5, "localhost", 9))
			return h - 5;
		h++;
	}
	return best;
}

/* Whether s[0..n) has a place where a scheme may be: a ':' ending "http",
 * "https", "ftp" or "mailto", or "//". Without one there is no schema link,
 * whatever precedes it. */
static bool lk_may_have_scheme(const char *s, size_t n)
{
	for (size_t c = bytescan_any(s, n, ":/", 2); c < n; c += 1 + bytescan_any(s + c + 1, n - c - 1, ":/", 2)) {
		if (s[c] == '/' ? c + 1 < n && s[c + 1] == '/'
				: (c >= 4 && !strncasecmp(s + c - 4, "http", 4)) ||
					  (c >= 5 && !strncasecmp(s + c - 5, "https", 5)) ||
					  (c >= 3 && !strncasecmp(s + c - 3, "ftp", 3)) ||
					  (c >= 6 && !strncasecmp(s + c - 6, "mailto", 6)))
			return true;
	}
	return false;
}

bool linkify_pretest(const char *s, size_t n)
{
	size_t adv;
	uint32_t prev = 0;
	if (memchr(s, '@', n) || lk_hint(s, n, 0) != SIZE_MAX)
		return true;
	if (!lk_may_have_scheme(s, n))
		return false;
	/* The bytes a scheme may start with: every other ASCII byte is only
	 * the next one's predecessor. */
	static const unsigned char starts[128] = {['h'] = 1, ['H'] = 1, ['f'] = 1, ['F'] = 1,
						  ['m'] = 1, ['M'] = 1, ['/'] = 1};
	for (size_t p = 0; p < n; p += adv) {
		unsigned char b = (unsigned char)s[p];
		if (b < 0x80 && !starts[b]) {
			prev = b;
			adv = 1;
			continue;
		}
		uint32_t c = cp_at(s, n, p, &adv);
		char lc = (char)(s[p] | 0x20);
		if ((lc == 'h' || lc == 'f' || lc == 'm' || s[p] == '/') &&
		    (p == 0 || ((is_sep(prev) || uc_is_zpcc(prev)) && prev != '_'))) {
			static const char *const names[] = {"http:", "https:", "ftp:", "//", "mailto:"};
			for (size_t k = 0; k < 5; k++)
				if (n - p >= strlen(names[k]) && !strncasecmp(s + p, names[k], strlen(names[k])))
					return true;
		}
		prev = c;
	}
	return false;
}

/* linkify-it's test(): the leftmost link in s[0..n), schema links winning ties
 * against fuzzy links, e-mails winning ties when longer. One forward scan, so a
 * text with k links costs O(n) overall when called on successive tails. */
static bool lk_find(const char *s, size_t n, bool fuzzy, bool has_at, linkify_match_t *m)
{
	static const struct {
		const char *name;
		size_t (*validate)(const char *, size_t, size_t);
	} schemas[] = {{"http:", lk_http}, {"https:", lk_http}, {"ftp:", lk_http},
		       {"//", lk_slashes}, {"mailto:", lk_mailto}};
	size_t email_skip = 0, adv;
	uint32_t prev = 0; /* 0: start of text */
	for (size_t p = 0; p < n; p += adv) {
		uint32_t c = cp_at(s, n, p, &adv);
		bool at_start = p == 0;
		bool found = false;
		/* schema_search: start, or after <, >, U+FF5C or Z/P/Cc but not '_'.
		 * markdown-it's inline rule also links scheme:// after anything but
		 * [a-z0-9.+-], and drops trailing '*' from what it links. */
		bool core_ok = at_start || ((is_sep(prev) || uc_is_zpcc(prev)) && prev != '_');
		bool inline_ok = at_start || !(prev < 128 && (isalnum((int)prev) || strchr(".+-", (int)prev)));
		/* Every schema starts with h, f, m or '/': test that first. */
		char lc = (char)(s[p] | 0x20);
		if ((core_ok || inline_ok) && (lc == 'h' || lc == 'f' || lc == 'm' || s[p] == '/')) {
			for (size_t k = 0; k < sizeof schemas / sizeof schemas[0]; k++) {
				size_t l = strlen(schemas[k].name);
				if (n - p < l || (s[p + 1] | 0x20) != schemas[k].name[1] || strncasecmp(s + p, schemas[k].name, l))
					continue;
				if (!core_ok && k >= 3)
					break;
				size_t len = schemas[k].validate(s, n, p + l);
				if (len) {
					m->start = p;
					m->end = p + l + len;
					m->kind = LINKIFY_SCHEMA;
					m->inline_rule = k < 3 && inline_ok;
					found = true;
				}
				break;
			}
		}
		/* fuzzy link: not after . : / - _ @, else after start, $+<=>^`| U+FF5C or Z/P/Cc */
		if (!found && fuzzy && (at_start || (!strchr(".:/-_@", (int)(prev < 128 ? prev : 'x')) &&
					    (strchr("$+<=>^`|", (int)(prev < 128 ? prev : 'x')) ||
					     prev == 0xFF5C || uc_is_zpcc(prev))))) {
			size_t e = lk_fuzzy_link(s, n, p);
			if (e) {
				m->start = p;
				m->end = e;
				m->kind = LINKIFY_FUZZY;
				m->inline_rule = false;
				found = true;
			}
		}
		/* fuzzy e-mail: after start, < > U+FF5C " ( or Z/Cc */
		if (has_at && p >= email_skip &&
		    (at_start || is_sep(prev) || prev == '"' || prev == '(' || uc_is_zcc(prev))) {
			size_t run, e = lk_fuzzy_email(s, n, p, &run);
			if (e && (!found || e > m->end)) {
				m->start = p;
				m->end = e;
				m->kind = LINKIFY_EMAIL;
				m->inline_rule = false;
				found = true;
			} else if (!e) {
				email_skip = run;
			}
		}
		if (found)
			return true;
		prev = c;
	}
	return false;
}

void linkify_init(linkify_t *lk, const char *s, size_t n)
{
	lk->s = s;
	lk->n = n;
	lk->pos = 0;
	/* Where the next fuzzy-host hint and '@' are: linkify-it looks for them
	 * in each tail, which would be quadratic. */
	lk->hint = lk_hint(s, n, 0);
	lk->at = memchr(s, '@', n);
	/* A text with no place for a scheme, no hint and no '@' (most texts of
	 * a block that has a link) holds no link at all. */
	lk->schemes = lk_may_have_scheme(s, n);
}

bool linkify_next(linkify_t *lk, linkify_match_t *m)
{
	const char *s = lk->s;
	size_t n = lk->n, pos = lk->pos;
	if (pos >= n || (!lk->schemes && lk->hint == SIZE_MAX && !lk->at))
		return false;
	if (lk->hint != SIZE_MAX && lk->hint < pos)
		lk->hint = lk_hint(s, n, pos);
	if (lk->at && lk->at < s + pos)
		lk->at = memchr(s + pos, '@', n - pos);
	if (!lk_find(s + pos, n - pos, lk->hint != SIZE_MAX, lk->at != NULL, m)) {
		lk->pos = n;
		return false;
	}
	m->start += pos;
	m->end += pos;
	if (m->inline_rule)
		while (m->end > m->start && s[m->end - 1] == '*')
			m->end--;
	lk->pos = m->end;
	return true;
}

void linkify_url(const char *s, const linkify_match_t *m, buf_t *out)
{
	if (m->kind == LINKIFY_FUZZY)
		buf_puts(out, "http://");
	else if (m->kind == LINKIFY_EMAIL)
		buf_puts(out, "mailto:");
	buf_put(out, s + m->start, m->end - m->start);
}
