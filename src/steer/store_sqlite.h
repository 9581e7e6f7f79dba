/* store_sqlite: the store's SQLite backend (store_sqlite.c). The rest of
 * sobre reaches it through store.h, and store.c through its table of
 * operations (store_backend.h); this header only lets the unit tests
 * check its mapping of SQLite's errors. */
#ifndef SOBRE_STORE_SQLITE_H
#define SOBRE_STORE_SQLITE_H

/* The cause (STORE_CAUSE_*) for an SQLite (extended) result code and the
 * errno of the system call that failed (0 when unknown). */
const char *store_sqlite_cause(int sqlite_code, int sys_errno);

#endif
