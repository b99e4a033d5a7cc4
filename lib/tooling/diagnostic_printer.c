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
 *
 * The layout itself and the location look-ups, which
 * diagnostic_verifier.c shares, are in diagnostic_format.c
 * (DiagnosticFormat.h); this file walks a diagnostic, its call stack and its
 * notes through them.
 *===----------------------------------------------------------------------===*/

#include "cim-c/Tooling.h"

#include <stdlib.h>

#include "DiagnosticFormat.h"
#include "StrBuf.h"

enum { kCallStackLimit = 10 };

/*===----------------------------------------------------------------------===*
 * Public API
 *===----------------------------------------------------------------------===*/

static void printDiagnosticAt(FILE *os, MlirDiagnostic diag,
                              MlirDiagnosticSeverity severity,
                              CimSourceBuffer source, MlirLocation loc,
                              bool displaySourceLine) {
  CimStrBuf message = {0};
  mlirDiagnosticPrint(diag, cimStrBufCallback, &message);
  cimDiagPrintAtLocation(
      os, source, loc, severity,
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
  MlirLocation callSite = cimDiagFindCallSite(loc);
  if (!mlirLocationIsNull(callSite)) {
    MlirStringRef calledFrom = mlirStringRefCreateFromCString("called from");
    loc = mlirLocationCallSiteGetCaller(callSite);
    for (unsigned depth = 0; depth < kCallStackLimit; ++depth) {
      cimDiagPrintAtLocation(stream, source, loc, MlirDiagnosticNote,
                             calledFrom, true);
      callSite = cimDiagFindCallSite(loc);
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
