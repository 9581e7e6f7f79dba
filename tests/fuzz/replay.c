/* replay: runs a fuzz harness on the files named on the command line, without
 * libFuzzer, so that `make test` replays the regression cases (and the seed
 * corpus) under the suite's own build and sanitizers. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/buf.h"
#include "util/fs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Files larger than this are not fuzz inputs (libFuzzer's -max_len is far below). */
#define REPLAY_MAX_FILE (16u << 20)

int main(int argc, char **argv)
{
	int rc = 0;
	buf_t b = BUF_INIT;
	for (int i = 1; i < argc; i++) {
		int err = fs_read_file(argv[i], REPLAY_MAX_FILE, &b);
		if (err) {
			fprintf(stderr, "replay: %s: cannot read (errno %d)\n", argv[i], err);
			rc = 2;
			continue;
		}
		/* An exact-size copy, so that ASan catches a read one byte past the input. */
		uint8_t *copy = malloc(b.len ? b.len : 1);
		if (!copy)
			abort();
		for (size_t k = 0; k < b.len; k++)
			copy[k] = (uint8_t)b.ptr[k];
		LLVMFuzzerTestOneInput(copy, b.len);
		free(copy);
	}
	buf_free(&b);
	return rc;
}
