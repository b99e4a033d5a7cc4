/*===-- source_parse.c - Parsing a chunk like mlir-opt does ---------------===*
 *
 * cimParseSourceChunk turns one chunk of a source buffer into a top-level
 * operation the way mlir-opt does, with two things the C API does not offer
 * directly:
 *
 *  - Locations with the line numbers of the whole file. The chunk is copied
 *    behind (firstLine - 1) newlines, so the parser counts lines as if it saw
 *    the whole buffer.
 *
 *  - The implicit `builtin.module`. mlirOperationCreateParse wants exactly one
 *    top-level operation ("source must contain a single top-level operation,
 *    found: N" otherwise), while mlir-opt returns a lone `builtin.module` as
 *    is and puts anything else (zero, one or several operations) into a new
 *    module located at `file:0:0` (for a later chunk of --split-input-file:
 *    where the chunk starts, just after the `// -----`).
 *
 * The wrapped text has "module {" inserted before the first operation and
 * "}" on a line of its own after everything. A small lexer finds the first
 * operation by skipping blanks, `//` comments, attribute/type alias
 * definitions (`#a = ...`, `!t = ...`, which must stay at the top level) and
 * `{-# ... #-}` resource blocks. "module {" goes after the last alias before
 * the first operation, or at the start of the blank or comment line above
 * it, so nothing located moves. Aliases and resource blocks that come after
 * the first operation are blanked where they are (newlines kept) and put
 * before "module {" (aliases, on one line) or after "}" (resources). Resource
 * blocks that end the text (only blanks and comments around them) stay
 * where they are, with "}" at the end of the line above them.
 *
 * The wrapped text is parsed first, with its diagnostics held back, and a
 * single explicit module inside the wrapper is unwrapped. Parsing once
 * matters: every parse declares the `dense_resource` names it sees again, so
 * a second parse would rename them (`r` -> `r_1`). When that parse fails (or
 * is skipped because aliases had to move up, which could hide a use before
 * definition), the text as written is parsed, so that errors are reported
 * on what the user wrote; only if that finds several operations is the
 * "found: N" error swallowed and the wrapped text parsed again, reporting as
 * usual (only the module's symbol table verification can fail there).
 *
 * When there is no line above the first operation to put "module {" on
 * (the operation starts on the first line of the buffer, or shares its line
 * with an alias), it goes on the operation's line. Parsed locations on that
 * line are shifted back afterwards, but a diagnostic of the last parse above
 * would show a column that is off by the length of the inserted text.
 *
 * An alias definition followed by an operation on the same line
 * (`#a = 1 : i32 func.func ...`) is not told apart from its value, so such a
 * source only parses if it holds one operation.
 *===----------------------------------------------------------------------===*/

#include "cim-c/Tooling.h"

#include <stdlib.h>
#include <string.h>

#include "StrBuf.h"

static const char kCountError[] =
    "source must contain a single top-level operation, found: ";

/*===----------------------------------------------------------------------===*
 * A lexer just good enough to tell alias definitions and resource blocks
 * from operations at the top level. Where it guesses wrong the wrapped text
 * fails to parse, and the text as written is parsed instead.
 *===----------------------------------------------------------------------===*/

typedef struct Span {
  size_t begin, end;
} Span;

typedef struct SpanList {
  Span *items;
  size_t size, capacity;
  bool oom;
} SpanList;

static void spanListPush(SpanList *l, size_t begin, size_t end) {
  if (l->size == l->capacity) {
    size_t cap = l->capacity ? 2 * l->capacity : 8;
    Span *grown = realloc(l->items, cap * sizeof *grown);
    if (!grown) {
      l->oom = true;
      return;
    }
    l->items = grown;
    l->capacity = cap;
  }
  l->items[l->size++] = (Span){begin, end};
}

typedef struct Scan {
  const char *t;
  size_t n;
  /* Start of the first operation, or n when there is none. */
  size_t firstOp;
  /* End of the last alias/resource before the first operation; 0 if none. */
  size_t preEnd;
  bool hasPre;
  /* Aliases and resource blocks after the first operation. */
  SpanList aliases, resources;
} Scan;

static bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
         c == '\f';
}

static bool isIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '$' || c == '.' || c == '-';
}

static bool startsWith(const Scan *s, size_t pos, const char *lit) {
  size_t len = strlen(lit);
  return pos + len <= s->n && memcmp(s->t + pos, lit, len) == 0;
}

/// Skips a string literal starting at the quote at `pos`; strings end at
/// an unescaped quote or (invalid anyway) a newline.
static size_t skipString(const Scan *s, size_t pos) {
  for (++pos; pos < s->n; ++pos) {
    char c = s->t[pos];
    if (c == '\\' && pos + 1 < s->n && s->t[pos + 1] != '\n')
      ++pos;
    else if (c == '"')
      return pos + 1;
    else if (c == '\n')
      return pos;
  }
  return pos;
}

static size_t skipComment(const Scan *s, size_t pos) {
  const char *nl = memchr(s->t + pos, '\n', s->n - pos);
  return nl ? (size_t)(nl - s->t) : s->n;
}

/// Advances over one token of operation (or alias value) text, tracking
/// bracket depth. `->`, `>=` and `<=` are not brackets.
static size_t skipToken(const Scan *s, size_t pos, unsigned *depth) {
  char c = s->t[pos];
  char next = pos + 1 < s->n ? s->t[pos + 1] : '\0';
  switch (c) {
  case '"':
    return skipString(s, pos);
  case '-':
    return next == '>' ? pos + 2 : pos + 1;
  case '<':
  case '>':
    if (next == '=')
      return pos + 2;
    break;
  default:
    break;
  }
  if (c == '(' || c == '[' || c == '{' || c == '<')
    ++*depth;
  else if ((c == ')' || c == ']' || c == '}' || c == '>') && *depth > 0)
    --*depth;
  return pos + 1;
}

/// `#name =` or `!name =` at `pos` (not `==`).
static bool isAliasDefinition(const Scan *s, size_t pos) {
  size_t p = pos + 1;
  if (p >= s->n || !isIdChar(s->t[p]))
    return false;
  while (p < s->n && isIdChar(s->t[p]))
    ++p;
  while (p < s->n && (s->t[p] == ' ' || s->t[p] == '\t'))
    ++p;
  return p < s->n && s->t[p] == '=' && (p + 1 >= s->n || s->t[p + 1] != '=');
}

/// Scans an alias definition from `pos`; it ends at the first newline
/// outside brackets once its value has started. Returns where scanning goes
/// on and stores the end of its last token in `*end`.
static size_t scanAlias(const Scan *s, size_t pos, size_t *end) {
  const char *eq = memchr(s->t + pos, '=', s->n - pos);
  pos = eq ? (size_t)(eq - s->t) + 1 : s->n;
  *end = pos;
  unsigned depth = 0;
  bool started = false;
  while (pos < s->n) {
    char c = s->t[pos];
    if (c == '\n' && started && depth == 0)
      break;
    if (isSpace(c)) {
      ++pos;
    } else if (startsWith(s, pos, "//")) {
      pos = skipComment(s, pos);
    } else {
      pos = skipToken(s, pos, &depth);
      *end = pos;
      started = true;
    }
  }
  return pos;
}

/// Scans a `{-# ... #-}` block from `pos`; returns its end.
static size_t scanResource(const Scan *s, size_t pos) {
  for (pos += 3; pos < s->n;) {
    if (s->t[pos] == '"')
      pos = skipString(s, pos);
    else if (startsWith(s, pos, "#-}"))
      return pos + 3;
    else
      ++pos;
  }
  return pos;
}

static void scanTopLevel(Scan *s) {
  s->firstOp = s->n;
  unsigned depth = 0;
  size_t pos = 0;
  while (pos < s->n) {
    char c = s->t[pos];
    if (isSpace(c)) {
      ++pos;
      continue;
    }
    if (startsWith(s, pos, "//")) {
      pos = skipComment(s, pos);
      continue;
    }
    if (depth == 0) {
      size_t begin = pos, end = 0;
      bool isResource = startsWith(s, pos, "{-#");
      if (isResource) {
        pos = end = scanResource(s, pos);
      } else if ((c == '#' || c == '!') && isAliasDefinition(s, pos)) {
        pos = scanAlias(s, pos, &end);
      }
      if (end) {
        if (s->firstOp == s->n) {
          s->preEnd = end;
          s->hasPre = true;
        } else {
          spanListPush(isResource ? &s->resources : &s->aliases, begin, end);
        }
        continue;
      }
      if (s->firstOp == s->n)
        s->firstOp = pos;
    }
    pos = skipToken(s, pos, &depth);
  }
}

/*===----------------------------------------------------------------------===*
 * Building the wrapped text
 *===----------------------------------------------------------------------===*/

/// Appends text[span] on one line: newlines become spaces, comments go.
static void appendFlattened(CimStrBuf *out, const Scan *s, Span span) {
  size_t pos = span.begin;
  while (pos < span.end) {
    char c = s->t[pos];
    if (c == '"') {
      size_t e = skipString(s, pos);
      if (e > span.end)
        e = span.end;
      cimStrBufAppend(out, s->t + pos, e - pos);
      pos = e;
    } else if (startsWith(s, pos, "//")) {
      pos = skipComment(s, pos);
    } else {
      cimStrBufAppend(out, (c == '\n' || c == '\r') ? " " : &s->t[pos], 1);
      ++pos;
    }
  }
}

static void blank(char *text, Span span) {
  for (size_t i = span.begin; i < span.end; ++i)
    if (text[i] != '\n' && text[i] != '\r')
      text[i] = ' ';
}

static size_t lineStartOf(const char *t, size_t pos) {
  while (pos > 0 && t[pos - 1] != '\n')
    --pos;
  return pos;
}

/// True when [from, to) holds only blanks and `//` comments.
static bool onlyTrivia(const Scan *s, size_t from, size_t to) {
  while (from < to) {
    if (isSpace(s->t[from]))
      ++from;
    else if (startsWith(s, from, "//"))
      from = skipComment(s, from);
    else
      return false;
  }
  return true;
}

/// Where the closing "}" can go so that the resource blocks stay where they
/// are, outside the module: when nothing but resources, blanks and comments
/// follows the first resource block, which starts its line, and the line
/// above it has no comment or string to swallow the "}" (blank, or the last
/// operation's end). Returns the offset of that line's newline, or `n`
/// (close at the end and move the resources after it).
static size_t closeBeforeResources(const Scan *s) {
  if (s->resources.size == 0)
    return s->n;
  for (size_t i = 0; i < s->resources.size; ++i) {
    size_t gapEnd = i + 1 < s->resources.size ? s->resources.items[i + 1].begin
                                              : s->n;
    if (!onlyTrivia(s, s->resources.items[i].end, gapEnd))
      return s->n;
  }
  size_t r0 = s->resources.items[0].begin;
  size_t line = lineStartOf(s->t, r0);
  if (line == 0 || !onlyTrivia(s, line, r0))
    return s->n;
  size_t newline = line - 1;
  for (size_t i = lineStartOf(s->t, newline); i < newline; ++i)
    if (s->t[i] == '/' || s->t[i] == '"')
      return s->n;
  return newline;
}

/// Where inserting "module {" moved located text: columns after `after`
/// (1-based) on `line` went right by `by`. `by` is 0 when nothing moved.
typedef struct Shift {
  unsigned line, after, by;
} Shift;

/// Builds `module { ... }` around the operations of `src`.
static bool buildWrapped(const char *src, size_t n, CimStrBuf *out,
                         Shift *shift, bool *movedAliases) {
  Scan s = {.t = src, .n = n};
  scanTopLevel(&s);
  if (s.aliases.oom || s.resources.oom) {
    free(s.aliases.items);
    free(s.resources.items);
    return false;
  }

  /* The opening text: moved aliases, then "module {". */
  CimStrBuf open = {0};
  size_t opLine = lineStartOf(src, s.firstOp);
  size_t at;
  bool movesOps = false;
  if (s.firstOp == n) {
    at = n; /* no operation at all */
  } else if (s.hasPre && s.preEnd <= opLine) {
    at = s.preEnd; /* after the last alias, on an earlier line */
    cimStrBufAppendCString(&open, " ");
  } else if (!s.hasPre && opLine > 0) {
    at = lineStartOf(src, opLine - 1); /* a blank or comment line */
  } else {
    /* On the line of the first operation: its columns move. */
    at = s.hasPre && s.preEnd <= s.firstOp ? s.preEnd : s.firstOp;
    if (at > 0 && !isSpace(src[at - 1]))
      cimStrBufAppendCString(&open, " ");
    movesOps = true;
  }
  for (size_t i = 0; i < s.aliases.size; ++i) {
    appendFlattened(&open, &s, s.aliases.items[i]);
    cimStrBufAppendCString(&open, " ");
  }
  cimStrBufAppendCString(&open, "module { ");

  *movedAliases = s.aliases.size > 0;
  *shift = (Shift){0, 0, 0};
  if (movesOps) {
    size_t lineStart = lineStartOf(src, at);
    shift->line = 1;
    for (size_t i = 0; i < lineStart; ++i)
      shift->line += src[i] == '\n';
    shift->after = (unsigned)(at - lineStart + open.length);
    shift->by = (unsigned)open.length;
  }

  /* One buffer of the final size; the source is copied once. Trailing
     resource blocks stay in place behind a "}" on the line above them, so
     that diagnostics about them keep their positions. */
  size_t closeAt = s.firstOp < n ? closeBeforeResources(&s) : n;
  size_t size = n + open.length + 3;
  for (size_t i = 0; i < s.resources.size; ++i)
    size += s.resources.items[i].end - s.resources.items[i].begin + 1;
  cimStrBufReserve(out, size);
  size_t base = out->length;
  cimStrBufAppend(out, src, at);
  cimStrBufAppend(out, cimStrBufGet(&open), open.length);
  cimStrBufAppend(out, src + at, closeAt - at);
  if (closeAt < n) {
    cimStrBufAppendCString(out, "}");
    cimStrBufAppend(out, src + closeAt, n - closeAt);
    s.resources.size = 0; /* neither moved nor blanked */
  } else {
    cimStrBufAppendCString(out, "\n}\n");
  }
  for (size_t i = 0; i < s.resources.size; ++i) {
    Span r = s.resources.items[i];
    cimStrBufAppend(out, src + r.begin, r.end - r.begin);
    cimStrBufAppendCString(out, "\n");
  }
  bool ok = !open.oom && !out->oom;
  /* Aliases and resources after the first operation are blanked where they
   * were (all of them start at or after firstOp >= at: shifted by the
   * opening text). */
  for (size_t i = 0; ok && i < s.aliases.size; ++i) {
    Span a = s.aliases.items[i];
    blank(out->data + base + open.length, a);
  }
  for (size_t i = 0; ok && i < s.resources.size; ++i) {
    Span r = s.resources.items[i];
    blank(out->data + base + open.length, r);
  }
  cimStrBufFree(&open);
  free(s.aliases.items);
  free(s.resources.items);
  return ok;
}

/*===----------------------------------------------------------------------===*
 * Undoing the column shift
 *===----------------------------------------------------------------------===*/

typedef struct Unshift {
  MlirContext ctx;
  MlirStringRef file;
  Shift shift;
} Unshift;

static MlirLocation unshiftLoc(const Unshift *u, MlirLocation loc) {
  if (!mlirLocationIsAFileLineColRange(loc))
    return loc;
  unsigned line = (unsigned)mlirLocationFileLineColRangeGetStartLine(loc);
  unsigned col = (unsigned)mlirLocationFileLineColRangeGetStartColumn(loc);
  unsigned endLine = (unsigned)mlirLocationFileLineColRangeGetEndLine(loc);
  unsigned endCol = (unsigned)mlirLocationFileLineColRangeGetEndColumn(loc);
  MlirStringRef file =
      mlirIdentifierStr(mlirLocationFileLineColRangeGetFilename(loc));
  /* Only what the parser made: a single position on the shifted line. */
  if (line != u->shift.line || endLine != line || endCol != col ||
      col <= u->shift.after || !mlirStringRefEqual(file, u->file))
    return loc;
  return mlirLocationFileLineColGet(u->ctx, file, line, col - u->shift.by);
}

static MlirWalkResult unshiftOp(MlirOperation op, void *userData) {
  const Unshift *u = userData;
  mlirOperationSetLocation(op, unshiftLoc(u, mlirOperationGetLocation(op)));
  for (intptr_t r = 0, nr = mlirOperationGetNumRegions(op); r < nr; ++r) {
    MlirRegion region = mlirOperationGetRegion(op, r);
    for (MlirBlock b = mlirRegionGetFirstBlock(region); !mlirBlockIsNull(b);
         b = mlirBlockGetNextInRegion(b)) {
      for (intptr_t a = 0, na = mlirBlockGetNumArguments(b); a < na; ++a) {
        MlirValue arg = mlirBlockGetArgument(b, a);
        mlirBlockArgumentSetLocation(arg,
                                     unshiftLoc(u, mlirValueGetLocation(arg)));
      }
    }
  }
  return MlirWalkResultAdvance;
}

/*===----------------------------------------------------------------------===*
 * Parsing
 *===----------------------------------------------------------------------===*/

/// Consumes the first "found: N" error (the first attempt's); or, with
/// `all`, every error (the wrapped first attempt's, which are only wanted if
/// it succeeds). Warnings and remarks go through: a parse that only warns
/// (an unknown external resource) succeeds and is not repeated, since a
/// second parse would rename its dense_resource names.
typedef struct Swallow {
  bool all;
  unsigned swallowed;
  long count;
} Swallow;

static MlirLogicalResult swallowHandler(MlirDiagnostic diag, void *data) {
  Swallow *s = data;
  if (s->all) {
    if (mlirDiagnosticGetSeverity(diag) != MlirDiagnosticError)
      return mlirLogicalResultFailure();
    ++s->swallowed;
    return mlirLogicalResultSuccess();
  }
  if (s->swallowed || mlirDiagnosticGetSeverity(diag) != MlirDiagnosticError)
    return mlirLogicalResultFailure();
  CimStrBuf msg = {0};
  mlirDiagnosticPrint(diag, cimStrBufCallback, &msg);
  const char *text = cimStrBufGet(&msg);
  size_t prefix = sizeof kCountError - 1;
  bool match = strncmp(text, kCountError, prefix) == 0;
  if (match) {
    s->swallowed = 1;
    s->count = strtol(text + prefix, NULL, 10);
  }
  cimStrBufFree(&msg);
  return match ? mlirLogicalResultSuccess() : mlirLogicalResultFailure();
}

static MlirOperation parse(MlirContext context, const CimStrBuf *text,
                           MlirStringRef name, Swallow *swallow) {
  MlirDiagnosticHandlerID id = 0;
  if (swallow)
    id = mlirContextAttachDiagnosticHandler(context, swallowHandler, swallow,
                                            NULL);
  MlirOperation op = mlirOperationCreateParse(
      context, mlirStringRefCreate(cimStrBufGet(text), text->length), name);
  if (swallow)
    mlirContextDetachDiagnosticHandler(context, id);
  return op;
}

static bool isModule(MlirOperation op) {
  return mlirStringRefEqual(mlirIdentifierStr(mlirOperationGetName(op)),
                            mlirStringRefCreateFromCString("builtin.module"));
}

/// Moves `op` into a new module at `loc` and verifies the module (its
/// symbol table was not checked yet; mlir-opt checks it).
static MlirOperation wrapInModule(MlirLocation loc, MlirOperation op) {
  MlirModule module = mlirModuleCreateEmpty(loc);
  if (!mlirOperationIsNull(op))
    mlirBlockAppendOwnedOperation(mlirModuleGetBody(module), op);
  MlirOperation result = mlirModuleGetOperation(module);
  if (!mlirOperationIsNull(op) && !mlirOperationVerify(result)) {
    mlirOperationDestroy(result);
    return (MlirOperation){NULL};
  }
  return result;
}

/// The wrapper module parsed from the wrapped text: relocated, with the
/// inserted text's column shift undone; with `unwrapSingleModule`, an
/// explicit module that is the only operation replaces it.
static MlirOperation finishWrapped(MlirContext context, MlirStringRef name,
                                   MlirOperation wrapper, MlirLocation loc,
                                   Shift shift, bool unwrapSingleModule) {
  mlirOperationSetLocation(wrapper, loc);
  if (shift.by) {
    Unshift u = {context, name, shift};
    mlirOperationWalk(wrapper, unshiftOp, &u, MlirWalkPreOrder);
  }
  if (!unwrapSingleModule)
    return wrapper;
  MlirBlock body = mlirModuleGetBody(mlirModuleFromOperation(wrapper));
  MlirOperation only = mlirBlockGetFirstOperation(body);
  if (mlirOperationIsNull(only) || !isModule(only) ||
      !mlirOperationIsNull(mlirOperationGetNextInBlock(only)))
    return wrapper;
  mlirOperationRemoveFromParent(only);
  mlirOperationDestroy(wrapper);
  return only;
}

static bool isBytecode(MlirStringRef text) {
  return text.length >= 4 && memcmp(text.data, "ML\xefR", 4) == 0;
}

/// `text` behind padLines newlines and padColumns spaces, in one
/// allocation; false when out of memory.
static bool padSource(CimStrBuf *source, MlirStringRef text, unsigned padLines,
                      unsigned padColumns) {
  cimStrBufReserve(source, (size_t)padLines + padColumns + text.length);
  for (unsigned i = 0; i < padLines && !source->oom; ++i)
    cimStrBufAppend(source, "\n", 1);
  for (unsigned i = 0; i < padColumns && !source->oom; ++i)
    cimStrBufAppend(source, " ", 1);
  cimStrBufAppendRef(source, text);
  return !source->oom;
}

/// Parses `text` as if it started at (1-based) line padLines + 1, column
/// padColumns + 1 of the buffer named `bufferName`; an implicit module is
/// located at `moduleLoc`.
static MlirOperation parsePadded(MlirContext context, MlirStringRef bufferName,
                                 MlirStringRef text, unsigned padLines,
                                 unsigned padColumns, MlirLocation moduleLoc) {
  MlirOperation result = {NULL};
  bool bytecode = isBytecode(text);
  if (bytecode)
    padLines = padColumns = 0;

  /* The padded, NUL-terminated copy the parser sees. Without padding it is
     made only if the wrapped text is not enough (step 2): a large input is
     then copied once, not twice. */
  CimStrBuf source = {0}, wrapped = {0};
  bool padded = padLines || padColumns;
  if (padded && !padSource(&source, text, padLines, padColumns)) {
    mlirEmitError(moduleLoc, "out of memory while reading the source");
    goto done;
  }
  Shift shift = {0, 0, 0};
  bool movedAliases = false;
  bool haveWrapped =
      !bytecode && buildWrapped(padded ? cimStrBufGet(&source) : text.data,
                                padded ? source.length : text.length,
                                &wrapped, &shift, &movedAliases);

  /* 1. One parse of the wrapped text, its diagnostics held back: if the
        text is wrong, the second attempt reports on what the user wrote.
        Not when aliases were moved up: that would accept a use before the
        definition, which MLIR rejects. */
  if (haveWrapped && !movedAliases) {
    Swallow all = {.all = true};
    MlirOperation op = parse(context, &wrapped, bufferName, &all);
    if (!mlirOperationIsNull(op) && all.swallowed == 0) {
      result = finishWrapped(context, bufferName, op, moduleLoc, shift, true);
      goto done;
    }
    if (!mlirOperationIsNull(op))
      mlirOperationDestroy(op);
  }

  /* 2. Parse what the user wrote. */
  if (!padded && !padSource(&source, text, 0, 0)) {
    mlirEmitError(moduleLoc, "out of memory while reading the source");
    goto done;
  }
  Swallow count = {.all = false};
  MlirOperation op = parse(context, &source, bufferName, &count);
  if (!mlirOperationIsNull(op)) {
    result = isModule(op) ? op : wrapInModule(moduleLoc, op);
  } else if (count.swallowed && count.count == 0) {
    result = wrapInModule(moduleLoc, (MlirOperation){NULL});
  } else if (count.swallowed && haveWrapped) {
    /* 3. Several operations: the wrapped text, reporting as usual. */
    op = parse(context, &wrapped, bufferName, NULL);
    if (!mlirOperationIsNull(op))
      result = finishWrapped(context, bufferName, op, moduleLoc, shift, false);
  } else if (count.swallowed) {
    /* Bytecode holds one operation, or there was no memory to wrap. */
    CimStrBuf msg = {0};
    cimStrBufPrintf(&msg, "%s%ld", kCountError, count.count);
    mlirEmitError(moduleLoc, cimStrBufGet(&msg));
    cimStrBufFree(&msg);
  }

done:
  cimStrBufFree(&wrapped);
  cimStrBufFree(&source);
  return result;
}

MlirOperation cimParseSourceChunk(MlirContext context, MlirStringRef bufferName,
                                  CimSourceChunk chunk) {
  MlirStringRef text = chunk.text;
  if (!text.data)
    text = mlirStringRefCreate("", 0);
  unsigned padLines = (chunk.firstLine > 1 && !isBytecode(text))
                          ? chunk.firstLine - 1
                          : 0;
  /* Where mlir-opt puts an implicit module: 0:0, or for a later chunk of
     --split-input-file where the chunk starts, just after "// -----". */
  MlirLocation moduleLoc =
      padLines ? mlirLocationFileLineColGet(context, bufferName, padLines, 9)
               : mlirLocationFileLineColGet(context, bufferName, 0, 0);
  return parsePadded(context, bufferName, text, padLines, 0, moduleLoc);
}

MlirOperation cimParseSourceChunkInBuffer(MlirContext context,
                                          CimSourceBuffer source,
                                          CimSourceChunk chunk) {
  MlirStringRef text = chunk.text;
  if (!text.data)
    text = mlirStringRefCreate("", 0);
  size_t offset = 0;
  if (source.text.data && text.data >= source.text.data &&
      text.data <= source.text.data + source.text.length)
    offset = (size_t)(text.data - source.text.data);
  unsigned line = 1, column = 1;
  for (size_t i = 0; i < offset; ++i) {
    if (source.text.data[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  MlirLocation moduleLoc =
      offset ? mlirLocationFileLineColGet(context, source.name, line, column)
             : mlirLocationFileLineColGet(context, source.name, 0, 0);
  return parsePadded(context, source.name, text, line - 1, column - 1,
                     moduleLoc);
}
