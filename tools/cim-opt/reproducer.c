/*===-- reproducer.c - --run-reproducer ------------------------------------===*
 *
 * A reproducer is an input whose file metadata carries the run's
 * configuration as the external resource `mlir_reproducer`:
 *
 *   {-#
 *     external_resources: {
 *       mlir_reproducer: {
 *         pipeline: "builtin.module(func.func(cse))",
 *         disable_threading: true,
 *         verify_each: true
 *       }
 *     }
 *   #-}
 *
 * mlir-opt hands that resource to a parser of its own while parsing; the C
 * API's parser takes no resource parsers, so cim-opt reads the entry from
 * the text first and blanks it (newlines kept, so locations stay), as if
 * the parser had consumed it. As in mlir-opt, the pipeline found there runs
 * first, then the pass flags of the command line; a --pass-pipeline of the
 * command line replaces it; a bad entry is an error at its position, in
 * mlir-opt's words.
 *===----------------------------------------------------------------------===*/

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

typedef struct Scanner {
  char *p, *end;
} Scanner;

/// Skips blanks and `//` comments.
static void skipBlanks(Scanner *s) {
  while (s->p < s->end) {
    if (isspace((unsigned char)*s->p)) {
      ++s->p;
    } else if (s->p + 1 < s->end && s->p[0] == '/' && s->p[1] == '/') {
      while (s->p < s->end && *s->p != '\n')
        ++s->p;
    } else {
      break;
    }
  }
}

static bool accept(Scanner *s, char c) {
  skipBlanks(s);
  if (s->p < s->end && *s->p == c) {
    ++s->p;
    return true;
  }
  return false;
}

/// A key: an identifier or a quoted string (returned without its quotes,
/// escapes left as written).
static bool parseKey(Scanner *s, const char **key, size_t *length) {
  skipBlanks(s);
  char *start = s->p;
  if (s->p < s->end && *s->p == '"') {
    for (++s->p; s->p < s->end && *s->p != '"'; ++s->p)
      if (*s->p == '\\')
        ++s->p;
    if (s->p >= s->end)
      return false;
    *key = start + 1;
    *length = (size_t)(s->p++ - start - 1);
    return true;
  }
  while (s->p < s->end && (isalnum((unsigned char)*s->p) || *s->p == '_' ||
                           *s->p == '.' || *s->p == '-'))
    ++s->p;
  *key = start;
  *length = (size_t)(s->p - start);
  return *length > 0;
}

/// A string value, unescaped as MLIR's lexer does (\" \\ \n \t \XX) into a
/// new NUL-terminated string.
static char *parseString(Scanner *s) {
  skipBlanks(s);
  if (s->p >= s->end || *s->p != '"')
    return NULL;
  char *out = malloc((size_t)(s->end - s->p) + 1), *o = out;
  if (!out)
    return NULL;
  for (++s->p; s->p < s->end && *s->p != '"'; ++s->p) {
    if (*s->p != '\\') {
      *o++ = *s->p;
      continue;
    }
    if (++s->p >= s->end)
      break;
    char c = *s->p;
    if (c == 'n')
      *o++ = '\n';
    else if (c == 't')
      *o++ = '\t';
    else if (isxdigit((unsigned char)c) && s->p + 1 < s->end &&
             isxdigit((unsigned char)s->p[1])) {
      char hex[3] = {c, s->p[1], 0};
      *o++ = (char)strtol(hex, NULL, 16);
      ++s->p;
    } else
      *o++ = c;
  }
  if (s->p >= s->end) {
    free(out);
    return NULL;
  }
  ++s->p;
  *o = '\0';
  return out;
}

static bool parseBoolValue(Scanner *s, bool *out) {
  skipBlanks(s);
  size_t n = (size_t)(s->end - s->p);
  if (n >= 4 && !memcmp(s->p, "true", 4)) {
    s->p += 4;
    *out = true;
    return true;
  }
  if (n >= 5 && !memcmp(s->p, "false", 5)) {
    s->p += 5;
    *out = false;
    return true;
  }
  return false;
}

/// Finds `key:` followed by '{' in [p, end), outside strings.
static char *findEntry(char *start, char *end, const char *key) {
  size_t n = strlen(key);
  for (char *p = start; p + n < end; ++p) {
    if (memcmp(p, key, n) != 0 ||
        (p > start && (isalnum((unsigned char)p[-1]) || p[-1] == '_')))
      continue;
    Scanner s = {p + n, end};
    if (accept(&s, ':') && accept(&s, '{'))
      return p;
  }
  return NULL;
}

/// mlir-opt's diagnostic for a bad entry: position, message, source line
/// and caret.
static void reportAt(const char *name, const char *input, const char *at,
                     const char *message, const char *key, size_t keyLength) {
  unsigned line = 1;
  const char *lineStart = input;
  for (const char *q = input; q < at; ++q)
    if (*q == '\n') {
      ++line;
      lineStart = q + 1;
    }
  const char *lineEnd = strchr(at, '\n');
  int width = lineEnd ? (int)(lineEnd - lineStart) : (int)strlen(lineStart);
  fprintf(stderr, "%s:%u:%u: error: %s '%.*s'\n%.*s\n%*s^\n", name, line,
          (unsigned)(at - lineStart) + 1, message, (int)keyLength, key, width,
          lineStart, (int)(at - lineStart), "");
}

/// Blanks [from, to) except newlines.
static void blank(char *from, char *to) {
  for (; from < to; ++from)
    if (*from != '\n')
      *from = ' ';
}

int cimOptApplyReproducer(CimOptOptions *o, const char *name, char *input,
                          size_t length, char **pipeline) {
  *pipeline = NULL;
  char *end = input + length;
  char *meta = NULL;
  for (char *p = input; p + 3 <= end && !meta; ++p)
    if (!memcmp(p, "{-#", 3))
      meta = p;
  char *ext = meta ? findEntry(meta, end, "external_resources") : NULL;
  char *entry = ext ? findEntry(ext, end, "mlir_reproducer") : NULL;
  if (!entry)
    return 0; /* nothing to run, as in mlir-opt */
  Scanner s = {entry, end};
  const char *key;
  size_t n;
  parseKey(&s, &key, &n);
  accept(&s, ':');
  accept(&s, '{');
  while (!accept(&s, '}')) {
    skipBlanks(&s);
    const char *keyAt = s.p;
    if (!parseKey(&s, &key, &n) || !accept(&s, ':')) {
      reportAt(name, input, keyAt, "expected a key in", "mlir_reproducer", 15);
      return 1;
    }
    skipBlanks(&s);
    const char *valueAt = s.p;
    bool b = false, isPipeline = n == 8 && !memcmp(key, "pipeline", 8);
    bool isThreading = n == 17 && !memcmp(key, "disable_threading", 17);
    bool isVerify = n == 11 && !memcmp(key, "verify_each", 11);
    if (!isPipeline && !isThreading && !isVerify) {
      reportAt(name, input, keyAt, "unknown 'mlir_reproducer' resource key",
               key, n);
      return 1;
    }
    if (isPipeline) {
      free(*pipeline);
      if (!(*pipeline = parseString(&s))) {
        reportAt(name, input, valueAt, "expected string value for key", key,
                 n);
        return 1;
      }
    } else if (!parseBoolValue(&s, &b)) {
      reportAt(name, input, valueAt, "expected 'true' or 'false' value for key",
               key, n);
      return 1;
    } else if (isThreading) {
      o->disableThreading = b;
    } else {
      o->verifyEach = b;
    }
    if (!accept(&s, ',')) {
      skipBlanks(&s);
      if (!accept(&s, '}')) {
        reportAt(name, input, s.p, "expected ',' or '}' after the value of",
                 key, n);
        return 1;
      }
      break;
    }
  }
  /* Blank the entry and one comma next to it, as if the parser took it. */
  char *from = entry, *to = s.p;
  Scanner after = {to, end};
  if (accept(&after, ','))
    to = after.p;
  else
    for (char *q = from - 1; q > ext; --q)
      if (*q == ',') {
        from = q;
        break;
      } else if (!isspace((unsigned char)*q)) {
        break;
      }
  blank(from, to);
  /* As in mlir-opt: --pass-pipeline wins; pass flags run after. */
  if (!o->pipeline)
    o->pipeline = *pipeline;
  return 0;
}
