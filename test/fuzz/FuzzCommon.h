/*===-- FuzzCommon.h - Shared pieces of the fuzz targets ------------------===*
 *
 * Each fuzz target is one .c file defining LLVMFuzzerTestOneInput over one
 * reader or decoder of cimlir. Inputs that the reader rejects are fine (the
 * message is dropped); what a target must never do is crash, leak, read out
 * of bounds, overflow, or accept and then misbehave. The same sources are
 * linked with libFuzzer (make fuzz) and with replay_main.c (make check,
 * which replays the corpora and every saved crash input).
 *===----------------------------------------------------------------------===*/

#ifndef CIM_TEST_FUZZ_FUZZCOMMON_H
#define CIM_TEST_FUZZ_FUZZCOMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlir-c/Support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/// A growing text or byte buffer (NUL-terminated when not empty).
typedef struct CimFuzzText {
  char *data;
  size_t length;
} CimFuzzText;

/// An MlirStringCallback appending to the CimFuzzText passed as user data.
static inline void cimFuzzAppend(MlirStringRef s, void *userData) {
  CimFuzzText *t = userData;
  char *grown = realloc(t->data, t->length + s.length + 1);
  if (!grown)
    abort();
  memcpy(grown + t->length, s.data, s.length);
  t->data = grown;
  t->length += s.length;
  t->data[t->length] = '\0';
}

/// An MlirStringCallback that drops the message.
static inline void cimFuzzIgnore(MlirStringRef message, void *userData) {
  (void)message;
  (void)userData;
}

/// An MlirStringCallback for calls that must not fail: prints the message,
/// so that a finding explains itself, before the target aborts.
static inline void cimFuzzPrint(MlirStringRef message, void *userData) {
  fprintf(stderr, "%s: %.*s\n", userData ? (const char *)userData : "error",
          (int)message.length, message.data);
}

#endif /* CIM_TEST_FUZZ_FUZZCOMMON_H */
