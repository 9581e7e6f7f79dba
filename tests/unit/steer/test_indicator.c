/* Tests for steer/indicator and steer/input: type inference on every
 * example indicator of the real guide against the table in
 * indicator_types.tsv, inference on typical wordings, value validation by
 * type, and the typed-input parsers (fold, dates, periods, numbers, URLs). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guide/guide.h"
#include "steer/indicator.h"
#include "steer/input.h"
#include "testdata.h"
#include "util/fold.h"
#include "util/fs.h"

/* The table sits next to this file; tests run from the repository root. */
static const char *table_path(void)
{
	static char path[512];
	const char *f = __FILE__, *slash = strrchr(f, '/');
	snprintf(path, sizeof path, "%.*sindicator_types.tsv", slash ? (int)(slash - f + 1) : 0, f);
	return path;
}

static void test_real_guide_every_indicator(void **state)
{
	(void)state;
	char corpus[4096];
	testdata_need(testdata_path(corpus, sizeof corpus, "corpus/gbpnr-v1"));
	diag_list_t d = DIAG_LIST_INIT;
	guide_t *g = guide_load(corpus, &d);
	if (!g)
		fail_msg("%s: %s", corpus, d.len ? d.items[0].msg : "cannot load the guide");
	buf_t tsv = BUF_INIT;
	assert_int_equal(fs_read_file(table_path(), 1 << 20, &tsv), 0);
	size_t rows = 0, checked = 0;
	char *save = NULL;
	for (char *line = strtok_r(tsv.ptr, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#' || !line[0])
			continue;
		char id[32], type[16], unit[64] = "";
		size_t idx;
		int n = sscanf(line, "%31[^\t]\t%zu\t%15[^\t]\t%63[^\n]", id, &idx, type, unit);
		assert_true(n >= 3);
		rows++;
		const guide_practice_t *p = NULL;
		for (size_t i = 0; i < g->npractices && !p; i++)
			if (strcmp(g->practices[i]->id, id) == 0)
				p = g->practices[i];
		if (!p || !p->indicators || idx >= p->indicators->u.list.len)
			fail_msg("table row %s %zu names no indicator of the guide", id, idx);
		const char *wording = value_str(p->indicators->u.list.items[idx]);
		buf_t u = BUF_INIT;
		ind_type_t t = indicator_infer(wording, &u);
		if (strcmp(indicator_type_name(t), type) != 0 || strcmp(buf_cstr(&u), unit) != 0)
			fail_msg("%s #%zu \"%s\": inferred %s [%s], expected %s [%s]", id, idx, wording,
				 indicator_type_name(t), buf_cstr(&u), type, unit);
		buf_free(&u);
		checked++;
	}
	/* The table covers every indicator of the guide, no more, no less. */
	size_t total = 0;
	for (size_t i = 0; i < g->npractices; i++)
		total += g->practices[i]->indicators ? g->practices[i]->indicators->u.list.len : 0;
	assert_int_equal(rows, total);
	assert_int_equal(checked, 134);
	buf_free(&tsv);
	guide_free(g);
	diag_list_free(&d);
}

static void infer(const char *wording, ind_type_t want, const char *unit)
{
	buf_t u = BUF_INIT;
	ind_type_t t = indicator_infer(wording, &u);
	if (t != want || strcmp(buf_cstr(&u), unit) != 0)
		fail_msg("\"%s\": %s [%s], expected %s [%s]", wording, indicator_type_name(t), buf_cstr(&u),
			 indicator_type_name(want), unit);
	buf_free(&u);
}

static void test_infer_wordings(void **state)
{
	(void)state;
	infer("Charte signée : oui / non", IND_YESNO, "");
	infer("Charte signée ? OUI/NON", IND_YESNO, "");
	infer("Existence d'une politique", IND_YESNO, "");
	infer("% des agents formés", IND_PERCENT, "");
	infer("Pourcentage de PC reconditionnés", IND_PERCENT, "");
	infer("Part des achats responsables (%)", IND_PERCENT, "");
	infer("Taux de recyclage", IND_PERCENT, "");
	infer("Nombre de serveurs", IND_QUANTITY, "");
	infer("Quantité de papier", IND_QUANTITY, "");
	infer("Empreinte carbone en kg eqCO2", IND_QUANTITY, "kg eqCO2");
	infer("Consommation électrique des serveurs (kWh)", IND_QUANTITY, "kWh");
	infer("Stockage (en To)", IND_QUANTITY, "To");
	infer("Gains en t eqCO2 et en kg eq Sb", IND_TEXT, ""); /* two units: two values */
	infer("Description de la gouvernance", IND_TEXT, "");
	infer("", IND_TEXT, "");
	assert_int_equal(indicator_type_parse("oui / non"), IND_YESNO);
	assert_int_equal(indicator_type_parse("Quantité"), IND_QUANTITY);
	assert_int_equal(indicator_type_parse("%"), IND_PERCENT);
	assert_int_equal(indicator_type_parse("texte"), IND_TEXT);
	assert_int_equal(indicator_type_parse("date"), -1);
}

static void value_ok(ind_type_t t, const char *unit, const char *in, const char *want)
{
	buf_t c = BUF_INIT;
	const char *why = indicator_check_value(t, unit, in, &c);
	if (why || strcmp(buf_cstr(&c), want) != 0)
		fail_msg("'%s' as %s: %s '%s', expected '%s'", in, indicator_type_name(t), why ? why : "ok",
			 buf_cstr(&c), want);
	buf_free(&c);
}

static void value_bad(ind_type_t t, const char *unit, const char *in)
{
	buf_t c = BUF_INIT;
	if (!indicator_check_value(t, unit, in, &c))
		fail_msg("'%s' as %s was accepted as '%s'", in, indicator_type_name(t), buf_cstr(&c));
	buf_free(&c);
}

static void test_values(void **state)
{
	(void)state;
	const char *yes[] = {"oui", "OUI", "Oui", "yes", "true", "1", "vrai"};
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
		value_ok(IND_YESNO, "", yes[i], "oui");
	const char *no[] = {"non", "No", "false", "0", "FAUX"};
	for (size_t i = 0; i < sizeof no / sizeof *no; i++)
		value_ok(IND_YESNO, "", no[i], "non");
	value_bad(IND_YESNO, "", "peut-être");
	value_bad(IND_YESNO, "", "");
	value_ok(IND_PERCENT, "", "42", "42");
	value_ok(IND_PERCENT, "", "42,5", "42.5");
	value_ok(IND_PERCENT, "", "42,50 %", "42.5");
	value_ok(IND_PERCENT, "", "100", "100");
	value_ok(IND_PERCENT, "", "0", "0");
	value_ok(IND_PERCENT, "", "007", "7");
	value_bad(IND_PERCENT, "", "100,01");
	value_bad(IND_PERCENT, "", "-1");
	value_bad(IND_PERCENT, "", "142");
	value_bad(IND_PERCENT, "", "beaucoup");
	value_ok(IND_QUANTITY, "kWh", "12 500", "12500");
	value_ok(IND_QUANTITY, "kWh", "12\xc2\xa0" "500,25 kWh", "12500.25");
	/* A unit that starts like a number comes off only after a space. */
	value_ok(IND_QUANTITY, "0", "100", "100");
	value_ok(IND_QUANTITY, "0", "100 0", "100");
	value_ok(IND_QUANTITY, "2 roues", "12 2 roues", "12");
	value_ok(IND_QUANTITY, "m2", "12m2", "12");
	value_ok(IND_QUANTITY, "", "-3.0", "-3");
	value_ok(IND_QUANTITY, "", "−3", "-3"); /* U+2212 */
	value_ok(IND_QUANTITY, "", "-0", "0");
	value_bad(IND_QUANTITY, "kWh", "12 MWh");
	value_bad(IND_QUANTITY, "", "1,2,3");
	value_bad(IND_QUANTITY, "", "1 2");
	value_bad(IND_QUANTITY, "", ",5");
	value_bad(IND_QUANTITY, "", "5,");
	value_bad(IND_QUANTITY, "", "1e5");
	/* INPUT_MAX_NUMBER: 40 digits are a number, 41 are refused as such. */
	const char *forty = "1234567890123456789012345678901234567890";
	value_ok(IND_QUANTITY, "kWh", forty, forty);
	value_ok(IND_PERCENT, "", "0000000000000000000000000000000000000042", "42");
	buf_t c = BUF_INIT;
	char fortyone[64];
	snprintf(fortyone, sizeof fortyone, "%s1 kWh", forty);
	assert_string_equal(indicator_check_value(IND_QUANTITY, "kWh", fortyone, &c), "has more than 40 digits");
	assert_string_equal(indicator_check_value(IND_PERCENT, "", "00000000000000000000000000000000000000042 %", &c),
			    "has more than 40 digits");
	assert_string_equal(indicator_check_value(IND_QUANTITY, "", "12 MWh", &c), "is not a number (e.g. 1250 or 12,5)");
	buf_free(&c);
	value_ok(IND_TEXT, "", "  mis en place  ", "mis en place");
	value_bad(IND_TEXT, "", "   ");
	value_bad(IND_TEXT, "", "bad\x01");
}

static void test_input(void **state)
{
	(void)state;
	char iso[11];
	assert_int_equal(input_digits("2026", 4), 2026);
	assert_int_equal(input_digits("07x", 2), 7);
	assert_int_equal(input_digits("0x", 2), -1);
	assert_int_equal(input_digits("1", 2), -1); /* the end of the string is not a digit */
	assert_int_equal(input_digits("-1", 2), -1);
	assert_int_equal(input_digits(" 12", 3), -1);
	assert_true(input_date("2026-02-28", iso));
	assert_string_equal(iso, "2026-02-28");
	assert_true(input_date("29/02/2024", iso));
	assert_string_equal(iso, "2024-02-29");
	assert_false(input_date("2026-02-29", iso));
	assert_false(input_date("2026-13-01", iso));
	assert_false(input_date("2026-1-01", iso));
	assert_false(input_date("demain", iso));
	input_period_t p;
	assert_true(input_period("2026-T1", &p));
	assert_string_equal(p.start, "2026-01-01");
	assert_string_equal(p.end, "2026-03-31");
	assert_true(input_period("2026-q4", &p));
	assert_string_equal(p.text, "2026-T4");
	assert_string_equal(p.end, "2026-12-31");
	assert_true(input_period("2024-02", &p));
	assert_string_equal(p.end, "2024-02-29");
	assert_true(input_period("2026", &p));
	assert_string_equal(p.start, "2026-01-01");
	assert_true(input_period("15/03/2026", &p));
	assert_string_equal(p.text, "2026-03-15");
	assert_false(input_period("2026-T5", &p));
	assert_false(input_period("2026-00", &p));
	assert_false(input_period("T1 2026", &p));
	char since[11], label[11];
	indicator_due_since("2026-02-10", since, label);
	assert_string_equal(since, "2025-10-01");
	assert_string_equal(label, "2025-T4");
	indicator_due_since("2026-12-31", since, label);
	assert_string_equal(label, "2026-T3");
	buf_t f = BUF_INIT;
	fold_key("  Réalisée  ŒUVRE d’art\xc2\xa0-x ", &f);
	assert_string_equal(buf_cstr(&f), "realisee oeuvre d'art x");
	buf_free(&f);
	assert_true(fold_equal("Direction Générale", "direction generale"));
	/* decomposed letters (e + U+0301) lose their accent like composed ones */
	assert_true(fold_equal("Direction ge\xCC\x81ne\xCC\x81rale", "direction generale"));
	assert_true(fold_equal("RE\xCC\x81" "ALISE\xCC\x81" "E", "realisee"));
	/* marks stacked on a letter whose accent goes go too, so that the key
	 * of a key is the key (é + U+0301 would compose back into é) */
	buf_reset(&f);
	fold_key("\xC3\xA9\xCC\x81t\xC3\xA9 \xC5\x93\xCC\x81", &f);
	assert_string_equal(buf_cstr(&f), "ete oe");
	buf_free(&f);
	/* capitals beyond Latin-1 fold too */
	assert_true(fold_equal("\xCE\xA3\xCE\x9F\xCE\xA6\xCE\x99\xCE\x91", "\xCF\x83\xCE\xBF\xCF\x86\xCE\xB9\xCE\xB1"));
	assert_true(input_url("https://example.org/a?b#c"));
	assert_true(input_url("http://intranet/doc"));
	assert_false(input_url("ftp://example.org/"));
	assert_false(input_url("https://"));
	assert_false(input_url("https:///path"));
	assert_false(input_url("https://exa mple.org/"));
	assert_false(input_url("javascript:alert(1)"));
	assert_true(input_email("prenom.nom@example.fr"));
	assert_false(input_email("prenom@"));
	assert_false(input_email("a@b"));
	assert_null(input_text_problem("ok", INPUT_MAX_NAME, false));
	assert_non_null(input_text_problem("a\nb", INPUT_MAX_NAME, false));
	assert_null(input_text_problem("a\nb", INPUT_MAX_TEXT, true));
	assert_non_null(input_text_problem("\xff", INPUT_MAX_TEXT, true));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_guide_every_indicator),
		cmocka_unit_test(test_infer_wordings),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
