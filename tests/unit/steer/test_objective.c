/* Tests for steer/objective's trajectory rule (objective_evaluate, no
 * database) on hand-computed cases, and its number text. The database side
 * is the golden case steer/objective-trajectory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "steer/objective.h"

/* Today 2026-11-20: the last completed quarter starts 2026-07-01. */
static objective_input_t base(ind_type_t t, const char *baseline, const char *bdate, const char *target,
			      const char *deadline, const char *latest, const char *ldate)
{
	objective_input_t in = {
		.type = t,
		.baseline = baseline,
		.baseline_date = bdate,
		.target = target,
		.deadline = deadline,
		.latest = latest,
		.latest_date = ldate,
		.today = "2026-11-20",
		.recent_since = "2026-07-01",
	};
	return in;
}

static objective_eval_t eval(objective_input_t in)
{
	objective_eval_t e;
	objective_evaluate(&in, &e);
	return e;
}

static void test_numbers(void **state)
{
	(void)state;
	/* 40 on 2025-12-31 to 90 on 2027-12-31 (730 days); on 2026-09-30 (day
	 * 273): 40 + 50 x 273 / 730 = 58.699 -> 58.70. */
	objective_eval_t e = eval(base(IND_PERCENT, "40", "2025-12-31", "90", "2027-12-31", "70", "2026-09-30"));
	assert_int_equal(e.state, OBJ_ON_TRACK);
	assert_true(e.has_expected);
	assert_true(fabs(e.expected - 58.70) < 1e-9);
	assert_true(fabs(e.progress - 0.6) < 1e-9);
	e = eval(base(IND_PERCENT, "40", "2025-12-31", "90", "2027-12-31", "55", "2026-09-30"));
	assert_int_equal(e.state, OBJ_LATE);
	assert_true(fabs(e.gap - 3.70) < 1e-9);
	/* Exactly on the baseline: the trajectory starts there. */
	e = eval(base(IND_QUANTITY, "1000", "2026-09-30", "800", "2027-12-31", "1000", "2026-09-30"));
	assert_int_equal(e.state, OBJ_ON_TRACK);
	assert_true(fabs(e.expected - 1000) < 1e-9);
	assert_true(e.progress == 0);
	/* Before the baseline: flat at the baseline; downwards, 1050 is 50 behind. */
	e = eval(base(IND_QUANTITY, "1000", "2026-12-31", "900", "2028-12-31", "1050", "2026-09-30"));
	assert_int_equal(e.state, OBJ_LATE);
	assert_true(fabs(e.gap - 50) < 1e-9);
	/* After the deadline (passed today): the target itself. */
	e = eval(base(IND_PERCENT, "40", "2025-12-31", "80", "2026-06-30", "70", "2026-09-30"));
	assert_int_equal(e.state, OBJ_LATE);
	assert_true(fabs(e.expected - 80) < 1e-9);
	assert_true(fabs(e.gap - 10) < 1e-9);
	/* Reached, downwards and upwards, even with an old measurement. */
	assert_int_equal(eval(base(IND_QUANTITY, "1000", "2026-09-30", "1000", "2027-12-31", "1000", "2026-09-30")).state,
			 OBJ_REACHED);
	e = eval(base(IND_QUANTITY, "500", "2025-12-31", "300", "2028-12-31", "290", "2025-12-31"));
	assert_int_equal(e.state, OBJ_REACHED);
	assert_true(e.progress == 1);
	/* A target equal to the baseline reads the indicator's direction. */
	objective_input_t in = base(IND_QUANTITY, "100", "2025-12-31", "100", "2027-12-31", "101", "2026-09-30");
	in.direction = "down";
	assert_int_equal(eval(in).state, OBJ_LATE);
	in.direction = "up";
	assert_int_equal(eval(in).state, OBJ_REACHED);
	/* Not recent: before the last completed quarter. */
	assert_int_equal(eval(base(IND_QUANTITY, "500", "2025-12-31", "300", "2028-12-31", "450", "2026-06-30")).state,
			 OBJ_NO_DATA);
	/* No measurement at all. */
	assert_int_equal(eval(base(IND_QUANTITY, NULL, NULL, "300", "2028-12-31", NULL, NULL)).state, OBJ_NO_DATA);
	/* Moving away from the target: progress stays at 0. */
	e = eval(base(IND_QUANTITY, "1000", "2025-12-31", "800", "2027-12-31", "1100", "2026-09-30"));
	assert_int_equal(e.state, OBJ_LATE);
	assert_true(e.progress == 0);
}

static void test_yes_no(void **state)
{
	(void)state;
	assert_int_equal(eval(base(IND_YESNO, "non", "2026-09-30", "oui", "2027-06-30", "non", "2026-09-30")).state,
			 OBJ_ON_TRACK);
	assert_int_equal(eval(base(IND_YESNO, "non", "2026-09-30", "oui", "2026-09-30", "non", "2026-09-30")).state,
			 OBJ_LATE);
	objective_eval_t e = eval(base(IND_YESNO, "oui", "2026-09-30", "oui", "2027-06-30", "oui", "2026-09-30"));
	assert_int_equal(e.state, OBJ_REACHED);
	assert_false(e.has_expected);
	assert_int_equal(eval(base(IND_YESNO, "non", "2025-12-31", "oui", "2027-06-30", "non", "2025-12-31")).state,
			 OBJ_NO_DATA);
	/* Reached whatever the date. */
	assert_int_equal(eval(base(IND_YESNO, "non", "2025-12-31", "oui", "2025-06-30", "oui", "2025-12-31")).state,
			 OBJ_REACHED);
}

static void test_words(void **state)
{
	(void)state;
	assert_string_equal(objective_state_name(OBJ_REACHED), "atteint");
	assert_string_equal(objective_state_name(OBJ_ON_TRACK), "dans la trajectoire");
	assert_string_equal(objective_state_name(OBJ_LATE), "en retard");
	assert_string_equal(objective_state_name(OBJ_NO_DATA), "sans mesure récente");
	for (int i = 0; i < OBJ_NSTATES; i++)
		assert_int_equal(objective_state_parse(objective_state_name((objective_state_t)i)), i);
	assert_int_equal(objective_state_parse("atteinte"), -1);
	static const struct {
		double v;
		const char *text;
	} cases[] = {{58.699, "58.7"}, {3, "3"}, {-0.001, "0"}, {14.9745, "14.97"}, {-2.5, "-2.5"}, {1e6, "1000000"}};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		buf_t b = BUF_INIT;
		objective_number_text(cases[i].v, &b);
		assert_string_equal(buf_cstr(&b), cases[i].text);
		buf_free(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_yes_no),
		cmocka_unit_test(test_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
