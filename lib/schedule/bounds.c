/*===-- bounds.c - The write-fill lower bound of a schedule ---------------===*
 *
 * A crossbar computes only after a write has put a tile on it, and writes
 * reach the crossbars through the write ports, at most `P` at a time. So in
 * a schedule of length T a crossbar whose first write ends at f gives at
 * most T - f of MVM time, and the i-th write to end (over all crossbars)
 * ends no earlier than ceil(i / P) x d, d the shortest write. The MVM time
 * of the program must fit in what C crossbars can give:
 *
 *   W <= sum_{i = 1 .. C} max(0, T - ceil(i / P) x d)
 *
 * The least T that satisfies it is the `write_fill` bound
 * (docs/schedule.md, "Bounds", has the proof).
 *===----------------------------------------------------------------------===*/

#include "ScheduleInternal.h"

__extension__ typedef __int128 Wide;

/// MVM time that `C` crossbars fed by `P` ports (writes of at least `d`)
/// can give by time T: the sum above, in closed form. With n the number of
/// positive terms (ceil(i / P) d < T, i <= C) and n = qP + r,
/// sum_{i <= n} ceil(i / P) = P q (q + 1) / 2 + r (q + 1).
static Wide capacity(int64_t T, int64_t C, int64_t P, int64_t d) {
  if (T <= 0)
    return 0;
  Wide n = C;
  if (d > 0) {
    Wide g = (T - 1) / d; /* groups of P writes that end before T */
    if ((Wide)P * g < n)
      n = (Wide)P * g;
  }
  Wide q = n / P, r = n % P;
  Wide groups = (Wide)P * q * (q + 1) / 2 + r * (q + 1);
  return n * T - (Wide)d * groups;
}

int64_t cimScheduleWriteFillBound(int64_t mvmPs, int64_t minWritePs,
                                  int64_t crossbars, int64_t ports) {
  if (mvmPs <= 0)
    return 0;
  int64_t C = crossbars > 0 ? crossbars : 1, P = ports > 0 ? ports : 1;
  int64_t d = minWritePs > 0 ? minWritePs : 0;
  /* At T = mvmPs + d the first write's crossbar alone gives mvmPs. */
  int64_t lo = 0, hi;
  if (__builtin_add_overflow(mvmPs, d, &hi))
    hi = INT64_MAX;
  /* capacity(lo) < mvmPs <= capacity(hi); capacity grows with T. */
  while (hi - lo > 1) {
    int64_t mid = lo + (hi - lo) / 2;
    if (capacity(mid, C, P, d) >= mvmPs)
      hi = mid;
    else
      lo = mid;
  }
  return hi;
}
