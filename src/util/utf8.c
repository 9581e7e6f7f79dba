/* utf8: strict decoder (RFC 3629) used for validation, lengths, columns and
 * every scan of text by code point (Markdown's linkify and typographer too),
 * and the matching encoder; normalization and case folding by utf8proc,
 * behind a quick check so that text already in NFC (nearly all of it) is
 * only read once. */
#include "util/utf8.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "util/xalloc.h"

size_t utf8_decode(const char *str, size_t len, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char c = s[0];
	size_t n;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		v = c & 0x1F;
		min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		v = c & 0x0F;
		min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		v = c & 0x07;
		min = 0x10000;
	} else {
		goto bad;
	}
	if (len < n)
		goto bad;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			goto bad;
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		goto bad;
	*cp = v;
	return n;
bad:
	*cp = 0xFFFD;
	return 1;
}

size_t utf8_decode_last(const char *s, size_t len, uint32_t *cp)
{
	/* At most three continuation bytes end a sequence. */
	size_t start = len - 1;
	while (start > 0 && len - start < 4 && ((unsigned char)s[start] & 0xC0) == 0x80)
		start--;
	size_t n = utf8_decode(s + start, len - start, cp);
	if (start + n == len)
		return n;
	*cp = 0xFFFD;
	return 1;
}

void utf8_put(buf_t *out, uint32_t cp)
{
	char t[4];
	size_t n;
	if (cp < 0x80) {
		t[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		t[0] = (char)(0xC0 | (cp >> 6));
		t[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		t[0] = (char)(0xE0 | (cp >> 12));
		t[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		t[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		t[0] = (char)(0xF0 | (cp >> 18));
		t[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		t[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		t[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	buf_put(out, t, n);
}

bool utf8_valid(const char *s, size_t len, size_t *bad)
{
	size_t i = 0;
	while (i < len) {
		/* Every file of the guide comes through here, mostly ASCII:
		 * eight bytes at a time while none has its high bit set. */
		uint64_t w;
		if (i + 8 <= len) {
			memcpy(&w, s + i, 8);
			if ((w & UINT64_C(0x8080808080808080)) == 0) {
				i += 8;
				continue;
			}
		}
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);
		if (cp == 0xFFFD && n == 1) {
			if (bad)
				*bad = i;
			return false;
		}
		i += n;
	}
	return true;
}

size_t utf8_length(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; n++) {
		uint32_t cp;
		i += utf8_decode(s + i, len - i, &cp);
	}
	return n;
}

void utf8_line_col(const char *s, size_t len, size_t off, int *line, int *col)
{
	int l = 1, c = 1;
	if (off > len)
		off = len;
	for (size_t i = 0; i < off;) {
		if (s[i] == '\n') {
			l++;
			c = 1;
			i++;
			continue;
		}
		uint32_t cp;
		i += utf8_decode(s + i, len - i, &cp);
		c++;
	}
	*line = l;
	*col = c;
}

/* ---- normalization and case folding ---- */

/* Whether NFC leaves cp unchanged wherever it stands, and leaves the
 * character before it unchanged too: a starter (combining class 0) that is
 * not a singleton (U+212B ANGSTROM SIGN becomes U+00C5) nor excluded from
 * composition, and that never composes with what precedes it. Text made
 * only of such characters is in NFC: this is UAX #15's quick check,
 * answered from utf8proc's tables, conservatively (a false costs a full
 * normalization, never a wrong answer). */
static bool stable_slow(uint32_t cp)
{
	const utf8proc_property_t *p = utf8proc_get_property((utf8proc_int32_t)cp);
	/* What composes with the character before it is a mark (general
	 * category M, combining class 0 or not) or a Hangul jamo below. */
	if (p->combining_class != 0 || p->category == UTF8PROC_CATEGORY_MN || p->category == UTF8PROC_CATEGORY_MC ||
	    p->category == UTF8PROC_CATEGORY_ME)
		return false;
	/* Hangul vowel and trailing jamo join the syllable before them by
	 * Unicode's algorithmic composition (section 3.12), not by a table. */
	if ((cp >= 0x1161 && cp <= 0x1175) || (cp >= 0x11A8 && cp <= 0x11C2))
		return false;
	if (p->decomp_seqindex == UINT16_MAX || p->decomp_type != 0)
		return true; /* no canonical decomposition: nothing for NFC to do */
	/* A precomposed character: NFC keeps it unless it is excluded from
	 * composition. utf8proc knows which: decompose it and compose again. */
	utf8proc_int32_t d[8];
	int boundclass = UTF8PROC_BOUNDCLASS_START;
	utf8proc_ssize_t n = utf8proc_decompose_char((utf8proc_int32_t)cp, d, 8, UTF8PROC_COMPOSE, &boundclass);
	if (n <= 0 || n > 8)
		return false;
	n = utf8proc_normalize_utf32(d, n, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	return n == 1 && d[0] == (utf8proc_int32_t)cp;
}

/* The answer for the Latin, Greek, Cyrillic, Hebrew and Arabic blocks,
 * computed once: French text is full of precomposed letters, and each
 * would otherwise cost a trial composition. */
#define STABLE_TABLE 0x800
static bool stable_table[STABLE_TABLE];
static pthread_once_t stable_once = PTHREAD_ONCE_INIT;

static void stable_init(void)
{
	for (uint32_t cp = 0; cp < STABLE_TABLE; cp++)
		stable_table[cp] = stable_slow(cp);
}

/* *ready saves the pthread_once call once a caller has made it. */
static bool stable(uint32_t cp, bool *ready)
{
	if (cp < STABLE_TABLE) {
		if (!*ready) {
			pthread_once(&stable_once, stable_init);
			*ready = true;
		}
		return stable_table[cp];
	}
	return stable_slow(cp);
}

/* utf8proc_map with sobre's allocator (out of memory aborts, as
 * everywhere): s transformed by opts, NUL-terminated, or NULL when s is
 * not valid UTF-8. */
static char *map(const char *s, size_t n, utf8proc_option_t opts, size_t *outlen)
{
	const utf8proc_uint8_t *u = (const utf8proc_uint8_t *)s;
	/* utf8proc counts in a signed size, and needs four bytes per code point. */
	if (n > (size_t)PTRDIFF_MAX / 8)
		return NULL;
	utf8proc_ssize_t len = utf8proc_decompose(u, (utf8proc_ssize_t)n, NULL, 0, opts);
	if (len < 0)
		return NULL;
	utf8proc_int32_t *cps = xmalloc(((size_t)len + 1) * sizeof *cps);
	len = utf8proc_decompose(u, (utf8proc_ssize_t)n, cps, len, opts);
	/* The UTF-8 result is written over the code points, NUL-terminated. */
	if (len >= 0)
		len = utf8proc_reencode(cps, len, opts);
	if (len < 0) {
		free(cps);
		return NULL;
	}
	*outlen = (size_t)len;
	return (char *)cps;
}

/* The end of the stretch of s starting at i that NFC must see as a whole:
 * up to the next stable character (normalization never reaches across
 * one). *long_run is set when the stretch holds more than UTF8_MAX_MARKS
 * combining marks in a row; false is returned for invalid UTF-8. */
static bool unstable_end(const char *s, size_t n, size_t i, size_t *end, bool *long_run)
{
	size_t run = 0;
	bool ready = false;
	*long_run = false;
	while (i < n) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (k == 1 && cp == 0xFFFD)
			return false;
		if (stable(cp, &ready))
			break;
		run = utf8proc_get_property((utf8proc_int32_t)cp)->combining_class ? run + 1 : 0;
		if (run > UTF8_MAX_MARKS)
			*long_run = true;
		i += k;
	}
	*end = i;
	return true;
}

char *utf8_nfc_new(const char *s, size_t n, size_t *outlen)
{
	buf_t out = BUF_INIT;
	size_t i = 0, copied = 0;
	size_t starter = 0; /* the last stable character, where a stretch to normalize begins */
	bool ready = false;
	while (i < n) {
		/* Eight ASCII bytes at a time: ASCII is always NFC, and it is most
		 * of what sobre reads. */
		if (i + 8 <= n) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			uint64_t high = w & 0x8080808080808080u;
			if (!high) {
				starter = i + 7;
				i += 8;
				continue;
			}
#if defined(__GNUC__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			/* Straight to the first non-ASCII byte of the eight. */
			size_t ascii = (size_t)__builtin_ctzll(high) / 8;
			if (ascii) {
				starter = i + ascii - 1;
				i += ascii;
			}
#endif
		}
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			starter = i++;
			continue;
		}
		/* Two-byte letters (é, à, ç...), decoded here: the common case
		 * after ASCII, and one table lookup. */
		if (c >= 0xC2 && c <= 0xDF && i + 1 < n && ((unsigned char)s[i + 1] & 0xC0) == 0x80) {
			if (!ready) {
				pthread_once(&stable_once, stable_init);
				ready = true;
			}
			if (stable_table[((c & 0x1Fu) << 6) | ((unsigned char)s[i + 1] & 0x3Fu)]) {
				starter = i;
				i += 2;
				continue;
			}
		}
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (k == 1 && cp == 0xFFFD)
			goto invalid;
		if (stable(cp, &ready)) {
			starter = i;
			i += k;
			continue;
		}
		/* Normalized stretch by stretch, from the starter the first mark
		 * may compose with: memory in proportion to a stretch, not to the
		 * text, and text already in NFC around it copied as it is. */
		size_t end;
		bool long_run;
		if (!unstable_end(s, n, i, &end, &long_run))
			goto invalid;
		size_t from = starter < copied ? copied : starter;
		buf_put(&out, s + copied, from - copied);
		size_t m;
		char *t = long_run ? NULL : map(s + from, end - from, UTF8PROC_STABLE | UTF8PROC_COMPOSE, &m);
		if (t)
			buf_put(&out, t, m);
		else
			buf_put(&out, s + from, end - from);
		free(t);
		copied = starter = i = end;
	}
	if (!out.ptr)
		return NULL; /* nothing needed normalizing */
	buf_put(&out, s + copied, n - copied);
	/* The quick check may doubt text that is in NFC after all. */
	if (out.len == n && memcmp(out.ptr, s, n) == 0) {
		buf_free(&out);
		return NULL;
	}
	*outlen = out.len;
	return buf_detach(&out);
invalid:
	buf_free(&out);
	return NULL;
}

char *utf8_nfc_strdup(const char *s)
{
	size_t m;
	char *t = utf8_nfc_new(s, strlen(s), &m);
	return t ? t : xstrdup(s);
}

void utf8_nfc(const char *s, size_t n, buf_t *out)
{
	size_t m;
	char *t = utf8_nfc_new(s, n, &m);
	if (t)
		buf_put(out, t, m);
	else
		buf_put(out, s, n);
	free(t);
}

/* Whether s holds more than UTF8_MAX_MARKS combining marks in a row. */
static bool long_mark_run(const char *s, size_t n)
{
	size_t run = 0;
	for (size_t i = 0; i < n;) {
		if ((unsigned char)s[i] < 0x80) {
			run = 0;
			i++;
			continue;
		}
		uint32_t cp;
		i += utf8_decode(s + i, n - i, &cp);
		run = utf8proc_get_property((utf8proc_int32_t)cp)->combining_class ? run + 1 : 0;
		if (run > UTF8_MAX_MARKS)
			return true;
	}
	return false;
}

/* Whether folding s changes nothing but ASCII capitals: every other
 * character is stable under NFC and has no case folding (names are
 * mostly that: "Délégué au numérique"), so that utf8proc is not needed. */
static bool folds_as_ascii(const char *s, size_t n)
{
	bool ready = false;
	for (size_t i = 0; i < n;) {
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		if ((k == 1 && cp == 0xFFFD) || !stable(cp, &ready) ||
		    utf8proc_get_property((utf8proc_int32_t)cp)->casefold_seqindex != UINT16_MAX)
			return false;
		i += k;
	}
	return true;
}

void utf8_casefold(const char *s, size_t n, buf_t *out)
{
	if (folds_as_ascii(s, n)) {
		buf_put(out, "", 0); /* NUL-terminated even when s is empty */
		for (size_t i = 0; i < n; i++)
			buf_putc(out, s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + 32) : s[i]);
		return;
	}
	/* Past the limit on runs of marks, folded letter by letter, then
	 * normalized around the runs: composing would sort them first, which
	 * is quadratic in a run's length. */
	size_t m;
	char *t;
	if (long_mark_run(s, n)) {
		char *folded = map(s, n, UTF8PROC_CASEFOLD, &m);
		size_t nn;
		char *nfc = folded ? utf8_nfc_new(folded, m, &nn) : NULL;
		if (nfc) {
			free(folded);
			t = nfc;
			m = nn;
		} else {
			t = folded;
		}
	} else {
		t = map(s, n, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD, &m);
	}
	if (t)
		buf_put(out, t, m);
	else
		buf_put(out, s, n);
	free(t);
}

bool utf8_is_mark(uint32_t cp)
{
	utf8proc_category_t c = utf8proc_category((utf8proc_int32_t)cp);
	return c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_MC || c == UTF8PROC_CATEGORY_ME;
}

bool utf8_equal_fold(const char *a, const char *b)
{
	buf_t x = BUF_INIT, y = BUF_INIT;
	utf8_casefold(a, strlen(a), &x);
	utf8_casefold(b, strlen(b), &y);
	bool eq = x.len == y.len && memcmp(buf_cstr(&x), buf_cstr(&y), x.len) == 0;
	buf_free(&x);
	buf_free(&y);
	return eq;
}

bool utf8_contains_fold(const char *haystack, const char *needle)
{
	buf_t h = BUF_INIT, k = BUF_INIT;
	utf8_casefold(haystack, strlen(haystack), &h);
	utf8_casefold(needle, strlen(needle), &k);
	bool found = strstr(buf_cstr(&h), buf_cstr(&k)) != NULL;
	buf_free(&h);
	buf_free(&k);
	return found;
}
