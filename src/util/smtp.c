/* smtp: sending over SMTP with libcurl (see smtp.h). */
#include "util/smtp.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

struct smtp {
	CURL *curl;
	char *url, *user, *password, *ca_file;
	bool starttls;
	long timeout;
	const atomic_bool *cancel;
};

bool smtp_check_url(const char *url, bool starttls, buf_t *why)
{
	bool tls = strncmp(url, "smtps://", 8) == 0;
	if (!tls && strncmp(url, "smtp://", 7) != 0) {
		buf_puts(why, "it must start with smtp:// or smtps://");
		return false;
	}
	if (tls || starttls)
		return true;
	const char *host = url + 7;
	size_t n = host[0] == '[' ? strcspn(host, "]") + 1 : strcspn(host, ":/");
	bool loop = (n == 9 && strncmp(host, "localhost", 9) == 0) || (n == 5 && strncmp(host, "[::1]", 5) == 0) ||
		    (n >= 9 && strncmp(host, "127.", 4) == 0 && strspn(host, "0123456789.") >= n);
	if (!loop)
		buf_puts(why, "plain SMTP (smtp_tls = none) is only allowed to a server on this machine "
			      "(127.0.0.1, ::1, localhost): use smtp_tls = starttls or an smtps:// URL");
	return loop;
}

void smtp_global_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* libcurl asks at least once a second, even while waiting for the server:
 * a non-zero answer abandons the transfer. */
static int cancelled(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return atomic_load((const atomic_bool *)ud) ? 1 : 0;
}

smtp_t *smtp_open(const smtp_config_t *cfg)
{
	smtp_t *c = xcalloc(1, sizeof *c);
	c->url = xstrdup(cfg->url);
	c->user = cfg->user ? xstrdup(cfg->user) : NULL;
	c->password = cfg->password ? xstrdup(cfg->password) : NULL;
	c->ca_file = cfg->ca_file ? xstrdup(cfg->ca_file) : NULL;
	c->starttls = cfg->starttls;
	c->timeout = cfg->timeout > 0 ? cfg->timeout : SMTP_DEFAULT_TIMEOUT;
	c->cancel = cfg->cancel;
	return c;
}

void smtp_close(smtp_t *c)
{
	if (!c)
		return;
	if (c->curl)
		curl_easy_cleanup(c->curl);
	if (c->password)
		memset(c->password, 0, strlen(c->password));
	free(c->url);
	free(c->user);
	free(c->password);
	free(c->ca_file);
	free(c);
}

typedef struct {
	const char *data;
	size_t len, pos;
} reader_t;

static size_t read_cb(char *ptr, size_t size, size_t nmemb, void *ud)
{
	reader_t *r = ud;
	size_t n = size * nmemb;
	if (n > r->len - r->pos)
		n = r->len - r->pos;
	memcpy(ptr, r->data + r->pos, n);
	r->pos += n;
	return n;
}

bool smtp_send(smtp_t *c, const char *from, const char *rcpt, const char *data, size_t len, buf_t *why)
{
	char err[CURL_ERROR_SIZE] = "";
	buf_reset(why);
	if (!c->curl && !(c->curl = curl_easy_init())) {
		buf_puts(why, "libcurl cannot start");
		return false;
	}
	CURL *h = c->curl;
	reader_t r = {data, len, 0};
	buf_t addr = BUF_INIT;
	buf_printf(&addr, "<%s>", from);
	struct curl_slist *rcpts = curl_slist_append(NULL, rcpt);
	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, c->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	/* STARTTLS or nothing: without it a server (or whoever sits in
	 * between) that does not offer it would get the password in clear. */
	curl_easy_setopt(h, CURLOPT_USE_SSL, c->starttls ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_NONE);
	if (c->ca_file)
		curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_file);
	if (c->user) {
		curl_easy_setopt(h, CURLOPT_USERNAME, c->user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, c->password ? c->password : "");
	}
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, buf_cstr(&addr));
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpts);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(h, CURLOPT_READDATA, &r);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, c->timeout);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, c->timeout);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	if (c->cancel) {
		curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, cancelled);
		curl_easy_setopt(h, CURLOPT_XFERINFODATA, (void *)c->cancel);
		curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	}
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, err);
	CURLcode rc = curl_easy_perform(h);
	long code = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(rcpts);
	buf_free(&addr);
	if (rc == CURLE_OK)
		return true;
	buf_printf(why, "%s", *err ? err : curl_easy_strerror(rc));
	if (code)
		buf_printf(why, " (server answered %ld)", code);
	return false;
}
