/*===-- print_module.h - Printing an imported model in bounded memory ------===*
 *
 * cim-translate --import-onnx's printer (print_module.c).
 *===----------------------------------------------------------------------===*/

#ifndef CIM_TOOLS_CIM_TRANSLATE_PRINT_MODULE_H
#define CIM_TOOLS_CIM_TRANSLATE_PRINT_MODULE_H

#include <stdio.h>

#include "mlir-c/IR.h"

/// Writes `module` to `out` exactly as mlirOperationPrintWithFlags with
/// debug info (no pretty form) does, but streams the hex strings of large
/// dense attributes from their storage instead of building each as one
/// string (print_module.c says how, and when it falls back to MLIR's
/// printer).
void cimTranslatePrintModule(MlirOperation module, FILE *out);

#endif /* CIM_TOOLS_CIM_TRANSLATE_PRINT_MODULE_H */
