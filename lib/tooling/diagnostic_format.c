/*===-- diagnostic_format.c - Diagnostics laid out as llvm::SourceMgr does -===*
 *
 * The pieces of mlir-opt's diagnostic output that diagnostic_printer.c
 * (cimPrintDiagnostic) and diagnostic_verifier.c (--verify-diagnostics)
 * both print with (see DiagnosticFormat.h):
 *
 *   file:line:col: error: message
 *   <the source line, tabs expanded to 8 columns>
 *         ^~~~~
 *
 * following llvm::SMDiagnostic::print (llvm/lib/Support/SourceMgr.cpp)
 * without colours, and the location look-ups of
 * SourceMgrDiagnosticHandler (mlir/lib/IR/Diagnostics.cpp) that decide
 * where such a message is printed.
 *===----------------------------------------------------------------------===*/

#include "DiagnosticFormat.h"

#include <stdlib.h>
#include <string.h>

#include "StrBuf.h"

enum { kTabStop = 8 };

const char *cimDiagSeverityWord(MlirDiagnosticSeverity severity) {
  switch (severity) {
  case MlirDiagnosticError:
    return "error";
  case MlirDiagnosticWarning:
    return "warning";
  case MlirDiagnosticNote:
    return "note";
  case MlirDiagnosticRemark:
    return "remark";
  }
  return "error";
}

static void writeRef(FILE *os, MlirStringRef s) {
  if (s.length)
    fwrite(s.data, 1, s.length, os);
}

/*===----------------------------------------------------------------------===*
 * llvm::SourceMgr::PrintMessage and llvm::SMDiagnostic::print
 *===----------------------------------------------------------------------===*/

/// Writes `line` with tabs expanded to the next multiple of kTabStop.
static void printSourceLine(FILE *os, const char *line, size_t length) {
  size_t outCol = 0;
  for (size_t i = 0; i < length; ++i) {
    if (line[i] != '\t') {
      fputc(line[i], os);
      ++outCol;
      continue;
    }
    do {
      fputc(' ', os);
      ++outCol;
    } while (outCol % kTabStop != 0);
  }
  fputc('\n', os);
}

/// Writes the caret line under `line`: '^' at column `caret`, '~' over
/// [rangeBegin, rangeEnd), spaces elsewhere and nothing after the last mark.
/// A mark or space under a tab repeats up to the tab stop, as SMDiagnostic
/// does.
static void printCaretLine(FILE *os, const char *line, size_t lineLength,
                           size_t caret, size_t rangeBegin, size_t rangeEnd) {
  size_t used = caret + 1;
  if (rangeBegin < rangeEnd && rangeEnd > used)
    used = rangeEnd;
  size_t outCol = 0;
  for (size_t i = 0; i < used; ++i) {
    char c = ' ';
    if (i == caret)
      c = '^';
    else if (i >= rangeBegin && i < rangeEnd)
      c = '~';
    if (i >= lineLength || line[i] != '\t') {
      fputc(c, os);
      ++outCol;
      continue;
    }
    do {
      fputc(c, os);
      ++outCol;
    } while (outCol % kTabStop != 0);
  }
  fputc('\n', os);
}

void cimDiagPrintSM(FILE *os, MlirStringRef file, long line, long column,
                    MlirDiagnosticSeverity severity, MlirStringRef message,
                    const char *lineText, size_t lineLength, size_t rangeBegin,
                    size_t rangeEnd) {
  if (!os)
    return;
  if (file.length) {
    if (file.length == 1 && file.data[0] == '-')
      fputs("<stdin>", os);
    else
      writeRef(os, file);
    if (line != -1) {
      fprintf(os, ":%ld", line);
      if (column != -1)
        fprintf(os, ":%ld", column + 1);
    }
    fputs(": ", os);
  }
  fprintf(os, "%s: ", cimDiagSeverityWord(severity));
  writeRef(os, message);
  fputc('\n', os);
  if (line == -1 || column == -1)
    return;

  printSourceLine(os, lineText, lineLength);
  for (size_t i = 0; i < lineLength; ++i)
    if ((unsigned char)lineText[i] & 0x80)
      return;
  /* The caret goes under the column (or just past the line); the range
     cannot reach further than that. */
  size_t caret = (size_t)column <= lineLength ? (size_t)column : lineLength;
  if (rangeEnd > lineLength + 1)
    rangeEnd = lineLength + 1;
  printCaretLine(os, lineText, lineLength, caret, rangeBegin, rangeEnd);
}

void cimDiagPrintAtOffset(FILE *os, CimSourceBuffer source, size_t offset,
                          size_t rangeLength, MlirDiagnosticSeverity severity,
                          MlirStringRef message) {
  const char *text = source.text.data;
  size_t begin = offset, end = offset;
  while (begin > 0 && text[begin - 1] != '\n' && text[begin - 1] != '\r')
    --begin;
  while (end < source.text.length && text[end] != '\n' && text[end] != '\r')
    ++end;
  long line = 1;
  for (const char *p = text, *stop = text + offset;
       (p = memchr(p, '\n', (size_t)(stop - p))) != NULL; ++p)
    ++line;
  size_t rangeEnd = offset + rangeLength > end ? end : offset + rangeLength;
  cimDiagPrintSM(os, source.name, line, (long)(offset - begin), severity,
                 message, text + begin, end - begin,
                 rangeLength ? offset - begin : 0,
                 rangeLength ? rangeEnd - begin : 0);
}

void cimDiagPrintUnknown(FILE *os, MlirDiagnosticSeverity severity,
                         MlirStringRef message) {
  cimDiagPrintSM(os, mlirStringRefCreateFromCString("<unknown>"), 0, -1,
                 severity, message, NULL, 0, 0, 0);
}

static bool isUnknownLoc(MlirLocation loc) {
  return mlirLocationEqual(loc,
                           mlirLocationUnknownGet(mlirLocationGetContext(loc)));
}

void cimDiagPrintAtLocation(FILE *os, CimSourceBuffer source, MlirLocation loc,
                            MlirDiagnosticSeverity severity,
                            MlirStringRef message, bool displaySourceLine) {
  MlirLocation fileLoc = cimDiagFindFileLoc(loc);
  if (mlirLocationIsNull(fileLoc) && isUnknownLoc(loc)) {
    cimDiagPrintUnknown(os, severity, message);
    return;
  }
  if (mlirLocationIsNull(fileLoc)) {
    /* A name (or fused / call-site) location with no file position, such
       as an imported ONNX node's loc("conv1"): mlir-opt prints
       `<unknown>:0: error: loc("conv1"): message`; we name the buffer the
       op was read from instead of `<unknown>:0` and keep the location. */
    CimStrBuf text = {0};
    mlirLocationPrint(loc, cimStrBufCallback, &text);
    cimStrBufAppendCString(&text, ": ");
    cimStrBufAppendRef(&text, message);
    cimDiagPrintSM(os, source.name.data ? source.name : mlirStringRefCreate("", 0),
                   -1, -1, severity,
                   mlirStringRefCreate(cimStrBufGet(&text), text.length), NULL,
                   0, 0, 0);
    cimStrBufFree(&text);
    return;
  }

  MlirStringRef file =
      mlirIdentifierStr(mlirLocationFileLineColRangeGetFilename(fileLoc));
  unsigned line = (unsigned)mlirLocationFileLineColRangeGetStartLine(fileLoc);
  unsigned col = (unsigned)mlirLocationFileLineColRangeGetStartColumn(fileLoc);
  size_t offset;
  if (displaySourceLine && source.name.data &&
      mlirStringRefEqual(file, source.name) &&
      cimDiagFindOffset(source, line, col, &offset)) {
    cimDiagPrintAtOffset(os, source, offset, 0, severity, message);
    return;
  }
  /* SMDiagnostic(file:line:col, kind, message): no source line. */
  CimStrBuf where = {0};
  cimStrBufAppendRef(&where, file);
  cimStrBufPrintf(&where, ":%u:%u", line, col);
  cimDiagPrintSM(os, mlirStringRefCreate(cimStrBufGet(&where), where.length),
                 -1, -1, severity, message, NULL, 0, 0, 0);
  cimStrBufFree(&where);
}

bool cimDiagFindOffset(CimSourceBuffer source, unsigned line, unsigned col,
                       size_t *offset) {
  if (!source.text.data || line == 0 || col == 0)
    return false;
  const char *text = source.text.data;
  size_t length = source.text.length, pos = 0;
  for (unsigned l = 1; l < line; ++l) {
    const char *nl = memchr(text + pos, '\n', length - pos);
    if (!nl)
      return false;
    pos = (size_t)(nl - text) + 1;
  }
  size_t c = col - 1;
  if (c > length - pos)
    return false;
  for (size_t i = 0; i < c; ++i)
    if (text[pos + i] == '\n' || text[pos + i] == '\r')
      return false;
  *offset = pos + c;
  return true;
}

/*===----------------------------------------------------------------------===*
 * Locations
 *===----------------------------------------------------------------------===*/

/// The first non-null `find(l)` over the locations `l` fused in `loc`, in
/// order; a null location when there is none (or no memory to list them).
static MlirLocation findInFused(MlirLocation loc,
                                MlirLocation (*find)(MlirLocation)) {
  unsigned n = mlirLocationFusedGetNumLocations(loc);
  MlirLocation found = {NULL};
  MlirLocation *locs = n ? malloc(n * sizeof *locs) : NULL;
  if (!locs)
    return found;
  mlirLocationFusedGetLocations(loc, locs);
  for (unsigned i = 0; i < n && mlirLocationIsNull(found); ++i)
    found = find(locs[i]);
  free(locs);
  return found;
}

MlirLocation cimDiagFindFileLoc(MlirLocation loc) {
  if (mlirLocationIsAFileLineColRange(loc))
    return loc;
  if (mlirLocationIsAName(loc))
    return cimDiagFindFileLoc(mlirLocationNameGetChildLoc(loc));
  if (mlirLocationIsACallSite(loc)) {
    MlirLocation found = cimDiagFindFileLoc(mlirLocationCallSiteGetCallee(loc));
    if (mlirLocationIsNull(found))
      found = cimDiagFindFileLoc(mlirLocationCallSiteGetCaller(loc));
    return found;
  }
  if (mlirLocationIsAFused(loc))
    return findInFused(loc, cimDiagFindFileLoc);
  return (MlirLocation){NULL};
}

MlirLocation cimDiagFindCallSite(MlirLocation loc) {
  if (mlirLocationIsAName(loc))
    return cimDiagFindCallSite(mlirLocationNameGetChildLoc(loc));
  if (mlirLocationIsACallSite(loc))
    return loc;
  if (mlirLocationIsAFused(loc))
    return findInFused(loc, cimDiagFindCallSite);
  return (MlirLocation){NULL};
}
