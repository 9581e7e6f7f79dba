/* suggest: bounded Levenshtein distance for typo hints. */
#include "util/suggest.h"

#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"
#include "util/xalloc.h"

/* The code points of s case-folded and in NFC: a difference of case or of
 * composition ("e" + U+0301 for "é") is no edit. */
static uint32_t *decode_all(const char *s, size_t *n)
{
	buf_t f = BUF_INIT;
	utf8_casefold(s, strlen(s), &f);
	const char *t = buf_cstr(&f);
	size_t len = f.len;
	uint32_t *cps = xmalloc((len + 1) * sizeof *cps);
	size_t k = 0;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		i += utf8_decode(t + i, len - i, &cp);
		cps[k++] = cp;
	}
	buf_free(&f);
	*n = k;
	return cps;
}

size_t suggest_distance(const char *a, const char *b, size_t limit)
{
	size_t na, nb;
	uint32_t *x = decode_all(a, &na), *y = decode_all(b, &nb);
	size_t result;
	if ((na > nb ? na - nb : nb - na) > limit) {
		result = limit + 1;
		goto cleanup;
	}
	size_t *prev = xmalloc((nb + 1) * sizeof *prev), *cur = xmalloc((nb + 1) * sizeof *cur);
	for (size_t j = 0; j <= nb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= na; i++) {
		cur[0] = i;
		size_t rowmin = cur[0];
		for (size_t j = 1; j <= nb; j++) {
			size_t sub = prev[j - 1] + (x[i - 1] != y[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
			size_t m = sub < del ? sub : del;
			cur[j] = m < ins ? m : ins;
			if (cur[j] < rowmin)
				rowmin = cur[j];
		}
		size_t *t = prev;
		prev = cur;
		cur = t;
		/* Once a whole row exceeds the limit the distance can only grow. */
		if (rowmin > limit)
			break;
	}
	result = prev[nb] > limit ? limit + 1 : prev[nb];
	free(prev);
	free(cur);
cleanup:
	free(x);
	free(y);
	return result;
}

const char *suggest_closest(const char *word, const char *const *cands, size_t n)
{
	size_t len = utf8_length(word, strlen(word));
	size_t limit = len / 3 > 2 ? len / 3 : 2;
	const char *best = NULL;
	size_t bestd = limit + 1;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(cands[i], word) == 0)
			continue;
		size_t d = suggest_distance(word, cands[i], limit);
		if (d < bestd) {
			bestd = d;
			best = cands[i];
		}
	}
	return best;
}
