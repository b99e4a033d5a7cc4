/*===-- pass_options.c - Parsing and holding typed pass options ------------===*
 *
 * Option text follows mlir-opt: whitespace-separated `key=value` pairs; a value
 * may be quoted with "..." or '...' or wrapped in {...} (braces nest) to hold
 * spaces; a bare `key` sets a boolean option to true. Every option starts at
 * its table default, parsed with the same code as user text, so a bad default
 * in the table is caught by cimPassRegistryAdd.
 *===----------------------------------------------------------------------===*/

#include "pass/PassInternal.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *formatMessage(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0)
    return NULL;
  char *buf = malloc((size_t)n + 1);
  if (!buf)
    return NULL;
  va_start(ap, fmt);
  vsnprintf(buf, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return buf;
}

static char *copyString(const char *data, size_t length) {
  char *s = malloc(length + 1);
  if (!s)
    return NULL;
  memcpy(s, data, length);
  s[length] = '\0';
  return s;
}

/// "pass", or "pipeline" for a pipeline's options view (no run function).
static const char *kindOf(const CimPassDef *def) {
  return def->run ? "pass" : "pipeline";
}

static intptr_t findOption(const CimPassDef *def, const char *name,
                           size_t length) {
  for (intptr_t i = 0; i < def->numOptions; ++i)
    if (strlen(def->options[i].name) == length &&
        memcmp(def->options[i].name, name, length) == 0)
      return i;
  return -1;
}

/// Parses one value into `value` for option `opt`. Returns an error message
/// (malloc'ed) or NULL on success.
static char *parseValue(const CimPassDef *def, const CimPassOptionDef *opt,
                        const char *text, size_t length,
                        CimPassOptionValue *value) {
  switch (opt->type) {
  case CIM_PASS_OPTION_BOOL:
    if ((length == 4 && memcmp(text, "true", 4) == 0) ||
        (length == 1 && text[0] == '1')) {
      value->boolValue = true;
      return NULL;
    }
    if ((length == 5 && memcmp(text, "false", 5) == 0) ||
        (length == 1 && text[0] == '0')) {
      value->boolValue = false;
      return NULL;
    }
    return formatMessage("option '%s' of %s '%s' expects true or false, got "
                         "'%.*s'",
                         opt->name, kindOf(def), def->argument, (int)length,
                         text);
  case CIM_PASS_OPTION_INT: {
    char buf[32];
    if (length == 0 || length >= sizeof buf)
      return formatMessage("option '%s' of %s '%s' expects an integer, got "
                           "'%.*s'",
                           opt->name, kindOf(def), def->argument, (int)length,
                           text);
    memcpy(buf, text, length);
    buf[length] = '\0';
    char *end = NULL;
    errno = 0;
    long long v = strtoll(buf, &end, 0);
    if (errno != 0 || *end != '\0' || end == buf)
      return formatMessage("option '%s' of %s '%s' expects an integer, got "
                           "'%.*s'",
                           opt->name, kindOf(def), def->argument, (int)length,
                           text);
    if (v < opt->minValue || v > opt->maxValue)
      return formatMessage("option '%s' of %s '%s' must be in [%lld, %lld], "
                           "got %lld",
                           opt->name, kindOf(def), def->argument,
                           (long long)opt->minValue, (long long)opt->maxValue,
                           v);
    value->intValue = v;
    return NULL;
  }
  case CIM_PASS_OPTION_STRING: {
    char *s = copyString(text, length);
    if (!s)
      return formatMessage("out of memory");
    free(value->stringValue);
    value->stringValue = s;
    return NULL;
  }
  }
  return formatMessage("option '%s' has an invalid type", opt->name);
}

/// Scans one `key[=value]` token starting at `text[*pos]`. Sets the key and
/// value spans (value is the unquoted content). Returns an error or NULL.
static char *scanToken(const char *text, size_t length, size_t *pos,
                       size_t *keyBegin, size_t *keyEnd, size_t *valueBegin,
                       size_t *valueEnd, bool *hasValue, size_t *errorAt) {
  size_t i = *pos;
  *keyBegin = i;
  while (i < length && text[i] != '=' && text[i] != ' ' && text[i] != '\t' &&
         text[i] != '\n')
    ++i;
  *keyEnd = i;
  *hasValue = false;
  if (i < length && text[i] == '=') {
    ++i;
    *hasValue = true;
    if (i < length && (text[i] == '"' || text[i] == '\'')) {
      char quote = text[i];
      size_t open = i++;
      *valueBegin = i;
      while (i < length && text[i] != quote)
        ++i;
      if (i >= length) {
        *errorAt = open;
        return formatMessage("unterminated quoted value");
      }
      *valueEnd = i++;
    } else if (i < length && text[i] == '{') {
      size_t open = i++;
      int depth = 1;
      *valueBegin = i;
      while (i < length && depth > 0) {
        if (text[i] == '{')
          ++depth;
        else if (text[i] == '}')
          --depth;
        if (depth > 0)
          ++i;
      }
      if (depth != 0) {
        *errorAt = open;
        return formatMessage("unbalanced '{' in option value");
      }
      *valueEnd = i++;
    } else {
      *valueBegin = i;
      while (i < length && text[i] != ' ' && text[i] != '\t' && text[i] != '\n')
        ++i;
      *valueEnd = i;
    }
  }
  *pos = i;
  return NULL;
}

CimPassOptions *cimPassOptionsParse(const CimPassDef *def, MlirStringRef text,
                                    char **error, intptr_t *errorOffset) {
  *error = NULL;
  *errorOffset = 0;
  CimPassOptions *options = calloc(1, sizeof *options);
  if (!options) {
    *error = formatMessage("out of memory");
    return NULL;
  }
  options->def = def;
  options->values = calloc(def->numOptions ? (size_t)def->numOptions : 1,
                           sizeof *options->values);
  if (!options->values) {
    free(options);
    *error = formatMessage("out of memory");
    return NULL;
  }
  for (intptr_t i = 0; i < def->numOptions; ++i) {
    const CimPassOptionDef *opt = &def->options[i];
    const char *d = opt->defaultValue ? opt->defaultValue : "";
    char *err = parseValue(def, opt, d, strlen(d), &options->values[i]);
    if (err) {
      *error = formatMessage("bad default in the pass table: %s", err);
      free(err);
      cimPassOptionsDestroy(options);
      return NULL;
    }
  }

  size_t pos = 0;
  const char *s = text.data;
  size_t n = text.length;
  while (pos < n) {
    while (pos < n && (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '\n'))
      ++pos;
    if (pos >= n)
      break;
    size_t kb, ke, vb = 0, ve = 0, errAt = pos;
    bool hasValue;
    char *err = scanToken(s, n, &pos, &kb, &ke, &vb, &ve, &hasValue, &errAt);
    if (!err && ke == kb) {
      err = formatMessage("expected an option name");
      errAt = kb;
    }
    intptr_t idx = -1;
    if (!err) {
      idx = findOption(def, s + kb, ke - kb);
      if (idx < 0) {
        err = formatMessage("%s '%s' has no option '%.*s'", kindOf(def),
                            def->argument, (int)(ke - kb), s + kb);
        errAt = kb;
      }
    }
    if (!err) {
      const CimPassOptionDef *opt = &def->options[idx];
      if (!hasValue) {
        if (opt->type == CIM_PASS_OPTION_BOOL) {
          options->values[idx].boolValue = true;
        } else {
          err = formatMessage("option '%s' of %s '%s' needs a value "
                              "('%s=...')",
                              opt->name, kindOf(def), def->argument, opt->name);
          errAt = kb;
        }
      } else {
        err = parseValue(def, opt, s + vb, ve - vb, &options->values[idx]);
        errAt = vb;
      }
      if (!err)
        options->values[idx].isSet = true;
    }
    if (err) {
      *error = err;
      *errorOffset = (intptr_t)errAt;
      cimPassOptionsDestroy(options);
      return NULL;
    }
  }
  return options;
}

CimPassOptions *cimPassOptionsClone(const CimPassOptions *options) {
  CimPassOptions *copy = calloc(1, sizeof *copy);
  if (!copy)
    return NULL;
  copy->def = options->def;
  intptr_t n = options->def->numOptions;
  copy->values = calloc(n ? (size_t)n : 1, sizeof *copy->values);
  if (!copy->values) {
    free(copy);
    return NULL;
  }
  for (intptr_t i = 0; i < n; ++i) {
    copy->values[i] = options->values[i];
    copy->values[i].stringValue = NULL;
    if (options->values[i].stringValue) {
      const char *src = options->values[i].stringValue;
      copy->values[i].stringValue = copyString(src, strlen(src));
      if (!copy->values[i].stringValue) {
        cimPassOptionsDestroy(copy);
        return NULL;
      }
    }
  }
  return copy;
}

void cimPassOptionsDestroy(CimPassOptions *options) {
  if (!options)
    return;
  if (options->values)
    for (intptr_t i = 0; i < options->def->numOptions; ++i)
      free(options->values[i].stringValue);
  free(options->values);
  free(options);
}

static const CimPassOptionValue *lookupValue(const CimPassOptions *options,
                                             const char *name,
                                             CimPassOptionType type) {
  intptr_t idx = findOption(options->def, name, strlen(name));
  assert(idx >= 0 && "option not declared by the pass");
  assert(options->def->options[idx].type == type && "option type mismatch");
  (void)type;
  return &options->values[idx];
}

bool cimPassOptionsGetBool(const CimPassOptions *options, const char *name) {
  return lookupValue(options, name, CIM_PASS_OPTION_BOOL)->boolValue;
}

int64_t cimPassOptionsGetInt(const CimPassOptions *options, const char *name) {
  return lookupValue(options, name, CIM_PASS_OPTION_INT)->intValue;
}

MlirStringRef cimPassOptionsGetString(const CimPassOptions *options,
                                      const char *name) {
  const char *s = lookupValue(options, name, CIM_PASS_OPTION_STRING)->stringValue;
  return mlirStringRefCreateFromCString(s ? s : "");
}

bool cimPassOptionsIsSet(const CimPassOptions *options, const char *name) {
  intptr_t idx = findOption(options->def, name, strlen(name));
  assert(idx >= 0 && "option not declared by the pass");
  return options->values[idx].isSet;
}

void cimPassOptionsPrint(const CimPassOptions *options,
                         MlirStringCallback callback, void *userData) {
  for (intptr_t i = 0; i < options->def->numOptions; ++i) {
    const CimPassOptionDef *opt = &options->def->options[i];
    const CimPassOptionValue *v = &options->values[i];
    char buf[64];
    if (i > 0)
      callback(mlirStringRefCreateFromCString(" "), userData);
    callback(mlirStringRefCreateFromCString(opt->name), userData);
    callback(mlirStringRefCreateFromCString("="), userData);
    switch (opt->type) {
    case CIM_PASS_OPTION_BOOL:
      callback(mlirStringRefCreateFromCString(v->boolValue ? "true" : "false"),
               userData);
      break;
    case CIM_PASS_OPTION_INT:
      snprintf(buf, sizeof buf, "%lld", (long long)v->intValue);
      callback(mlirStringRefCreateFromCString(buf), userData);
      break;
    case CIM_PASS_OPTION_STRING: {
      const char *s = v->stringValue ? v->stringValue : "";
      bool quote = *s == '\0' || strpbrk(s, " \t{}") != NULL;
      if (quote)
        callback(mlirStringRefCreateFromCString("\""), userData);
      callback(mlirStringRefCreateFromCString(s), userData);
      if (quote)
        callback(mlirStringRefCreateFromCString("\""), userData);
      break;
    }
    }
  }
}
