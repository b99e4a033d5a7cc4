/*===-- pass_registry.c - Looking up and extending the pass table ----------===*/

#include "pass/PassInternal.h"

#include "cim-c/Tooling.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rows added at run time by plugins. */
static const CimPassDef **pluginPasses;
static intptr_t numPluginPasses;
static intptr_t capPluginPasses;

intptr_t cimPassRegistryGetNumPasses(void) {
  return cimNumBuiltinPasses + numPluginPasses;
}

const CimPassDef *cimPassRegistryGetPass(intptr_t pos) {
  assert(pos >= 0 && pos < cimPassRegistryGetNumPasses() && "out of range");
  if (pos < cimNumBuiltinPasses)
    return cimBuiltinPasses[pos];
  return pluginPasses[pos - cimNumBuiltinPasses];
}

const CimPassDef *cimPassRegistryLookup(MlirStringRef argument) {
  intptr_t n = cimPassRegistryGetNumPasses();
  for (intptr_t i = 0; i < n; ++i) {
    const CimPassDef *def = cimPassRegistryGetPass(i);
    if (mlirStringRefEqual(argument,
                           mlirStringRefCreateFromCString(def->argument)))
      return def;
  }
  return NULL;
}

intptr_t cimPassRegistryGetNumPipelines(void) { return cimNumBuiltinPipelines; }

const CimPassPipelineDef *cimPassRegistryGetPipeline(intptr_t pos) {
  assert(pos >= 0 && pos < cimNumBuiltinPipelines && "out of range");
  return cimBuiltinPipelines[pos];
}

const CimPassPipelineDef *
cimPassRegistryLookupPipeline(MlirStringRef argument) {
  for (intptr_t i = 0; i < cimNumBuiltinPipelines; ++i)
    if (mlirStringRefEqual(argument, mlirStringRefCreateFromCString(
                                         cimBuiltinPipelines[i]->argument)))
      return cimBuiltinPipelines[i];
  return NULL;
}

const char *cimPassRegistrySuggest(MlirStringRef typed) {
  CimSuggester suggester = cimSuggesterCreate(typed);
  for (intptr_t i = 0, n = cimPassRegistryGetNumPasses(); i < n; ++i)
    cimSuggesterConsider(&suggester, cimPassRegistryGetPass(i)->argument);
  for (intptr_t i = 0; i < cimNumBuiltinPipelines; ++i)
    cimSuggesterConsider(&suggester, cimBuiltinPipelines[i]->argument);
  return suggester.best;
}

CimPassDef cimPassPipelineOptionsView(const CimPassPipelineDef *def) {
  return (CimPassDef){.argument = def->argument,
                      .name = def->argument,
                      .summary = def->summary,
                      .description = def->description,
                      .anchor = def->anchor,
                      .options = def->options,
                      .numOptions = def->numOptions,
                      .run = NULL};
}

static bool isKebabCase(const char *s) {
  if (!s || !*s || !(*s >= 'a' && *s <= 'z'))
    return false;
  for (const char *p = s; *p; ++p) {
    bool ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-';
    if (!ok || (*p == '-' && (p[1] == '-' || p[1] == '\0')))
      return false;
  }
  return true;
}

static MlirLogicalResult reject(MlirStringCallback callback, void *userData,
                                const char *fmt, const char *arg) {
  char buf[512];
  snprintf(buf, sizeof buf, fmt, arg ? arg : "(null)");
  if (callback)
    callback(mlirStringRefCreateFromCString(buf), userData);
  return mlirLogicalResultFailure();
}

MlirLogicalResult cimPassRegistryAdd(const CimPassDef *def,
                                     MlirStringCallback errorCallback,
                                     void *userData) {
  if (!def)
    return reject(errorCallback, userData, "%s: no pass definition", "cim");
  if (!isKebabCase(def->argument))
    return reject(errorCallback, userData,
                  "pass argument '%s' is not kebab-case", def->argument);
  if (cimPassRegistryLookup(mlirStringRefCreateFromCString(def->argument)))
    return reject(errorCallback, userData,
                  "a pass with argument '%s' is already registered",
                  def->argument);
  if (cimPassRegistryLookupPipeline(
          mlirStringRefCreateFromCString(def->argument)))
    return reject(errorCallback, userData,
                  "'%s' is already the name of a pass pipeline",
                  def->argument);
  if (!def->run || !def->name || !def->summary || !def->anchor)
    return reject(errorCallback, userData,
                  "pass '%s' lacks a name, summary, anchor or run function",
                  def->argument);
  for (intptr_t i = 0; i < def->numOptions; ++i)
    if (!isKebabCase(def->options[i].name))
      return reject(errorCallback, userData,
                    "an option of pass '%s' is not kebab-case", def->argument);
  /* Parse the defaults once, so a broken row fails here, not in a pipeline. */
  char *error = NULL;
  intptr_t offset = 0;
  CimPassOptions *defaults =
      cimPassOptionsParse(def, mlirStringRefCreate("", 0), &error, &offset);
  if (!defaults) {
    MlirLogicalResult r = reject(errorCallback, userData, "%s", error);
    free(error);
    return r;
  }
  cimPassOptionsDestroy(defaults);

  if (numPluginPasses == capPluginPasses) {
    intptr_t cap = capPluginPasses ? capPluginPasses * 2 : 8;
    const CimPassDef **grown =
        realloc(pluginPasses, (size_t)cap * sizeof *pluginPasses);
    if (!grown)
      return reject(errorCallback, userData, "%s", "out of memory");
    pluginPasses = grown;
    capPluginPasses = cap;
  }
  pluginPasses[numPluginPasses++] = def;
  return mlirLogicalResultSuccess();
}
