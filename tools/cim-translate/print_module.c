/*===-- print_module.c - Printing an imported model in bounded memory -----===*
 *
 * MLIR's printer writes a dense elements attribute of more than 100
 * elements as a hex string, dense<"0x0000803F...">, and builds that string
 * in one piece (llvm::toHex into a std::string) before writing it: two bytes
 * of text per byte of data, so printing VGG-16's largest weight (411 MB)
 * held another 822 MB. This printer writes the same text with the hex
 * strings streamed from the attributes' storage:
 *
 *   1. the module is printed (same flags) with every elements attribute of
 *      more than STREAM_ELEMENTS elements elided, into memory: what remains
 *      is the text without its large weights, where each elided attribute
 *      reads `dense_resource<__elided__> : TYPE`;
 *   2. the attributes MLIR elided are listed in printing order (operations
 *      in pre-order, at most one such attribute per operation);
 *   3. the text is written with the i-th `dense_resource<__elided__>`
 *      replaced by `dense<"0x` HEX `">`, HEX written from the i-th
 *      attribute's raw data in 64 KiB pieces, uppercase as MLIR writes it.
 *
 * Step 3 runs only when the text and the list agree exactly: as many
 * occurrences as attributes, the i-th followed by ` : ` and the i-th
 * attribute's type. Otherwise (an attribute this printer cannot write, two
 * on one operation, the elision marker inside a name), the module is printed
 * by MLIR as before: the output is the same bytes either way, only the
 * memory differs. tools/cim-translate's import tests compare both.
 *===----------------------------------------------------------------------===*/

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"
#include "mlir-c/IR.h"
#include "print_module.h"

/// Elements attributes with more elements than this are streamed.
#define STREAM_ELEMENTS 16384

static const char MARKER[] = "dense_resource<__elided__>";

typedef struct Text {
  char *data;
  size_t len, cap;
  bool failed;
} Text;

static void append(Text *t, const char *s, size_t n) {
  if (t->failed)
    return;
  if (t->len + n + 1 > t->cap) {
    size_t cap = t->cap ? t->cap : 4096;
    while (cap < t->len + n + 1)
      cap *= 2;
    char *p = realloc(t->data, cap);
    if (!p) {
      t->failed = true;
      return;
    }
    t->data = p;
    t->cap = cap;
  }
  memcpy(t->data + t->len, s, n);
  t->len += n;
  t->data[t->len] = '\0';
}

static void toText(MlirStringRef s, void *text) {
  append(text, s.data, s.length);
}

/// One attribute to stream: its raw data and the printed type that follows
/// its marker.
typedef struct Streamed {
  const void *raw;
  size_t size;
  char *type;
} Streamed;

typedef struct List {
  Streamed *items;
  size_t n, cap;
  bool unsupported;
} List;

/// Bytes per element of a dense attribute's raw data for the element types
/// written here (f32, f64, 8/16/32/64-bit integers); 0 for others.
static size_t rawElementSize(MlirType t) {
  if (mlirTypeIsAF32(t))
    return 4;
  if (mlirTypeIsAF64(t))
    return 8;
  if (mlirTypeIsAInteger(t)) {
    unsigned w = mlirIntegerTypeGetWidth(t);
    return w == 8 || w == 16 || w == 32 || w == 64 ? w / 8 : 0;
  }
  return 0;
}

static MlirWalkResult collect(MlirOperation op, void *userData) {
  List *l = userData;
  bool seen = false;
  for (intptr_t i = 0, e = mlirOperationGetNumAttributes(op); i < e; ++i) {
    MlirAttribute a = mlirOperationGetAttribute(op, i).attribute;
    /* What OpPrintingFlags::shouldElideElementsAttr elides. */
    if (!mlirAttributeIsAElements(a) ||
        mlirElementsAttrGetNumElements(a) <= STREAM_ELEMENTS ||
        (mlirAttributeIsADenseElements(a) && mlirDenseElementsAttrIsSplat(a)))
      continue;
    MlirType type = mlirAttributeGetType(a);
    size_t es = rawElementSize(mlirShapedTypeGetElementType(type));
    if (seen || !es ||
        !(mlirAttributeIsADenseIntElements(a) ||
          mlirAttributeIsADenseFPElements(a))) {
      l->unsupported = true;
      return MlirWalkResultInterrupt;
    }
    seen = true;
    Text tt = {0};
    append(&tt, " : ", 3);
    mlirTypePrint(type, toText, &tt);
    if (l->n == l->cap) {
      size_t cap = l->cap ? 2 * l->cap : 64;
      Streamed *p = realloc(l->items, cap * sizeof *p);
      if (!p)
        tt.failed = true;
      else {
        l->items = p;
        l->cap = cap;
      }
    }
    if (tt.failed) {
      free(tt.data);
      l->unsupported = true;
      return MlirWalkResultInterrupt;
    }
    l->items[l->n++] = (Streamed){
        mlirDenseElementsAttrGetRawData(a),
        (size_t)mlirElementsAttrGetNumElements(a) * es, tt.data};
  }
  return MlirWalkResultAdvance;
}

/// True when the markers of `text` are exactly the list's attributes, in
/// order, each followed by its type.
static bool agrees(const Text *text, const List *l) {
  size_t k = 0;
  const char *p = text->data, *end = text->data + text->len;
  while ((p = strstr(p, MARKER)) != NULL) {
    p += sizeof MARKER - 1;
    if (k == l->n)
      return false;
    size_t tl = strlen(l->items[k].type);
    if ((size_t)(end - p) < tl || memcmp(p, l->items[k].type, tl))
      return false;
    ++k;
  }
  return k == l->n;
}

static void writeHex(const Streamed *s, FILE *out) {
  static const char digits[] = "0123456789ABCDEF";
  char buf[1 << 16];
  const unsigned char *raw = s->raw;
  size_t k = 0;
  fputs("dense<\"0x", out);
  for (size_t i = 0; i < s->size; ++i) {
    buf[k++] = digits[raw[i] >> 4];
    buf[k++] = digits[raw[i] & 15];
    if (k == sizeof buf) {
      fwrite(buf, 1, k, out);
      k = 0;
    }
  }
  fwrite(buf, 1, k, out);
  fputs("\">", out);
}

static void toStream(MlirStringRef s, void *stream) {
  fwrite(s.data, 1, s.length, (FILE *)stream);
}

static void printPlain(MlirOperation module, FILE *out) {
  MlirOpPrintingFlags flags = mlirOpPrintingFlagsCreate();
  mlirOpPrintingFlagsEnableDebugInfo(flags, true, false);
  mlirOperationPrintWithFlags(module, flags, toStream, out);
  mlirOpPrintingFlagsDestroy(flags);
}

void cimTranslatePrintModule(MlirOperation module, FILE *out) {
  List l = {0};
  mlirOperationWalk(module, collect, &l, MlirWalkPreOrder);
  Text text = {0};
  if (!l.unsupported && l.n) {
    MlirOpPrintingFlags flags = mlirOpPrintingFlagsCreate();
    mlirOpPrintingFlagsEnableDebugInfo(flags, true, false);
    mlirOpPrintingFlagsElideLargeElementsAttrs(flags, STREAM_ELEMENTS);
    mlirOperationPrintWithFlags(module, flags, toText, &text);
    mlirOpPrintingFlagsDestroy(flags);
  }
  if (l.unsupported || !l.n || text.failed || !agrees(&text, &l)) {
    printPlain(module, out);
  } else {
    const char *p = text.data;
    for (size_t k = 0; k < l.n; ++k) {
      const char *m = strstr(p, MARKER);
      fwrite(p, 1, (size_t)(m - p), out);
      writeHex(&l.items[k], out);
      p = m + sizeof MARKER - 1;
    }
    fwrite(p, 1, (size_t)(text.data + text.len - p), out);
  }
  for (size_t k = 0; k < l.n; ++k)
    free(l.items[k].type);
  free(l.items);
  free(text.data);
}
