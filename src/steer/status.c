/* status: names, parsing and credits of the assessment statuses. */
#include "steer/status.h"

#include <string.h>

#include "steer/input.h"
#include "util/buf.h"
#include "util/fold.h"
#include "util/suggest.h"

static const char *const names[STATUS_COUNT] = {
	"non évaluée", "non concernée", "non engagée", "planifiée", "en cours", "réalisée",
};

/* fold_key of each name. */
static const char *const folded[STATUS_COUNT] = {
	"non evaluee", "non concernee", "non engagee", "planifiee", "en cours", "realisee",
};

const char *status_name(status_t s)
{
	return (unsigned)s < STATUS_COUNT ? names[s] : "?";
}

int status_from_name(const char *name)
{
	for (int i = 0; i < STATUS_COUNT; i++)
		if (name && strcmp(name, names[i]) == 0)
			return i;
	return -1;
}

int status_parse(const char *input, const char **suggestion)
{
	buf_t key = BUF_INIT;
	int found = -1;
	*suggestion = NULL;
	fold_key(input, &key);
	for (int i = 0; i < STATUS_COUNT; i++)
		if (strcmp(buf_cstr(&key), folded[i]) == 0)
			found = i;
	if (found < 0 && key.len) {
		const char *best = suggest_closest(buf_cstr(&key), folded, STATUS_COUNT);
		for (int i = 0; best && i < STATUS_COUNT; i++)
			if (best == folded[i])
				*suggestion = names[i];
	}
	buf_free(&key);
	return found;
}

const char *status_list_text(void)
{
	return "non évaluée, non concernée, non engagée, planifiée, en cours, réalisée";
}

unsigned status_credit_half(status_t s)
{
	return s == STATUS_DONE ? 2 : s == STATUS_IN_PROGRESS ? 1 : 0;
}

bool status_applicable(status_t s)
{
	return s != STATUS_NOT_APPLICABLE;
}

int status_rank(status_t s)
{
	switch (s) {
	case STATUS_PLANNED: return 1;
	case STATUS_IN_PROGRESS: return 2;
	case STATUS_DONE: return 3;
	case STATUS_NOT_APPLICABLE: return -1;
	default: return 0;
	}
}
