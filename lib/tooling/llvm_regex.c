/*===-- llvm_regex.c - LLVM's regular expressions on the C library ---------===*
 *
 * --verify-diagnostics (diagnostic_verifier.c) matches `expected-*-re`
 * payloads with the C library's POSIX regcomp/regexec, but mlir-opt uses
 * llvm::Regex, a Henry Spencer derivative (llvm/lib/Support/regcomp.c) that
 * accepts and rejects other patterns and reads some escapes differently.
 * This file bridges the two (see LlvmRegex.h):
 *
 *  - cimLlvmRegexCheck checks an extended regular expression against the
 *    grammar of LLVM's engine and names the first error with its message
 *    (llvm/lib/Support/regerror.c: "parentheses not balanced", ...); groups
 *    nested deeper than 256 are refused as an "invalid regular expression"
 *    rather than risk the stack.
 *  - cimLlvmRegexToPosix rewrites a valid pattern so that glibc's regcomp
 *    reads it as LLVM does.
 *  - cimLlvmRegexEscape is llvm::Regex::escape, for the literal parts of a
 *    payload.
 *===----------------------------------------------------------------------===*/

#include "LlvmRegex.h"

#include <ctype.h>
#include <string.h>

enum { kMaxReDepth = 256 };

/*===----------------------------------------------------------------------===*
 * Checking against LLVM's grammar
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

bool cimLlvmRegexCheck(const char *re, size_t length, const char **message) {
  ReCheck c = {.p = re, .end = re + length};
  reExpression(&c, '\0');
  if (!c.error && reMore(&c)) /* only an unmatched ')' stops early */
    c.error = kReEParen;
  if (c.error && message)
    *message = kReMessages[c.error];
  return !c.error;
}

/*===----------------------------------------------------------------------===*
 * Translation for the C library
 *===----------------------------------------------------------------------===*/

/* Escapes of ordinary characters mean the character in LLVM (glibc gives
 * `\w`, `\s`, `\b`... special meanings), '{' that starts no bound is
 * literal, and the `[[:<:]]`/`[[:>:]]` word boundaries become `\<`/`\>`. */
void cimLlvmRegexToPosix(CimStrBuf *out, const char *re, size_t length) {
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

void cimLlvmRegexEscape(CimStrBuf *out, const char *text, size_t length) {
  static const char meta[] = "()^$|*+?.[]\\{}";
  for (size_t i = 0; i < length; ++i) {
    if (text[i] && strchr(meta, text[i]))
      cimStrBufAppendCString(out, "\\");
    cimStrBufAppend(out, text + i, 1);
  }
}
