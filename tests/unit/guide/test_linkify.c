/* Tests for guide/linkify, the matcher alone: which bare links it finds in a
 * text, and their URLs. Inputs follow linkify-it's own fixtures (links.txt,
 * not_links.txt) where they matter for French text: links ending a sentence
 * or inside parentheses and guillemets, e-mail addresses, www. and
 * other hosts without a scheme, and what must stay text. The expected
 * results are today's, which match markdown-it 13 on the real guide;
 * where a fixture of a later linkify-it disagrees, the comment says so. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "guide/linkify.h"
#include "util/buf.h"

/* Every link found in s, as "text -> url", separated by " | " ("" for none). */
static char *links_of(const char *s)
{
	buf_t out = BUF_INIT;
	linkify_t lk;
	linkify_match_t m;
	size_t n = strlen(s);
	linkify_init(&lk, s, n);
	while (linkify_next(&lk, &m)) {
		assert_true(m.start < m.end && m.end <= n);
		if (out.len)
			buf_puts(&out, " | ");
		buf_put(&out, s + m.start, m.end - m.start);
		buf_puts(&out, " -> ");
		linkify_url(s, &m, &out);
	}
	return buf_detach(&out);
}

static void check(const char *s, const char *want)
{
	char *got = links_of(s);
	if (strcmp(got, want)) {
		print_error("input: %s\nwant:  %s\ngot:   %s\n", s, want, got);
		free(got);
		fail();
	}
	free(got);
}

static void none(const char *s)
{
	check(s, "");
}

/* ---- with a scheme ---- */

static void test_schemes(void **state)
{
	(void)state;
	check("Voir http://example.com ici", "http://example.com -> http://example.com");
	check("https://ex.fr/a/b?x=1&y=2#z", "https://ex.fr/a/b?x=1&y=2#z -> https://ex.fr/a/b?x=1&y=2#z");
	check("ftp://ex.fr/f.zip", "ftp://ex.fr/f.zip -> ftp://ex.fr/f.zip");
	check("HTTP://GOOGLE.COM", "HTTP://GOOGLE.COM -> HTTP://GOOGLE.COM");
	check("http://user:pass@example.com:8080/", "http://user:pass@example.com:8080/ -> http://user:pass@example.com:8080/");
	/* with a scheme, any host: unknown TLD, one label, digits */
	check("http://example.invalid", "http://example.invalid -> http://example.invalid");
	check("http://intranet2 et http://999", "http://intranet2 -> http://intranet2 | http://999 -> http://999");
	check("http://localhost:8000?", "http://localhost:8000 -> http://localhost:8000");
	/* protocol-relative: two labels at least, or localhost */
	check("voir //ex.fr/a", "//ex.fr/a -> //ex.fr/a");
	check("//localhost", "//localhost -> //localhost");
	none("//intranet");
	none("///localhost");
	/* mailto: takes a host without a TLD */
	check("mailto:moi@ex.fr", "mailto:moi@ex.fr -> mailto:moi@ex.fr");
	check("MAILTO:MOI@EX.FR", "MAILTO:MOI@EX.FR -> MAILTO:MOI@EX.FR");
	check("mailto:a@intranet", "mailto:a@intranet -> mailto:a@intranet");
	none("mailto:personne");
	/* non-ASCII hosts and paths are kept as written (mdurl encodes them later) */
	check("https://ex.fr/été", "https://ex.fr/été -> https://ex.fr/été");
	check("http://www.bürgerentscheid.de", "http://www.bürgerentscheid.de -> http://www.bürgerentscheid.de");
	/* double dashes in host names (later fixtures say so too) */
	check("http://a.b--c.fr/", "http://a.b--c.fr/ -> http://a.b--c.fr/");
}

/* ---- the end of a link in a sentence ---- */

static void test_sentence_end(void **state)
{
	(void)state;
	/* the sentence's punctuation is not part of the link */
	check("Voir https://www.ex.fr.", "https://www.ex.fr -> https://www.ex.fr");
	check("Voir https://ex.fr/page, puis", "https://ex.fr/page -> https://ex.fr/page");
	check("Voir https://ex.fr/a.pdf.", "https://ex.fr/a.pdf -> https://ex.fr/a.pdf");
	check("Voir https://ex.fr/a/.", "https://ex.fr/a/ -> https://ex.fr/a/");
	check("https://ex.fr/a...", "https://ex.fr/a -> https://ex.fr/a");
	check("https://ex.fr/a;", "https://ex.fr/a -> https://ex.fr/a");
	check("https://ex.fr/a?", "https://ex.fr/a -> https://ex.fr/a");
	check("https://ex.fr/a!", "https://ex.fr/a -> https://ex.fr/a");
	check("https://ex.fr/a?p=10.", "https://ex.fr/a?p=10 -> https://ex.fr/a?p=10");
	check("https://ex.fr/a-.", "https://ex.fr/a- -> https://ex.fr/a-");
	/* French spacing: a space before ; : ! ? and inside guillemets */
	check("https://ex.fr/a ; https://ex.fr/b !", "https://ex.fr/a -> https://ex.fr/a | https://ex.fr/b -> https://ex.fr/b");
	check("https://ex.fr/a ?", "https://ex.fr/a -> https://ex.fr/a");
	check("\xC2\xAB\xC2\xA0https://ex.fr/a\xC2\xA0\xC2\xBB", "https://ex.fr/a -> https://ex.fr/a");
	check("\xC2\xABhttps://ex.fr\xC2\xBB", "https://ex.fr -> https://ex.fr");
	/* but a colon is a path character: "lien: ..." needs its space */
	check("https://ex.fr/a: suite", "https://ex.fr/a: -> https://ex.fr/a:");
	check("ex.fr: suite", "ex.fr -> http://ex.fr");
	/* punctuation inside the path stays */
	check("https://ex.fr/a...b", "https://ex.fr/a...b -> https://ex.fr/a...b");
	check("https://ex.fr/0,,9,00.html", "https://ex.fr/0,,9,00.html -> https://ex.fr/0,,9,00.html");
	check("https://ex.fr/a--b", "https://ex.fr/a--b -> https://ex.fr/a--b");
	check("https://ex.fr/@48.8,2.3,12z", "https://ex.fr/@48.8,2.3,12z -> https://ex.fr/@48.8,2.3,12z");
}

static void test_brackets_and_quotes(void **state)
{
	(void)state;
	/* a closing bracket of the sentence is left out, a balanced one kept */
	check("(voir https://ex.fr/a)", "https://ex.fr/a -> https://ex.fr/a");
	check("https://ex.fr/a_(b)", "https://ex.fr/a_(b) -> https://ex.fr/a_(b)");
	check("https://ex.fr/a_(b)_c.", "https://ex.fr/a_(b)_c -> https://ex.fr/a_(b)_c");
	check("https://ex.fr/a_[b] https://ex.fr/a_{b}",
	      "https://ex.fr/a_[b] -> https://ex.fr/a_[b] | https://ex.fr/a_{b} -> https://ex.fr/a_{b}");
	check("[https://ex.fr/a]", "https://ex.fr/a -> https://ex.fr/a");
	check("https://ex.fr/(a) (b)", "https://ex.fr/(a) -> https://ex.fr/(a)");
	check("https://ex.fr/(a", "https://ex.fr/ -> https://ex.fr/");
	/* Nested brackets end at the first closing one: a later linkify-it's
	 * fixture keeps "foo-(with-nested-(parens))" whole, 4.0.1 (and this)
	 * does not. */
	check("https://ex.fr/a-(b-(c)).", "https://ex.fr/a-(b-(c) -> https://ex.fr/a-(b-(c)");
	/* quotes around a link are the sentence's; paired inside, the path's */
	check("\"https://ex.fr/a\"", "https://ex.fr/a -> https://ex.fr/a");
	check("'https://ex.fr/a'", "https://ex.fr/a -> https://ex.fr/a");
	check("https://ex.fr/a_\"b\"", "https://ex.fr/a_\"b\" -> https://ex.fr/a_\"b\"");
	check("https://ex.fr/a_'b'", "https://ex.fr/a_'b' -> https://ex.fr/a_'b'");
	/* an apostrophe stays when a letter follows: French titles in URLs */
	check("https://fr.wikipedia.org/wiki/L'\xC3\x89tranger.",
	      "https://fr.wikipedia.org/wiki/L'\xC3\x89tranger -> https://fr.wikipedia.org/wiki/L'\xC3\x89tranger");
	check("https://ex.fr/l'-a", "https://ex.fr/l'-a -> https://ex.fr/l'-a");
	/* not when an escape follows it, nor at the end */
	check("https://fr.wikipedia.org/wiki/L'%C3%89tranger",
	      "https://fr.wikipedia.org/wiki/L -> https://fr.wikipedia.org/wiki/L");
	check("https://ex.fr/a'", "https://ex.fr/a -> https://ex.fr/a");
}

/* ---- without a scheme ---- */

static void test_fuzzy_hosts(void **state)
{
	(void)state;
	check("www.ex.fr", "www.ex.fr -> http://www.ex.fr");
	check("Www.Ex.Fr", "Www.Ex.Fr -> http://Www.Ex.Fr");
	check("Voir www.ecologie.gouv.fr/a.", "www.ecologie.gouv.fr/a -> http://www.ecologie.gouv.fr/a");
	check("le site data.gouv.fr, puis", "data.gouv.fr -> http://data.gouv.fr");
	check("service-public.fr.", "service-public.fr -> http://service-public.fr");
	check("ex.fr:8080/a", "ex.fr:8080/a -> http://ex.fr:8080/a");
	check("a.com, a.org, a.info, a.eu, a.xn--p1ai",
	      "a.com -> http://a.com | a.org -> http://a.org | a.info -> http://a.info | a.eu -> http://a.eu | "
	      "a.xn--p1ai -> http://a.xn--p1ai");
	check("\xD0\xBF\xD1\x80\xD0\xB5\xD0\xB7\xD0\xB8\xD0\xB4\xD0\xB5\xD0\xBD\xD1\x82.\xD1\x80\xD1\x84", /* президент.рф */
	      "\xD0\xBF\xD1\x80\xD0\xB5\xD0\xB7\xD0\xB8\xD0\xB4\xD0\xB5\xD0\xBD\xD1\x82.\xD1\x80\xD1\x84 -> http://"
	      "\xD0\xBF\xD1\x80\xD0\xB5\xD0\xB7\xD0\xB8\xD0\xB4\xD0\xB5\xD0\xBD\xD1\x82.\xD1\x80\xD1\x84");
	/* after a quote of a Markdown blockquote, and between full-width bars */
	check(">>ex.fr", "ex.fr -> http://ex.fr");
	check("\xEF\xBD\x9Cwww.ex.fr/a\xEF\xBD\x9C" "b", "www.ex.fr/a -> http://www.ex.fr/a");
	/* Any two-letter TLD will do, as in markdown-it: a file name ending in
	 * .md, or a missing space after a period before "Il", is a link. */
	check("le fichier README.md", "README.md -> http://README.md");
	check("une phrase.Il", "phrase.Il -> http://phrase.Il");
	/* A scheme after some text is found by markdown-it's inline rule, which
	 * linkify-it alone would refuse after '_' or a letter and ':' */
	check("_http://ex.fr", "http://ex.fr -> http://ex.fr");
	check("voir:https://ex.fr", "https://ex.fr -> https://ex.fr");
	check("texte@http://ex.fr", "http://ex.fr -> http://ex.fr");
}

static void test_emails(void **state)
{
	(void)state;
	check("Écrire à jean.dupont@ecologie.gouv.fr.", "jean.dupont@ecologie.gouv.fr -> mailto:jean.dupont@ecologie.gouv.fr");
	check("(contact : moi@ex.fr)", "moi@ex.fr -> mailto:moi@ex.fr");
	check("\"moi@ex.fr\"", "moi@ex.fr -> mailto:moi@ex.fr");
	check("<moi@ex.fr>.", "moi@ex.fr -> mailto:moi@ex.fr");
	check("prenom+tag@ex.fr", "prenom+tag@ex.fr -> mailto:prenom+tag@ex.fr");
	check("a@b.fr, c@d.fr", "a@b.fr -> mailto:a@b.fr | c@d.fr -> mailto:c@d.fr");
	/* As linkify-it: after a link, the search starts afresh, and ';' may
	 * begin an address, so a list without spaces links ";c@d.fr". */
	check("a@b.fr;c@d.fr", "a@b.fr -> mailto:a@b.fr | ;c@d.fr -> mailto:;c@d.fr");
	check("x@ex.fr@y", "x@ex.fr -> mailto:x@ex.fr");
	/* a known TLD and two labels, unlike mailto: */
	none("foo@bar");
	none("a@intranet");
	none("a.b@c");
	none("@ex.fr");
}

/* What looks like a link but is not one (linkify-it's not_links.txt). */
static void test_not_links(void **state)
{
	(void)state;
	none("example.invalid");
	none("example.invalid/");
	none("fichier.txt, script.js, index.html");
	none("http://.ex.fr");
	none("http://-ex.fr");
	none("hppt://ex.fr");
	none("ex.fra");
	none("foo.123");
	none("localhost");
	none("localhost/");
	none("_//ex.fr");
	none("_ex.fr");
	none("http://ex.fr_");
	none("http:// http://. http://.. http://# http://## http://? http://??");
	none("ex.fr:500000");
	none("chemin:vers:fichier.pm");
	none("/chemin/vers/fichier.pl");
	none("M. Dupont, p. ex., etc.");
	none("node.js et io.js");
	/* IPv4 addresses: linkify-it links them with fuzzyIP, off in markdown-it */
	none("4.4.4.4");
	none("192.168.1.1/abc");
	none("1.2.3.4.5 1.2.3 1.2.3.400");
	none("version 1.2.3");
	none("www.ex");
}

/* markdown-it's inline rule drops '*' ending a link: emphasis markers that
 * md4c did not pair are not part of the URL. */
static void test_inline_rule(void **state)
{
	(void)state;
	check("https://ex.fr/a* et https://ex.fr/**", "https://ex.fr/a -> https://ex.fr/a | https://ex.fr/ -> https://ex.fr/");
	const char *s = "http://ex.fr* www.ex.fr* a@ex.fr //ex.fr";
	linkify_t lk;
	linkify_match_t m;
	linkify_init(&lk, s, strlen(s));
	static const struct {
		const char *text;
		linkify_kind_t kind;
		bool inline_rule;
	} want[] = {{"http://ex.fr", LINKIFY_SCHEMA, true},
		    {"www.ex.fr", LINKIFY_FUZZY, false},
		    {"a@ex.fr", LINKIFY_EMAIL, false},
		    {"//ex.fr", LINKIFY_SCHEMA, false}};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		assert_true(linkify_next(&lk, &m));
		assert_int_equal(m.end - m.start, strlen(want[i].text));
		assert_memory_equal(s + m.start, want[i].text, m.end - m.start);
		assert_int_equal(m.kind, want[i].kind);
		assert_int_equal(m.inline_rule, want[i].inline_rule);
	}
	assert_false(linkify_next(&lk, &m));
	assert_false(linkify_next(&lk, &m)); /* and stays done */
}

/* The pretest decides for a whole block: nothing is searched without a
 * scheme, an '@' or a host-like hint. */
static void test_pretest(void **state)
{
	(void)state;
	static const char *const yes[] = {"voir http://x", "HTTPS:", "ftp:", "un //x", "mailto:", "a@b", "www.x",
					  "x.fr", "x.com.", "un localhost", "a.1.b", "x.xn--p1ai", "LOCALHOST",
					  "fin. localhost", "WwW.x", "Fin. Voir www.x", "a.123.b", "texte. puis x.fr",
					  "ici : https://x", "du texte ::: puis mailto:x", "lire //x et :", "a //"};
	static const char *const no[] = {"", "Du texte, rien d'autre.", "fichier.txt", "example.invalid",
					 "xhttp:", "_mailto:", "a_//b", "a.1234.b", "localhos", "le http de base",
					 "ww.x", "deux : points / et barre", "h", "hôte. Fin."};
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		if (!linkify_pretest(yes[i], strlen(yes[i])))
			fail_msg("pretest refused \"%s\"", yes[i]);
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		if (linkify_pretest(no[i], strlen(no[i])))
			fail_msg("pretest accepted \"%s\"", no[i]);
}

/* Texts are not NUL-terminated: nothing after n is read. */
static void test_bounds(void **state)
{
	(void)state;
	const char *s = "voir https://ex.fr/abc et la suite";
	linkify_t lk;
	linkify_match_t m;
	linkify_init(&lk, s, 13); /* "voir https://" */
	assert_false(linkify_next(&lk, &m));
	linkify_init(&lk, s, 15); /* "voir https://ex": a host of one label, with a scheme */
	assert_true(linkify_next(&lk, &m));
	assert_int_equal(m.end, 15);
	linkify_init(&lk, s, 20); /* "voir https://ex.fr/a" */
	assert_true(linkify_next(&lk, &m));
	assert_int_equal(m.start, 5);
	assert_int_equal(m.end, 20);
	assert_false(linkify_next(&lk, &m));
	linkify_init(&lk, s, 0);
	assert_false(linkify_next(&lk, &m));
	assert_false(linkify_pretest(s, 4)); /* "voir" */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schemes),
		cmocka_unit_test(test_sentence_end),
		cmocka_unit_test(test_brackets_and_quotes),
		cmocka_unit_test(test_fuzzy_hosts),
		cmocka_unit_test(test_emails),
		cmocka_unit_test(test_not_links),
		cmocka_unit_test(test_inline_rule),
		cmocka_unit_test(test_pretest),
		cmocka_unit_test(test_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
