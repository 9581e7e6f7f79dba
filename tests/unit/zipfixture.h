/* Shared by the unit tests of workbooks (util/test_workbook.c,
 * steer/test_sheet.c): a zip built in memory with libzip from named
 * strings, and an ODS from the body of its office:spreadsheet. Header-only,
 * for cmocka test files (it asserts). */
#ifndef SOBRE_TEST_ZIPFIXTURE_H
#define SOBRE_TEST_ZIPFIXTURE_H

#include <string.h>
#include <zip.h>

#include "util/buf.h"

typedef struct {
	const char *name, *text;
} zfx_entry_t;

/* A zip of the entries, in order, appended to out. */
static inline void zfx_zip(const zfx_entry_t *e, size_t n, buf_t *out)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
	assert_non_null(src);
	zip_source_keep(src);
	zip_t *z = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
	assert_non_null(z);
	for (size_t i = 0; i < n; i++) {
		zip_source_t *s = zip_source_buffer(z, e[i].text, strlen(e[i].text), 0);
		assert_true(zip_file_add(z, e[i].name, s, ZIP_FL_ENC_UTF_8) >= 0);
	}
	assert_int_equal(zip_close(z), 0);
	assert_int_equal(zip_source_open(src), 0);
	char chunk[4096];
	zip_int64_t k;
	while ((k = zip_source_read(src, chunk, sizeof chunk)) > 0)
		buf_put(out, chunk, (size_t)k);
	zip_source_close(src);
	zip_source_free(src);
	zip_error_fini(&ze);
}

#define ZFX_ODS_NS                                                                                   \
	"xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "                         \
	"xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" "                           \
	"xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" "                             \
	"xmlns:calcext=\"urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0\""

/* An ODS whose office:spreadsheet holds body, appended to z. */
static inline void zfx_ods(const char *body, buf_t *z)
{
	buf_t content = BUF_INIT;
	buf_printf(&content, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content " ZFX_ODS_NS
			     "><office:body><office:spreadsheet>%s</office:spreadsheet></office:body></office:document-content>",
		   body);
	const zfx_entry_t e[] = {
		{"mimetype", "application/vnd.oasis.opendocument.spreadsheet"},
		{"content.xml", buf_cstr(&content)},
	};
	zfx_zip(e, 2, z);
	buf_free(&content);
}

#endif
