/*===-- suggest.c - Edit distance and "did you mean" suggestions -----------===*
 *
 * One rule for every tool and for the pipeline parser: the closest candidate
 * within length / 3 + 1 edits of what was typed (cim-c/Tooling.h).
 *===----------------------------------------------------------------------===*/

#include "cim-c/Tooling.h"

#include <stdlib.h>
#include <string.h>

intptr_t cimEditDistance(MlirStringRef a, MlirStringRef b,
                         intptr_t maxDistance) {
  size_t n = a.length, m = b.length;
  size_t *row = malloc((m + 1) * sizeof *row);
  if (!row)
    return -1;
  for (size_t j = 0; j <= m; ++j)
    row[j] = j;
  for (size_t i = 1; i <= n; ++i) {
    size_t diagonal = row[0]; /* row[i-1][j-1] */
    row[0] = i;
    size_t best = row[0];
    for (size_t j = 1; j <= m; ++j) {
      size_t above = row[j];
      size_t replace = diagonal + (a.data[i - 1] == b.data[j - 1] ? 0 : 1);
      size_t remove = above + 1, insert = row[j - 1] + 1;
      size_t d = replace < remove ? replace : remove;
      row[j] = d < insert ? d : insert;
      diagonal = above;
      if (row[j] < best)
        best = row[j];
    }
    /* Every later row is at least the smallest entry of this one. */
    if (maxDistance > 0 && best > (size_t)maxDistance) {
      free(row);
      return maxDistance + 1;
    }
  }
  size_t d = row[m];
  free(row);
  if (maxDistance > 0 && d > (size_t)maxDistance)
    return maxDistance + 1;
  return (intptr_t)d;
}

CimSuggester cimSuggesterCreate(MlirStringRef typed) {
  intptr_t limit = (intptr_t)typed.length / 3 + 1;
  return (CimSuggester){
      .typed = typed, .best = NULL, .bestDistance = limit + 1};
}

intptr_t cimSuggesterDistance(const CimSuggester *suggester,
                              const char *candidate) {
  intptr_t d = cimEditDistance(suggester->typed,
                               mlirStringRefCreateFromCString(candidate),
                               suggester->bestDistance);
  return d < 0 ? suggester->bestDistance : d;
}

bool cimSuggesterConsider(CimSuggester *suggester, const char *candidate) {
  intptr_t d = cimSuggesterDistance(suggester, candidate);
  if (d >= suggester->bestDistance)
    return false;
  suggester->best = candidate;
  suggester->bestDistance = d;
  return true;
}
