/*===-- strbuf.c - A growable string for building messages -----------------===*/

#include "support/StrBuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool reserve(CimStrBuf *b, size_t extra) {
  if (b->oom)
    return false;
  size_t need = b->length + extra + 1;
  if (need <= b->capacity)
    return true;
  size_t cap = b->capacity ? b->capacity : 64;
  while (cap < need)
    cap *= 2;
  char *grown = realloc(b->data, cap);
  if (!grown) {
    b->oom = true;
    return false;
  }
  b->data = grown;
  b->capacity = cap;
  return true;
}

bool cimStrBufReserve(CimStrBuf *b, size_t extra) { return reserve(b, extra); }

void cimStrBufAppend(CimStrBuf *b, const char *data, size_t length) {
  if (!reserve(b, length))
    return;
  if (length)
    memcpy(b->data + b->length, data, length);
  b->length += length;
  b->data[b->length] = '\0';
}

void cimStrBufAppendCString(CimStrBuf *b, const char *s) {
  cimStrBufAppend(b, s, strlen(s));
}

void cimStrBufAppendRef(CimStrBuf *b, MlirStringRef s) {
  cimStrBufAppend(b, s.data, s.length);
}

void cimStrBufVPrintf(CimStrBuf *b, const char *fmt, va_list ap) {
  va_list copy;
  va_copy(copy, ap);
  int n = vsnprintf(NULL, 0, fmt, copy);
  va_end(copy);
  if (n < 0 || !reserve(b, (size_t)n))
    return;
  vsnprintf(b->data + b->length, (size_t)n + 1, fmt, ap);
  b->length += (size_t)n;
}

void cimStrBufPrintf(CimStrBuf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  cimStrBufVPrintf(b, fmt, ap);
  va_end(ap);
}

const char *cimStrBufGet(const CimStrBuf *b) { return b->data ? b->data : ""; }

void cimStrBufClear(CimStrBuf *b) {
  b->length = 0;
  if (b->data)
    b->data[0] = '\0';
}

void cimStrBufFree(CimStrBuf *b) {
  free(b->data);
  *b = (CimStrBuf){0};
}

void cimStrBufCallback(MlirStringRef s, void *strBuf) {
  cimStrBufAppendRef(strBuf, s);
}
