/*===-- replay_main.c - Runs a fuzz target on saved inputs ----------------===*
 *
 * Without libFuzzer: `NAME_replay FILE_OR_DIR...` calls the target once per
 * file (directories are read one level deep, in name order) and prints
 * "replayed N inputs". make check runs every target over its seed corpus
 * and every saved crash input (test/fuzz/corpus/NAME, test/fuzz/crashes/NAME),
 * under ASan + UBSan in make check-asan. A crash fails the test.
 *===----------------------------------------------------------------------===*/

#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "FuzzCommon.h"

static int replayFile(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "cannot open '%s'\n", path);
    return -1;
  }
  size_t cap = 4096, n = 0;
  unsigned char *buf = malloc(cap);
  for (size_t got; buf && (got = fread(buf + n, 1, cap - n, f)) > 0;) {
    n += got;
    if (n == cap) {
      unsigned char *grown = realloc(buf, cap *= 2);
      if (!grown)
        free(buf);
      buf = grown;
    }
  }
  fclose(f);
  if (!buf) {
    fprintf(stderr, "out of memory reading '%s'\n", path);
    return -1;
  }
  LLVMFuzzerTestOneInput(buf, n);
  free(buf);
  return 1;
}

static int compareNames(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/// Replays `dir` (or the file it names); returns the number of inputs run,
/// or -1 when one could not be read.
static int replayDir(const char *dir) {
  DIR *d = opendir(dir);
  if (!d)
    return replayFile(dir);
  char **names = NULL;
  size_t count = 0;
  for (struct dirent *e; (e = readdir(d)) != NULL;) {
    if (e->d_name[0] == '.')
      continue;
    char **grown = realloc(names, (count + 1) * sizeof *names);
    if (!grown || !(grown[count] = strdup(e->d_name)))
      abort();
    names = grown;
    ++count;
  }
  closedir(d);
  if (count)
    qsort(names, count, sizeof *names, compareNames);
  int total = 0;
  for (size_t i = 0; i < count; ++i) {
    size_t len = strlen(dir) + strlen(names[i]) + 2;
    char *path = malloc(len);
    if (!path)
      abort();
    snprintf(path, len, "%s/%s", dir, names[i]);
    struct stat st;
    if (total >= 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode))
      total = replayFile(path) < 0 ? -1 : total + 1;
    free(path);
    free(names[i]);
  }
  free(names);
  return total;
}

int main(int argc, char **argv) {
  int total = 0;
  for (int i = 1; i < argc; ++i) {
    int r = replayDir(argv[i]);
    if (r < 0)
      return 1;
    total += r;
  }
  if (total == 0) {
    fprintf(stderr, "no inputs replayed\n");
    return 1;
  }
  printf("replayed %d inputs\n", total);
  return 0;
}
