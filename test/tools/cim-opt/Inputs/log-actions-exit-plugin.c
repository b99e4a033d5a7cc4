/* A pass plugin for log-actions.test: its pass `exit-pass` writes a line to
 * stderr and ends the process (exit(3), or abort() with the option
 * abort=true), as report_fatal_error or a crash would. */
#include <stdio.h>
#include <stdlib.h>

#include "cim-c/Passes.h"
#include "cim-c/Plugin.h"

static MlirLogicalResult run(MlirOperation op, const CimPassOptions *options) {
  (void)op;
  fputs("exit-pass: ending the process\n", stderr);
  if (cimPassOptionsGetBool(options, "abort"))
    abort();
  exit(3);
}

static const CimPassOptionDef options[] = {
    {"abort", CIM_PASS_OPTION_BOOL, "false", "abort() instead of exit(3).", 0,
     0},
};

static const CimPassDef exitPass = {
    .argument = "exit-pass",
    .name = "ExitPass",
    .summary = "Ends the process",
    .description = "For log-actions.test.",
    .anchor = "func.func",
    .options = options,
    .numOptions = 1,
    .run = run,
};

static MlirLogicalResult registerPasses(MlirStringCallback errorCallback,
                                        void *userData) {
  return cimPassRegistryAdd(&exitPass, errorCallback, userData);
}

CimPassPluginInfo cimGetPassPluginInfo(void);

__attribute__((visibility("default"))) CimPassPluginInfo
cimGetPassPluginInfo(void) {
  return (CimPassPluginInfo){CIM_PASS_PLUGIN_API_VERSION, "exit", "1.0",
                             registerPasses};
}
