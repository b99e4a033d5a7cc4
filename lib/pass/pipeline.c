/*===-- pipeline.c - Parsing textual pass pipelines with cim passes --------===*
 *
 * Grammar (mlir-opt's):
 *   pipeline ::= anchor '(' elements? ')'
 *   elements ::= element (',' element)*
 *   element  ::= anchor '(' elements? ')'      nested pass manager
 *              | name ('{' option-text '}')?   a pass
 * Names are [A-Za-z0-9_.-]+; whitespace may surround any token.
 * cim passes are instantiated from the pass table, cim pipelines expanded
 * from the pipeline table (cimOpPassManagerAddPassPipeline); any other pass
 * name goes to MLIR's own parser (mlirOpPassManagerAddPipeline), whose
 * complaint is re-reported at the element's position.
 *===----------------------------------------------------------------------===*/

#include "cim-c/Pipeline.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pass/PassInternal.h"
#include "support/StrBuf.h"

/* Nesting deeper than this is rejected rather than recursed into. */
#define CIM_MAX_PIPELINE_DEPTH 64

typedef struct Parser {
  const char *text;
  size_t length;
  size_t pos;
  int depth;
  /* Error reporting. */
  bool failed;
  size_t errorPos;
  CimStrBuf message;
} Parser;

static void fail(Parser *p, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(Parser *p, size_t at, const char *fmt, ...) {
  if (p->failed)
    return;
  p->failed = true;
  p->errorPos = at;
  va_list ap;
  va_start(ap, fmt);
  cimStrBufVPrintf(&p->message, fmt, ap);
  va_end(ap);
}

static void skipSpace(Parser *p) {
  while (p->pos < p->length &&
         (p->text[p->pos] == ' ' || p->text[p->pos] == '\t' ||
          p->text[p->pos] == '\n' || p->text[p->pos] == '\r'))
    ++p->pos;
}

static bool isNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

static const char *describeChar(const Parser *p, size_t at, char *buf,
                                size_t size) {
  if (at >= p->length)
    return "end of pipeline";
  snprintf(buf, size, "'%c'", p->text[at]);
  return buf;
}

/// Parses a name at the current position into [*begin, *end).
static bool parseName(Parser *p, size_t *begin, size_t *end) {
  skipSpace(p);
  *begin = p->pos;
  while (p->pos < p->length && isNameChar(p->text[p->pos]))
    ++p->pos;
  *end = p->pos;
  if (*end == *begin) {
    char buf[8];
    fail(p, p->pos, "expected a pass name or an op anchor, found %s",
         describeChar(p, p->pos, buf, sizeof buf));
    return false;
  }
  return true;
}

void cimOpPassManagerGetAnchor(MlirOpPassManager passManager, char *buffer,
                               size_t size) {
  /* The C API has no accessor for the anchor; the printed pipeline starts
   * with it: "builtin.module(...)" or "any(...)". */
  CimStrBuf printed = {0};
  mlirPrintPassPipeline(passManager, cimStrBufCallback, &printed);
  const char *s = cimStrBufGet(&printed);
  size_t n = strcspn(s, "(");
  if (size) {
    size_t k = n < size - 1 ? n : size - 1;
    memcpy(buffer, s, k);
    buffer[k] = '\0';
  }
  cimStrBufFree(&printed);
}

static void addCimPass(Parser *p, MlirOpPassManager pm, const char *anchor,
                       const CimPassDef *def, size_t nameBegin,
                       size_t optBegin, size_t optEnd) {
  if (def->anchor[0] != '\0' && strcmp(anchor, "any") != 0 &&
      strcmp(anchor, def->anchor) != 0) {
    fail(p, nameBegin,
         "pass '%s' runs on '%s' but is nested under '%s'; write "
         "'%s(%s)' there",
         def->argument, def->anchor, anchor, def->anchor, def->argument);
    return;
  }
  CimStrBuf err = {0};
  intptr_t errOffset = 0;
  MlirPass pass = cimPassCreate(
      def, mlirStringRefCreate(p->text + optBegin, optEnd - optBegin),
      cimStrBufCallback, &err, &errOffset);
  if (cimPassIsNull(pass)) {
    fail(p, optBegin + (size_t)errOffset, "%s", cimStrBufGet(&err));
  } else {
    mlirOpPassManagerAddOwnedPass(pm, pass);
  }
  cimStrBufFree(&err);
}

/// Keeps the first non-empty line of MLIR's parser complaint.
static void firstLine(const char *s, CimStrBuf *out) {
  while (*s == '\n' || *s == ' ')
    ++s;
  size_t n = strcspn(s, "\n");
  cimStrBufAppend(out, s, n);
}

static void addUpstreamPass(Parser *p, MlirOpPassManager pm, size_t nameBegin,
                            size_t nameEnd, size_t optBegin, size_t optEnd,
                            bool hasOptions) {
  CimStrBuf element = {0};
  cimStrBufAppend(&element, p->text + nameBegin, nameEnd - nameBegin);
  if (hasOptions) {
    cimStrBufAppendCString(&element, "{");
    cimStrBufAppend(&element, p->text + optBegin, optEnd - optBegin);
    cimStrBufAppendCString(&element, "}");
  }
  CimStrBuf err = {0};
  MlirLogicalResult r = mlirOpPassManagerAddPipeline(
      pm, mlirStringRefCreate(element.data, element.length), cimStrBufCallback,
      &err);
  if (mlirLogicalResultIsFailure(r)) {
    const char *e = cimStrBufGet(&err);
    int n = (int)(nameEnd - nameBegin);
    const char *suggestion = cimPassRegistrySuggest(
        mlirStringRefCreate(p->text + nameBegin, (size_t)n));
    if (strstr(e, "does not refer to a registered pass") && suggestion) {
      fail(p, nameBegin,
           "'%.*s' is neither a cim pass nor a registered MLIR pass; did you "
           "mean '%s'?",
           n, p->text + nameBegin, suggestion);
    } else if (strstr(e, "does not refer to a registered pass")) {
      fail(p, nameBegin,
           "'%.*s' is neither a cim pass nor a registered MLIR pass "
           "(cim-opt --list-passes lists the cim passes)",
           n, p->text + nameBegin);
    } else if (strstr(e, "did you intend to nest")) {
      fail(p, nameBegin,
           "MLIR pass '%.*s' cannot run on the ops of this pass manager; nest "
           "it under the op it runs on, e.g. 'func.func(%.*s)'",
           n, p->text + nameBegin, n, p->text + nameBegin);
    } else {
      CimStrBuf line = {0};
      firstLine(e, &line);
      /* MLIR reports bad options on a second line; keep both. */
      const char *second = strstr(e, "failed to add");
      if (second && line.length && !strstr(cimStrBufGet(&line), "failed to add")) {
        cimStrBufAppendCString(&line, " (");
        CimStrBuf tail = {0};
        firstLine(second, &tail);
        cimStrBufAppendCString(&line, cimStrBufGet(&tail));
        cimStrBufAppendCString(&line, ")");
        cimStrBufFree(&tail);
      }
      fail(p, hasOptions ? optBegin : nameBegin, "%s",
           line.length ? cimStrBufGet(&line) : "MLIR rejected this pass");
      cimStrBufFree(&line);
    }
  }
  cimStrBufFree(&err);
  cimStrBufFree(&element);
}

/// Expands pipeline row `def` into `pm` (cim-compile and friends).
static void addCimPipeline(Parser *p, MlirOpPassManager pm,
                           const CimPassPipelineDef *def, size_t nameBegin,
                           size_t optBegin, size_t optEnd, bool hasOptions) {
  CimStrBuf err = {0};
  intptr_t errOffset = 0;
  MlirLogicalResult r = cimOpPassManagerAddPassPipeline(
      pm, def, mlirStringRefCreate(p->text + optBegin, optEnd - optBegin),
      cimStrBufCallback, &err, &errOffset);
  if (mlirLogicalResultIsFailure(r))
    fail(p, hasOptions ? optBegin + (size_t)errOffset : nameBegin, "%s",
         cimStrBufGet(&err));
  cimStrBufFree(&err);
}

static void parseElements(Parser *p, MlirOpPassManager pm, const char *anchor,
                          char closer);

/// Parses one element at the current position into `pm`.
static void parseElement(Parser *p, MlirOpPassManager pm, const char *anchor) {
  size_t nameBegin, nameEnd;
  if (!parseName(p, &nameBegin, &nameEnd))
    return;
  skipSpace(p);
  if (p->pos < p->length && p->text[p->pos] == '(') {
    ++p->pos;
    char nested[256];
    size_t n = nameEnd - nameBegin;
    if (n >= sizeof nested) {
      fail(p, nameBegin, "op anchor name is too long");
      return;
    }
    memcpy(nested, p->text + nameBegin, n);
    nested[n] = '\0';
    if (p->depth >= CIM_MAX_PIPELINE_DEPTH) {
      fail(p, nameBegin, "pipeline nested deeper than %d anchors",
           CIM_MAX_PIPELINE_DEPTH);
      return;
    }
    MlirOpPassManager inner = mlirOpPassManagerGetNestedUnder(
        pm, mlirStringRefCreate(nested, n));
    ++p->depth;
    parseElements(p, inner, nested, ')');
    --p->depth;
    return;
  }
  bool hasOptions = false;
  size_t optBegin = p->pos, optEnd = p->pos;
  if (p->pos < p->length && p->text[p->pos] == '{') {
    size_t open = p->pos++;
    int depth = 1;
    optBegin = p->pos;
    char quote = 0;
    while (p->pos < p->length) {
      char c = p->text[p->pos];
      if (quote) {
        if (c == quote)
          quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '{') {
        ++depth;
      } else if (c == '}' && --depth == 0) {
        break;
      }
      ++p->pos;
    }
    if (depth != 0) {
      fail(p, open, "missing '}' to close the options of '%.*s'",
           (int)(nameEnd - nameBegin), p->text + nameBegin);
      return;
    }
    optEnd = p->pos++;
    hasOptions = true;
  }
  MlirStringRef name =
      mlirStringRefCreate(p->text + nameBegin, nameEnd - nameBegin);
  const CimPassDef *def = cimPassRegistryLookup(name);
  const CimPassPipelineDef *pipeline =
      def ? NULL : cimPassRegistryLookupPipeline(name);
  if (def)
    addCimPass(p, pm, anchor, def, nameBegin, optBegin, optEnd);
  else if (pipeline)
    addCimPipeline(p, pm, pipeline, nameBegin, optBegin, optEnd, hasOptions);
  else
    addUpstreamPass(p, pm, nameBegin, nameEnd, optBegin, optEnd, hasOptions);
}

/// Parses `element (',' element)*` up to `closer` (')' or '\0' for the end of
/// the text), consuming the closer.
static void parseElements(Parser *p, MlirOpPassManager pm, const char *anchor,
                          char closer) {
  skipSpace(p);
  /* An empty nested pipeline, `func.func()`, is allowed. */
  if (closer == ')' && p->pos < p->length && p->text[p->pos] == ')') {
    ++p->pos;
    return;
  }
  for (;;) {
    parseElement(p, pm, anchor);
    if (p->failed)
      return;
    skipSpace(p);
    if (p->pos < p->length && p->text[p->pos] == ',') {
      ++p->pos;
      continue;
    }
    if (closer == ')') {
      if (p->pos < p->length && p->text[p->pos] == ')') {
        ++p->pos;
        return;
      }
      char buf[8];
      fail(p, p->pos, "expected ',' or ')' in the pipeline, found %s",
           describeChar(p, p->pos, buf, sizeof buf));
      return;
    }
    if (p->pos < p->length) {
      char buf[8];
      fail(p, p->pos, "expected ',' or the end of the pipeline, found %s",
           describeChar(p, p->pos, buf, sizeof buf));
    }
    return;
  }
}

/// mlir-opt's first check: parentheses outside option braces and quotes
/// balance. An extra ')' is reported where it stands, a '(' never closed
/// just after it, in mlir-opt's words (an unclosed brace is left to the
/// parser, which names the pass).
static bool checkParentheses(Parser *p) {
  size_t open[64], depth = 0, braces = 0;
  char quote = 0;
  for (size_t i = 0; i < p->length; ++i) {
    char c = p->text[i];
    if (quote) {
      quote = c == quote ? 0 : quote;
    } else if (braces) {
      if (c == '"' || c == '\'')
        quote = c;
      else
        braces += c == '{' ? 1 : c == '}' ? (size_t)-1 : 0;
    } else if (c == '{') {
      braces = 1;
    } else if (c == '(') {
      if (depth < sizeof open / sizeof open[0])
        open[depth] = i;
      ++depth;
    } else if (c == ')') {
      if (depth == 0) {
        fail(p, i, "encountered extra closing ')' creating unbalanced "
                   "parentheses while parsing pipeline");
        return false;
      }
      --depth;
    }
  }
  /* An unclosed option brace or quote is the parser's error to report. */
  if (depth > 0 && !braces && !quote) {
    size_t at = depth <= sizeof open / sizeof open[0] ? open[depth - 1] : 0;
    fail(p, at + 1,
         "encountered unbalanced parentheses while parsing pipeline");
    return false;
  }
  return true;
}

static MlirLogicalResult report(Parser *p, MlirStringCallback callback,
                                void *userData) {
  if (!p->failed) {
    cimStrBufFree(&p->message);
    return mlirLogicalResultSuccess();
  }
  if (callback) {
    /* Column of the error on its line (pipelines are normally one line). */
    size_t lineStart = 0, line = 1;
    for (size_t i = 0; i < p->errorPos && i < p->length; ++i)
      if (p->text[i] == '\n') {
        ++line;
        lineStart = i + 1;
      }
    size_t lineEnd = lineStart;
    while (lineEnd < p->length && p->text[lineEnd] != '\n')
      ++lineEnd;
    CimStrBuf out = {0};
    cimStrBufPrintf(&out, "<pass pipeline>:%zu:%zu: error: %s\n", line,
                    p->errorPos - lineStart + 1, cimStrBufGet(&p->message));
    cimStrBufAppend(&out, p->text + lineStart, lineEnd - lineStart);
    cimStrBufAppendCString(&out, "\n");
    for (size_t i = lineStart; i < p->errorPos; ++i)
      cimStrBufAppendCString(&out, p->text[i] == '\t' ? "\t" : " ");
    cimStrBufAppendCString(&out, "^");
    callback(mlirStringRefCreate(out.data, out.length), userData);
    cimStrBufFree(&out);
  }
  cimStrBufFree(&p->message);
  return mlirLogicalResultFailure();
}

MlirLogicalResult cimParsePassPipeline(MlirOpPassManager passManager,
                                       MlirStringRef pipeline,
                                       MlirStringCallback errorCallback,
                                       void *userData) {
  Parser p = {.text = pipeline.data, .length = pipeline.length};
  char anchor[256];
  cimOpPassManagerGetAnchor(passManager, anchor, sizeof anchor);

  size_t nameBegin, nameEnd;
  skipSpace(&p);
  size_t start = p.pos;
  /* As mlir-opt 22: the text must end with the anchor's ')' before anything
   * else is looked at, then its parentheses must balance. */
  size_t last = p.length;
  while (last > start && isspace((unsigned char)p.text[last - 1]))
    --last;
  if (last == start || p.text[last - 1] != ')')
    fail(&p, start,
         "expected pass pipeline to be wrapped with the anchor operation "
         "type, e.g. 'builtin.module(...)'");
  else if (checkParentheses(&p) && parseName(&p, &nameBegin, &nameEnd)) {
    skipSpace(&p);
    if (p.pos >= p.length || p.text[p.pos] != '(') {
      fail(&p, start,
           "expected pass pipeline to be wrapped with the anchor operation "
           "type, e.g. 'builtin.module(...)'");
    } else {
      ++p.pos;
      size_t n = nameEnd - nameBegin;
      if (strcmp(anchor, "any") != 0 &&
          (strlen(anchor) != n || memcmp(anchor, p.text + nameBegin, n) != 0)) {
        fail(&p, nameBegin,
             "the pipeline is anchored on '%.*s' but runs on '%s' operations",
             (int)n, p.text + nameBegin, anchor);
      } else {
        char top[256];
        snprintf(top, sizeof top, "%.*s", (int)n, p.text + nameBegin);
        parseElements(&p, passManager, top, ')');
        skipSpace(&p);
        if (!p.failed && p.pos < p.length) {
          char buf[8];
          fail(&p, p.pos, "unexpected %s after the pipeline",
               describeChar(&p, p.pos, buf, sizeof buf));
        }
      }
    }
  }
  return report(&p, errorCallback, userData);
}

MlirLogicalResult cimOpPassManagerAddPipeline(MlirOpPassManager passManager,
                                              MlirStringRef elements,
                                              MlirStringCallback errorCallback,
                                              void *userData) {
  Parser p = {.text = elements.data, .length = elements.length};
  char anchor[256];
  cimOpPassManagerGetAnchor(passManager, anchor, sizeof anchor);
  skipSpace(&p);
  if (p.pos < p.length && checkParentheses(&p))
    parseElements(&p, passManager, anchor, '\0');
  return report(&p, errorCallback, userData);
}
