/* declaration: the RGESN eco-design declaration of a service (a perimeter
 * assessed against an RGESN référentiel). Owns the declaration and
 * declaration_criterion tables: the texts only a person can write (the
 * service's name and raison d'être, who evaluated it and when, the
 * strategy and its per-screen budgets, the sample and the tools, the
 * minimum configuration, the target score; per criterion, its declaration
 * text, its potential evolutions and the actions to carry out), each
 * change in the history. Gathers the declaration (those texts, the
 * assessment's statuses and comments, the score with its formula, the
 * plan's owners and due dates) and writes it as one printable HTML page
 * (themes/declaration, compiled in); its XLSX grid is steer/sheet's and its
 * JSON, the format RGESN tools exchange, steer/jsonout's. A scope whose
 * référentiel is not an RGESN is refused. */
#ifndef SOBRE_DECLARATION_H
#define SOBRE_DECLARATION_H

#include <stdbool.h>
#include <stddef.h>

#include "guide/profile.h"
#include "steer/plan.h"
#include "steer/score.h"
#include "steer/store.h"
#include "util/buf.h"
#include "util/diag.h"

/* The texts of the service, in the order the declaration shows them. */
typedef enum {
	DECL_NOM,                    /* the service's name (default: the perimeter's) */
	DECL_RAISON_ETRE,            /* its raison d'être, its users and their needs */
	DECL_DATE_EVALUATION,
	DECL_DATE_MISE_A_JOUR,
	DECL_ENTITE_EVALUATION,      /* who evaluated it: a team, a firm */
	DECL_RESPONSABLE_EVALUATION, /* the person */
	DECL_REFERENT,               /* the service's eco-design referent */
	DECL_STRATEGIE,              /* strategy and objectives */
	DECL_BUDGET_REQUETES,        /* at most this many requests per screen */
	DECL_BUDGET_POIDS,           /* at most this many KB per screen */
	DECL_ECHANTILLONS,           /* pages or user journeys evaluated, one per line */
	DECL_OUTILS,                 /* tools used */
	DECL_APPAREILS,              /* devices supported, their age or versions */
	DECL_CONNEXION,              /* minimum connection */
	DECL_LARGEUR_ECRAN,          /* minimum screen width, in pixels */
	DECL_SCORE_CIBLE,            /* target score, in percent */
	DECL_DATE_CIBLE,             /* when the target should be reached */
	DECL_NFIELDS
} declaration_field_id_t;

/* A criterion's texts. */
typedef enum {
	DECL_TEXTE_DECLARATION,       /* what the declaration says of it */
	DECL_EVOLUTIONS_POTENTIELLES, /* evolutions considered */
	DECL_ACTIONS_A_MENER,         /* actions to carry out */
	DECL_NCRITERION_FIELDS
} declaration_criterion_field_id_t;

typedef enum {
	DECL_LINE,    /* one line of text, at most INPUT_MAX_NAME bytes */
	DECL_TEXT,    /* text with line breaks (Markdown), at most INPUT_MAX_TEXT bytes */
	DECL_DATE,    /* YYYY-MM-DD (DD/MM/YYYY accepted) */
	DECL_WHOLE,   /* a whole number from min to max */
	DECL_PERCENT, /* 0 to 100, at most one decimal */
} declaration_kind_t;

typedef struct {
	const char *key;   /* "budget_requetes": the CLI's FIELD, the form's name */
	const char *label; /* in French, as the form and the grid name it */
	const char *help;  /* in English, for --help */
	declaration_kind_t kind;
	long min, max;     /* DECL_WHOLE */
} declaration_field_t;

extern const declaration_field_t declaration_fields[DECL_NFIELDS];
extern const declaration_field_t declaration_criterion_fields[DECL_NCRITERION_FIELDS];

/* Index of the field named key (exact), or -1. */
int declaration_field(const char *key);
int declaration_criterion_field(const char *key);

/* Whether a référentiel with this profile has a declaration: the RGESN's
 * editions (profile ids rgesn-*). */
bool declaration_supported(const profile_t *p);
/* STEER_REFUSED (rule not-rgesn, naming the référentiel) unless the
 * scope's référentiel is an RGESN; STEER_REFUSED too before any import. */
steer_rc declaration_require(store_t *s, diag_list_t *d);

/* The canonical form of value for field f, one of the two tables above (a
 * date as YYYY-MM-DD, a number without grouping, text trimmed and without
 * CR), or a refusal (bad-date, bad-number, bad-score, bad-text: too long,
 * or control characters); "" (or white space) gives *out NULL: the field
 * is cleared. Pure: no database. The caller frees *out. */
steer_rc declaration_check(const declaration_field_t *f, const char *value, char **out, diag_list_t *d);

/* Sets the service's field named key to value ("" clears it), in the
 * scope; logged as "declaration KEY". *changed (may be NULL) says whether
 * it changed. Refuses an unknown field (with "did you mean"), a bad value
 * and a scope that is not an RGESN's. */
steer_rc declaration_set(store_t *s, const char *key, const char *value, bool *changed, diag_list_t *d);
/* Sets the text named key of criterion idbp (any case) the same way;
 * logged on the criterion. Refuses an unknown or archived criterion. */
steer_rc declaration_set_criterion(store_t *s, const char *idbp, const char *key, const char *value, bool *changed,
				   diag_list_t *d);

/* The evaluation of a status in the RGESN declaration's words: "Conforme"
 * (full credit), "Non applicable", "À évaluer" (not assessed), "Non
 * conforme" (any other). */
const char *declaration_evaluation(const profile_t *p, status_t st);

typedef struct {
	const plan_item_t *item;  /* its row of the assessment (declaration_t.all) */
	char *text[DECL_NCRITERION_FIELDS]; /* NULL when unset */
	bool action;              /* an improvement: assessed, applicable and not validated */
} declaration_criterion_t;

/* Everything a declaration shows. Strings are owned, NULL when unset. */
typedef struct {
	const profile_t *profile;  /* the scope's (borrowed from the store) */
	char *perimeter, *guide;   /* the scope's names */
	char *guide_title, *guide_version, *org;
	char today[11];
	char *values[DECL_NFIELDS]; /* the service's texts */
	plan_t all;                /* every current criterion, in the référentiel's order */
	declaration_criterion_t *criteria; /* one per all.items, same order */
	size_t ncriteria;
	/* The improvements: the criteria with action set, in the plan's order
	 * (priority first, quick wins, due date); indexes into criteria. */
	size_t *actions;
	size_t nactions;
	score_t score;             /* overall */
	unsigned weights[PROFILE_MAX_PRIORITIES];
} declaration_t;

/* Reads the declaration of the scope (refused unless it is an RGESN's). */
steer_rc declaration_load(store_t *s, declaration_t *out, diag_list_t *d);
void declaration_free(declaration_t *x);
/* The service's name: its nom, else the perimeter's. Borrowed. */
const char *declaration_name(const declaration_t *x);
/* Who is in charge of a criterion's action: its owner, else its pilot
 * function; NULL when neither is set. Borrowed. */
const char *declaration_who(const declaration_criterion_t *c);

/* The declaration as one self-contained printable HTML page in French
 * (no script, no resource from anywhere), appended to out. Its XLSX grid
 * is steer/sheet's, its JSON steer/jsonout's. */
steer_rc declaration_html(const declaration_t *x, buf_t *out, diag_list_t *d);

#endif
