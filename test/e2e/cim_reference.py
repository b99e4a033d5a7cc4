#!/usr/bin/env python3
"""An independent integer interpreter of `cim`-level IR (issue 6, item 4).

Reads the output of `cim-opt ... --convert-linalg-to-cim` (default or generic
form) and evaluates one function in plain Python integers, every op written
out from its definition in docs/dialects/cim.md with nested loops. Nothing
here imports or calls the compiler or the simulator: it is the reference the
compiled program (cim-sim) must match bit for bit.

  cim_reference.py IR.mlir --input NAME=FILE.npy ... --output-dir DIR
      writes every function result as DIR/result<i>.npy (cim-sim's names
      and dtypes: i1..i8 int8, i9..i16 int16, i17..i32 int32, else int64)

Parsed: func.func arguments and results, `arith.constant dense<...>`
integer tensors (lists, splats, hex), the cim ops, func.return. Anything
else is an error, so an op the reference does not know cannot be skipped.
Also .npy reading/writing (standard library only, little-endian ints).
"""
import argparse
import ast
import os
import re
import struct
import sys

# ---------------------------------------------------------------- .npy I/O

NPY_FORMATS = {"|i1": "b", "<i2": "h", "<i4": "i", "<i8": "q",
               "|u1": "B", "<u2": "H", "<u4": "I", "<u8": "Q",
               "|b1": "?"}


def npy_read(path):
    """Returns (shape tuple, list of ints)."""
    data = open(path, "rb").read()
    if data[:6] != b"\x93NUMPY":
        raise ValueError("%s: not a .npy file" % path)
    major = data[6]
    if major == 1:
        (hlen,) = struct.unpack("<H", data[8:10])
        start = 10
    else:
        (hlen,) = struct.unpack("<I", data[8:12])
        start = 12
    header = ast.literal_eval(data[start:start + hlen].decode("latin1"))
    if header.get("fortran_order"):
        raise ValueError("%s: fortran order not supported" % path)
    shape = tuple(header["shape"])
    count = 1
    for d in shape:
        count *= d
    fmt = NPY_FORMATS[header["descr"]]
    values = struct.unpack_from("<%d%s" % (count, fmt), data, start + hlen)
    return shape, [int(v) for v in values]


def npy_write(path, descr, shape, values):
    shape_repr = "(" + ", ".join(str(d) for d in shape) + \
        ("," if len(shape) == 1 else "") + ")"
    header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (
        descr, shape_repr)
    total = 10 + len(header) + 1
    header += " " * ((64 - total % 64) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)))
        f.write(header.encode("latin1"))
        f.write(struct.pack("<%d%s" % (len(values), NPY_FORMATS[descr]),
                            *values))


def npy_descr(bits):
    """cim-sim's dtype for a signless iN storage type."""
    if bits <= 8:
        return "|i1"
    if bits <= 16:
        return "<i2"
    if bits <= 32:
        return "<i4"
    return "<i8"


# ---------------------------------------------------------------- tensors


class Tensor:
    """A row-major tensor of Python ints with its iN element type."""

    def __init__(self, shape, bits, data):
        self.shape = tuple(shape)
        self.bits = bits
        self.data = list(data)
        assert len(self.data) == prod(self.shape), (self.shape, len(data))

    def strides(self):
        s, acc = [], 1
        for d in reversed(self.shape):
            s.append(acc)
            acc *= d
        return tuple(reversed(s))


def prod(xs):
    p = 1
    for x in xs:
        p *= x
    return p


def parse_tensor_type(text):
    """'tensor<1x4x8x8xi32>' -> ((1, 4, 8, 8), 32)."""
    m = re.fullmatch(r"\s*tensor<((?:\d+x)*)i(\d+)>\s*", text)
    if not m:
        raise ValueError("unsupported type %r" % text)
    dims = tuple(int(d) for d in m.group(1).split("x") if d)
    return dims, int(m.group(2))


def srange(bits):
    return -(1 << (bits - 1)), (1 << (bits - 1)) - 1


def check_fits(t, what):
    lo, hi = srange(t.bits)
    for i, v in enumerate(t.data):
        if v < lo or v > hi:
            raise ValueError("%s: element %d = %d does not fit i%d"
                             % (what, i, v, t.bits))


# ---------------------------------------------------------------- arithmetic


def rne(p, q):
    """The integer nearest to p / q (q > 0), ties to even; exact."""
    assert q > 0
    d, r = divmod(p, q)  # floor division, 0 <= r < q
    if 2 * r > q or (2 * r == q and d % 2 == 1):
        d += 1
    return d


def clamp(v, lo, hi):
    return min(max(v, lo), hi)


# ---------------------------------------------------------------- parsing


def split_top(text, sep=","):
    """Splits at `sep` outside (), [], <>, {} and strings."""
    parts, depth, cur, in_str = [], 0, [], False
    for ch in text:
        if in_str:
            cur.append(ch)
            if ch == '"':
                in_str = False
            continue
        if ch == '"':
            in_str = True
        elif ch in "([<{":
            depth += 1
        elif ch in ")]>}":
            depth -= 1
        if ch == sep and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    if "".join(cur).strip():
        parts.append("".join(cur))
    return [p.strip() for p in parts]


def parse_attr_value(text):
    text = text.strip()
    if text in ("true", "false"):
        return text == "true"
    if text.startswith('"'):
        return text[1:-1]
    m = re.fullmatch(r"array<i64(?::(.*))?>", text)
    if m:
        body = m.group(1) or ""
        return [int(x) for x in body.split(",") if x.strip()]
    m = re.fullmatch(r"(-?\d+)(?:\s*:\s*i\d+)?", text)
    if m:
        return int(m.group(1))
    return text  # not needed by any op; kept as text


def parse_attr_dict(text):
    attrs = {}
    for item in split_top(text):
        if not item:
            continue
        key, _, value = item.partition("=")
        attrs[key.strip()] = parse_attr_value(value) if _ else True
    return attrs


def parse_dense(body, shape, bits):
    """The elements of dense<body> : tensor<shape x iN>, row-major."""
    n = prod(shape)
    body = body.strip()
    if body.startswith('"0x'):
        raw = bytes.fromhex(body[3:-1])
        if bits == 1:
            raise ValueError("hex i1 constants are not supported")
        width = (bits + 7) // 8
        count = len(raw) // width
        if count not in (1, n) or len(raw) % width:
            raise ValueError("hex constant of %d bytes for %d x i%d"
                             % (len(raw), n, bits))
        vals = []
        for i in range(count):
            v = int.from_bytes(raw[i * width:(i + 1) * width], "little")
            v &= (1 << bits) - 1
            if v >= 1 << (bits - 1):
                v -= 1 << bits
            vals.append(v)
        return vals * n if count == 1 else vals
    if body in ("true", "false"):
        return [-1 if body == "true" else 0] * n
    if not body.startswith("["):
        return [int(body)] * n  # splat
    flat = [(-1 if x == "true" else 0) if x in ("true", "false") else int(x)
            for x in re.findall(r"-?\d+|true|false", body)]
    if len(flat) != n:
        raise ValueError("dense literal has %d elements, type %d"
                         % (len(flat), n))
    return flat


def strip_comment(line):
    # No string in the ops we parse contains "//".
    i = line.find("//")
    return line if i < 0 else line[:i]


def join_statements(text):
    """One op per line, as MLIR's printer writes them."""
    stmts = []
    for line in text.splitlines():
        line = strip_comment(line).strip()
        if line:
            stmts.append(line)
    return stmts


def parse_function(text, entry=None):
    """Returns (arg names, arg types, list of statements, result types)."""
    stmts = join_statements(text)
    for i, s in enumerate(stmts):
        m = re.match(r"^func\.func\s+(?:private\s+)?@([\w.$]+)\((.*?)\)\s*"
                     r"(?:->\s*(.*?))?\s*(?:attributes\s*\{.*\})?\s*\{$", s)
        if not m:
            continue
        if entry and m.group(1) != entry:
            continue
        args = []
        for a in split_top(m.group(2)):
            am = re.match(r"(%[\w.$]+)\s*:\s*(tensor<[^>]*>)", a)
            if not am:
                raise ValueError("unsupported argument %r" % a)
            args.append((am.group(1), parse_tensor_type(am.group(2))))
        body = []
        for s2 in stmts[i + 1:]:
            if s2 == "}":
                break
            body.append(s2)
        return args, body
    raise ValueError("no func.func found (generic func form not supported; "
                     "print the default form)")


# ---------------------------------------------------------------- ops


def op_matmul(a, w, attrs, rtype):
    (rshape, rbits) = rtype
    check_operand_range(a, attrs["a_bits"], attrs["a_signed"], "activation")
    check_operand_range(w, attrs["w_bits"], attrs["w_signed"], "weight")
    av = as_mv(a, attrs["a_bits"], attrs["a_signed"])
    wv = as_mv(w, attrs["w_bits"], attrs["w_signed"])
    if len(a.shape) == 2:
        M, K = a.shape
        K2, N = w.shape
        B = 1
    else:
        B, M, K = a.shape
        B2, K2, N = w.shape
        assert B == B2
    assert K == K2
    out = [0] * (B * M * N)
    for b in range(B):
        for m in range(M):
            for n in range(N):
                s = 0
                for k in range(K):
                    s += av[(b * M + m) * K + k] * wv[(b * K + k) * N + n]
                out[(b * M + m) * N + n] = s
    r = Tensor(rshape, rbits, out)
    assert prod(rshape) == len(out)
    return r


def check_operand_range(t, bits, signed, what):
    if signed:
        lo, hi = srange(bits)
    else:
        lo, hi = 0, (1 << bits) - 1
    for i, v in enumerate(t.data):
        if not lo <= v <= hi:
            raise ValueError("%s element %d = %d outside the %d-bit %s range"
                             % (what, i, v, bits,
                                "signed" if signed else "unsigned"))


def as_mv(t, bits, signed):
    """Matrix-vector operand: unsigned operands read as `bits`-bit values."""
    if signed:
        return t.data
    return [v & ((1 << bits) - 1) for v in t.data]


def op_conv2d(x, w, attrs, rtype):
    rshape, rbits = rtype
    check_operand_range(x, attrs["a_bits"], attrs["a_signed"], "activation")
    check_operand_range(w, attrs["w_bits"], attrs["w_signed"], "weight")
    xv = as_mv(x, attrs["a_bits"], attrs["a_signed"])
    wv = as_mv(w, attrs["w_bits"], attrs["w_signed"])
    sh, sw = attrs["strides"]
    dh, dw = attrs["dilations"]
    top, left, bottom, right = attrs["padding"]
    groups = attrs["groups"]
    pad = attrs["pad_value"]
    layout = attrs["layout"]
    if layout == "nchw_fchw":
        B, C, H, W = x.shape
        F, Cg, KH, KW = w.shape

        def xi(b, c, h, ww):
            return ((b * C + c) * H + h) * W + ww

        def wi(f, c, i, j):
            return ((f * Cg + c) * KH + i) * KW + j
    elif layout == "nhwc_hwcf":
        B, H, W, C = x.shape
        KH, KW, Cg, F = w.shape

        def xi(b, c, h, ww):
            return ((b * H + h) * W + ww) * C + c

        def wi(f, c, i, j):
            return ((i * KW + j) * Cg + c) * F + f
    else:
        raise ValueError("unknown layout %r" % layout)
    assert C == Cg * groups and F % groups == 0
    Fg = F // groups
    OH = (H + top + bottom - dh * (KH - 1) - 1) // sh + 1
    OW = (W + left + right - dw * (KW - 1) - 1) // sw + 1
    if layout == "nchw_fchw":
        oshape = (B, F, OH, OW)
    else:
        oshape = (B, OH, OW, F)
    assert tuple(rshape) == oshape, (rshape, oshape)
    out = [0] * prod(oshape)
    for b in range(B):
        for f in range(F):
            g = f // Fg
            for oh in range(OH):
                for ow in range(OW):
                    s = 0
                    for c in range(Cg):
                        for i in range(KH):
                            for j in range(KW):
                                h = oh * sh + i * dh - top
                                ww = ow * sw + j * dw - left
                                if 0 <= h < H and 0 <= ww < W:
                                    xvv = xv[xi(b, g * Cg + c, h, ww)]
                                else:
                                    xvv = pad
                                s += xvv * wv[wi(f, c, i, j)]
                    if layout == "nchw_fchw":
                        o = ((b * F + f) * OH + oh) * OW + ow
                    else:
                        o = ((b * OH + oh) * OW + ow) * F + f
                    out[o] = s
    return Tensor(rshape, rbits, out)


def op_requantize(x, bias, attrs, rtype):
    rshape, rbits = rtype
    mult, shift = attrs["multiplier"], attrs["shift"]
    axis = attrs["axis"]
    izp, ozp = attrs["in_zero_point"], attrs["out_zero_point"]
    qmin, qmax = attrs["qmin"], attrs["qmax"]
    strides = x.strides()
    out = []
    for idx, v in enumerate(x.data):
        c = (idx // strides[axis]) % x.shape[axis] if x.shape else 0
        b = bias.data[c] if bias is not None else 0
        m = mult[c] if len(mult) > 1 else mult[0]
        s = shift[c] if len(shift) > 1 else shift[0]
        assert m >= 0 and 0 <= s <= 62
        r = rne((v + b - izp) * m, 1 << s) + ozp
        out.append(clamp(r, qmin, qmax))
    return Tensor(rshape, rbits, out)


def op_clamp(x, attrs, rtype):
    return Tensor(rtype[0], rtype[1],
                  [clamp(v, attrs["min"], attrs["max"]) for v in x.data])


def op_lut(x, attrs, rtype):
    table, in_min = attrs["table"], attrs["in_min"]
    return Tensor(rtype[0], rtype[1],
                  [table[clamp(v - in_min, 0, len(table) - 1)]
                   for v in x.data])


def op_pool(x, attrs, rtype):
    rshape, rbits = rtype
    kind, layout = attrs["kind"], attrs["layout"]
    KH, KW = attrs["window"]
    sh, sw = attrs["strides"]
    top, left, bottom, right = attrs["padding"]
    if layout == "nchw":
        B, C, H, W = x.shape

        def xi(b, c, h, w):
            return ((b * C + c) * H + h) * W + w
    else:
        B, H, W, C = x.shape

        def xi(b, c, h, w):
            return ((b * H + h) * W + w) * C + c
    OH = (H + top + bottom - KH) // sh + 1
    OW = (W + left + right - KW) // sw + 1
    oshape = (B, C, OH, OW) if layout == "nchw" else (B, OH, OW, C)
    assert tuple(rshape) == oshape, (rshape, oshape)
    out = [0] * prod(oshape)
    for b in range(B):
        for c in range(C):
            for oh in range(OH):
                for ow in range(OW):
                    vals = []
                    for i in range(KH):
                        for j in range(KW):
                            h = oh * sh + i - top
                            w = ow * sw + j - left
                            if 0 <= h < H and 0 <= w < W:
                                vals.append(x.data[xi(b, c, h, w)])
                    assert vals, "window with no input position"
                    if kind == "max":
                        r = max(vals)
                    elif kind == "avg":
                        r = rne(sum(vals), len(vals))
                    else:
                        raise ValueError("unknown pool kind %r" % kind)
                    if layout == "nchw":
                        o = ((b * C + c) * OH + oh) * OW + ow
                    else:
                        o = ((b * OH + oh) * OW + ow) * C + c
                    out[o] = r
    return Tensor(rshape, rbits, out)


def op_add(a, b, rtype):
    assert a.shape == b.shape
    return Tensor(rtype[0], rtype[1],
                  [u + v for u, v in zip(a.data, b.data)])


def op_reshape(x, rtype):
    assert prod(rtype[0]) == len(x.data)
    return Tensor(rtype[0], rtype[1], x.data)


def unravel(i, shape):
    idx = []
    for d in reversed(shape):
        idx.append(i % d)
        i //= d
    return list(reversed(idx))


def ravel(idx, shape):
    i = 0
    for k, d in zip(idx, shape):
        i = i * d + k
    return i


def op_transpose(x, attrs, rtype):
    perm = attrs["permutation"]
    rshape = rtype[0]
    assert tuple(rshape) == tuple(x.shape[p] for p in perm)
    out = [0] * len(x.data)
    for o in range(len(out)):
        ridx = unravel(o, rshape)
        iidx = [0] * len(perm)
        for i, p in enumerate(perm):
            iidx[p] = ridx[i]
        out[o] = x.data[ravel(iidx, x.shape)]
    return Tensor(rshape, rtype[1], out)


def op_slice(x, attrs, rtype):
    offs = attrs["offsets"]
    rshape = rtype[0]
    out = []
    for o in range(prod(rshape)):
        ridx = unravel(o, rshape)
        out.append(x.data[ravel([r + f for r, f in zip(ridx, offs)],
                                x.shape)])
    return Tensor(rshape, rtype[1], out)


def op_concat(a, b, attrs, rtype):
    axis = attrs["axis"]
    rshape = rtype[0]
    out = []
    for o in range(prod(rshape)):
        idx = unravel(o, rshape)
        if idx[axis] < a.shape[axis]:
            out.append(a.data[ravel(idx, a.shape)])
        else:
            idx[axis] -= a.shape[axis]
            out.append(b.data[ravel(idx, b.shape)])
    return Tensor(rshape, rtype[1], out)


def op_softmax(x, attrs, rtype):
    axis = attrs["axis"]
    table, one = attrs["exp_table"], attrs["one"]
    ozp, qmin, qmax = attrs["out_zero_point"], attrs["qmin"], attrs["qmax"]
    out = [0] * len(x.data)
    n = x.shape[axis]
    stride = x.strides()[axis]
    for base in range(len(x.data)):
        if (base // stride) % n:
            continue
        row = [base + j * stride for j in range(n)]
        mx = max(x.data[i] for i in row)
        es = [table[min(mx - x.data[i], len(table) - 1)] for i in row]
        tot = sum(es)
        for i, e in zip(row, es):
            out[i] = clamp(rne(e * one, tot) + ozp, qmin, qmax)
    return Tensor(rtype[0], rtype[1], out)


def isqrt(v):
    if v < 0:
        raise ValueError("isqrt of a negative number")
    r = int(v ** 0.5) if v < (1 << 52) else 1 << ((v.bit_length() + 1) // 2)
    while r * r > v:
        r = (r + v // r) // 2
    while (r + 1) * (r + 1) <= v:
        r += 1
    return r


def op_layer_norm(x, attrs, rtype):
    axis, f = attrs["axis"], attrs["frac_bits"]
    gamma, beta, eps = attrs["gamma"], attrs["beta"], attrs["eps"]
    mult, shift = attrs["multiplier"], attrs["shift"]
    ozp, qmin, qmax = attrs["out_zero_point"], attrs["qmin"], attrs["qmax"]
    out = [0] * len(x.data)
    n = x.shape[axis]
    stride = x.strides()[axis]
    for base in range(len(x.data)):
        if (base // stride) % n:
            continue
        row = [base + j * stride for j in range(n)]
        s = sum(x.data[i] for i in row)
        cs = [n * x.data[i] - s for i in row]
        v = sum(c * c for c in cs)
        D = isqrt((v << (2 * f)) // (n ** 3) + eps)
        for j, i in enumerate(row):
            z = 0 if D == 0 else rne(cs[j] << (2 * f), n * D)
            out[i] = clamp(rne((z * gamma[j] + beta[j]) * mult, 1 << shift)
                           + ozp, qmin, qmax)
    return Tensor(rtype[0], rtype[1], out)


# ---------------------------------------------------------------- evaluator

RE_CONST = re.compile(r"^(%[\w.$]+)\s*=\s*(?:arith\.constant|\"arith\.constant\""
                      r"\(\)\s*<\{value\s*=)\s*dense<(.*)>\s*(?:\}>)?\s*:\s*"
                      r"(?:\(\)\s*->\s*)?(tensor<[^>]*>)$")
RE_OP = re.compile(r'^(%[\w.$]+)\s*=\s*"(cim\.\w+)"\((.*?)\)\s*'
                   r"(?:<\{(.*)\}>|\{(.*)\})?\s*:\s*\((.*)\)\s*->\s*"
                   r"(tensor<[^>]*>)$")
RE_RET = re.compile(r'^(?:return|func\.return|"func\.return")\s*\(?(.*?)\)?'
                    r"\s*:\s*(.*)$")


def evaluate(text, inputs, entry=None, trace=None):
    """inputs: {name without %: (shape, values)}. Returns result tensors.
    trace: a file to print each op's result range and distinct values to."""
    args, body = parse_function(text, entry)
    env = {}
    for name, (shape, bits) in args:
        key = name[1:]
        if key not in inputs:
            raise ValueError("missing input %s" % key)
        ishape, vals = inputs[key]
        if tuple(ishape) != tuple(shape):
            raise ValueError("input %s: shape %s, expected %s"
                             % (key, ishape, shape))
        t = Tensor(shape, bits, vals)
        check_fits(t, "input " + key)
        env[name] = t
    for s in body:
        m = RE_CONST.match(s)
        if m:
            shape, bits = parse_tensor_type(m.group(3))
            env[m.group(1)] = Tensor(shape, bits,
                                     parse_dense(m.group(2), shape, bits))
            check_fits(env[m.group(1)], m.group(1))
            continue
        m = RE_RET.match(s)
        if m:
            names = [n.strip() for n in m.group(1).split(",") if n.strip()]
            return [env[n] for n in names]
        m = RE_OP.match(s)
        if not m:
            raise ValueError("cannot interpret: %s" % s[:200])
        res, opname, operands = m.group(1), m.group(2), m.group(3)
        attrs = parse_attr_dict(m.group(4) or m.group(5) or "")
        ops = [env[o.strip()] for o in operands.split(",") if o.strip()]
        rtype = parse_tensor_type(m.group(7))
        if opname == "cim.matmul":
            r = op_matmul(ops[0], ops[1], attrs, rtype)
        elif opname == "cim.conv2d":
            r = op_conv2d(ops[0], ops[1], attrs, rtype)
        elif opname == "cim.requantize":
            r = op_requantize(ops[0], ops[1] if len(ops) > 1 else None,
                              attrs, rtype)
        elif opname == "cim.clamp":
            r = op_clamp(ops[0], attrs, rtype)
        elif opname == "cim.lut":
            r = op_lut(ops[0], attrs, rtype)
        elif opname == "cim.pool":
            r = op_pool(ops[0], attrs, rtype)
        elif opname == "cim.add":
            r = op_add(ops[0], ops[1], rtype)
        elif opname == "cim.reshape":
            r = op_reshape(ops[0], rtype)
        elif opname == "cim.transpose":
            r = op_transpose(ops[0], attrs, rtype)
        elif opname == "cim.slice":
            r = op_slice(ops[0], attrs, rtype)
        elif opname == "cim.concat":
            r = op_concat(ops[0], ops[1], attrs, rtype)
        elif opname == "cim.softmax":
            r = op_softmax(ops[0], attrs, rtype)
        elif opname == "cim.layer_norm":
            r = op_layer_norm(ops[0], attrs, rtype)
        else:
            raise ValueError("op %s is not interpreted" % opname)
        # Results must hold every value (the ops do not wrap).
        check_fits(r, "%s (%s)" % (res, opname))
        env[res] = r
        if trace:
            print("%s = %s: min %d max %d distinct %d zeros %d/%d"
                  % (res, opname, min(r.data), max(r.data), len(set(r.data)),
                     r.data.count(0), len(r.data)), file=trace)
    raise ValueError("function has no return")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("ir")
    p.add_argument("--input", action="append", default=[],
                   metavar="NAME=FILE.npy")
    p.add_argument("--output-dir", required=True)
    p.add_argument("--entry")
    p.add_argument("--trace", action="store_true",
                   help="print every op's result range to stdout")
    a = p.parse_args()
    inputs = {}
    for spec in a.input:
        name, _, path = spec.partition("=")
        inputs[name] = npy_read(path)
    try:
        results = evaluate(open(a.ir).read(), inputs, a.entry,
                           sys.stdout if a.trace else None)
    except ValueError as e:
        sys.exit("cim_reference.py: error: %s" % e)
    for i, r in enumerate(results):
        npy_write(os.path.join(a.output_dir, "result%d.npy" % i),
                  npy_descr(r.bits), r.shape, r.data)


if __name__ == "__main__":
    main()
