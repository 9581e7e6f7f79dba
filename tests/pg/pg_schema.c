/* pg_schema: prints the PostgreSQL baseline (steer/store_pg_schema), the
 * very text the backend runs, for tests/pg/test_schema.py to apply with
 * psql.
 *
 *     pg_schema */
#include <stdio.h>

#include "steer/store_pg_schema.h"

int main(void)
{
	return fputs(store_pg_schema_sql(), stdout) < 0 || fflush(stdout) != 0;
}
