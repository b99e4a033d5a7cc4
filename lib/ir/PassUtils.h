/*===-- PassUtils.h - Small IR helpers shared by the passes (internal) ----===*/

#ifndef CIM_LIB_PASSUTILS_H
#define CIM_LIB_PASSUTILS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "cim-c/Target.h"
#include "mlir-c/IR.h"

/// True if `op` is named `name` (e.g. "linalg.matmul").
bool cimOpIsA(MlirOperation op, const char *name);

/// Emits an error at `loc` with a printf-formatted message.
void cimEmitErrorf(MlirLocation loc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/// As cimEmitErrorf, with `prefix` (e.g. "cim-tile: ", or NULL) in front and
/// the arguments as a va_list.
void cimEmitErrorV(MlirLocation loc, const char *prefix, const char *fmt,
                   va_list ap) __attribute__((format(printf, 3, 0)));

/// The target pass `pass` runs for: its `target=` option `option` resolved
/// against the program's target (cimTargetResolveForPass; a conflict's
/// message starts with `pass`), then recorded on `op` (cimTargetRecord) so
/// the passes after it see it. An analysis (`analysis` true) bakes nothing
/// into the IR and records the target only when `option` is given (it is
/// then the first pass given one). Fails with a diagnostic at `op`; records
/// nothing then.
MlirLogicalResult cimPassResolveTarget(MlirOperation op, const char *pass,
                                       MlirStringRef option, bool analysis,
                                       CimTarget *target);

/// True for a splat dense elements attribute whose value is integer or float 0.
bool cimAttrIsZeroSplat(MlirAttribute attr);

/// True if `value` is produced by an `arith.constant` equal to 0 (scalar).
bool cimValueIsZeroConstant(MlirValue value);

/// True unless `op` (linalg.matmul or linalg.batch_matmul) carries
/// `indexing_maps` other than the default ones, i.e. a transposed or
/// broadcast operand, which cimlir does not map yet.
bool cimLinalgHasDefaultIndexingMaps(MlirOperation op);

/// Named attributes of common types.
MlirNamedAttribute cimNamedI64(MlirContext ctx, const char *name, int64_t v);
MlirNamedAttribute cimNamedBool(MlirContext ctx, const char *name, bool v);
MlirNamedAttribute cimNamedString(MlirContext ctx, const char *name,
                                  const char *v);

/// Every op under `root` (pre-order, i.e. program order) for which
/// `pred(op, userData)` holds. `*ops` is malloc'ed (the caller frees it, also
/// on failure); false when out of memory.
bool cimCollectOps(MlirOperation root,
                   bool (*pred)(MlirOperation op, void *userData),
                   void *userData, MlirOperation **ops, intptr_t *count);

#endif /* CIM_LIB_PASSUTILS_H */
