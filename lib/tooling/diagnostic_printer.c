/*===-- diagnostic_printer.c - Printing diagnostics as mlir-opt does ------===*
 *
 * cimPrintDiagnostic writes a diagnostic the way mlir-opt's
 * SourceMgrDiagnosticHandler does (mlir/lib/IR/Diagnostics.cpp), through
 * llvm::SMDiagnostic::print (llvm/lib/Support/SourceMgr.cpp), so that tests
 * written against mlir-opt's output hold for cim-opt too:
 *
 *   file:line:col: error: message
 *   <the source line, tabs expanded to 8 columns>
 *         ^
 *
 *  - The position is the first file/line/col location found inside the
 *    diagnostic's location (name, call-site and fused locations are looked
 *    into). The source line is shown when that location names the source
 *    buffer and its line and column exist there; otherwise only
 *    `file:line:col: error: message` is printed.
 *  - With no file location at all the message reads
 *    `<unknown>:0: error: loc(...): message`, without the `loc(...): ` part
 *    for an unknown location.
 *  - For a call-site location, each caller (up to 10) follows as a
 *    `note: called from`.
 *  - Notes follow; a note at the same location as what was printed before it
 *    omits the source line.
 *  - A file name "-" prints as "<stdin>"; lines with non-ASCII characters
 *    are shown without a caret line, as SMDiagnostic does.
 *
 * mlir-opt also reads other files from disk to show their lines; this
 * printer only knows the one buffer it is given.
 *===----------------------------------------------------------------------===*/

#include "cim-c/Tooling.h"

#include <stdlib.h>
#include <string.h>

#include "StrBuf.h"

enum { kTabStop = 8, kCallStackLimit = 10 };

static const char *severityWord(MlirDiagnosticSeverity severity) {
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

/// SMDiagnostic::print without colours. `line < 0` omits ":line", `column < 0`
/// (0-based) omits ":col" and the source line.
static void printSMDiagnostic(FILE *os, MlirStringRef file, long line,
                              long column, MlirDiagnosticSeverity severity,
                              MlirStringRef message, const char *lineText,
                              size_t lineLength) {
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
  fprintf(os, "%s: ", severityWord(severity));
  writeRef(os, message);
  fputc('\n', os);
  if (line == -1 || column == -1)
    return;

  for (size_t i = 0; i < lineLength; ++i) {
    if ((unsigned char)lineText[i] & 0x80) {
      printSourceLine(os, lineText, lineLength);
      return;
    }
  }
  /* The caret line: '^' under the column (or just past the line). */
  size_t caret = (size_t)column <= lineLength ? (size_t)column : lineLength;
  printSourceLine(os, lineText, lineLength);
  size_t outCol = 0;
  for (size_t i = 0; i <= caret; ++i) {
    char c = i == caret ? '^' : ' ';
    if (i >= lineLength || lineText[i] != '\t') {
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

/// SourceMgr::PrintMessage at byte `offset` of `source` (which must be
/// inside the text or at its end).
static void printAtOffset(FILE *os, CimSourceBuffer source, size_t offset,
                          MlirDiagnosticSeverity severity,
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
  printSMDiagnostic(os, source.name, line, (long)(offset - begin), severity,
                    message, text + begin, end - begin);
}

/// SourceMgr::FindLocForLineAndColumn: the offset of 1-based (line, col)
/// in `source`, or false when there is no such position.
static bool findOffset(CimSourceBuffer source, unsigned line, unsigned col,
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

/// Location::findInstanceOf<FileLineColLoc>: a pre-order walk of `loc`.
static MlirLocation findFileLoc(MlirLocation loc) {
  if (mlirLocationIsAFileLineColRange(loc))
    return loc;
  if (mlirLocationIsAName(loc))
    return findFileLoc(mlirLocationNameGetChildLoc(loc));
  if (mlirLocationIsACallSite(loc)) {
    MlirLocation found = findFileLoc(mlirLocationCallSiteGetCallee(loc));
    if (mlirLocationIsNull(found))
      found = findFileLoc(mlirLocationCallSiteGetCaller(loc));
    return found;
  }
  if (mlirLocationIsAFused(loc)) {
    unsigned n = mlirLocationFusedGetNumLocations(loc);
    MlirLocation found = {NULL};
    MlirLocation *locs = n ? malloc(n * sizeof *locs) : NULL;
    if (!locs)
      return found;
    mlirLocationFusedGetLocations(loc, locs);
    for (unsigned i = 0; i < n && mlirLocationIsNull(found); ++i)
      found = findFileLoc(locs[i]);
    free(locs);
    return found;
  }
  return (MlirLocation){NULL};
}

/// getCallSiteLoc of Diagnostics.cpp: the call site `loc` stands for.
static MlirLocation findCallSite(MlirLocation loc) {
  if (mlirLocationIsAName(loc))
    return findCallSite(mlirLocationNameGetChildLoc(loc));
  if (mlirLocationIsACallSite(loc))
    return loc;
  if (mlirLocationIsAFused(loc)) {
    unsigned n = mlirLocationFusedGetNumLocations(loc);
    MlirLocation found = {NULL};
    MlirLocation *locs = n ? malloc(n * sizeof *locs) : NULL;
    if (!locs)
      return found;
    mlirLocationFusedGetLocations(loc, locs);
    for (unsigned i = 0; i < n && mlirLocationIsNull(found); ++i)
      found = findCallSite(locs[i]);
    free(locs);
    return found;
  }
  return (MlirLocation){NULL};
}

static bool isUnknownLoc(MlirLocation loc) {
  return mlirLocationEqual(loc,
                           mlirLocationUnknownGet(mlirLocationGetContext(loc)));
}

/// SourceMgrDiagnosticHandler::emitDiagnostic(Location, message, kind,
/// displaySourceLine).
static void printAtLocation(FILE *os, CimSourceBuffer source, MlirLocation loc,
                            MlirDiagnosticSeverity severity,
                            MlirStringRef message, bool displaySourceLine) {
  MlirLocation fileLoc = findFileLoc(loc);
  if (mlirLocationIsNull(fileLoc)) {
    CimStrBuf text = {0};
    if (!isUnknownLoc(loc)) {
      mlirLocationPrint(loc, cimStrBufCallback, &text);
      cimStrBufAppendCString(&text, ": ");
    }
    cimStrBufAppendRef(&text, message);
    printSMDiagnostic(
        os, mlirStringRefCreateFromCString("<unknown>"), 0, -1, severity,
        mlirStringRefCreate(cimStrBufGet(&text), text.length), NULL, 0);
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
      findOffset(source, line, col, &offset)) {
    printAtOffset(os, source, offset, severity, message);
    return;
  }
  /* SMDiagnostic(file:line:col, kind, message): no source line. */
  CimStrBuf where = {0};
  cimStrBufAppendRef(&where, file);
  cimStrBufPrintf(&where, ":%u:%u", line, col);
  printSMDiagnostic(os, mlirStringRefCreate(cimStrBufGet(&where), where.length),
                    -1, -1, severity, message, NULL, 0);
  cimStrBufFree(&where);
}

/*===----------------------------------------------------------------------===*
 * Public API
 *===----------------------------------------------------------------------===*/

static void printDiagnosticAt(FILE *os, MlirDiagnostic diag,
                              MlirDiagnosticSeverity severity,
                              CimSourceBuffer source, MlirLocation loc,
                              bool displaySourceLine) {
  CimStrBuf message = {0};
  mlirDiagnosticPrint(diag, cimStrBufCallback, &message);
  printAtLocation(os, source, loc, severity,
                  mlirStringRefCreate(cimStrBufGet(&message), message.length),
                  displaySourceLine);
  cimStrBufFree(&message);
}

void cimPrintDiagnostic(FILE *stream, MlirDiagnostic diagnostic,
                        CimSourceBuffer source) {
  if (!stream || !diagnostic.ptr)
    return;
  if (!source.text.data)
    source.text = mlirStringRefCreate(NULL, 0);
  MlirLocation loc = mlirDiagnosticGetLocation(diagnostic);
  printDiagnosticAt(stream, diagnostic, mlirDiagnosticGetSeverity(diagnostic),
                    source, loc, true);

  /* The call stack of a call-site location, as notes. */
  MlirLocation callSite = findCallSite(loc);
  if (!mlirLocationIsNull(callSite)) {
    MlirStringRef calledFrom = mlirStringRefCreateFromCString("called from");
    loc = mlirLocationCallSiteGetCaller(callSite);
    for (unsigned depth = 0; depth < kCallStackLimit; ++depth) {
      printAtLocation(stream, source, loc, MlirDiagnosticNote, calledFrom,
                      true);
      callSite = findCallSite(loc);
      if (mlirLocationIsNull(callSite))
        break;
      loc = mlirLocationCallSiteGetCaller(callSite);
    }
  }

  /* Notes show their source line only when their location changes. */
  for (intptr_t i = 0, n = mlirDiagnosticGetNumNotes(diagnostic); i < n; ++i) {
    MlirDiagnostic note = mlirDiagnosticGetNote(diagnostic, i);
    MlirLocation noteLoc = mlirDiagnosticGetLocation(note);
    printDiagnosticAt(stream, note, mlirDiagnosticGetSeverity(note), source,
                      noteLoc, !mlirLocationEqual(loc, noteLoc));
    loc = noteLoc;
  }
}

typedef struct Printer {
  FILE *stream;
  CimSourceBuffer source;
  intptr_t *errorCount;
} Printer;

static MlirLogicalResult printerHandler(MlirDiagnostic diagnostic,
                                        void *userData) {
  Printer *p = userData;
  if (p->errorCount &&
      mlirDiagnosticGetSeverity(diagnostic) == MlirDiagnosticError)
    ++*p->errorCount;
  cimPrintDiagnostic(p->stream, diagnostic, p->source);
  return mlirLogicalResultSuccess();
}

MlirDiagnosticHandlerID cimAttachDiagnosticPrinter(MlirContext context,
                                                   FILE *stream,
                                                   CimSourceBuffer source,
                                                   intptr_t *errorCount) {
  Printer *p = malloc(sizeof *p);
  if (!p)
    return 0;
  *p = (Printer){stream, source, errorCount};
  return mlirContextAttachDiagnosticHandler(context, printerHandler, p, free);
}
