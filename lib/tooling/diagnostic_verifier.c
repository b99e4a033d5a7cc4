/*===-- diagnostic_verifier.c - mlir-opt's --verify-diagnostics in C ------===*
 *
 * A reimplementation of SourceMgrDiagnosticVerifierHandler
 * (mlir/lib/IR/Diagnostics.cpp, LLVM 22) on the C API, so that cim-opt's
 * --verify-diagnostics accepts the same test files as mlir-opt and fails with
 * the same messages:
 *
 *  - A line that matches (after trailing whitespace is cut)
 *      expected-(error|note|remark|warning)(-re)?
 *        *(@([+-][0-9]+|above|below|unknown))? *{{(.*)}}$
 *    (one regular expression, split here) expects a diagnostic on its own line,
 *    N lines below or above it (`@+N`, `@-N`; as in LLVM the number is read
 *    with radix auto-detection, so a leading 0 means octal), on the closest
 *    line above/below that is not itself an expectation (`@above`,
 *    `@below`), or at an unknown location (`@unknown`). Lines that look like
 *    an expectation but do not match (`expected-error @+x {{...}}`) are
 *    ignored, as mlir-opt ignores them.
 *  - The payload is a substring of the message; with `-re`, `{{...}}` parts
 *    of it are POSIX extended regular expressions and the rest is literal.
 *    Regular expressions are checked against the grammar of LLVM's regex
 *    engine (a Henry Spencer derivative) and reported with its messages
 *    ("invalid regex: parentheses not balanced"; groups nested deeper than
 *    256 are refused as an "invalid regular expression" rather than risk
 *    the stack); matching uses the C library's regexec after escapes are
 *    translated to LLVM's meaning.
 *  - Every diagnostic and every note attached to it is checked on its own,
 *    by file line and message. A diagnostic that matches an expectation in
 *    all but severity is reported as "'error' diagnostic emitted when
 *    expecting a 'warning'" at the expectation, any other as "unexpected
 *    error: MESSAGE" at its own location; unmet expectations as "expected
 *    error \"PAYLOAD\" was not produced" under the comment, with `~` under
 *    the payload length, exactly as llvm::SourceMgr prints them.
 *
 * Two differences are forced by the C API. mlir-opt turns off
 * MLIRContext::printOpOnDiagnostic in this mode; the C API cannot, so the
 * "see current operation: ..." note that Operation::emitError attaches at
 * the operation's own location is skipped here. And mlir-opt prints
 * unexpected diagnostics as they arrive and runs the final check once per
 * file; here everything is reported by cimDiagnosticVerifierFinish, which
 * can be restricted to the expectations written on a range of lines so that
 * a --split-input-file driver verifies chunk by chunk.
 *
 * Everything reported here is printed as an error through the SourceMgr
 * layout shared with diagnostic_printer.c (diagnostic_format.c, with the `~`
 * ranges under unmet payloads); the check and translation of LLVM's regular
 * expressions are in llvm_regex.c.
 *===----------------------------------------------------------------------===*/

#define _POSIX_C_SOURCE 200809L

#include "cim-c/Tooling.h"

#include <ctype.h>
#include <limits.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "DiagnosticFormat.h"
#include "LlvmRegex.h"
#include "StrBuf.h"

static MlirStringRef bufRef(const CimStrBuf *b) {
  return mlirStringRefCreate(cimStrBufGet(b), b->length);
}

/*===----------------------------------------------------------------------===*
 * Expectations
 *===----------------------------------------------------------------------===*/

typedef struct Expectation {
  MlirDiagnosticSeverity kind;
  unsigned line;        /* the line the diagnostic is expected on */
  unsigned commentLine; /* the line the expected-* text is on */
  size_t offset;        /* of "expected-" */
  size_t payload, payloadLength;
  bool unknownLoc, isRegex, matched;
  regex_t regex;
} Expectation;

/// An expected-*-re line whose regular expression is broken.
typedef struct BadRegex {
  unsigned commentLine;
  size_t offset, payloadLength;
  char *message;
} BadRegex;

/// A diagnostic (or note) seen since the last finish.
typedef struct Seen {
  MlirLocation loc;
  MlirDiagnosticSeverity kind;
  char *message;
  size_t length;
} Seen;

typedef struct Verifier {
  MlirContext context;
  MlirDiagnosticHandlerID handler;
  CimSourceBuffer source;
  FILE *stream;
  Expectation *expected;
  size_t numExpected, capExpected;
  BadRegex *bad;
  size_t numBad, capBad;
  Seen *seen;
  size_t numSeen, capSeen;
  bool oom;
  bool onlyExpected; /* --verify-diagnostics=only-expected */
} Verifier;

static bool grow(void **items, size_t *capacity, size_t size, size_t elem,
                 bool *oom) {
  if (size < *capacity)
    return true;
  size_t cap = *capacity ? 2 * *capacity : 16;
  void *grown = realloc(*items, cap * elem);
  if (!grown) {
    *oom = true;
    return false;
  }
  *items = grown;
  *capacity = cap;
  return true;
}

/// StringRef::getAsInteger(0, int&): radix from the prefix ("0" = octal).
/// Returns 0 where LLVM leaves the value unset (bad digit, overflow).
static int parseLineOffset(const char *digits, size_t length) {
  unsigned radix = 10;
  if (length > 1 && digits[0] == '0') {
    radix = 8;
    ++digits;
    --length;
  }
  long long value = 0;
  for (size_t i = 0; i < length; ++i) {
    unsigned d = (unsigned)(digits[i] - '0');
    if (d >= radix)
      return 0;
    value = value * radix + d;
    if (value > INT_MAX)
      return 0;
  }
  return (int)value;
}

/// The first place in [p, end) where `c` stands twice in a row, or NULL.
static const char *findPair(const char *p, const char *end, char c) {
  for (; p + 1 < end; ++p)
    if (p[0] == c && p[1] == c)
      return p;
  return NULL;
}

/// SourceMgrDiagnosticVerifierHandler's computeRegex; false with
/// `*error` set (malloc'ed) when the payload is not a valid -re pattern.
static bool compileExpectation(Expectation *e, const char *payload,
                               size_t length, char **error) {
  CimStrBuf pattern = {0};
  const char *p = payload, *end = payload + length;
  *error = NULL;
  while (p < end && !*error) {
    const char *open = findPair(p, end, '{');
    if (!open) {
      cimLlvmRegexEscape(&pattern, p, (size_t)(end - p));
      break;
    }
    cimLlvmRegexEscape(&pattern, p, (size_t)(open - p));
    p = open + 2;
    const char *close = findPair(p, end, '}');
    if (!close) {
      *error = strdup("found start of regex with no end '}}'");
      break;
    }
    const char *problem;
    if (!cimLlvmRegexCheck(p, (size_t)(close - p), &problem)) {
      CimStrBuf msg = {0};
      cimStrBufPrintf(&msg, "invalid regex: %s", problem);
      *error = strdup(cimStrBufGet(&msg));
      cimStrBufFree(&msg);
      break;
    }
    cimStrBufAppendCString(&pattern, "(");
    cimLlvmRegexToPosix(&pattern, p, (size_t)(close - p));
    cimStrBufAppendCString(&pattern, ")");
    p = close + 2;
  }
  if (!*error && (pattern.oom || regcomp(&e->regex, cimStrBufGet(&pattern),
                                         REG_EXTENDED | REG_NOSUB) != 0))
    *error = strdup("invalid regex: invalid regular expression");
  cimStrBufFree(&pattern);
  return *error == NULL;
}

static void addBadRegex(Verifier *v, unsigned line, size_t offset,
                        size_t payloadLength, char *message) {
  if (!message ||
      !grow((void **)&v->bad, &v->capBad, v->numBad, sizeof *v->bad, &v->oom)) {
    free(message);
    v->oom = true;
    return;
  }
  v->bad[v->numBad++] = (BadRegex){line, offset, payloadLength, message};
}

static const char kExpectedPattern[] =
    "expected-(error|note|remark|warning)(-re)? "
    "*(@([+-][0-9]+|above|below|unknown))? *\\{\\{(.*)\\}\\}$";

static bool containsExpected(const char *line, size_t length) {
  static const char needle[] = "expected-";
  size_t n = sizeof needle - 1;
  for (const char *p = line; (size_t)(line + length - p) >= n; ++p) {
    p = memchr(p, 'e', (size_t)(line + length - p) - n + 1);
    if (!p)
      return false;
    if (!memcmp(p, needle, n))
      return true;
  }
  return false;
}

/// computeExpectedDiags: scans the buffer for expected-* lines.
static void scanExpectations(Verifier *v) {
  regex_t re;
  if (regcomp(&re, kExpectedPattern, REG_EXTENDED) != 0) {
    v->oom = true;
    return;
  }
  const char *text = v->source.text.data;
  size_t length = v->source.text.length;
  unsigned numLines = 1;
  for (size_t i = 0; i < length; ++i)
    numLines += text[i] == '\n';

  unsigned lastNonDesignatorLine = 0; /* 0-based, as in LLVM */
  size_t *below = NULL, numBelow = 0, capBelow = 0;
  CimStrBuf copy = {0};
  size_t pos = 0;
  for (unsigned lineNo = 0; lineNo < numLines; ++lineNo) {
    const char *nl = memchr(text + pos, '\n', length - pos);
    size_t lineEnd = nl ? (size_t)(nl - text) : length;
    size_t lineLength = lineEnd - pos;
    while (lineLength > 0 && isspace((unsigned char)text[pos + lineLength - 1]))
      --lineLength;

    regmatch_t m[6];
    bool isDesignator = false;
    if (containsExpected(text + pos, lineLength)) {
      cimStrBufClear(&copy);
      cimStrBufAppend(&copy, text + pos, lineLength);
      isDesignator = !copy.oom &&
                     memchr(cimStrBufGet(&copy), '\0', lineLength) == NULL &&
                     regexec(&re, cimStrBufGet(&copy), 6, m, 0) == 0;
    }
    if (!isDesignator) {
      for (size_t i = 0; i < numBelow; ++i)
        v->expected[below[i]].line = lineNo + 1;
      numBelow = 0;
      lastNonDesignatorLine = lineNo;
      pos = lineEnd + 1;
      continue;
    }

    const char *line = text + pos;
    const char *kindText = line + m[1].rm_so;
    Expectation e = {
        .kind = kindText[0] == 'e'   ? MlirDiagnosticError
                : kindText[0] == 'w' ? MlirDiagnosticWarning
                : kindText[0] == 'r' ? MlirDiagnosticRemark
                                     : MlirDiagnosticNote,
        .line = lineNo + 1,
        .commentLine = lineNo + 1,
        .offset = pos + (size_t)m[0].rm_so,
        .payload = pos + (size_t)m[5].rm_so,
        .payloadLength = (size_t)(m[5].rm_eo - m[5].rm_so),
    };
    if (m[2].rm_so != -1) {
      char *error = NULL;
      if (!compileExpectation(&e, text + e.payload, e.payloadLength, &error)) {
        addBadRegex(v, e.commentLine, e.offset, e.payloadLength, error);
        pos = lineEnd + 1;
        continue;
      }
      e.isRegex = true;
    }
    if (m[3].rm_so != -1) {
      const char *designator = line + m[3].rm_so + 1;
      size_t designatorLength = (size_t)(m[3].rm_eo - m[3].rm_so) - 1;
      if (designator[0] == '+' || designator[0] == '-') {
        int delta = parseLineOffset(designator + 1, designatorLength - 1);
        if (designator[0] == '+')
          e.line += (unsigned)delta;
        else
          e.line -= (unsigned)delta;
      } else if (designator[0] == 'u') {
        e.unknownLoc = true;
      } else if (designator[0] == 'a') {
        e.line = lastNonDesignatorLine + 1;
      } else {
        if (grow((void **)&below, &capBelow, numBelow, sizeof *below, &v->oom))
          below[numBelow++] = v->numExpected;
        e.line = numLines;
      }
    }
    if (!grow((void **)&v->expected, &v->capExpected, v->numExpected,
              sizeof *v->expected, &v->oom)) {
      if (e.isRegex)
        regfree(&e.regex);
      break;
    }
    v->expected[v->numExpected++] = e;
    pos = lineEnd + 1;
  }
  free(below);
  cimStrBufFree(&copy);
  regfree(&re);
}

/*===----------------------------------------------------------------------===*
 * Checking
 *===----------------------------------------------------------------------===*/

static bool matches(const Verifier *v, const Expectation *e, const Seen *s) {
  if (e->isRegex)
    return regexec(&e->regex, s->message, 0, NULL, 0) == 0;
  if (e->payloadLength == 0)
    return true;
  const char *needle = v->source.text.data + e->payload;
  for (size_t i = 0; i + e->payloadLength <= s->length; ++i)
    if (s->message[i] == needle[0] &&
        !memcmp(s->message + i, needle, e->payloadLength))
      return true;
  return false;
}

typedef struct Range {
  unsigned first, last;
} Range;

static bool inRange(Range r, unsigned line) {
  return (r.first == 0 || line >= r.first) && (r.last == 0 || line <= r.last);
}

/// The first expectation whose comment line is at or after `line`
/// (expectations are scanned in line order).
static size_t firstExpectationAt(const Verifier *v, unsigned line) {
  size_t lo = 0, hi = v->numExpected;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (v->expected[mid].commentLine < line)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/// The expectations written on the lines of `r`: [*begin, *end).
static void expectationsIn(const Verifier *v, Range r, size_t *begin,
                           size_t *end) {
  *begin = r.first == 0 ? 0 : firstExpectationAt(v, r.first);
  *end = r.last == 0 || r.last == UINT_MAX ? v->numExpected
                                           : firstExpectationAt(v, r.last + 1);
}

/// SourceMgrDiagnosticVerifierHandler::process. Returns false when `s`
/// was reported.
static bool process(Verifier *v, Range range, const Seen *s) {
  MlirLocation fileLoc = cimDiagFindFileLoc(s->loc);
  bool inSource = false;
  unsigned line = 0;
  if (!mlirLocationIsNull(fileLoc)) {
    MlirStringRef file =
        mlirIdentifierStr(mlirLocationFileLineColRangeGetFilename(fileLoc));
    inSource = v->source.name.data && mlirStringRefEqual(file, v->source.name);
    line = (unsigned)mlirLocationFileLineColRangeGetStartLine(fileLoc);
  }
  Expectation *nearMiss = NULL;
  size_t begin, end;
  expectationsIn(v, range, &begin, &end);
  for (size_t i = begin; i < end; ++i) {
    Expectation *e = &v->expected[i];
    if (mlirLocationIsNull(fileLoc)
            ? !e->unknownLoc
            : (!inSource || e->unknownLoc || e->line != line))
      continue;
    if (!matches(v, e, s))
      continue;
    if (e->kind == s->kind) {
      e->matched = true;
      return true;
    }
    nearMiss = e;
  }

  if (!nearMiss && v->onlyExpected)
    return true; /* unexpected diagnostics do not count in this mode */
  CimStrBuf msg = {0};
  if (nearMiss) {
    cimStrBufPrintf(&msg, "'%s' diagnostic emitted when expecting a '%s'",
                    cimDiagSeverityWord(s->kind),
                    cimDiagSeverityWord(nearMiss->kind));
    if (nearMiss->unknownLoc)
      cimDiagPrintUnknown(v->stream, MlirDiagnosticError, bufRef(&msg));
    else
      cimDiagPrintAtOffset(v->stream, v->source, nearMiss->offset, 0,
                           MlirDiagnosticError, bufRef(&msg));
  } else {
    cimStrBufPrintf(&msg, "unexpected %s: ", cimDiagSeverityWord(s->kind));
    cimStrBufAppend(&msg, s->message, s->length);
    cimDiagPrintAtLocation(v->stream, v->source, s->loc, MlirDiagnosticError,
                           bufRef(&msg), true);
  }
  cimStrBufFree(&msg);
  return false;
}

static void reportUnmet(Verifier *v, const Expectation *e) {
  CimStrBuf msg = {0};
  cimStrBufPrintf(&msg, "expected %s \"", cimDiagSeverityWord(e->kind));
  cimStrBufAppend(&msg, v->source.text.data + e->payload, e->payloadLength);
  cimStrBufAppendCString(&msg, "\" was not produced");
  if (e->unknownLoc)
    cimDiagPrintUnknown(v->stream, MlirDiagnosticError, bufRef(&msg));
  else
    cimDiagPrintAtOffset(v->stream, v->source, e->offset, e->payloadLength,
                         MlirDiagnosticError, bufRef(&msg));
  cimStrBufFree(&msg);
}

static bool isOpPrintNote(MlirDiagnostic note, MlirLocation parentLoc,
                          const CimStrBuf *message) {
  static const char prefix[] = "see current operation: ";
  return message->length >= sizeof prefix - 1 &&
         !memcmp(cimStrBufGet(message), prefix, sizeof prefix - 1) &&
         mlirLocationEqual(mlirDiagnosticGetLocation(note), parentLoc);
}

static void record(Verifier *v, MlirDiagnostic diag, MlirLocation parentLoc,
                   bool isNote) {
  CimStrBuf message = {0};
  mlirDiagnosticPrint(diag, cimStrBufCallback, &message);
  if ((isNote && isOpPrintNote(diag, parentLoc, &message)) || message.oom ||
      !grow((void **)&v->seen, &v->capSeen, v->numSeen, sizeof *v->seen,
            &v->oom)) {
    v->oom |= message.oom;
    cimStrBufFree(&message);
    return;
  }
  /* Keep the NUL-terminated buffer; regexec reads it as a C string. */
  if (!message.data) {
    message.data = calloc(1, 1);
    if (!message.data) {
      v->oom = true;
      return;
    }
  }
  v->seen[v->numSeen++] =
      (Seen){mlirDiagnosticGetLocation(diag), mlirDiagnosticGetSeverity(diag),
             message.data, message.length};
}

static MlirLogicalResult verifierHandler(MlirDiagnostic diag, void *userData) {
  Verifier *v = userData;
  MlirLocation loc = mlirDiagnosticGetLocation(diag);
  record(v, diag, loc, false);
  for (intptr_t i = 0, n = mlirDiagnosticGetNumNotes(diag); i < n; ++i)
    record(v, mlirDiagnosticGetNote(diag, i), loc, true);
  return mlirLogicalResultSuccess();
}

/*===----------------------------------------------------------------------===*
 * Public API
 *===----------------------------------------------------------------------===*/

CimDiagnosticVerifier cimDiagnosticVerifierCreate(MlirContext context,
                                                  CimSourceBuffer source,
                                                  FILE *stream) {
  Verifier *v = calloc(1, sizeof *v);
  if (!v)
    return (CimDiagnosticVerifier){NULL};
  if (!source.text.data)
    source.text = mlirStringRefCreate("", 0);
  v->context = context;
  v->source = source;
  v->stream = stream;
  scanExpectations(v);
  v->handler =
      mlirContextAttachDiagnosticHandler(context, verifierHandler, v, NULL);
  return (CimDiagnosticVerifier){v};
}

/// Checks the diagnostics seen so far against the expectations in `range`,
/// reports the unexpected ones and forgets them.
static bool processSeen(Verifier *v, Range range) {
  bool ok = true;
  for (size_t i = 0; i < v->numSeen; ++i)
    ok &= process(v, range, &v->seen[i]);
  for (size_t i = 0; i < v->numSeen; ++i)
    free(v->seen[i].message);
  v->numSeen = 0;
  return ok;
}

MlirLogicalResult cimDiagnosticVerifierCheckSeen(CimDiagnosticVerifier verifier,
                                                 unsigned firstLine,
                                                 unsigned lastLine) {
  Verifier *v = verifier.ptr;
  if (!v)
    return mlirLogicalResultFailure();
  Range range = {firstLine, lastLine};
  return processSeen(v, range) ? mlirLogicalResultSuccess()
                               : mlirLogicalResultFailure();
}

void cimDiagnosticVerifierDetach(CimDiagnosticVerifier verifier) {
  Verifier *v = verifier.ptr;
  if (!v || mlirContextIsNull(v->context))
    return;
  mlirContextDetachDiagnosticHandler(v->context, v->handler);
  v->context = (MlirContext){NULL};
}

void cimDiagnosticVerifierAttach(CimDiagnosticVerifier verifier,
                                 MlirContext context) {
  Verifier *v = verifier.ptr;
  if (!v)
    return;
  cimDiagnosticVerifierDetach(verifier);
  v->context = context;
  v->handler =
      mlirContextAttachDiagnosticHandler(context, verifierHandler, v, NULL);
}

MlirLogicalResult cimDiagnosticVerifierFinish(CimDiagnosticVerifier verifier,
                                              unsigned firstLine,
                                              unsigned lastLine) {
  Verifier *v = verifier.ptr;
  if (!v)
    return mlirLogicalResultFailure();
  Range range = {firstLine, lastLine};
  bool ok = true;
  for (size_t i = 0; i < v->numBad; ++i) {
    BadRegex *b = &v->bad[i];
    if (!inRange(range, b->commentLine))
      continue;
    cimDiagPrintAtOffset(v->stream, v->source, b->offset, b->payloadLength,
                         MlirDiagnosticError,
                         mlirStringRefCreateFromCString(b->message));
    ok = false;
  }
  ok &= processSeen(v, range);
  size_t begin, end;
  expectationsIn(v, range, &begin, &end);
  for (int pass = 0; pass < 2; ++pass) {
    for (size_t i = begin; i < end; ++i) {
      Expectation *e = &v->expected[i];
      if (e->unknownLoc != (pass == 1) || e->matched)
        continue;
      reportUnmet(v, e);
      ok = false;
    }
  }
  if (v->oom) {
    if (v->stream)
      fputs("error: out of memory while verifying diagnostics\n", v->stream);
    ok = false;
  }

  /* Start the next round clean. */
  for (size_t i = begin; i < end; ++i)
    v->expected[i].matched = false;
  v->oom = false;
  return ok ? mlirLogicalResultSuccess() : mlirLogicalResultFailure();
}

void cimDiagnosticVerifierSetOnlyExpected(CimDiagnosticVerifier verifier,
                                          bool onlyExpected) {
  Verifier *v = verifier.ptr;
  if (v)
    v->onlyExpected = onlyExpected;
}

void cimDiagnosticVerifierDestroy(CimDiagnosticVerifier verifier) {
  Verifier *v = verifier.ptr;
  if (!v)
    return;
  cimDiagnosticVerifierDetach(verifier);
  for (size_t i = 0; i < v->numExpected; ++i)
    if (v->expected[i].isRegex)
      regfree(&v->expected[i].regex);
  for (size_t i = 0; i < v->numBad; ++i)
    free(v->bad[i].message);
  for (size_t i = 0; i < v->numSeen; ++i)
    free(v->seen[i].message);
  free(v->expected);
  free(v->bad);
  free(v->seen);
  free(v);
}
