/* Tests for guide/typography, without the renderer: markdown-it's
 * replacements on one text, and its smartquotes over the pieces of a block,
 * with the French quotes the old site used: «\u00A0 \u00A0», ‹\u00A0 \u00A0›
 * and the apostrophe ’. Inputs follow markdown-it's typographer.txt and
 * smartquotes.txt fixtures where they matter for French text; the expected
 * results are today's, which match markdown-it 13 on the real guide. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "guide/typography.h"
#include "util/buf.h"

#define NBSP "\xC2\xA0"
#define LAQUO "\xC2\xAB" NBSP  /* « and its space */
#define RAQUO NBSP "\xC2\xBB"  /* » */
#define LSAQUO "\xE2\x80\xB9" NBSP /* ‹ */
#define RSAQUO NBSP "\xE2\x80\xBA" /* › */
#define APOS "\xE2\x80\x99"     /* ’ */
#define ELLIPSIS "\xE2\x80\xA6"
#define NDASH "\xE2\x80\x93"
#define MDASH "\xE2\x80\x94"

static void check_text(const char *in, const char *want)
{
	buf_t out = BUF_INIT;
	buf_puts(&out, "[");
	typo_text(in, strlen(in), &out);
	buf_puts(&out, "]");
	/* appended: what out held before stays */
	if (out.len != strlen(want) + 2 || memcmp(out.ptr + 1, want, strlen(want)) || out.ptr[out.len - 1] != ']') {
		print_error("input: %s\nwant:  %s\ngot:   %s\n", in, want, buf_cstr(&out));
		buf_free(&out);
		fail();
	}
	buf_free(&out);
}

/* The replacements alone; want NULL: none applies, out is left alone. */
static void check_replace(const char *in, const char *want)
{
	buf_t out = BUF_INIT;
	buf_puts(&out, "kept");
	bool done = typo_replace(in, strlen(in), &out);
	if (!want) {
		assert_false(done);
		assert_string_equal(buf_cstr(&out), "kept");
	} else if (!done || strcmp(buf_cstr(&out) + 4, want)) {
		print_error("input: %s\nwant:  %s\ngot:   %s\n", in, want, done ? buf_cstr(&out) + 4 : "(none)");
		buf_free(&out);
		fail();
	}
	buf_free(&out);
}

/* ---- replacements ---- */

static void test_symbols(void **state)
{
	(void)state;
	check_replace("(c) (C) (r) (R) (tm) (TM) (Tm)", "\xC2\xA9 \xC2\xA9 \xC2\xAE \xC2\xAE \xE2\x84\xA2 \xE2\x84\xA2 \xE2\x84\xA2");
	/* markdown-it 13 dropped (p) -> §; nor are other letters replaced */
	check_replace("(p) (P) (bad) (c", NULL);
	check_replace("+-5", "\xC2\xB1" "5");
	check_replace("plus ou moins", NULL);
	check_replace("Texte ordinaire, sans rien : d'accord ? Oui !", NULL);
}

static void test_ellipsis_and_marks(void **state)
{
	(void)state;
	/* two dots or more */
	check_replace("Bof.. Voyons... Et..... fin", "Bof" ELLIPSIS " Voyons" ELLIPSIS " Et" ELLIPSIS " fin");
	/* after ? or ! the ellipsis is two dots */
	check_replace("Vraiment ?..... Non !....", "Vraiment ?.. Non !..");
	check_replace("oui?..", "oui?..");
	/* four ? or ! and more: three, of the last kind */
	check_replace("!!!!!! ????", "!!! ???");
	check_replace("Quoi ?!?! ..", "Quoi !!! " ELLIPSIS);
	/* a mixed run alone is not a "rare" sequence: nothing runs */
	check_replace("Quoi ?!?!", NULL);
	check_replace("Vraiment ?!", NULL);
	check_replace("a,, b,,, c", "a, b, c");
}

static void test_dashes(void **state)
{
	(void)state;
	check_replace("---debut --- milieu---", MDASH "debut " MDASH " milieu" MDASH);
	check_replace("mot---mot", "mot" MDASH "mot");
	check_replace("--debut -- milieu--", NDASH "debut " NDASH " milieu" NDASH);
	check_replace("mot--mot", "mot" NDASH "mot");
	/* ranges of years and pages, and an incise with spaces */
	check_replace("2019--2023, p. 10--20", "2019" NDASH "2023, p. 10" NDASH "20");
	check_replace("un mot -- une incise -- puis", "un mot " NDASH " une incise " NDASH " puis");
	check_replace("a --- b", "a " MDASH " b");
	/* four dashes and more are left alone */
	check_replace("abc ----", "abc ----");
	/* ^ and $ are those of each line */
	check_replace("a\n-- b\nc --\nd", "a\n" NDASH " b\nc " NDASH "\nd");
	/* a dash after ")" and before a space fits neither en rule */
	check_replace("(c)-- x", "\xC2\xA9-- x");
	/* no-break spaces count as spaces */
	check_replace("a" NBSP "--" NBSP "b", "a" NBSP NDASH NBSP "b");
}

/* ---- smartquotes on plain text ---- */

static void test_french_quotes(void **state)
{
	(void)state;
	check_text("Il dit \"oui\".", "Il dit " LAQUO "oui" RAQUO ".");
	check_text("\"x\" : y ; \"z\" !", LAQUO "x" RAQUO " : y ; " LAQUO "z" RAQUO " !");
	check_text("(\"x\")", "(" LAQUO "x" RAQUO ")");
	check_text("\"(hai)\".", LAQUO "(hai)" RAQUO ".");
	check_text("un 'mot' ici", "un " LSAQUO "mot" RSAQUO " ici");
	/* nested, both ways */
	check_text("\"a 'b' c\"", LAQUO "a " LSAQUO "b" RSAQUO " c" RAQUO);
	check_text("'\"double dans simple\"'", LSAQUO LAQUO "double dans simple" RAQUO RSAQUO);
	check_text("\"'simple dans double'\"", LAQUO LSAQUO "simple dans double" RSAQUO RAQUO);
	/* quotes that overlap: the inner pair wins, the rest stays straight */
	check_text("'foo \"bar' baz\"", LSAQUO "foo \"bar" RSAQUO " baz\"");
	check_text("\"foo \"bar 'baz\"", "\"foo " LAQUO "bar 'baz" RAQUO);
	/* an unpaired quote stays straight */
	check_text("un \" seul", "un \" seul");
	check_text("x\"y\"z", "x\"y\"z");
	check_text("\"  \"", "\"  \"");
	/* empty quotes still pair */
	check_text("\"\"", LAQUO RAQUO);
	/* guillemets already typed, with either space, are left alone */
	check_text("\xC2\xAB" NBSP "d\xC3\xA9j\xC3\xA0" NBSP "\xC2\xBB", "\xC2\xAB" NBSP "d\xC3\xA9j\xC3\xA0" NBSP "\xC2\xBB");
	check_text("\xC2\xAB d\xC3\xA9j\xC3\xA0 \xC2\xBB", "\xC2\xAB d\xC3\xA9j\xC3\xA0 \xC2\xBB");
	/* straight quotes inside guillemets: punctuation both sides */
	check_text("\xC2\xAB\"x\"\xC2\xBB", "\xC2\xAB" LAQUO "x" RAQUO "\xC2\xBB");
	/* inches after a digit */
	check_text("un \xC3\xA9" "cran 27\"\" et \"Moniteur\"\"",
		   "un \xC3\xA9" "cran 27\"\" et " LAQUO "Moniteur" RAQUO "\"");
}

static void test_apostrophes(void **state)
{
	(void)state;
	check_text("l'\xC3\xA9t\xC3\xA9, aujourd'hui, jusqu'\xC3\xA0, qu'il",
		   "l" APOS "\xC3\xA9t\xC3\xA9, aujourd" APOS "hui, jusqu" APOS "\xC3\xA0, qu" APOS "il");
	check_text("L'outil \"X\" -- <b>", "L" APOS "outil " LAQUO "X" RAQUO " " NDASH " <b>");
	check_text("\"L'\xC3\xA9t\xC3\xA9\"", LAQUO "L" APOS "\xC3\xA9t\xC3\xA9" RAQUO);
	check_text("'l'\xC3\xA9t\xC3\xA9'", LSAQUO "l" APOS "\xC3\xA9t\xC3\xA9" RSAQUO);
	check_text("l'\"outil\"", "l" APOS LAQUO "outil" RAQUO);
	check_text("O'Reilly's", "O" APOS "Reilly" APOS "s");
	check_text("5'10\"", "5" APOS "10\"");
	/* at the end of a word: an apostrophe too */
	check_text("les \xC3\xA9l\xC3\xA8ves' cahiers", "les \xC3\xA9l\xC3\xA8ves" APOS " cahiers");
	/* an opening quote never closed stays straight */
	check_text("les ann\xC3\xA9" "es '90", "les ann\xC3\xA9" "es '90");
	check_text("'f", "'f");
}

static void test_text_all(void **state)
{
	(void)state;
	/* replacements first, then quotes, as markdown-it's core orders them */
	check_text("\"Bonjour...\" -- (c) l'auteur", LAQUO "Bonjour" ELLIPSIS RAQUO " " NDASH " \xC2\xA9 l" APOS "auteur");
	check_text("", "");
	check_text("rien \xC3\xA0 faire", "rien \xC3\xA0 faire");
	/* not NUL-terminated: only the n bytes given */
	buf_t out = BUF_INIT;
	typo_text("\"a\" \"b\"", 3, &out);
	assert_string_equal(buf_cstr(&out), LAQUO "a" RAQUO);
	buf_free(&out);
}

/* ---- smartquotes across the pieces of a block ---- */

#define TEXT(s) {TYPO_TEXT, s, sizeof s - 1}
#define OTHER(s) {TYPO_OTHER, s, sizeof s - 1}
#define BREAK {TYPO_BREAK, "", 0}
#define OPEN {TYPO_OPEN, "", 0}
#define CLOSE {TYPO_CLOSE, "", 0}

typedef struct {
	buf_t *text[16]; /* new text of each piece, or NULL */
	size_t last;	 /* index of the last piece rewritten, + 1 */
} rewrites_t;

static void on_rewrite(size_t piece, const char *text, size_t len, void *ud)
{
	rewrites_t *r = ud;
	assert_true(piece < 16);
	assert_null(r->text[piece]);
	assert_true(piece + 1 > r->last); /* in order, each once */
	r->last = piece + 1;
	r->text[piece] = calloc(1, sizeof(buf_t));
	buf_put(r->text[piece], text, len);
}

/* The pieces written back with the rewrites: OPEN as '<', CLOSE as '>',
 * BREAK as '\n', OTHER within '[' ']'. */
static void check_pieces(typo_t *ty, const typo_piece_t *pc, size_t n, const char *want)
{
	rewrites_t r = {{NULL}, 0};
	buf_t got = BUF_INIT;
	typo_quotes(ty, pc, n, on_rewrite, &r);
	for (size_t i = 0; i < n; i++) {
		switch (pc[i].kind) {
		case TYPO_OPEN: buf_putc(&got, '<'); break;
		case TYPO_CLOSE: buf_putc(&got, '>'); break;
		case TYPO_BREAK: buf_putc(&got, '\n'); break;
		case TYPO_OTHER:
			buf_putc(&got, '[');
			buf_put(&got, pc[i].s, pc[i].len);
			buf_putc(&got, ']');
			break;
		case TYPO_TEXT:
			if (r.text[i])
				buf_put(&got, r.text[i]->ptr, r.text[i]->len);
			else
				buf_put(&got, pc[i].s, pc[i].len);
			break;
		}
		assert_true(!r.text[i] || pc[i].kind == TYPO_TEXT);
		if (r.text[i])
			buf_free(r.text[i]);
		free(r.text[i]);
	}
	if (strcmp(buf_cstr(&got), want)) {
		print_error("want: %s\ngot:  %s\n", want, buf_cstr(&got));
		buf_free(&got);
		fail();
	}
	buf_free(&got);
}

#define CHECK(want, ...)                                                          \
	do {                                                                      \
		const typo_piece_t pc_[] = {__VA_ARGS__};                         \
		check_pieces(ty, pc_, sizeof pc_ / sizeof pc_[0], want);           \
	} while (0)

static void test_levels(void **state)
{
	(void)state;
	typo_t *ty = typo_new();
	/* quotes pair across emphasis at the same level */
	CHECK(LAQUO "<mis en avant>" RAQUO, TEXT("\""), OPEN, TEXT("mis en avant"), CLOSE, TEXT("\""));
	CHECK(LAQUO "foo <bar> baz" RAQUO, TEXT("\"foo "), OPEN, TEXT("bar"), CLOSE, TEXT(" baz\""));
	CHECK(LAQUO "<foo bar>" RAQUO, TEXT("\""), OPEN, TEXT("foo bar"), CLOSE, TEXT("\""));
	/* ... and inside one */
	CHECK("<" LAQUO "x" RAQUO ">", OPEN, TEXT("\"x\""), CLOSE);
	/* not across levels */
	CHECK("<\"foo> bar\"", OPEN, TEXT("\"foo"), CLOSE, TEXT(" bar\""));
	CHECK("\"foo <bar\">", TEXT("\"foo "), OPEN, TEXT("bar\""), CLOSE);
	CHECK("<\"foo> bar <baz\">", OPEN, TEXT("\"foo"), CLOSE, TEXT(" bar "), OPEN, TEXT("baz\""), CLOSE);
	CHECK("<foo \"bar> <baz\" quux>", OPEN, TEXT("foo \"bar"), CLOSE, TEXT(" "), OPEN, TEXT("baz\" quux"), CLOSE);
	/* an apostrophe needs no partner, whatever the level */
	CHECK("<l" APOS "a>", OPEN, TEXT("l'a"), CLOSE);
	typo_free(ty);
}

static void test_context(void **state)
{
	(void)state;
	typo_t *ty = typo_new();
	/* line breaks are spaces */
	CHECK(LAQUO "this" RAQUO "\nand " LAQUO "that" RAQUO ".", TEXT("\"this\""), BREAK, TEXT("and \"that\"."));
	CHECK(LAQUO "this" RAQUO " and\n" LAQUO "that" RAQUO ".", TEXT("\"this\" and"), BREAK, TEXT("\"that\"."));
	/* code and HTML next to a quote are read, not changed */
	CHECK(LAQUO "test [code]" RAQUO, TEXT("\"test "), OTHER("code"), TEXT("\""));
	CHECK(LAQUO "[code] test" RAQUO, TEXT("\""), OTHER("code"), TEXT(" test\""));
	CHECK(LAQUO "test [<br>]" RAQUO, TEXT("\"test "), OTHER("<br>"), TEXT("\""));
	/* an escaped quote or an entity is not a quote */
	CHECK("[\"]foo\"", OTHER("\""), TEXT("foo\""));
	CHECK("[\"]foo[\"]", OTHER("\""), TEXT("foo"), OTHER("\""));
	CHECK("\"foo[\"]", TEXT("\"foo"), OTHER("\""));
	/* but a letter in OTHER next to an apostrophe makes it one */
	CHECK("[l]" APOS "[a]", OTHER("l"), TEXT("'"), OTHER("a"));
	/* the ends of the block are spaces */
	CHECK(LSAQUO "a" RSAQUO, TEXT("'a'"));
	/* empty pieces are skipped when looking around */
	CHECK(LAQUO "<>x" RAQUO, TEXT("\""), OPEN, TEXT(""), CLOSE, TEXT("x\""));
	/* nothing to do: no call */
	CHECK("<a> [\"x\"]\n", OPEN, TEXT("a"), CLOSE, TEXT(" "), OTHER("\"x\""), BREAK);
	CHECK("", TEXT(""));
	typo_free(ty);
}

/* The scratch memory is reused: a second block starts from nothing. */
static void test_reuse(void **state)
{
	(void)state;
	typo_t *ty = typo_new();
	CHECK("\"ouvert 'jamais", TEXT("\"ouvert 'jamais"));
	CHECK("ferm\xC3\xA9\" l" APOS "a", TEXT("ferm\xC3\xA9\" l'a"));
	CHECK(LAQUO "a" RAQUO, TEXT("\"a\""));
	typo_free(ty);
	typo_free(NULL);
}

typedef struct {
	buf_t *arena;
	size_t off[4], len[4];
} moving_t;

/* Appends the new text to the arena the pieces point into, and grows it
 * far enough that it moves: what the renderer does. */
static void on_rewrite_moving(size_t piece, const char *text, size_t len, void *ud)
{
	moving_t *mv = ud;
	mv->off[piece] = mv->arena->len;
	buf_put(mv->arena, text, len);
	mv->len[piece] = len;
	buf_grow(mv->arena, mv->arena->len * 4 + 4096);
}

static void test_rewrite_moves_memory(void **state)
{
	(void)state;
	buf_t arena = BUF_INIT;
	buf_puts(&arena, "\"un\"'deux' \"trois\"");
	const typo_piece_t pc[] = {{TYPO_TEXT, arena.ptr, 4},
				   {TYPO_TEXT, arena.ptr + 4, 6},
				   {TYPO_TEXT, arena.ptr + 10, 8}};
	moving_t mv = {&arena, {0}, {0}};
	typo_t *ty = typo_new();
	typo_quotes(ty, pc, 3, on_rewrite_moving, &mv);
	typo_free(ty);
	buf_t got = BUF_INIT;
	for (size_t i = 0; i < 3; i++)
		buf_put(&got, arena.ptr + mv.off[i], mv.len[i]);
	assert_string_equal(buf_cstr(&got), LAQUO "un" RAQUO LSAQUO "deux" RSAQUO " " LAQUO "trois" RAQUO);
	buf_free(&got);
	buf_free(&arena);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_symbols),
		cmocka_unit_test(test_ellipsis_and_marks),
		cmocka_unit_test(test_dashes),
		cmocka_unit_test(test_french_quotes),
		cmocka_unit_test(test_apostrophes),
		cmocka_unit_test(test_text_all),
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_context),
		cmocka_unit_test(test_reuse),
		cmocka_unit_test(test_rewrite_moves_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
