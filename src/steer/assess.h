/* assess: the assessment of each practice (status, pilot function, owner,
 * target date, comment, evidence links), its validation, the refusal of a
 * change made from a stale read (the practice's row version), and reading
 * a practice back with its history. Every change is logged field by
 * field. */
#ifndef SOBRE_ASSESS_H
#define SOBRE_ASSESS_H

#include <stdbool.h>
#include <stddef.h>

#include "steer/status.h"
#include "steer/store.h"
#include "util/diag.h"

/* A practice holds at most this many evidence links: more is a pasted
 * list, better kept in one linked document. */
#define ASSESS_MAX_EVIDENCE 50

/* What to change; NULL members stay as they are, "" clears an optional one.
 * status is typed input: any case, accents optional ("realisee"). */
typedef struct {
	const char *status;
	const char *pilot;  /* one of the guide's who values (any case), or a custom one */
	bool custom_pilot;  /* keep a pilot that looks like a typo of a known one */
	const char *owner;  /* a name or an e-mail address */
	const char *due;    /* YYYY-MM-DD or DD/MM/YYYY */
	const char *comment;
	const char *budget; /* euros, French or dot decimal (input_budget) */
	const char *staff;  /* person-days (input_staff) */
	const char *const *add_evidence; /* http(s) URLs */
	size_t nadd;
	const char *const *remove_evidence;
	size_t nremove;
	/* With check_version, the change is refused unless the practice is
	 * still at row version if_version (assessment_t.version): it was
	 * prepared from a page or a read that a later save made stale. */
	bool check_version;
	long long if_version;
} assess_change_t;

/* The rule of the refusal of a stale change: the practice's version, who
 * changed it last and when. */
#define ASSESS_STALE_RULE "stale-version"

/* A means field as typed (a budget when money, else staff time; NULL:
 * unchanged; "" or white space: cleared) into *field, its canonical text
 * (input_hundredths_text), replacing what it held. false when refused:
 * the refusal is in d (bad-budget, bad-staff). Objectives share it. */
bool assess_means(const char *typed, bool money, char **field, diag_list_t *d);

/* Applies c to practice idbp; *changed (may be NULL) gets the number of
 * fields that changed (0: it already was so). "non concernée" requires a
 * comment (the justification), given now or already there. A stale change
 * (see check_version) is refused before anything else is checked. */
steer_rc assess_set(store_t *s, const char *idbp, const assess_change_t *c, size_t *changed, diag_list_t *d);
/* Whether d holds the refusal of a stale change (ASSESS_STALE_RULE). */
bool assess_is_stale(const diag_list_t *d);

typedef struct {
	char *at, *actor, *idbp, *field, *old_value, *new_value;
} history_entry_t;

typedef struct {
	history_entry_t *items;
	size_t len;
} history_list_t;

/* The history of practice idbp (NULL: of the whole database), oldest first,
 * the last `limit` entries (0: all). */
steer_rc assess_history(store_t *s, const char *idbp, size_t limit, history_list_t *out, diag_list_t *d);
void history_list_free(history_list_t *l);

typedef struct {
	char *idbp, *title, *theme_id, *theme_title, *priority, *difficulty;
	char **who;
	size_t nwho;
	char *guide_version;   /* of the copy shown */
	bool is_new;           /* added by the current guide version (not in the first one) */
	bool archived;
	char *archived_in;     /* version that removed it */
	const profile_t *profile; /* its référentiel's (borrowed from the store) */
	status_t status;
	char *pilot, *owner, *due, *comment, *updated_at, *updated_by; /* NULL when unset */
	long long budget, staff; /* means: cents, hundredths of a person-day; -1 when unset */
	long long version;     /* row version: moves with every saved change of the assessment or its evidence */
	char *sections;        /* the item's text sections, a JSON array of {key, title, text} ("[]" for the GBPNR) */
	char *applicability;   /* the item's cible as written, "" when none */
	bool always_applicable; /* "not applicable" is refused */
	bool review;           /* "à revoir": its wording changed in an upgrade since the assessment was last saved */
	char *reviewed_title;  /* with review: the title it was saved against */
	bool overdue;          /* due date passed and not réalisée / non concernée */
	char **evidence;
	size_t nevidence;
	history_list_t history;
} assessment_t;

/* Practice idbp (archived ones too) with its assessment and its last
 * history_limit history entries (0: all). */
steer_rc assess_get(store_t *s, const char *idbp, size_t history_limit, assessment_t *out, diag_list_t *d);
void assessment_free(assessment_t *a);

#endif
