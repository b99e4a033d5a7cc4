#!/usr/bin/env python3
"""Writes a deterministic .npy for every input of a cimlir program.

  cim-translate --cim-bin-to-asm PROG.bin | make_inputs.py DIR

Reads the program's `.input NAME TYPE[D0xD1x...]` lines (docs/isa.md) from
stdin, writes DIR/NAME.npy in the dtype cim-sim requires (docs/cim-sim.md)
and prints one `--input NAME=DIR/NAME.npy` argument per line. The values are
a fixed pattern spread over the element type's whole range,
lo + (37 * i + 11) mod (hi - lo + 1), so every run sees the same input
without NumPy or a random seed. Python standard library only.
"""
import re
import struct
import sys


def dtype(ty):
    m = re.fullmatch(r"([iu])(\d+)", ty)
    if not m:
        sys.exit("make_inputs.py: unsupported input element type '%s'" % ty)
    signed, bits = m.group(1) == "i", int(m.group(2))
    for width, (descr_s, descr_u, fmt_s, fmt_u) in (
            (8, ("|i1", "|u1", "b", "B")), (16, ("<i2", "<u2", "h", "H")),
            (32, ("<i4", "<u4", "i", "I")), (64, ("<i8", "<u8", "q", "Q"))):
        if bits <= width:
            lo = -(1 << (bits - 1)) if signed else 0
            hi = (1 << (bits - 1)) - 1 if signed else (1 << bits) - 1
            return ((descr_s, fmt_s) if signed else (descr_u, fmt_u)) + (lo, hi)
    sys.exit("make_inputs.py: element type '%s' is too wide" % ty)


def write_npy(path, descr, fmt, shape, values):
    shape_repr = "(" + ", ".join(str(d) for d in shape) + \
        ("," if len(shape) == 1 else "") + ")"
    header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (
        descr, shape_repr)
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)))
        f.write(header.encode("latin1"))
        f.write(struct.pack("<%d%s" % (len(values), fmt), *values))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out_dir = sys.argv[1]
    found = False
    for line in sys.stdin:
        m = re.match(r"\s*\.input\s+(\S+)\s+([iu]\d+)\[([0-9x]*)\]", line)
        if not m:
            continue
        found = True
        name, ty, dims = m.groups()
        shape = [int(d) for d in dims.split("x")] if dims else []
        descr, fmt, lo, hi = dtype(ty)
        count = 1
        for d in shape:
            count *= d
        span = hi - lo + 1
        values = [lo + (37 * i + 11) % span for i in range(count)]
        path = "%s/%s.npy" % (out_dir, name)
        write_npy(path, descr, fmt, shape, values)
        print("--input %s=%s" % (name, path))
    if not found:
        sys.exit("make_inputs.py: no .input line on stdin")


if __name__ == "__main__":
    main()
