/*===-- MemFile.h - Fuzz inputs for readers that take a path --------------===*
 *
 * Some readers (policies, calibration files) take a path: the input is put
 * in an anonymous memory file and read through /proc/self/fd, so a fuzz run
 * touches no disk and leaves nothing behind.
 *===----------------------------------------------------------------------===*/

#ifndef CIM_TEST_FUZZ_MEMFILE_H
#define CIM_TEST_FUZZ_MEMFILE_H

#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/// Writes `data` to a new memory file; stores its path in `path` and returns
/// its descriptor (close it when done). Aborts when the kernel refuses.
static int cimFuzzMemFile(const uint8_t *data, size_t size, char *path,
                          size_t pathSize) {
  int fd = memfd_create("cim-fuzz", MFD_CLOEXEC);
  if (fd < 0)
    abort();
  size_t done = 0;
  while (done < size) {
    ssize_t n = write(fd, data + done, size - done);
    if (n <= 0)
      abort();
    done += (size_t)n;
  }
  snprintf(path, pathSize, "/proc/self/fd/%d", fd);
  return fd;
}

#endif /* CIM_TEST_FUZZ_MEMFILE_H */
