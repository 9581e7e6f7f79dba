/* store_sqlite: the store's SQLite backend (store_backend.h), the only code
 * of sobre that knows SQLite: opening the file (and reading it read-only
 * when it cannot be written), the migrations, transactions, prepared
 * statements, the mapping of SQLite's errors to causes, backups. The
 * schema is documented here, migration by migration: a migration, once
 * released, is never edited; changes come as a new one. */
#define _GNU_SOURCE /* F_OFD_SETLK */
#include "steer/store_sqlite.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "steer/store_backend.h"
#include "util/buf.h"
#include "util/xalloc.h"

/* "sobr": tells our files from other SQLite databases. */
#define STORE_APPLICATION_ID 0x736f6272

/* Another writer holds the lock for at most one command; beyond this wait
 * something is stuck and the user should hear about it. */
#define STORE_BUSY_TIMEOUT_MS 5000

/* SQLite's locks on Unix (os_unix.c): every connection to a WAL database
 * holds a read lock on these bytes, and the last one to close it needs a
 * write lock on them to copy the -wal into the file and delete it. */
#define SQLITE_SHARED_FIRST (0x40000000 + 2)
#define SQLITE_SHARED_SIZE 510
/* A -wal file shorter than its header holds no change (SQLite ignores it). */
#define SQLITE_WAL_HEADER 32

/* The backend's connection. */
struct store_conn {
	sqlite3 *db;
	int lock_fd; /* -1, or the descriptor holding the read lock of an immutable open */
};

/* Version 1: the guide copies, assessments, indicators, measurements,
 * pilots, history and settings. */
static const char migration_1[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;\n"
	"CREATE TABLE weight(priority TEXT PRIMARY KEY\n"
	"    CHECK (priority IN ('Prioritaire', 'Recommandée', 'Aller plus loin')),\n"
	"  weight INTEGER NOT NULL CHECK (weight BETWEEN 0 AND 100)) WITHOUT ROWID;\n"
	"INSERT INTO weight VALUES ('Prioritaire', 3), ('Recommandée', 2), ('Aller plus loin', 1);\n"
	/* One row per `sobre guide import` of a new content; the latest is current. */
	"CREATE TABLE guide_version(id INTEGER PRIMARY KEY,\n"
	"  version TEXT NOT NULL, title TEXT NOT NULL, source TEXT NOT NULL,\n"
	"  imported_at TEXT NOT NULL, imported_by TEXT NOT NULL);\n"
	/* The practice as that version of the guide wrote it; never changed
	 * afterwards, so history and snapshots keep meaning what they meant.
	 * who and indicators are JSON arrays of strings. */
	"CREATE TABLE practice_copy(id INTEGER PRIMARY KEY,\n"
	"  version_id INTEGER NOT NULL REFERENCES guide_version(id),\n"
	"  idbp TEXT NOT NULL, seq INTEGER NOT NULL, title TEXT NOT NULL,\n"
	"  theme_id TEXT NOT NULL, theme_title TEXT NOT NULL,\n"
	"  priority TEXT NOT NULL, difficulty TEXT NOT NULL,\n"
	"  who TEXT NOT NULL, indicators TEXT NOT NULL,\n"
	"  UNIQUE (version_id, idbp));\n"
	"CREATE TRIGGER practice_copy_frozen BEFORE UPDATE ON practice_copy\n"
	"  BEGIN SELECT RAISE(ABORT, 'imported guide copies are immutable'); END;\n"
	"CREATE TRIGGER practice_copy_kept BEFORE DELETE ON practice_copy\n"
	"  BEGIN SELECT RAISE(ABORT, 'imported guide copies are immutable'); END;\n"
	/* Pilot functions: the guides' who values and custom ones, interned so
	 * that snapshots store a small integer per practice. */
	"CREATE TABLE pilot(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,\n"
	"  origin TEXT NOT NULL CHECK (origin IN ('guide', 'custom')));\n"
	/* The tracked practice, one per idbp across guide versions, and its
	 * assessment. copy_id: the copy of the latest version that has it;
	 * removed_version set: archived (gone from the current guide). */
	"CREATE TABLE practice(id INTEGER PRIMARY KEY, idbp TEXT NOT NULL UNIQUE,\n"
	"  copy_id INTEGER NOT NULL REFERENCES practice_copy(id),\n"
	"  added_version INTEGER NOT NULL REFERENCES guide_version(id),\n"
	"  removed_version INTEGER REFERENCES guide_version(id),\n"
	"  status TEXT NOT NULL DEFAULT 'non évaluée' CHECK (status IN ('non évaluée', 'non concernée',\n"
	"    'non engagée', 'planifiée', 'en cours', 'réalisée')),\n"
	"  pilot_id INTEGER REFERENCES pilot(id), owner TEXT, due TEXT, comment TEXT,\n"
	"  updated_at TEXT, updated_by TEXT,\n"
	"  CHECK (status <> 'non concernée' OR coalesce(length(comment), 0) > 0));\n"
	"CREATE TABLE evidence(practice_id INTEGER NOT NULL REFERENCES practice(id),\n"
	"  url TEXT NOT NULL, added_at TEXT NOT NULL, PRIMARY KEY (practice_id, url)) WITHOUT ROWID;\n"
	/* num: the indicator's stable number within its practice (1, 2...), what
	 * `sobre measure --indicator N` names. */
	"CREATE TABLE indicator(id INTEGER PRIMARY KEY,\n"
	"  practice_id INTEGER NOT NULL REFERENCES practice(id), num INTEGER NOT NULL,\n"
	"  name TEXT NOT NULL, origin TEXT NOT NULL CHECK (origin IN ('guide', 'custom')),\n"
	"  type TEXT NOT NULL CHECK (type IN ('yesno', 'percent', 'quantity', 'text')),\n"
	"  unit TEXT NOT NULL DEFAULT '', target TEXT, target_date TEXT,\n"
	"  direction TEXT CHECK (direction IN ('up', 'down')),\n"
	"  archived_version INTEGER REFERENCES guide_version(id),\n"
	"  UNIQUE (practice_id, num));\n"
	/* period as typed (canonical), and the days it covers, for ordering and
	 * for `sobre indicators --due`. One value per indicator and period. */
	"CREATE TABLE measurement(id INTEGER PRIMARY KEY,\n"
	"  indicator_id INTEGER NOT NULL REFERENCES indicator(id),\n"
	"  period TEXT NOT NULL, start TEXT NOT NULL, end TEXT NOT NULL,\n"
	"  value TEXT NOT NULL, source TEXT, comment TEXT,\n"
	"  recorded_at TEXT NOT NULL, recorded_by TEXT NOT NULL,\n"
	"  UNIQUE (indicator_id, period));\n"
	"CREATE INDEX measurement_by_end ON measurement(indicator_id, end);\n"
	"CREATE TABLE history(id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,\n"
	"  idbp TEXT, field TEXT NOT NULL, old TEXT, new TEXT);\n"
	"CREATE INDEX history_by_idbp ON history(idbp, id);\n"
	"CREATE TRIGGER history_no_update BEFORE UPDATE ON history\n"
	"  BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END;\n"
	"CREATE TRIGGER history_no_delete BEFORE DELETE ON history\n"
	"  BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END;\n";

/* Version 2: snapshots. An item is 4 small integers per practice (the copy
 * fixes title, theme and priority; weights are frozen in the snapshot row),
 * which keeps 100 snapshots of 10,000 practices around 15 MB. */
static const char migration_2[] =
	"CREATE TABLE snapshot(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,\n"
	"  created_at TEXT NOT NULL, created_by TEXT NOT NULL,\n"
	"  version_id INTEGER NOT NULL REFERENCES guide_version(id),\n"
	"  weights TEXT NOT NULL, score_num INTEGER NOT NULL, score_den INTEGER NOT NULL,\n"
	"  assessed INTEGER NOT NULL, total INTEGER NOT NULL);\n"
	"CREATE TABLE snapshot_item(snapshot_id INTEGER NOT NULL REFERENCES snapshot(id),\n"
	"  copy_id INTEGER NOT NULL REFERENCES practice_copy(id),\n"
	"  status INTEGER NOT NULL, pilot_id INTEGER REFERENCES pilot(id),\n"
	"  PRIMARY KEY (snapshot_id, copy_id)) WITHOUT ROWID;\n"
	"CREATE TRIGGER snapshot_no_update BEFORE UPDATE ON snapshot\n"
	"  BEGIN SELECT RAISE(ABORT, 'snapshots are immutable'); END;\n"
	"CREATE TRIGGER snapshot_no_delete BEFORE DELETE ON snapshot\n"
	"  BEGIN SELECT RAISE(ABORT, 'snapshots are immutable'); END;\n"
	"CREATE TRIGGER snapshot_item_no_update BEFORE UPDATE ON snapshot_item\n"
	"  BEGIN SELECT RAISE(ABORT, 'snapshots are immutable'); END;\n"
	"CREATE TRIGGER snapshot_item_no_delete BEFORE DELETE ON snapshot_item\n"
	"  BEGIN SELECT RAISE(ABORT, 'snapshots are immutable'); END;\n";

/* Version 3: the web app's accounts, sessions and login failures, and a row
 * version per assessment. Sessions keep a BLAKE2b hash of the browser's
 * token, never the token, so a copy of the database opens no session; api
 * tokens likewise. row_version is bumped by triggers on every change to an
 * assessment or its evidence, so a form saved from a stale page is refused
 * instead of overwriting someone else's edit. */
static const char migration_3[] =
	"CREATE TABLE user(id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE COLLATE NOCASE,\n"
	"  role TEXT NOT NULL CHECK (role IN ('admin', 'pilote', 'lecteur')),\n"
	"  pwhash TEXT NOT NULL, api_hash BLOB UNIQUE, created_at TEXT NOT NULL);\n"
	/* The pilot functions whose practices a pilote may edit. */
	"CREATE TABLE user_function(user_id INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,\n"
	"  name TEXT NOT NULL, PRIMARY KEY (user_id, name)) WITHOUT ROWID;\n"
	"CREATE TABLE session(token_hash BLOB PRIMARY KEY,\n"
	"  user_id INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,\n"
	"  csrf TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID;\n"
	"CREATE INDEX session_by_user ON session(user_id);\n"
	"CREATE TABLE login_failure(id INTEGER PRIMARY KEY, at INTEGER NOT NULL,\n"
	"  email TEXT NOT NULL COLLATE NOCASE, address TEXT NOT NULL);\n"
	"CREATE INDEX login_failure_by_email ON login_failure(email, at);\n"
	"CREATE INDEX login_failure_by_address ON login_failure(address, at);\n"
	"ALTER TABLE practice ADD COLUMN row_version INTEGER NOT NULL DEFAULT 0;\n"
	"CREATE TRIGGER practice_row_version AFTER UPDATE OF status, pilot_id, owner, due, comment ON practice\n"
	"  BEGIN UPDATE practice SET row_version = row_version + 1 WHERE id = NEW.id; END;\n"
	"CREATE TRIGGER evidence_row_version_add AFTER INSERT ON evidence\n"
	"  BEGIN UPDATE practice SET row_version = row_version + 1 WHERE id = NEW.practice_id; END;\n"
	"CREATE TRIGGER evidence_row_version_del AFTER DELETE ON evidence\n"
	"  BEGIN UPDATE practice SET row_version = row_version + 1 WHERE id = OLD.practice_id; END;\n";

/* 4: api tokens expire. Tokens made before had no end: they get
 * ACCOUNT_TOKEN_DAYS (90) from the upgrade rather than stopping at once,
 * so that scripts keep working while their owners renew them. */
static const char migration_4[] =
	"ALTER TABLE user ADD COLUMN api_expires_at INTEGER;\n"
	"UPDATE user SET api_expires_at = CAST(strftime('%s', 'now') AS INTEGER) + 90 * 86400\n"
	"  WHERE api_hash IS NOT NULL;\n";

/* 5: référentiels and périmètres. Every assessment, history line and
 * snapshot now belongs to a perimeter (a node of the organisation's tree)
 * and a référentiel (the GBPNR, the RGESN, an organisation's own grid, with
 * the profile that scores it). What the database held becomes the root
 * perimeter's GBPNR assessment: perimeter 1 (named after `init --org`) and
 * référentiel 1 ("gbpnr"), so that every score, history line, snapshot and
 * account keeps its meaning. The practice table is rebuilt because its
 * idbp was unique and its status list was the GBPNR's: statuses are now
 * checked against the référentiel's profile by the code (steer/status).
 * Snapshot items gain the perimeter, since a snapshot of a parent freezes
 * its whole subtree. Runs with foreign keys off (migrate() does that for
 * every migration, as SQLite's table-rebuild procedure asks) and checks
 * them before committing. */
static const char migration_5[] =
	/* profile: a built-in profile's id ("gbpnr", "rgesn-2024"...), whose
	 * meaning never changes once released (a new edition is a new id), or
	 * "custom" with the profile's YAML (guide/profile.h) in profile_yaml. */
	"CREATE TABLE referentiel(id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE,\n"
	"  profile TEXT NOT NULL, profile_yaml TEXT, created_at TEXT NOT NULL,\n"
	"  CHECK ((profile = 'custom') = (profile_yaml IS NOT NULL)));\n"
	"INSERT INTO referentiel(id, slug, profile, created_at)\n"
	"  SELECT 1, 'gbpnr', 'gbpnr', coalesce(min(imported_at), strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))\n"
	"  FROM guide_version HAVING count(*) > 0;\n"
	/* The statuses of each référentiel's profile, so that the database
	 * itself refuses a status its référentiel does not have, or one that
	 * needs a justification without it, as the GBPNR's CHECKs did. */
	/* position: the status's index in the profile, what snapshots store. */
	"CREATE TABLE referentiel_status(referentiel_id INTEGER NOT NULL REFERENCES referentiel(id),\n"
	"  name TEXT NOT NULL, position INTEGER NOT NULL, justify INTEGER NOT NULL,\n"
	"  PRIMARY KEY (referentiel_id, name), UNIQUE (referentiel_id, position)) WITHOUT ROWID;\n"
	"INSERT INTO referentiel_status SELECT r.id, s.column1, s.column2, s.column3 FROM referentiel r,\n"
	"  (VALUES ('non évaluée', 0, 0), ('non concernée', 1, 1), ('non engagée', 2, 0), ('planifiée', 3, 0),\n"
	"    ('en cours', 4, 0), ('réalisée', 5, 0)) s;\n"
	"ALTER TABLE guide_version ADD COLUMN referentiel_id INTEGER REFERENCES referentiel(id);\n"
	"UPDATE guide_version SET referentiel_id = 1;\n"
	/* sections: JSON array of {key, title, text}; applicability: the
	 * criterion's cible as written; always_applicable: 1 when "not
	 * applicable" is refused for it. */
	"ALTER TABLE practice_copy ADD COLUMN sections TEXT NOT NULL DEFAULT '[]';\n"
	"ALTER TABLE practice_copy ADD COLUMN applicability TEXT NOT NULL DEFAULT '';\n"
	"ALTER TABLE practice_copy ADD COLUMN always_applicable INTEGER NOT NULL DEFAULT 0;\n"
	/* The organisation's tree. Perimeter 1 is the root; names are unique
	 * (commands name perimeters); archived ones are kept with their data. */
	"CREATE TABLE perimeter(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE,\n"
	"  parent_id INTEGER REFERENCES perimeter(id),\n"
	"  kind TEXT NOT NULL CHECK (kind IN ('organisation', 'direction', 'etablissement', 'service')),\n"
	"  created_at TEXT NOT NULL, archived_at TEXT,\n"
	"  CHECK ((parent_id IS NULL) = (id = 1)));\n"
	"CREATE INDEX perimeter_by_parent ON perimeter(parent_id);\n"
	"INSERT INTO perimeter(id, name, kind, created_at)\n"
	"  SELECT 1, coalesce((SELECT value FROM meta WHERE key = 'org'), 'Organisation'), 'organisation',\n"
	"    coalesce((SELECT value FROM meta WHERE key = 'created_at'), strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));\n"
	/* The référentiels a perimeter is assessed against. */
	"CREATE TABLE perimeter_guide(perimeter_id INTEGER NOT NULL REFERENCES perimeter(id),\n"
	"  referentiel_id INTEGER NOT NULL REFERENCES referentiel(id),\n"
	"  PRIMARY KEY (perimeter_id, referentiel_id)) WITHOUT ROWID;\n"
	"INSERT INTO perimeter_guide SELECT 1, id FROM referentiel;\n"
	"DROP TRIGGER practice_row_version;\n"
	"DROP TRIGGER evidence_row_version_add;\n"
	"DROP TRIGGER evidence_row_version_del;\n"
	/* reviewed_copy: the copy whose wording the assessment was last saved
	 * against; a different copy_id with another wording means "à revoir". */
	"CREATE TABLE practice_v5(id INTEGER PRIMARY KEY,\n"
	"  perimeter_id INTEGER NOT NULL REFERENCES perimeter(id),\n"
	"  referentiel_id INTEGER NOT NULL REFERENCES referentiel(id),\n"
	"  idbp TEXT NOT NULL,\n"
	"  copy_id INTEGER NOT NULL REFERENCES practice_copy(id),\n"
	"  added_version INTEGER NOT NULL REFERENCES guide_version(id),\n"
	"  removed_version INTEGER REFERENCES guide_version(id),\n"
	"  status TEXT NOT NULL CHECK (length(status) > 0),\n"
	"  pilot_id INTEGER REFERENCES pilot(id), owner TEXT, due TEXT, comment TEXT,\n"
	"  updated_at TEXT, updated_by TEXT, row_version INTEGER NOT NULL DEFAULT 0,\n"
	"  reviewed_copy INTEGER REFERENCES practice_copy(id),\n"
	"  UNIQUE (perimeter_id, referentiel_id, idbp));\n"
	"INSERT INTO practice_v5(id, perimeter_id, referentiel_id, idbp, copy_id, added_version, removed_version,\n"
	"    status, pilot_id, owner, due, comment, updated_at, updated_by, row_version, reviewed_copy)\n"
	"  SELECT id, 1, 1, idbp, copy_id, added_version, removed_version, status, pilot_id, owner, due, comment,\n"
	"    updated_at, updated_by, row_version, copy_id FROM practice;\n"
	"DROP TABLE practice;\n"
	"ALTER TABLE practice_v5 RENAME TO practice;\n"
	"CREATE TRIGGER practice_row_version AFTER UPDATE OF status, pilot_id, owner, due, comment ON practice\n"
	"  BEGIN UPDATE practice SET row_version = row_version + 1 WHERE id = NEW.id; END;\n"
	"CREATE TRIGGER evidence_row_version_add AFTER INSERT ON evidence\n"
	"  BEGIN UPDATE practice SET row_version = row_version + 1 WHERE id = NEW.practice_id; END;\n"
	"CREATE TRIGGER evidence_row_version_del AFTER DELETE ON evidence\n"
	"  BEGIN UPDATE practice SET row_version = row_version + 1 WHERE id = OLD.practice_id; END;\n"
	"CREATE TRIGGER practice_status_known BEFORE INSERT ON practice\n"
	"  WHEN NOT EXISTS (SELECT 1 FROM referentiel_status WHERE referentiel_id = NEW.referentiel_id\n"
	"    AND name = NEW.status AND (NOT justify OR coalesce(length(NEW.comment), 0) > 0))\n"
	"  BEGIN SELECT RAISE(ABORT, 'status unknown to the référentiel, or without its justification'); END;\n"
	"CREATE TRIGGER practice_status_kept BEFORE UPDATE OF status, comment ON practice\n"
	"  WHEN NOT EXISTS (SELECT 1 FROM referentiel_status WHERE referentiel_id = NEW.referentiel_id\n"
	"    AND name = NEW.status AND (NOT justify OR coalesce(length(NEW.comment), 0) > 0))\n"
	"  BEGIN SELECT RAISE(ABORT, 'status unknown to the référentiel, or without its justification'); END;\n"
	/* History lines name their perimeter and référentiel (NULL on lines
	 * about the whole database: accounts, perimeters). Filled once here;
	 * the table stays append-only. */
	"DROP TRIGGER history_no_update;\n"
	"ALTER TABLE history ADD COLUMN perimeter_id INTEGER REFERENCES perimeter(id);\n"
	"ALTER TABLE history ADD COLUMN referentiel_id INTEGER REFERENCES referentiel(id);\n"
	"UPDATE history SET perimeter_id = 1, referentiel_id = (SELECT id FROM referentiel WHERE id = 1);\n"
	"CREATE TRIGGER history_no_update BEFORE UPDATE ON history\n"
	"  BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END;\n"
	"DROP INDEX history_by_idbp;\n"
	"CREATE INDEX history_by_idbp ON history(perimeter_id, referentiel_id, idbp, id);\n"
	/* A snapshot is taken of a perimeter (its items: the whole subtree) for
	 * one référentiel; its score is the perimeter's own. */
	"DROP TRIGGER snapshot_no_update;\n"
	"DROP TRIGGER snapshot_item_no_update;\n"
	"DROP TRIGGER snapshot_item_no_delete;\n"
	"ALTER TABLE snapshot ADD COLUMN perimeter_id INTEGER NOT NULL DEFAULT 1 REFERENCES perimeter(id);\n"
	"ALTER TABLE snapshot ADD COLUMN referentiel_id INTEGER REFERENCES referentiel(id);\n"
	"UPDATE snapshot SET referentiel_id = 1;\n"
	"CREATE TABLE snapshot_item_v5(snapshot_id INTEGER NOT NULL REFERENCES snapshot(id),\n"
	"  perimeter_id INTEGER NOT NULL REFERENCES perimeter(id),\n"
	"  copy_id INTEGER NOT NULL REFERENCES practice_copy(id),\n"
	"  status INTEGER NOT NULL, pilot_id INTEGER REFERENCES pilot(id),\n"
	"  PRIMARY KEY (snapshot_id, perimeter_id, copy_id)) WITHOUT ROWID;\n"
	"INSERT INTO snapshot_item_v5 SELECT snapshot_id, 1, copy_id, status, pilot_id FROM snapshot_item;\n"
	"DROP TABLE snapshot_item;\n"
	"ALTER TABLE snapshot_item_v5 RENAME TO snapshot_item;\n"
	"CREATE TRIGGER snapshot_no_update BEFORE UPDATE ON snapshot\n"
	"  BEGIN SELECT RAISE(ABORT, 'snapshots are immutable'); END;\n"
	"CREATE TRIGGER snapshot_item_no_update BEFORE UPDATE ON snapshot_item\n"
	"  BEGIN SELECT RAISE(ABORT, 'snapshots are immutable'); END;\n"
	"CREATE TRIGGER snapshot_item_no_delete BEFORE DELETE ON snapshot_item\n"
	"  BEGIN SELECT RAISE(ABORT, 'snapshots are immutable'); END;\n"
	/* An account's role holds on its perimeter and below (NULL: the root). */
	"ALTER TABLE user ADD COLUMN perimeter_id INTEGER REFERENCES perimeter(id);\n"
	/* The RGESN declaration of a service (steer/declaration): the texts
	 * only a person can write, per perimeter and référentiel; its score,
	 * its lists of criteria and its improvements are read from the
	 * assessment. In migration 5 rather than a 6th because 5 is not
	 * released yet: the release's databases (schema 4) get it in the same
	 * step. One row per field that is set, the field's name checked by the
	 * code (the table of steer/declaration.c), so that a field can be added
	 * without rebuilding the table; an empty value is no row. */
	"CREATE TABLE declaration(perimeter_id INTEGER NOT NULL REFERENCES perimeter(id),\n"
	"  referentiel_id INTEGER NOT NULL REFERENCES referentiel(id),\n"
	"  field TEXT NOT NULL, value TEXT NOT NULL CHECK (length(value) > 0),\n"
	"  PRIMARY KEY (perimeter_id, referentiel_id, field)) WITHOUT ROWID;\n"
	/* A criterion's own texts (texte_declaration, evolutions_potentielles,
	 * actions_a_mener), on a criterion of that perimeter's assessment. */
	"CREATE TABLE declaration_criterion(perimeter_id INTEGER NOT NULL, referentiel_id INTEGER NOT NULL,\n"
	"  idbp TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL CHECK (length(value) > 0),\n"
	"  PRIMARY KEY (perimeter_id, referentiel_id, idbp, field),\n"
	"  FOREIGN KEY (perimeter_id, referentiel_id, idbp) REFERENCES practice(perimeter_id, referentiel_id, idbp))\n"
	"  WITHOUT ROWID;\n";

/* 6: the stratégie numérique responsable (steer/objective,
 * steer/strategy). Means on each assessment: budget in cents and staff
 * time in hundredths of a person-day, whole numbers so that totals are
 * exact; they move the row version like the other fields. Indicators may
 * be tagged as footprint figures (NULL: as their unit suggests, the rule
 * of steer/indicator). Objectives: a target on an indicator by a
 * deadline, from a baseline (NULL: its first measurement), with their own
 * means, per perimeter; archived ones are kept. The strategy's texts only a
 * person can write, per perimeter, one row per field that is set (as the
 * declaration's). A snapshot freezes each objective's state as it was
 * computed then (the rule may learn; what was reported must not move). */
static const char migration_6[] =
	"ALTER TABLE practice ADD COLUMN budget INTEGER CHECK (budget >= 0);\n"
	"ALTER TABLE practice ADD COLUMN staff INTEGER CHECK (staff >= 0);\n"
	"DROP TRIGGER practice_row_version;\n"
	"CREATE TRIGGER practice_row_version\n"
	"  AFTER UPDATE OF status, pilot_id, owner, due, comment, budget, staff ON practice\n"
	"  BEGIN UPDATE practice SET row_version = row_version + 1 WHERE id = NEW.id; END;\n"
	"ALTER TABLE indicator ADD COLUMN footprint INTEGER CHECK (footprint IN (0, 1));\n"
	"CREATE TABLE objective(id INTEGER PRIMARY KEY,\n"
	"  perimeter_id INTEGER NOT NULL REFERENCES perimeter(id),\n"
	"  name TEXT NOT NULL COLLATE NOCASE,\n"
	"  indicator_id INTEGER NOT NULL REFERENCES indicator(id),\n"
	"  target TEXT NOT NULL, deadline TEXT NOT NULL,\n"
	"  baseline TEXT, baseline_period TEXT,\n"
	"  budget INTEGER CHECK (budget >= 0), staff INTEGER CHECK (staff >= 0),\n"
	"  created_at TEXT NOT NULL, created_by TEXT NOT NULL, archived_at TEXT,\n"
	"  row_version INTEGER NOT NULL DEFAULT 0,\n"
	"  UNIQUE (perimeter_id, name));\n"
	"CREATE INDEX objective_by_indicator ON objective(indicator_id);\n"
	"CREATE TRIGGER objective_row_version AFTER UPDATE OF name, target, deadline, baseline, baseline_period,\n"
	"  budget, staff, archived_at ON objective\n"
	"  BEGIN UPDATE objective SET row_version = row_version + 1 WHERE id = NEW.id; END;\n"
	"CREATE TRIGGER objective_kept BEFORE DELETE ON objective\n"
	"  BEGIN SELECT RAISE(ABORT, 'objectives are archived, not deleted'); END;\n"
	"CREATE TABLE strategy_text(perimeter_id INTEGER NOT NULL REFERENCES perimeter(id),\n"
	"  field TEXT NOT NULL, value TEXT NOT NULL CHECK (length(value) > 0),\n"
	"  PRIMARY KEY (perimeter_id, field)) WITHOUT ROWID;\n"
	/* value, period: the latest measurement the state was computed from
	 * (NULL: none); expected: the trajectory's value then. */
	"CREATE TABLE snapshot_objective(snapshot_id INTEGER NOT NULL REFERENCES snapshot(id),\n"
	"  objective_id INTEGER NOT NULL REFERENCES objective(id),\n"
	"  state TEXT NOT NULL, value TEXT, period TEXT, expected TEXT,\n"
	"  PRIMARY KEY (snapshot_id, objective_id)) WITHOUT ROWID;\n"
	"CREATE TRIGGER snapshot_objective_no_update BEFORE UPDATE ON snapshot_objective\n"
	"  BEGIN SELECT RAISE(ABORT, 'snapshots are immutable'); END;\n"
	"CREATE TRIGGER snapshot_objective_no_delete BEFORE DELETE ON snapshot_objective\n"
	"  BEGIN SELECT RAISE(ABORT, 'snapshots are immutable'); END;\n";

/* 7: OpenID Connect. A user keeps the names and the organisation (SIRET,
 * unit) its provider last said, and, once it has logged in through one,
 * the provider's (issuer, subject) pair, unique: the link that survives an
 * e-mail change. pwhash '!' (no hash verifies against it) marks an account
 * created by such a login, without a local password. A session keeps the
 * ID token it was opened with, for the provider's logout (id_token_hint).
 * A pending login (state, nonce, PKCE verifier, the page to return to)
 * lives in the database, not in a server's memory, so that any server
 * behind a load balancer takes the provider's callback; it is deleted when
 * used, and expired ones are swept. */
static const char migration_7[] =
	"ALTER TABLE user ADD COLUMN given_name TEXT;\n"
	"ALTER TABLE user ADD COLUMN family_name TEXT;\n"
	"ALTER TABLE user ADD COLUMN siret TEXT;\n"
	"ALTER TABLE user ADD COLUMN organizational_unit TEXT;\n"
	"ALTER TABLE user ADD COLUMN oidc_issuer TEXT;\n"
	"ALTER TABLE user ADD COLUMN oidc_subject TEXT;\n"
	"CREATE UNIQUE INDEX user_by_oidc ON user(oidc_issuer, oidc_subject) WHERE oidc_issuer IS NOT NULL;\n"
	"ALTER TABLE session ADD COLUMN id_token TEXT;\n"
	"CREATE TABLE oidc_pending(state TEXT PRIMARY KEY, nonce TEXT NOT NULL, verifier TEXT NOT NULL,\n"
	"  next TEXT NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID;\n"
	"CREATE INDEX oidc_pending_by_expiry ON oidc_pending(expires_at);\n";

/* 8: e-mail reminders (steer/remind).
 * user.digest: whether the user wants the periodic digest (on by
 * default; "Mon compte" and the unsubscribe link turn it off).
 * user.unsubscribe_token: the secret of the one-click unsubscribe link,
 * 192 random bits from SQLite's CSPRNG (seeded by the system), set by a
 * trigger for every user however created. It is kept in clear, unlike
 * session and api tokens, because every digest must carry it; all it can
 * do is turn digests off.
 * reminder_sent: the digests claimed, one per user and period ("weekly
 * 2026-W18"): the primary key is what keeps two runs, or two processes,
 * from sending the same digest twice.
 * assignment: the outbox of "you are now pilot / owner of" messages,
 * filled by triggers on practice, so that the CLI, the web app and imports
 * all record them in the transaction that makes the change; done_at is
 * set once every recipient has had it; assignment_sent is the per-user
 * claim, like reminder_sent. */
static const char migration_8[] =
	"ALTER TABLE user ADD COLUMN digest INTEGER NOT NULL DEFAULT 1 CHECK (digest IN (0, 1));\n"
	"ALTER TABLE user ADD COLUMN unsubscribe_token TEXT;\n"
	"UPDATE user SET unsubscribe_token = lower(hex(randomblob(24)));\n"
	"CREATE UNIQUE INDEX user_by_unsubscribe_token ON user(unsubscribe_token);\n"
	"CREATE TRIGGER user_unsubscribe_token AFTER INSERT ON user WHEN NEW.unsubscribe_token IS NULL\n"
	"  BEGIN UPDATE user SET unsubscribe_token = lower(hex(randomblob(24))) WHERE id = NEW.id; END;\n"
	"CREATE TABLE reminder_sent(user_id INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,\n"
	"  period TEXT NOT NULL, sent_at TEXT NOT NULL, PRIMARY KEY (user_id, period)) WITHOUT ROWID;\n"
	"CREATE TABLE assignment(id INTEGER PRIMARY KEY,\n"
	"  practice_id INTEGER NOT NULL REFERENCES practice(id),\n"
	"  role TEXT NOT NULL CHECK (role IN ('pilot', 'owner')), name TEXT NOT NULL,\n"
	"  done_at TEXT);\n"
	"CREATE INDEX assignment_pending ON assignment(done_at);\n"
	"CREATE TABLE assignment_sent(assignment_id INTEGER NOT NULL REFERENCES assignment(id),\n"
	"  user_id INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,\n"
	"  sent_at TEXT NOT NULL, PRIMARY KEY (assignment_id, user_id)) WITHOUT ROWID;\n"
	"CREATE TRIGGER practice_pilot_assigned AFTER UPDATE OF pilot_id ON practice\n"
	"  WHEN NEW.pilot_id IS NOT NULL AND NEW.pilot_id IS NOT OLD.pilot_id\n"
	"  BEGIN INSERT INTO assignment(practice_id, role, name)\n"
	"    SELECT NEW.id, 'pilot', name FROM pilot WHERE id = NEW.pilot_id; END;\n"
	"CREATE TRIGGER practice_owner_assigned AFTER UPDATE OF owner ON practice\n"
	"  WHEN coalesce(NEW.owner, '') <> '' AND NEW.owner IS NOT OLD.owner\n"
	"  BEGIN INSERT INTO assignment(practice_id, role, name) VALUES (NEW.id, 'owner', NEW.owner); END;\n";

static const char *const migrations[STORE_SCHEMA_VERSION] = {migration_1, migration_2, migration_3, migration_4,
							      migration_5, migration_6, migration_7, migration_8};

static void store_diag(diag_list_t *d, const char *path, const char *hint, const char *fmt, const char *a,
		       const char *b)
{
	diag_t *x = diag_add(d, DIAG_ERROR, path, 0, 0, STORE_CAUSE_OTHER, fmt, a, b);
	if (hint)
		diag_hint(x, "%s", hint);
}

const char *store_sqlite_cause(int sqlite_code, int sys_errno)
{
	switch (sqlite_code & 0xff) {
	case SQLITE_FULL:
		return STORE_CAUSE_FULL;
	case SQLITE_READONLY:
	case SQLITE_PERM:
		return STORE_CAUSE_READONLY;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return STORE_CAUSE_BUSY;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return STORE_CAUSE_CORRUPT;
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
		/* SQLite says SQLITE_FULL only for a short write to the database
		 * or its -wal; growing the -shm file, syncing or creating a file
		 * on a full disk or a read-only folder come back as I/O errors
		 * whose errno tells. */
		if (sys_errno == ENOSPC || sys_errno == EDQUOT)
			return STORE_CAUSE_FULL;
		if (sys_errno == EROFS || sys_errno == EACCES || sys_errno == EPERM)
			return STORE_CAUSE_READONLY;
		break;
	default:
		break;
	}
	return STORE_CAUSE_OTHER;
}

static bool cause_is(const char *cause, const char *which)
{
	return cause && strcmp(cause, which) == 0;
}

/* Full or read-only: what a reader can get around by opening read-only. */
static bool cause_blocks_writes(const char *cause)
{
	return cause_is(cause, STORE_CAUSE_FULL) || cause_is(cause, STORE_CAUSE_READONLY);
}

static const char *cause_text(const char *cause)
{
	return cause_is(cause, STORE_CAUSE_FULL) ? "the disk is full" : "the database or its folder is read-only";
}

static const char *cause_hint(const char *cause)
{
	if (cause_is(cause, STORE_CAUSE_FULL))
		return "the disk is full; free some space and try again (nothing was written)";
	if (cause_is(cause, STORE_CAUSE_READONLY))
		return "sobre needs write access to the database file and to its folder (SQLite keeps the -wal and "
		       "-shm files beside it); read commands (score, show, plan...) work without it";
	if (cause_is(cause, STORE_CAUSE_BUSY))
		return "another sobre command or the web app is writing to this database; try again";
	if (cause_is(cause, STORE_CAUSE_CORRUPT))
		return "the file is damaged or not a sobre database; restore it from a backup";
	return NULL;
}

/* The connection's last error, reported. */
static void report_last(store_t *s, diag_list_t *d, const char *what)
{
	sqlite3 *db = s->conn->db;
	store_report(s, d, what, store_sqlite_cause(sqlite3_extended_errcode(db), sqlite3_system_errno(db)),
		     sqlite3_errmsg(db));
}

/* report_last, then STEER_IO. */
static steer_rc fail_last(store_t *s, diag_list_t *d, const char *what)
{
	report_last(s, d, what);
	return STEER_IO;
}

static steer_rc exec(store_t *s, const char *sql, const char *what, diag_list_t *d)
{
	if (sqlite3_exec(s->conn->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return fail_last(s, d, what);
	return STEER_OK;
}

/* Value of an integer PRAGMA or single-value query; -1 on error. */
static long long query_int(store_t *s, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long long v = -1;
	if (sqlite3_prepare_v2(s->conn->db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static steer_rc migrate(store_t *s, int target, diag_list_t *d)
{
	for (;;) {
		/* Re-read under the write lock: another process may have migrated. */
		/* SQLite's table-rebuild procedure: foreign keys off (a pragma
		 * ignored inside a transaction), checked before the commit. */
		if (exec(s, "PRAGMA foreign_keys = OFF", "upgrading the schema", d) ||
		    exec(s, "BEGIN IMMEDIATE", "locking the database to upgrade its schema", d))
			goto restore;
		long long v = query_int(s, "PRAGMA user_version");
		if (v < 0) {
			report_last(s, d, "reading the schema version");
			goto fail;
		}
		if (v >= target) {
			if (exec(s, "COMMIT", "upgrading the schema", d))
				goto fail;
			return exec(s, "PRAGMA foreign_keys = ON", "configuring the connection", d);
		}
		char pragma[96];
		if (exec(s, migrations[v], "upgrading the schema", d))
			goto fail;
		if (query_int(s, "SELECT count(*) FROM pragma_foreign_key_check") != 0) {
			diag_t *x = diag_add(d, DIAG_ERROR, s->path, 0, 0, STORE_CAUSE_CORRUPT,
					     "cannot upgrade the schema to version %lld: rows refer to rows that do not exist",
					     v + 1);
			diag_hint(x, "run `sqlite3 %s 'PRAGMA foreign_key_check'` to list them; the database was left as it was",
				  s->path);
			goto fail;
		}
		snprintf(pragma, sizeof pragma, "PRAGMA application_id = %d; PRAGMA user_version = %lld",
			 STORE_APPLICATION_ID, v + 1);
		if (exec(s, pragma, "upgrading the schema", d) || exec(s, "COMMIT", "upgrading the schema", d))
			goto fail;
	}
fail:
	sqlite3_exec(s->conn->db, "ROLLBACK", NULL, NULL, NULL);
restore:
	sqlite3_exec(s->conn->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	return STEER_IO;
}

/* The connection settings every open shares. */
static steer_rc configure(store_t *s, diag_list_t *d)
{
	sqlite3_extended_result_codes(s->conn->db, 1);
	sqlite3_busy_timeout(s->conn->db, STORE_BUSY_TIMEOUT_MS);
	return exec(s, "PRAGMA foreign_keys = ON; PRAGMA trusted_schema = OFF", "configuring the connection", d);
}

/* path as an SQLite URI for a read-only, immutable open. */
static char *immutable_uri(const char *path)
{
	buf_t b = BUF_INIT;
	/* "file://" + "/abs" keeps a path starting with "//" from being read
	 * as a host name. */
	buf_puts(&b, path[0] == '/' ? "file://" : "file:");
	for (const unsigned char *c = (const unsigned char *)path; *c; c++)
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
		    strchr("/._-", *c))
			buf_putc(&b, (char)*c);
		else
			buf_printf(&b, "%%%02X", *c);
	buf_puts(&b, "?mode=ro&immutable=1");
	return buf_detach(&b);
}

/* Reopens s read-only after its read-write open failed for cause (full or
 * read-only). A read-only connection to a WAL database still needs the
 * -shm file beside it, which a read-only folder or a full disk does not
 * let SQLite create; the database file alone is then the whole database
 * as long as no -wal file holds changes, and is opened "immutable" (no
 * -shm, no locks of SQLite's). A read lock of our own keeps a writer that
 * opens the file meanwhile from copying its changes into it when it
 * closes, which would change pages under this reader; an open file
 * description lock, because a classic one would go as soon as any other
 * descriptor of the file in this process is closed (another store's). */
static steer_rc open_readonly(store_t *s, const char *cause, diag_list_t *d)
{
	sqlite3_close(s->conn->db);
	s->conn->db = NULL;
	s->ro_cause = cause;
	s->conn->lock_fd = open(s->path, O_RDONLY | O_CLOEXEC);
	if (s->conn->lock_fd < 0) {
		store_diag(d, s->path, NULL, "cannot read the database: %s%s", strerror(errno), "");
		return STEER_IO;
	}
	struct flock fl = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = SQLITE_SHARED_FIRST,
			   .l_len = SQLITE_SHARED_SIZE};
	/* Only a closing writer holds a write lock there, for an instant; a
	 * file system without locks (some network ones) gets no protection,
	 * as it gets none for SQLite's own locks. */
	if (fcntl(s->conn->lock_fd, F_OFD_SETLK, &fl) != 0 && (errno == EAGAIN || errno == EACCES)) {
		diag_t *x = diag_add(d, DIAG_ERROR, s->path, 0, 0, STORE_CAUSE_BUSY,
				     "cannot read the database: another process is writing to it");
		diag_hint(x, "%s", cause_hint(STORE_CAUSE_BUSY));
		return STEER_IO;
	}
	size_t n = strlen(s->path);
	char *wal = xmalloc(n + 5);
	memcpy(wal, s->path, n);
	memcpy(wal + n, "-wal", 5);
	struct stat st;
	bool changes = stat(wal, &st) == 0 && st.st_size >= SQLITE_WAL_HEADER;
	free(wal);
	if (changes) {
		diag_t *x = diag_add(d, DIAG_ERROR, s->path, 0, 0, cause,
				     "cannot read the database: %s, and its -wal file holds changes not yet in %s",
				     cause_text(cause), s->path);
		diag_hint(x, "open it once with write access to its folder (any sobre command), so that SQLite moves "
			     "them into the database file%s",
			  cause_is(cause, STORE_CAUSE_FULL) ? ", after freeing some space" : "");
		return STEER_IO;
	}
	char *uri = immutable_uri(s->path);
	int r = sqlite3_open_v2(uri, &s->conn->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
	free(uri);
	if (r != SQLITE_OK) {
		store_diag(d, s->path, NULL, "cannot open the database read-only: %s%s",
			   s->conn->db ? sqlite3_errmsg(s->conn->db) : "out of memory", "");
		return STEER_IO;
	}
	return configure(s, d);
}


static steer_rc sqlite_open(store_t *s, int flags, int version, diag_list_t *d)
{
	const char *path = s->path;
	struct stat st;
	if (stat(path, &st) != 0) {
		if (errno != ENOENT || !(flags & STORE_CREATE)) {
			store_diag(d, path, errno == ENOENT ? "create it with: sobre init (or name another one with --db FILE)" : NULL,
				   "cannot open the database: %s%s", errno == ENOENT ? "no such file" : strerror(errno), "");
			return STEER_IO;
		}
	} else if (S_ISDIR(st.st_mode)) {
		store_diag(d, path, "give a file name with --db FILE", "cannot open the database: %s%s",
			   "it is a directory", "");
		return STEER_IO;
	}
	store_conn_t *c = s->conn = xcalloc(1, sizeof *s->conn);
	c->lock_fd = -1;
	int oflags = SQLITE_OPEN_READWRITE | (flags & STORE_CREATE ? SQLITE_OPEN_CREATE : 0);
	if (sqlite3_open_v2(path, &c->db, oflags, NULL) != SQLITE_OK) {
		const char *cause = c->db ? store_sqlite_cause(sqlite3_extended_errcode(c->db), sqlite3_system_errno(c->db))
					  : STORE_CAUSE_OTHER;
		diag_t *x = diag_add(d, DIAG_ERROR, path, 0, 0, cause, "cannot open the database: %s",
				     c->db ? sqlite3_errmsg(c->db) : "out of memory");
		if (cause_hint(cause))
			diag_hint(x, "%s", cause_hint(cause));
		return STEER_IO;
	}
	if (configure(s, d))
		return STEER_IO;
	/* The first read opens the -wal and -shm files: where a read-only
	 * folder or a full disk shows. */
	long long app = query_int(s, "PRAGMA application_id");
	if (app < 0) {
		int code = sqlite3_extended_errcode(c->db);
		const char *cause = store_sqlite_cause(code, sqlite3_system_errno(c->db));
		/* The file itself is open: what SQLite could not open is a -wal or
		 * -shm file, missing and not creatable in that folder (the errno
		 * left is the last attempt's, often ENOENT). */
		if ((code & 0xff) == SQLITE_CANTOPEN)
			cause = STORE_CAUSE_READONLY;
		if (cause_blocks_writes(cause) && (flags & STORE_READ)) {
			if (open_readonly(s, cause, d))
				return STEER_IO;
			app = query_int(s, "PRAGMA application_id");
		} else if (cause_blocks_writes(cause)) {
			diag_t *x = diag_add(d, DIAG_ERROR, path, 0, 0, cause, "cannot open %s for writing: %s (%s)", path,
					     cause_text(cause), sqlite3_errmsg(c->db));
			diag_hint(x, "%s", cause_hint(cause));
			return STEER_IO;
		}
	} else if (sqlite3_db_readonly(c->db, "main") == 1) {
		/* SQLite opens a file it may not write read-only without a word. */
		if (!(flags & STORE_READ)) {
			diag_t *x = diag_add(d, DIAG_ERROR, path, 0, 0, STORE_CAUSE_READONLY,
					     "cannot open %s for writing: %s", path, cause_text(STORE_CAUSE_READONLY));
			diag_hint(x, "%s", cause_hint(STORE_CAUSE_READONLY));
			return STEER_IO;
		}
		s->ro_cause = STORE_CAUSE_READONLY;
	}
	if (app < 0) {
		const char *cause = store_sqlite_cause(sqlite3_extended_errcode(c->db), sqlite3_system_errno(c->db));
		if (cause_is(cause, STORE_CAUSE_CORRUPT))
			store_diag(d, path, "name a sobre database with --db FILE, or create one with sobre init",
				   "%s is not a sobre database (%s)", path, sqlite3_errmsg(c->db));
		else
			report_last(s, d, "opening the database");
		return STEER_IO;
	}
	long long ver = query_int(s, "PRAGMA user_version");
	long long tables = query_int(s, "SELECT count(*) FROM sqlite_schema");
	if (app != STORE_APPLICATION_ID && !(app == 0 && ver == 0 && tables == 0)) {
		store_diag(d, path, "name a sobre database with --db FILE, or create one with sobre init",
			   "%s is an SQLite database, but not a sobre one%s", path, "");
		return STEER_IO;
	}
	if (ver > STORE_SCHEMA_VERSION) {
		diag_t *x = diag_add(d, DIAG_ERROR, path, 0, 0, STORE_CAUSE_OTHER,
				     "the database has schema version %lld, written by a newer sobre (this one knows up to %d)",
				     ver, STORE_SCHEMA_VERSION);
		diag_hint(x, "upgrade sobre; this version cannot safely write to it");
		return STEER_IO;
	}
	if (version > STORE_SCHEMA_VERSION)
		version = STORE_SCHEMA_VERSION;
	if (s->ro_cause) {
		if (ver < version) {
			diag_t *x = diag_add(d, DIAG_ERROR, path, 0, 0, s->ro_cause,
					     "%s needs upgrading to schema %d (it has schema %lld), but %s", path, version,
					     ver, cause_text(s->ro_cause));
			diag_hint(x, "run one write command with write access to the file and its folder, e.g. sobre init "
				     "--db %s (it keeps the data)", path);
			return STEER_IO;
		}
		return STEER_OK;
	}
	/* WAL: readers never block the writer; FULL: a command that reported
	 * success survives a power cut, not only a crash. */
	if (exec(s, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL", "switching to WAL mode", d))
		return STEER_IO;
	if (ver < version && migrate(s, version, d))
		return STEER_IO;
	return STEER_OK;
}

static void sqlite_close(store_t *s)
{
	store_conn_t *c = s->conn;
	if (!c)
		return;
	if (c->db) {
		if (!sqlite3_get_autocommit(c->db))
			sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_close(c->db);
	}
	/* After SQLite's own descriptor: closing any descriptor of the file
	 * drops the process's locks on it. */
	if (c->lock_fd >= 0)
		close(c->lock_fd);
	free(c);
	s->conn = NULL;
}

static steer_rc sqlite_backup(store_t *s, const char *dest, diag_list_t *d)
{
	steer_rc rc = STEER_IO;
	sqlite3 *to = NULL;
	size_t n = strlen(dest);
	char *tmp = xmalloc(n + 5);
	memcpy(tmp, dest, n);
	memcpy(tmp + n, ".tmp", 5);
	unlink(tmp);
	if (sqlite3_open_v2(tmp, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		store_diag(d, dest, NULL, "cannot create the backup: %s%s", to ? sqlite3_errmsg(to) : "out of memory", "");
		goto cleanup;
	}
	sqlite3_backup *b = sqlite3_backup_init(to, "main", s->conn->db, "main");
	if (!b) {
		store_diag(d, dest, NULL, "cannot start the backup: %s%s", sqlite3_errmsg(to), "");
		goto cleanup;
	}
	/* All pages in one step: the source is read in one transaction, so the
	 * copy is one consistent state even while the web app writes. */
	int r = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	if (r != SQLITE_DONE) {
		store_diag(d, dest, "try again: another writer held the database too long", "backup failed: %s%s",
			   sqlite3_errstr(r), "");
		goto cleanup;
	}
	if (sqlite3_close(to) != SQLITE_OK) {
		to = NULL;
		store_diag(d, dest, NULL, "cannot finish the backup%s%s", "", "");
		goto cleanup;
	}
	to = NULL;
	/* As private as the database it copies (it holds the password hashes),
	 * whatever the umask made of the new file. */
	struct stat st;
	if (stat(s->path, &st) == 0)
		chmod(tmp, st.st_mode & 0777);
	if (rename(tmp, dest) != 0) {
		store_diag(d, dest, NULL, "cannot write the backup: %s%s", strerror(errno), "");
		goto cleanup;
	}
	rc = STEER_OK;
cleanup:
	if (to)
		sqlite3_close(to);
	if (rc)
		unlink(tmp);
	free(tmp);
	return rc;
}


static int sqlite_init_multithread(void)
{
	int a = sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
	int b = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	return a == SQLITE_OK && b == SQLITE_OK ? 0 : -1;
}

static int sqlite_schema_version(store_t *s)
{
	return (int)query_int(s, "PRAGMA user_version");
}

static steer_rc sqlite_health(store_t *s, diag_list_t *d)
{
	/* The schema's page is read from the file (or the WAL), not from a
	 * cache another connection keeps: a damaged header shows here. */
	if (exec(s, "SELECT count(*) FROM sqlite_schema", "reading the database", d))
		return STEER_IO;
	if (s->ro_cause) {
		diag_t *x = diag_add(d, DIAG_ERROR, s->path, 0, 0, s->ro_cause, "%s was opened read-only (%s)", s->path,
				     cause_text(s->ro_cause));
		diag_hint(x, "%s", cause_hint(s->ro_cause));
		return STEER_IO;
	}
	sqlite3_busy_timeout(s->conn->db, STORE_HEALTH_BUSY_MS);
	steer_rc rc = exec(s, "BEGIN IMMEDIATE", "taking the write lock", d);
	sqlite3_busy_timeout(s->conn->db, STORE_BUSY_TIMEOUT_MS);
	store_rollback(s);
	return rc;
}

static long long sqlite_size_bytes(store_t *s)
{
	long long pages = query_int(s, "PRAGMA page_count"), size = query_int(s, "PRAGMA page_size");
	return pages < 0 || size < 0 ? -1 : pages * size;
}

static steer_rc sqlite_begin(store_t *s, bool write, diag_list_t *d)
{
	return exec(s, write ? "BEGIN IMMEDIATE" : "BEGIN", "starting a transaction", d);
}

static steer_rc sqlite_commit(store_t *s, diag_list_t *d)
{
	return exec(s, "COMMIT", "committing", d);
}

static void sqlite_rollback(store_t *s)
{
	if (!sqlite3_get_autocommit(s->conn->db))
		sqlite3_exec(s->conn->db, "ROLLBACK", NULL, NULL, NULL);
}

static bool sqlite_in_transaction(store_t *s)
{
	return !sqlite3_get_autocommit(s->conn->db);
}

static steer_rc sqlite_data_version(store_t *s, unsigned long long *out, diag_list_t *d)
{
	/* A deferred transaction takes its snapshot at its first read; the
	 * version is the snapshot's only from then on. */
	if (sqlite3_txn_state(s->conn->db, "main") == SQLITE_TXN_NONE) {
		store_query_t *q = store_query(s, "PRAGMA schema_version");
		while (store_next(q))
			;
		if (store_end(q, d, "reading the data version"))
			return STEER_IO;
	}
	unsigned int v = 0;
	int rc = sqlite3_file_control(s->conn->db, "main", SQLITE_FCNTL_DATA_VERSION, &v);
	if (rc != SQLITE_OK) {
		diag_add(d, DIAG_ERROR, s->path, 0, 0, store_sqlite_cause(rc, 0), "cannot read the data version: %s",
			 sqlite3_errstr(rc));
		return STEER_IO;
	}
	*out = v;
	return STEER_OK;
}

static long long sqlite_changes(store_t *s)
{
	return sqlite3_changes64(s->conn->db);
}

/* --- statements -------------------------------------------------------- */

/* A store_stmt_t of this backend is an sqlite3_stmt. */
static sqlite3_stmt *stmt(store_stmt_t *st)
{
	return (sqlite3_stmt *)(void *)st;
}

static int sqlite_prepare(store_t *s, const char *sql, store_stmt_t **out)
{
	sqlite3_stmt *st = NULL;
	int r = sqlite3_prepare_v3(s->conn->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (r != SQLITE_OK) {
		sqlite3_finalize(st);
		return r;
	}
	*out = (store_stmt_t *)(void *)st;
	return SQLITE_OK;
}

static void sqlite_finalize(store_stmt_t *st)
{
	sqlite3_finalize(stmt(st));
}

static void sqlite_reset(store_stmt_t *st, bool unbind)
{
	sqlite3_reset(stmt(st));
	if (unbind)
		sqlite3_clear_bindings(stmt(st));
}

static int sqlite_bind_text(store_stmt_t *st, int idx, const char *text)
{
	return sqlite3_bind_text(stmt(st), idx, text, -1, SQLITE_TRANSIENT);
}

static int sqlite_bind_int(store_stmt_t *st, int idx, long long v)
{
	return sqlite3_bind_int64(stmt(st), idx, v);
}

static int sqlite_bind_double(store_stmt_t *st, int idx, double v)
{
	return sqlite3_bind_double(stmt(st), idx, v);
}

static int sqlite_bind_blob(store_stmt_t *st, int idx, const void *data, size_t len)
{
	return sqlite3_bind_blob64(stmt(st), idx, data, len, SQLITE_TRANSIENT);
}

static int sqlite_bind_null(store_stmt_t *st, int idx)
{
	return sqlite3_bind_null(stmt(st), idx);
}

static bool sqlite_step(store_stmt_t *st, int *err)
{
	int r = sqlite3_step(stmt(st));
	*err = r == SQLITE_ROW || r == SQLITE_DONE ? 0 : r;
	return r == SQLITE_ROW;
}

static const char *sqlite_col_text(store_stmt_t *st, int col)
{
	return (const char *)sqlite3_column_text(stmt(st), col);
}

static long long sqlite_col_int(store_stmt_t *st, int col)
{
	return sqlite3_column_int64(stmt(st), col);
}

static double sqlite_col_double(store_stmt_t *st, int col)
{
	return sqlite3_column_double(stmt(st), col);
}

static const void *sqlite_col_blob(store_stmt_t *st, int col, size_t *len)
{
	const void *p = sqlite3_column_blob(stmt(st), col);
	*len = (size_t)sqlite3_column_bytes(stmt(st), col);
	return p;
}

static bool sqlite_col_null(store_stmt_t *st, int col)
{
	return sqlite3_column_type(stmt(st), col) == SQLITE_NULL;
}

/* The connection's last error; code (what the failing call returned)
 * when the connection holds none (a misuse SQLite does not record). */
static void sqlite_failure(store_t *s, int code, const char **cause, char **msg)
{
	sqlite3 *db = s->conn->db;
	int err = sqlite3_extended_errcode(db);
	*cause = store_sqlite_cause(err == SQLITE_OK ? code : err, sqlite3_system_errno(db));
	*msg = xstrdup(sqlite3_errmsg(db));
}

const store_ops_t store_sqlite_ops = {
	.dialect = STORE_DIALECT_SQLITE,
	.init_multithread = sqlite_init_multithread,
	.open = sqlite_open,
	.close = sqlite_close,
	.schema_version = sqlite_schema_version,
	.health = sqlite_health,
	.size_bytes = sqlite_size_bytes,
	.backup = sqlite_backup,
	.begin = sqlite_begin,
	.commit = sqlite_commit,
	.rollback = sqlite_rollback,
	.in_transaction = sqlite_in_transaction,
	.data_version = sqlite_data_version,
	.changes = sqlite_changes,
	.prepare = sqlite_prepare,
	.finalize = sqlite_finalize,
	.reset = sqlite_reset,
	.bind_text = sqlite_bind_text,
	.bind_int = sqlite_bind_int,
	.bind_double = sqlite_bind_double,
	.bind_blob = sqlite_bind_blob,
	.bind_null = sqlite_bind_null,
	.step = sqlite_step,
	.col_text = sqlite_col_text,
	.col_int = sqlite_col_int,
	.col_double = sqlite_col_double,
	.col_blob = sqlite_col_blob,
	.col_null = sqlite_col_null,
	.failure = sqlite_failure,
	.cause_text = cause_text,
	.cause_hint = cause_hint,
};
