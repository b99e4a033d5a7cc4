/*===-- memory.c - ONNX import: tensor buffers and the protobuf allocator --===*
 *
 * Where the importer's memory goes (docs/onnx.md, "Memory"): a model is
 * mostly weights, and each byte of weight should be held about once. The
 * stages a weight passes through are
 *
 *   1. the model file, mapped (cimImportOnnxFile);
 *   2. protobuf-c's copy of it in TensorProto.raw_data: protobuf-c copies
 *      every `bytes` field out of the input buffer, with no way around it;
 *   3. the importer's constant (Const.f, the same buffer taken over from the
 *      TensorProto, or doubles for constants that are computed with);
 *   4. the dense attribute of the MLIR context, which copies its data.
 *
 * So that a stage is released as soon as the next one holds the data,
 * tensor-sized buffers are allocated here, outside malloc's heap: a buffer
 * of CIM_ONNX_BIG_BUFFER bytes or more is its own anonymous mapping, given
 * back to the system when freed (glibc would serve sizes up to 32 MiB from
 * its heap once its dynamic mmap threshold has risen, and a freed hole in
 * the heap stays resident). protobuf-c allocates through the same functions
 * (cimOnnxProtobufAllocator), so the importer can take a raw_data buffer
 * over and free it with cimOnnxBufFree. While protobuf-c unpacks a mapped
 * file, each tensor-sized allocation first drops the file's pages from the
 * process (MADV_DONTNEED on a private read-only file mapping only unmaps
 * them; the page cache keeps the data and a later read maps it again), so
 * the file and protobuf-c's copy of it are not both resident.
 *===----------------------------------------------------------------------===*/

#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, madvise */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "Importer.h"

/* Every buffer carries its size in the 8 bytes before the pointer: 0 for a
 * malloc'd one (a 16-byte header keeps malloc's alignment), the mapping's
 * length for a mapped one (a 64-byte header, so the data is 64-byte
 * aligned, as MLIR aligns dense storage). */
enum { SMALL_HEADER = 16, BIG_HEADER = 64 };

void *cimOnnxBufAlloc(size_t size) {
  if (size >= CIM_ONNX_BIG_BUFFER && size <= SIZE_MAX - BIG_HEADER) {
    size_t len = size + BIG_HEADER;
    uint8_t *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
      return NULL;
    uint64_t tag = len;
    memcpy(m + BIG_HEADER - 8, &tag, 8);
    return m + BIG_HEADER;
  }
  if (size > SIZE_MAX - SMALL_HEADER)
    return NULL;
  uint8_t *p = malloc(size + SMALL_HEADER);
  if (!p)
    return NULL;
  memset(p + SMALL_HEADER - 8, 0, 8);
  return p + SMALL_HEADER;
}

void cimOnnxBufFree(void *ptr) {
  if (!ptr)
    return;
  uint8_t *p = ptr;
  uint64_t tag;
  memcpy(&tag, p - 8, 8);
  if (tag)
    munmap(p - BIG_HEADER, (size_t)tag);
  else
    free(p - SMALL_HEADER);
}

static void *pbAlloc(void *data, size_t size) {
  CimOnnxUnpackState *s = data;
  /* protobuf-c asks for a tensor-sized buffer just before copying a bytes
   * field or a repeated field into it; the fields before it are copied. */
  if (s && s->map && size >= CIM_ONNX_BIG_BUFFER)
    madvise((void *)s->map, s->mapSize, MADV_DONTNEED);
  return cimOnnxBufAlloc(size);
}

static void pbFree(void *data, void *ptr) {
  (void)data;
  cimOnnxBufFree(ptr);
}

ProtobufCAllocator cimOnnxProtobufAllocator(CimOnnxUnpackState *state) {
  return (ProtobufCAllocator){pbAlloc, pbFree, state};
}
