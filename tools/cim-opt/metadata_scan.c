/*===-- metadata_scan.c - Reading file metadata ({-# ... #-}) as text -----===*/

#include "metadata_scan.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>


/// Skips blanks and `//` comments.
void cimOptScanSkipBlanks(Scanner *s) {
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

bool cimOptScanAccept(Scanner *s, char c) {
  cimOptScanSkipBlanks(s);
  if (s->p < s->end && *s->p == c) {
    ++s->p;
    return true;
  }
  return false;
}

/// A key: an identifier or a quoted string (returned without its quotes,
/// escapes left as written).
bool cimOptScanParseKey(Scanner *s, const char **key, size_t *length) {
  cimOptScanSkipBlanks(s);
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
char *cimOptScanParseString(Scanner *s, size_t *length) {
  cimOptScanSkipBlanks(s);
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
  if (length)
    *length = (size_t)(o - out);
  return out;
}

bool cimOptScanParseBoolValue(Scanner *s, bool *out) {
  cimOptScanSkipBlanks(s);
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
/// Steps over a `//` comment or a string literal at p; p + 1 otherwise.
static char *step(char *p, char *end) {
  if (p + 1 < end && p[0] == '/' && p[1] == '/') {
    while (p < end && *p != '\n')
      ++p;
    return p;
  }
  if (*p == '"') {
    for (++p; p < end && *p != '"' && *p != '\n'; ++p)
      if (*p == '\\')
        ++p;
    return p < end ? p + 1 : end;
  }
  return p + 1;
}

char *cimOptScanFindMetadata(char *start, char *end) {
  for (char *p = start; p + 3 <= end; p = step(p, end))
    if (!memcmp(p, "{-#", 3))
      return p;
  return NULL;
}

char *cimOptScanFindEntry(char *start, char *end, const char *key) {
  size_t n = strlen(key);
  for (char *p = start; p + n < end; p = step(p, end)) {
    if (p + 3 <= end && !memcmp(p, "#-}", 3))
      return NULL;
    if (memcmp(p, key, n) != 0 ||
        (p > start && (isalnum((unsigned char)p[-1]) || p[-1] == '_')))
      continue;
    Scanner s = {p + n, end};
    if (cimOptScanAccept(&s, ':') && cimOptScanAccept(&s, '{'))
      return p;
  }
  return NULL;
}

/// Blanks [from, to) except newlines.
void cimOptScanBlank(char *from, char *to) {
  for (; from < to; ++from)
    if (*from != '\n')
      *from = ' ';
}

void cimOptScanBlankEntry(char *floor, char *from, char *to, char *end) {
  Scanner after = {to, end};
  if (cimOptScanAccept(&after, ','))
    to = after.p;
  else
    for (char *q = from - 1; q > floor; --q)
      if (*q == ',') {
        from = q;
        break;
      } else if (!isspace((unsigned char)*q)) {
        break;
      }
  cimOptScanBlank(from, to);
}

