/*===-- isa_asm_print.c - Text assembly: the printer ----------------------===*
 *
 * Writes a program as the line-oriented assembly of docs/isa.md
 * ("Assembly"): directives for the target, inputs, outputs, data blocks and
 * buffers, then `.code` and one instruction per line. Immediates come in
 * table order with their table names, so that the parser (isa_asm.c) reads
 * back exactly what was printed: print(parse(x)) == x.
 *===----------------------------------------------------------------------===*/

#include <inttypes.h>

#include "IsaInternal.h"

static void printImm(CimStrBuf *b, const CimIsaField *f, int64_t v) {
  switch (f->kind) {
  case CIM_ISA_FIELD_BOOL:
    cimStrBufAppendCString(b, v ? "true" : "false");
    return;
  case CIM_ISA_FIELD_ENUM: {
    int64_t n = 0;
    while (f->enumNames[n])
      ++n;
    if (v >= 0 && v < n)
      cimStrBufAppendCString(b, f->enumNames[v]);
    else
      cimStrBufPrintf(b, "%lld", (long long)v);
    return;
  }
  case CIM_ISA_FIELD_BLOCK:
    cimStrBufPrintf(b, "d%lld", (long long)v);
    return;
  default:
    cimStrBufPrintf(b, "%lld", (long long)v);
    return;
  }
}

static void printBuf(CimStrBuf *b, uint32_t id) {
  if (id == CIM_ISA_NO_BUFFER)
    cimStrBufAppendCString(b, "_");
  else
    cimStrBufPrintf(b, "b%u", id);
}

static void printInstr(CimStrBuf *b, const CimProgram *p,
                       const CimIsaInstr *in) {
  const CimIsaOpDesc *d = &cimIsaOpDescs[in->opcode];
  cimStrBufPrintf(b, "  %s", d->name);
  bool first = true;
#define SEP() (cimStrBufAppendCString(b, first ? " " : ", "), first = false)
  for (unsigned k = 0; k < d->numImms; ++k)
    if (d->imms[k].kind == CIM_ISA_FIELD_OUTPUT) {
      SEP();
      cimStrBufPrintf(b, "@%s", p->outputs[in->imm[k]].name);
    }
  if (d->hasDst) {
    SEP();
    printBuf(b, in->dst);
  }
  for (unsigned k = 0; k < d->numImms; ++k)
    if (d->imms[k].kind == CIM_ISA_FIELD_INPUT) {
      SEP();
      cimStrBufPrintf(b, "@%s", p->inputs[in->imm[k]].name);
    }
  for (unsigned s = 0; s < d->numSrcs; ++s) {
    SEP();
    printBuf(b, in->src[s]);
  }
#undef SEP
  for (unsigned k = 0; k < d->numImms; ++k) {
    const CimIsaField *f = &d->imms[k];
    if (f->kind == CIM_ISA_FIELD_INPUT || f->kind == CIM_ISA_FIELD_OUTPUT)
      continue;
    cimStrBufPrintf(b, " %s=", f->name);
    printImm(b, f, in->imm[k]);
  }
  if (in->layer != CIM_ISA_NO_LAYER)
    cimStrBufPrintf(b, " layer=%lld", (long long)in->layer);
  cimStrBufAppendCString(b, "\n");
}

static void flush(CimStrBuf *b, MlirStringCallback cb, void *ud) {
  if (b->length)
    cb(mlirStringRefCreate(b->data, b->length), ud);
  cimStrBufClear(b);
}

void cimProgramPrintAsm(const CimProgram *p, MlirStringCallback cb,
                        void *ud) {
  CimStrBuf b = {0};
  cimStrBufPrintf(&b, "; cimlir ISA program (docs/isa.md)\n.version %d\n",
                  CIM_ISA_VERSION);
  int64_t t[20];
  cimIsaTargetToArray(&p->target, t);
  cimStrBufAppendCString(&b, ".target");
  for (int i = 0; i < 20; ++i) {
    const char *name = cimTargetFieldGetValueName(i, t[i]);
    if (cimTargetFieldGetKind(i) == CIM_TARGET_FIELD_KIND_ENUM)
      cimStrBufPrintf(&b, " %s=%s", cimIsaTargetFieldNames[i],
                      name ? name : "invalid");
    else
      cimStrBufPrintf(&b, " %s=%lld", cimIsaTargetFieldNames[i],
                      (long long)t[i]);
  }
  cimStrBufPrintf(&b, "\n.fingerprint 0x%016" PRIx64 "\n", p->fingerprint);
  for (uint32_t i = 0; i < p->numInputs; ++i) {
    cimStrBufPrintf(&b, ".input %s ", p->inputs[i].name);
    cimIsaPrintTensorType(&b, &p->inputs[i].type);
    cimStrBufAppendCString(&b, "\n");
  }
  for (uint32_t i = 0; i < p->numOutputs; ++i) {
    cimStrBufPrintf(&b, ".output %s ", p->outputs[i].name);
    cimIsaPrintTensorType(&b, &p->outputs[i].type);
    cimStrBufAppendCString(&b, "\n");
  }
  for (uint32_t i = 0; i < p->numBlocks; ++i) {
    const CimIsaDataBlock *blk = &p->blocks[i];
    cimStrBufPrintf(&b, ".data d%u i%u %llu", i, 8u * blk->elemBytes,
                    (unsigned long long)blk->count);
    for (uint64_t k = 0; k < blk->count; ++k) {
      if (k % 16 == 0)
        cimStrBufAppendCString(&b, "\n ");
      cimStrBufPrintf(&b, " %lld",
                      (long long)cimProgramGetDataValue(p, i, k));
      if (b.length > 1 << 16)
        flush(&b, cb, ud);
    }
    cimStrBufAppendCString(&b, "\n");
  }
  for (uint32_t i = 0; i < p->numBuffers; ++i) {
    cimStrBufPrintf(&b, ".buffer b%u ", i);
    cimIsaPrintTensorType(&b, &p->buffers[i].type);
    if (p->buffers[i].dataBlock != CIM_ISA_NO_DATA)
      cimStrBufPrintf(&b, " = d%u", p->buffers[i].dataBlock);
    cimStrBufAppendCString(&b, "\n");
  }
  cimStrBufAppendCString(&b, ".code\n");
  for (uint32_t i = 0; i < p->numInstrs; ++i) {
    printInstr(&b, p, &p->instrs[i]);
    if (b.length > 1 << 16)
      flush(&b, cb, ud);
  }
  flush(&b, cb, ud);
  cimStrBufFree(&b);
}
