/*===-- model_diag.c - A model's diagnostics to a callback -----------------===*
 *
 * The Python package and other embedders get each error as one string,
 * "file:line:col: error: message", formatted like cim-opt's (lib/tooling's
 * cimDiagPrintAtLocation) without the source line and caret.
 *===----------------------------------------------------------------------===*/

#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/ModelInternal.h"
#include "tooling/DiagnosticFormat.h"

CimModelDiagSink cimModelDiagSinkCreate(MlirStringCallback callback,
                                        void *userData) {
  CimModelDiagSink s = {callback, userData, {"", 0}, {"", 0}, 0};
  return s;
}

void cimModelDiagSinkSetSource(CimModelDiagSink *sink, MlirStringRef name,
                               MlirStringRef text) {
  sink->name = name;
  sink->text = text;
}

static void deliver(CimModelDiagSink *sink, char *text, size_t size) {
  while (size > 0 && text[size - 1] == '\n')
    text[--size] = '\0';
  if (sink->callback)
    sink->callback(mlirStringRefCreate(text, size), sink->userData);
}

static void toFile(MlirStringRef s, void *file) {
  fwrite(s.data, 1, s.length, file);
}

/// The message of `diag` alone (mlirDiagnosticPrint), malloc'ed.
static char *messageOf(MlirDiagnostic diag, size_t *size) {
  char *text = NULL;
  FILE *f = open_memstream(&text, size);
  if (!f)
    abort();
  mlirDiagnosticPrint(diag, toFile, f);
  fclose(f);
  return text;
}

static void printOne(FILE *f, CimModelDiagSink *sink, MlirDiagnostic diag) {
  size_t size = 0;
  char *message = messageOf(diag, &size);
  CimSourceBuffer source = {sink->name, sink->text};
  cimDiagPrintAtLocation(f, source, mlirDiagnosticGetLocation(diag),
                         mlirDiagnosticGetSeverity(diag),
                         mlirStringRefCreate(message, size), false);
  free(message);
}

static MlirLogicalResult handle(MlirDiagnostic diag, void *userData) {
  CimModelDiagSink *sink = userData;
  if (mlirDiagnosticGetSeverity(diag) != MlirDiagnosticError)
    return mlirLogicalResultSuccess();
  char *text = NULL;
  size_t size = 0;
  FILE *f = open_memstream(&text, &size);
  if (!f)
    abort();
  printOne(f, sink, diag);
  for (intptr_t i = 0; i < mlirDiagnosticGetNumNotes(diag); ++i)
    printOne(f, sink, mlirDiagnosticGetNote(diag, i));
  fclose(f);
  sink->errors++;
  deliver(sink, text, size);
  free(text);
  return mlirLogicalResultSuccess();
}

MlirDiagnosticHandlerID cimModelDiagSinkAttach(CimModelDiagSink *sink,
                                               MlirContext ctx) {
  return mlirContextAttachDiagnosticHandler(ctx, handle, sink, NULL);
}

void cimModelDiagSinkReport(CimModelDiagSink *sink, MlirStringRef name,
                            unsigned line, const char *message) {
  char *text = NULL;
  size_t size = 0;
  FILE *f = open_memstream(&text, &size);
  if (!f)
    abort();
  if (line > 0)
    fprintf(f, "%.*s:%u: error: %s", (int)name.length, name.data, line,
            message);
  else
    fprintf(f, "%.*s: error: %s", (int)name.length, name.data, message);
  fclose(f);
  sink->errors++;
  deliver(sink, text, size);
  free(text);
}
