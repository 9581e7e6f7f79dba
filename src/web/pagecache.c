#include "web/pagecache.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

typedef struct {
	char *key; /* NULL: a free slot */
	unsigned long long version;
	char *data;
	size_t len;
	unsigned long long used; /* the clock at the last hit or put */
} entry_t;

struct pagecache {
	entry_t e[PAGECACHE_MAX_ENTRIES];
	size_t bytes;
	unsigned long long clock;
};

pagecache_t *pagecache_new(void)
{
	return xcalloc(1, sizeof(pagecache_t));
}

static void drop(pagecache_t *c, entry_t *e)
{
	c->bytes -= e->len;
	free(e->key);
	free(e->data);
	memset(e, 0, sizeof *e);
}

void pagecache_free(pagecache_t *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < PAGECACHE_MAX_ENTRIES; i++)
		if (c->e[i].key)
			drop(c, &c->e[i]);
	free(c);
}

static entry_t *find(pagecache_t *c, const char *key)
{
	for (size_t i = 0; i < PAGECACHE_MAX_ENTRIES; i++)
		if (c->e[i].key && strcmp(c->e[i].key, key) == 0)
			return &c->e[i];
	return NULL;
}

const char *pagecache_get(pagecache_t *c, const char *key, unsigned long long version, size_t *len)
{
	entry_t *e = find(c, key);
	if (e && e->version != version) {
		drop(c, e);
		e = NULL;
	}
	if (!e)
		return NULL;
	e->used = ++c->clock;
	*len = e->len;
	return e->data;
}

/* The least recently used entry, or NULL when the cache is empty. */
static entry_t *oldest(pagecache_t *c)
{
	entry_t *o = NULL;
	for (size_t i = 0; i < PAGECACHE_MAX_ENTRIES; i++)
		if (c->e[i].key && (!o || c->e[i].used < o->used))
			o = &c->e[i];
	return o;
}

void pagecache_put(pagecache_t *c, const char *key, unsigned long long version, const char *data, size_t len)
{
	entry_t *e = find(c, key);
	if (e)
		drop(c, e);
	if (len > PAGECACHE_MAX_BYTES)
		return;
	for (entry_t *o; c->bytes + len > PAGECACHE_MAX_BYTES && (o = oldest(c));)
		drop(c, o);
	for (size_t i = 0; i < PAGECACHE_MAX_ENTRIES && !e; i++)
		if (!c->e[i].key)
			e = &c->e[i];
	if (!e) {
		e = oldest(c);
		drop(c, e);
	}
	e->key = xstrdup(key);
	e->version = version;
	e->data = xmalloc(len + 1);
	memcpy(e->data, data, len);
	e->data[len] = '\0';
	e->len = len;
	e->used = ++c->clock;
	c->bytes += len;
}
