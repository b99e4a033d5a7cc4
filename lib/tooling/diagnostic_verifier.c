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
 * The printing functions at the top repeat those of diagnostic_printer.c,
 * plus the `~` ranges only this file needs.
 *===----------------------------------------------------------------------===*/

#define _POSIX_C_SOURCE 200809L

#include "cim-c/Tooling.h"

#include <ctype.h>
#include <limits.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "StrBuf.h"

enum { kTabStop = 8, kMaxReDepth = 256 };

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

static MlirStringRef bufRef(const CimStrBuf *b) {
  return mlirStringRefCreate(cimStrBufGet(b), b->length);
}

/*===----------------------------------------------------------------------===*
 * llvm::SourceMgr::PrintMessage and llvm::SMDiagnostic::print
 *===----------------------------------------------------------------------===*/

static void writeRef(FILE *os, MlirStringRef s) {
  if (s.length)
    fwrite(s.data, 1, s.length, os);
}

/// Writes `text` (at most `length` bytes) under the tab stops of `line`.
static void printUnderLine(FILE *os, const char *line, size_t lineLength,
                           const char *text, size_t length) {
  size_t outCol = 0;
  for (size_t i = 0; i < length; ++i) {
    if (i >= lineLength || line[i] != '\t') {
      fputc(text[i], os);
      ++outCol;
      continue;
    }
    do {
      fputc(text[i], os);
      ++outCol;
    } while (outCol % kTabStop != 0);
  }
  fputc('\n', os);
}

/// SMDiagnostic::print without colours; `column` is 0-based, -1 for none;
/// [rangeBegin, rangeEnd) are columns to underline with '~'.
static void printSMDiagnostic(FILE *os, MlirStringRef file, long line,
                              long column, MlirStringRef message,
                              const char *lineText, size_t lineLength,
                              size_t rangeBegin, size_t rangeEnd) {
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
  fputs("error: ", os);
  writeRef(os, message);
  fputc('\n', os);
  if (line == -1 || column == -1)
    return;

  bool ascii = true;
  for (size_t i = 0; i < lineLength && ascii; ++i)
    ascii = !((unsigned char)lineText[i] & 0x80);
  /* The source line, tabs expanded; a space never shows under a tab. */
  char *spaces = malloc(lineLength + 1);
  if (!spaces)
    return;
  memset(spaces, ' ', lineLength);
  for (size_t i = 0; i < lineLength; ++i)
    if (lineText[i] != '\t')
      spaces[i] = lineText[i];
  printUnderLine(os, lineText, lineLength, spaces, lineLength);
  free(spaces);
  if (!ascii)
    return;

  char *caret = malloc(lineLength + 1);
  if (!caret)
    return;
  memset(caret, ' ', lineLength + 1);
  if (rangeEnd > lineLength + 1)
    rangeEnd = lineLength + 1;
  for (size_t i = rangeBegin; i < rangeEnd; ++i)
    caret[i] = '~';
  caret[(size_t)column <= lineLength ? (size_t)column : lineLength] = '^';
  size_t used = lineLength + 1;
  while (used > 0 && caret[used - 1] == ' ')
    --used;
  printUnderLine(os, lineText, lineLength, caret, used);
  free(caret);
}

/// SourceMgr::PrintMessage at byte `offset` of the source, underlining
/// [offset, offset + rangeLength) where it lies on the same line.
static void printAtOffset(FILE *os, CimSourceBuffer source, size_t offset,
                          size_t rangeLength, MlirStringRef message) {
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
  size_t rangeEnd = offset + rangeLength > end ? end : offset + rangeLength;
  printSMDiagnostic(os, source.name, line, (long)(offset - begin), message,
                    text + begin, end - begin, rangeLength ? offset - begin : 0,
                    rangeLength ? rangeEnd - begin : 0);
}

/// SourceMgr::PrintMessage at an invalid location.
static void printUnknown(FILE *os, MlirStringRef message) {
  printSMDiagnostic(os, mlirStringRefCreateFromCString("<unknown>"), 0, -1,
                    message, NULL, 0, 0, 0);
}

/// SourceMgr::FindLocForLineAndColumn.
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

/// Location::findInstanceOf<FileLineColLoc>.
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

/// SourceMgrDiagnosticHandler::emitDiagnostic(loc, message, Error).
static void printErrorAt(FILE *os, CimSourceBuffer source, MlirLocation loc,
                         MlirStringRef message) {
  MlirLocation fileLoc = findFileLoc(loc);
  if (mlirLocationIsNull(fileLoc)) {
    CimStrBuf text = {0};
    MlirContext ctx = mlirLocationGetContext(loc);
    if (!mlirLocationEqual(loc, mlirLocationUnknownGet(ctx))) {
      mlirLocationPrint(loc, cimStrBufCallback, &text);
      cimStrBufAppendCString(&text, ": ");
    }
    cimStrBufAppendRef(&text, message);
    printUnknown(os, bufRef(&text));
    cimStrBufFree(&text);
    return;
  }
  MlirStringRef file =
      mlirIdentifierStr(mlirLocationFileLineColRangeGetFilename(fileLoc));
  unsigned line = (unsigned)mlirLocationFileLineColRangeGetStartLine(fileLoc);
  unsigned col = (unsigned)mlirLocationFileLineColRangeGetStartColumn(fileLoc);
  size_t offset;
  if (source.name.data && mlirStringRefEqual(file, source.name) &&
      findOffset(source, line, col, &offset)) {
    printAtOffset(os, source, offset, 0, message);
    return;
  }
  CimStrBuf where = {0};
  cimStrBufAppendRef(&where, file);
  cimStrBufPrintf(&where, ":%u:%u", line, col);
  printSMDiagnostic(os, bufRef(&where), -1, -1, message, NULL, 0, 0, 0);
  cimStrBufFree(&where);
}

/*===----------------------------------------------------------------------===*
 * LLVM's regular expressions
 *===----------------------------------------------------------------------===*/

/* The messages of llvm/lib/Support/regerror.c. */
enum {
  kReOk,
  kReCType,
  kReEEscape,
  kReESubReg,
  kReEBrack,
  kReEParen,
  kReEBrace,
  kReBadBr,
  kReERange,
  kReBadRpt,
  kReEmpty,
  kReBadPat,
};

static const char *const kReMessages[] = {
    [kReOk] = "",
    [kReCType] = "invalid character class",
    [kReEEscape] = "trailing backslash (\\)",
    [kReESubReg] = "invalid backreference number",
    [kReEBrack] = "brackets ([ ]) not balanced",
    [kReEParen] = "parentheses not balanced",
    [kReEBrace] = "braces not balanced",
    [kReBadBr] = "invalid repetition count(s)",
    [kReERange] = "invalid character range",
    [kReBadRpt] = "repetition-operator operand invalid",
    [kReEmpty] = "empty (sub)expression",
    [kReBadPat] = "invalid regular expression",
};

/// A recursive-descent check of an extended regular expression following
/// llvm/lib/Support/regcomp.c (p_ere, p_ere_exp, p_bracket, p_count).
typedef struct ReCheck {
  const char *p, *end;
  int error;
  unsigned groups;     /* '(' seen so far */
  unsigned depth;      /* of nested '(', bounded to keep the stack */
  unsigned closed[10]; /* groups 1..9 closed, for back-references */
} ReCheck;

static bool reMore(const ReCheck *c) { return c->p < c->end; }
static char rePeek(const ReCheck *c) { return reMore(c) ? *c->p : '\0'; }
static char rePeek2(const ReCheck *c) {
  return c->p + 1 < c->end ? c->p[1] : '\0';
}
static void reFail(ReCheck *c, int error) {
  if (!c->error)
    c->error = error;
  c->p = c->end; /* stop scanning, as regcomp.c does */
}
static bool isDigitChar(char ch) { return ch >= '0' && ch <= '9'; }

static bool isRepetition(const ReCheck *c) {
  char ch = rePeek(c);
  return ch == '*' || ch == '+' || ch == '?' ||
         (ch == '{' && c->p + 1 < c->end && isDigitChar(c->p[1]));
}

static unsigned reCount(ReCheck *c) {
  unsigned count = 0, digits = 0;
  while (reMore(c) && isDigitChar(rePeek(c)) && count <= 255) {
    count = count * 10 + (unsigned)(*c->p++ - '0');
    ++digits;
  }
  if (!(digits > 0 && count <= 255))
    reFail(c, kReBadBr);
  return count;
}

static void reBracketTerm(ReCheck *c) {
  static const char *const classes[] = {"alnum", "alpha", "blank", "cntrl",
                                        "digit", "graph", "lower", "print",
                                        "punct", "space", "upper", "xdigit"};
  char ch = rePeek(c);
  if (ch == '[' &&
      (rePeek2(c) == ':' || rePeek2(c) == '=' || rePeek2(c) == '.')) {
    char kind = rePeek2(c);
    c->p += 2;
    const char *name = c->p;
    if (kind == ':') {
      while (reMore(c) && isalpha((unsigned char)rePeek(c)))
        ++c->p;
      size_t len = (size_t)(c->p - name);
      bool known = false;
      for (size_t i = 0; i < sizeof classes / sizeof *classes; ++i)
        known |= strlen(classes[i]) == len && !memcmp(classes[i], name, len);
      if (!known) {
        reFail(c, kReCType);
        return;
      }
    } else {
      /* Equivalence class or collating element: up to "=]" / ".]". */
      while (reMore(c) && !(rePeek(c) == kind && rePeek2(c) == ']'))
        ++c->p;
    }
    if (!reMore(c)) {
      reFail(c, kReEBrack);
      return;
    }
    if (!(rePeek(c) == kind && rePeek2(c) == ']')) {
      reFail(c, kind == ':' ? kReCType : kReBadPat);
      return;
    }
    c->p += 2;
    return;
  }
  /* A single character or a range start-finish. */
  unsigned char start = (unsigned char)*c->p++;
  if (rePeek(c) == '-' && rePeek2(c) != ']' && c->p + 1 < c->end) {
    ++c->p;
    unsigned char finish = (unsigned char)*c->p++;
    if (start > finish)
      reFail(c, kReERange);
  }
}

static void reBracket(ReCheck *c) {
  /* "[[:<:]]" and "[[:>:]]" are word boundaries. */
  if (c->end - c->p >= 6 &&
      (!memcmp(c->p, "[:<:]]", 6) || !memcmp(c->p, "[:>:]]", 6))) {
    c->p += 6;
    return;
  }
  if (rePeek(c) == '^')
    ++c->p;
  if (rePeek(c) == ']' || rePeek(c) == '-')
    ++c->p;
  while (reMore(c) && rePeek(c) != ']' &&
         !(rePeek(c) == '-' && rePeek2(c) == ']'))
    reBracketTerm(c);
  if (rePeek(c) == '-')
    ++c->p;
  if (rePeek(c) != ']') {
    reFail(c, kReEBrack);
    return;
  }
  ++c->p;
}

static void reExpression(ReCheck *c, char stop);

static void reAtomAndRepetition(ReCheck *c) {
  char ch = *c->p++;
  switch (ch) {
  case '(': {
    if (!reMore(c)) {
      reFail(c, kReEParen);
      return;
    }
    unsigned group = ++c->groups;
    if (++c->depth > kMaxReDepth) {
      reFail(c, kReBadPat);
      return;
    }
    if (rePeek(c) != ')')
      reExpression(c, ')');
    --c->depth;
    if (rePeek(c) != ')') {
      reFail(c, kReEParen);
      return;
    }
    ++c->p;
    if (group < 10)
      c->closed[group] = 1;
    break;
  }
  case ')':
    reFail(c, kReEParen);
    return;
  case '*':
  case '+':
  case '?':
    reFail(c, kReBadRpt);
    return;
  case '{':
    if (reMore(c) && isDigitChar(rePeek(c))) {
      reFail(c, kReBadRpt);
      return;
    }
    break;
  case '[':
    reBracket(c);
    break;
  case '\\':
    if (!reMore(c)) {
      reFail(c, kReEEscape);
      return;
    }
    ch = *c->p++;
    if (ch >= '1' && ch <= '9' && !c->closed[ch - '0']) {
      reFail(c, kReESubReg);
      return;
    }
    break;
  default:
    break;
  }
  if (c->error || !isRepetition(c))
    return;
  ch = *c->p++;
  if (ch == '{') {
    unsigned low = reCount(c), high = low;
    if (rePeek(c) == ',') {
      ++c->p;
      if (isDigitChar(rePeek(c))) {
        high = reCount(c);
        if (low > high)
          reFail(c, kReBadBr);
      }
    }
    if (c->error)
      return;
    if (rePeek(c) != '}') {
      while (reMore(c) && rePeek(c) != '}')
        ++c->p;
      reFail(c, reMore(c) ? kReBadBr : kReEBrace);
      return;
    }
    ++c->p;
  }
  if (isRepetition(c))
    reFail(c, kReBadRpt);
}

/// p_ere: branches separated by '|', each non-empty.
static void reExpression(ReCheck *c, char stop) {
  for (;;) {
    const char *branch = c->p;
    while (reMore(c) && rePeek(c) != '|' && rePeek(c) != stop)
      reAtomAndRepetition(c);
    if (c->error)
      return;
    if (c->p == branch) {
      reFail(c, kReEmpty);
      return;
    }
    if (rePeek(c) != '|')
      return;
    ++c->p;
  }
}

static int checkLlvmRegex(const char *re, size_t length) {
  ReCheck c = {.p = re, .end = re + length};
  reExpression(&c, '\0');
  if (!c.error && reMore(&c)) /* only an unmatched ')' stops early */
    c.error = kReEParen;
  return c.error;
}

/// Appends `re` (valid for LLVM) so that the C library reads it the same
/// way: escapes of ordinary characters mean the character (glibc gives
/// `\w`, `\s`, `\b`... special meanings), '{' that starts no bound is
/// literal, and the `[[:<:]]`/`[[:>:]]` word boundaries become `\<`/`\>`.
static void appendForLibc(CimStrBuf *out, const char *re, size_t length) {
  static const char special[] = "^.[$()|*+?{\\";
  size_t i = 0;
  while (i < length) {
    char ch = re[i];
    if (ch == '[') {
      if (length - i >= 7 && !memcmp(re + i, "[[:<:]]", 7)) {
        cimStrBufAppendCString(out, "\\<");
        i += 7;
        continue;
      }
      if (length - i >= 7 && !memcmp(re + i, "[[:>:]]", 7)) {
        cimStrBufAppendCString(out, "\\>");
        i += 7;
        continue;
      }
      /* Copy the bracket expression verbatim. */
      size_t j = i + 1;
      if (j < length && re[j] == '^')
        ++j;
      if (j < length && re[j] == ']')
        ++j;
      while (j < length && re[j] != ']') {
        if (re[j] == '[' && j + 1 < length &&
            (re[j + 1] == ':' || re[j + 1] == '=' || re[j + 1] == '.')) {
          char kind = re[j + 1];
          j += 2;
          while (j + 1 < length && !(re[j] == kind && re[j + 1] == ']'))
            ++j;
          j += 2;
        } else {
          ++j;
        }
      }
      j = j < length ? j + 1 : length;
      cimStrBufAppend(out, re + i, j - i);
      i = j;
    } else if (ch == '\\' && i + 1 < length) {
      char next = re[i + 1];
      if (strchr(special, next) || (next >= '1' && next <= '9'))
        cimStrBufAppend(out, re + i, 2);
      else if (next == '}')
        cimStrBufAppendCString(out, "\\}");
      else
        cimStrBufAppend(out, &next, 1);
      i += 2;
    } else if (ch == '{' && !(i + 1 < length && isDigitChar(re[i + 1]))) {
      cimStrBufAppendCString(out, "\\{");
      ++i;
    } else {
      cimStrBufAppend(out, &ch, 1);
      ++i;
    }
  }
}

/// llvm::Regex::escape.
static void appendEscaped(CimStrBuf *out, const char *text, size_t length) {
  static const char meta[] = "()^$|*+?.[]\\{}";
  for (size_t i = 0; i < length; ++i) {
    if (text[i] && strchr(meta, text[i]))
      cimStrBufAppendCString(out, "\\");
    cimStrBufAppend(out, text + i, 1);
  }
}

static const char *findPair(const char *p, const char *end, char c) {
  for (; p + 1 < end; ++p)
    if (p[0] == c && p[1] == c)
      return p;
  return NULL;
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
      appendEscaped(&pattern, p, (size_t)(end - p));
      break;
    }
    appendEscaped(&pattern, p, (size_t)(open - p));
    p = open + 2;
    const char *close = findPair(p, end, '}');
    if (!close) {
      *error = strdup("found start of regex with no end '}}'");
      break;
    }
    int code = checkLlvmRegex(p, (size_t)(close - p));
    if (code) {
      CimStrBuf msg = {0};
      cimStrBufPrintf(&msg, "invalid regex: %s", kReMessages[code]);
      *error = strdup(cimStrBufGet(&msg));
      cimStrBufFree(&msg);
      break;
    }
    cimStrBufAppendCString(&pattern, "(");
    appendForLibc(&pattern, p, (size_t)(close - p));
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

/// SourceMgrDiagnosticVerifierHandler::process. Returns false when `s`
/// was reported.
static bool process(Verifier *v, Range range, const Seen *s) {
  MlirLocation fileLoc = findFileLoc(s->loc);
  bool inSource = false;
  unsigned line = 0;
  if (!mlirLocationIsNull(fileLoc)) {
    MlirStringRef file =
        mlirIdentifierStr(mlirLocationFileLineColRangeGetFilename(fileLoc));
    inSource = v->source.name.data && mlirStringRefEqual(file, v->source.name);
    line = (unsigned)mlirLocationFileLineColRangeGetStartLine(fileLoc);
  }
  Expectation *nearMiss = NULL;
  for (size_t i = 0; i < v->numExpected; ++i) {
    Expectation *e = &v->expected[i];
    if (!inRange(range, e->commentLine))
      continue;
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

  CimStrBuf msg = {0};
  if (nearMiss) {
    cimStrBufPrintf(&msg, "'%s' diagnostic emitted when expecting a '%s'",
                    severityWord(s->kind), severityWord(nearMiss->kind));
    if (nearMiss->unknownLoc)
      printUnknown(v->stream, bufRef(&msg));
    else
      printAtOffset(v->stream, v->source, nearMiss->offset, 0, bufRef(&msg));
  } else {
    cimStrBufPrintf(&msg, "unexpected %s: ", severityWord(s->kind));
    cimStrBufAppend(&msg, s->message, s->length);
    printErrorAt(v->stream, v->source, s->loc, bufRef(&msg));
  }
  cimStrBufFree(&msg);
  return false;
}

static void reportUnmet(Verifier *v, const Expectation *e) {
  CimStrBuf msg = {0};
  cimStrBufPrintf(&msg, "expected %s \"", severityWord(e->kind));
  cimStrBufAppend(&msg, v->source.text.data + e->payload, e->payloadLength);
  cimStrBufAppendCString(&msg, "\" was not produced");
  if (e->unknownLoc)
    printUnknown(v->stream, bufRef(&msg));
  else
    printAtOffset(v->stream, v->source, e->offset, e->payloadLength,
                  bufRef(&msg));
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
    printAtOffset(v->stream, v->source, b->offset, b->payloadLength,
                  mlirStringRefCreateFromCString(b->message));
    ok = false;
  }
  for (size_t i = 0; i < v->numSeen; ++i)
    ok &= process(v, range, &v->seen[i]);
  for (int pass = 0; pass < 2; ++pass) {
    for (size_t i = 0; i < v->numExpected; ++i) {
      Expectation *e = &v->expected[i];
      if (e->unknownLoc != (pass == 1) || e->matched ||
          !inRange(range, e->commentLine))
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
  for (size_t i = 0; i < v->numExpected; ++i)
    v->expected[i].matched = false;
  for (size_t i = 0; i < v->numSeen; ++i)
    free(v->seen[i].message);
  v->numSeen = 0;
  v->oom = false;
  return ok ? mlirLogicalResultSuccess() : mlirLogicalResultFailure();
}

void cimDiagnosticVerifierDestroy(CimDiagnosticVerifier verifier) {
  Verifier *v = verifier.ptr;
  if (!v)
    return;
  mlirContextDetachDiagnosticHandler(v->context, v->handler);
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
