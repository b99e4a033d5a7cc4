/*===-- isa_ports.c - A program's ports and target by accessor -------------===*
 *
 * The fields of CimProgram that bindings need, so that they never lay the
 * struct out themselves (cim-c/Isa.h).
 *===----------------------------------------------------------------------===*/

#include <assert.h>

#include "cim-c/Isa.h"

intptr_t cimProgramGetNumInputs(const CimProgram *program) {
  return (intptr_t)program->numInputs;
}

const char *cimProgramGetInputName(const CimProgram *program, intptr_t i) {
  assert(i >= 0 && (uint64_t)i < program->numInputs);
  return program->inputs[i].name;
}

intptr_t cimProgramGetNumOutputs(const CimProgram *program) {
  return (intptr_t)program->numOutputs;
}

const char *cimProgramGetOutputName(const CimProgram *program, intptr_t i) {
  assert(i >= 0 && (uint64_t)i < program->numOutputs);
  return program->outputs[i].name;
}

const CimTarget *cimProgramGetTarget(const CimProgram *program) {
  return &program->target;
}
