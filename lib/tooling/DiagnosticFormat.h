/*===-- DiagnosticFormat.h - mlir-opt's diagnostic layout (internal) ------===*/

/* What diagnostic_printer.c and diagnostic_verifier.c share: printing a
 * message the way llvm::SourceMgr does (file:line:col, severity, the source
 * line and a caret) and finding, inside an MLIR location, the file location
 * and call site such a message is printed at. Implemented in
 * diagnostic_format.c. */

#ifndef CIM_LIB_TOOLING_DIAGNOSTICFORMAT_H
#define CIM_LIB_TOOLING_DIAGNOSTICFORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cim-c/Tooling.h"
#include "mlir-c/Diagnostics.h"
#include "mlir-c/IR.h"

/// The word a severity prints as: "error", "warning", "note" or "remark".
const char *cimDiagSeverityWord(MlirDiagnosticSeverity severity);

/// llvm::SMDiagnostic::print without colours:
///   file:line:col: severity: message
///   <lineText, tabs expanded to 8 columns>
///   <'~' under columns [rangeBegin, rangeEnd), '^' under `column`>
/// An empty `file` omits the position; `line < 0` omits ":line", `column < 0`
/// (0-based) omits ":col" and the source line. A line with non-ASCII bytes is
/// shown without the caret line. Does nothing when `os` is NULL.
void cimDiagPrintSM(FILE *os, MlirStringRef file, long line, long column,
                    MlirDiagnosticSeverity severity, MlirStringRef message,
                    const char *lineText, size_t lineLength, size_t rangeBegin,
                    size_t rangeEnd);

/// llvm::SourceMgr::PrintMessage at byte `offset` of `source` (which must be
/// inside the text or at its end), underlining [offset, offset + rangeLength)
/// as far as it lies on the same line.
void cimDiagPrintAtOffset(FILE *os, CimSourceBuffer source, size_t offset,
                          size_t rangeLength, MlirDiagnosticSeverity severity,
                          MlirStringRef message);

/// llvm::SourceMgr::PrintMessage at an invalid location:
/// `<unknown>:0: severity: message`.
void cimDiagPrintUnknown(FILE *os, MlirDiagnosticSeverity severity,
                         MlirStringRef message);

/// SourceMgrDiagnosticHandler::emitDiagnostic(Location, message, kind,
/// displaySourceLine) of mlir/lib/IR/Diagnostics.cpp: prints at the first
/// file location in `loc`, with its source line when `displaySourceLine` is
/// set and it lies in `source`; with no file location, at `<unknown>:0` with
/// `loc(...): ` (omitted for an unknown location) before the message.
void cimDiagPrintAtLocation(FILE *os, CimSourceBuffer source, MlirLocation loc,
                            MlirDiagnosticSeverity severity,
                            MlirStringRef message, bool displaySourceLine);

/// llvm::SourceMgr::FindLocForLineAndColumn: stores in `*offset` the offset
/// of 1-based (line, col) in `source`; false when there is no such position.
bool cimDiagFindOffset(CimSourceBuffer source, unsigned line, unsigned col,
                       size_t *offset);

/// Location::findInstanceOf<FileLineColLoc>: the first file/line/col location
/// in a pre-order walk of `loc` (through name, call-site and fused
/// locations), or a null location.
MlirLocation cimDiagFindFileLoc(MlirLocation loc);

/// getCallSiteLoc of Diagnostics.cpp: the call-site location `loc` stands
/// for (looking through name and fused locations), or a null location.
MlirLocation cimDiagFindCallSite(MlirLocation loc);

#endif /* CIM_LIB_TOOLING_DIAGNOSTICFORMAT_H */
