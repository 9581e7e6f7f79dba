/* Where the unit tests find the data the project does not ship (the real
 * guide with the old site's outputs, the official Mustache spec): the folder
 * named by $SOBRE_TESTDATA, else SHARED_DIR (the Makefile's default,
 * ../shared beside the clone). A test that needs it and does not find it is
 * skipped with a line saying how to provide it, except under CI ($CI set),
 * where the data must be there and its absence fails the test. Header-only,
 * for cmocka tests (include after <cmocka.h>). */
#ifndef SOBRE_TESTDATA_H
#define SOBRE_TESTDATA_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#ifndef SHARED_DIR
#define SHARED_DIR "../shared"
#endif

static inline const char *testdata_dir(void)
{
	const char *d = getenv("SOBRE_TESTDATA");
	return d && *d ? d : SHARED_DIR;
}

/* rel inside the test data folder, written into buf (no allocation: a
 * skipped test leaves nothing for LeakSanitizer). Returns buf. */
static inline const char *testdata_path(char *buf, size_t size, const char *rel)
{
	snprintf(buf, size, "%s/%s", testdata_dir(), rel);
	return buf;
}

/* Returns if path exists; otherwise ends the current test: skipped outside
 * CI, failed under it. */
static inline void testdata_need(const char *path)
{
	struct stat st;
	if (stat(path, &st) == 0)
		return;
	const char *ci = getenv("CI");
	if (ci && *ci)
		fail_msg("%s not found: CI must provide the test data (set SOBRE_TESTDATA, see README)", path);
	print_message("SKIPPED (%s not found: set SOBRE_TESTDATA, see README)\n", path);
	skip();
}

#endif
