/* input: parsing and validating what people type into the steering side
 * (command line, CSV cells, web forms): dates,
 * measurement periods, numbers with a French decimal comma, URLs, e-mail
 * addresses and free-text limits. Pure functions, no database. */
#ifndef SOBRE_INPUT_H
#define SOBRE_INPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/* Free-text limits. They bound what one field can put into the database,
 * the report and the spreadsheet exports (a pasted document is a mistake). */
#define INPUT_MAX_NAME 200     /* pilot, owner, indicator unit, source, snapshot name */
#define INPUT_MAX_TEXT 4000    /* comment, indicator name, text measurement */
#define INPUT_MAX_URL 2048     /* evidence links: what browsers reliably accept */
#define INPUT_MAX_NUMBER 40    /* digits in a number, both sides of the separator */
/* Bytes for the canonical form of any number input_number accepts: a sign,
 * the digits, a '.' and the NUL. */
#define INPUT_NUMBER_CAP (INPUT_MAX_NUMBER + 3)

/* The number written by the n (at most 9) ASCII digits at s; -1 if any of
 * them is not a digit (the end of the string included). */
int input_digits(const char *s, int n);

/* A whole number written with digits only (no sign, no space, not empty),
 * from min to max: what a count typed in an option or a form must be
 * ("+5", " 5", "" and numbers past LONG_MAX are refused). */
bool input_whole(const char *s, long min, long max, long *out);

/* A calendar date, "YYYY-MM-DD" or the French "DD/MM/YYYY", written to out
 * as "YYYY-MM-DD". Years 1900-9999. */
bool input_date(const char *s, char out[11]);

/* A measurement period: a day (2026-03-15, or 15/03/2026), a month
 * (2026-03), a quarter (2026-T1; 2026-Q1 is accepted) or a year (2026).
 * text is the canonical spelling, start and end the first and last day. */
typedef struct {
	char text[11];
	char start[11];
	char end[11];
} input_period_t;
bool input_period(const char *s, input_period_t *p);
/* The calendar quarter containing date ("2026-02-10" -> 2026-T1), and the
 * one before it. */
void input_quarter_of(const char *date, input_period_t *p);
void input_previous_quarter(const input_period_t *q, input_period_t *p);

/* A decimal number: optional sign, digits with optional groups separated by
 * spaces or no-break spaces ("12 500"), one '.' or ',' decimal separator.
 * Writes the canonical form ("-1234.5": no grouping, '.' separator, no
 * leading or trailing zeros) to canon (INPUT_NUMBER_CAP bytes are enough)
 * and its value to *value (may be NULL). */
bool input_number(const char *s, char *canon, size_t cap, double *value);

/* Means: a budget in euros or staff time in person-days, kept as whole
 * hundredths (cents, hundredths of a day) so that totals are exact. A
 * non-negative number as input_number reads it ("12 500,50", "3.5"), with
 * at most two decimals, optionally followed by suffix (e.g. "€", "j"; NULL:
 * none), at most max hundredths. Returns NULL and *out, or why not. */
const char *input_hundredths(const char *s, const char *suffix, long long max, long long *out);
/* Hundredths written back: canonical ("1200.5", "3": what the database's
 * history and JSON carry), or French ("1 200,50" with money's two
 * decimals, "3,5" otherwise; groups with U+202F). */
void input_hundredths_text(long long v, buf_t *out);
/* The means' bounds: a hundred billion euros, a million person-days; more
 * is a typo (a budget typed in cents, a date pasted in a number). */
#define INPUT_MAX_BUDGET_CENTS 10000000000000LL
#define INPUT_MAX_STAFF_HUNDREDTHS 100000000LL
/* input_hundredths for a budget ("€" or "EUR" may follow) and for staff
 * time ("j" or "jours" may follow), within the bounds above. */
const char *input_budget(const char *s, long long *cents);
const char *input_staff(const char *s, long long *hundredths);
void input_hundredths_fr(long long v, bool money, buf_t *out);
/* The hundredths a canonical text (input_hundredths_text's) stands for;
 * -1 for NULL (unset). */
long long input_hundredths_of(const char *canon);

/* An absolute http or https URL with a host, no spaces or control
 * characters, at most INPUT_MAX_URL bytes. */
bool input_url(const char *s);
/* local@domain.tld with no spaces. */
bool input_email(const char *s);

/* Checks a free-text field: valid UTF-8, at most max bytes, no control
 * characters (newlines and tabs allowed when multiline). Returns NULL when
 * fine, else why not ("is longer than 200 characters"). */
const char *input_text_problem(const char *s, size_t max, bool multiline);

/* s without leading and trailing white space, as a new string. Caller frees. */
char *input_trim(const char *s);

#endif
