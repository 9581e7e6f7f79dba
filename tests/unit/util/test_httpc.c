/* Tests for util/httpc: which URLs are fetched (https, http to loopback
 * only), form encoding, and the answer size limit at and over, against a
 * one-shot server on 127.0.0.1 in a thread. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/httpc.h"
#include "util/xalloc.h"

static void test_url_allowed(void **state)
{
	(void)state;
	assert_true(httpc_url_allowed("https://idp.example/x"));
	assert_true(httpc_url_allowed("http://127.0.0.1:8000/x"));
	assert_true(httpc_url_allowed("http://127.0.0.1"));
	assert_true(httpc_url_allowed("http://localhost:9/"));
	assert_true(httpc_url_allowed("http://[::1]:9/"));
	assert_false(httpc_url_allowed("http://idp.example/"));
	assert_false(httpc_url_allowed("http://127.0.0.1.example/"));
	assert_false(httpc_url_allowed("http://localhost.example/"));
	assert_false(httpc_url_allowed("http://127.0.0.1@idp.example/"));
	assert_false(httpc_url_allowed("http://[::1].example/"));
	assert_false(httpc_url_allowed("ftp://127.0.0.1/"));
	assert_false(httpc_url_allowed("file:///etc/passwd"));
	assert_false(httpc_url_allowed("https://"));
}

static void test_encode(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	httpc_encode("a b&c=d/é~_.-", &b);
	assert_string_equal(buf_cstr(&b), "a%20b%26c%3Dd%2F%C3%A9~_.-");
	buf_free(&b);
}

typedef struct {
	int fd;
	size_t len;
} server_t;

/* Answers one request with len bytes of 'x'. */
static void *serve_one(void *ud)
{
	server_t *s = ud;
	int c = accept(s->fd, NULL, NULL);
	char req[4096];
	(void)!read(c, req, sizeof req);
	char head[128];
	int hn = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Type: Application/JSON; charset=utf-8\r\n"
					     "Connection: close\r\n\r\n");
	(void)!write(c, head, (size_t)hn);
	char *body = xmalloc(s->len);
	memset(body, 'x', s->len);
	size_t off = 0;
	while (off < s->len) {
		ssize_t w = write(c, body + off, s->len - off);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	free(body);
	close(c);
	return NULL;
}

static int fetch(size_t len, httpc_response_t *res, buf_t *why)
{
	server_t s = {socket(AF_INET, SOCK_STREAM, 0), len};
	struct sockaddr_in a = {0};
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t al = sizeof a;
	assert_int_equal(bind(s.fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(listen(s.fd, 1), 0);
	getsockname(s.fd, (struct sockaddr *)&a, &al);
	pthread_t t;
	pthread_create(&t, NULL, serve_one, &s);
	char url[64];
	snprintf(url, sizeof url, "http://127.0.0.1:%d/x", ntohs(a.sin_port));
	int rc = httpc_get(url, "application/json", NULL, res, why);
	pthread_join(t, NULL);
	close(s.fd);
	return rc;
}

static void test_size_limit(void **state)
{
	(void)state;
	httpc_response_t res = {0, BUF_INIT, NULL};
	buf_t why = BUF_INIT;
	assert_int_equal(fetch(HTTPC_MAX_BODY, &res, &why), 0);
	assert_int_equal(res.status, 200);
	assert_int_equal(res.body.len, HTTPC_MAX_BODY);
	assert_string_equal(res.content_type, "application/json");
	assert_int_equal(fetch(HTTPC_MAX_BODY + 1, &res, &why), -1);
	assert_non_null(strstr(buf_cstr(&why), "larger than"));
	buf_reset(&why);
	assert_int_equal(httpc_get("http://example.org/", NULL, NULL, &res, &why), -1);
	assert_non_null(strstr(buf_cstr(&why), "only https"));
	httpc_response_free(&res);
	buf_free(&why);
}

int main(void)
{
	httpc_global_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url_allowed),
		cmocka_unit_test(test_encode),
		cmocka_unit_test(test_size_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
