#!/usr/bin/env python3
"""Writes and reads small .npy files without NumPy (for cim-sim's lit tests).

  npy.py write FILE DESCR SHAPE VALUES   e.g. write a.npy '|i1' 2x3 1,-2,0,-1,1,1
  npy.py read FILE                        prints "DESCR SHAPE: v v v ..."

SHAPE is "2x3" ("" for a scalar); VALUES comma-separated integers, or
FILL:N for N copies of one value.
"""
import ast
import struct
import sys

FORMATS = {"|i1": "b", "<i2": "h", "<i4": "i", "<i8": "q",
           "|u1": "B", "<u2": "H", "<u4": "I", "<u8": "Q", "<f4": "f"}


def write(path, descr, shape_text, values_text):
    shape = tuple(int(d) for d in shape_text.split("x")) if shape_text else ()
    if ":" in values_text:
        v, n = values_text.split(":")
        values = [float(v) if descr == "<f4" else int(v)] * int(n)
    else:
        values = [float(v) if descr == "<f4" else int(v)
                  for v in values_text.split(",") if v != ""]
    shape_repr = "(" + "".join(f"{d}, " for d in shape).rstrip(" ") + ")"
    if len(shape) > 1:
        shape_repr = shape_repr.replace(",)", ")")
    header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (
        descr, shape_repr)
    total = 10 + len(header) + 1
    header += " " * ((64 - total % 64) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)))
        f.write(header.encode("latin1"))
        f.write(struct.pack("<%d%s" % (len(values), FORMATS[descr]), *values))


def read(path):
    data = open(path, "rb").read()
    assert data[:6] == b"\x93NUMPY", "bad magic"
    (hlen,) = struct.unpack("<H", data[8:10])
    header = ast.literal_eval(data[10:10 + hlen].decode("latin1"))
    shape = header["shape"]
    count = 1
    for d in shape:
        count *= d
    fmt = FORMATS[header["descr"]]
    values = struct.unpack_from("<%d%s" % (count, fmt), data, 10 + hlen)
    print("%s %s: %s" % (header["descr"], "x".join(map(str, shape)),
                         " ".join(map(str, values))))


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(*sys.argv[2:6])
    else:
        read(sys.argv[2])
