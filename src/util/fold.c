/* fold: comparison keys of what people type. */
#include "util/fold.h"

#include <stdint.h>
#include <string.h>

#include "util/utf8.h"

/* ASCII base letters of U+00C0..U+00FF (0 = keep as is). */
static const char latin1_base[64] = "aaaaaaaceeeeiiii"
				    "dnooooo\0ouuuuyts"
				    "aaaaaaaceeeeiiii"
				    "dnooooo\0ouuuuyty";

static bool is_space_cp(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0xa0 || cp == 0x202f || cp == 0x2009 ||
	       cp == 0x2007;
}

void fold_key(const char *s, buf_t *out)
{
	/* Case-folded and in NFC first, so that a letter typed decomposed
	 * ("e" + U+0301) loses its accent below like a composed one, and
	 * capitals beyond Latin-1 fold too. */
	buf_t folded = BUF_INIT;
	utf8_casefold(s, strlen(s), &folded);
	s = buf_cstr(&folded);
	size_t len = folded.len, start = out->len;
	bool space = false;
	buf_put(out, "", 0);
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		i += utf8_decode(s + i, len - i, &cp);
		if (is_space_cp(cp) || cp == '-' || cp == '_' || cp == 0x2010 || cp == 0x2011) {
			space = true;
			continue;
		}
		if (space && out->len > start)
			buf_putc(out, ' ');
		space = false;
		if (cp >= 'A' && cp <= 'Z') {
			buf_putc(out, (char)(cp + 32));
		} else if (cp < 0x80) {
			buf_putc(out, (char)cp);
		} else if ((cp >= 0xc0 && cp <= 0xff && latin1_base[cp - 0xc0]) || cp == 0x152 || cp == 0x153) {
			if (cp == 0x152 || cp == 0x153) {
				buf_puts(out, "oe");
			} else {
				buf_putc(out, latin1_base[cp - 0xc0]);
				if (cp == 0xc6 || cp == 0xe6)
					buf_putc(out, 'e'); /* æ */
				if (cp == 0xdf)
					buf_putc(out, 's'); /* ß */
			}
			/* Marks stacked on a letter whose accent goes go with it: left
			 * on the bare letter, the key of the key would compose them
			 * back into an accented letter ("é" + U+0301). */
			while (i < len) {
				uint32_t m;
				size_t k = utf8_decode(s + i, len - i, &m);
				if (!utf8_is_mark(m))
					break;
				i += k;
			}
		} else if (cp == 0x2019 || cp == 0x2018 || cp == 0x2bc) {
			buf_putc(out, '\'');
		} else {
			/* Other characters are kept as they are (UTF-8). */
			char tmp[4];
			size_t n;
			if (cp < 0x800) {
				tmp[0] = (char)(0xc0 | (cp >> 6));
				tmp[1] = (char)(0x80 | (cp & 0x3f));
				n = 2;
			} else if (cp < 0x10000) {
				tmp[0] = (char)(0xe0 | (cp >> 12));
				tmp[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
				tmp[2] = (char)(0x80 | (cp & 0x3f));
				n = 3;
			} else {
				tmp[0] = (char)(0xf0 | (cp >> 18));
				tmp[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
				tmp[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
				tmp[3] = (char)(0x80 | (cp & 0x3f));
				n = 4;
			}
			buf_put(out, tmp, n);
		}
	}
	buf_free(&folded);
}

bool fold_equal(const char *a, const char *b)
{
	buf_t x = BUF_INIT, y = BUF_INIT;
	fold_key(a, &x);
	fold_key(b, &y);
	bool eq = strcmp(buf_cstr(&x), buf_cstr(&y)) == 0;
	buf_free(&x);
	buf_free(&y);
	return eq;
}
