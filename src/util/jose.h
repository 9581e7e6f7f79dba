/* jose: the part of JOSE an OpenID Connect client needs: a JSON Web Key set
 * (RSA and EC P-256 public keys, built with OpenSSL 3's EVP_PKEY_fromdata)
 * and the verification of a JWS in compact form (RS256, ES256) against it,
 * the key chosen by the header's kid. Claims come back as a jansson object.
 * No cryptography here: OpenSSL verifies, libsodium decodes base64url. */
#ifndef SOBRE_JOSE_H
#define SOBRE_JOSE_H

#include <jansson.h>
#include <stddef.h>

#include "util/buf.h"

/* An ID token or signed userinfo is a few kilobytes; a larger input is not
 * one, and would be decoded and parsed whole otherwise. */
#define JOSE_MAX_TOKEN ((size_t)64 * 1024)
/* A provider publishes a handful of keys (current, next, previous); more is
 * a mistake or an attack making every lookup and parse longer. */
#define JOSE_MAX_KEYS 64
/* A JWK set document: 64 keys of 4096-bit RSA fit in well under this. */
#define JOSE_MAX_JWKS ((size_t)256 * 1024)

typedef struct jose_keyset jose_keyset_t;

typedef enum {
	JOSE_OK,
	JOSE_UNKNOWN_KID, /* no key with the header's kid (the caller may refetch the set once) */
	JOSE_INVALID,     /* malformed, refused algorithm, or bad signature: why says which */
} jose_rc;

/* Parses a JWK set ({"keys": [...]}, len bytes). Keys of other types,
 * curves or uses ("use": "enc") are skipped; a key that cannot be built is
 * skipped too. Returns NULL with why filled when the document is not a set
 * or has no usable signing key. Caller frees with jose_keyset_free. */
jose_keyset_t *jose_keyset_parse(const char *json, size_t len, buf_t *why);
void jose_keyset_free(jose_keyset_t *ks);
/* The number of usable keys. */
size_t jose_keyset_count(const jose_keyset_t *ks);

/* Verifies token (a JWS compact serialisation, len bytes) with the key of
 * ks named by its header's kid (a set of one key may be used without kid),
 * accepting only RS256 and ES256 and only the algorithm that key's type
 * takes ("none", HS256 and alg/key mismatches are refused). On JOSE_OK
 * *claims gets the payload object (the caller json_decref's it); else why
 * (may be NULL) gets the reason. */
jose_rc jose_verify(const jose_keyset_t *ks, const char *token, size_t len, json_t **claims, buf_t *why);

/* Decodes base64url without padding into a fresh buffer (NUL-terminated,
 * *n bytes); NULL when it is not base64url. Caller frees. */
unsigned char *jose_b64url_decode(const char *s, size_t len, size_t *n);
/* Appends the base64url (no padding) form of data to out. */
void jose_b64url_encode(const unsigned char *data, size_t n, buf_t *out);

#endif
