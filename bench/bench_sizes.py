#!/usr/bin/python3
"""Program-size benchmark: how big ResNet-18's crossbar program gets.

    /usr/bin/python3 bench/bench_sizes.py BUILD_DIR RESULTS_FILE

Issue 19's goal: the `xbar` program and the ISA binary of ResNet-18 stay
under 2 MB each on the default, the 2-bit-cell and the OU-limited target
("structure, not repetition"). For each target, with the published policy
test/e2e/Inputs/resnet18-both_constraints-acc05-rcell4.json:

  cim-opt examples/models/resnet18.mlir --cim-compile='target=T policy=P'
          -o xbar.mlir                                  (sequential program)
  cim-opt ... --cim-compile='target=T policy=P schedule=true' -o sched.mlir
                                                     (multi-crossbar targets)
  cim-translate --mlir-to-cim-bin PROGRAM -o program.bin

and records the text size of each program, its number of xbar ops (and of
xbar.mvm among them), the binary's size, and CPU seconds and peak RSS of
each step (user + sys and ru_maxrss of the child). Appends the date,
machine, load, commit, the exact commands and the table to RESULTS_FILE.
Names the largest program and binary and whether the goal holds.
"""
import os
import platform
import re
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = "examples/models/resnet18.mlir"
POLICY = "test/e2e/Inputs/resnet18-both_constraints-acc05-rcell4.json"
TARGETS = [("default (reference)", "examples/targets/reference.json", False),
           ("2-bit cells", "examples/targets/reference-2bit-cells.json", False),
           ("OU 16, 64 crossbars", "examples/targets/multi-crossbar-ou.json",
            True)]
GOAL = 2 * 1024 * 1024
XBAR_OP = re.compile(rb'"xbar\.([a-z_0-9]+)"')


def run(cmd):
    """(CPU s, peak RSS MiB) of one run of cmd; exits on failure."""
    err = tempfile.TemporaryFile()
    p = subprocess.Popen(cmd, cwd=HERE, stdout=subprocess.DEVNULL, stderr=err)
    _, status, usage = os.wait4(p.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        err.seek(0)
        sys.exit("bench_sizes: %s failed:\n%s" % (
            " ".join(cmd), err.read().decode(errors="replace")))
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0


def count_ops(path):
    """(xbar ops, xbar.mvm ops) in a printed program."""
    total = mvm = 0
    with open(path, "rb") as f:
        for line in f:
            for m in XBAR_OP.finditer(line):
                total += 1
                mvm += m.group(1) == b"mvm"
    return total, mvm


def mib(n):
    return n / (1024.0 * 1024.0)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    build, out = sys.argv[1], sys.argv[2]
    cim_opt = os.path.join(build, "tools/cim-opt/cim-opt")
    translate = os.path.join(build, "tools/cim-translate/cim-translate")
    tmp = tempfile.mkdtemp(prefix="cim-bench-sizes-")
    commands, rows = [], []
    largest = (0, "")
    for name, target, schedule in TARGETS:
        variants = [("sequential", "")]
        if schedule:
            variants.append(("scheduled", " schedule=true"))
        for vname, extra in variants:
            tag = re.sub(r"[^a-z0-9]+", "-", (name + "-" + vname).lower())
            prog = os.path.join(tmp, tag + ".mlir")
            binary = os.path.join(tmp, tag + ".bin")
            compile_cmd = [cim_opt, MODEL,
                           "--cim-compile=target=%s policy=%s%s"
                           % (target, POLICY, extra), "-o", prog]
            translate_cmd = [translate, "--mlir-to-cim-bin", prog,
                             "-o", binary]
            for c in (compile_cmd, translate_cmd):
                commands.append(" ".join(shlex.quote(a) for a in c)
                                .replace(build, "BUILD")
                                .replace(tmp, "$TMP"))
            print("bench_sizes: %s, %s" % (name, vname), file=sys.stderr)
            ccpu, crss = run(compile_cmd)
            tcpu, trss = run(translate_cmd)
            text, bsize = os.path.getsize(prog), os.path.getsize(binary)
            ops, mvms = count_ops(prog)
            for size, what in ((text, "xbar text"), (bsize, "binary")):
                if size > largest[0]:
                    largest = (size, "%s of %s, %s" % (what, name, vname))
            rows.append("  %-22s %-10s %9.1f %9d %9d %9.1f   %6.2f %7.0f  %6.2f %7.0f"
                        % (name, vname, mib(text), ops, mvms, mib(bsize),
                           ccpu, crss, tcpu, trss))
            os.remove(prog)
            os.remove(binary)
    os.rmdir(tmp)
    load = os.getloadavg()[0]
    commit = subprocess.run(["git", "-C", HERE, "rev-parse", "--short",
                             "HEAD"], capture_output=True,
                            text=True).stdout.strip() or "unknown"
    lines = ["date: %s  host: %d cores, %s, load %.2f  commit: %s  build: %s"
             % (subprocess.run(["date", "-u", "+%Y-%m-%dT%H:%M:%SZ"],
                               capture_output=True, text=True).stdout.strip(),
                os.cpu_count(), platform.machine(), load, commit, build),
             "command: /usr/bin/python3 bench/bench_sizes.py BUILD RESULTS",
             "  ($TMP is a temp dir; the model and policy are ResNet-18's"
             " published policy)"]
    lines += ["  $ " + c for c in commands]
    lines.append("")
    lines.append("  %-22s %-10s %9s %9s %9s %9s   %6s %7s  %6s %7s"
                 % ("target", "program", "text MiB", "xbar ops", "mvm ops",
                    "bin MiB", "opt s", "opt MiB", "tr s", "tr MiB"))
    lines += rows
    verdict = "met" if largest[0] <= GOAL else "missed"
    lines.append("  largest: %.1f MiB (%s); goal <= 2 MiB each: %s"
                 % (mib(largest[0]), largest[1], verdict))
    text = "\n".join(lines) + "\n"
    print(text)
    with open(out, "a") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    main()
