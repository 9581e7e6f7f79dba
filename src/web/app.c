/* app: editions of the site (guide + theme + rendered outputs), swapped
 * under a mutex and reference-counted so a reload never pulls a page out
 * from under a request that is rendering it. Rendered outputs are cached per
 * edition on first request. */
#include "web/app.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "guide/guide.h"
#include "guide/page.h"
#include "guide/rules.h"
#include "render/site.h"
#include "render/theme.h"
#include "util/xalloc.h"

typedef struct {
	guide_t *guide;
	theme_t *theme;
	site_t *site;
	_Atomic(char *) *cache;   /* rendered output i, filled on first request */
	size_t *cache_len;
	atomic_int refs;
	unsigned long number;     /* increases at each reload: the live-reload version */
} edition_t;

struct app {
	app_config_t cfg;
	char *guide_dir, *theme_dir, *base_url;
	pthread_mutex_t lock;
	edition_t *current;
	char *home;
	unsigned long next_number;
};

static void edition_unref(edition_t *e)
{
	if (!e || atomic_fetch_sub(&e->refs, 1) != 1)
		return;
	size_t n = site_count(e->site);
	for (size_t i = 0; i < n; i++)
		free(atomic_load(&e->cache[i]));
	free((void *)e->cache);
	free(e->cache_len);
	site_free(e->site);
	theme_free(e->theme);
	guide_free(e->guide);
	free(e);
}

static edition_t *edition_load(app_t *a, diag_list_t *d)
{
	diag_list_t local = DIAG_LIST_INIT;
	edition_t *e = NULL;
	guide_t *g = guide_load(a->guide_dir, &local);
	theme_t *t = NULL;
	if (!g)
		goto fail;
	/* The theme before the check: no page may take the URL of one of its assets. */
	t = theme_load(a->theme_dir, &local);
	if (!t)
		goto fail;
	size_t np = g->npages;
	char **html = xcalloc(np + 1, sizeof *html);
	size_t *len = xcalloc(np + 1, sizeof *len);
	const char **assets = theme_asset_names(t);
	rules_check_render(g, assets, theme_asset_count(t), &local, html, len);
	free(assets);
	guide_adopt_html(g, html, len);
	if (diag_count(&local, DIAG_ERROR))
		goto fail;
	const char *base = a->base_url ? a->base_url : guide_site_meta(g, "url");
	e = xcalloc(1, sizeof *e);
	e->guide = g;
	e->theme = t;
	e->site = site_new(g, t, base ? base : "http://localhost/");
	size_t n = site_count(e->site);
	e->cache = xcalloc(n + 1, sizeof *e->cache);
	e->cache_len = xcalloc(n + 1, sizeof *e->cache_len);
	atomic_init(&e->refs, 1);
	/* Only errors are the caller's business here: warnings are check's. */
	for (size_t i = 0; i < local.len; i++)
		if (local.items[i].sev == DIAG_ERROR)
			diag_copy(d, &local.items[i]);
	diag_list_free(&local);
	return e;
fail:
	for (size_t i = 0; i < local.len; i++)
		if (local.items[i].sev == DIAG_ERROR)
			diag_copy(d, &local.items[i]);
	diag_list_free(&local);
	theme_free(t);
	guide_free(g);
	return NULL;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

app_t *app_new(const app_config_t *cfg, diag_list_t *d)
{
	app_t *a = xcalloc(1, sizeof *a);
	a->cfg = *cfg;
	a->guide_dir = dup_or_null(cfg->guide_dir);
	a->theme_dir = dup_or_null(cfg->theme_dir);
	a->base_url = dup_or_null(cfg->base_url);
	pthread_mutex_init(&a->lock, NULL);
	a->current = edition_load(a, d);
	if (!a->current) {
		app_free(a);
		return NULL;
	}
	a->current->number = ++a->next_number;
	a->home = xstrdup(a->current->guide->base);
	return a;
}

void app_free(app_t *a)
{
	if (!a)
		return;
	edition_unref(a->current);
	pthread_mutex_destroy(&a->lock);
	free(a->guide_dir);
	free(a->theme_dir);
	free(a->base_url);
	free(a->home);
	free(a);
}

int app_reload(app_t *a, diag_list_t *d)
{
	edition_t *e = edition_load(a, d);
	if (!e)
		return -1;
	pthread_mutex_lock(&a->lock);
	edition_t *old = a->current;
	e->number = ++a->next_number;
	a->current = e;
	pthread_mutex_unlock(&a->lock);
	edition_unref(old);
	return 0;
}

static edition_t *edition_get(app_t *a)
{
	pthread_mutex_lock(&a->lock);
	edition_t *e = a->current;
	atomic_fetch_add(&e->refs, 1);
	pthread_mutex_unlock(&a->lock);
	return e;
}

size_t app_practices(app_t *a)
{
	edition_t *e = edition_get(a);
	size_t n = e->guide->npractices;
	edition_unref(e);
	return n;
}

const char *app_home(app_t *a)
{
	return a->home;
}

bool app_practice_html(app_t *a, const char *idbp, buf_t *out, buf_t *url)
{
	edition_t *e = edition_get(a);
	bool found = false;
	/* Linear: one page view per request, and guides hold at most thousands
	 * of practices. */
	for (size_t i = 0; i < e->guide->npractices && !found; i++) {
		const guide_practice_t *p = e->guide->practices[i];
		if (strcmp(p->id, idbp) != 0)
			continue;
		guide_page_html(e->guide, p->page, out);
		if (url && p->page->url)
			buf_puts(url, p->page->url);
		found = true;
	}
	edition_unref(e);
	return found;
}

const guide_t *app_guide_hold(app_t *a, void **hold)
{
	edition_t *e = edition_get(a);
	*hold = e;
	return e->guide;
}

void app_guide_release(void *hold)
{
	edition_unref(hold);
}

/* Polls the edition number and reloads the page when it changes. Served by
 * the app (not the theme) and only in watch mode. */
static const char reload_js[] =
	"(function(){var v=null;function t(){fetch('/__sobre/version',{cache:'no-store'})"
	".then(function(r){return r.text();}).then(function(x){if(v!==null&&x!==v)location.reload();v=x;})"
	".catch(function(){}).then(function(){setTimeout(t,1000);});}t();})();\n";

static bool render_output(edition_t *e, size_t i, const char **data, size_t *len)
{
	char *c = atomic_load(&e->cache[i]);
	if (c) {
		*data = c;
		*len = e->cache_len[i];
		return true;
	}
	buf_t out = BUF_INIT;
	diag_list_t d = DIAG_LIST_INIT;
	int rc = site_render(e->site, i, &out, &d);
	diag_list_free(&d);
	if (rc != 0) {
		buf_free(&out);
		return false;
	}
	size_t n = out.len;
	char *mine = buf_detach(&out);
	char *expected = NULL;
	/* Two threads may render the same page at once: the first to publish wins. */
	e->cache_len[i] = n;
	if (!atomic_compare_exchange_strong(&e->cache[i], &expected, mine)) {
		free(mine);
		mine = expected;
	}
	*data = mine;
	*len = e->cache_len[i];
	return true;
}

static void put_page(app_t *a, edition_t *e, size_t i, web_response_t *res)
{
	const char *data;
	size_t len;
	if (!render_output(e, i, &data, &len)) {
		res->status = 500;
		res->type = "text/plain; charset=utf-8";
		buf_puts(&res->body, "Erreur lors du rendu de la page : voir le journal du serveur.\n");
		return;
	}
	res->type = site_content_type(e->site, i);
	const char *close = NULL;
	if (a->cfg.live_reload && strncmp(res->type, "text/html", 9) == 0) {
		/* The page's last </body>: insert the reload script before it. */
		for (const char *p = data; (p = strstr(p, "</body>")); p++)
			close = p;
	}
	if (close) {
		buf_put(&res->body, data, (size_t)(close - data));
		buf_puts(&res->body, "<script src=\"/__sobre/reload.js\" defer></script>\n");
		buf_put(&res->body, close, len - (size_t)(close - data));
	} else {
		buf_put(&res->body, data, len);
	}
}

void app_handle(void *ud, const web_request_t *req, web_response_t *res)
{
	app_t *a = ud;
	bool get = strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;
	/* Every page of the site under one name in the log and the metrics. */
	res->route = "/*";
	if (strncmp(req->path, "/__sobre/", 9) == 0 && a->cfg.live_reload && get) {
		if (strcmp(req->path, "/__sobre/reload.js") == 0) {
			res->route = "/__sobre/reload.js";
			res->type = "text/javascript; charset=utf-8";
			buf_puts(&res->body, reload_js);
			return;
		}
		if (strcmp(req->path, "/__sobre/version") == 0) {
			res->route = "/__sobre/version";
			edition_t *e = edition_get(a);
			res->type = "text/plain; charset=utf-8";
			web_set_header(res, "Cache-Control", "no-store");
			buf_printf(&res->body, "%lu", e->number);
			edition_unref(e);
			return;
		}
	}
	edition_t *e = edition_get(a);
	if (!get) {
		res->status = 405;
		web_set_header(res, "Allow", "GET, HEAD");
		res->type = "text/plain; charset=utf-8";
		buf_puts(&res->body, "Méthode non autorisée.\n");
		goto done;
	}
	long i = site_find(e->site, req->path);
	if (i < 0 && strcmp(req->path, "/") == 0 && strcmp(e->guide->base, "/") != 0) {
		/* The site's root is the guide's home. */
		res->status = 302;
		web_set_header(res, "Location", e->guide->base);
		goto done;
	}
	if (i < 0) {
		long nf = site_find(e->site, "/404.html");
		if (nf >= 0)
			put_page(a, e, (size_t)nf, res);
		res->status = 404;
		goto done;
	}
	put_page(a, e, (size_t)i, res);
done:
	edition_unref(e);
}
