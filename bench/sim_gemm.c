/*===-- sim_gemm.c - The plain integer GEMM cim-sim is measured against -===*
 *
 * cim-sim's goal (issue 19) is to run a network at most 2x slower than a
 * plain C int64 GEMM over the same layer shapes. This driver provides both
 * halves of that comparison's baseline:
 *
 *   sim_gemm --shapes MODEL.mlir   prints one line "M K N R" per layer
 *                                  (R products of [M,K] x [K,N]: groups or
 *                                  heads) from the model's layer table
 *   sim_gemm --gemm SHAPES         runs the int64 GEMMs of those shapes
 *                                  on deterministic int8-range values and
 *                                  prints the MACs and a checksum
 *
 * The GEMM runs in its own process, so that its CPU time and peak RSS
 * (measured by bench/bench_sim.py) are those of the arithmetic and its
 * tensors alone, without the MLIR context that reading the model needs.
 *===----------------------------------------------------------------------===*/

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cim-c/Model.h"

static void printError(MlirStringRef s, void *ud) {
  (void)ud;
  fprintf(stderr, "%.*s\n", (int)s.length, s.data);
}

static int shapes(const char *path) {
  CimModel model = cimModelLoadFile(path, printError, NULL);
  if (cimModelIsNull(model))
    return 1;
  for (intptr_t i = 0; i < cimModelGetNumLayers(model); ++i) {
    int64_t m = cimModelGetLayerField(model, i, CIM_MODEL_LAYER_INVOCATIONS);
    int64_t k = cimModelGetLayerField(model, i, CIM_MODEL_LAYER_IN_DIM);
    int64_t n = cimModelGetLayerField(model, i, CIM_MODEL_LAYER_OUT_DIM);
    int64_t r = cimModelGetLayerField(model, i, CIM_MODEL_LAYER_REPEAT);
    printf("%" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 "\n", m, k, n, r);
  }
  cimModelDestroy(model);
  return 0;
}

/// A deterministic value in [lo, lo + span) (xorshift64).
static int64_t next(uint64_t *s, int64_t lo, int64_t span) {
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return lo + (int64_t)(*s % (uint64_t)span);
}

/// C[M,N] = A[M,K] x W[K,N] in int64, row by row (the loop order a plain C
/// GEMM uses: the inner loop runs along a row of W and of C).
static void gemm(const int64_t *a, const int64_t *w, int64_t *c, int64_t m,
                 int64_t k, int64_t n) {
  memset(c, 0, (size_t)(m * n) * sizeof *c);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t p = 0; p < k; ++p) {
      int64_t x = a[i * k + p];
      const int64_t *wr = w + p * n;
      int64_t *cr = c + i * n;
      for (int64_t j = 0; j < n; ++j)
        cr[j] += x * wr[j];
    }
}

static int runGemms(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) {
    perror(path);
    return 1;
  }
  int64_t m, k, n, r, macs = 0, checksum = 0;
  uint64_t seed = 0x9e3779b97f4a7c15u;
  while (fscanf(f, "%" SCNd64 " %" SCNd64 " %" SCNd64 " %" SCNd64, &m, &k, &n,
                &r) == 4) {
    int64_t *a = malloc((size_t)(m * k) * sizeof *a);
    int64_t *w = malloc((size_t)(k * n) * sizeof *w);
    int64_t *c = malloc((size_t)(m * n) * sizeof *c);
    if (!a || !w || !c) {
      fprintf(stderr, "out of memory\n");
      return 1;
    }
    for (int64_t g = 0; g < r; ++g) {
      for (int64_t i = 0; i < m * k; ++i)
        a[i] = next(&seed, 0, 256);
      for (int64_t i = 0; i < k * n; ++i)
        w[i] = next(&seed, -128, 256);
      gemm(a, w, c, m, k, n);
      for (int64_t i = 0; i < m * n; ++i)
        checksum += c[i] * (i % 7 + 1);
      macs += m * k * n;
    }
    free(a);
    free(w);
    free(c);
  }
  fclose(f);
  printf("macs %" PRId64 " checksum %" PRId64 "\n", macs, checksum);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "--shapes") == 0)
    return shapes(argv[2]);
  if (argc == 3 && strcmp(argv[1], "--gemm") == 0)
    return runGemms(argv[2]);
  fprintf(stderr, "usage: %s --shapes MODEL.mlir | --gemm SHAPES\n", argv[0]);
  return 1;
}
