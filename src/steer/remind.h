/* remind: who gets which e-mail reminder, and its French text, without
 * I/O. The digest of a person lists, over the practices they pilot (their
 * pilot functions, user_function) or own (the practice's owner is their
 * e-mail), in every perimeter their role covers: the overdue actions and
 * those due within 1, 7 and 30 days (plan_build's rules), and the
 * indicators still waiting for last quarter's value (indicator_list's
 * "due"). The assignment messages come from the outbox the schema's
 * triggers fill when a practice gets a pilot or an owner. What was sent is
 * claimed in the database (reminder_sent, assignment_sent) before sending,
 * so that no run, restart or second process sends it again; the opt-out
 * (user.digest) and the one-click unsubscribe token are here too. */
#ifndef SOBRE_REMIND_H
#define SOBRE_REMIND_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "steer/store.h"
#include "util/buf.h"
#include "util/diag.h"

/* Items listed in one digest: past this, the message says how many more
 * there are and links to the plan (a person piloting a whole guide would
 * otherwise get a message of thousands of lines). */
#define REMIND_MAX_ITEMS 50
/* Messages one run sends: a mistake in the settings (everyone made owner
 * of everything) must not flood the mail server; the rest goes next run. */
#define REMIND_MAX_MESSAGES 1000

typedef enum { REMIND_OFF, REMIND_DAILY, REMIND_WEEKLY, REMIND_MONTHLY } remind_period_t;

/* "off", "daily", "weekly", "monthly"; -1 for anything else. */
int remind_period_parse(const char *s);
/* The key of the period now falls in (local time), as recorded:
 * "daily 2026-05-02", "weekly 2026-W18" (ISO week), "monthly 2026-05". */
void remind_period_key(remind_period_t p, time_t now, char out[32]);

typedef enum {
	REMIND_OVERDUE,   /* target date passed, not réalisée */
	REMIND_DUE_1,     /* due today or tomorrow */
	REMIND_DUE_7,     /* within 7 days */
	REMIND_DUE_30,    /* within 30 days */
	REMIND_INDICATOR, /* no value for last quarter */
	REMIND_NKINDS
} remind_kind_t;

typedef struct {
	remind_kind_t kind;
	char *idbp, *title;
	char *due;       /* the target date (actions), else NULL */
	char *indicator; /* the indicator's name (REMIND_INDICATOR), else NULL */
	char *perimeter; /* the perimeter's name, NULL for the root */
	char *path;      /* the page in the web app: "/pilotage/pratiques/b.1?perimetre=..." */
} remind_item_t;

typedef struct {
	long long user_id;
	char *email, *token; /* token: the unsubscribe link's secret */
	remind_item_t *items; /* by kind, then perimeter, then plan order */
	size_t len;
	char quarter[11]; /* the quarter indicators wait for ("2026-T1") */
} remind_digest_t;

typedef struct {
	remind_digest_t *items; /* by user id */
	size_t len;
} remind_digests_t;

/* The digests of period (a remind_period_key) not yet claimed, for the
 * users who have not turned them off, each with at least one item; people
 * with nothing due are left out. The store's scope is changed (it walks
 * every perimeter and référentiel). Needs a transaction. */
steer_rc remind_digests(store_t *s, const char *period, remind_digests_t *out, diag_list_t *d);
void remind_digests_free(remind_digests_t *l);

typedef struct {
	long long assignment_id, user_id;
	char *email, *token;
	bool pilot;      /* pilot (true) or owner */
	char *name;      /* the pilot function, or the owner as typed */
	char *idbp, *title, *perimeter, *path;
} remind_assignment_t;

typedef struct {
	remind_assignment_t *items; /* by assignment, then user */
	size_t len;
	long long last; /* the newest assignment seen: remind_assignments_done's bound */
} remind_assignments_t;

/* The assignments not yet announced to each person they concern: users
 * whose pilot functions include the practice's new pilot, or whose e-mail
 * is its new owner, whose role covers the practice's perimeter, who have
 * not turned reminders off, without a claim yet. Needs a transaction. */
steer_rc remind_assignments(store_t *s, remind_assignments_t *out, diag_list_t *d);
void remind_assignments_free(remind_assignments_t *l);
/* Marks the assignments up to l->last done, except those in failed (ids,
 * n of them): they are retried next run. */
steer_rc remind_assignments_done(store_t *s, const remind_assignments_t *l, const long long *failed, size_t n,
				 diag_list_t *d);

/* Claims (true in *claimed) the digest of period for user, or finds it
 * claimed already (false: another run sent it). Needs a write
 * transaction; commit before sending. */
steer_rc remind_claim_digest(store_t *s, long long user, const char *period, bool *claimed, diag_list_t *d);
/* Gives a claim back after the send failed, so that next run retries. */
steer_rc remind_release_digest(store_t *s, long long user, const char *period, diag_list_t *d);
steer_rc remind_claim_assignment(store_t *s, long long assignment, long long user, bool *claimed, diag_list_t *d);
steer_rc remind_release_assignment(store_t *s, long long assignment, long long user, diag_list_t *d);

/* The French texts of a digest and of an assignment message: subject,
 * plain text and HTML (user text escaped), links under base_url (no
 * trailing slash), and the unsubscribe and account links. */
typedef struct {
	buf_t subject, text, html, unsubscribe;
} remind_text_t;
void remind_text_free(remind_text_t *t);
void remind_compose_digest(const remind_digest_t *g, const char *base_url, remind_text_t *out);
void remind_compose_assignment(const remind_assignment_t *a, const char *base_url, remind_text_t *out);

/* Whether the user receives reminders. */
steer_rc remind_get_digest(store_t *s, const char *email, bool *on, diag_list_t *d);
/* Turns the user's reminders on or off (logged in the history). */
steer_rc remind_set_digest(store_t *s, const char *email, bool on, diag_list_t *d);
/* The one-click unsubscribe: turns off the reminders of the user whose
 * token it is; *email (may be NULL) gets theirs (caller frees), NULL and
 * *found false for an unknown token. */
steer_rc remind_unsubscribe(store_t *s, const char *token, bool apply, bool *found, char **email, diag_list_t *d);

#endif
