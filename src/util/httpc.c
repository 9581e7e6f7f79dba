/* httpc: the libcurl client (see httpc.h). */
#include "util/httpc.h"

#include <ctype.h>
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/xalloc.h"

void httpc_response_free(httpc_response_t *r)
{
	if (!r)
		return;
	buf_free(&r->body);
	free(r->content_type);
	r->content_type = NULL;
	r->status = 0;
}

int httpc_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

bool httpc_url_allowed(const char *url)
{
	if (strncasecmp(url, "https://", 8) == 0)
		return url[8] != '\0';
	if (strncasecmp(url, "http://", 7) != 0)
		return false;
	const char *h = url + 7;
	size_t n = strcspn(h, "/?#");
	/* The host without its port; userinfo is refused (it hides the host). */
	if (memchr(h, '@', n))
		return false;
	if (n >= 5 && strncmp(h, "[::1]", 5) == 0)
		return n == 5 || h[5] == ':';
	size_t hn = strcspn(h, ":/?#");
	if (hn == 9 && strncasecmp(h, "localhost", 9) == 0)
		return true;
	/* 127.x.y.z, digits and dots only. */
	if (hn < 4 || strncmp(h, "127.", 4) != 0)
		return false;
	for (size_t i = 4; i < hn; i++)
		if (!isdigit((unsigned char)h[i]) && h[i] != '.')
			return false;
	return true;
}

typedef struct {
	httpc_response_t *out;
	bool too_large;
} sink_t;

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
	sink_t *s = ud;
	size_t n = size * nmemb;
	if (s->out->body.len + n > HTTPC_MAX_BODY) {
		s->too_large = true;
		return 0; /* curl stops with CURLE_WRITE_ERROR */
	}
	buf_put(&s->out->body, ptr, n);
	return n;
}

static int perform(CURL *c, const char *url, httpc_response_t *out, buf_t *why)
{
	sink_t sink = {out, false};
	char err[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)HTTPC_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)HTTPC_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)HTTPC_MAX_BODY);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "sobre");
	CURLcode rc = curl_easy_perform(c);
	if (rc != CURLE_OK) {
		if (sink.too_large || rc == CURLE_FILESIZE_EXCEEDED)
			buf_printf(why, "%s: the answer is larger than %zu bytes", url, HTTPC_MAX_BODY);
		else
			buf_printf(why, "%s: %s", url, err[0] ? err : curl_easy_strerror(rc));
		return -1;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
	const char *ct = NULL;
	if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct) {
		size_t n = strcspn(ct, "; \t");
		out->content_type = xstrndup(ct, n);
		for (char *p = out->content_type; *p; p++)
			*p = (char)tolower((unsigned char)*p);
	}
	return 0;
}

static int start(const char *url, httpc_response_t *out, buf_t *why, CURL **c)
{
	buf_reset(&out->body);
	free(out->content_type);
	out->content_type = NULL;
	out->status = 0;
	if (!httpc_url_allowed(url)) {
		buf_printf(why, "%s: only https URLs are fetched (plain http only to this machine: 127.0.0.1, [::1], "
				"localhost)", url);
		return -1;
	}
	*c = curl_easy_init();
	if (!*c) {
		buf_puts(why, "libcurl cannot start");
		return -1;
	}
	return 0;
}

int httpc_get(const char *url, const char *accept, const char *bearer, httpc_response_t *out, buf_t *why)
{
	CURL *c = NULL;
	if (start(url, out, why, &c))
		return -1;
	struct curl_slist *h = NULL;
	buf_t line = BUF_INIT;
	if (accept) {
		buf_printf(&line, "Accept: %s", accept);
		h = curl_slist_append(h, buf_cstr(&line));
	}
	if (bearer) {
		buf_reset(&line);
		buf_printf(&line, "Authorization: Bearer %s", bearer);
		h = curl_slist_append(h, buf_cstr(&line));
	}
	if (h)
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	int rc = perform(c, url, out, why);
	curl_slist_free_all(h);
	buf_free(&line);
	curl_easy_cleanup(c);
	return rc;
}

int httpc_post_form(const char *url, const char *form, const char *basic_user, const char *basic_pass,
		    httpc_response_t *out, buf_t *why)
{
	CURL *c = NULL;
	if (start(url, out, why, &c))
		return -1;
	struct curl_slist *h = curl_slist_append(NULL, "Accept: application/json");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, form);
	if (basic_user) {
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(c, CURLOPT_USERNAME, basic_user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, basic_pass ? basic_pass : "");
	}
	int rc = perform(c, url, out, why);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return rc;
}

void httpc_encode(const char *s, buf_t *out)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~') {
			buf_putc(out, (char)ch);
		} else {
			buf_putc(out, '%');
			buf_putc(out, hex[ch >> 4]);
			buf_putc(out, hex[ch & 15]);
		}
	}
}
