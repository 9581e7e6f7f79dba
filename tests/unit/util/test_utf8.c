/* Tests for util/utf8: strict validation (overlongs, surrogates, truncation,
 * stray bytes) with the offset of the first bad byte, decoding forwards and
 * backwards, encoding, lengths,
 * line/column in code points, NFC normalization (composed, decomposed,
 * reordered marks, exclusions, invalid input left alone), case folding and
 * case-folding substring search. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/utf8.h"

/* Asserts s (of n bytes) is invalid with its first bad byte at off. */
static void assert_bad_at(const char *s, size_t n, size_t off)
{
	size_t bad = (size_t)-1;
	assert_false(utf8_valid(s, n, &bad));
	assert_int_equal(bad, off);
	/* bad may be NULL */
	assert_false(utf8_valid(s, n, NULL));
}

static void assert_good(const char *s, size_t n)
{
	size_t bad = 12345;
	assert_true(utf8_valid(s, n, &bad));
	assert_int_equal(bad, 12345); /* untouched on success */
}

static void test_valid(void **state)
{
	(void)state;
	assert_good("", 0);
	assert_good("plain ascii", 11);
	assert_good("caf\xC3\xA9", 5);                     /* é */
	assert_good("\xE2\x82\xAC", 3);                    /* € */
	assert_good("\xF0\x9F\x98\x80", 4);                /* U+1F600 */
	assert_good("\xF4\x8F\xBF\xBF", 4);                /* U+10FFFF, the last code point */
	assert_good("\xEF\xBF\xBD", 3);                    /* a real U+FFFD is fine */
	assert_good("\xED\x9F\xBF", 3);                    /* U+D7FF, just below the surrogates */
	assert_good("\xEE\x80\x80", 3);                    /* U+E000, just above */
	assert_good("a\0b", 3);                            /* NUL is valid UTF-8 */
	assert_good("\xC2\x80", 2);                        /* smallest 2-byte form */
	assert_good("\xE0\xA0\x80", 3);                    /* smallest 3-byte form */
	assert_good("\xF0\x90\x80\x80", 4);                /* smallest 4-byte form */
}

static void test_invalid(void **state)
{
	(void)state;
	assert_bad_at("\xFF", 1, 0);
	assert_bad_at("abc\xFF", 4, 3);
	assert_bad_at("ab\xFE" "cd", 5, 2);
	/* overlong forms */
	assert_bad_at("\xC0\x80", 2, 0);
	assert_bad_at("x\xC1\xBF", 3, 1);
	assert_bad_at("\xE0\x80\x80", 3, 0);
	assert_bad_at("\xE0\x9F\xBF", 3, 0);
	assert_bad_at("\xF0\x80\x80\x80", 4, 0);
	assert_bad_at("\xF0\x8F\xBF\xBF", 4, 0);
	/* surrogates */
	assert_bad_at("\xED\xA0\x80", 3, 0);
	assert_bad_at("ok\xED\xBF\xBF", 5, 2);
	/* beyond U+10FFFF */
	assert_bad_at("\xF4\x90\x80\x80", 4, 0);
	assert_bad_at("\xF5\x80\x80\x80", 4, 0);
	/* truncated sequences, at the end and before another character */
	assert_bad_at("ab\xC3", 3, 2);
	assert_bad_at("\xE2\x82", 2, 0);
	assert_bad_at("\xF0\x9F\x98", 3, 0);
	assert_bad_at("\xC3" "a", 2, 0);
	assert_bad_at("\xE2\x82" "a", 3, 0);
	/* lone continuation byte */
	assert_bad_at("\xC3\xA9\xA9", 3, 2);
	assert_bad_at("\x80", 1, 0);
	/* Latin-1 é */
	assert_bad_at("caf\xE9", 4, 3);
	/* len limits the check: the truncated sequence is outside it */
	assert_good("ab\xC3\xA9", 2);
	assert_bad_at("ab\xC3\xA9", 3, 2);
}

static void test_decode(void **state)
{
	(void)state;
	uint32_t cp = 0;
	assert_int_equal(utf8_decode("A", 1, &cp), 1);
	assert_int_equal(cp, 'A');
	assert_int_equal(utf8_decode("\xC3\xA9z", 3, &cp), 2);
	assert_int_equal(cp, 0xE9);
	assert_int_equal(utf8_decode("\xE2\x82\xAC", 3, &cp), 3);
	assert_int_equal(cp, 0x20AC);
	assert_int_equal(utf8_decode("\xF0\x9F\x98\x80", 4, &cp), 4);
	assert_int_equal(cp, 0x1F600);
	/* invalid: one byte consumed, replacement character */
	assert_int_equal(utf8_decode("\xFF", 1, &cp), 1);
	assert_int_equal(cp, 0xFFFD);
	assert_int_equal(utf8_decode("\xE2\x82\xAC", 2, &cp), 1); /* len cuts the sequence */
	assert_int_equal(cp, 0xFFFD);
	assert_int_equal(utf8_decode("\xED\xA0\x80", 3, &cp), 1);
	assert_int_equal(cp, 0xFFFD);
}

/* Backwards: the character before a position, as the Markdown typographer
 * and the trimming of paragraphs read it. */
static void test_decode_last(void **state)
{
	(void)state;
	uint32_t cp = 0;
	assert_int_equal(utf8_decode_last("xA", 2, &cp), 1);
	assert_int_equal(cp, 'A');
	assert_int_equal(utf8_decode_last("x\xC3\xA9", 3, &cp), 2);
	assert_int_equal(cp, 0xE9);
	assert_int_equal(utf8_decode_last("\xE2\x82\xAC", 3, &cp), 3); /* from the very start */
	assert_int_equal(cp, 0x20AC);
	assert_int_equal(utf8_decode_last("a\xF0\x9F\x98\x80", 5, &cp), 4);
	assert_int_equal(cp, 0x1F600);
	assert_int_equal(utf8_decode_last("\xC2\xA0", 2, &cp), 2); /* no-break space */
	assert_int_equal(cp, 0xA0);
	/* invalid: the last byte alone, replacement character */
	assert_int_equal(utf8_decode_last("a\x80", 2, &cp), 1);         /* stray continuation */
	assert_int_equal(cp, 0xFFFD);
	assert_int_equal(utf8_decode_last("\xE2\x82", 2, &cp), 1);     /* truncated */
	assert_int_equal(cp, 0xFFFD);
	assert_int_equal(utf8_decode_last("a\xC3", 2, &cp), 1);         /* lead byte at the end */
	assert_int_equal(cp, 0xFFFD);
	assert_int_equal(utf8_decode_last("\xC0\xA0", 2, &cp), 1);     /* overlong space */
	assert_int_equal(cp, 0xFFFD);
	assert_int_equal(utf8_decode_last("\xED\xA0\x80", 3, &cp), 1); /* surrogate */
	assert_int_equal(cp, 0xFFFD);
	/* four continuation bytes: no sequence is that long */
	assert_int_equal(utf8_decode_last("\xF0\x9F\x98\x80\x80", 5, &cp), 1);
	assert_int_equal(cp, 0xFFFD);
	/* the sequence before a complete one is not read */
	assert_int_equal(utf8_decode_last("\xFF\xC3\xA9", 3, &cp), 2);
	assert_int_equal(cp, 0xE9);
}

static void test_put(void **state)
{
	(void)state;
	static const uint32_t cps[] = {0, 'a', 0x7F, 0x80, 0xE9, 0x7FF, 0x800, 0x20AC, 0xFFFD, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF};
	static const char *const want[] = {"\0", "a", "\x7F", "\xC2\x80", "\xC3\xA9", "\xDF\xBF", "\xE0\xA0\x80",
					   "\xE2\x82\xAC", UTF8_REPLACEMENT, "\xEF\xBF\xBF", "\xF0\x90\x80\x80",
					   "\xF0\x9F\x98\x80", "\xF4\x8F\xBF\xBF"};
	for (size_t i = 0; i < sizeof cps / sizeof cps[0]; i++) {
		buf_t b = BUF_INIT;
		buf_putc(&b, '<');
		utf8_put(&b, cps[i]);
		size_t n = cps[i] ? strlen(want[i]) : 1;
		assert_int_equal(b.len, 1 + n);
		assert_memory_equal(b.ptr + 1, want[i], n);
		/* what utf8_put writes, utf8_decode and utf8_decode_last read back */
		uint32_t cp = 1234;
		assert_int_equal(utf8_decode(b.ptr + 1, n, &cp), n);
		assert_int_equal(cp, cps[i]);
		cp = 1234;
		assert_int_equal(utf8_decode_last(b.ptr, b.len, &cp), n);
		assert_int_equal(cp, cps[i]);
		buf_free(&b);
	}
}

static void test_length(void **state)
{
	(void)state;
	assert_int_equal(utf8_length("", 0), 0);
	assert_int_equal(utf8_length("abc", 3), 3);
	const char *s = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"; /* a é € 😀 */
	assert_int_equal(utf8_length(s, strlen(s)), 4);
	assert_int_equal(utf8_length("\xFF\xFE", 2), 2);
	assert_int_equal(utf8_length("\xE2\x82", 2), 2);
	assert_int_equal(utf8_length("\xC3\xA9", 1), 1);
}

static void test_line_col(void **state)
{
	(void)state;
	const char *s = "ab\n\xC3\xA9t\xC3\xA9 x\n\nz";
	size_t len = strlen(s);
	int line = 0, col = 0;
	utf8_line_col(s, len, 0, &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 1);
	utf8_line_col(s, len, 2, &line, &col); /* the newline itself */
	assert_int_equal(line, 1);
	assert_int_equal(col, 3);
	utf8_line_col(s, len, 3, &line, &col); /* é */
	assert_int_equal(line, 2);
	assert_int_equal(col, 1);
	/* 'x' is byte 9 but the 5th character of its line (é t é space x) */
	size_t x = (size_t)(strchr(s, 'x') - s);
	assert_int_equal(x, 9);
	utf8_line_col(s, len, x, &line, &col);
	assert_int_equal(line, 2);
	assert_int_equal(col, 5);
	utf8_line_col(s, len, len - 1, &line, &col); /* z */
	assert_int_equal(line, 4);
	assert_int_equal(col, 1);
	/* an offset past the end is clamped to the end */
	utf8_line_col(s, len, len + 100, &line, &col);
	assert_int_equal(line, 4);
	assert_int_equal(col, 2);
	/* invalid bytes count as one column each */
	utf8_line_col("\xFF\xFFq", 3, 2, &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 3);
	/* empty input */
	utf8_line_col("", 0, 0, &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 1);
}

static void test_contains_fold(void **state)
{
	(void)state;
	assert_true(utf8_contains_fold("Hello World", "world"));
	assert_true(utf8_contains_fold("hello world", "WORLD"));
	assert_true(utf8_contains_fold("abc", ""));
	assert_true(utf8_contains_fold("", ""));
	assert_false(utf8_contains_fold("", "a"));
	assert_false(utf8_contains_fold("abc", "abcd"));
	assert_false(utf8_contains_fold("abc", "x"));
	/* É matches é and the other way round */
	assert_true(utf8_contains_fold("\xC3\x89nergie", "\xC3\xA9nergie"));
	assert_true(utf8_contains_fold("l'\xC3\xA9nergie", "\xC3\x89NERGIE"));
	assert_true(utf8_contains_fold("\xC3\x80 PROPOS", "\xC3\xA0 propos")); /* À / à */
	assert_true(utf8_contains_fold("GAR\xC3\x87ON", "gar\xC3\xA7on"));   /* Ç / ç */
	/* accents are not stripped: e does not match é */
	assert_false(utf8_contains_fold("\xC3\xA9t\xC3\xA9", "ete"));
	/* × (U+D7) is not a capital and ÷ (U+F7) not its lower case */
	assert_false(utf8_contains_fold("\xC3\x97", "\xC3\xB7"));
	/* the match may start after multi-byte characters */
	assert_true(utf8_contains_fold("\xE2\x82\xAC\xE2\x82\xAC fin", "FIN"));
	/* a match cut by the end of the haystack is no match */
	assert_false(utf8_contains_fold("ab\xC3\xA9", "\xC3\xA9\xC3\xA9"));
	/* decomposed (NFD) and composed text match either way round */
	assert_true(utf8_contains_fold("Direction ge\xCC\x81ne\xCC\x81rale", "g\xC3\xA9n\xC3\xA9rale"));
	assert_true(utf8_contains_fold("Direction g\xC3\xA9n\xC3\xA9rale", "GE\xCC\x81NE\xCC\x81RALE"));
	/* beyond Latin-1: Œ/œ, Greek, Cyrillic */
	assert_true(utf8_contains_fold("\xC5\x92UVRE", "\xC5\x93uvre"));
	assert_true(utf8_contains_fold("\xCE\x94\xCE\x99\xCE\x9A\xCE\xA4\xCE\xA5\xCE\x9F", "\xCE\xB4\xCE\xB9\xCE\xBA"));
	assert_true(utf8_contains_fold("\xD0\x9C\xD0\x98\xD0\xA0", "\xD0\xBC\xD0\xB8\xD1\x80"));
	/* a decomposed é does not match a plain e */
	assert_false(utf8_contains_fold("e\xCC\x81t\xC3\xA9", "ete"));
}

/* utf8_nfc_new's answer as a string: the input itself when it returns NULL. */
static char *nfc(const char *s, size_t n, bool *changed)
{
	size_t m = 12345;
	char *t = utf8_nfc_new(s, n, &m);
	*changed = t != NULL;
	if (!t) {
		assert_int_equal(m, 12345); /* untouched */
		t = malloc(n + 1);
		memcpy(t, s, n);
		t[n] = '\0';
	} else {
		assert_int_equal(strlen(t), m);
	}
	return t;
}

static void assert_nfc(const char *in, const char *want, bool want_changed)
{
	bool changed;
	char *got = nfc(in, strlen(in), &changed);
	assert_string_equal(got, want);
	assert_int_equal(changed, want_changed);
	buf_t b = BUF_INIT;
	buf_puts(&b, "x");
	utf8_nfc(in, strlen(in), &b);
	assert_string_equal(b.ptr + 1, want); /* appended */
	/* NFC of NFC is itself, with nothing allocated */
	char *again = nfc(got, strlen(got), &changed);
	assert_false(changed);
	assert_string_equal(again, got);
	free(again);
	free(got);
	buf_free(&b);
}

static void test_nfc(void **state)
{
	(void)state;
	/* already NFC: nothing to do */
	assert_nfc("", "", false);
	assert_nfc("Direction du num\xC3\xA9rique", "Direction du num\xC3\xA9rique", false);
	assert_nfc("l\xE2\x80\x99\xC3\xA9nergie \xC2\xAB \xC5\x93uvre \xC2\xBB \xE2\x82\xAC", "l\xE2\x80\x99\xC3\xA9nergie \xC2\xAB \xC5\x93uvre \xC2\xBB \xE2\x82\xAC", false);
	assert_nfc("\xED\x95\x9C\xEA\xB8\x80", "\xED\x95\x9C\xEA\xB8\x80", false); /* Hangul syllables */
	/* e + U+0301 COMBINING ACUTE is é (U+00E9), as macOS writes it */
	assert_nfc("Direction ge\xCC\x81ne\xCC\x81rale", "Direction g\xC3\xA9n\xC3\xA9rale", true);
	assert_nfc("E\xCC\x81", "\xC3\x89", true);
	assert_nfc("c\xCC\xA7" "a", "\xC3\xA7" "a", true);                           /* ç */
	/* marks out of canonical order: dot below (220) before circumflex (230) */
	assert_nfc("e\xCC\x82\xCC\xA3", "\xE1\xBB\x87", true);                  /* ệ */
	assert_nfc("e\xCC\xA3\xCC\x82", "\xE1\xBB\x87", true);
	/* a mark with nothing to compose with stays */
	assert_nfc("\xCC\x81x", "\xCC\x81x", false);
	assert_nfc("q\xCC\x81", "q\xCC\x81", false);
	/* singletons become their canonical equivalent: Ω (U+2126) is Ω (U+03A9), Å (U+212B) is Å */
	assert_nfc("\xE2\x84\xA6", "\xCE\xA9", true);
	assert_nfc("\xE2\x84\xAB", "\xC3\x85", true);
	/* composition exclusions stay decomposed (U+2ADC decomposes, never recomposes) */
	assert_nfc("\xE2\xAB\x9C", "\xE2\xAB\x9D\xCC\xB8", true);
	assert_nfc("\xE2\xAB\x9D\xCC\xB8", "\xE2\xAB\x9D\xCC\xB8", false);
	/* Hangul jamo compose algorithmically: ᄒ + ᅡ + ᆫ = 한 */
	assert_nfc("\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB", "\xED\x95\x9C", true);
	/* compatibility characters are NFKC's business, not NFC's */
	assert_nfc("\xEF\xAC\x81 \xC2\xB2", "\xEF\xAC\x81 \xC2\xB2", false); /* ﬁ ² */
	/* ASCII-only text past the eight-byte fast path, then a decomposed letter */
	assert_nfc("abcdefghijklmnopqrstuvwxyze\xCC\x81", "abcdefghijklmnopqrstuvwxyz\xC3\xA9", true);

	/* a NUL byte inside the text is kept */
	bool changed;
	size_t m;
	char *t = utf8_nfc_new("e\xCC\x81\0e\xCC\x81", 7, &m);
	assert_non_null(t);
	assert_int_equal(m, 5);
	assert_memory_equal(t, "\xC3\xA9\0\xC3\xA9", 5);
	free(t);
	/* invalid UTF-8 is left as it is, for the caller's validation to report */
	assert_null(utf8_nfc_new("e\xCC\x81\xFF", 4, &m));
	assert_null(utf8_nfc_new("\xFF" "e\xCC\x81", 4, &m));
	assert_null(utf8_nfc_new("\xED\xA0\x80" "e\xCC\x81", 6, &m)); /* a surrogate */
	t = nfc("\xC0\x80", 2, &changed);
	assert_false(changed);
	free(t);
	/* a long decomposed text is normalized stretch by stretch, all of it */
	buf_t big = BUF_INIT, want = BUF_INIT;
	for (int i = 0; i < 100000; i++) {
		buf_puts(&big, i % 7 ? "e\xCC\x81" : "abc ");
		buf_puts(&want, i % 7 ? "\xC3\xA9" : "abc ");
	}
	t = utf8_nfc_new(big.ptr, big.len, &m);
	assert_non_null(t);
	assert_int_equal(m, want.len);
	assert_memory_equal(t, want.ptr, m);
	free(t);
	buf_free(&big);
	buf_free(&want);
	/* a run of marks past UTF8_MAX_MARKS (sorting it is quadratic) is left
	 * as written with its letter, and the text around it still normalized */
	buf_t marks = BUF_INIT;
	buf_puts(&marks, "e\xCC\x81 x");
	for (int i = 0; i < 200000; i++)
		buf_puts(&marks, i % 2 ? "\xCC\x96" : "\xCC\x81"); /* classes 220 and 230, out of order */
	buf_puts(&marks, " e\xCC\x81");
	clock_t t0 = clock();
	t = utf8_nfc_new(marks.ptr, marks.len, &m);
	buf_t folded = BUF_INIT;
	utf8_casefold(marks.ptr, marks.len, &folded);
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	assert_non_null(t);
	assert_int_equal(m, marks.len - 2);
	assert_memory_equal(t, "\xC3\xA9 x\xCC\x81\xCC\x96", 7);
	assert_memory_equal(t + m - 3, " \xC3\xA9", 3);
	free(t);
	assert_int_equal(folded.len, marks.len - 2); /* the é around it still composed */
	buf_free(&folded);
	buf_free(&marks);
	if (secs > 1.0)
		fail_msg("200,000 marks took %.2f s", secs);
	/* a run of UTF8_MAX_MARKS is still put in order */
	buf_t run = BUF_INIT;
	buf_puts(&run, "x");
	for (int i = 0; i < UTF8_MAX_MARKS; i++)
		buf_puts(&run, i % 2 ? "\xCC\x96" : "\xCC\x81");
	t = utf8_nfc_new(run.ptr, run.len, &m);
	assert_non_null(t);
	assert_memory_equal(t, "x\xCC\x96", 3); /* 220 before 230 */
	free(t);
	buf_free(&run);

	/* a copy either way */
	t = utf8_nfc_strdup("cafe\xCC\x81");
	assert_string_equal(t, "caf\xC3\xA9");
	free(t);
	t = utf8_nfc_strdup("caf\xC3\xA9");
	assert_string_equal(t, "caf\xC3\xA9");
	free(t);
	t = utf8_nfc_strdup("");
	assert_string_equal(t, "");
	free(t);
}

static void assert_fold(const char *in, const char *want)
{
	buf_t b = BUF_INIT;
	utf8_casefold(in, strlen(in), &b);
	assert_string_equal(buf_cstr(&b), want);
	buf_free(&b);
}

static void test_casefold(void **state)
{
	(void)state;
	assert_fold("", "");
	assert_fold("Direction du NUM\xC3\x89RIQUE", "direction du num\xC3\xA9rique");
	assert_fold("DIRECTION GE\xCC\x81NE\xCC\x81RALE", "direction g\xC3\xA9n\xC3\xA9rale");
	assert_fold("\xC5\x92UVRE", "\xC5\x93uvre");                           /* Œ */
	assert_fold("Stra\xC3\x9F" "e", "strasse");                               /* ß folds to ss */
	assert_fold("\xCE\xA3\xCE\xBF\xCF\x86\xCE\xAF\xCE\xB1", "\xCF\x83\xCE\xBF\xCF\x86\xCE\xAF\xCE\xB1"); /* Σοφία */
	/* accents stay: folding is about case and composition only */
	assert_fold("\xC3\x89t\xC3\xA9", "\xC3\xA9t\xC3\xA9");
	assert_fold("a\xFF" "B", "a\xFF" "B"); /* invalid UTF-8 kept as is */

	assert_true(utf8_equal_fold("Direction g\xC3\xA9n\xC3\xA9rale", "direction ge\xCC\x81ne\xCC\x81rale"));
	assert_true(utf8_equal_fold("DIRECTION G\xC3\x89N\xC3\x89RALE", "direction ge\xCC\x81ne\xCC\x81rale"));
	assert_true(utf8_equal_fold("", ""));
	assert_false(utf8_equal_fold("Direction generale", "Direction g\xC3\xA9n\xC3\xA9rale"));
	assert_false(utf8_equal_fold("Direction", "Direction "));
	assert_false(utf8_equal_fold("a", "ab"));

	assert_true(utf8_is_mark(0x301));   /* combining acute */
	assert_true(utf8_is_mark(0x93E));   /* Devanagari vowel sign, a spacing mark */
	assert_false(utf8_is_mark('e'));
	assert_false(utf8_is_mark(0xE9));   /* é is a letter */
	assert_false(utf8_is_mark(0x2019)); /* ’ */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_decode_last),
		cmocka_unit_test(test_put),
		cmocka_unit_test(test_length),
		cmocka_unit_test(test_line_col),
		cmocka_unit_test(test_contains_fold),
		cmocka_unit_test(test_nfc),
		cmocka_unit_test(test_casefold),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
