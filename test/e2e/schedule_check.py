#!/usr/bin/env python3
"""Checks on schedule reports (docs/schedule.md) for the e2e tests.

  schedule_check.py same-latency SCHED.json ESTIMATE.json
      the schedule's latency equals the cost model's (cim-estimate report
      on cim IR: writes x t_write + MVMs x t_mvm) and the sequential time
  schedule_check.py multi SCHED.json MIN_COPIES MIN_WRITES_OVER_CROSSBARS
      a real multi-crossbar schedule: scheduled, more than one crossbar used,
      faster than sequential, latency >= every lower bound, at least
      MIN_COPIES tile copies, and writes > crossbars when the third argument
      is 1 (re-programming)
"""
import json
import sys


def main():
    what = sys.argv[1]
    s = json.load(open(sys.argv[2]))
    if what == "same-latency":
        e = json.load(open(sys.argv[3]))
        want = e["total"]["latency_ps"]
        ok = s["latency_ps"] == want == s["sequential_ps"]
        print("one crossbar: schedule %d ps, cost model %d ps, sequential %d "
              "ps: %s" % (s["latency_ps"], want, s["sequential_ps"],
                          "equal" if ok else "DIFFERENT"))
        return 0 if ok else 1
    min_copies, reprogram = int(sys.argv[3]), sys.argv[4] == "1"
    b = s["bounds"]
    problems = []
    if not s["scheduled"]:
        problems.append("not scheduled")
    if s["crossbars_used"] < 2:
        problems.append("one crossbar used")
    if not s["latency_ps"] < s["sequential_ps"]:
        problems.append("not faster than sequential")
    for k in ("work_ps", "write_ports_ps", "critical_path_ps", "bound_ps"):
        if s["latency_ps"] < b[k]:
            problems.append("latency below the %s bound" % k)
    if s["copies"] < min_copies:
        problems.append("%d copies < %d" % (s["copies"], min_copies))
    if reprogram and not s["writes"] > len(s["crossbars"]):
        problems.append("no crossbar re-programmed")
    print("multi-crossbar schedule: " + (", ".join(problems) or "ok"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
