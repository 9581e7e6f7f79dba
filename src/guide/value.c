/* value: construction, lookup and text conversion of the shared data tree. */
#include "guide/value.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

static value_t *value_new(val_kind_t kind)
{
	value_t *v = xcalloc(1, sizeof *v);
	v->kind = kind;
	return v;
}

value_t *value_null(void)
{
	return value_new(VAL_NULL);
}

value_t *value_bool(bool b)
{
	value_t *v = value_new(VAL_BOOL);
	v->u.b = b;
	return v;
}

value_t *value_number(double n)
{
	value_t *v = value_new(VAL_NUMBER);
	v->u.num = n;
	return v;
}

value_t *value_string(const char *s, size_t len)
{
	return value_string_own(xstrndup(s, len), len);
}

value_t *value_cstring(const char *s)
{
	return value_string(s, strlen(s));
}

value_t *value_string_own(char *s, size_t len)
{
	value_t *v = value_new(VAL_STRING);
	v->u.str.s = s;
	v->u.str.len = len;
	return v;
}

value_t *value_string_ref(const char *s, size_t len)
{
	value_t *v = value_string_own((char *)s, len);
	v->u.str.borrowed = true;
	return v;
}

value_t *value_list(void)
{
	return value_new(VAL_LIST);
}

value_t *value_map(void)
{
	return value_new(VAL_MAP);
}

value_t *value_put_list(value_t *map, const char *key)
{
	value_t *l = value_list();
	value_map_set(map, key, l);
	return l;
}

value_t *value_push_map(value_t *list)
{
	value_t *m = value_map();
	value_list_push(list, m);
	return m;
}

void value_put_int(value_t *map, const char *key, long long n)
{
	/* By hand rather than snprintf: charts put dozens of coordinates per
	 * page, and snprintf was a third of the cost of each. */
	char tmp[24];
	char *e = tmp + sizeof tmp, *p = e;
	unsigned long long u = n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n;
	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (n < 0)
		*--p = '-';
	value_map_set(map, key, value_string(p, (size_t)(e - p)));
}

static void key_free(char *k);

void value_free(value_t *v)
{
	if (!v)
		return;
	switch (v->kind) {
	case VAL_STRING:
		if (!v->u.str.borrowed)
			free(v->u.str.s);
		break;
	case VAL_LIST:
		for (size_t i = 0; i < v->u.list.len; i++)
			value_free(v->u.list.items[i]);
		free(v->u.list.items);
		break;
	case VAL_MAP:
		for (size_t i = 0; i < v->u.map.len; i++) {
			key_free(v->u.map.keys[i]);
			value_free(v->u.map.vals[i]);
		}
		free(v->u.map.keys);
		free(v->u.map.vals);
		free(v->u.map.hidx);
		break;
	default:
		break;
	}
	free(v);
}

value_t *value_copy(const value_t *v)
{
	value_t *c;
	switch (v->kind) {
	case VAL_STRING:
		c = value_string(v->u.str.s, v->u.str.len);
		break;
	case VAL_LIST:
		c = value_list();
		for (size_t i = 0; i < v->u.list.len; i++)
			value_list_push(c, value_copy(v->u.list.items[i]));
		break;
	case VAL_MAP:
		c = value_map();
		for (size_t i = 0; i < v->u.map.len; i++)
			value_map_set(c, v->u.map.keys[i], value_copy(v->u.map.vals[i]));
		break;
	default:
		c = value_new(v->kind);
		c->u = v->u;
		break;
	}
	c->line = v->line;
	c->col = v->col;
	c->file = v->file;
	return c;
}

void value_list_push(value_t *list, value_t *item)
{
	size_t n = list->u.list.len;
	list->u.list.items = xgrow(list->u.list.items, &list->u.list.cap, n + 1,
				   sizeof *list->u.list.items);
	list->u.list.items[n] = item;
	list->u.list.len = n + 1;
}

/* Maps up to this size are searched linearly: small maps are the rule
 * (front matter, page contexts) and a scan beats hashing there. */
#define MAP_INDEX_MIN 32

static size_t hash_key(const char *key, size_t len)
{
	size_t h = 1469598103934665603u; /* FNV-1a */
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)key[i]) * 1099511628211u;
	return h;
}

static void index_insert(value_t *map, size_t pos)
{
	const char *k = map->u.map.keys[pos];
	size_t mask = map->u.map.hcap - 1;
	size_t slot = hash_key(k, strlen(k)) & mask;
	while (map->u.map.hidx[slot])
		slot = (slot + 1) & mask;
	map->u.map.hidx[slot] = pos + 1;
}

static void index_rebuild(value_t *map)
{
	free(map->u.map.hidx);
	map->u.map.hidx = NULL;
	map->u.map.hcap = 0;
	if (map->u.map.len < MAP_INDEX_MIN)
		return;
	size_t cap = 64;
	while (cap < map->u.map.len * 2)
		cap *= 2;
	map->u.map.hidx = xcalloc(cap, sizeof *map->u.map.hidx);
	map->u.map.hcap = cap;
	for (size_t i = 0; i < map->u.map.len; i++)
		index_insert(map, i);
}

/* k (a C string) equals key[0..keylen)? key may hold NUL bytes (a template
 * tag name is any bytes): strncmp stops at one and calls the strings equal
 * so far, and k may end there, so k's length is measured no further than
 * keylen + 1 bytes rather than read at k[keylen]. strncmp rather than a byte
 * loop: keys share long prefixes (difficultyClass, difficultyColor...). */
static bool key_eq(const char *k, const char *key, size_t keylen)
{
	return !strncmp(k, key, keylen) && strnlen(k, keylen + 1) == keylen;
}

/* Keys that maps hold without a copy of their own: those of the site's page
 * contexts and of the guide's front matters, built by the hundred thousand
 * (a copy and its free were a fifth of the cost of a page context). One
 * string, so that value_free can tell them from copies by their address. */
static const char key_pool[] =
	"anchor\0" "assets\0" "body\0" "breadcrumb\0" "class\0" "content\0" "count\0" "csv\0" "date\0"
	"description\0" "difficulties\0" "difficulty\0" "difficultyClass\0" "difficultyColor\0"
	"difficultyLabel\0" "difficultyUrl\0" "eleventyNavigation\0" "fr\0" "group\0" "groups\0" "guide\0"
	"home\0" "id\0" "idThematique\0" "idbp\0" "indicators\0" "intro\0" "isHome\0" "iso\0" "json\0"
	"key\0" "layout\0" "list\0" "loc\0" "menu\0" "menuTitle\0" "name\0" "next\0" "order\0" "page\0"
	"parent\0" "permalink\0" "position\0" "practices\0" "prev\0" "priorities\0" "priority\0"
	"priorityClass\0" "priorityColor\0" "priorityUrl\0" "reading\0" "readingSplit\0" "readingUrl\0"
	"sections\0" "sheet\0" "sheets\0" "site\0" "tags\0" "theme\0" "themeCount\0" "themes\0" "title\0"
	"type\0" "updated\0" "url\0" "urls\0" "value\0" "version\0" "versionTitle\0" "who\0" "whoAttr\0"
	"whoText\0" "whos";

#define POOL_SLOTS 256 /* a power of two, over twice the keys above */
static unsigned short pool_slot[POOL_SLOTS]; /* offset in key_pool + 1, 0: empty */
static unsigned char pool_len[POOL_SLOTS];    /* the length of that key */
static pthread_once_t pool_once = PTHREAD_ONCE_INIT;

static void pool_init(void)
{
	for (size_t off = 0; off < sizeof key_pool - 1; off += strlen(key_pool + off) + 1) {
		size_t slot = hash_key(key_pool + off, strlen(key_pool + off)) & (POOL_SLOTS - 1);
		while (pool_slot[slot])
			slot = (slot + 1) & (POOL_SLOTS - 1);
		pool_slot[slot] = (unsigned short)(off + 1);
		pool_len[slot] = (unsigned char)strlen(key_pool + off);
	}
}

/* key[0..len) as a key of the pool, or NULL. */
static const char *pool_find(const char *key, size_t len)
{
	pthread_once(&pool_once, pool_init);
	for (size_t slot = hash_key(key, len) & (POOL_SLOTS - 1); pool_slot[slot]; slot = (slot + 1) & (POOL_SLOTS - 1)) {
		const char *k = key_pool + pool_slot[slot] - 1;
		if (pool_len[slot] == len && !memcmp(k, key, len))
			return k;
	}
	return NULL;
}

static bool in_pool(const char *k)
{
	uintptr_t p = (uintptr_t)k, base = (uintptr_t)key_pool;
	return p >= base && p < base + sizeof key_pool;
}

/* A map's copy of key: the pool's, or its own. */
static char *key_copy(const char *key, size_t len)
{
	const char *k = pool_find(key, len);
	return k ? (char *)k : xstrndup(key, len);
}

static void key_free(char *k)
{
	if (!in_pool(k))
		free(k);
}

static long map_index(const value_t *map, const char *key, size_t keylen)
{
	if (!map || map->kind != VAL_MAP)
		return -1;
	if (map->u.map.hidx) {
		size_t mask = map->u.map.hcap - 1;
		for (size_t slot = hash_key(key, keylen) & mask; map->u.map.hidx[slot]; slot = (slot + 1) & mask) {
			size_t i = map->u.map.hidx[slot] - 1;
			if (key_eq(map->u.map.keys[i], key, keylen))
				return (long)i;
		}
		return -1;
	}
	/* Most keys differ from the one looked for at their first byte. */
	char first = keylen ? key[0] : '\0';
	for (size_t i = 0; i < map->u.map.len; i++) {
		const char *k = map->u.map.keys[i];
		if (k[0] == first && key_eq(k, key, keylen))
			return (long)i;
	}
	return -1;
}

void value_map_set(value_t *map, const char *key, value_t *val)
{
	size_t keylen = strlen(key);
	long i = map_index(map, key, keylen);
	if (i >= 0) {
		value_free(map->u.map.vals[i]);
		map->u.map.vals[i] = val;
		return;
	}
	size_t n = map->u.map.len;
	size_t cap = map->u.map.cap;
	map->u.map.keys = xgrow(map->u.map.keys, &cap, n + 1, sizeof *map->u.map.keys);
	cap = map->u.map.cap;
	map->u.map.vals = xgrow(map->u.map.vals, &cap, n + 1, sizeof *map->u.map.vals);
	map->u.map.cap = cap;
	map->u.map.keys[n] = key_copy(key, keylen);
	map->u.map.vals[n] = val;
	map->u.map.len = n + 1;
	/* Keep the table at most half full; grow by rebuilding. */
	if (map->u.map.len >= MAP_INDEX_MIN && map->u.map.len * 2 > map->u.map.hcap)
		index_rebuild(map);
	else if (map->u.map.hidx)
		index_insert(map, n);
}

value_t *value_map_take(value_t *map, const char *key)
{
	long i = map_index(map, key, strlen(key));
	if (i < 0)
		return NULL;
	value_t *v = map->u.map.vals[i];
	key_free(map->u.map.keys[i]);
	size_t rest = map->u.map.len - (size_t)i - 1;
	memmove(&map->u.map.keys[i], &map->u.map.keys[i + 1], rest * sizeof(char *));
	memmove(&map->u.map.vals[i], &map->u.map.vals[i + 1], rest * sizeof(value_t *));
	map->u.map.len--;
	if (map->u.map.hidx)
		index_rebuild(map);
	return v;
}

const value_t *value_getn(const value_t *map, const char *key, size_t keylen)
{
	long i = map_index(map, key, keylen);
	return i < 0 ? NULL : map->u.map.vals[i];
}

const value_t *value_get(const value_t *map, const char *key)
{
	return value_getn(map, key, strlen(key));
}

const value_t *value_get_path(const value_t *root, const char *path, size_t len)
{
	const value_t *v = root;
	size_t start = 0;
	for (size_t i = 0; i <= len && v; i++) {
		if (i == len || path[i] == '.') {
			v = value_getn(v, path + start, i - start);
			start = i + 1;
		}
	}
	return v;
}

const char *value_str(const value_t *v)
{
	return v && v->kind == VAL_STRING ? v->u.str.s : NULL;
}

bool value_truthy(const value_t *v)
{
	if (!v)
		return false;
	switch (v->kind) {
	case VAL_NULL:
		return false;
	case VAL_BOOL:
		return v->u.b;
	case VAL_NUMBER:
		return true;
	case VAL_STRING:
		return v->u.str.len > 0;
	case VAL_LIST:
		return v->u.list.len > 0;
	case VAL_MAP:
		return true;
	}
	return false;
}

/* Number to text exactly as JavaScript's Number.prototype.toString does
 * (templates written for Eleventy expect that): shortest round-trip digits,
 * plain notation from 1e-6 up to 1e21, exponent notation outside. */
static void number_to_text(double n, buf_t *out)
{
	if (isnan(n)) {
		buf_puts(out, "NaN");
		return;
	}
	if (isinf(n)) {
		buf_puts(out, n > 0 ? "Infinity" : "-Infinity");
		return;
	}
	if (n == 0) {
		buf_putc(out, '0');
		return;
	}
	char tmp[40];
	for (int prec = 0; prec <= 16; prec++) {
		snprintf(tmp, sizeof tmp, "%.*e", prec, n);
		if (strtod(tmp, NULL) == n)
			break;
	}
	/* tmp is [-]d[.ddd]e[+-]XX: collect the digits and the exponent. */
	const char *p = tmp;
	if (*p == '-') {
		buf_putc(out, '-');
		p++;
	}
	char digits[24] = {0};
	int k = 0;
	for (; *p && *p != 'e'; p++)
		if (*p >= '0' && *p <= '9')
			digits[k++] = *p;
	while (k > 1 && digits[k - 1] == '0')
		k--;
	int e = (int)strtol(p + 1, NULL, 10);
	int nexp = e + 1; /* position of the decimal point */
	if (k <= nexp && nexp <= 21) {
		buf_put(out, digits, (size_t)k);
		for (int i = k; i < nexp; i++)
			buf_putc(out, '0');
	} else if (0 < nexp && nexp <= 21) {
		buf_put(out, digits, (size_t)nexp);
		buf_putc(out, '.');
		buf_put(out, digits + nexp, (size_t)(k - nexp));
	} else if (-6 < nexp && nexp <= 0) {
		buf_puts(out, "0.");
		for (int i = 0; i < -nexp; i++)
			buf_putc(out, '0');
		buf_put(out, digits, (size_t)k);
	} else {
		buf_putc(out, digits[0]);
		if (k > 1) {
			buf_putc(out, '.');
			buf_put(out, digits + 1, (size_t)(k - 1));
		}
		buf_printf(out, "e%c%d", nexp - 1 < 0 ? '-' : '+', abs(nexp - 1));
	}
}

void value_to_text(const value_t *v, buf_t *out)
{
	if (!v)
		return;
	switch (v->kind) {
	case VAL_NULL:
		break;
	case VAL_BOOL:
		buf_puts(out, v->u.b ? "true" : "false");
		break;
	case VAL_NUMBER:
		number_to_text(v->u.num, out);
		break;
	case VAL_STRING:
		buf_put(out, v->u.str.s, v->u.str.len);
		break;
	case VAL_LIST:
		/* Like JavaScript's Array.toString: items joined by commas. */
		for (size_t i = 0; i < v->u.list.len; i++) {
			if (i)
				buf_putc(out, ',');
			value_to_text(v->u.list.items[i], out);
		}
		break;
	case VAL_MAP:
		buf_puts(out, "[object Object]");
		break;
	}
}

const char *value_kind_name(val_kind_t k)
{
	static const char *const names[] = {"null", "boolean", "number", "string", "list", "mapping"};
	return names[k];
}
