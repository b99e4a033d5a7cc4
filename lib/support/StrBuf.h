/*===-- StrBuf.h - A growable string for building messages (internal) -----===*/

#ifndef CIM_LIB_STRBUF_H
#define CIM_LIB_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "mlir-c/Support.h"

/// A NUL-terminated growable string. Zero-initialise to start empty. On out of
/// memory the buffer keeps what it had and sets `oom`.
typedef struct CimStrBuf {
  char *data;
  size_t length;
  size_t capacity;
  bool oom;
} CimStrBuf;

/// Makes room for `extra` more bytes in one allocation (a buffer about to
/// receive a large text is then not grown, and copied, step by step); false
/// (and `oom`) when out of memory.
bool cimStrBufReserve(CimStrBuf *b, size_t extra);
void cimStrBufAppend(CimStrBuf *b, const char *data, size_t length);
void cimStrBufAppendCString(CimStrBuf *b, const char *s);
void cimStrBufAppendRef(CimStrBuf *b, MlirStringRef s);
void cimStrBufPrintf(CimStrBuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void cimStrBufVPrintf(CimStrBuf *b, const char *fmt, va_list ap);
/// The contents, never NULL ("" when empty); valid until the next append.
const char *cimStrBufGet(const CimStrBuf *b);
void cimStrBufClear(CimStrBuf *b);
void cimStrBufFree(CimStrBuf *b);
/// An MlirStringCallback appending to the CimStrBuf passed as user data.
void cimStrBufCallback(MlirStringRef s, void *strBuf);

#endif /* CIM_LIB_STRBUF_H */
