/*===-- version.c - Library version ----------------------------------------===*/

#include "cim-c/Version.h"

#define CIM_STR2(x) #x
#define CIM_STR(x) CIM_STR2(x)

const char *cimGetVersion(void) {
  return CIM_STR(CIM_VERSION_MAJOR) "." CIM_STR(CIM_VERSION_MINOR) "." CIM_STR(
      CIM_VERSION_PATCH);
}
