/* frdate: see frdate.h. The rule is computed rather than read from the
 * system's zone files: glibc offers no per-call time zone, and changing TZ
 * under a multi-threaded server is unsafe. */
#include "util/frdate.h"

#include <string.h>

static const char *const months[] = {"janvier", "février", "mars",	"avril",   "mai",	  "juin",
				     "juillet", "août",	   "septembre", "octobre", "novembre", "décembre"};

const char *frdate_month(int month)
{
	return month >= 0 && month < 12 ? months[month] : "";
}

/* 01:00 UTC on the last Sunday of month (0-based) of year. */
static time_t last_sunday_1am(int year, int month)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = year - 1900;
	tm.tm_mon = month;
	tm.tm_mday = 31; /* March and October both have 31 days */
	tm.tm_hour = 1;
	time_t t = timegm(&tm);
	struct tm back;
	gmtime_r(&t, &back);
	return t - (time_t)back.tm_wday * 86400;
}

long frdate_paris_offset(time_t t)
{
	struct tm tm;
	if (!gmtime_r(&t, &tm))
		return 3600;
	int year = tm.tm_year + 1900;
	return t >= last_sunday_1am(year, 2) && t < last_sunday_1am(year, 9) ? 7200 : 3600;
}

/* The broken-down time of t in Paris; false when out of range. */
static bool paris(time_t t, struct tm *out)
{
	time_t local = t + (time_t)frdate_paris_offset(t);
	return gmtime_r(&local, out) != NULL;
}

void frdate_day(time_t t, buf_t *out)
{
	struct tm tm;
	if (paris(t, &tm))
		buf_printf(out, "%d %s %d", tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900);
}

/* The n digits at s as a number, or -1. */
static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

void frdate_date(const char *iso, buf_t *out)
{
	int y = -1, m = -1, d = -1;
	size_t n = iso ? strlen(iso) : 0;
	if (n >= 10 && iso[4] == '-' && iso[7] == '-' && (n == 10 || iso[10] == 'T')) {
		y = digits(iso, 4);
		m = digits(iso + 5, 2);
		d = digits(iso + 8, 2);
	}
	if (y >= 0 && m >= 1 && m <= 12 && d >= 1 && d <= 31)
		buf_printf(out, "%d%s %s %d", d, d == 1 ? "er" : "", months[m - 1], y);
	else if (iso)
		buf_puts(out, iso);
}

bool frdate_instant(const char *iso, buf_t *out)
{
	/* Exactly "YYYY-MM-DDTHH:MM:SSZ", the form sobre stores. */
	if (!iso || strlen(iso) != 20 || iso[4] != '-' || iso[7] != '-' || iso[10] != 'T' || iso[13] != ':' ||
	    iso[16] != ':' || iso[19] != 'Z')
		return false;
	int y = digits(iso, 4), mo = digits(iso + 5, 2), d = digits(iso + 8, 2), h = digits(iso + 11, 2),
	    mi = digits(iso + 14, 2), s = digits(iso + 17, 2);
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60)
		return false;
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	struct tm local;
	if (!paris(timegm(&tm), &local))
		return false;
	buf_printf(out, "%d %s %d à %d h %02d", local.tm_mday, months[local.tm_mon], local.tm_year + 1900,
		   local.tm_hour, local.tm_min);
	return true;
}
