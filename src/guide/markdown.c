/* markdown: md4c's callbacks turned into the HTML markdown-it 13 gave the old site.
 * Blocks stream straight to the output; the inline content of each block is held
 * as a token list (markdown-it's "inline children") so that linkify and the
 * typographer can look across spans, exactly as markdown-it's core rules do. */
#include "guide/markdown.h"

#include <ctype.h>
#include <limits.h>
#include <md4c.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/xalloc.h"

/* ---- Unicode classes, as markdown-it and linkify-it see them ------------- */

/* Unicode category P from uc.micro (the tables markdown-it 13 ships), BMP only:
 * JavaScript regexps see astral characters as surrogates, never as P. */
static const struct {
	uint16_t lo, hi;
} punct_ranges[] = {
	{0x0021, 0x0023}, {0x0025, 0x002A}, {0x002C, 0x002F}, {0x003A, 0x003B}, {0x003F, 0x0040},
	{0x005B, 0x005D}, {0x005F, 0x005F}, {0x007B, 0x007B}, {0x007D, 0x007D}, {0x00A1, 0x00A1},
	{0x00A7, 0x00A7}, {0x00AB, 0x00AB}, {0x00B6, 0x00B7}, {0x00BB, 0x00BB}, {0x00BF, 0x00BF},
	{0x037E, 0x037E}, {0x0387, 0x0387}, {0x055A, 0x055F}, {0x0589, 0x058A}, {0x05BE, 0x05BE},
	{0x05C0, 0x05C0}, {0x05C3, 0x05C3}, {0x05C6, 0x05C6}, {0x05F3, 0x05F4}, {0x0609, 0x060A},
	{0x060C, 0x060D}, {0x061B, 0x061B}, {0x061E, 0x061F}, {0x066A, 0x066D}, {0x06D4, 0x06D4},
	{0x0700, 0x070D}, {0x07F7, 0x07F9}, {0x0830, 0x083E}, {0x085E, 0x085E}, {0x0964, 0x0965},
	{0x0970, 0x0970}, {0x09FD, 0x09FD}, {0x0A76, 0x0A76}, {0x0AF0, 0x0AF0}, {0x0C84, 0x0C84},
	{0x0DF4, 0x0DF4}, {0x0E4F, 0x0E4F}, {0x0E5A, 0x0E5B}, {0x0F04, 0x0F12}, {0x0F14, 0x0F14},
	{0x0F3A, 0x0F3D}, {0x0F85, 0x0F85}, {0x0FD0, 0x0FD4}, {0x0FD9, 0x0FDA}, {0x104A, 0x104F},
	{0x10FB, 0x10FB}, {0x1360, 0x1368}, {0x1400, 0x1400}, {0x166D, 0x166E}, {0x169B, 0x169C},
	{0x16EB, 0x16ED}, {0x1735, 0x1736}, {0x17D4, 0x17D6}, {0x17D8, 0x17DA}, {0x1800, 0x180A},
	{0x1944, 0x1945}, {0x1A1E, 0x1A1F}, {0x1AA0, 0x1AA6}, {0x1AA8, 0x1AAD}, {0x1B5A, 0x1B60},
	{0x1BFC, 0x1BFF}, {0x1C3B, 0x1C3F}, {0x1C7E, 0x1C7F}, {0x1CC0, 0x1CC7}, {0x1CD3, 0x1CD3},
	{0x2010, 0x2027}, {0x2030, 0x2043}, {0x2045, 0x2051}, {0x2053, 0x205E}, {0x207D, 0x207E},
	{0x208D, 0x208E}, {0x2308, 0x230B}, {0x2329, 0x232A}, {0x2768, 0x2775}, {0x27C5, 0x27C6},
	{0x27E6, 0x27EF}, {0x2983, 0x2998}, {0x29D8, 0x29DB}, {0x29FC, 0x29FD}, {0x2CF9, 0x2CFC},
	{0x2CFE, 0x2CFF}, {0x2D70, 0x2D70}, {0x2E00, 0x2E2E}, {0x2E30, 0x2E4E}, {0x3001, 0x3003},
	{0x3008, 0x3011}, {0x3014, 0x301F}, {0x3030, 0x3030}, {0x303D, 0x303D}, {0x30A0, 0x30A0},
	{0x30FB, 0x30FB}, {0xA4FE, 0xA4FF}, {0xA60D, 0xA60F}, {0xA673, 0xA673}, {0xA67E, 0xA67E},
	{0xA6F2, 0xA6F7}, {0xA874, 0xA877}, {0xA8CE, 0xA8CF}, {0xA8F8, 0xA8FA}, {0xA8FC, 0xA8FC},
	{0xA92E, 0xA92F}, {0xA95F, 0xA95F}, {0xA9C1, 0xA9CD}, {0xA9DE, 0xA9DF}, {0xAA5C, 0xAA5F},
	{0xAADE, 0xAADF}, {0xAAF0, 0xAAF1}, {0xABEB, 0xABEB}, {0xFD3E, 0xFD3F}, {0xFE10, 0xFE19},
	{0xFE30, 0xFE52}, {0xFE54, 0xFE61}, {0xFE63, 0xFE63}, {0xFE68, 0xFE68}, {0xFE6A, 0xFE6B},
	{0xFF01, 0xFF03}, {0xFF05, 0xFF0A}, {0xFF0C, 0xFF0F}, {0xFF1A, 0xFF1B}, {0xFF1F, 0xFF20},
	{0xFF3B, 0xFF3D}, {0xFF3F, 0xFF3F}, {0xFF5B, 0xFF5B}, {0xFF5D, 0xFF5D}, {0xFF5F, 0xFF65},
};

static int is_punct(uint32_t c)
{
	size_t lo = 0, hi = sizeof punct_ranges / sizeof punct_ranges[0];
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (c < punct_ranges[mid].lo)
			hi = mid;
		else if (c > punct_ranges[mid].hi)
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

static int is_ascii_punct(uint32_t c)
{
	return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) ||
	       (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E);
}

/* markdown-it's isWhiteSpace (smartquotes). */
static int is_mdit_space(uint32_t c)
{
	return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0xA0 || c == 0x1680 ||
	       (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F || c == 0x3000;
}

/* JavaScript's \s (replacements' dash rules). */
static int is_js_space(uint32_t c)
{
	return is_mdit_space(c) || c == 0x2028 || c == 0x2029 || c == 0xFEFF;
}

/* uc.micro Z and Cc: linkify-it's separators. */
static int is_zcc(uint32_t c)
{
	return c <= 0x20 || (c >= 0x7F && c <= 0xA0) || c == 0x1680 ||
	       (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
	       c == 0x205F || c == 0x3000;
}

static int is_zpcc(uint32_t c)
{
	/* Hot in linkify's scan: ASCII answers without the range search
	 * (Unicode P in ASCII: ASCII punctuation but $ + < = > ^ ` | ~). */
	if (c < 0x80)
		return c <= 0x20 || c == 0x7F || (is_ascii_punct(c) && !strchr("$+<=>^`|~", (int)c));
	return is_zcc(c) || is_punct(c);
}

/* linkify-it's text_separators: characters that can never be inside a link. */
static int is_sep(uint32_t c)
{
	return c == '<' || c == '>' || c == 0xFF5C;
}

static int is_pseudo_letter(uint32_t c)
{
	return !is_sep(c) && !is_zpcc(c);
}

/* Decodes the code point at s[i] (i < n) and its byte length. A bad byte decodes
 * as U+FFFD of length 1, so scans always progress. */
static uint32_t u8_at(const char *s, size_t n, size_t i, size_t *adv)
{
	const unsigned char *p = (const unsigned char *)s + i;
	uint32_t c = p[0];
	size_t len;
	*adv = 1;
	if (c < 0x80)
		return c;
	if ((c & 0xE0) == 0xC0) {
		len = 2;
		c &= 0x1F;
	} else if ((c & 0xF0) == 0xE0) {
		len = 3;
		c &= 0x0F;
	} else if ((c & 0xF8) == 0xF0) {
		len = 4;
		c &= 0x07;
	} else {
		return 0xFFFD;
	}
	if (len > n - i)
		return 0xFFFD;
	for (size_t k = 1; k < len; k++) {
		if ((p[k] & 0xC0) != 0x80)
			return 0xFFFD;
		c = (c << 6) | (p[k] & 0x3F);
	}
	*adv = len;
	return c;
}

/* Code point ending just before s[i], i > 0. */
static uint32_t u8_before(const char *s, size_t i)
{
	size_t j = i - 1, adv;
	while (j > 0 && i - j < 4 && ((unsigned char)s[j] & 0xC0) == 0x80)
		j--;
	uint32_t c = u8_at(s, i, j, &adv);
	return j + adv == i ? c : 0xFFFD;
}

/* Code point at i, or 0 past the end (0 is a control: a separator everywhere). */
static uint32_t cp_at(const char *s, size_t n, size_t i, size_t *adv)
{
	if (i >= n) {
		*adv = 0;
		return 0;
	}
	return u8_at(s, n, i, adv);
}

static void u8_put(buf_t *b, uint32_t c)
{
	char t[4];
	size_t n;
	if (c < 0x80) {
		t[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		t[0] = (char)(0xC0 | (c >> 6));
		t[1] = (char)(0x80 | (c & 0x3F));
		n = 2;
	} else if (c < 0x10000) {
		t[0] = (char)(0xE0 | (c >> 12));
		t[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		t[2] = (char)(0x80 | (c & 0x3F));
		n = 3;
	} else {
		t[0] = (char)(0xF0 | (c >> 18));
		t[1] = (char)(0x80 | ((c >> 12) & 0x3F));
		t[2] = (char)(0x80 | ((c >> 6) & 0x3F));
		t[3] = (char)(0x80 | (c & 0x3F));
		n = 4;
	}
	buf_put(b, t, n);
}

#define U8_REPLACEMENT "\xEF\xBF\xBD"

/* ---- Entities ------------------------------------------------------------ */

/* HTML 4 named entities plus &apos;. markdown-it knows all 2125 of HTML 5;
 * the rarer HTML 5-only names stay literal here, a deliberate size trade-off. */
static const struct entity {
	const char *name;
	const char *utf8;
} entities[] = {
	{"AElig", "\xC3\x86"}, {"Aacute", "\xC3\x81"}, {"Acirc", "\xC3\x82"}, {"Agrave", "\xC3\x80"}, {"Alpha", "\xCE\x91"},
	{"Aring", "\xC3\x85"}, {"Atilde", "\xC3\x83"}, {"Auml", "\xC3\x84"}, {"Beta", "\xCE\x92"}, {"Ccedil", "\xC3\x87"},
	{"Chi", "\xCE\xA7"}, {"Dagger", "\xE2\x80\xA1"}, {"Delta", "\xCE\x94"}, {"ETH", "\xC3\x90"}, {"Eacute", "\xC3\x89"},
	{"Ecirc", "\xC3\x8A"}, {"Egrave", "\xC3\x88"}, {"Epsilon", "\xCE\x95"}, {"Eta", "\xCE\x97"}, {"Euml", "\xC3\x8B"},
	{"Gamma", "\xCE\x93"}, {"Iacute", "\xC3\x8D"}, {"Icirc", "\xC3\x8E"}, {"Igrave", "\xC3\x8C"}, {"Iota", "\xCE\x99"},
	{"Iuml", "\xC3\x8F"}, {"Kappa", "\xCE\x9A"}, {"Lambda", "\xCE\x9B"}, {"Mu", "\xCE\x9C"}, {"Ntilde", "\xC3\x91"},
	{"Nu", "\xCE\x9D"}, {"OElig", "\xC5\x92"}, {"Oacute", "\xC3\x93"}, {"Ocirc", "\xC3\x94"}, {"Ograve", "\xC3\x92"},
	{"Omega", "\xCE\xA9"}, {"Omicron", "\xCE\x9F"}, {"Oslash", "\xC3\x98"}, {"Otilde", "\xC3\x95"}, {"Ouml", "\xC3\x96"},
	{"Phi", "\xCE\xA6"}, {"Pi", "\xCE\xA0"}, {"Prime", "\xE2\x80\xB3"}, {"Psi", "\xCE\xA8"}, {"Rho", "\xCE\xA1"},
	{"Scaron", "\xC5\xA0"}, {"Sigma", "\xCE\xA3"}, {"THORN", "\xC3\x9E"}, {"Tau", "\xCE\xA4"}, {"Theta", "\xCE\x98"},
	{"Uacute", "\xC3\x9A"}, {"Ucirc", "\xC3\x9B"}, {"Ugrave", "\xC3\x99"}, {"Upsilon", "\xCE\xA5"}, {"Uuml", "\xC3\x9C"},
	{"Xi", "\xCE\x9E"}, {"Yacute", "\xC3\x9D"}, {"Yuml", "\xC5\xB8"}, {"Zeta", "\xCE\x96"}, {"aacute", "\xC3\xA1"},
	{"acirc", "\xC3\xA2"}, {"acute", "\xC2\xB4"}, {"aelig", "\xC3\xA6"}, {"agrave", "\xC3\xA0"}, {"alefsym", "\xE2\x84\xB5"},
	{"alpha", "\xCE\xB1"}, {"amp", "&"}, {"and", "\xE2\x88\xA7"}, {"ang", "\xE2\x88\xA0"}, {"apos", "'"},
	{"aring", "\xC3\xA5"}, {"asymp", "\xE2\x89\x88"}, {"atilde", "\xC3\xA3"}, {"auml", "\xC3\xA4"}, {"bdquo", "\xE2\x80\x9E"},
	{"beta", "\xCE\xB2"}, {"brvbar", "\xC2\xA6"}, {"bull", "\xE2\x80\xA2"}, {"cap", "\xE2\x88\xA9"}, {"ccedil", "\xC3\xA7"},
	{"cedil", "\xC2\xB8"}, {"cent", "\xC2\xA2"}, {"chi", "\xCF\x87"}, {"circ", "\xCB\x86"}, {"clubs", "\xE2\x99\xA3"},
	{"cong", "\xE2\x89\x85"}, {"copy", "\xC2\xA9"}, {"crarr", "\xE2\x86\xB5"}, {"cup", "\xE2\x88\xAA"}, {"curren", "\xC2\xA4"},
	{"dArr", "\xE2\x87\x93"}, {"dagger", "\xE2\x80\xA0"}, {"darr", "\xE2\x86\x93"}, {"deg", "\xC2\xB0"}, {"delta", "\xCE\xB4"},
	{"diams", "\xE2\x99\xA6"}, {"divide", "\xC3\xB7"}, {"eacute", "\xC3\xA9"}, {"ecirc", "\xC3\xAA"}, {"egrave", "\xC3\xA8"},
	{"empty", "\xE2\x88\x85"}, {"emsp", "\xE2\x80\x83"}, {"ensp", "\xE2\x80\x82"}, {"epsilon", "\xCE\xB5"}, {"equiv", "\xE2\x89\xA1"},
	{"eta", "\xCE\xB7"}, {"eth", "\xC3\xB0"}, {"euml", "\xC3\xAB"}, {"euro", "\xE2\x82\xAC"}, {"exist", "\xE2\x88\x83"},
	{"fnof", "\xC6\x92"}, {"forall", "\xE2\x88\x80"}, {"frac12", "\xC2\xBD"}, {"frac14", "\xC2\xBC"}, {"frac34", "\xC2\xBE"},
	{"frasl", "\xE2\x81\x84"}, {"gamma", "\xCE\xB3"}, {"ge", "\xE2\x89\xA5"}, {"gt", ">"}, {"hArr", "\xE2\x87\x94"},
	{"harr", "\xE2\x86\x94"}, {"hearts", "\xE2\x99\xA5"}, {"hellip", "\xE2\x80\xA6"}, {"iacute", "\xC3\xAD"}, {"icirc", "\xC3\xAE"},
	{"iexcl", "\xC2\xA1"}, {"igrave", "\xC3\xAC"}, {"image", "\xE2\x84\x91"}, {"infin", "\xE2\x88\x9E"}, {"int", "\xE2\x88\xAB"},
	{"iota", "\xCE\xB9"}, {"iquest", "\xC2\xBF"}, {"isin", "\xE2\x88\x88"}, {"iuml", "\xC3\xAF"}, {"kappa", "\xCE\xBA"},
	{"lArr", "\xE2\x87\x90"}, {"lambda", "\xCE\xBB"}, {"lang", "\xE2\x9F\xA8"}, {"laquo", "\xC2\xAB"}, {"larr", "\xE2\x86\x90"},
	{"lceil", "\xE2\x8C\x88"}, {"ldquo", "\xE2\x80\x9C"}, {"le", "\xE2\x89\xA4"}, {"lfloor", "\xE2\x8C\x8A"}, {"lowast", "\xE2\x88\x97"},
	{"loz", "\xE2\x97\x8A"}, {"lrm", "\xE2\x80\x8E"}, {"lsaquo", "\xE2\x80\xB9"}, {"lsquo", "\xE2\x80\x98"}, {"lt", "<"},
	{"macr", "\xC2\xAF"}, {"mdash", "\xE2\x80\x94"}, {"micro", "\xC2\xB5"}, {"middot", "\xC2\xB7"}, {"minus", "\xE2\x88\x92"},
	{"mu", "\xCE\xBC"}, {"nabla", "\xE2\x88\x87"}, {"nbsp", "\xC2\xA0"}, {"ndash", "\xE2\x80\x93"}, {"ne", "\xE2\x89\xA0"},
	{"ni", "\xE2\x88\x8B"}, {"not", "\xC2\xAC"}, {"notin", "\xE2\x88\x89"}, {"nsub", "\xE2\x8A\x84"}, {"ntilde", "\xC3\xB1"},
	{"nu", "\xCE\xBD"}, {"oacute", "\xC3\xB3"}, {"ocirc", "\xC3\xB4"}, {"oelig", "\xC5\x93"}, {"ograve", "\xC3\xB2"},
	{"oline", "\xE2\x80\xBE"}, {"omega", "\xCF\x89"}, {"omicron", "\xCE\xBF"}, {"oplus", "\xE2\x8A\x95"}, {"or", "\xE2\x88\xA8"},
	{"ordf", "\xC2\xAA"}, {"ordm", "\xC2\xBA"}, {"oslash", "\xC3\xB8"}, {"otilde", "\xC3\xB5"}, {"otimes", "\xE2\x8A\x97"},
	{"ouml", "\xC3\xB6"}, {"para", "\xC2\xB6"}, {"part", "\xE2\x88\x82"}, {"permil", "\xE2\x80\xB0"}, {"perp", "\xE2\x8A\xA5"},
	{"phi", "\xCF\x86"}, {"pi", "\xCF\x80"}, {"piv", "\xCF\x96"}, {"plusmn", "\xC2\xB1"}, {"pound", "\xC2\xA3"},
	{"prime", "\xE2\x80\xB2"}, {"prod", "\xE2\x88\x8F"}, {"prop", "\xE2\x88\x9D"}, {"psi", "\xCF\x88"}, {"quot", "\x22"},
	{"rArr", "\xE2\x87\x92"}, {"radic", "\xE2\x88\x9A"}, {"rang", "\xE2\x9F\xA9"}, {"raquo", "\xC2\xBB"}, {"rarr", "\xE2\x86\x92"},
	{"rceil", "\xE2\x8C\x89"}, {"rdquo", "\xE2\x80\x9D"}, {"real", "\xE2\x84\x9C"}, {"reg", "\xC2\xAE"}, {"rfloor", "\xE2\x8C\x8B"},
	{"rho", "\xCF\x81"}, {"rlm", "\xE2\x80\x8F"}, {"rsaquo", "\xE2\x80\xBA"}, {"rsquo", "\xE2\x80\x99"}, {"sbquo", "\xE2\x80\x9A"},
	{"scaron", "\xC5\xA1"}, {"sdot", "\xE2\x8B\x85"}, {"sect", "\xC2\xA7"}, {"shy", "\xC2\xAD"}, {"sigma", "\xCF\x83"},
	{"sigmaf", "\xCF\x82"}, {"sim", "\xE2\x88\xBC"}, {"spades", "\xE2\x99\xA0"}, {"sub", "\xE2\x8A\x82"}, {"sube", "\xE2\x8A\x86"},
	{"sum", "\xE2\x88\x91"}, {"sup", "\xE2\x8A\x83"}, {"sup1", "\xC2\xB9"}, {"sup2", "\xC2\xB2"}, {"sup3", "\xC2\xB3"},
	{"supe", "\xE2\x8A\x87"}, {"szlig", "\xC3\x9F"}, {"tau", "\xCF\x84"}, {"there4", "\xE2\x88\xB4"}, {"theta", "\xCE\xB8"},
	{"thetasym", "\xCF\x91"}, {"thinsp", "\xE2\x80\x89"}, {"thorn", "\xC3\xBE"}, {"tilde", "\xCB\x9C"}, {"times", "\xC3\x97"},
	{"trade", "\xE2\x84\xA2"}, {"uArr", "\xE2\x87\x91"}, {"uacute", "\xC3\xBA"}, {"uarr", "\xE2\x86\x91"}, {"ucirc", "\xC3\xBB"},
	{"ugrave", "\xC3\xB9"}, {"uml", "\xC2\xA8"}, {"upsih", "\xCF\x92"}, {"upsilon", "\xCF\x85"}, {"uuml", "\xC3\xBC"},
	{"weierp", "\xE2\x84\x98"}, {"xi", "\xCE\xBE"}, {"yacute", "\xC3\xBD"}, {"yen", "\xC2\xA5"}, {"yuml", "\xC3\xBF"},
	{"zeta", "\xCE\xB6"}, {"zwj", "\xE2\x80\x8D"}, {"zwnj", "\xE2\x80\x8C"},
};

typedef struct {
	const char *s;
	size_t n;
} slice_t;

static int entity_cmp(const void *key, const void *elt)
{
	const slice_t *k = key;
	const struct entity *e = elt;
	int r = strncmp(k->s, e->name, k->n);
	if (r)
		return r;
	return e->name[k->n] ? -1 : 0;
}

static int valid_entity_code(unsigned long c)
{
	if (c >= 0xD800 && c <= 0xDFFF)
		return 0;
	if (c >= 0xFDD0 && c <= 0xFDEF)
		return 0;
	if ((c & 0xFFFF) == 0xFFFF || (c & 0xFFFF) == 0xFFFE)
		return 0;
	if (c <= 0x08 || c == 0x0B || (c >= 0x0E && c <= 0x1F) || (c >= 0x7F && c <= 0x9F))
		return 0;
	return c <= 0x10FFFF;
}

/* Decodes an entity as md4c reports it ("&name;", "&#123;", "&#x1F;") into out.
 * Returns 0 for an unknown name, leaving out untouched (markdown-it keeps it as text). */
static int entity_decode(const char *s, size_t n, buf_t *out)
{
	if (n < 3 || s[0] != '&' || s[n - 1] != ';')
		return 0;
	if (s[1] == '#') {
		unsigned long c = 0;
		int hex = s[2] == 'x' || s[2] == 'X';
		size_t i = hex ? 3 : 2;
		if (i >= n - 1 || n - 1 - i > (hex ? 6u : 7u))
			return 0;
		for (; i < n - 1; i++) {
			char ch = s[i];
			unsigned d;
			if (ch >= '0' && ch <= '9')
				d = (unsigned)(ch - '0');
			else if (hex && ch >= 'a' && ch <= 'f')
				d = (unsigned)(ch - 'a' + 10);
			else if (hex && ch >= 'A' && ch <= 'F')
				d = (unsigned)(ch - 'A' + 10);
			else
				return 0;
			c = c * (hex ? 16 : 10) + d;
		}
		u8_put(out, valid_entity_code(c) ? (uint32_t)c : 0xFFFD);
		return 1;
	}
	/* markdown-it's NAMED_RE allows 2 to 32 characters */
	if (n - 2 < 2 || n - 2 > 32)
		return 0;
	slice_t key = {s + 1, n - 2};
	const struct entity *e = bsearch(&key, entities, sizeof entities / sizeof entities[0],
					 sizeof entities[0], entity_cmp);
	if (!e)
		return 0;
	buf_puts(out, e->utf8);
	return 1;
}

/* Flattens an md4c attribute (destination, title, info string) to UTF-8. */
static void attr_decode(const MD_ATTRIBUTE *a, buf_t *out)
{
	if (!a->text || !a->size)
		return;
	for (unsigned i = 0; a->substr_offsets[i] < a->size; i++) {
		const char *s = a->text + a->substr_offsets[i];
		size_t n = a->substr_offsets[i + 1] - a->substr_offsets[i];
		switch (a->substr_types[i]) {
		case MD_TEXT_ENTITY:
			if (!entity_decode(s, n, out))
				buf_put(out, s, n);
			break;
		case MD_TEXT_NULLCHAR:
			buf_puts(out, U8_REPLACEMENT);
			break;
		default:
			buf_put(out, s, n);
			break;
		}
	}
}

/* ---- Escaping and URLs ---------------------------------------------------- */

/* markdown-it's escapeHtml: & < > " only (not the apostrophe, unlike buf_put_html). */
static void put_esc(buf_t *b, const char *s, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		const char *rep;
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		default: continue;
		}
		buf_put(b, s + start, i - start);
		buf_puts(b, rep);
		start = i + 1;
	}
	buf_put(b, s + start, n - start);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static const char hexdig[] = "0123456789ABCDEF";

/* markdown-it's normalizeLink = mdurl.encode: keeps ASCII alphanumerics, the
 * marks ;/?:@&=+$,-_.!~*'()# and existing %XX; percent-encodes the rest as UTF-8.
 * (It also punycodes non-ASCII host names; we percent-encode them instead.) */
static void url_encode(buf_t *b, const char *s, size_t n)
{
	static const char keep[] = ";/?:@&=+$,-_.!~*'()#";
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			buf_put(b, s + i, 3);
			i += 3;
			continue;
		}
		if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c && strchr(keep, c))) {
			buf_putc(b, (char)c);
			i++;
			continue;
		}
		size_t adv, nb;
		uint32_t cp = u8_at(s, n, i, &adv);
		const char *bytes = s + i;
		nb = adv;
		if (cp == 0xFFFD && adv == 1 && c >= 0x80) {
			bytes = U8_REPLACEMENT; /* what JavaScript had after decoding the file */
			nb = 3;
		}
		for (size_t k = 0; k < nb; k++) {
			unsigned char x = (unsigned char)bytes[k];
			buf_putc(b, '%');
			buf_putc(b, hexdig[x >> 4]);
			buf_putc(b, hexdig[x & 15]);
		}
		i += adv;
	}
}

/* One %XX at s[i], or -1. */
static int pct_at(const char *s, size_t n, size_t i)
{
	if (i + 2 >= n || s[i] != '%' || hexval(s[i + 1]) < 0 || hexval(s[i + 2]) < 0)
		return -1;
	return hexval(s[i + 1]) * 16 + hexval(s[i + 2]);
}

/* markdown-it's normalizeLinkText = mdurl.decode keeping ;/?:@&=+$,# and %:
 * the text shown for an autolink or a linkified URL. Bad UTF-8 becomes U+FFFD. */
static void url_decode_text(buf_t *b, const char *s, size_t n)
{
	static const char excl[] = ";/?:@&=+$,#%";
	size_t i = 0;
	while (i < n) {
		int b1 = pct_at(s, n, i);
		if (b1 < 0) {
			buf_putc(b, s[i++]);
			continue;
		}
		if (b1 < 0x80) {
			if (strchr(excl, b1)) {
				buf_putc(b, '%');
				buf_putc(b, hexdig[b1 >> 4]);
				buf_putc(b, hexdig[b1 & 15]);
			} else {
				buf_putc(b, (char)b1);
			}
			i += 3;
			continue;
		}
		size_t len = (b1 & 0xE0) == 0xC0 ? 2 : (b1 & 0xF0) == 0xE0 ? 3 : (b1 & 0xF8) == 0xF0 ? 4 : 0;
		uint32_t c = (uint32_t)b1 & (0xFFu >> (len + 1));
		size_t t = 1;
		for (; len && t < len; t++) {
			int bx = pct_at(s, n, i + 3 * t);
			if (bx < 0 || (bx & 0xC0) != 0x80)
				break;
			c = (c << 6) | ((uint32_t)bx & 0x3F);
		}
		if (!len || t < len) {
			buf_puts(b, U8_REPLACEMENT);
			i += 3;
			continue;
		}
		if ((len == 2 && c < 0x80) || (len == 3 && (c < 0x800 || (c >= 0xD800 && c <= 0xDFFF))) ||
		    (len == 4 && (c < 0x10000 || c > 0x10FFFF))) {
			for (t = 0; t < len; t++)
				buf_puts(b, U8_REPLACEMENT);
		} else {
			u8_put(b, c);
		}
		i += 3 * len;
	}
}

/* markdown-it's validateLink, on a normalized URL: no script or file schemes,
 * data: only for common image types. */
static int url_valid(const char *s, size_t n)
{
	static const char *const bad[] = {"vbscript:", "javascript:", "file:", "data:"};
	while (n && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) {
		s++;
		n--;
	}
	for (size_t i = 0; i < 4; i++) {
		size_t l = strlen(bad[i]);
		if (n >= l && !strncasecmp(s, bad[i], l)) {
			static const char *const good[] = {"data:image/gif;", "data:image/png;",
							   "data:image/jpeg;", "data:image/webp;"};
			for (size_t g = 0; g < 4; g++) {
				size_t gl = strlen(good[g]);
				if (n >= gl && !strncasecmp(s, good[g], gl))
					return 1;
			}
			return 0;
		}
	}
	return 1;
}

/* ---- Linkify: linkify-it 4.0.1's matcher, by hand ------------------------ */

/* What markdown-it 13 turns into links in plain text: http(s)/ftp URLs,
 * protocol-relative //host, mailto:, and "fuzzy" hosts (www.x.fr, data.gouv.fr)
 * and e-mail addresses whose last label is a known TLD. linkify-it does this
 * with regexps; each function below is one of them, with the backtracking
 * worked out (comments say where it matters). Not done: IPv4 e-mail hosts,
 * punycode. */

enum { LK_SCHEMA, LK_FUZZY, LK_EMAIL };

typedef struct {
	size_t start, end; /* byte range of the link text */
	int kind;
	int inline_rule; /* markdown-it would have found it with its inline rule, which
			    drops trailing '*' and ignores a preceding escape */
} lk_match_t;

static int ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* A host label at i: pseudo-letters and inner hyphens, at most 63 long.
 * Returns its end, or i if there is none; *bad is set when a run of label
 * characters starts or ends with '-', which no backtracking can rescue (the
 * host terminator refuses a following '-' and a '.' before a letter). */
static size_t lk_label(const char *s, size_t n, size_t i, int *bad, int *has_dash)
{
	size_t p = i, adv, units = 0;
	int last_dash = 0;
	*bad = 0;
	*has_dash = 0;
	uint32_t c = cp_at(s, n, p, &adv);
	if (p >= n || !is_pseudo_letter(c)) {
		*bad = c == '-';
		return i;
	}
	while (p < n) {
		c = cp_at(s, n, p, &adv);
		if (is_pseudo_letter(c))
			last_dash = 0;
		else if (c == '-')
			last_dash = *has_dash = 1;
		else
			break;
		units += c > 0xFFFF ? 2 : 1;
		p += adv;
	}
	if (last_dash || units > 63)
		*bad = 1;
	return p;
}

/* linkify-it's src_host_terminator, at e. */
static int lk_term(const char *s, size_t n, size_t e)
{
	size_t adv;
	if (e >= n)
		return 1;
	uint32_t c = cp_at(s, n, e, &adv);
	if (!is_sep(c) && !is_zpcc(c))
		return 0;
	if (c == '-' || c == '_')
		return 0;
	if (c == ':' && e + 1 < n && s[e + 1] >= '0' && s[e + 1] <= '9')
		return 0;
	if (c == '.' && e + 1 < n) {
		uint32_t d = cp_at(s, n, e + 1, &adv);
		if (d == '-' || !is_zpcc(d))
			return 0;
	}
	return 1;
}

typedef struct {
	size_t end;	    /* end of the host */
	int labels;	    /* number of labels */
	size_t last;	    /* start of the last label */
	int last_has_dash;  /* the last label contains '-' */
} lk_host_t;

/* Labels separated by single dots from i. Returns 0 when there is no valid host. */
static int lk_host(const char *s, size_t n, size_t i, lk_host_t *h)
{
	size_t p = i, adv;
	int bad, dash;
	h->labels = 0;
	for (;;) {
		size_t e = lk_label(s, n, p, &bad, &dash);
		if (bad || e == p)
			return 0;
		h->labels++;
		h->last = p;
		h->last_has_dash = dash;
		p = e;
		if (p + 1 < n && s[p] == '.' && is_pseudo_letter(cp_at(s, n, p + 1, &adv)))
			p++;
		else
			break;
	}
	h->end = p;
	return 1;
}

/* Optional ":port" then the terminator; returns the end or 0 (hosts are never empty). */
static size_t lk_port_term(const char *s, size_t n, size_t e)
{
	if (e + 1 < n && s[e] == ':' && s[e + 1] >= '0' && s[e + 1] <= '9') {
		size_t p = e + 1;
		unsigned long v = 0;
		while (p < n && s[p] >= '0' && s[p] <= '9' && p - e <= 6) {
			v = v * 10 + (unsigned long)(s[p] - '0');
			p++;
		}
		size_t len = p - e - 1;
		int ok = len <= 4 || (len == 5 && ((s[e + 1] >= '1' && s[e + 1] <= '5') ||
						   (s[e + 1] == '6' && v <= 65535)));
		if (!ok || !lk_term(s, n, p))
			return 0;
		return p;
	}
	return lk_term(s, n, e) ? e : 0;
}

/* Scans to the closing character of a bracketed path part, which may not cross
 * spaces; returns the index after it or 0. min1: at least one character inside. */
static size_t lk_closing(const char *s, size_t n, size_t p, char close, int min1)
{
	size_t q = p + 1, adv;
	while (q < n) {
		uint32_t c = cp_at(s, n, q, &adv);
		if (c == (uint32_t)close)
			return (!min1 || q > p + 1) ? q + 1 : 0;
		if (is_zcc(c))
			return 0;
		q += adv;
	}
	return 0;
}

/* One repetition of src_path's alternation at p; returns p when none matches. */
static size_t lk_path_unit(const char *s, size_t n, size_t p)
{
	size_t adv, adv2, r;
	if (p >= n)
		return p;
	uint32_t c = cp_at(s, n, p, &adv);
	uint32_t d = cp_at(s, n, p + adv, &adv2); /* 0 at the end: counts as ZCc */
	if (!is_zcc(c) && !is_sep(c) && !strchr("()[]{}.,\"'?!-;", (int)(c < 128 ? c : 'x')))
		return p + adv;
	switch (c) {
	case '[':
		return (r = lk_closing(s, n, p, ']', 0)) ? r : p;
	case '(':
		return (r = lk_closing(s, n, p, ')', 0)) ? r : p;
	case '{':
		return (r = lk_closing(s, n, p, '}', 0)) ? r : p;
	case '"':
		return (r = lk_closing(s, n, p, '"', 1)) ? r : p;
	case '\'':
		if ((r = lk_closing(s, n, p, '\'', 1)))
			return r;
		return p + 1 < n && (d == '-' || is_pseudo_letter(d)) ? p + 1 : p;
	case '.': {
		size_t q = p;
		while (q < n && s[q] == '.')
			q++;
		if (q - p >= 2) {
			if (q < n && (strchr("%/&", s[q]) || (s[q] >= '0' && s[q] <= '9') ||
				      (ascii_lower(s[q]) >= 'a' && ascii_lower(s[q]) <= 'z')) && s[q])
				return q + 1;
			return p;
		}
		return p + 1 < n && !is_zcc(d) && d != '.' ? p + 1 : p;
	}
	case '-': {
		size_t q = p;
		while (q < n && s[q] == '-')
			q++;
		return q;
	}
	case ',':
	case ';':
		return p + 1 < n && !is_zcc(d) ? p + 1 : p;
	case '!': {
		size_t q = p;
		while (q < n && s[q] == '!')
			q++;
		return q < n && !is_zcc(cp_at(s, n, q, &adv2)) ? q : p;
	}
	case '?':
		return p + 1 < n && !is_zcc(d) && d != '?' ? p + 1 : p;
	default:
		return p;
	}
}

/* src_path: "[/?#]" and one or more units, or a lone "/", or nothing. */
static size_t lk_path(const char *s, size_t n, size_t p)
{
	if (p >= n || !strchr("/?#", s[p]) || !s[p])
		return p;
	size_t q = p + 1, r;
	while ((r = lk_path_unit(s, n, q)) != q)
		q = r;
	if (q > p + 1)
		return q;
	return s[p] == '/' ? p + 1 : p;
}

/* src_auth: "user:pass@" when present (no spaces, @ / [ ] ( ) inside). */
static size_t lk_auth(const char *s, size_t n, size_t p)
{
	size_t q = p, adv;
	while (q < n) {
		uint32_t c = cp_at(s, n, q, &adv);
		if (c == '@')
			return q > p ? q + 1 : p;
		if (is_zcc(c) || c == '/' || c == '[' || c == ']' || c == '(' || c == ')')
			return p;
		q += adv;
	}
	return p;
}

/* The end of host+port+terminator at i (no auth); 0 if none. */
static size_t lk_host_port(const char *s, size_t n, size_t i, int min_labels, int root_no_dash)
{
	lk_host_t h;
	if (!lk_host(s, n, i, &h) || h.labels < min_labels)
		return 0;
	if (root_no_dash && h.last_has_dash)
		return 0;
	return lk_port_term(s, n, h.end);
}

/* The "http:" validator (also https:, ftp:), at p just after the colon. */
static size_t lk_http(const char *s, size_t n, size_t p)
{
	if (p + 2 > n || s[p] != '/' || s[p + 1] != '/')
		return 0;
	size_t a = lk_auth(s, n, p + 2), e = 0;
	if (a > p + 2)
		e = lk_host_port(s, n, a, 1, 0);
	if (!e)
		e = lk_host_port(s, n, p + 2, 1, 0);
	return e ? lk_path(s, n, e) - p : 0;
}

/* The "//" validator, at p just after the slashes: at least two labels, the
 * last without '-', or localhost. */
static size_t lk_slashes(const char *s, size_t n, size_t p)
{
	if (p >= 3 && (s[p - 3] == ':' || s[p - 3] == '/'))
		return 0;
	size_t starts[2] = {lk_auth(s, n, p), p};
	for (int k = 0; k < 2; k++) {
		size_t a = starts[k], e = 0;
		if (k == 1 && starts[0] == p)
			break;
		if (n - a >= 9 && !strncasecmp(s + a, "localhost", 9))
			e = lk_port_term(s, n, a + 9);
		if (!e)
			e = lk_host_port(s, n, a, 2, 1);
		if (e)
			return lk_path(s, n, e) - p;
	}
	return 0;
}

static int email_char(int c, int first)
{
	return (c >= '0' && c <= '9') || (ascii_lower(c) >= 'a' && ascii_lower(c) <= 'z') ||
	       (c && strchr("-;:&=+$,._", c)) || (!first && c == '"');
}

/* src_email_name "@": returns the index after '@' or 0. */
static size_t lk_email_name(const char *s, size_t n, size_t p, size_t *run_end)
{
	size_t q = p;
	if (q < n && email_char(s[q], 1)) {
		q++;
		while (q < n && email_char(s[q], 0))
			q++;
	}
	*run_end = q;
	if (q == p || q >= n || s[q] != '@')
		return 0;
	return q + 1;
}

/* The "mailto:" validator, at p after the colon: name@host, no port, no path. */
static size_t lk_mailto(const char *s, size_t n, size_t p)
{
	size_t run, a = lk_email_name(s, n, p, &run);
	lk_host_t h;
	if (!a || !lk_host(s, n, a, &h) || !lk_term(s, n, h.end))
		return 0;
	return h.end - p;
}

/* linkify-it's default TLD list for fuzzy links and e-mails. */
static int lk_tld(const char *s, size_t n)
{
	static const char *const long_tlds[] = {"biz", "com", "edu", "gov", "net", "org",
						 "pro", "web", "xxx", "aero", "asia", "coop",
						 "info", "museum", "name", "shop"};
	/* second letters allowed after each first letter (tlds_2ch_src_re) */
	static const char *const cc[26] = {
		"cdefgilmnoqrstuwxz", "abdefghijmnorstvwyz", "acdfghiklmnoruvwxyz", "ejkmoz",
		"cegrstu", "ijkmor", "abdefghilmnpqrstuwy", "kmnrtu", "delmnoqrst", "emop",
		"eghimnprwyz", "abcikrstuvy", "acdeghklmnopqrstuvwxyz", "acefgilopruz", "m",
		"aefghklmnrstwy", "a", "eosuw", "abcdeghijklmnortuvxyz", "cdfghjklmnortvwz",
		"agksyz", "aceginu", "fs", "", "et", "amw"};
	if (n == 2) {
		int a = ascii_lower(s[0]), b = ascii_lower(s[1]);
		return a >= 'a' && a <= 'z' && b >= 'a' && b <= 'z' && strchr(cc[a - 'a'], b);
	}
	for (size_t i = 0; i < sizeof long_tlds / sizeof long_tlds[0]; i++)
		if (strlen(long_tlds[i]) == n && !strncasecmp(s, long_tlds[i], n))
			return 1;
	/* "рф" in either case */
	if (n == 4 && (unsigned char)s[0] == 0xD1 && (unsigned char)s[1] == 0x80 &&
	    (unsigned char)s[2] == 0xD1 && (unsigned char)s[3] == 0x84)
		return 1;
	if (n == 4 && (unsigned char)s[0] == 0xD0 && (unsigned char)s[1] == 0xA0 &&
	    (unsigned char)s[2] == 0xD0 && (unsigned char)s[3] == 0xA4)
		return 1;
	if (n >= 5 && n <= 63 && !strncasecmp(s, "xn--", 4)) {
		for (size_t i = 4; i < n; i++) {
			int c = ascii_lower(s[i]);
			if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
				return 0;
		}
		return 1;
	}
	return 0;
}

/* tpl_link_no_ip_fuzzy from host start i: labels, a known TLD, port, path. */
static size_t lk_fuzzy_link(const char *s, size_t n, size_t i)
{
	lk_host_t h;
	if (strchr("$+<=>^`|", s[i]) && s[i])
		return 0;
	if (n - i >= 3 && !memcmp(s + i, "\xEF\xBD\x9C", 3)) /* U+FF5C */
		return 0;
	if (!lk_host(s, n, i, &h) || h.labels < 2 || !lk_tld(s + h.last, h.end - h.last))
		return 0;
	size_t e = lk_port_term(s, n, h.end);
	return e ? lk_path(s, n, e) : 0;
}

/* tpl_email_fuzzy from name start i; *run_end tells how far the name scanned,
 * so that the caller can skip starts inside it (they would fail the same way). */
static size_t lk_fuzzy_email(const char *s, size_t n, size_t i, size_t *run_end)
{
	lk_host_t h;
	size_t a = lk_email_name(s, n, i, run_end);
	if (!a || !lk_host(s, n, a, &h) || h.labels < 2 || !lk_tld(s + h.last, h.end - h.last) ||
	    !lk_term(s, n, h.end))
		return 0;
	return h.end;
}

/* A TLD at s[i] followed by Z/P/Cc, '>' or the end (host_fuzzy_test's last branch). */
static int lk_tld_hint(const char *s, size_t n, size_t i)
{
	size_t adv;
	for (size_t l = 2; l <= 6 && i + l <= n; l++) {
		uint32_t c = cp_at(s, n, i + l, &adv);
		if (lk_tld(s + i, l) && (i + l == n || c == '>' || is_zpcc(c)))
			return 1;
	}
	if (i + 4 <= n && (!memcmp(s + i, "\xD1\x80\xD1\x84", 4) || !memcmp(s + i, "\xD0\xA0\xD0\xA4", 4))) {
		uint32_t c = cp_at(s, n, i + 4, &adv);
		if (i + 4 == n || c == '>' || is_zpcc(c))
			return 1;
	}
	if (n - i > 4 && !strncasecmp(s + i, "xn--", 4)) {
		/* [a-z0-9-]{1,59} may stop before any inner '-', which is punctuation */
		size_t k = i + 4;
		while (k < n && k - i - 4 < 59 &&
		       (isalnum((unsigned char)s[k]) || s[k] == '-')) {
			if (s[k] == '-' && k > i + 4)
				return 1;
			k++;
		}
		if (k > i + 4) {
			uint32_t c = cp_at(s, n, k, &adv);
			return k == n || c == '>' || is_zpcc(c);
		}
	}
	return 0;
}

/* host_fuzzy_test: where fuzzy links may be, "localhost", "www.", ".1." or a
 * TLD; linkify-it tries no fuzzy link in a text without one. SIZE_MAX: none. */
static size_t lk_hint(const char *s, size_t n, size_t from)
{
	for (size_t i = from; i < n; i++) {
		/* Second letters first: 'l' and 'w' are common in French text. */
		if ((s[i] | 0x20) == 'l' && n - i >= 9 && (s[i + 1] | 0x20) == 'o' && !strncasecmp(s + i, "localhost", 9))
			return i;
		if ((s[i] | 0x20) == 'w' && n - i >= 4 && (s[i + 1] | 0x20) == 'w' && !strncasecmp(s + i, "www.", 4))
			return i;
		if (s[i] != '.')
			continue;
		size_t k = i + 1;
		while (k < n && k - i <= 3 && s[k] >= '0' && s[k] <= '9')
			k++;
		if (k > i + 1 && k - i <= 4 && k < n && s[k] == '.')
			return i;
		if (lk_tld_hint(s, n, i + 1))
			return i;
	}
	return SIZE_MAX;
}

/* linkify-it's pretest(), on the whole inline source as markdown-it does: a
 * schema, a fuzzy-host hint or an '@', else no linkify in the block at all. */
static int lk_pretest(const char *s, size_t n)
{
	size_t adv;
	uint32_t prev = 0;
	if (memchr(s, '@', n) || lk_hint(s, n, 0) != SIZE_MAX)
		return 1;
	for (size_t p = 0; p < n; p += adv) {
		uint32_t c = cp_at(s, n, p, &adv);
		char lc = (char)(s[p] | 0x20);
		if ((lc == 'h' || lc == 'f' || lc == 'm' || s[p] == '/') &&
		    (p == 0 || ((is_sep(prev) || is_zpcc(prev)) && prev != '_'))) {
			static const char *const names[] = {"http:", "https:", "ftp:", "//", "mailto:"};
			for (size_t k = 0; k < 5; k++)
				if (n - p >= strlen(names[k]) && !strncasecmp(s + p, names[k], strlen(names[k])))
					return 1;
		}
		prev = c;
	}
	return 0;
}

/* linkify-it's test(): the leftmost link in s[0..n), schema links winning ties
 * against fuzzy links, e-mails winning ties when longer. One forward scan, so a
 * text with k links costs O(n) overall when called on successive tails. */
static int lk_find(const char *s, size_t n, int fuzzy, int has_at, lk_match_t *m)
{
	static const struct {
		const char *name;
		size_t (*validate)(const char *, size_t, size_t);
	} schemas[] = {{"http:", lk_http}, {"https:", lk_http}, {"ftp:", lk_http},
		       {"//", lk_slashes}, {"mailto:", lk_mailto}};
	size_t email_skip = 0, adv;
	uint32_t prev = 0; /* 0: start of text */
	for (size_t p = 0; p < n; p += adv) {
		uint32_t c = cp_at(s, n, p, &adv);
		int at_start = p == 0;
		int found = 0;
		/* schema_search: start, or after <, >, U+FF5C or Z/P/Cc but not '_'.
		 * markdown-it's inline rule also links scheme:// after anything but
		 * [a-z0-9.+-], and drops trailing '*' from what it links. */
		int core_ok = at_start || ((is_sep(prev) || is_zpcc(prev)) && prev != '_');
		int inline_ok = at_start || !(prev < 128 && (isalnum((int)prev) || strchr(".+-", (int)prev)));
		/* Every schema starts with h, f, m or '/': test that first. */
		char lc = (char)(s[p] | 0x20);
		if ((core_ok || inline_ok) && (lc == 'h' || lc == 'f' || lc == 'm' || s[p] == '/')) {
			for (size_t k = 0; k < sizeof schemas / sizeof schemas[0]; k++) {
				size_t l = strlen(schemas[k].name);
				if (n - p < l || (s[p + 1] | 0x20) != schemas[k].name[1] || strncasecmp(s + p, schemas[k].name, l))
					continue;
				if (!core_ok && k >= 3)
					break;
				size_t len = schemas[k].validate(s, n, p + l);
				if (len) {
					m->start = p;
					m->end = p + l + len;
					m->kind = LK_SCHEMA;
					m->inline_rule = k < 3 && inline_ok;
					found = 1;
				}
				break;
			}
		}
		/* fuzzy link: not after . : / - _ @, else after start, $+<=>^`| U+FF5C or Z/P/Cc */
		if (!found && fuzzy && (at_start || (!strchr(".:/-_@", (int)(prev < 128 ? prev : 'x')) &&
					    (strchr("$+<=>^`|", (int)(prev < 128 ? prev : 'x')) ||
					     prev == 0xFF5C || is_zpcc(prev))))) {
			size_t e = lk_fuzzy_link(s, n, p);
			if (e) {
				m->start = p;
				m->end = e;
				m->kind = LK_FUZZY;
				m->inline_rule = 0;
				found = 1;
			}
		}
		/* fuzzy e-mail: after start, < > U+FF5C " ( or Z/Cc */
		if (has_at && p >= email_skip &&
		    (at_start || is_sep(prev) || prev == '"' || prev == '(' || is_zcc(prev))) {
			size_t run, e = lk_fuzzy_email(s, n, p, &run);
			if (e && (!found || e > m->end)) {
				m->start = p;
				m->end = e;
				m->kind = LK_EMAIL;
				m->inline_rule = 0;
				found = 1;
			} else if (!e) {
				email_skip = run;
			}
		}
		if (found)
			return 1;
		prev = c;
	}
	return 0;
}

/* ---- Rendering state ------------------------------------------------------ */

enum {
	TK_TEXT,    /* text: linkify and the typographer apply */
	TK_SPECIAL, /* escaped character or entity: kept as is, context for quotes */
	TK_CODE,    /* code span content */
	TK_HTML,    /* raw inline HTML */
	TK_SOFTBR,
	TK_HARDBR,
	TK_OPEN,    /* em, strong, s, a: markup in moff/mlen */
	TK_CLOSE,
	TK_IMAGE,   /* markup in moff/mlen, alt text as content */
};

typedef struct {
	unsigned char kind;
	unsigned char is_link;	   /* OPEN/CLOSE of an <a> */
	unsigned char autolink;	   /* link from <URL> or linkify: no replacements inside */
	unsigned char bad;	   /* OPEN of a link whose destination failed validation */
	unsigned char lone_tilde;  /* OPEN of md4c strikethrough written with one '~' */
	size_t off, len;	   /* content in the arena */
	size_t moff, mlen;	   /* markup in the arena */
	size_t hoff, hlen;	   /* OPEN of a link: destination as written, in the arena */
	const char *hsrc;	   /* OPEN of a link: destination in the source, or NULL */
	const char *src;	   /* first content byte in the source, or NULL */
	size_t src_len;		   /* content [0, src_len) is a verbatim copy of the source */
} tok_t;

typedef struct {
	size_t tok;	  /* token index of the span's OPEN, SIZE_MAX when it made none */
	MD_SPANTYPE type; /* to recognise a leave md4c sends without its enter */
} span_t;

typedef struct {
	MD_BLOCKTYPE type;
	int tight;  /* UL/OL: a tight list */
	int hidden; /* P: a tight list item's paragraph, written without <p> */
} blk_t;

typedef struct {
	size_t tok, pos;
	int single, level;
	/* Topmost entry of each kind (double, single) at or below this one, or
	 * SIZE_MAX: a closing quote finds its opener without walking the stack. */
	size_t top[2];
} sq_item_t;

typedef struct {
	size_t tok, pos;
	int kind;
} sq_patch_t;

typedef struct {
	const char *src;
	size_t len;
	unsigned opts;
	buf_t *out;
	md_link_fn on_link;
	void *ud;

	/* blocks */
	blk_t *blk;
	size_t nblk, cap_blk;
	int pending_open; /* a start tag was written; whether '\n' follows depends on what comes next */
	int prev_hidden;  /* the last thing written was a tight list item's text */
	int in_code_block, in_html_block;
	int raw_eof_nl;		/* fence or HTML block: no '\n' after a last line ending the input */
	const char *raw_end;	/* end of the last source chunk of the raw block */

	/* inline tokens of the current block, and their text */
	tok_t *tok;
	size_t ntok, cap_tok;
	buf_t arena;
	span_t *spans; /* every open span, innermost last */
	size_t nspans, cap_spans;
	size_t del_probe; /* strikethrough whose '~' count is still unknown */
	int del_probing;
	const char *inl_src_start, *inl_src_end; /* source span of this inline content */
	size_t p_mark;		 /* output length before the current <p> */
	int p_pending, p_hidden; /* output state before the current <p> */
	int img_depth;
	int link_depth; /* links open around the current text */
	tok_t img;	/* image being collected: its destination and title */
	buf_t img_title, alt;
	const char *alt_src;

	/* link positions: line starts, built on first use */
	size_t *lines;
	size_t nlines;
	size_t cache_line, cache_off;
	int cache_col;

	/* scratch for the inline passes */
	tok_t *tok2;
	size_t cap_tok2;
	buf_t t1, t2, t3;
	sq_item_t *stack;
	size_t cap_stack;
	sq_patch_t *patch;
	size_t npatch, cap_patch;
	uint32_t *prevc, *nextc;
	int *level;
	size_t cap_ctx;
} ctx_t;

static int in_src(const ctx_t *c, const char *p)
{
	return p && (uintptr_t)p >= (uintptr_t)c->src && (uintptr_t)p <= (uintptr_t)(c->src + c->len);
}

/* 1-based line and column (in characters) of p in the source; 0, 0 if outside. */
static void src_pos(ctx_t *c, const char *p, int *line, int *col)
{
	*line = *col = 0;
	if (!in_src(c, p))
		return;
	size_t off = (size_t)(p - c->src);
	if (!c->lines) {
		size_t n = 1;
		for (size_t i = 0; i < c->len; i++)
			n += c->src[i] == '\n';
		c->lines = xmalloc(n * sizeof *c->lines);
		c->lines[0] = 0;
		c->nlines = 1;
		for (size_t i = 0; i < c->len; i++)
			if (c->src[i] == '\n')
				c->lines[c->nlines++] = i + 1;
		c->cache_line = SIZE_MAX;
	}
	size_t lo = 0, hi = c->nlines;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (c->lines[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	/* links come mostly in order: count characters on from the last lookup */
	size_t from = c->lines[lo];
	int cnt = 1;
	if (c->cache_line == lo && c->cache_off <= off) {
		from = c->cache_off;
		cnt = c->cache_col;
	}
	for (size_t i = from; i < off; i++)
		cnt += ((unsigned char)c->src[i] & 0xC0) != 0x80;
	c->cache_line = lo;
	c->cache_off = off;
	c->cache_col = cnt;
	*line = (int)(lo + 1 > INT_MAX ? INT_MAX : lo + 1);
	*col = cnt;
}

static void report_link(ctx_t *c, const char *href, size_t n, const char *where)
{
	if (!c->on_link)
		return;
	md_link_t l = {href, n, 0, 0};
	src_pos(c, where, &l.line, &l.col);
	c->on_link(&l, c->ud);
}

/* Appends a copy of arena[off, off+len) to the arena's end; returns its offset. */
static size_t arena_dup(buf_t *a, size_t off, size_t len)
{
	size_t at = a->len;
	buf_grow(a, len);
	memmove(a->ptr + a->len, a->ptr + off, len);
	a->len += len;
	a->ptr[a->len] = '\0';
	return at;
}

static tok_t *new_tok(ctx_t *c, int kind)
{
	if (c->ntok == c->cap_tok || !c->tok)
		c->tok = xgrow(c->tok, &c->cap_tok, c->ntok + 1, sizeof *c->tok);
	tok_t *t = &c->tok[c->ntok++];
	memset(t, 0, sizeof *t);
	t->kind = (unsigned char)kind;
	t->off = c->arena.len;
	return t;
}

static tok_t *new_markup(ctx_t *c, int kind, const char *html)
{
	tok_t *t = new_tok(c, kind);
	t->moff = c->arena.len;
	buf_puts(&c->arena, html);
	t->mlen = c->arena.len - t->moff;
	return t;
}

/* Text into the current TEXT token, or a new one; src says where it comes from. */
static void add_text(ctx_t *c, const char *s, size_t n, const char *src)
{
	tok_t *t = c->ntok ? &c->tok[c->ntok - 1] : NULL;
	if (!n)
		return;
	if (t && t->kind == TK_TEXT && t->off + t->len == c->arena.len) {
		if (src && t->src && t->src_len == t->len && t->src + t->src_len == src)
			t->src_len += n;
		buf_put(&c->arena, s, n);
		t->len += n;
		return;
	}
	t = new_tok(c, TK_TEXT);
	buf_put(&c->arena, s, n);
	t->len = n;
	t->src = src;
	t->src_len = src ? n : 0;
}

/* md4c drops the backslash of an escape and starts a new chunk after it;
 * markdown-it keeps the escaped character as its own token (no linkify or
 * typography). An odd run of backslashes before the chunk means an escape. */
static int is_escape(const ctx_t *c, const char *s)
{
	if (!in_src(c, s) || s == c->src || s >= c->src + c->len || !is_ascii_punct((unsigned char)*s))
		return 0;
	size_t k = 0;
	while (s - k > c->src && s[-(ptrdiff_t)k - 1] == '\\')
		k++;
	return k % 2 == 1;
}

/* md4c also takes "~x~" as strikethrough; markdown-it wants "~~". Look at the
 * source before the first thing inside the span to count the tildes. */
static void probe_del(ctx_t *c, const char *p)
{
	const char *q = p;
	size_t k = 0;
	c->del_probing = 0;
	while (q > c->src && strchr("*_[!` ", q[-1]) && q[-1])
		q--;
	while (q > c->src && q[-1] == '~') {
		q--;
		k++;
	}
	if (k == 1)
		c->tok[c->del_probe].lone_tilde = 1;
}

static int on_text(MD_TEXTTYPE type, const MD_CHAR *s, MD_SIZE size, void *ud)
{
	ctx_t *c = ud;
	size_t n = size;
	if (c->in_code_block || c->in_html_block) {
		/* md4c ends every line with '\n'; markdown-it copies the source */
		if (c->raw_eof_nl && n == 1 && *s == '\n' && !in_src(c, s) && c->raw_end == c->src + c->len)
			return 0;
		if (in_src(c, s))
			c->raw_end = s + n;
		if (c->in_code_block)
			put_esc(c->out, s, n);
		else
			buf_put(c->out, s, n);
		return 0;
	}
	if (c->del_probing && in_src(c, s))
		probe_del(c, s);
	if (in_src(c, s) && n && s + n > c->inl_src_end)
		c->inl_src_end = s + n;
	if (in_src(c, s) && n && (!c->inl_src_start || s < c->inl_src_start))
		c->inl_src_start = s;
	if (c->img_depth) {
		/* markdown-it's alt text: plain text and soft breaks only; escapes,
		 * entities and code are dropped (renderInlineAsText skips them) */
		if (type == MD_TEXT_NORMAL) {
			if (!c->alt_src && in_src(c, s))
				c->alt_src = s;
			if (is_escape(c, s)) {
				s++;
				n--;
			}
			buf_put(&c->alt, s, n);
		} else if (type == MD_TEXT_SOFTBR) {
			buf_putc(&c->alt, '\n');
		} else if (type == MD_TEXT_NULLCHAR) {
			buf_puts(&c->alt, U8_REPLACEMENT);
		}
		return 0;
	}
	tok_t *t;
	switch (type) {
	case MD_TEXT_NORMAL:
	case MD_TEXT_LATEXMATH:
		if (is_escape(c, s)) {
			t = new_tok(c, TK_SPECIAL);
			buf_putc(&c->arena, *s);
			t->len = 1;
			t->src = s;
			s++;
			n--;
		}
		add_text(c, s, n, in_src(c, s) ? s : NULL);
		break;
	case MD_TEXT_NULLCHAR:
		add_text(c, U8_REPLACEMENT, 3, NULL);
		break;
	case MD_TEXT_BR:
		new_tok(c, TK_HARDBR);
		break;
	case MD_TEXT_SOFTBR:
		new_tok(c, TK_SOFTBR);
		break;
	case MD_TEXT_ENTITY:
		buf_reset(&c->t1);
		if (entity_decode(s, n, &c->t1)) {
			t = new_tok(c, TK_SPECIAL);
			buf_put(&c->arena, c->t1.ptr, c->t1.len);
			t->len = c->t1.len;
		} else {
			add_text(c, s, n, in_src(c, s) ? s : NULL);
		}
		break;
	case MD_TEXT_CODE:
		/* inside a code span: the span's token is the last one */
		t = &c->tok[c->ntok - 1];
		buf_put(&c->arena, s, n);
		t->len += n;
		break;
	case MD_TEXT_HTML:
		/* a tag spanning lines arrives in pieces; a piece not starting a tag continues one */
		t = c->ntok ? &c->tok[c->ntok - 1] : NULL;
		if (!(t && t->kind == TK_HTML && n && s[0] != '<' && t->off + t->len == c->arena.len)) {
			t = new_tok(c, TK_HTML);
			t->src = in_src(c, s) ? s : NULL;
		}
		buf_put(&c->arena, s, n);
		t->len += n;
		break;
	}
	return 0;
}

static void push_span(ctx_t *c, size_t idx, MD_SPANTYPE type)
{
	if (c->nspans == c->cap_spans)
		c->spans = xgrow(c->spans, &c->cap_spans, c->nspans + 1, sizeof *c->spans);
	c->spans[c->nspans++] = (span_t){idx, type};
}

/* Destination (decoded) into the arena and the normalized, escaped start tag. */
static void open_link(ctx_t *c, const MD_SPAN_A_DETAIL *d)
{
	buf_reset(&c->t1);
	buf_reset(&c->t2);
	attr_decode(&d->href, &c->t1);
	url_encode(&c->t2, buf_cstr(&c->t1), c->t1.len);
	tok_t *t = new_tok(c, TK_OPEN);
	t->is_link = 1;
	t->bad = !url_valid(buf_cstr(&c->t2), c->t2.len);
	t->hoff = c->arena.len;
	buf_put(&c->arena, buf_cstr(&c->t1), c->t1.len);
	t->hlen = c->t1.len;
	t->hsrc = in_src(c, d->href.text) ? d->href.text : NULL;
	t->moff = c->arena.len;
	buf_puts(&c->arena, "<a href=\"");
	put_esc(&c->arena, buf_cstr(&c->t2), c->t2.len);
	buf_putc(&c->arena, '"');
	if (d->title.size) {
		buf_reset(&c->t1);
		attr_decode(&d->title, &c->t1);
		buf_puts(&c->arena, " title=\"");
		put_esc(&c->arena, buf_cstr(&c->t1), c->t1.len);
		buf_putc(&c->arena, '"');
	}
	buf_putc(&c->arena, '>');
	t->mlen = c->arena.len - t->moff;
	t->off = c->arena.len;
}

/* Turns a token into literal text (a link markdown-it would have refused). */
static void make_literal(ctx_t *c, tok_t *t, const char *s, size_t n)
{
	t->kind = TK_TEXT;
	t->is_link = 0;
	t->off = c->arena.len;
	buf_put(&c->arena, s, n);
	t->len = n;
	t->src = NULL;
	t->src_len = 0;
}

static void close_link(ctx_t *c, size_t k)
{
	/* k is the link's OPEN token in this block (spans are closed before a
	 * block's tokens are flushed); anything else is not ours to close. */
	if (k >= c->ntok || !c->tok)
		return;
	tok_t *o = &c->tok[k];
	tok_t *in = k + 1 < c->ntok ? &c->tok[k + 1] : NULL;
	/* <URL> and <mail>: md4c shows the source text, markdown-it the decoded URL */
	int autolink = in && k + 2 == c->ntok && in->kind == TK_TEXT && in->src && in->src_len == in->len &&
		       in->src > c->src && in->src[-1] == '<' && in->src + in->len < c->src + c->len &&
		       in->src[in->len] == '>';
	const char *where = o->hsrc;
	for (size_t i = k + 1; !where && i < c->ntok; i++)
		where = c->tok[i].src;
	buf_reset(&c->t3);
	buf_put(&c->t3, c->arena.ptr + o->hoff, o->hlen);
	report_link(c, buf_cstr(&c->t3), c->t3.len, where);
	if (o->bad) {
		/* markdown-it leaves the source as text; we rebuild it approximately */
		if (autolink) {
			make_literal(c, o, "<", 1);
			add_text(c, ">", 1, NULL);
		} else {
			make_literal(c, &c->tok[k], "[", 1);
			buf_reset(&c->t1);
			buf_puts(&c->t1, "](");
			buf_put(&c->t1, c->t3.ptr, c->t3.len);
			buf_putc(&c->t1, ')');
			add_text(c, c->t1.ptr, c->t1.len, NULL);
		}
		return;
	}
	if (autolink) {
		o->autolink = 1;
		buf_reset(&c->t1);
		url_decode_text(&c->t1, c->arena.ptr + in->off, in->len);
		in = &c->tok[k + 1];
		in->off = c->arena.len;
		buf_put(&c->arena, c->t1.ptr, c->t1.len);
		in->len = c->t1.len;
		in->src_len = 0;
	}
	tok_t *t = new_markup(c, TK_CLOSE, "</a>");
	t->is_link = 1;
	t->autolink = (unsigned char)autolink;
}

static void open_image(ctx_t *c, const MD_SPAN_IMG_DETAIL *d)
{
	memset(&c->img, 0, sizeof c->img);
	buf_reset(&c->t1);
	buf_reset(&c->img_title);
	buf_reset(&c->alt);
	c->alt_src = NULL;
	attr_decode(&d->src, &c->t1);
	c->img.hoff = c->arena.len;
	buf_put(&c->arena, buf_cstr(&c->t1), c->t1.len);
	c->img.hlen = c->t1.len;
	c->img.hsrc = in_src(c, d->src.text) ? d->src.text : NULL;
	attr_decode(&d->title, &c->img_title);
}

/* Whether a URL, as url_encode leaves it, makes the browser ask another host:
 * it has a scheme (http:, data:, anything) or starts with "//". Spaces,
 * controls and backslashes, which browsers strip or read as '/', are
 * percent-encoded by then and start no scheme. */
static int url_remote(const char *s, size_t n)
{
	if (n >= 2 && s[0] == '/' && s[1] == '/')
		return 1;
	if (!n || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return 0;
	for (size_t i = 1; i < n; i++) {
		char ch = s[i];
		if (ch == ':')
			return 1;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '+' ||
		      ch == '-' || ch == '.'))
			return 0;
	}
	return 0;
}

/* An image of another host as a link (MD_OPT_NOREMOTEIMG): its alt text, or
 * its URL without one, as text; only that text inside a link, since links
 * do not nest. t2 holds the encoded URL, t3 the URL as written. */
static void remote_image(ctx_t *c)
{
	const char *text = c->alt.len ? buf_cstr(&c->alt) : buf_cstr(&c->t3);
	size_t len = c->alt.len ? c->alt.len : c->t3.len;
	if (!c->link_depth) {
		tok_t *o = new_tok(c, TK_OPEN);
		o->is_link = 1;
		o->moff = c->arena.len;
		buf_puts(&c->arena, "<a href=\"");
		put_esc(&c->arena, buf_cstr(&c->t2), c->t2.len);
		buf_putc(&c->arena, '"');
		if (c->img_title.len) {
			buf_puts(&c->arena, " title=\"");
			put_esc(&c->arena, buf_cstr(&c->img_title), c->img_title.len);
			buf_putc(&c->arena, '"');
		}
		buf_putc(&c->arena, '>');
		o->mlen = c->arena.len - o->moff;
	}
	/* As written: no typography or linkify inside (a URL stays a URL). */
	tok_t *t = new_tok(c, TK_SPECIAL);
	buf_put(&c->arena, text, len);
	t->len = len;
	if (!c->link_depth)
		new_markup(c, TK_CLOSE, "</a>")->is_link = 1;
}

static void close_image(ctx_t *c)
{
	const char *href = c->arena.ptr + c->img.hoff;
	buf_reset(&c->t2);
	url_encode(&c->t2, href, c->img.hlen);
	buf_reset(&c->t3);
	buf_put(&c->t3, href, c->img.hlen);
	report_link(c, buf_cstr(&c->t3), c->t3.len, c->img.hsrc ? c->img.hsrc : c->alt_src);
	if (!url_valid(buf_cstr(&c->t2), c->t2.len)) {
		buf_reset(&c->t1);
		buf_puts(&c->t1, "![");
		buf_put(&c->t1, buf_cstr(&c->alt), c->alt.len);
		buf_puts(&c->t1, "](");
		buf_put(&c->t1, c->t3.ptr, c->t3.len);
		buf_putc(&c->t1, ')');
		add_text(c, c->t1.ptr, c->t1.len, NULL);
		return;
	}
	if ((c->opts & MD_OPT_NOREMOTEIMG) && url_remote(buf_cstr(&c->t2), c->t2.len)) {
		remote_image(c);
		return;
	}
	tok_t *t = new_tok(c, TK_IMAGE);
	buf_put(&c->arena, buf_cstr(&c->alt), c->alt.len);
	t->len = c->alt.len;
	t->moff = c->arena.len;
	buf_puts(&c->arena, "<img src=\"");
	put_esc(&c->arena, buf_cstr(&c->t2), c->t2.len);
	buf_puts(&c->arena, "\" alt=\"");
	put_esc(&c->arena, buf_cstr(&c->alt), c->alt.len);
	buf_putc(&c->arena, '"');
	if (c->img_title.len) {
		buf_puts(&c->arena, " title=\"");
		put_esc(&c->arena, buf_cstr(&c->img_title), c->img_title.len);
		buf_putc(&c->arena, '"');
	}
	buf_putc(&c->arena, '>');
	t->mlen = c->arena.len - t->moff;
}

static int on_enter_span(MD_SPANTYPE type, void *detail, void *ud)
{
	ctx_t *c = ud;
	size_t idx = SIZE_MAX;
	if (c->img_depth) {
		/* an image's alt is plain text: inner spans (and images) add nothing */
		c->img_depth += type == MD_SPAN_IMG;
		return 0;
	}
	switch (type) {
	case MD_SPAN_EM:
		new_markup(c, TK_OPEN, "<em>");
		idx = c->ntok - 1;
		break;
	case MD_SPAN_STRONG:
		new_markup(c, TK_OPEN, "<strong>");
		idx = c->ntok - 1;
		break;
	case MD_SPAN_DEL:
		new_markup(c, TK_OPEN, "<s>");
		idx = c->ntok - 1;
		c->del_probe = idx;
		c->del_probing = 1;
		break;
	case MD_SPAN_A:
		open_link(c, detail);
		idx = c->ntok - 1;
		c->link_depth++;
		break;
	case MD_SPAN_IMG:
		open_image(c, detail);
		c->img_depth = 1;
		break;
	case MD_SPAN_CODE:
		new_tok(c, TK_CODE);
		break;
	default:
		break;
	}
	push_span(c, idx, type);
	return 0;
}

static int on_leave_span(MD_SPANTYPE type, void *detail, void *ud)
{
	ctx_t *c = ud;
	(void)detail;
	if (c->img_depth) {
		if (type == MD_SPAN_IMG && --c->img_depth == 0) {
			c->nspans--;
			close_image(c);
		}
		return 0;
	}
	/* md4c 0.4.8 can leave a span it never entered: '*' or '~' inside two
	 * link destinations of one paragraph are paired as delimiters
	 * (mity/md4c#294). Such a leave is dropped, so the stack cannot
	 * underflow and every tag we write still has its opening tag. */
	if (!c->nspans || c->spans[c->nspans - 1].type != type)
		return 0;
	size_t k = c->spans[--c->nspans].tok;
	switch (type) {
	case MD_SPAN_EM:
		new_markup(c, TK_CLOSE, "</em>");
		break;
	case MD_SPAN_STRONG:
		new_markup(c, TK_CLOSE, "</strong>");
		break;
	case MD_SPAN_DEL:
		c->del_probing = 0;
		if (c->tok[k].lone_tilde) {
			make_literal(c, &c->tok[k], "~", 1);
			add_text(c, "~", 1, NULL);
		} else {
			new_markup(c, TK_CLOSE, "</s>");
		}
		break;
	case MD_SPAN_A:
		close_link(c, k);
		c->link_depth--;
		break;
	default:
		break;
	}
	return 0;
}

/* ---- Inline passes, in markdown-it's core order --------------------------- */

/* Adjacent TEXT tokens become one, as markdown-it's text tokens run from one
 * markup token to the next (md4c may split them; literal '~' or '[' adds more). */
static void merge_text(ctx_t *c)
{
	size_t w = 0;
	for (size_t r = 0; r < c->ntok; r++) {
		tok_t t = c->tok[r];
		if (t.kind == TK_TEXT && w && c->tok[w - 1].kind == TK_TEXT) {
			tok_t *p = &c->tok[w - 1];
			if (p->off + p->len != c->arena.len)
				p->off = arena_dup(&c->arena, p->off, p->len);
			arena_dup(&c->arena, t.off, t.len);
			if (p->src && p->src_len == p->len && t.src == p->src + p->len)
				p->src_len += t.src_len;
			p->len += t.len;
			continue;
		}
		c->tok[w++] = t;
	}
	c->ntok = w;
}

static tok_t *push_tok2(ctx_t *c, size_t *n, const tok_t *t)
{
	if (*n == c->cap_tok2)
		c->tok2 = xgrow(c->tok2, &c->cap_tok2, *n + 1, sizeof *c->tok2);
	c->tok2[*n] = *t;
	return &c->tok2[(*n)++];
}

/* The piece [a, b) of text token t, sharing its arena bytes. */
static tok_t text_piece(const tok_t *t, size_t a, size_t b)
{
	tok_t p = *t;
	p.off = t->off + a;
	p.len = b - a;
	p.src = t->src && a < t->src_len ? t->src + a : NULL;
	p.src_len = t->src_len > a ? (t->src_len - a < b - a ? t->src_len - a : b - a) : 0;
	return p;
}

static int html_link_open(const char *s, size_t n)
{
	return n >= 3 && s[0] == '<' && (s[1] == 'a' || s[1] == 'A') &&
	       (s[2] == '>' || s[2] == ' ' || s[2] == '\t' || s[2] == '\n' || s[2] == '\r' ||
		s[2] == '\f' || s[2] == '\v');
}

static int html_link_close(const char *s, size_t n)
{
	if (n < 4 || s[0] != '<' || s[1] != '/' || (s[2] != 'a' && s[2] != 'A'))
		return 0;
	size_t i = 3;
	while (i < n && strchr(" \t\n\r\f\v", s[i]) && s[i])
		i++;
	return i < n && s[i] == '>';
}

/* markdown-it's core linkify: bare URLs in text outside links become links. */
static void linkify(ctx_t *c)
{
	int any = 0;
	for (size_t i = 0; i < c->ntok && !any; i++)
		any = c->tok[i].kind == TK_TEXT;
	if (!any)
		return;
	if (c->inl_src_start && !lk_pretest(c->inl_src_start, (size_t)(c->inl_src_end - c->inl_src_start)))
		return;
	/* skip text inside markdown links and inside <a>...</a>, scanning backwards
	 * as markdown-it does (an unclosed <a> does not count) */
	if (c->cap_ctx < c->ntok) {
		c->cap_ctx = c->ntok;
		c->level = xrealloc(c->level, c->cap_ctx * sizeof *c->level);
		c->prevc = xrealloc(c->prevc, c->cap_ctx * sizeof *c->prevc);
		c->nextc = xrealloc(c->nextc, c->cap_ctx * sizeof *c->nextc);
	}
	int md_depth = 0, html_level = 0;
	for (size_t i = c->ntok; i-- > 0;) {
		tok_t *t = &c->tok[i];
		if (t->is_link && t->kind == TK_CLOSE)
			md_depth++;
		else if (t->is_link && t->kind == TK_OPEN)
			md_depth--;
		if (!md_depth && t->kind == TK_HTML) {
			const char *h = c->arena.ptr + t->off;
			if (html_link_open(h, t->len) && html_level > 0)
				html_level--;
			if (html_link_close(h, t->len))
				html_level++;
		}
		c->level[i] = md_depth > 0 || html_level > 0;
	}
	size_t n2 = 0;
	for (size_t i = 0; i < c->ntok; i++) {
		tok_t t = c->tok[i];
		if (t.kind != TK_TEXT || c->level[i]) {
			push_tok2(c, &n2, &t);
			continue;
		}
		/* the arena grows below: work on a copy of the text */
		buf_reset(&c->t3);
		buf_put(&c->t3, c->arena.ptr + t.off, t.len);
		const char *s = buf_cstr(&c->t3);
		size_t n = t.len, pos = 0, last = 0;
		int first = 1;
		lk_match_t m = {0, 0, 0, 0};
		/* where the next fuzzy-host hint and '@' are: linkify-it looks for
		 * them in each tail, which would be quadratic */
		size_t hint = lk_hint(s, n, 0);
		const char *at = memchr(s, '@', n);
		while (pos < n) {
			if (hint != SIZE_MAX && hint < pos)
				hint = lk_hint(s, n, pos);
			if (at && at < s + pos)
				at = memchr(s + pos, '@', n - pos);
			if (!lk_find(s + pos, n - pos, hint != SIZE_MAX, at != NULL, &m))
				break;
			size_t ms = pos + m.start, me = pos + m.end, next = me;
			if (m.inline_rule)
				while (me > ms && s[me - 1] == '*')
					me--;
			next = m.inline_rule ? me : next;
			/* "http\://x" must not link "//x" (markdown-it's rule) */
			if (first && ms == 0 && !m.inline_rule && n2 && c->tok2[n2 - 1].kind == TK_SPECIAL) {
				first = 0;
				pos = next;
				continue;
			}
			first = 0;
			buf_reset(&c->t1);
			if (m.kind == LK_FUZZY)
				buf_puts(&c->t1, "http://");
			else if (m.kind == LK_EMAIL)
				buf_puts(&c->t1, "mailto:");
			buf_put(&c->t1, s + ms, me - ms);
			buf_reset(&c->t2);
			url_encode(&c->t2, buf_cstr(&c->t1), c->t1.len);
			if (!url_valid(buf_cstr(&c->t2), c->t2.len)) {
				pos = next;
				continue;
			}
			if (ms > last)
				push_tok2(c, &n2, &(tok_t){0}), c->tok2[n2 - 1] = text_piece(&t, last, ms);
			tok_t o = {0};
			o.kind = TK_OPEN;
			o.is_link = o.autolink = 1;
			o.moff = c->arena.len;
			buf_puts(&c->arena, "<a href=\"");
			put_esc(&c->arena, buf_cstr(&c->t2), c->t2.len);
			buf_puts(&c->arena, "\">");
			o.mlen = c->arena.len - o.moff;
			push_tok2(c, &n2, &o);
			tok_t x = {0};
			x.kind = TK_TEXT;
			x.off = c->arena.len;
			url_decode_text(&c->arena, s + ms, me - ms);
			x.len = c->arena.len - x.off;
			push_tok2(c, &n2, &x);
			tok_t cl = o;
			cl.kind = TK_CLOSE;
			cl.moff = c->arena.len;
			buf_puts(&c->arena, "</a>");
			cl.mlen = 4;
			push_tok2(c, &n2, &cl);
			report_link(c, buf_cstr(&c->t1), c->t1.len,
				    t.src && ms < t.src_len ? t.src + ms : NULL);
			last = me;
			pos = next;
		}
		if (last == 0) {
			push_tok2(c, &n2, &t);
		} else if (last < n) {
			tok_t p = text_piece(&t, last, n);
			push_tok2(c, &n2, &p);
		}
	}
	tok_t *sw = c->tok;
	size_t cap = c->cap_tok;
	c->tok = c->tok2;
	c->cap_tok = c->cap_tok2;
	c->ntok = n2;
	c->tok2 = sw;
	c->cap_tok2 = cap;
}

/* ---- Typographer: markdown-it's "replacements" ----------------------------- */

static const char ELLIPSIS[] = "\xE2\x80\xA6";

static int has_rare(const char *s, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++) {
		char a = s[i], b = s[i + 1];
		if ((a == '+' && b == '-') || (a == '.' && b == '.') || (a == ',' && b == ',') ||
		    (a == '-' && b == '-'))
			return 1;
		if (i + 3 < n && (a == '?' || a == '!') && b == a && s[i + 2] == a && s[i + 3] == a)
			return 1;
	}
	return 0;
}

static int has_scoped(const char *s, size_t n)
{
	for (size_t i = 0; i + 2 < n; i++) {
		if (s[i] != '(')
			continue;
		int a = ascii_lower(s[i + 1]);
		if ((a == 'c' || a == 'r') && s[i + 2] == ')')
			return 1;
		if (a == 't' && i + 3 < n && ascii_lower(s[i + 2]) == 'm' && s[i + 3] == ')')
			return 1;
	}
	return 0;
}

/* (c) (tm) (r), any case */
static void rep_scoped(const char *s, size_t n, buf_t *o)
{
	for (size_t i = 0; i < n;) {
		if (s[i] == '(' && i + 2 < n) {
			int a = ascii_lower(s[i + 1]);
			if (a == 'c' && s[i + 2] == ')') {
				buf_puts(o, "\xC2\xA9");
				i += 3;
				continue;
			}
			if (a == 'r' && s[i + 2] == ')') {
				buf_puts(o, "\xC2\xAE");
				i += 3;
				continue;
			}
			if (a == 't' && i + 3 < n && ascii_lower(s[i + 2]) == 'm' && s[i + 3] == ')') {
				buf_puts(o, "\xE2\x84\xA2");
				i += 4;
				continue;
			}
		}
		buf_putc(o, s[i++]);
	}
}

/* +- -> ±; .. and longer -> …; then ?… !… -> ?.. !..; then ???? -> ???, ,, -> ,
 * (three passes, as markdown-it chains three replace() calls) */
static void rep_marks(const char *s, size_t n, buf_t *o)
{
	buf_t a = BUF_INIT, b = BUF_INIT;
	for (size_t i = 0; i < n;) {
		if (s[i] == '+' && i + 1 < n && s[i + 1] == '-') {
			buf_puts(&a, "\xC2\xB1");
			i += 2;
		} else if (s[i] == '.' && i + 1 < n && s[i + 1] == '.') {
			while (i < n && s[i] == '.')
				i++;
			buf_puts(&a, ELLIPSIS);
		} else {
			buf_putc(&a, s[i++]);
		}
	}
	const char *t = buf_cstr(&a);
	for (size_t i = 0; i < a.len;) {
		if ((t[i] == '?' || t[i] == '!') && i + 3 < a.len && !memcmp(t + i + 1, ELLIPSIS, 3)) {
			buf_putc(&b, t[i]);
			buf_puts(&b, "..");
			i += 4;
		} else {
			buf_putc(&b, t[i++]);
		}
	}
	t = buf_cstr(&b);
	for (size_t i = 0; i < b.len;) {
		char ch = t[i];
		if (ch == '?' || ch == '!') {
			size_t j = i;
			while (j < b.len && (t[j] == '?' || t[j] == '!'))
				j++;
			if (j - i >= 4) {
				/* the regexp group keeps its last repetition */
				for (int k = 0; k < 3; k++)
					buf_putc(o, t[j - 1]);
			} else {
				buf_put(o, t + i, j - i);
			}
			i = j;
		} else if (ch == ',' && i + 1 < b.len && t[i + 1] == ',') {
			while (i < b.len && t[i] == ',')
				i++;
			buf_putc(o, ',');
		} else {
			buf_putc(o, t[i++]);
		}
	}
	buf_free(&a);
	buf_free(&b);
}

/* The three dash rules, one regexp each, applied one after the other:
 *   em: (^|[^-])---(?=[^-]|$)     en: (^|\s)--(?=\s|$)     en: (^|[^-\s])--(?=[^-\s]|$)
 * (^ and $ also match at line ends: markdown-it uses the m flag). */
enum { DASH_EM, DASH_EN_SPACED, DASH_EN_JOINED };

static int dash_prev_ok(int rule, uint32_t c)
{
	switch (rule) {
	case DASH_EM: return c != '-';
	case DASH_EN_SPACED: return is_js_space(c);
	default: return c != '-' && !is_js_space(c);
	}
}

static int dash_next_ok(int rule, const char *s, size_t n, size_t i)
{
	size_t adv;
	if (i >= n)
		return 1;
	uint32_t c = cp_at(s, n, i, &adv);
	if (c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029)
		return 1;
	return dash_prev_ok(rule, c);
}

static void rep_dash(int rule, const char *s, size_t n, buf_t *o)
{
	size_t dl = rule == DASH_EM ? 3 : 2;
	const char *rep = rule == DASH_EM ? "\xE2\x80\x94" : "\xE2\x80\x93";
	for (size_t i = 0; i < n;) {
		size_t adv;
		int bol = i == 0 || s[i - 1] == '\n';
		if (bol && n - i >= dl && !memcmp(s + i, "---", dl) && dash_next_ok(rule, s, n, i + dl)) {
			buf_puts(o, rep);
			i += dl;
			continue;
		}
		uint32_t c = cp_at(s, n, i, &adv);
		if (dash_prev_ok(rule, c) && n - i - adv >= dl && !memcmp(s + i + adv, "---", dl) &&
		    dash_next_ok(rule, s, n, i + adv + dl)) {
			buf_put(o, s + i, adv);
			buf_puts(o, rep);
			i += adv + dl;
			continue;
		}
		buf_put(o, s + i, adv);
		i += adv;
	}
}

/* All replacements on one string; returns 0 (out untouched) when none applies. */
static int replace_all(const char *s, size_t n, buf_t *out)
{
	int sc = has_scoped(s, n), ra = has_rare(s, n);
	if (!sc && !ra)
		return 0;
	buf_t a = BUF_INIT, b = BUF_INIT;
	buf_put(&a, s, n);
	if (sc) {
		rep_scoped(buf_cstr(&a), a.len, &b);
		buf_t t = a;
		a = b;
		b = t;
		buf_reset(&b);
	}
	if (ra && has_rare(buf_cstr(&a), a.len)) {
		rep_marks(buf_cstr(&a), a.len, &b);
		for (int rule = DASH_EM; rule <= DASH_EN_JOINED; rule++) {
			buf_t t = a;
			a = b;
			b = t;
			buf_reset(&b);
			rep_dash(rule, buf_cstr(&a), a.len, &b);
		}
		buf_t t = a;
		a = b;
		b = t;
	}
	buf_put(out, buf_cstr(&a), a.len);
	buf_free(&a);
	buf_free(&b);
	return 1;
}

static void replacements(ctx_t *c)
{
	int inside_auto = 0;
	for (size_t i = c->ntok; i-- > 0;) {
		tok_t *t = &c->tok[i];
		if (t->kind == TK_TEXT && !inside_auto) {
			size_t at = c->arena.len;
			buf_reset(&c->t1);
			if (replace_all(c->arena.ptr + t->off, t->len, &c->t1)) {
				buf_put(&c->arena, c->t1.ptr, c->t1.len);
				t->off = at;
				t->len = c->t1.len;
				t->src_len = 0;
			}
		}
		if (t->autolink && t->kind == TK_OPEN)
			inside_auto--;
		if (t->autolink && t->kind == TK_CLOSE)
			inside_auto++;
	}
}

/* ---- Typographer: markdown-it's "smartquotes", French quotes --------------- */

/* quotes: ['«\xA0', '\xA0»', '‹\xA0', '\xA0›'] and the apostrophe */
enum { Q_OPEN2, Q_CLOSE2, Q_OPEN1, Q_CLOSE1, Q_APOS };
static const char *const quote_rep[] = {"\xC2\xAB\xC2\xA0", "\xC2\xA0\xC2\xBB",
					"\xE2\x80\xB9\xC2\xA0", "\xC2\xA0\xE2\x80\xBA",
					"\xE2\x80\x99"};

static int has_content(const tok_t *t)
{
	return t->len && (t->kind == TK_TEXT || t->kind == TK_SPECIAL || t->kind == TK_CODE ||
			  t->kind == TK_HTML || t->kind == TK_IMAGE);
}

static void add_patch(ctx_t *c, size_t tok, size_t pos, int kind)
{
	if (c->npatch == c->cap_patch)
		c->patch = xgrow(c->patch, &c->cap_patch, c->npatch + 1, sizeof *c->patch);
	c->patch[c->npatch++] = (sq_patch_t){tok, pos, kind};
}

static int patch_cmp(const void *a, const void *b)
{
	const sq_patch_t *x = a, *y = b;
	if (x->tok != y->tok)
		return x->tok < y->tok ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* markdown-it's process_inlines(). Replacements are recorded as patches and
 * applied at the end, instead of rewriting a token per quote (quadratic); the
 * characters read around a quote classify the same either way, since a
 * replaced quote is punctuation before and after. The characters around each
 * token are precomputed for the same reason. */
static void smartquotes(ctx_t *c)
{
	if (c->cap_ctx < c->ntok) {
		c->cap_ctx = c->ntok;
		c->level = xrealloc(c->level, c->cap_ctx * sizeof *c->level);
		c->prevc = xrealloc(c->prevc, c->cap_ctx * sizeof *c->prevc);
		c->nextc = xrealloc(c->nextc, c->cap_ctx * sizeof *c->nextc);
	}
	int any = 0, lvl = 0;
	uint32_t ch = 0x20;
	for (size_t i = 0; i < c->ntok; i++) {
		tok_t *t = &c->tok[i];
		if (t->kind == TK_CLOSE)
			lvl--;
		c->level[i] = lvl;
		if (t->kind == TK_OPEN)
			lvl++;
		c->prevc[i] = ch;
		if (t->kind == TK_SOFTBR || t->kind == TK_HARDBR)
			ch = 0x20;
		else if (has_content(t))
			ch = u8_before(c->arena.ptr + t->off, t->len);
		if (t->kind == TK_TEXT && !any)
			any = memchr(c->arena.ptr + t->off, '"', t->len) ||
			      memchr(c->arena.ptr + t->off, '\'', t->len);
	}
	if (!any)
		return;
	ch = 0x20;
	for (size_t i = c->ntok; i-- > 0;) {
		tok_t *t = &c->tok[i];
		size_t adv;
		c->nextc[i] = ch;
		if (t->kind == TK_SOFTBR || t->kind == TK_HARDBR)
			ch = 0x20;
		else if (has_content(t))
			ch = u8_at(c->arena.ptr + t->off, t->len, 0, &adv);
	}
	size_t nstack = 0;
	c->npatch = 0;
	for (size_t i = 0; i < c->ntok; i++) {
		int level = c->level[i];
		while (nstack && c->stack[nstack - 1].level > level)
			nstack--;
		if (c->tok[i].kind != TK_TEXT)
			continue;
		const char *s = c->arena.ptr + c->tok[i].off;
		size_t n = c->tok[i].len, adv;
		for (size_t p = 0; p < n; p++) {
			if (s[p] != '"' && s[p] != '\'')
				continue;
			int single = s[p] == '\'';
			uint32_t last = p > 0 ? u8_before(s, p) : c->prevc[i];
			uint32_t next = p + 1 < n ? u8_at(s, n, p + 1, &adv) : c->nextc[i];
			/* JavaScript sees astral characters as surrogates: neither class */
			int last_p = is_ascii_punct(last) || is_punct(last);
			int next_p = is_ascii_punct(next) || is_punct(next);
			int last_w = is_mdit_space(last), next_w = is_mdit_space(next);
			int can_open = !next_w && !(next_p && !(last_w || last_p));
			int can_close = !last_w && !(last_p && !(next_w || next_p));
			if (next == '"' && !single && last >= '0' && last <= '9')
				can_open = can_close = 0; /* 1"" : inches */
			if (can_open && can_close) {
				can_open = last_p;
				can_close = next_p;
			}
			if (!can_open && !can_close) {
				if (single)
					add_patch(c, i, p, Q_APOS);
				continue;
			}
			if (can_close && nstack) {
				/* markdown-it walks down the stack to the nearest opener of
				 * the same kind, giving up at a lower level. Levels never
				 * decrease upwards, so that opener is the topmost of its
				 * kind, and it matches if it sits at this level: the same
				 * answer in O(1), where the walk made unclosed quotes
				 * quadratic. */
				size_t j = c->stack[nstack - 1].top[single];
				if (j != SIZE_MAX && c->stack[j].level == level) {
					add_patch(c, i, p, single ? Q_CLOSE1 : Q_CLOSE2);
					add_patch(c, c->stack[j].tok, c->stack[j].pos, single ? Q_OPEN1 : Q_OPEN2);
					nstack = j;
					continue;
				}
			}
			if (can_open) {
				if (nstack == c->cap_stack)
					c->stack = xgrow(c->stack, &c->cap_stack, nstack + 1, sizeof *c->stack);
				sq_item_t it = {i, p, single, level, {SIZE_MAX, SIZE_MAX}};
				if (nstack)
					it.top[!single] = c->stack[nstack - 1].top[!single];
				it.top[single] = nstack;
				c->stack[nstack++] = it;
			} else if (can_close && single) {
				add_patch(c, i, p, Q_APOS);
			}
		}
	}
	if (!c->npatch)
		return;
	qsort(c->patch, c->npatch, sizeof *c->patch, patch_cmp);
	for (size_t k = 0; k < c->npatch;) {
		tok_t *t = &c->tok[c->patch[k].tok];
		size_t at = c->arena.len, prev = 0;
		buf_reset(&c->t1);
		const char *s = c->arena.ptr + t->off;
		for (; k < c->npatch && &c->tok[c->patch[k].tok] == t; k++) {
			buf_put(&c->t1, s + prev, c->patch[k].pos - prev);
			buf_puts(&c->t1, quote_rep[c->patch[k].kind]);
			prev = c->patch[k].pos + 1;
		}
		buf_put(&c->t1, s + prev, t->len - prev);
		buf_put(&c->arena, c->t1.ptr, c->t1.len);
		t->off = at;
		t->len = c->t1.len;
		t->src_len = 0;
	}
}

/* ---- Output ---------------------------------------------------------------- */

/* markdown-it's renderToken puts '\n' after a start tag unless inline content
 * or the matching end tag follows, and before a start tag that follows a tight
 * list item's text. Both depend on the next token, hence pending_open. */
static void settle(ctx_t *c, int lf)
{
	if (c->pending_open && lf)
		buf_putc(c->out, '\n');
	c->pending_open = 0;
}

static void open_tag(ctx_t *c, const char *html)
{
	settle(c, 1);
	if (c->prev_hidden)
		buf_putc(c->out, '\n');
	c->prev_hidden = 0;
	buf_puts(c->out, html);
	c->pending_open = 1;
}

static void close_tag(ctx_t *c, const char *html)
{
	settle(c, 0);
	c->prev_hidden = 0;
	buf_puts(c->out, html);
}

/* Blocks with their own renderer rule in markdown-it (code, fence, html_block):
 * no newline before them, even after a tight item's text. */
static void raw_block(ctx_t *c)
{
	settle(c, 1);
	c->prev_hidden = 0;
}

/* markdown-it trims a paragraph's (heading's, cell's) source with JavaScript's
 * trim(), which also removes no-break and other Unicode spaces; md4c only
 * strips ASCII ones. A line of such spaces at either end goes with its break. */
static void trim_ends(ctx_t *c)
{
	size_t a = 0, b = c->ntok, adv;
	/* leading: spaces, and the line breaks of lines that held nothing else */
	while (a < b) {
		tok_t *t = &c->tok[a];
		if (t->kind == TK_SOFTBR || t->kind == TK_HARDBR) {
			a++;
			continue;
		}
		if (t->kind != TK_TEXT)
			break;
		const char *s = c->arena.ptr + t->off;
		size_t k = 0;
		while (k < t->len && is_js_space(u8_at(s, t->len, k, &adv)))
			k += adv;
		t->off += k;
		t->len -= k;
		if (t->src) {
			t->src += k;
			t->src_len = t->src_len > k ? t->src_len - k : 0;
		}
		if (t->len)
			break;
		a++;
	}
	while (b > a) {
		tok_t *t = &c->tok[b - 1];
		if (t->kind == TK_SOFTBR || t->kind == TK_HARDBR) {
			b--;
			continue;
		}
		if (t->kind != TK_TEXT)
			break;
		const char *s = c->arena.ptr + t->off;
		while (t->len) {
			size_t e = t->len, k = e - 1;
			while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
				k--;
			if (!is_js_space(u8_at(s, e, k, &adv)) || k + adv != e)
				break;
			t->len = k;
		}
		if (t->src_len > t->len)
			t->src_len = t->len;
		if (t->len)
			break;
		b--;
	}
	if (a)
		memmove(c->tok, c->tok + a, (b - a) * sizeof *c->tok);
	c->ntok = b - a;
}

/* md4c 0.4.8 does not start an HTML block on <h2> to <h6> (its bug #214, fixed
 * in 0.5), so such a block arrives as a paragraph: write its source instead. */
static int html_block_as_paragraph(ctx_t *c)
{
	const tok_t *t = c->ntok ? &c->tok[0] : NULL;
	if (!t || t->kind != TK_HTML || !t->src || !c->inl_src_end)
		return 0;
	const char *s = t->src;
	size_t i = s[1] == '/' ? 2 : 1;
	if (t->len < i + 3 || (s[i] != 'h' && s[i] != 'H') || s[i + 1] < '2' || s[i + 1] > '6' ||
	    !strchr(" \t\n>/", s[i + 2]) || !s[i + 2])
		return 0;
	const char *b = s, *e = c->inl_src_end, *end = c->src + c->len;
	while (b > c->src && b[-1] == ' ' && s - b < 3)
		b--;
	if (b > c->src && b[-1] != '\n')
		return 0;
	while (e < end && *e != '\n')
		e++;
	if (e < end)
		e++;
	buf_truncate(c->out, c->p_mark);
	c->pending_open = c->p_pending;
	c->prev_hidden = c->p_hidden;
	raw_block(c);
	buf_put(c->out, b, (size_t)(e - b));
	c->ntok = 0;
	c->inl_src_start = c->inl_src_end = NULL;
	buf_reset(&c->arena);
	return 1;
}

/* The same md4c bug can also enter a span and never leave it: whatever is
 * still open when the inline content ends is closed there, so that every tag
 * is closed inside its block and no span outlives the tokens it points to. */
static void close_open_spans(ctx_t *c)
{
	if (c->img_depth) {
		c->img_depth = 1;
		on_leave_span(MD_SPAN_IMG, NULL, c);
	}
	while (c->nspans)
		on_leave_span(c->spans[c->nspans - 1].type, NULL, c);
}

static void flush_inline(ctx_t *c)
{
	close_open_spans(c);
	if (!c->ntok)
		return;
	blk_t *top = c->nblk ? &c->blk[c->nblk - 1] : NULL;
	int hidden = top && (top->type == MD_BLOCK_LI || (top->type == MD_BLOCK_P && top->hidden));
	merge_text(c);
	trim_ends(c);
	if (!(c->opts & MD_OPT_NOLINKIFY))
		linkify(c);
	if (!(c->opts & MD_OPT_NOTYPO)) {
		replacements(c);
		smartquotes(c);
	}
	settle(c, 0);
	c->prev_hidden = 0;
	for (size_t i = 0; i < c->ntok; i++) {
		const tok_t *t = &c->tok[i];
		const char *s = c->arena.ptr + t->off;
		switch (t->kind) {
		case TK_TEXT:
		case TK_SPECIAL:
			put_esc(c->out, s, t->len);
			break;
		case TK_CODE:
			buf_puts(c->out, "<code>");
			put_esc(c->out, s, t->len);
			buf_puts(c->out, "</code>");
			break;
		case TK_HTML:
			buf_put(c->out, s, t->len);
			break;
		case TK_SOFTBR:
		case TK_HARDBR:
			buf_puts(c->out, "<br>\n");
			break;
		default:
			buf_put(c->out, c->arena.ptr + t->moff, t->mlen);
			break;
		}
	}
	c->prev_hidden = hidden;
	c->ntok = 0;
	c->inl_src_start = c->inl_src_end = NULL;
	buf_reset(&c->arena);
}

static int on_enter_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
	ctx_t *c = ud;
	char tag[64];
	blk_t b = {type, 0, 0};
	blk_t *top = c->nblk ? &c->blk[c->nblk - 1] : NULL;
	flush_inline(c);
	switch (type) {
	case MD_BLOCK_QUOTE:
		open_tag(c, "<blockquote>");
		break;
	case MD_BLOCK_UL:
		b.tight = ((MD_BLOCK_UL_DETAIL *)detail)->is_tight;
		open_tag(c, "<ul>");
		break;
	case MD_BLOCK_OL: {
		MD_BLOCK_OL_DETAIL *d = detail;
		b.tight = d->is_tight;
		if (d->start != 1) {
			snprintf(tag, sizeof tag, "<ol start=\"%u\">", d->start);
			open_tag(c, tag);
		} else {
			open_tag(c, "<ol>");
		}
		break;
	}
	case MD_BLOCK_LI:
		b.tight = top ? top->tight : 0;
		open_tag(c, "<li>");
		break;
	case MD_BLOCK_HR:
		open_tag(c, "<hr>\n");
		c->pending_open = 0;
		break;
	case MD_BLOCK_H:
		snprintf(tag, sizeof tag, "<h%u>", ((MD_BLOCK_H_DETAIL *)detail)->level);
		open_tag(c, tag);
		break;
	case MD_BLOCK_CODE: {
		MD_BLOCK_CODE_DETAIL *d = detail;
		raw_block(c);
		buf_puts(c->out, "<pre><code");
		if (d->lang.size) {
			buf_reset(&c->t1);
			attr_decode(&d->lang, &c->t1);
			buf_puts(c->out, " class=\"language-");
			put_esc(c->out, buf_cstr(&c->t1), c->t1.len);
			buf_putc(c->out, '"');
		}
		buf_putc(c->out, '>');
		c->in_code_block = 1;
		c->raw_eof_nl = d->fence_char != 0;
		c->raw_end = NULL;
		break;
	}
	case MD_BLOCK_HTML:
		raw_block(c);
		c->in_html_block = 1;
		c->raw_eof_nl = 1;
		c->raw_end = NULL;
		break;
	case MD_BLOCK_P:
		b.hidden = top && top->type == MD_BLOCK_LI && top->tight;
		c->p_mark = c->out->len;
		c->p_pending = c->pending_open;
		c->p_hidden = c->prev_hidden;
		if (!b.hidden)
			open_tag(c, "<p>");
		break;
	case MD_BLOCK_TABLE:
		open_tag(c, "<table>");
		break;
	case MD_BLOCK_THEAD:
		open_tag(c, "<thead>");
		break;
	case MD_BLOCK_TBODY:
		open_tag(c, "<tbody>");
		break;
	case MD_BLOCK_TR:
		open_tag(c, "<tr>");
		break;
	case MD_BLOCK_TH:
	case MD_BLOCK_TD: {
		static const char *const align[] = {"", " style=\"text-align:left\"",
						    " style=\"text-align:center\"",
						    " style=\"text-align:right\""};
		MD_ALIGN a = ((MD_BLOCK_TD_DETAIL *)detail)->align;
		snprintf(tag, sizeof tag, "<%s%s>", type == MD_BLOCK_TH ? "th" : "td",
			 align[a <= MD_ALIGN_RIGHT ? a : 0]);
		open_tag(c, tag);
		break;
	}
	default:
		break;
	}
	if (c->nblk == c->cap_blk)
		c->blk = xgrow(c->blk, &c->cap_blk, c->nblk + 1, sizeof *c->blk);
	c->blk[c->nblk++] = b;
	return 0;
}

static int on_leave_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
	ctx_t *c = ud;
	char tag[16];
	blk_t *top = &c->blk[c->nblk - 1];
	if (type == MD_BLOCK_P && !top->hidden && html_block_as_paragraph(c)) {
		c->nblk--;
		return 0;
	}
	flush_inline(c);
	blk_t b = c->blk[--c->nblk];
	switch (type) {
	case MD_BLOCK_QUOTE:
		close_tag(c, "</blockquote>\n");
		break;
	case MD_BLOCK_UL:
		close_tag(c, "</ul>\n");
		break;
	case MD_BLOCK_OL:
		close_tag(c, "</ol>\n");
		break;
	case MD_BLOCK_LI:
		close_tag(c, "</li>\n");
		break;
	case MD_BLOCK_H:
		snprintf(tag, sizeof tag, "</h%u>\n", ((MD_BLOCK_H_DETAIL *)detail)->level);
		close_tag(c, tag);
		break;
	case MD_BLOCK_CODE:
		buf_puts(c->out, "</code></pre>\n");
		c->in_code_block = 0;
		break;
	case MD_BLOCK_HTML:
		c->in_html_block = 0;
		break;
	case MD_BLOCK_P:
		if (!b.hidden)
			close_tag(c, "</p>\n");
		break;
	case MD_BLOCK_TABLE:
		close_tag(c, "</table>\n");
		break;
	case MD_BLOCK_THEAD:
		close_tag(c, "</thead>\n");
		break;
	case MD_BLOCK_TBODY:
		close_tag(c, "</tbody>\n");
		break;
	case MD_BLOCK_TR:
		close_tag(c, "</tr>\n");
		break;
	case MD_BLOCK_TH:
		close_tag(c, "</th>\n");
		break;
	case MD_BLOCK_TD:
		close_tag(c, "</td>\n");
		break;
	default:
		break;
	}
	return 0;
}

static void ctx_free(ctx_t *c)
{
	free(c->blk);
	free(c->tok);
	free(c->tok2);
	free(c->spans);
	free(c->lines);
	free(c->stack);
	free(c->patch);
	free(c->prevc);
	free(c->nextc);
	free(c->level);
	buf_free(&c->arena);
	buf_free(&c->img_title);
	buf_free(&c->alt);
	buf_free(&c->t1);
	buf_free(&c->t2);
	buf_free(&c->t3);
}

/* NUL bytes after the copy of the input md4c parses (see md_render). */
#define MD_SRC_PAD 16

int md_render(const char *src, size_t len, unsigned opts, buf_t *out, md_link_fn on_link, void *ud)
{
	ctx_t c;
	int rc = -1;
	char *copy = NULL;
	memset(&c, 0, sizeof c);
	if (len > UINT_MAX)
		goto cleanup;
	/* md4c 0.4.8 reads past the end of its input in some unfinished
	 * constructs (an input ending in "[](", fixed upstream by mity/md4c#167):
	 * it parses a copy followed by NUL bytes, so that what it reads there is
	 * ours and always the same, whatever lies after the caller's buffer. */
	c.len = src ? len : 0;
	copy = xmalloc(c.len + MD_SRC_PAD);
	if (c.len)
		memcpy(copy, src, c.len);
	memset(copy + c.len, 0, MD_SRC_PAD);
	c.src = copy;
	c.opts = opts;
	c.out = out;
	c.on_link = on_link;
	c.ud = ud;
	MD_PARSER p = {
		.abi_version = 0,
		.flags = MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH |
			 ((opts & MD_OPT_NOHTML) ? MD_FLAG_NOHTML : 0),
		.enter_block = on_enter_block,
		.leave_block = on_leave_block,
		.enter_span = on_enter_span,
		.leave_span = on_leave_span,
		.text = on_text,
	};
	rc = md_parse(c.src, (MD_SIZE)c.len, &p, &c) ? -1 : 0;
cleanup:
	ctx_free(&c);
	free(copy);
	return rc;
}

void md_typography(const char *s, size_t len, buf_t *out)
{
	ctx_t c;
	memset(&c, 0, sizeof c);
	c.src = s;
	c.len = len;
	add_text(&c, s, len, NULL);
	if (c.ntok) {
		replacements(&c);
		smartquotes(&c);
		buf_put(out, c.arena.ptr + c.tok[0].off, c.tok[0].len);
	}
	ctx_free(&c);
}
