/*===-- io.c - Program inputs and outputs ----------------------------------===*
 *
 * cimSimSetInput / cimSimGetOutput: checked against the program's ports.
 *===----------------------------------------------------------------------===*/

#include <assert.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "SimMachine.h"

/*===----------------------------------------------------------------------===*
 * Inputs and outputs
 *===----------------------------------------------------------------------===*/

CimNpyDType cimSimGetDType(CimIsaElemType e) {
  unsigned b = e.bits;
  int k = b <= 8 ? 0 : b <= 16 ? 1 : b <= 32 ? 2 : 3;
  return (CimNpyDType)((e.isUnsigned ? CIM_NPY_U8 : CIM_NPY_I8) + k);
}

static const char *dtypeName(CimNpyDType d) {
  static const char *const names[] = {"int8",  "int16",  "int32",  "int64",
                                      "uint8", "uint16", "uint32", "uint64"};
  return names[d];
}

int64_t cimSimLookupInput(CimSim sim, MlirStringRef name) {
  const SimMachine *m = sim.ptr;
  for (uint32_t i = 0; i < m->program->numInputs; ++i) {
    const char *n = m->program->inputs[i].name;
    if (strlen(n) == name.length && memcmp(n, name.data, name.length) == 0)
      return i;
  }
  return -1;
}

static void appendShape(CimStrBuf *b, int rank, const int64_t *dims) {
  if (rank == 0)
    cimStrBufAppendCString(b, "()");
  for (int i = 0; i < rank; ++i)
    cimStrBufPrintf(b, "%s%lld", i ? "x" : "", (long long)dims[i]);
}

MlirLogicalResult cimSimSetInput(CimSim sim, int64_t index,
                                 const CimNpyArray *a, MlirStringCallback cb,
                                 void *ud) {
  SimMachine *m = sim.ptr;
  if (index < 0 || (uint64_t)index >= m->program->numInputs)
    return cimSimFail(cb, ud, "the program has no input #%lld",
                      (long long)index);
  const CimIsaPort *port = &m->program->inputs[index];
  const CimIsaTensorType *t = &port->type;
  bool sameShape = a->rank == t->rank;
  for (int i = 0; sameShape && i < a->rank; ++i)
    sameShape = a->shape[i] == t->dims[i];
  if (!sameShape) {
    CimStrBuf msg = {0};
    cimStrBufPrintf(&msg, "input '%s': shape ", port->name);
    appendShape(&msg, a->rank, a->shape);
    cimStrBufAppendCString(&msg, " does not match the program's ");
    appendShape(&msg, t->rank, t->dims);
    cimSimFail(cb, ud, "%s", cimStrBufGet(&msg));
    cimStrBufFree(&msg);
    return mlirLogicalResultFailure();
  }
  CimNpyDType want = cimSimGetDType(t->elem);
  if (a->dtype != want)
    return cimSimFail(cb, ud, "input '%s': dtype %s ('%s') does not match the "
                      "program's %c%u input, which takes %s ('%s')",
                      port->name, dtypeName(a->dtype),
                      cimNpyDTypeGetDescr(a->dtype),
                      t->elem.isUnsigned ? 'u' : 'i', (unsigned)t->elem.bits,
                      dtypeName(want), cimNpyDTypeGetDescr(want));
  int64_t n = cimSimTypeNumElements(t), lo, hi;
  cimSimElemRange(t->elem, &lo, &hi);
  int64_t *v = cimSimMalloc(n, sizeof(int64_t));
  if (!v)
    return cimSimFail(cb, ud, "input '%s': out of memory", port->name);
  for (int64_t i = 0; i < n; ++i) {
    v[i] = cimNpyArrayGetInt(a, i);
    bool bad = v[i] < lo || v[i] > hi ||
               (a->dtype == CIM_NPY_U64 && v[i] < 0);
    if (bad) {
      free(v);
      return cimSimFail(cb, ud, "input '%s': element %lld is %lld, outside "
                        "the range [%lld, %lld] of %c%u", port->name,
                        (long long)i, (long long)cimNpyArrayGetInt(a, i),
                        (long long)lo, (long long)hi,
                        t->elem.isUnsigned ? 'u' : 'i',
                        (unsigned)t->elem.bits);
    }
  }
  free(m->inputs[index]);
  m->inputs[index] = v;
  return mlirLogicalResultSuccess();
}

MlirLogicalResult cimSimGetOutput(CimSim sim, uint32_t index, CimNpyArray *a,
                                  MlirStringCallback cb, void *ud) {
  const SimMachine *m = sim.ptr;
  if (index >= m->program->numOutputs)
    return cimSimFail(cb, ud, "the program has no output #%u", index);
  if (!m->ran || !m->outputs[index])
    return cimSimFail(cb, ud, "output '%s': the program has not run",
                      m->program->outputs[index].name);
  const CimIsaTensorType *t = &m->program->outputs[index].type;
  memset(a, 0, sizeof *a);
  a->dtype = cimSimGetDType(t->elem);
  a->rank = t->rank;
  for (int i = 0; i < t->rank; ++i)
    a->shape[i] = t->dims[i];
  a->numElements = cimSimTypeNumElements(t);
  size_t es = cimNpyDTypeGetSize(a->dtype);
  a->data = cimSimMalloc(a->numElements, es);
  if (!a->data)
    return cimSimFail(cb, ud, "output '%s': out of memory",
                      m->program->outputs[index].name);
  const int64_t *v = m->outputs[index];
  for (int64_t i = 0; i < a->numElements; ++i) {
    switch (es) {
    case 1: ((int8_t *)a->data)[i] = (int8_t)v[i]; break;
    case 2: ((int16_t *)a->data)[i] = (int16_t)v[i]; break;
    case 4: ((int32_t *)a->data)[i] = (int32_t)v[i]; break;
    default: ((int64_t *)a->data)[i] = v[i]; break;
    }
  }
  return mlirLogicalResultSuccess();
}
