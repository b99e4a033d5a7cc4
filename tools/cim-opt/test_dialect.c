/*===-- test_dialect.c - mlir-opt's `test` namespace, as far as C allows ---===*
 *
 * mlir-opt registers MLIR's test dialect, which allows unknown operations:
 * upstream tests write `"test.anything"(...)` in generic form and mlir-opt
 * parses and prints it without --allow-unregistered-dialect. libMLIR has no
 * test dialect, and an IRDL dialect cannot allow unknown operations. When an
 * input names a `"test.` operation (bytecode: a dialect named `test`) and
 * --allow-unregistered-dialect is not given, cim-opt parses it with
 * unregistered dialects allowed and then rejects, as mlir-opt's parser
 * does, the first operation of an unknown dialect other than `test`: same
 * message, at the column after its quoted name. What the C API cannot give
 * is the test dialect's own operations (custom syntax, verifiers, traits,
 * interfaces): there `test.*` operations stay generic, unregistered
 * operations.
 *===----------------------------------------------------------------------===*/

#define _GNU_SOURCE /* memmem */
#include <string.h>

#include "cim-c/Tooling.h"
#include "options.h"

bool cimOptWantsTestNamespace(const CimOptOptions *o, const char *input,
                              size_t length) {
  static const char text[] = "\"test.";
  static const char bytecode[] = "\0test\0"; /* a dialect name */
  bool isBytecode = length >= 4 && !memcmp(input, "ML\xefR", 4);
  const char *needle = isBytecode ? bytecode : text;
  size_t n = isBytecode ? sizeof bytecode - 1 : sizeof text - 1;
  return !o->allowUnregistered && memmem(input, length, needle, n) != NULL;
}

typedef struct Search {
  MlirContext ctx;
  MlirOperation found;
} Search;

static MlirWalkResult findForeign(MlirOperation op, void *userData) {
  Search *s = userData;
  MlirStringRef name = mlirIdentifierStr(mlirOperationGetName(op));
  if (mlirContextIsRegisteredOperation(s->ctx, name))
    return MlirWalkResultAdvance;
  const char *dot = memchr(name.data, '.', name.length);
  size_t ns = dot ? (size_t)(dot - name.data) : name.length;
  if (ns == 4 && !memcmp(name.data, "test", 4))
    return MlirWalkResultAdvance;
  s->found = op;
  return MlirWalkResultInterrupt;
}

/// The location mlir-opt's parser reports: just after the quoted name,
/// searched from the operation's own position in `source`.
static MlirLocation afterName(MlirContext ctx, CimSourceBuffer source,
                              MlirOperation op, MlirStringRef name) {
  MlirLocation loc = mlirOperationGetLocation(op);
  if (!mlirLocationIsAFileLineColRange(loc))
    return loc;
  unsigned line = (unsigned)mlirLocationFileLineColRangeGetStartLine(loc);
  unsigned col = (unsigned)mlirLocationFileLineColRangeGetStartColumn(loc);
  const char *p = source.text.data, *end = p + source.text.length;
  for (unsigned l = 1; l < line && p < end; ++p)
    if (*p == '\n')
      ++l;
  p += col > 0 ? col - 1 : 0;
  for (; p + name.length + 2 <= end; ++p) {
    if (p[0] == '"' && !memcmp(p + 1, name.data, name.length) &&
        p[name.length + 1] == '"')
      break;
  }
  if (p + name.length + 2 > end)
    return loc;
  const char *at = p + name.length + 2, *lineStart = at;
  while (lineStart > source.text.data && lineStart[-1] != '\n')
    --lineStart;
  unsigned realLine = 1;
  for (const char *q = source.text.data; q < lineStart; ++q)
    realLine += *q == '\n';
  return mlirLocationFileLineColGet(ctx, source.name, realLine,
                                    (unsigned)(at - lineStart) + 1);
}

bool cimOptCheckTestNamespace(MlirContext ctx, CimSourceBuffer source,
                              MlirOperation op) {
  Search s = {ctx, {NULL}};
  mlirOperationWalk(op, findForeign, &s, MlirWalkPreOrder);
  if (mlirOperationIsNull(s.found))
    return true;
  MlirStringRef name = mlirIdentifierStr(mlirOperationGetName(s.found));
  mlirEmitError(afterName(ctx, source, s.found, name),
                "operation being parsed with an unregistered dialect. If this "
                "is intended, please use -allow-unregistered-dialect with the "
                "MLIR tool used");
  return false;
}
