/*===-- external_resources.c - Unknown external resources, kept ------------===*
 *
 * File metadata may carry external resources of groups that no parser
 * claims:
 *
 *   {-#
 *     external_resources: {
 *       other_tool: { flag: true, name: "x", data: "0x08000000AB" }
 *     }
 *   #-}
 *
 * mlir-opt keeps them (a fallback resource map) and prints them back after
 * the IR; the C API's parser has no fallback map and drops them with a
 * warning. For text output cim-opt takes them out of the chunk before the
 * parse (blanked, newlines kept) and merges them into what MLIR prints, in
 * mlir-opt's layout: one entry per line, keys bare or quoted, strings
 * escaped (\22, \09), hex blobs in upper case, and
 * --mlir-elide-resource-strings-if-larger applied to each printed value.
 * Bytecode output leaves them to the parser (and its warning): the C API's
 * bytecode writer cannot take them.
 *===----------------------------------------------------------------------===*/

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cim-c/Tooling.h"
#include "metadata_scan.h"
#include "options.h"

typedef struct Text {
  char *data;
  size_t length;
  bool oom;
} Text;

static void append(Text *t, const char *s, size_t n) {
  if (t->oom)
    return;
  char *grown = realloc(t->data, t->length + n + 1);
  if (!grown) {
    t->oom = true;
    return;
  }
  memcpy(grown + t->length, s, n);
  t->length += n;
  grown[t->length] = '\0';
  t->data = grown;
}

static void appendC(Text *t, const char *s) { append(t, s, strlen(s)); }

static void appendStringCallback(MlirStringRef s, void *userData) {
  append(userData, s.data, s.length);
}

/// MLIR's printEscapedString, in quotes.
static void appendQuoted(Text *t, const char *s, size_t n) {
  static const char hex[] = "0123456789ABCDEF";
  appendC(t, "\"");
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = (unsigned char)s[i];
    if (c == '\\') {
      appendC(t, "\\\\");
    } else if (isprint(c) && c != '"') {
      append(t, (const char *)&c, 1);
    } else {
      char e[3] = {'\\', hex[c >> 4], hex[c & 15]};
      append(t, e, 3);
    }
  }
  appendC(t, "\"");
}

/// A key as MLIR prints it: bare if it is an identifier, else quoted.
static void appendKey(Text *t, const char *s, size_t n) {
  bool bare = n > 0 && (isalpha((unsigned char)s[0]) || s[0] == '_');
  for (size_t i = 0; bare && i < n; ++i)
    bare = isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '$' ||
           s[i] == '.';
  if (bare)
    append(t, s, n);
  else
    appendQuoted(t, s, n);
}

/// A key of the metadata, unescaped (quoted keys) into a new string.
static char *takeKey(Scanner *s, size_t *n) {
  cimOptScanSkipBlanks(s);
  if (s->p < s->end && *s->p == '"')
    return cimOptScanParseString(s, n);
  const char *key;
  if (!cimOptScanParseKey(s, &key, n))
    return NULL;
  char *copy = malloc(*n + 1);
  if (copy) {
    memcpy(copy, key, *n);
    copy[*n] = '\0';
  }
  return copy;
}

/// "0x" and an even number (at least 8: the alignment) of hex digits.
static bool isHexBlob(const char *s, size_t n) {
  if (n < 10 || s[0] != '0' || s[1] != 'x' || (n - 2) % 2)
    return false;
  for (size_t i = 2; i < n; ++i)
    if (!isxdigit((unsigned char)s[i]))
      return false;
  return true;
}

/// One entry's value, printed into `v`; false if it is not a value.
static bool printValue(Scanner *s, Text *v) {
  cimOptScanSkipBlanks(s);
  bool b;
  if (cimOptScanParseBoolValue(s, &b)) {
    appendC(v, b ? "true" : "false");
    return true;
  }
  size_t n = 0;
  char *str = cimOptScanParseString(s, &n);
  if (!str)
    return false;
  if (isHexBlob(str, n)) {
    appendC(v, "\"0x");
    for (size_t i = 2; i < n; ++i) {
      char c = (char)toupper((unsigned char)str[i]);
      append(v, &c, 1);
    }
    appendC(v, "\"");
  } else {
    appendQuoted(v, str, n);
  }
  free(str);
  return true;
}

/// The entries of one group, up to its '}': "      key: value" lines.
static bool printGroup(const CimOptOptions *o, Scanner *s, Text *entries) {
  size_t count = 0;
  while (!cimOptScanAccept(s, '}')) {
    size_t n = 0;
    char *key = takeKey(s, &n);
    Text v = {0};
    bool ok = key && cimOptScanAccept(s, ':') && printValue(s, &v) && !v.oom;
    bool elide = o->elideResources >= 0 && v.length > (size_t)o->elideResources;
    if (ok && !elide) {
      appendC(entries, count++ ? ",\n      " : "      ");
      appendKey(entries, key, n);
      appendC(entries, ": ");
      append(entries, v.data, v.length);
    }
    free(key);
    free(v.data);
    if (!ok)
      return false;
    cimOptScanAccept(s, ',');
  }
  return true;
}

bool cimOptTakeExternalResources(const CimOptOptions *o, char *text,
                                 size_t length, CimOptExternalResources *r) {
  *r = (CimOptExternalResources){NULL, false};
  char *end = text + length, *meta = NULL;
  meta = cimOptScanFindMetadata(text, end);
  char *ext = meta ? cimOptScanFindEntry(meta, end, "external_resources")
                   : NULL;
  if (!ext)
    return true;
  Scanner s = {ext, end};
  const char *key;
  size_t n;
  cimOptScanParseKey(&s, &key, &n);
  cimOptScanAccept(&s, ':');
  cimOptScanAccept(&s, '{');
  Text groups = {0};
  size_t numGroups = 0, seen = 0;
  while (!cimOptScanAccept(&s, '}')) {
    ++seen;
    char *group = takeKey(&s, &n);
    Text entries = {0};
    bool ok = group && cimOptScanAccept(&s, ':') && cimOptScanAccept(&s, '{') &&
              printGroup(o, &s, &entries);
    if (ok && entries.length) {
      appendC(&groups, numGroups++ ? ",\n    " : "    ");
      appendKey(&groups, group, n);
      appendC(&groups, ": {\n");
      append(&groups, entries.data, entries.length);
      appendC(&groups, "\n    }");
    }
    free(group);
    free(entries.data);
    if (!ok || groups.oom) {
      free(groups.data);
      return false; /* left to the parser, which reports it */
    }
    cimOptScanAccept(&s, ',');
  }
  if (numGroups) {
    Text section = {0};
    appendC(&section, "  external_resources: {\n");
    append(&section, groups.data, groups.length);
    appendC(&section, "\n  }");
    r->section = section.data;
  }
  free(groups.data);
  r->present = seen > 0; /* an empty dictionary prints nothing */
  cimOptScanBlankEntry(meta, ext, s.p, end);
  return true;
}

void cimOptExternalResourcesFree(CimOptExternalResources *r) {
  free(r->section);
  r->section = NULL;
}

/// Merges the section into the file metadata MLIR printed at the end of
/// `t` ("{-#\n...\n#-}\n"), or adds that block.
static void merge(const CimOptExternalResources *r, Text *t, FILE *out) {
  static const char open[] = "\n{-#\n", close[] = "\n#-}\n";
  char *block = NULL;
  for (char *p = t->data; (p = strstr(p, open)); ++p)
    block = p;
  size_t closeLength = sizeof close - 1;
  bool atEnd = block && t->length >= closeLength &&
               !memcmp(t->data + t->length - closeLength, close, closeLength);
  if (!atEnd) {
    fwrite(t->data, 1, t->length, out);
    bool newline = t->length && t->data[t->length - 1] == '\n';
    fprintf(out, "%s{-#\n%s\n#-}\n", newline ? "\n" : "\n\n",
            r->section ? r->section : "");
    return;
  }
  size_t bodyAt = (size_t)(block - t->data) + sizeof open - 1;
  size_t bodyEnd = t->length - closeLength;
  fwrite(t->data, 1, bodyAt, out);
  if (bodyEnd > bodyAt)
    fwrite(t->data + bodyAt, 1, bodyEnd - bodyAt, out);
  if (r->section)
    fprintf(out, "%s%s", bodyEnd > bodyAt ? ",\n" : "", r->section);
  fputs(close, out);
}

bool cimOptPrintOutputWithResources(MlirOperation op, const CimOptOptions *o,
                                    const CimOptExternalResources *r,
                                    FILE *out) {
  if (!r->present || o->emitBytecode)
    return cimOptPrintOutput(op, o, out);
  Text t = {0};
  MlirOpPrintingFlags flags = cimOptCreatePrintingFlags(o);
  mlirOperationPrintWithFlags(op, flags, appendStringCallback, &t);
  mlirOpPrintingFlagsDestroy(flags);
  if (t.oom) {
    free(t.data);
    mlirEmitError(mlirOperationGetLocation(op),
                  "out of memory while printing the output");
    return false;
  }
  merge(r, &t, out);
  free(t.data);
  fputc('\n', out);
  return true;
}
