/* jose: JWK sets and JWS compact verification (see jose.h). */
#include "util/jose.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

typedef enum { KEY_RSA, KEY_EC } key_type_t;

typedef struct {
	char *kid; /* NULL when the JWK has none */
	key_type_t type;
	EVP_PKEY *pkey;
} jose_key_t;

struct jose_keyset {
	jose_key_t keys[JOSE_MAX_KEYS];
	size_t n;
};

unsigned char *jose_b64url_decode(const char *s, size_t len, size_t *n)
{
	/* Decoded data is at most 3/4 of the text: one allocation suffices. */
	unsigned char *out = xmalloc(len / 4 * 3 + 3);
	size_t got = 0;
	const char *end = NULL;
	if (sodium_base642bin(out, len / 4 * 3 + 2, s, len, NULL, &got, &end,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    end != s + len) {
		free(out);
		return NULL;
	}
	out[got] = '\0';
	*n = got;
	return out;
}

void jose_b64url_encode(const unsigned char *data, size_t n, buf_t *out)
{
	size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *tmp = xmalloc(cap);
	sodium_bin2base64(tmp, cap, data, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	buf_puts(out, tmp);
	free(tmp);
}

/* A JWK member holding a base64url big-endian integer, as a BIGNUM. */
static BIGNUM *jwk_bn(json_t *jwk, const char *name, size_t want_len)
{
	const char *s = json_string_value(json_object_get(jwk, name));
	size_t n = 0;
	unsigned char *raw = s ? jose_b64url_decode(s, strlen(s), &n) : NULL;
	BIGNUM *bn = NULL;
	if (raw && n > 0 && (want_len == 0 || n == want_len))
		bn = BN_bin2bn(raw, (int)n, NULL);
	free(raw);
	return bn;
}

static EVP_PKEY *from_params(const char *type, OSSL_PARAM_BLD *bld)
{
	OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	EVP_PKEY *pkey = NULL;
	if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0)
		pkey = NULL;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	return pkey;
}

/* RSA n, e; keys under 2048 bits are refused (forgeable). */
static EVP_PKEY *rsa_key(json_t *jwk)
{
	BIGNUM *n = jwk_bn(jwk, "n", 0), *e = jwk_bn(jwk, "e", 0);
	EVP_PKEY *pkey = NULL;
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	if (n && e && BN_num_bits(n) >= 2048 && bld && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e))
		pkey = from_params("RSA", bld);
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(e);
	return pkey;
}

/* EC P-256 x, y (32 bytes each) as an uncompressed point; OpenSSL checks
 * that the point is on the curve. */
static EVP_PKEY *ec_key(json_t *jwk)
{
	const char *crv = json_string_value(json_object_get(jwk, "crv"));
	const char *xs = json_string_value(json_object_get(jwk, "x")), *ys = json_string_value(json_object_get(jwk, "y"));
	if (!crv || strcmp(crv, "P-256") != 0 || !xs || !ys)
		return NULL;
	size_t xn = 0, yn = 0;
	unsigned char *x = jose_b64url_decode(xs, strlen(xs), &xn), *y = jose_b64url_decode(ys, strlen(ys), &yn);
	EVP_PKEY *pkey = NULL;
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	if (x && y && xn == 32 && yn == 32 && bld) {
		unsigned char point[65];
		point[0] = 0x04;
		memcpy(point + 1, x, 32);
		memcpy(point + 33, y, 32);
		if (OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) &&
		    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point))
			pkey = from_params("EC", bld);
	}
	OSSL_PARAM_BLD_free(bld);
	free(x);
	free(y);
	return pkey;
}

jose_keyset_t *jose_keyset_parse(const char *json, size_t len, buf_t *why)
{
	jose_keyset_t *ks = NULL;
	if (len > JOSE_MAX_JWKS) {
		buf_printf(why, "the key set is larger than %zu bytes", JOSE_MAX_JWKS);
		return NULL;
	}
	json_error_t err;
	json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &err);
	json_t *keys = json_object_get(root, "keys");
	if (!json_is_array(keys)) {
		buf_puts(why, "not a JWK set (no \"keys\" array)");
		goto cleanup;
	}
	if (json_array_size(keys) > JOSE_MAX_KEYS) {
		buf_printf(why, "the key set has more than %d keys", JOSE_MAX_KEYS);
		goto cleanup;
	}
	ks = xcalloc(1, sizeof *ks);
	size_t i;
	json_t *jwk;
	json_array_foreach(keys, i, jwk) {
		const char *kty = json_string_value(json_object_get(jwk, "kty"));
		const char *use = json_string_value(json_object_get(jwk, "use"));
		const char *kid = json_string_value(json_object_get(jwk, "kid"));
		if (!kty || (use && strcmp(use, "sig") != 0))
			continue;
		jose_key_t *k = &ks->keys[ks->n];
		if (strcmp(kty, "RSA") == 0) {
			k->type = KEY_RSA;
			k->pkey = rsa_key(jwk);
		} else if (strcmp(kty, "EC") == 0) {
			k->type = KEY_EC;
			k->pkey = ec_key(jwk);
		}
		if (!k->pkey)
			continue;
		k->kid = kid ? xstrdup(kid) : NULL;
		ks->n++;
	}
	if (ks->n == 0) {
		buf_puts(why, "the key set has no usable signing key (RSA of 2048 bits or more, or EC P-256)");
		jose_keyset_free(ks);
		ks = NULL;
	}
cleanup:
	json_decref(root);
	return ks;
}

void jose_keyset_free(jose_keyset_t *ks)
{
	if (!ks)
		return;
	for (size_t i = 0; i < ks->n; i++) {
		free(ks->keys[i].kid);
		EVP_PKEY_free(ks->keys[i].pkey);
	}
	free(ks);
}

size_t jose_keyset_count(const jose_keyset_t *ks)
{
	return ks ? ks->n : 0;
}

/* JOSE's ES256 signature is r||s (32 bytes each); EVP wants DER. Returns
 * the DER length written into *der (caller frees), 0 when it cannot. */
static size_t es256_der(const unsigned char *sig, size_t n, unsigned char **der)
{
	if (n != 64)
		return 0;
	ECDSA_SIG *es = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(sig, 32, NULL), *s = BN_bin2bn(sig + 32, 32, NULL);
	int len = 0;
	*der = NULL;
	if (es && r && s && ECDSA_SIG_set0(es, r, s) == 1) {
		r = s = NULL; /* owned by es now */
		len = i2d_ECDSA_SIG(es, der);
	}
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(es);
	return len > 0 ? (size_t)len : 0;
}

static bool verify_sig(const jose_key_t *k, const char *input, size_t n, const unsigned char *sig, size_t sn)
{
	unsigned char *der = NULL;
	if (k->type == KEY_EC) {
		sn = es256_der(sig, sn, &der);
		if (!sn)
			return false;
		sig = der;
	}
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	bool ok = md && EVP_DigestVerifyInit_ex(md, NULL, "SHA256", NULL, NULL, k->pkey, NULL) == 1 &&
		  EVP_DigestVerify(md, sig, sn, (const unsigned char *)input, n) == 1;
	EVP_MD_CTX_free(md);
	OPENSSL_free(der);
	return ok;
}

static const jose_key_t *find_key(const jose_keyset_t *ks, const char *kid)
{
	if (!kid)
		return ks->n == 1 ? &ks->keys[0] : NULL;
	for (size_t i = 0; i < ks->n; i++)
		if (ks->keys[i].kid && strcmp(ks->keys[i].kid, kid) == 0)
			return &ks->keys[i];
	return NULL;
}

static jose_rc fail(buf_t *why, const char *msg)
{
	if (why)
		buf_puts(why, msg);
	return JOSE_INVALID;
}

jose_rc jose_verify(const jose_keyset_t *ks, const char *token, size_t len, json_t **claims, buf_t *why)
{
	*claims = NULL;
	if (len > JOSE_MAX_TOKEN)
		return fail(why, "the token is larger than the limit (JOSE_MAX_TOKEN)");
	if (memchr(token, '\0', len))
		return fail(why, "the token holds a NUL byte");
	const char *dot1 = memchr(token, '.', len);
	const char *dot2 = dot1 ? memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - token)) : NULL;
	if (!dot2 || memchr(dot2 + 1, '.', len - (size_t)(dot2 + 1 - token)))
		return fail(why, "not a JWS in compact form (three parts separated by dots)");
	jose_rc rc = JOSE_INVALID;
	size_t hn = 0, pn = 0, sn = 0;
	unsigned char *h = jose_b64url_decode(token, (size_t)(dot1 - token), &hn);
	unsigned char *p = jose_b64url_decode(dot1 + 1, (size_t)(dot2 - dot1 - 1), &pn);
	unsigned char *sig = jose_b64url_decode(dot2 + 1, len - (size_t)(dot2 + 1 - token), &sn);
	json_t *header = h ? json_loadb((const char *)h, hn, JSON_REJECT_DUPLICATES, NULL) : NULL;
	json_t *payload = NULL;
	if (!h || !p || !sig || !json_is_object(header)) {
		fail(why, "a part of the token is not base64url, or its header is not a JSON object");
		goto cleanup;
	}
	const char *alg = json_string_value(json_object_get(header, "alg"));
	json_t *kidv = json_object_get(header, "kid");
	if (kidv && !json_is_string(kidv)) {
		fail(why, "the header's kid is not a string");
		goto cleanup;
	}
	/* Only what a provider signs with: "none", HMAC (whose secret a
	 * confused verifier would take from a public key) and the rest are
	 * refused before any key is looked at. */
	if (!alg || (strcmp(alg, "RS256") != 0 && strcmp(alg, "ES256") != 0)) {
		if (why)
			buf_printf(why, "the signature algorithm '%s' is not accepted (RS256 or ES256 only)",
				   alg ? alg : "(none given)");
		goto cleanup;
	}
	if (sn == 0) {
		fail(why, "the token has no signature");
		goto cleanup;
	}
	if (json_object_get(header, "crit")) {
		fail(why, "the header has critical extensions (crit), which are not supported");
		goto cleanup;
	}
	const jose_key_t *k = find_key(ks, json_string_value(kidv));
	if (!k) {
		if (why)
			buf_printf(why, "no key with kid '%s' in the provider's key set",
				   kidv ? json_string_value(kidv) : "(none given)");
		rc = JOSE_UNKNOWN_KID;
		goto cleanup;
	}
	/* The key's type fixes the algorithm: an RS256 header on an EC key (or
	 * the reverse) is refused, not tried. */
	if ((k->type == KEY_RSA) != (strcmp(alg, "RS256") == 0)) {
		fail(why, "the header's algorithm does not match the key's type");
		goto cleanup;
	}
	if (!verify_sig(k, token, (size_t)(dot2 - token), sig, sn)) {
		fail(why, "the signature is not valid");
		goto cleanup;
	}
	payload = json_loadb((const char *)p, pn, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(payload)) {
		fail(why, "the payload is not a JSON object");
		goto cleanup;
	}
	*claims = payload;
	payload = NULL;
	rc = JOSE_OK;
cleanup:
	json_decref(header);
	json_decref(payload);
	free(h);
	free(p);
	free(sig);
	return rc;
}
