/*===-- target_energy.c - Default per-event energies from published figures -===*
 *
 * The DERIVED rows of target/TargetFields.def: energies whose default
 * depends on other fields. Every number here is a published figure, read in
 * the public file named beside it; docs/target.md ("Energy defaults") gives
 * the paper, table and technology node (all 32 nm) and the arithmetic. A
 * case no figure covers (a multi-bit DAC, an ADC outside 4..10 bits) prices
 * that part at 0, as the docs say, rather than an extrapolated number.
 *===----------------------------------------------------------------------===*/

#include <assert.h>

#include "target/TargetInternal.h"

/* Crossbar read, per cell and MVM cycle: PUMA's crossbar model "from ISAAC
 * paper" (repository Aayush-Ankit/puma-simulator, its constants module under
 * include, xbar_pow_dict and xbar_lat_dict): a 128x128 crossbar draws 0.3 mW for a 128 ns read, so
 * one cell costs 0.3 mW * 128 ns / (128 * 128) = 2.34375 fJ = 75/32 fJ. */
#define XBAR_CELL_READ_NUM 75 /* fJ, over XBAR_CELL_READ_DEN */
#define XBAR_CELL_READ_DEN 32

/* 1-bit DAC, one drive of one row: ISAAC's DAC as modelled by Accelergy
 * (repository Accelergy-Project/hwcomponents-library, module isaac, IsaacDac):
 * 4 mW / (128 * 8 * 1.2 * 10^7 /s) * 128/100 = 0.41667 pJ = 41667/100 fJ. */
#define DAC1_DRIVE_NUM 41667 /* fJ, over DAC1_DRIVE_DEN */
#define DAC1_DRIVE_DEN 100

/* One ADC conversion by resolution, fJ: ISAAC's 8-bit SAR ADC (Kull et al.,
 * ISSCC 2013), 16 mW / (8 ADCs * 1.2 GS/s) = 1.6667 pJ, and the 4..10-bit
 * values scaled from it after Saberi et al. (2011), as listed in
 * hwcomponents-library's module isaac (IsaacAdc). */
#define ADC_MIN_BITS 4
static const int64_t adcFjByBits[] = {790, 990, 1200, 1420, 1667, 1969, 2379};
#define ADC_MAX_BITS (ADC_MIN_BITS + (int)(sizeof adcFjByBits /            \
                                           sizeof adcFjByBits[0]) - 1)

/// `num / den` rounded to the nearest integer, halves up (num, den > 0).
static int64_t roundDiv(int64_t num, int64_t den) {
  return (num + den / 2) / den;
}

/// Bits of the ADC a conversion needs: `adc_bits`, or for an ideal ADC the
/// bits of the largest column sum, ou_rows * (2^cell_bits - 1) *
/// (2^dac_bits - 1) (at most 65536 * 255 * 255, well inside int64).
int64_t cimTargetAdcResolution(const CimTarget *t) {
  if (t->adcBits != CIM_ADC_BITS_IDEAL)
    return t->adcBits;
  int64_t largest = t->ouRows * ((INT64_C(1) << t->cellBits) - 1) *
                    ((INT64_C(1) << t->dacBits) - 1);
  int64_t bits = 0;
  while (bits < 62 && (INT64_C(1) << bits) <= largest)
    ++bits;
  return bits;
}

/// One active row during one MVM cycle: its `cols` cells read, and its DAC
/// driven (a 1-bit DAC only: no multi-bit DAC figure was found).
static int64_t mvmRowFj(const CimTarget *t) {
  /* In units of 1/800 fJ, the least common multiple of the two
   * denominators, then rounded once. */
  int64_t unit = XBAR_CELL_READ_DEN * DAC1_DRIVE_DEN / 4;
  int64_t read = t->cols * XBAR_CELL_READ_NUM * (unit / XBAR_CELL_READ_DEN);
  int64_t dac = t->dacBits == 1 ? DAC1_DRIVE_NUM * (unit / DAC1_DRIVE_DEN) : 0;
  return roundDiv(read + dac, unit);
}

static int64_t adcConversionFj(const CimTarget *t) {
  int64_t bits = cimTargetAdcResolution(t);
  if (bits < ADC_MIN_BITS || bits > ADC_MAX_BITS)
    return 0;
  return adcFjByBits[bits - ADC_MIN_BITS];
}

int64_t cimTargetDerivedDefault(const CimTarget *t, CimTargetFieldId id) {
  switch (id) {
  case CIM_TARGET_FIELD_E_MVM:
    return mvmRowFj(t);
  case CIM_TARGET_FIELD_E_ADC:
    return adcConversionFj(t);
  default:
    break;
  }
  assert(!"no derived default for this field");
  return 0;
}

int64_t cimTargetDefaultOf(const CimTarget *t, CimTargetFieldId id) {
  CimTargetFieldId from = cimTargetFields[id].follows;
  if (from == CIM_TARGET_FIELD_DERIVED)
    return cimTargetDerivedDefault(t, id);
  if (from != CIM_TARGET_FIELD_NONE)
    return cimTargetFieldGet(t, from);
  return cimTargetFields[id].def;
}

void cimTargetApplyDependentDefaults(CimTarget *t) {
  for (int i = 0; i < CIM_TARGET_NUM_FIELDS; ++i)
    if (cimTargetFields[i].follows != CIM_TARGET_FIELD_NONE)
      cimTargetFieldSet(t, (CimTargetFieldId)i,
                        cimTargetDefaultOf(t, (CimTargetFieldId)i));
}
