/* scripts/sqlcheck.py --self-test reads this file (it is never compiled):
 * every finding must be announced by an expect comment on its line, and
 * every announced finding must be found. Each rule has a bad example and,
 * near it, the good spelling that passes. */

#define COLUMNS "u.id, u.email"
#define FROM_USER " FROM user u" /* expect: reserved-word */
#define FROM_QUOTED " FROM \"user\" u"

static void fixture(store_t *s, const char *sql)
{
	/* insert-or */
	store_query(s, "INSERT OR IGNORE INTO reminder_sent(user_id, period) VALUES (?, ?)"); /* expect: insert-or */
	store_query(s, "INSERT INTO reminder_sent(user_id, period) VALUES (?, ?) ON CONFLICT DO NOTHING");

	/* conflict-target */
	store_query(s, "INSERT INTO declaration(perimeter_id, field, value) VALUES (?, ?, ?) "
		       "ON CONFLICT DO UPDATE SET value = excluded.value"); /* expect: conflict-target */
	store_query(s, "INSERT INTO declaration(perimeter_id, field, value) VALUES (?, ?, ?) "
		       "ON CONFLICT (perimeter_id, field) DO UPDATE SET value = excluded.value");

	/* upsert-column: the row's own value, qualified */
	store_query(s, "INSERT INTO pilot(name, origin) VALUES (?, 'custom') "
		       "ON CONFLICT(name) DO UPDATE SET name = name RETURNING id"); /* expect: upsert-column */
	store_query(s, "INSERT INTO pilot(name, origin) VALUES (?, 'custom') "
		       "ON CONFLICT(name) DO UPDATE SET name = pilot.name, origin = coalesce(excluded.origin, 'guide') "
		       "WHERE pilot.origin IS NOT NULL RETURNING id");

	/* group-concat, char */
	store_query(s, "SELECT group_concat(slug, char(1)) FROM referentiel"); /* expect: group-concat, char */

	/* reserved-word: table user, column end; a CASE's END is fine, and
	 * so are words inside quotes and identifiers that contain them. */
	store_query(s, "SELECT email FROM user WHERE id = ?"); /* expect: reserved-word */
	store_query(s, "SELECT email FROM \"user\" WHERE id = ? AND role <> 'user'");
	store_query(s, "SELECT m.end, CASE WHEN x THEN 1 ELSE 0 END FROM measurement m"); /* expect: reserved-word */
	store_query(s, "SELECT m.\"end\", CASE WHEN x THEN 1 ELSE 0 END FROM measurement m, user_function f");
	store_query(s, "SELECT " COLUMNS FROM_USER " WHERE u.id = ?");
	store_query(s, "SELECT " COLUMNS FROM_QUOTED " WHERE u.id = ?");

	/* in-cte */
	store_query(s, "WITH RECURSIVE down(id) AS (SELECT CAST(? AS BIGINT) UNION ALL SELECT p.id FROM perimeter p "
		       "JOIN down ON p.parent_id = down.id) "
		       "UPDATE perimeter SET archived_at = ? WHERE id IN down"); /* expect: in-cte */
	store_query(s, "WITH RECURSIVE down(id) AS (SELECT CAST(? AS BIGINT) UNION ALL SELECT p.id FROM perimeter p "
		       "JOIN down ON p.parent_id = down.id) "
		       "UPDATE perimeter SET archived_at = ? WHERE id IN (SELECT id FROM down)");

	/* nocase */
	store_query(s, "SELECT id FROM referentiel WHERE slug = ? COLLATE NOCASE"); /* expect: nocase */
	store_query(s, "SELECT id FROM referentiel WHERE lower(slug) = lower(?)");

	/* select-param: alone in a select list, in a CTE anchor, glued with
	 * ||; compared with a column it is typed, and CAST types it. */
	store_query(s, "WITH RECURSIVE down(id, k) AS (SELECT ?1, 0 UNION ALL " /* expect: select-param */
		       "SELECT c.id, down.k + 1 FROM perimeter c JOIN down ON c.parent_id = down.id) SELECT max(k) FROM down");
	store_query(s, "WITH RECURSIVE down(id, k) AS (SELECT CAST(?1 AS BIGINT), 0 UNION ALL "
		       "SELECT c.id, down.k + 1 FROM perimeter c JOIN down ON c.parent_id = down.id) SELECT max(k) FROM down");
	store_query(s, "SELECT ?1 || ' in ' || name FROM perimeter WHERE id = ?2"); /* expect: select-param */
	store_query(s, "SELECT CAST(?1 AS TEXT) || ' in ' || name FROM perimeter WHERE id = ?2");
	store_query(s, "INSERT INTO perimeter_guide(perimeter_id, referentiel_id) "
		       "SELECT 1, ? WHERE NOT EXISTS (SELECT 1 FROM referentiel WHERE id < ?)"); /* expect: select-param */
	store_query(s, "SELECT p.added_version = ? AND p.id <> ?, coalesce(p.budget, ?) FROM practice p WHERE p.id = ?");

	/* is-not */
	store_query(s, "UPDATE practice SET reviewed_copy = copy_id WHERE reviewed_copy IS NOT copy_id"); /* expect: is-not */
	store_query(s, "UPDATE practice SET reviewed_copy = copy_id WHERE reviewed_copy IS DISTINCT FROM copy_id "
		       "AND owner IS NOT NULL");

	/* bool-param */
	store_query(s, "SELECT id FROM objective WHERE (?2 OR archived_at IS NULL)"); /* expect: bool-param */
	store_query(s, "SELECT id FROM perimeter WHERE ? OR archived_at IS NULL"); /* expect: bool-param */
	store_query(s, "SELECT id FROM objective WHERE (?2 <> 0 OR archived_at IS NULL) AND id = ? "
		       "AND deadline BETWEEN ? AND ? AND (name = ? OR name = ?)");

	/* recursive-limit: in the CTE that reads itself, not outside it */
	store_query(s, "WITH RECURSIVE down(id) AS (SELECT CAST(?1 AS BIGINT) UNION ALL SELECT c.id FROM perimeter c "
		       "JOIN down ON c.parent_id = down.id LIMIT ?2) SELECT count(*) FROM down"); /* expect: recursive-limit */
	store_query(s, "WITH RECURSIVE down(id) AS (SELECT CAST(?1 AS BIGINT) UNION ALL SELECT c.id FROM perimeter c "
		       "JOIN down ON c.parent_id = down.id) SELECT count(*) FROM (SELECT 1 FROM down LIMIT ?2) AS x");

	/* subquery-alias */
	store_query(s, "SELECT * FROM (SELECT id FROM history ORDER BY id DESC LIMIT ?) ORDER BY id"); /* expect: subquery-alias */
	store_query(s, "SELECT * FROM (SELECT id FROM history ORDER BY id DESC LIMIT ?) AS h ORDER BY id");

	/* Found outside store_query too: a statement handed to a helper. */
	count_failures(s, "SELECT count(*) FROM user WHERE email = ?"); /* expect: reserved-word */
	static const char *const sql_list[] = {
		"UPDATE indicator SET name = ? WHERE id = ?",
		"UPDATE user SET name = ? WHERE id = ?", /* expect: reserved-word */
	};
	/* Words in messages are not SQL. */
	diag_add(d, "user", "the end of the user's IN list");

	/* The marker waives the rules it names, on the next statement only. */
	/* sqlcheck: sqlite-only (group-concat, char), see #16 */
	store_query(s, "SELECT group_concat(slug, char(1)) FROM referentiel WHERE ? OR 1"); /* expect: bool-param */
	/* sqlcheck: sqlite-only, see #16 */
	store_query(s, "INSERT OR IGNORE INTO user(end) SELECT ?");
	store_query(s, "SELECT group_concat(slug) FROM referentiel"); /* expect: group-concat */
	/* sqlcheck: sqlite-only (nocase, char), see #16 */ /* expect: unused-marker */
	store_query(s, "SELECT id FROM referentiel WHERE slug = ? COLLATE NOCASE");
	/* sqlcheck: sqlite-only, see #16 */ /* expect: unused-marker */
	store_query(s, "SELECT id FROM referentiel WHERE lower(slug) = lower(?)");
	q = root ? store_query(s, "SELECT id FROM referentiel WHERE slug = ?")
		 : store_query(s, "SELECT id FROM referentiel WHERE slug = ? COLLATE NOCASE"); /* expect: nocase */
	/* sqlcheck: sqlite-only, see #16 */ /* expect: unused-marker */
}
