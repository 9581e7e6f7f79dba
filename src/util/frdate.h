/* frdate: instants and days as French readers write them, in the time of
 * metropolitan France (Europe/Paris: UTC+1, UTC+2 from the last Sunday of
 * March to the last Sunday of October at 01:00 UTC, the European Union's
 * rule since 1996), whatever the server's own time zone: "6 décembre 2026
 * à 23 h 25", "6 mars 2027". Pure functions, safe on any thread (no TZ
 * variable, no tzset). */
#ifndef SOBRE_FRDATE_H
#define SOBRE_FRDATE_H

#include <stdbool.h>
#include <time.h>

#include "util/buf.h"

/* "janvier" for 0 ... "décembre" for 11; "" out of range. */
const char *frdate_month(int month);

/* The offset of Paris time from UTC at instant t, in seconds. */
long frdate_paris_offset(time_t t);

/* "6 mars 2027": the day of instant t in Paris. */
void frdate_day(time_t t, buf_t *out);

/* "1er mars 2026" for a day written "YYYY-MM-DD", or the day of an
 * instant written "YYYY-MM-DDT..." as it is written (not moved to Paris
 * time); any other text (NULL: none) appended as it is. */
void frdate_date(const char *iso, buf_t *out);

/* "6 décembre 2026 à 23 h 25" for an instant written
 * "YYYY-MM-DDTHH:MM:SSZ" (as sobre stores them). False, and nothing
 * appended, when iso is not of that form. */
bool frdate_instant(const char *iso, buf_t *out);

#endif
