/*===-- action_filter.c - --log-mlir-actions-filter -----------------------===*/

#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cim-c/Passes.h"
#include "cim-c/Pipeline.h"
#include "mlir-c/IR.h"
#include "mlir-c/Pass.h"
#include "action_log.h"


/*===----------------------------------------------------------------------===*
 * --log-mlir-actions-filter
 *===----------------------------------------------------------------------===*/

/// llvm::StringRef::getAsInteger(0, int64_t): radix from the prefix (0x, 0b,
/// 0o, 0 for octal), every character a digit, no overflow.
static bool getAsInteger(const char *s, size_t n, long long *out) {
  bool negative = n > 0 && s[0] == '-';
  if (negative) {
    ++s;
    --n;
  }
  unsigned radix = 10;
  if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    radix = 16;
    s += 2, n -= 2;
  } else if (n >= 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
    radix = 2;
    s += 2, n -= 2;
  } else if (n >= 2 && s[0] == '0' && s[1] == 'o') {
    radix = 8;
    s += 2, n -= 2;
  } else if (n >= 2 && s[0] == '0' && s[1] >= '0' && s[1] <= '9') {
    radix = 8;
    s += 1, n -= 1;
  }
  if (n == 0)
    return false;
  unsigned long long v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[i];
    unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                 : c >= 'a' && c <= 'z' ? (unsigned)(c - 'a' + 10)
                 : c >= 'A' && c <= 'Z' ? (unsigned)(c - 'A' + 10)
                                        : 99;
    if (d >= radix)
      return false;
    unsigned long long next = v * radix + d;
    if (next / radix != v)
      return false;
    v = next;
  }
  if (negative ? v > 1ULL << 63 : v > (1ULL << 63) - 1)
    return false;
  *out = negative ? (long long)(0 - v) : (long long)v;
  return true;
}

/// FileLineColLocBreakpoint::parseFromString: `file:line:col`, `file:line` or
/// `file`, read from the right (a file name may hold ':').
static void parseFilter(const char *s, size_t n, CimOptActionFilter *f) {
  /* rsplit(':') twice */
  const char *c1 = NULL;
  for (size_t i = n; i-- > 0;)
    if (s[i] == ':') {
      c1 = s + i;
      break;
    }
  size_t fileLineLen = c1 ? (size_t)(c1 - s) : n;
  const char *colStr = c1 ? c1 + 1 : s + n;
  size_t colLen = c1 ? n - fileLineLen - 1 : 0;
  const char *c2 = NULL;
  for (size_t i = fileLineLen; i-- > 0;)
    if (s[i] == ':') {
      c2 = s + i;
      break;
    }
  size_t fileLen = c2 ? (size_t)(c2 - s) : fileLineLen;
  const char *lineStr = c2 ? c2 + 1 : s + fileLineLen;
  size_t lineLen = c2 ? fileLineLen - fileLen - 1 : 0;
  long long line = -1, col = -1;
  if (lineLen == 0) {
    fileLen = fileLineLen;
    if (colLen != 0 && !getAsInteger(colStr, colLen, &line))
      fileLen = n;
  } else if (!getAsInteger(lineStr, lineLen, &line)) {
    fileLen = fileLineLen;
    if (!getAsInteger(colStr, colLen, &line))
      fileLen = n;
  } else if (!getAsInteger(colStr, colLen, &col)) {
    fileLen = n;
    line = -1;
  }
  f->file = s;
  f->fileLength = fileLen;
  f->line = line;
  f->col = col;
}

bool cimOptAddActionFilters(CimOptOptions *o, const char *list) {
  /* cl::CommaSeparated: every piece, empty ones included. */
  for (;;) {
    const char *comma = strchr(list, ',');
    size_t n = comma ? (size_t)(comma - list) : strlen(list);
    if (n == 0) {
      fputs("error: initializing FileLineColLocBreakpoint with empty file "
            "name\nInvalid location filter: \n",
            stderr);
      return false;
    }
    CimOptActionFilter *grown =
        realloc(o->actionFilters,
                (size_t)(o->numActionFilters + 1) * sizeof *grown);
    if (!grown) {
      fputs(TOOL ": out of memory\n", stderr);
      return false;
    }
    o->actionFilters = grown;
    parseFilter(list, n, &o->actionFilters[o->numActionFilters++]);
    if (!comma)
      return true;
    list = comma + 1;
  }
}

/// FileLineColLocBreakpointManager::matchFromLocation: some file:line:col
/// location within `loc` (through call sites, fused and name locations) is
/// named by a filter (with its line, or any line; its column, or any).
bool cimOptActionFilterMatches(const CimOptOptions *o, MlirLocation loc) {
  if (mlirLocationIsAFileLineColRange(loc)) {
    int line = mlirLocationFileLineColRangeGetStartLine(loc);
    int col = mlirLocationFileLineColRangeGetStartColumn(loc);
    /* Only FileLineColLoc (a point), not a range with an end. */
    if (mlirLocationFileLineColRangeGetEndLine(loc) != line ||
        mlirLocationFileLineColRangeGetEndColumn(loc) != col)
      return false;
    MlirStringRef file =
        mlirIdentifierStr(mlirLocationFileLineColRangeGetFilename(loc));
    for (int i = 0; i < o->numActionFilters; ++i) {
      const CimOptActionFilter *f = &o->actionFilters[i];
      if (f->fileLength != file.length ||
          memcmp(f->file, file.data, file.length) != 0)
        continue;
      if ((f->line == line && f->col == col) ||
          (f->line == line && f->col == -1) ||
          (f->line == -1 && f->col == -1))
        return true;
    }
    return false;
  }
  if (mlirLocationIsACallSite(loc))
    return cimOptActionFilterMatches(o, mlirLocationCallSiteGetCallee(loc)) ||
           cimOptActionFilterMatches(o, mlirLocationCallSiteGetCaller(loc));
  if (mlirLocationIsAName(loc))
    return cimOptActionFilterMatches(o, mlirLocationNameGetChildLoc(loc));
  if (mlirLocationIsAFused(loc)) {
    intptr_t n = mlirLocationFusedGetNumLocations(loc);
    MlirLocation *locs = n > 0 ? malloc((size_t)n * sizeof *locs) : NULL;
    bool match = false;
    if (locs) {
      mlirLocationFusedGetLocations(loc, locs);
      for (intptr_t i = 0; i < n && !match; ++i)
        match = cimOptActionFilterMatches(o, locs[i]);
    }
    free(locs);
    return match;
  }
  return false;
}

