/* status: a profile's statuses, seen by the steering code. */
#include "steer/status.h"

#include <string.h>

static bool valid(const profile_t *p, status_t s)
{
	return s >= 0 && (size_t)s < p->nstatuses;
}

const char *status_name(const profile_t *p, status_t s)
{
	return valid(p, s) ? p->statuses[s].name : "?";
}

int status_from_name(const profile_t *p, const char *name)
{
	for (size_t i = 0; name && i < p->nstatuses; i++)
		if (strcmp(name, p->statuses[i].name) == 0)
			return (int)i;
	return -1;
}

int status_parse(const profile_t *p, const char *input, const char **suggestion)
{
	return profile_status_parse(p, input, suggestion);
}

void status_list_text(const profile_t *p, buf_t *out)
{
	profile_status_list(p, out);
}

unsigned status_credit(const profile_t *p, status_t s)
{
	return valid(p, s) && p->statuses[s].kind == PROFILE_SCORED ? p->statuses[s].credit : 0;
}

bool status_applicable(const profile_t *p, status_t s)
{
	return !status_not_applicable(p, s);
}

bool status_not_applicable(const profile_t *p, status_t s)
{
	return valid(p, s) && p->statuses[s].kind == PROFILE_NOT_APPLICABLE;
}

bool status_done(const profile_t *p, status_t s)
{
	return status_credit(p, s) >= p->credit_den && p->credit_den > 0;
}

int status_rank(const profile_t *p, status_t s)
{
	return valid(p, s) ? p->statuses[s].rank : 0;
}

size_t status_display_order(const profile_t *p, status_t order[PROFILE_MAX_STATUSES])
{
	size_t n = 0;
	/* Scored statuses by rank, highest first; equal ranks latest first
	 * (the GBPNR lists non engagée before non évaluée). */
	for (size_t i = p->nstatuses; i-- > 0;) {
		if (p->statuses[i].kind != PROFILE_SCORED)
			continue;
		size_t k = n++;
		while (k > 0 && p->statuses[order[k - 1]].rank < p->statuses[i].rank) {
			order[k] = order[k - 1];
			k--;
		}
		order[k] = (status_t)i;
	}
	for (size_t i = 0; i < p->nstatuses; i++)
		if (p->statuses[i].kind == PROFILE_NOT_ASSESSED)
			order[n++] = (status_t)i;
	for (size_t i = 0; i < p->nstatuses; i++)
		if (p->statuses[i].kind == PROFILE_NOT_APPLICABLE)
			order[n++] = (status_t)i;
	return n;
}
