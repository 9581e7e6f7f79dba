/* pagecache: parts of the steering app's pages kept as rendered HTML while
 * the data they were made from is unchanged, so that the pages read most
 * (the dashboard) are not recomputed for every request. An entry is a key
 * (everything the part depends on besides the database: page, scope, day,
 * role) and the database's data version it was made under
 * (store_data_version); a lookup under another version misses and drops the
 * entry. One cache per server thread, each thread having its own database
 * connection whose version tags the entries: no lock. Bounded in entries and
 * bytes, the least recently used going first. The cache owns copies of keys
 * and data; what pagecache_get returns stays valid until the next call on
 * the same cache. */
#ifndef SOBRE_WEB_PAGECACHE_H
#define SOBRE_WEB_PAGECACHE_H

#include <stddef.h>

/* Per cache (per server thread): a few pages times the perimeters and
 * roles in use; the real guide's dashboard is about 30 KB. */
#define PAGECACHE_MAX_ENTRIES 64
#define PAGECACHE_MAX_BYTES (4u << 20)

typedef struct pagecache pagecache_t;

pagecache_t *pagecache_new(void);
void pagecache_free(pagecache_t *c);

/* The data kept under key for this version (its length in *len), or NULL. */
const char *pagecache_get(pagecache_t *c, const char *key, unsigned long long version, size_t *len);
/* Keeps a copy of data under key and version, replacing what key held. Data
 * larger than PAGECACHE_MAX_BYTES is not kept. */
void pagecache_put(pagecache_t *c, const char *key, unsigned long long version, const char *data, size_t len);

#endif
