/* app: what `sobre serve` answers: the guide's website rendered in memory
 * (same URLs as `sobre build`), reloaded whole when its files change, with
 * a live-reload script in watch mode. One app per server; requests read the
 * current edition of the site while a reload prepares the next. */
#ifndef SOBRE_APP_H
#define SOBRE_APP_H

#include <stdbool.h>

#include "guide/guide.h"
#include "util/diag.h"
#include "web/server.h"

typedef struct {
	const char *guide_dir;
	const char *theme_dir; /* may be NULL */
	const char *base_url;  /* may be NULL: metadata.url */
	bool live_reload;      /* add the reload script to pages (--watch) */
} app_config_t;

typedef struct app app_t;

/* Loads, checks and prepares the guide. Returns NULL with diagnostics when
 * the guide has errors or the theme cannot be loaded. Caller frees with
 * app_free, after the server using it has stopped. */
app_t *app_new(const app_config_t *cfg, diag_list_t *d);
void app_free(app_t *a);

/* Prepares a new edition from the files; on error the current one stays
 * and diagnostics say why. Returns 0 or -1. Safe while requests run. */
int app_reload(app_t *a, diag_list_t *d);

/* The number of practices and the guide's URL space, for the banner. */
size_t app_practices(app_t *a);
const char *app_home(app_t *a);

/* Appends the guide's HTML of practice idbp (its sheet body, as the site
 * shows it) to out and its site URL to url (may be NULL); false when the
 * current edition has no such practice. */
bool app_practice_html(app_t *a, const char *idbp, buf_t *out, buf_t *url);

/* The current edition's guide, kept alive (even across a reload) until
 * app_guide_release(*hold). For the steering app's guide upgrade. */
const guide_t *app_guide_hold(app_t *a, void **hold);
void app_guide_release(void *hold);

/* A web_handler_fn; ud is the app. */
void app_handle(void *ud, const web_request_t *req, web_response_t *res);

#endif
