/*===-- tooling_test.c - Check suite for the -opt tool building blocks ----===*
 *
 * Splitting, parsing with original line numbers and the implicit module,
 * diagnostic printing, --verify-diagnostics and atomic output files. The
 * expected diagnostic texts are written by hand in the format mlir-opt 22
 * prints (llvm::SMDiagnostic: "file:line:col: error: message", the source
 * line, a caret line with '~' under a range); line and column numbers are
 * counted by hand from the test sources.
 *===----------------------------------------------------------------------===*/

#define _GNU_SOURCE /* O_TMPFILE, makedev */

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cim-c/Tooling.h"
#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/RegisterEverything.h"

static MlirDialectRegistry registry;
static MlirContext ctx;

static void setup(void) {
  registry = mlirDialectRegistryCreate();
  mlirRegisterAllDialects(registry);
  ctx = mlirContextCreateWithRegistry(registry, false);
  ck_assert(!mlirContextIsNull(ctx));
}

static void teardown(void) {
  mlirContextDestroy(ctx);
  mlirDialectRegistryDestroy(registry);
}

static MlirStringRef ref(const char *s) {
  return mlirStringRefCreateFromCString(s);
}

static CimSourceBuffer buffer(const char *name, const char *text) {
  return (CimSourceBuffer){ref(name), ref(text)};
}

/* A FILE* whose contents can be read back. */
typedef struct Capture {
  FILE *stream;
  char *data;
  size_t size;
} Capture;

static FILE *captureOpen(Capture *c) {
  *c = (Capture){0};
  c->stream = open_memstream(&c->data, &c->size);
  ck_assert_ptr_nonnull(c->stream);
  return c->stream;
}

static const char *captureText(Capture *c) {
  fflush(c->stream);
  return c->data ? c->data : "";
}

static void captureClose(Capture *c) {
  fclose(c->stream);
  free(c->data);
}

/* Records the diagnostics a context emits. */
typedef struct Seen {
  int count;
  int errors;
  unsigned line, col; /* of the first one */
  char message[512];  /* of the first one */
} Seen;

static void appendTo(MlirStringRef s, void *userData) {
  char *out = userData;
  size_t used = strlen(out), room = 511 - used;
  strncat(out, s.data, s.length < room ? s.length : room);
}

static MlirLogicalResult recordDiagnostic(MlirDiagnostic d, void *userData) {
  Seen *seen = userData;
  if (mlirDiagnosticGetSeverity(d) == MlirDiagnosticError)
    ++seen->errors;
  if (seen->count++ == 0) {
    MlirLocation loc = mlirDiagnosticGetLocation(d);
    if (mlirLocationIsAFileLineColRange(loc)) {
      seen->line = (unsigned)mlirLocationFileLineColRangeGetStartLine(loc);
      seen->col = (unsigned)mlirLocationFileLineColRangeGetStartColumn(loc);
    }
    mlirDiagnosticPrint(d, appendTo, seen->message);
  }
  return mlirLogicalResultSuccess();
}

/* Line and column of a file location, checking its file name. */
static void expectLoc(MlirLocation loc, const char *file, unsigned line,
                      unsigned col) {
  ck_assert(mlirLocationIsAFileLineColRange(loc));
  MlirStringRef name =
      mlirIdentifierStr(mlirLocationFileLineColRangeGetFilename(loc));
  ck_assert(mlirStringRefEqual(name, ref(file)));
  ck_assert_uint_eq((unsigned)mlirLocationFileLineColRangeGetStartLine(loc),
                    line);
  ck_assert_uint_eq((unsigned)mlirLocationFileLineColRangeGetStartColumn(loc),
                    col);
}

/*===----------------------------------------------------------------------===*
 * cimSplitSourceBuffer
 *===----------------------------------------------------------------------===*/

static void expectChunk(CimSourceChunk c, const char *text, unsigned line) {
  ck_assert_uint_eq(c.firstLine, line);
  ck_assert_uint_eq(c.text.length, strlen(text));
  ck_assert(strncmp(c.text.data, text, c.text.length) == 0);
}

START_TEST(test_split_default_marker) {
  const char *text = "a\n"            /* 1 */
                     "// -----\n"     /* 2 */
                     "b\n"            /* 3 */
                     "c\n"            /* 4 */
                     "  // -----  \n" /* 5: blanks around are fine */
                     "d\n"            /* 6 */
                     "// ------\n"    /* 7: not the marker */
                     "x // -----\n"   /* 8: nor this */
                     "// -----\n";    /* 9: last line */
  CimSourceChunk *chunks = NULL;
  intptr_t n =
      cimSplitSourceBuffer(ref(text), mlirStringRefCreate(NULL, 0), &chunks);
  ck_assert_int_eq(n, 4);
  expectChunk(chunks[0], "a\n", 1);
  expectChunk(chunks[1], "b\nc\n", 3);
  expectChunk(chunks[2], "d\n// ------\nx // -----\n", 6);
  expectChunk(chunks[3], "", 10);
  free(chunks);
}
END_TEST

START_TEST(test_split_edge_cases) {
  CimSourceChunk *chunks = NULL;
  /* No marker: one chunk, the whole buffer. */
  intptr_t n = cimSplitSourceBuffer(ref("x\ny"), ref(""), &chunks);
  ck_assert_int_eq(n, 1);
  expectChunk(chunks[0], "x\ny", 1);
  free(chunks);
  /* Empty and null buffers still give one (empty) chunk. */
  n = cimSplitSourceBuffer(ref(""), ref(""), &chunks);
  ck_assert_int_eq(n, 1);
  expectChunk(chunks[0], "", 1);
  free(chunks);
  n = cimSplitSourceBuffer(mlirStringRefCreate(NULL, 0), ref(""), &chunks);
  ck_assert_int_eq(n, 1);
  ck_assert_uint_eq(chunks[0].text.length, 0);
  free(chunks);
  /* A marker on the last line without a newline; CRLF line ends. */
  n = cimSplitSourceBuffer(ref("a\r\n// -----\r\nb\r\n// -----"), ref(""),
                           &chunks);
  ck_assert_int_eq(n, 3);
  expectChunk(chunks[0], "a\r\n", 1);
  expectChunk(chunks[1], "b\r\n", 3);
  expectChunk(chunks[2], "", 5);
  free(chunks);
  /* A custom marker. */
  n = cimSplitSourceBuffer(ref("1\n;;\n2\n;;\n3\n"), ref(";;"), &chunks);
  ck_assert_int_eq(n, 3);
  expectChunk(chunks[2], "3\n", 5);
  free(chunks);
}
END_TEST

/*===----------------------------------------------------------------------===*
 * cimParseSourceChunk
 *===----------------------------------------------------------------------===*/

static MlirOperation firstInModule(MlirOperation module) {
  return mlirBlockGetFirstOperation(
      mlirModuleGetBody(mlirModuleFromOperation(module)));
}

static int countInModule(MlirOperation module) {
  int n = 0;
  for (MlirOperation op = firstInModule(module); !mlirOperationIsNull(op);
       op = mlirOperationGetNextInBlock(op))
    ++n;
  return n;
}

static bool isNamed(MlirOperation op, const char *name) {
  return mlirStringRefEqual(mlirIdentifierStr(mlirOperationGetName(op)),
                            ref(name));
}

START_TEST(test_parse_error_line_in_second_chunk) {
  const char *text = "func.func @a() {\n"              /* 1 */
                     "  return\n"                      /* 2 */
                     "}\n"                             /* 3 */
                     "// -----\n"                      /* 4 */
                     "func.func @b() {\n"              /* 5 */
                     "  %0 = arith.constant 0 : i32\n" /* 6 */
                     "  return %nope : i32\n"          /* 7 */
                     "}\n";                            /* 8 */
  CimSourceChunk *chunks = NULL;
  ck_assert_int_eq(cimSplitSourceBuffer(ref(text), ref(""), &chunks), 2);
  ck_assert_uint_eq(chunks[1].firstLine, 5);
  Seen seen = {0};
  MlirDiagnosticHandlerID h =
      mlirContextAttachDiagnosticHandler(ctx, recordDiagnostic, &seen, NULL);
  MlirOperation op = cimParseSourceChunk(ctx, ref("in.mlir"), chunks[1]);
  mlirContextDetachDiagnosticHandler(ctx, h);
  ck_assert(mlirOperationIsNull(op));
  ck_assert_int_eq(seen.count, 1); /* reported once, not per attempt */
  ck_assert_uint_eq(seen.line, 7);
  ck_assert_uint_eq(seen.col, 10);
  ck_assert_str_eq(seen.message, "use of undeclared SSA value name");
  /* The first chunk is fine and keeps its lines. */
  op = cimParseSourceChunk(ctx, ref("in.mlir"), chunks[0]);
  ck_assert(!mlirOperationIsNull(op));
  expectLoc(mlirOperationGetLocation(firstInModule(op)), "in.mlir", 1, 1);
  mlirOperationDestroy(op);
  free(chunks);
}
END_TEST

START_TEST(test_parse_wraps_several_ops) {
  const char *text = "// RUN: cim-opt %s\n"              /* 1 */
                     "#map = affine_map<(d0) -> (d0)>\n" /* 2 */
                     "func.func @a() {\n"                /* 3 */
                     "  return\n"                        /* 4 */
                     "}\n"                               /* 5 */
                     "func.func @b() {\n"                /* 6 */
                     "  return\n"                        /* 7 */
                     "}\n";                              /* 8 */
  Seen seen = {0};
  MlirDiagnosticHandlerID h =
      mlirContextAttachDiagnosticHandler(ctx, recordDiagnostic, &seen, NULL);
  MlirOperation module =
      cimParseSourceChunk(ctx, ref("w.mlir"), (CimSourceChunk){ref(text), 1});
  mlirContextDetachDiagnosticHandler(ctx, h);
  ck_assert_int_eq(seen.count, 0);
  ck_assert(!mlirOperationIsNull(module));
  ck_assert(isNamed(module, "builtin.module"));
  expectLoc(mlirOperationGetLocation(module), "w.mlir", 0, 0);
  ck_assert_int_eq(countInModule(module), 2);
  MlirOperation a = firstInModule(module);
  MlirOperation b = mlirOperationGetNextInBlock(a);
  expectLoc(mlirOperationGetLocation(a), "w.mlir", 3, 1);
  expectLoc(mlirOperationGetLocation(b), "w.mlir", 6, 1);
  MlirOperation ret = mlirBlockGetFirstOperation(
      mlirRegionGetFirstBlock(mlirOperationGetRegion(b, 0)));
  expectLoc(mlirOperationGetLocation(ret), "w.mlir", 7, 3);
  mlirOperationDestroy(module);
}
END_TEST

START_TEST(test_parse_wraps_in_later_chunk) {
  const char *text = "func.func @a() {\n" /* 12 */
                     "  return\n"         /* 13 */
                     "}\n"                /* 14 */
                     "func.func @b() {\n" /* 15 */
                     "  return\n"         /* 16 */
                     "}\n";
  MlirOperation module =
      cimParseSourceChunk(ctx, ref("w.mlir"), (CimSourceChunk){ref(text), 12});
  ck_assert(!mlirOperationIsNull(module));
  /* mlir-opt: where the chunk starts, just after the "// -----". */
  expectLoc(mlirOperationGetLocation(module), "w.mlir", 11, 9);
  MlirOperation b = mlirOperationGetNextInBlock(firstInModule(module));
  expectLoc(mlirOperationGetLocation(b), "w.mlir", 15, 1);
  mlirOperationDestroy(module);
}
END_TEST

START_TEST(test_parse_ops_on_first_line) {
  /* "module {" must share line 1; the columns are shifted back. */
  const char *text = "func.func @a() { return } func.func @b() { return }";
  MlirOperation module =
      cimParseSourceChunk(ctx, ref("l.mlir"), (CimSourceChunk){ref(text), 1});
  ck_assert(!mlirOperationIsNull(module));
  ck_assert_int_eq(countInModule(module), 2);
  MlirOperation a = firstInModule(module);
  MlirOperation b = mlirOperationGetNextInBlock(a);
  expectLoc(mlirOperationGetLocation(a), "l.mlir", 1, 1);
  expectLoc(mlirOperationGetLocation(b), "l.mlir", 1, 27);
  MlirOperation ret = mlirBlockGetFirstOperation(
      mlirRegionGetFirstBlock(mlirOperationGetRegion(b, 0)));
  expectLoc(mlirOperationGetLocation(ret), "l.mlir", 1, 44);
  mlirOperationDestroy(module);
}
END_TEST

START_TEST(test_parse_single_ops) {
  /* An explicit module is returned as it is, at its own location. */
  MlirOperation op = cimParseSourceChunk(
      ctx, ref("m.mlir"),
      (CimSourceChunk){ref("module {\n  func.func private @f()\n}\n"), 1});
  ck_assert(!mlirOperationIsNull(op));
  ck_assert(isNamed(op, "builtin.module"));
  expectLoc(mlirOperationGetLocation(op), "m.mlir", 1, 1);
  ck_assert_int_eq(countInModule(op), 1);
  ck_assert(isNamed(firstInModule(op), "func.func"));
  mlirOperationDestroy(op);
  /* Another single operation goes into an implicit module at 0:0. */
  op = cimParseSourceChunk(
      ctx, ref("m.mlir"), (CimSourceChunk){ref("func.func private @f()\n"), 1});
  ck_assert(!mlirOperationIsNull(op));
  ck_assert(isNamed(op, "builtin.module"));
  expectLoc(mlirOperationGetLocation(op), "m.mlir", 0, 0);
  expectLoc(mlirOperationGetLocation(firstInModule(op)), "m.mlir", 1, 1);
  mlirOperationDestroy(op);
  /* Nothing, or only comments and aliases: an empty module. */
  const char *empties[] = {"", "// just a comment\n", "#a = 1 : i32\n"};
  for (int i = 0; i < 3; ++i) {
    op = cimParseSourceChunk(ctx, ref("m.mlir"),
                             (CimSourceChunk){ref(empties[i]), 1});
    ck_assert(!mlirOperationIsNull(op));
    ck_assert(isNamed(op, "builtin.module"));
    ck_assert_int_eq(countInModule(op), 0);
    mlirOperationDestroy(op);
  }
}
END_TEST

START_TEST(test_parse_aliases_after_first_op) {
  /* An alias between operations must stay at the top level. */
  const char *text = "func.func private @a()\n"                      /* 1 */
                     "#x = 7 : i32\n"                                /* 2 */
                     "func.func private @b() attributes {x = #x}\n"; /* 3 */
  MlirOperation module =
      cimParseSourceChunk(ctx, ref("a.mlir"), (CimSourceChunk){ref(text), 1});
  ck_assert(!mlirOperationIsNull(module));
  MlirOperation b = mlirOperationGetNextInBlock(firstInModule(module));
  expectLoc(mlirOperationGetLocation(b), "a.mlir", 3, 1);
  MlirAttribute x = mlirOperationGetAttributeByName(b, ref("x"));
  ck_assert(mlirAttributeIsAInteger(x));
  ck_assert_int_eq(mlirIntegerAttrGetValueInt(x), 7);
  mlirOperationDestroy(module);

  /* Moving the alias up must not accept a use before its definition. */
  const char *bad = "// c\n"                                       /* 1 */
                    "func.func private @a() attributes {x = #y}\n" /* 2 */
                    "#y = 1 : i32\n"                               /* 3 */
                    "func.func private @b()\n";                    /* 4 */
  Seen seen = {0};
  MlirDiagnosticHandlerID h =
      mlirContextAttachDiagnosticHandler(ctx, recordDiagnostic, &seen, NULL);
  module =
      cimParseSourceChunk(ctx, ref("a.mlir"), (CimSourceChunk){ref(bad), 1});
  mlirContextDetachDiagnosticHandler(ctx, h);
  ck_assert(mlirOperationIsNull(module));
  ck_assert_int_eq(seen.count, 1);
  ck_assert_str_eq(seen.message, "undefined symbol alias id 'y'");
  ck_assert_uint_eq(seen.line, 2);
  ck_assert_uint_eq(seen.col, 42); /* mlir-opt: after the alias name */
}
END_TEST

START_TEST(test_parse_keeps_resource_names) {
  /* One parse only: a second one would rename the blob to blob1_1. */
  const char *text =
      "func.func @a() -> tensor<2xi32> {\n"
      "  %0 = arith.constant dense_resource<blob1> : tensor<2xi32>\n"
      "  return %0 : tensor<2xi32>\n"
      "}\n"
      "func.func private @b()\n"
      "{-#\n"
      "  dialect_resources: { builtin: { blob1: \"0x040000000100000002000000\" "
      "} }\n"
      "#-}\n";
  MlirOperation module =
      cimParseSourceChunk(ctx, ref("r.mlir"), (CimSourceChunk){ref(text), 1});
  ck_assert(!mlirOperationIsNull(module));
  ck_assert_int_eq(countInModule(module), 2);
  Capture out;
  captureOpen(&out);
  mlirOperationPrint(module, cimWriteToStream, out.stream);
  const char *printed = captureText(&out);
  ck_assert_ptr_nonnull(strstr(printed, "dense_resource<blob1>"));
  ck_assert_ptr_null(strstr(printed, "blob1_1"));
  ck_assert_ptr_nonnull(
      strstr(printed, "blob1: \"0x040000000100000002000000\""));
  captureClose(&out);
  mlirOperationDestroy(module);
}
END_TEST

START_TEST(test_parse_symbol_error_reported_once) {
  /* Each function verifies alone; the module's symbol table does not. */
  const char *text = "// c\n"                           /* 1 */
                     "func.func @a() {\n"               /* 2 */
                     "  func.call @nope() : () -> ()\n" /* 3 */
                     "  return\n"                       /* 4 */
                     "}\n"                              /* 5 */
                     "func.func private @b()\n";        /* 6 */
  Seen seen = {0};
  MlirDiagnosticHandlerID h =
      mlirContextAttachDiagnosticHandler(ctx, recordDiagnostic, &seen, NULL);
  MlirOperation module =
      cimParseSourceChunk(ctx, ref("s.mlir"), (CimSourceChunk){ref(text), 1});
  mlirContextDetachDiagnosticHandler(ctx, h);
  ck_assert(mlirOperationIsNull(module));
  ck_assert_int_eq(seen.count, 1);
  ck_assert_uint_eq(seen.line, 3);
  ck_assert_uint_eq(seen.col, 3);
  ck_assert_str_eq(seen.message,
                   "'func.call' op 'nope' does not reference a valid function");
}
END_TEST

/*===----------------------------------------------------------------------===*
 * cimPrintDiagnostic / cimAttachDiagnosticPrinter
 *===----------------------------------------------------------------------===*/

static const char *kPrintSource = "func.func @f() {\n"        /* 1 */
                                  "\t%0 = arith.constant 0\n" /* 2 */
                                  "  return // \xc3\xa9\n"    /* 3 */
                                  "}\n";                      /* 4 */

/* Emits "boom" at `loc` and returns what the printer wrote. */
static char *printedAt(MlirLocation loc, CimSourceBuffer source,
                       intptr_t *errors) {
  Capture out;
  captureOpen(&out);
  MlirDiagnosticHandlerID h =
      cimAttachDiagnosticPrinter(ctx, out.stream, source, errors);
  mlirEmitError(loc, "boom");
  mlirContextDetachDiagnosticHandler(ctx, h);
  char *text = strdup(captureText(&out));
  captureClose(&out);
  return text;
}

static MlirLocation fileLoc(const char *file, unsigned line, unsigned col) {
  return mlirLocationFileLineColGet(ctx, ref(file), line, col);
}

static void expectPrinted(MlirLocation loc, const char *expected) {
  char *text = printedAt(loc, buffer("p.mlir", kPrintSource), NULL);
  ck_assert_str_eq(text, expected);
  free(text);
}

START_TEST(test_print_source_line_and_caret) {
  expectPrinted(fileLoc("p.mlir", 1, 11), "p.mlir:1:11: error: boom\n"
                                          "func.func @f() {\n"
                                          "          ^\n");
  /* A tab is expanded to column 8, in the caret line too. */
  expectPrinted(fileLoc("p.mlir", 2, 2), "p.mlir:2:2: error: boom\n"
                                         "        %0 = arith.constant 0\n"
                                         "        ^\n");
  /* Non-ASCII text: the line without a caret, as SMDiagnostic does. */
  expectPrinted(fileLoc("p.mlir", 3, 3), "p.mlir:3:3: error: boom\n"
                                         "  return // \xc3\xa9\n");
  /* Just past the end of the line is still on it. */
  expectPrinted(fileLoc("p.mlir", 4, 2), "p.mlir:4:2: error: boom\n"
                                         "}\n"
                                         " ^\n");
}
END_TEST

START_TEST(test_print_without_source_line) {
  /* Beyond the line, beyond the file, line 0, another file. */
  expectPrinted(fileLoc("p.mlir", 1, 40), "p.mlir:1:40: error: boom\n");
  expectPrinted(fileLoc("p.mlir", 9, 1), "p.mlir:9:1: error: boom\n");
  expectPrinted(fileLoc("p.mlir", 0, 0), "p.mlir:0:0: error: boom\n");
  expectPrinted(fileLoc("other.mlir", 1, 1), "other.mlir:1:1: error: boom\n");
  /* No file location at all: an unknown location is printed as mlir-opt
     does; a name, fused or call-site location without a file position is
     printed in the buffer the op came from, with the location itself where
     mlir-opt prints `<unknown>:0: error: loc(...): `. */
  expectPrinted(mlirLocationUnknownGet(ctx), "<unknown>:0: error: boom\n");
  MlirLocation foo =
      mlirLocationNameGet(ctx, ref("foo"), mlirLocationUnknownGet(ctx));
  expectPrinted(foo, "p.mlir: error: loc(\"foo\"): boom\n");
  MlirLocation names[2] = {
      foo, mlirLocationNameGet(ctx, ref("bar"), mlirLocationUnknownGet(ctx))};
  expectPrinted(mlirLocationFusedGet(ctx, 2, names, (MlirAttribute){NULL}),
                "p.mlir: error: loc(fused[\"foo\", \"bar\"]): boom\n");
  expectPrinted(mlirLocationCallSiteGet(names[0], names[1]),
                "p.mlir: error: loc(callsite(\"foo\" at \"bar\")): boom\n"
                "p.mlir: note: loc(\"bar\"): called from\n");
  char *unnamed = printedAt(foo, (CimSourceBuffer){{NULL, 0}, {NULL, 0}}, NULL);
  ck_assert_str_eq(unnamed, "error: loc(\"foo\"): boom\n");
  free(unnamed);
  /* A null source text: never a source line. */
  char *text = printedAt(fileLoc("p.mlir", 1, 1),
                         (CimSourceBuffer){ref("p.mlir"), {NULL, 0}}, NULL);
  ck_assert_str_eq(text, "p.mlir:1:1: error: boom\n");
  free(text);
  /* "-" is standard input. */
  text = printedAt(fileLoc("-", 1, 1), buffer("-", "x\n"), NULL);
  ck_assert_str_eq(text, "<stdin>:1:1: error: boom\nx\n^\n");
  free(text);
}
END_TEST

START_TEST(test_print_nested_locations) {
  MlirLocation unknown = mlirLocationUnknownGet(ctx);
  /* The file location inside a name or fused location. */
  expectPrinted(mlirLocationNameGet(ctx, ref("n"), fileLoc("p.mlir", 4, 1)),
                "p.mlir:4:1: error: boom\n}\n^\n");
  MlirLocation parts[2] = {unknown, fileLoc("p.mlir", 1, 6)};
  expectPrinted(mlirLocationFusedGet(ctx, 2, parts, (MlirAttribute){NULL}),
                "p.mlir:1:6: error: boom\nfunc.func @f() {\n     ^\n");
  /* A call site prints its callers as notes. */
  MlirLocation call =
      mlirLocationCallSiteGet(fileLoc("p.mlir", 1, 1),
                              mlirLocationCallSiteGet(fileLoc("p.mlir", 4, 1),
                                                      fileLoc("p.mlir", 9, 9)));
  expectPrinted(call, "p.mlir:1:1: error: boom\n"
                      "func.func @f() {\n"
                      "^\n"
                      "p.mlir:4:1: note: called from\n"
                      "}\n"
                      "^\n"
                      "p.mlir:9:9: note: called from\n");
}
END_TEST

START_TEST(test_print_notes_and_count) {
  /* A parse error with a note elsewhere, and a verifier error whose note
     is at the same location (no source line repeated). */
  const char *text =
      "func.func @t(%arg0: tensor<8xi32, \"enc\">) -> (tensor<8xi32>) {\n"
      "  return %arg0: tensor<8xi32>\n"
      "}\n";
  Capture out;
  captureOpen(&out);
  intptr_t errors = 0;
  CimSourceBuffer source = buffer("n.mlir", text);
  MlirDiagnosticHandlerID h =
      cimAttachDiagnosticPrinter(ctx, out.stream, source, &errors);
  MlirOperation op =
      cimParseSourceChunk(ctx, source.name, (CimSourceChunk){source.text, 1});
  ck_assert(mlirOperationIsNull(op));
  const char *ret = "func.func @f() {\n"
                    "  %0 = arith.constant 0 : i32\n"
                    "  return %0 : i32\n"
                    "}\n";
  mlirContextDetachDiagnosticHandler(ctx, h);
  ck_assert_str_eq(
      captureText(&out),
      "n.mlir:2:10: error: use of value '%arg0' expects different type than "
      "prior uses: 'tensor<8xi32>' vs 'tensor<8xi32, \"enc\">'\n"
      "  return %arg0: tensor<8xi32>\n"
      "         ^\n"
      "n.mlir:1:14: note: prior use here\n"
      "func.func @t(%arg0: tensor<8xi32, \"enc\">) -> (tensor<8xi32>) {\n"
      "             ^\n");
  captureClose(&out);

  captureOpen(&out);
  source = buffer("r.mlir", ret);
  h = cimAttachDiagnosticPrinter(ctx, out.stream, source, &errors);
  op = cimParseSourceChunk(ctx, source.name, (CimSourceChunk){source.text, 1});
  ck_assert(mlirOperationIsNull(op));
  mlirContextDetachDiagnosticHandler(ctx, h);
  ck_assert_str_eq(captureText(&out),
                   "r.mlir:3:3: error: 'func.return' op has 1 operands, but "
                   "enclosing function (@f) returns 0\n"
                   "  return %0 : i32\n"
                   "  ^\n"
                   "r.mlir:3:3: note: see current operation: "
                   "\"func.return\"(%0) : (i32) -> ()\n");
  captureClose(&out);
  ck_assert_int_eq(errors, 2); /* errors only, not notes */
}
END_TEST

START_TEST(test_print_warning) {
  /* The parser warns about external resources nobody handles. */
  const char *text = "{-#\n"
                     "  external_resources: {\n"
                     "    foobar: {\n"
                     "      entry: \"foo\"\n"
                     "    }\n"
                     "  }\n"
                     "#-}\n";
  Capture out;
  captureOpen(&out);
  intptr_t errors = 0;
  CimSourceBuffer source = buffer("w.mlir", text);
  MlirDiagnosticHandlerID h =
      cimAttachDiagnosticPrinter(ctx, out.stream, source, &errors);
  MlirOperation op =
      cimParseSourceChunk(ctx, source.name, (CimSourceChunk){source.text, 1});
  mlirContextDetachDiagnosticHandler(ctx, h);
  ck_assert(!mlirOperationIsNull(op));
  mlirOperationDestroy(op);
  ck_assert_str_eq(captureText(&out),
                   "w.mlir:3:5: warning: ignoring unknown external resources "
                   "for 'foobar'\n"
                   "    foobar: {\n"
                   "    ^\n");
  ck_assert_int_eq(errors, 0);
  captureClose(&out);
}
END_TEST

/*===----------------------------------------------------------------------===*
 * The verifier
 *===----------------------------------------------------------------------===*/

typedef struct Emit {
  unsigned line, col; /* 0, 0: unknown location */
  const char *message;
} Emit;

/* Creates a verifier on `text` (named v.mlir), emits the errors, finishes
   on [first, last] and checks the result and the report. */
static void verify(const char *text, const Emit *emits, int numEmits,
                   unsigned first, unsigned last, bool ok, const char *report) {
  Capture out;
  captureOpen(&out);
  CimDiagnosticVerifier v =
      cimDiagnosticVerifierCreate(ctx, buffer("v.mlir", text), out.stream);
  ck_assert(!cimDiagnosticVerifierIsNull(v));
  for (int i = 0; i < numEmits; ++i)
    mlirEmitError(emits[i].line ? fileLoc("v.mlir", emits[i].line, emits[i].col)
                                : mlirLocationUnknownGet(ctx),
                  emits[i].message);
  MlirLogicalResult result = cimDiagnosticVerifierFinish(v, first, last);
  ck_assert_str_eq(captureText(&out), report);
  ck_assert(mlirLogicalResultIsSuccess(result) == ok);
  cimDiagnosticVerifierDestroy(v);
  captureClose(&out);
}

static const char *kVerifySource = "func.func @f() {\n"                 /* 1 */
                                   "  // expected-error @+1 {{boom}}\n" /* 2 */
                                   "  return\n"                         /* 3 */
                                   "}\n";                               /* 4 */

START_TEST(test_verify_matched_and_missing) {
  Emit boom = {3, 3, "it went boom!"};
  verify(kVerifySource, &boom, 1, 0, 0, true, "");
  /* Nothing emitted: the expectation is reported under the comment. */
  verify(kVerifySource, NULL, 0, 0, 0, false,
         "v.mlir:2:6: error: expected error \"boom\" was not produced\n"
         "  // expected-error @+1 {{boom}}\n"
         "     ^~~~\n");
  /* On the wrong line it is both unexpected and missing. */
  Emit wrongLine = {4, 1, "boom"};
  verify(kVerifySource, &wrongLine, 1, 0, 0, false,
         "v.mlir:4:1: error: unexpected error: boom\n"
         "}\n"
         "^\n"
         "v.mlir:2:6: error: expected error \"boom\" was not produced\n"
         "  // expected-error @+1 {{boom}}\n"
         "     ^~~~\n");
}
END_TEST

START_TEST(test_verify_unexpected) {
  Emit emits[] = {{3, 3, "boom"}, {3, 3, "something else"}, {0, 0, "lost"}};
  verify(kVerifySource, emits, 3, 0, 0, false,
         "v.mlir:3:3: error: unexpected error: something else\n"
         "  return\n"
         "  ^\n"
         "<unknown>:0: error: unexpected error: lost\n");
}
END_TEST

START_TEST(test_verify_designators) {
  const char *text = "// expected-error @below {{below}}\n"     /* 1 */
                     "// expected-error @below {{twice}}\n"     /* 2 */
                     "op1\n"                                    /* 3 */
                     "op2 // expected-error {{same line}}\n"    /* 4 */
                     "// expected-error@above {{above}}\n"      /* 5 -> 3 */
                     "// expected-error @+2 {{plus two}}\n"     /* 6 */
                     "// a comment\n"                           /* 7 */
                     "op3\n"                                    /* 8 */
                     "// expected-error @-2 {{minus two}}\n"    /* 9 */
                     "// expected-error @unknown {{nowhere}}\n" /* 10 */
                     "// expected-error @+010 {{octal}}\n";     /* 11 -> 19 */
  Emit emits[] = {{3, 1, "below"},   {3, 1, "twice"},    {4, 1, "same line"},
                  {3, 1, "above"},   {8, 1, "plus two"}, {7, 1, "minus two"},
                  {0, 0, "nowhere"}, {19, 1, "octal"}};
  verify(text, emits, 8, 0, 0, true, "");
}
END_TEST

START_TEST(test_verify_regex) {
  const char *text =
      "// expected-error-re @+1 {{has {{[0-9]+}} operands (x{{.}})}}\n"
      "op\n";
  Emit match = {2, 1, "op has 12 operands (xy)"};
  verify(text, &match, 1, 0, 0, true, "");
  /* The parts outside {{...}} are literal: '(' and '.' included. */
  Emit noMatch = {2, 1, "op has 12 operands xy"};
  verify(text, &noMatch, 1, 0, 0, false,
         "v.mlir:2:1: error: unexpected error: op has 12 operands xy\n"
         "op\n"
         "^\n"
         "v.mlir:1:4: error: expected error \"has {{[0-9]+}} operands "
         "(x{{.}})\" was not produced\n"
         "// expected-error-re @+1 {{has {{[0-9]+}} operands (x{{.}})}}\n"
         "   ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"); /* payload: 32 chars */
}
END_TEST

START_TEST(test_verify_malformed) {
  /* Broken regular expressions are reported in LLVM's words; lines that do
     not match the expectation syntax are ignored, as mlir-opt does. */
  const char *text = "// expected-error-re {{a{{(}}}}\n"   /* 1 */
                     "// expected-error-re {{a{{b}}\n"     /* 2 */
                     "// expected-error @+x {{foo}}\n"     /* 3 */
                     "// expected-error {{unterminated\n"; /* 4 */
  verify(text, NULL, 0, 0, 0, false,
         "v.mlir:1:4: error: invalid regex: parentheses not balanced\n"
         "// expected-error-re {{a{{(}}}}\n"
         "   ^~~~~~\n"
         "v.mlir:2:4: error: found start of regex with no end '}}'\n"
         "// expected-error-re {{a{{b}}\n"
         "   ^~~~\n");
  verify("// expected-error @+x {{foo}}\n", NULL, 0, 0, 0, true, "");
}
END_TEST

START_TEST(test_verify_near_miss) {
  const char *text = "// expected-warning @+1 {{boom}}\n"
                     "op\n";
  Emit boom = {2, 1, "boom"};
  verify(text, &boom, 1, 0, 0, false,
         "v.mlir:1:4: error: 'error' diagnostic emitted when expecting a "
         "'warning'\n"
         "// expected-warning @+1 {{boom}}\n"
         "   ^\n"
         "v.mlir:1:4: error: expected warning \"boom\" was not produced\n"
         "// expected-warning @+1 {{boom}}\n"
         "   ^~~~\n");
}
END_TEST

START_TEST(test_verify_line_ranges) {
  const char *text = "// expected-error @+1 {{first}}\n"  /* 1 */
                     "a\n"                                /* 2 */
                     "// -----\n"                         /* 3 */
                     "// expected-error @+1 {{second}}\n" /* 4 */
                     "b\n";                               /* 5 */
  Capture out;
  captureOpen(&out);
  CimDiagnosticVerifier v =
      cimDiagnosticVerifierCreate(ctx, buffer("v.mlir", text), out.stream);
  /* Chunk 1: only its own expectation counts. */
  ck_assert(mlirLogicalResultIsFailure(cimDiagnosticVerifierFinish(v, 1, 2)));
  ck_assert_str_eq(captureText(&out),
                   "v.mlir:1:4: error: expected error \"first\" was not "
                   "produced\n"
                   "// expected-error @+1 {{first}}\n"
                   "   ^~~~~\n");
  /* Chunk 2 starts clean and is satisfied. */
  mlirEmitError(fileLoc("v.mlir", 5, 1), "second");
  size_t before = strlen(captureText(&out));
  ck_assert(mlirLogicalResultIsSuccess(cimDiagnosticVerifierFinish(v, 4, 0)));
  ck_assert_uint_eq(strlen(captureText(&out)), before);
  cimDiagnosticVerifierDestroy(v);
  captureClose(&out);
  cimDiagnosticVerifierDestroy((CimDiagnosticVerifier){NULL});
}
END_TEST

START_TEST(test_verify_notes_and_parse) {
  /* Notes are checked on their own. */
  const char *text =
      "func.func @t(%arg0: tensor<8xi32, \"enc\">) -> (tensor<8xi32>) {\n"
      "  return %arg0: tensor<8xi32> // expected-error {{expects different "
      "type}}\n"
      "}\n";
  Capture out;
  captureOpen(&out);
  CimSourceBuffer source = buffer("n.mlir", text);
  CimDiagnosticVerifier v =
      cimDiagnosticVerifierCreate(ctx, source, out.stream);
  MlirOperation op =
      cimParseSourceChunk(ctx, source.name, (CimSourceChunk){source.text, 1});
  ck_assert(mlirOperationIsNull(op));
  ck_assert(mlirLogicalResultIsFailure(cimDiagnosticVerifierFinish(v, 0, 0)));
  ck_assert_str_eq(
      captureText(&out),
      "n.mlir:1:14: error: unexpected note: prior use here\n"
      "func.func @t(%arg0: tensor<8xi32, \"enc\">) -> (tensor<8xi32>) {\n"
      "             ^\n");
  cimDiagnosticVerifierDestroy(v);
  captureClose(&out);

  /* The "see current operation" note mlir-opt turns off is not counted. */
  text = "func.func @f() {\n"
         "  %0 = arith.constant 0 : i32\n"
         "  // expected-error @+1 {{'func.return' op has 1 operands}}\n"
         "  return %0 : i32\n"
         "}\n";
  captureOpen(&out);
  source = buffer("r.mlir", text);
  v = cimDiagnosticVerifierCreate(ctx, source, out.stream);
  op = cimParseSourceChunk(ctx, source.name, (CimSourceChunk){source.text, 1});
  ck_assert(mlirOperationIsNull(op));
  ck_assert(mlirLogicalResultIsSuccess(cimDiagnosticVerifierFinish(v, 0, 0)));
  ck_assert_str_eq(captureText(&out), "");
  cimDiagnosticVerifierDestroy(v);
  captureClose(&out);
}
END_TEST

/*===----------------------------------------------------------------------===*
 * Output files
 *===----------------------------------------------------------------------===*/

static char tmpDir[64];

static void setupDir(void) {
  strcpy(tmpDir, "/tmp/cim-tooling-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(tmpDir));
}

static void removeDir(void) {
  DIR *d = opendir(tmpDir);
  if (d) {
    struct dirent *e;
    char path[512];
    while ((e = readdir(d)) != NULL) {
      if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
        snprintf(path, sizeof path, "%s/%s", tmpDir, e->d_name);
        unlink(path);
      }
    }
    closedir(d);
  }
  rmdir(tmpDir);
}

static int countFiles(void) {
  int n = 0;
  DIR *d = opendir(tmpDir);
  ck_assert_ptr_nonnull(d);
  for (struct dirent *e; (e = readdir(d)) != NULL;)
    n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
  closedir(d);
  return n;
}

static char *readFile(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  static char data[256];
  size_t n = fread(data, 1, sizeof data - 1, f);
  data[n] = '\0';
  fclose(f);
  return data;
}

/// Whether the file system of tmpDir has O_TMPFILE (tmpfs, ext4, xfs,
/// btrfs do; some overlay and network file systems do not).
static bool tmpDirHasTmpfile(void) {
  int fd = open(tmpDir, O_TMPFILE | O_WRONLY, 0600);
  if (fd < 0)
    return false;
  close(fd);
  return true;
}

START_TEST(test_output_commit) {
  char path[128];
  snprintf(path, sizeof path, "%s/out.mlir", tmpDir);
  CimOutputFile f = cimOutputFileOpen(path, cimWriteLineToStream, stderr);
  ck_assert(!cimOutputFileIsNull(f));
  cimWriteToStream(ref("module {\n}\n"), cimOutputFileGetStream(f));
  fflush(cimOutputFileGetStream(f));
  /* Nothing has a name before the commit where O_TMPFILE exists; elsewhere
   * only the hidden temporary, beside the target. */
  ck_assert_ptr_null(readFile(path));
  if (tmpDirHasTmpfile()) {
    ck_assert_int_eq(countFiles(), 0);
  } else {
    ck_assert_int_eq(countFiles(), 1);
    char tmpName[256] = "";
    DIR *d = opendir(tmpDir);
    for (struct dirent *e; (e = readdir(d)) != NULL;)
      if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
        snprintf(tmpName, sizeof tmpName, "%s", e->d_name);
    closedir(d);
    ck_assert_int_eq(strncmp(tmpName, ".out.mlir.tmp", 13), 0);
    ck_assert_uint_eq(strlen(tmpName), 19);
  }

  ck_assert(mlirLogicalResultIsSuccess(cimOutputFileCommit(f, cimWriteLineToStream, stderr)));
  ck_assert_str_eq(readFile(path), "module {\n}\n");
  ck_assert_int_eq(countFiles(), 1);
  /* The usual mode of a new file, not mkstemp's 0600. */
  mode_t mask = umask(0);
  umask(mask);
  struct stat st;
  ck_assert_int_eq(stat(path, &st), 0);
  ck_assert_uint_eq(st.st_mode & 0777, 0666 & ~mask);
}
END_TEST

/// Writes `text` to `path` through an output file and commits it.
static bool writeAndCommit(const char *path, const char *text) {
  CimOutputFile f = cimOutputFileOpen(path, cimWriteLineToStream, stderr);
  if (cimOutputFileIsNull(f))
    return false;
  fputs(text, cimOutputFileGetStream(f));
  return mlirLogicalResultIsSuccess(cimOutputFileCommit(f, cimWriteLineToStream, stderr));
}

START_TEST(test_output_device_written_through) {
  /* A device node of our own (the real /dev/null is never used as a test
   * target): the null device needs root to create, a FIFO does not. */
  char dev[128], fifo[128];
  snprintf(dev, sizeof dev, "%s/null", tmpDir);
  snprintf(fifo, sizeof fifo, "%s/fifo", tmpDir);
  struct stat st;
  if (mknod(dev, S_IFCHR | 0666, makedev(1, 3)) == 0) {
    ck_assert(writeAndCommit(dev, "module {\n}\n"));
    ck_assert_int_eq(lstat(dev, &st), 0);
    ck_assert(S_ISCHR(st.st_mode));
    ck_assert_uint_eq(major(st.st_rdev), 1);
    ck_assert_uint_eq(minor(st.st_rdev), 3);
    /* A discarded run leaves it as it was too. */
    CimOutputFile f = cimOutputFileOpen(dev, cimWriteLineToStream, stderr);
    ck_assert(!cimOutputFileIsNull(f));
    cimOutputFileDiscard(f);
    ck_assert_int_eq(lstat(dev, &st), 0);
    ck_assert(S_ISCHR(st.st_mode));
  }
  /* A FIFO gets the text, and stays a FIFO. */
  ck_assert_int_eq(mkfifo(fifo, 0600), 0);
  pid_t child = fork();
  ck_assert_int_ge(child, 0);
  if (child == 0)
    _exit(writeAndCommit(fifo, "through the pipe\n") ? 0 : 1);
  FILE *in = fopen(fifo, "rb");
  ck_assert_ptr_nonnull(in);
  char got[64] = "";
  size_t n = fread(got, 1, sizeof got - 1, in);
  got[n] = '\0';
  fclose(in);
  int status = 0;
  ck_assert_int_eq(waitpid(child, &status, 0), child);
  ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  ck_assert_str_eq(got, "through the pipe\n");
  ck_assert_int_eq(lstat(fifo, &st), 0);
  ck_assert(S_ISFIFO(st.st_mode));
}
END_TEST

START_TEST(test_output_symlinks_followed) {
  char real[128], link[128], dangling[128], target2[128], loop[128];
  snprintf(real, sizeof real, "%s/real.mlir", tmpDir);
  snprintf(link, sizeof link, "%s/link.mlir", tmpDir);
  snprintf(dangling, sizeof dangling, "%s/dangling.mlir", tmpDir);
  snprintf(target2, sizeof target2, "%s/new.mlir", tmpDir);
  snprintf(loop, sizeof loop, "%s/loop.mlir", tmpDir);
  FILE *old = fopen(real, "w");
  fputs("old\n", old);
  fclose(old);
  /* A relative link: resolved against the link's directory. */
  ck_assert_int_eq(symlink("real.mlir", link), 0);
  ck_assert(writeAndCommit(link, "new\n"));
  struct stat st;
  ck_assert_int_eq(lstat(link, &st), 0);
  ck_assert(S_ISLNK(st.st_mode));
  ck_assert_str_eq(readFile(real), "new\n");
  /* A link to a file that does not exist yet creates that file. */
  ck_assert_int_eq(symlink(target2, dangling), 0);
  ck_assert(writeAndCommit(dangling, "created\n"));
  ck_assert_int_eq(lstat(dangling, &st), 0);
  ck_assert(S_ISLNK(st.st_mode));
  ck_assert_str_eq(readFile(target2), "created\n");
  /* A loop is an error. */
  ck_assert_int_eq(symlink("loop.mlir", loop), 0);
  Capture err;
  captureOpen(&err);
  ck_assert(cimOutputFileIsNull(cimOutputFileOpen(loop, cimWriteLineToStream, err.stream)));
  char expected[256];
  snprintf(expected, sizeof expected,
           "cannot open output file '%s': %s\n", loop, strerror(ELOOP));
  ck_assert_str_eq(captureText(&err), expected);
  captureClose(&err);
  ck_assert_int_eq(countFiles(), 5);
}
END_TEST

START_TEST(test_output_killed_leaves_nothing) {
  if (!tmpDirHasTmpfile())
    return; /* a named temporary survives a kill by design */
  char path[128];
  snprintf(path, sizeof path, "%s/out.mlir", tmpDir);
  pid_t child = fork();
  ck_assert_int_ge(child, 0);
  if (child == 0) {
    CimOutputFile f = cimOutputFileOpen(path, cimWriteLineToStream, stderr);
    fputs("half", cimOutputFileGetStream(f));
    fflush(cimOutputFileGetStream(f));
    raise(SIGKILL);
    _exit(0);
  }
  int status = 0;
  ck_assert_int_eq(waitpid(child, &status, 0), child);
  ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  ck_assert_int_eq(countFiles(), 0);
}
END_TEST

START_TEST(test_output_deferred) {
  char a[128], b[128];
  snprintf(a, sizeof a, "%s/report.json", tmpDir);
  snprintf(b, sizeof b, "%s/table.txt", tmpDir);
  /* Without a group, defer commits at once. */
  ck_assert(!cimDeferredOutputsActive());
  CimOutputFile f = cimOutputFileOpen(a, cimWriteLineToStream, stderr);
  fputs("now\n", cimOutputFileGetStream(f));
  ck_assert(mlirLogicalResultIsSuccess(cimOutputFileDefer(f, cimWriteLineToStream, stderr)));
  ck_assert_str_eq(readFile(a), "now\n");
  /* A discarded group leaves the old file and creates nothing. */
  cimDeferredOutputsBegin();
  ck_assert(cimDeferredOutputsActive());
  f = cimOutputFileOpen(a, cimWriteLineToStream, stderr);
  fputs("failed run\n", cimOutputFileGetStream(f));
  ck_assert(mlirLogicalResultIsSuccess(cimOutputFileDefer(f, cimWriteLineToStream, stderr)));
  f = cimOutputFileOpen(b, cimWriteLineToStream, stderr);
  fputs("failed run\n", cimOutputFileGetStream(f));
  ck_assert(mlirLogicalResultIsSuccess(cimOutputFileDefer(f, cimWriteLineToStream, stderr)));
  ck_assert_str_eq(readFile(a), "now\n");
  ck_assert_ptr_null(readFile(b));
  cimDeferredOutputsDiscard();
  ck_assert(!cimDeferredOutputsActive());
  ck_assert_str_eq(readFile(a), "now\n");
  ck_assert_ptr_null(readFile(b));
  ck_assert_int_eq(countFiles(), 1);
  /* A committed group makes both appear. */
  cimDeferredOutputsBegin();
  f = cimOutputFileOpen(a, cimWriteLineToStream, stderr);
  fputs("ok a\n", cimOutputFileGetStream(f));
  ck_assert(mlirLogicalResultIsSuccess(cimOutputFileDefer(f, cimWriteLineToStream, stderr)));
  f = cimOutputFileOpen(b, cimWriteLineToStream, stderr);
  fputs("ok b\n", cimOutputFileGetStream(f));
  ck_assert(mlirLogicalResultIsSuccess(cimOutputFileDefer(f, cimWriteLineToStream, stderr)));
  ck_assert_ptr_null(readFile(b));
  ck_assert(mlirLogicalResultIsSuccess(cimDeferredOutputsCommit(cimWriteLineToStream, stderr)));
  ck_assert(!cimDeferredOutputsActive());
  ck_assert_str_eq(readFile(a), "ok a\n");
  ck_assert_str_eq(readFile(b), "ok b\n");
  ck_assert_int_eq(countFiles(), 2);
}
END_TEST

START_TEST(test_output_discard_keeps_old) {
  char path[128];
  snprintf(path, sizeof path, "%s/out.mlir", tmpDir);
  FILE *old = fopen(path, "w");
  fputs("old\n", old);
  fclose(old);
  CimOutputFile f = cimOutputFileOpen(path, cimWriteLineToStream, stderr);
  ck_assert(!cimOutputFileIsNull(f));
  fputs("new and half-written", cimOutputFileGetStream(f));
  ck_assert_int_eq(countFiles(), tmpDirHasTmpfile() ? 1 : 2);
  cimOutputFileDiscard(f);
  ck_assert_str_eq(readFile(path), "old\n");
  ck_assert_int_eq(countFiles(), 1);
  cimOutputFileDiscard((CimOutputFile){NULL});
  /* Committing replaces it. */
  f = cimOutputFileOpen(path, cimWriteLineToStream, stderr);
  fputs("new\n", cimOutputFileGetStream(f));
  ck_assert(mlirLogicalResultIsSuccess(cimOutputFileCommit(f, cimWriteLineToStream, stderr)));
  ck_assert_str_eq(readFile(path), "new\n");
  ck_assert_int_eq(countFiles(), 1);
}
END_TEST

START_TEST(test_output_errors_and_stdout) {
  char path[128];
  snprintf(path, sizeof path, "%s/missing/out.mlir", tmpDir);
  Capture err;
  captureOpen(&err);
  CimOutputFile f = cimOutputFileOpen(path, cimWriteLineToStream, err.stream);
  ck_assert(cimOutputFileIsNull(f));
  char expected[256];
  snprintf(expected, sizeof expected,
           "cannot open output file '%s': No such file or directory\n", path);
  ck_assert_str_eq(captureText(&err), expected);
  captureClose(&err);

  f = cimOutputFileOpen("-", cimWriteLineToStream, stderr);
  ck_assert(!cimOutputFileIsNull(f));
  ck_assert_ptr_eq(cimOutputFileGetStream(f), stdout);
  ck_assert(mlirLogicalResultIsSuccess(cimOutputFileCommit(f, cimWriteLineToStream, stderr)));
}
END_TEST

/*===----------------------------------------------------------------------===*/

/* Distances counted by hand: kitten -> sitting replaces k and e and
 * inserts g (3); flaw -> lawn deletes f and inserts n (2). */
static intptr_t dist(const char *a, const char *b, intptr_t max) {
  return cimEditDistance(mlirStringRefCreateFromCString(a),
                         mlirStringRefCreateFromCString(b), max);
}

START_TEST(test_edit_distance) {
  ck_assert_int_eq(dist("kitten", "sitting", 0), 3);
  ck_assert_int_eq(dist("sitting", "kitten", 0), 3);
  ck_assert_int_eq(dist("flaw", "lawn", 0), 2);
  ck_assert_int_eq(dist("", "abc", 0), 3);
  ck_assert_int_eq(dist("abc", "", 0), 3);
  ck_assert_int_eq(dist("same", "same", 0), 0);
  /* A transposition is two edits (LLVM's rule too). */
  ck_assert_int_eq(dist("motoin", "motion", 0), 2);
  /* Capped: beyond the maximum the answer is max + 1. */
  ck_assert_int_eq(dist("abcdef", "uvwxyz", 2), 3);
  ck_assert_int_eq(dist("kitten", "sitting", 3), 3);
  ck_assert_int_eq(dist("kitten", "sitting", 2), 3);
}
END_TEST

START_TEST(test_suggester) {
  /* "cim-bitslce" has 11 characters: limit 11 / 3 + 1 = 4 edits. */
  CimSuggester s =
      cimSuggesterCreate(mlirStringRefCreateFromCString("cim-bitslce"));
  ck_assert_ptr_null(s.best);
  ck_assert_int_eq(s.bestDistance, 5);
  ck_assert(!cimSuggesterConsider(&s, "convert-cim-to-xbar"));
  ck_assert(cimSuggesterConsider(&s, "cim-tile"));      /* 4 edits */
  ck_assert_str_eq(s.best, "cim-tile");
  ck_assert_int_eq(s.bestDistance, 4);
  ck_assert(cimSuggesterConsider(&s, "cim-bitslice")); /* 1 edit */
  ck_assert(!cimSuggesterConsider(&s, "cim-bitslicf"));  /* 2: not better */
  ck_assert_str_eq(s.best, "cim-bitslice");
  ck_assert_int_eq(s.bestDistance, 1);
  ck_assert_int_ge(cimSuggesterDistance(&s, "cim-tile"), 1);
  /* A short word: "cs" may be 1 edit off at most. */
  s = cimSuggesterCreate(mlirStringRefCreateFromCString("cs"));
  ck_assert(!cimSuggesterConsider(&s, "dce"));
  ck_assert(cimSuggesterConsider(&s, "cse"));
}
END_TEST

static Suite *toolingSuite(void) {
  Suite *s = suite_create("tooling");
  TCase *suggest = tcase_create("suggest");
  tcase_add_test(suggest, test_edit_distance);
  tcase_add_test(suggest, test_suggester);
  suite_add_tcase(s, suggest);

  TCase *split = tcase_create("split");
  tcase_add_test(split, test_split_default_marker);
  tcase_add_test(split, test_split_edge_cases);
  suite_add_tcase(s, split);

  TCase *parse = tcase_create("parse");
  tcase_add_checked_fixture(parse, setup, teardown);
  tcase_add_test(parse, test_parse_error_line_in_second_chunk);
  tcase_add_test(parse, test_parse_wraps_several_ops);
  tcase_add_test(parse, test_parse_wraps_in_later_chunk);
  tcase_add_test(parse, test_parse_ops_on_first_line);
  tcase_add_test(parse, test_parse_single_ops);
  tcase_add_test(parse, test_parse_aliases_after_first_op);
  tcase_add_test(parse, test_parse_keeps_resource_names);
  tcase_add_test(parse, test_parse_symbol_error_reported_once);
  suite_add_tcase(s, parse);

  TCase *print = tcase_create("print");
  tcase_add_checked_fixture(print, setup, teardown);
  tcase_add_test(print, test_print_source_line_and_caret);
  tcase_add_test(print, test_print_without_source_line);
  tcase_add_test(print, test_print_nested_locations);
  tcase_add_test(print, test_print_notes_and_count);
  tcase_add_test(print, test_print_warning);
  suite_add_tcase(s, print);

  TCase *verifier = tcase_create("verify");
  tcase_add_checked_fixture(verifier, setup, teardown);
  tcase_add_test(verifier, test_verify_matched_and_missing);
  tcase_add_test(verifier, test_verify_unexpected);
  tcase_add_test(verifier, test_verify_designators);
  tcase_add_test(verifier, test_verify_regex);
  tcase_add_test(verifier, test_verify_malformed);
  tcase_add_test(verifier, test_verify_near_miss);
  tcase_add_test(verifier, test_verify_line_ranges);
  tcase_add_test(verifier, test_verify_notes_and_parse);
  suite_add_tcase(s, verifier);

  TCase *output = tcase_create("output");
  tcase_add_checked_fixture(output, setupDir, removeDir);
  tcase_add_test(output, test_output_commit);
  tcase_add_test(output, test_output_discard_keeps_old);
  tcase_add_test(output, test_output_errors_and_stdout);
  tcase_add_test(output, test_output_device_written_through);
  tcase_add_test(output, test_output_symlinks_followed);
  tcase_add_test(output, test_output_killed_leaves_nothing);
  tcase_add_test(output, test_output_deferred);
  suite_add_tcase(s, output);
  return s;
}

int main(void) {
  SRunner *runner = srunner_create(toolingSuite());
  srunner_run_all(runner, CK_NORMAL);
  int failed = srunner_ntests_failed(runner);
  srunner_free(runner);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
