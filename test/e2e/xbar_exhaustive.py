#!/usr/bin/env python3
"""Exhaustive numeric check of the crossbar mapping (issue 5, item 8).

For every weight mapping, cell width 1..4, DAC width 1..2, OU limit and every
weight/activation width 1..4 (signed and unsigned), this script writes one
cim layer per case whose operands enumerate every pair of values, lowers it
with cim-opt, and executes the resulting xbar program with its own
interpreter of docs/dialects/xbar.md. The result must equal a x w computed
directly with Python integers: the interpreter is a second implementation of
the xbar semantics, the direct product an independent reference.

Usage: xbar_exhaustive.py CIM_OPT
"""

import itertools
import json
import re
import subprocess
import sys

MAPPINGS = ["differential-column", "differential-row", "offset"]


def target_attr(rows, cols, cell, dac, adc, mapping, ou):
    return ('#cim.target<%d, %d, %d, %d, %d, "%s", "twos-complement", 1, %d, 1, '
            '56000000, 1400000, 0, 0, 0, 0, 0, 0, 0, 0>'
            % (rows, cols, cell, dac, adc, mapping, ou))


def value_range(bits, signed):
    return range(-(1 << (bits - 1)), 1 << (bits - 1)) if signed \
        else range(0, 1 << bits)


# ----------------------------------------------------------------------------
# Cases: a [M, 2] holds every activation value x in column 0 and the values
# reversed in column 1, w [2, N] every weight value in row 0 and the values
# reversed in row 1, so r[m, n] = x * w[n] + y * w[N-1-n] covers every
# product of an activation and a weight value, plus a two-term sum.
# ----------------------------------------------------------------------------

def matmul_case(name, wb, ab, ws, as_):
    wv = list(value_range(wb, ws))
    av = list(value_range(ab, as_))
    a = [[x, y] for x, y in zip(av, av[::-1])]
    w = [wv, wv[::-1]]
    m, n = len(a), len(wv)
    text = ('func.func @%s(%%a: tensor<%dx2xi%d>) -> tensor<%dx%dxi32> {\n'
            '  %%w = arith.constant dense<%s> : tensor<2x%dxi%d>\n'
            '  %%r = "cim.matmul"(%%a, %%w) {a_bits = %d : i64, a_signed = %s, '
            'layer = 0 : i64, w_bits = %d : i64, w_signed = %s, '
            'weights = "static"} : (tensor<%dx2xi%d>, tensor<2x%dxi%d>) '
            '-> tensor<%dx%dxi32>\n'
            '  return %%r : tensor<%dx%dxi32>\n}\n'
            % (name, m, ab, m, n, json.dumps(w), n, wb, ab,
               str(as_).lower(), wb, str(ws).lower(), m, ab, n, wb, m, n, m, n))
    expect = [[sum(a[i][k] * w[k][j] for k in range(2)) for j in range(n)]
              for i in range(m)]
    return text, [a], expect


def conv_case(name, layout, groups):
    # x [1, 4, 4, 4] (nchw) with values -3..3, 3x3 kernel, stride 2,
    # padding 1, pad_value -1, 2-bit signed weights.
    c, h, f = 4, 4, 4
    cg, fg = c // groups, f // groups
    xs = [[[((ci * 7 + i * 3 + j * 5) % 7) - 3 for j in range(h)]
           for i in range(h)] for ci in range(c)]
    wf = [[[[((fi * 5 + ci * 3 + i + 2 * j) % 4) - 2 for j in range(3)]
            for i in range(3)] for ci in range(cg)] for fi in range(f)]
    oh = (h + 2 - 3) // 2 + 1

    def xp(ci, i, j):
        return xs[ci][i][j] if 0 <= i < h and 0 <= j < h else -1
    out = [[[sum(xp((fi // fg) * cg + ci, o1 * 2 + i - 1, o2 * 2 + j - 1)
                 * wf[fi][ci][i][j]
                 for ci in range(cg) for i in range(3) for j in range(3))
             for o2 in range(oh)] for o1 in range(oh)] for fi in range(f)]
    if layout == "nchw_fchw":
        x_arg = [xs]
        w_val = wf
        xt, wt, rt = "1x%dx%dx%dxi3" % (c, h, h), "%dx%dx3x3xi2" % (f, cg), \
            "1x%dx%dx%dxi32" % (f, oh, oh)
        expect = [out]
    else:
        x_arg = [[[[xs[ci][i][j] for ci in range(c)] for j in range(h)]
                  for i in range(h)]]
        w_val = [[[[wf[fi][ci][i][j] for fi in range(f)] for ci in range(cg)]
                  for j in range(3)] for i in range(3)]
        xt, wt, rt = "1x%dx%dx%dxi3" % (h, h, c), "3x3x%dx%dxi2" % (cg, f), \
            "1x%dx%dx%dxi32" % (oh, oh, f)
        expect = [[[[out[fi][o1][o2] for fi in range(f)] for o2 in range(oh)]
                   for o1 in range(oh)]]
    text = ('func.func @%s(%%x: tensor<%s>) -> tensor<%s> {\n'
            '  %%w = arith.constant dense<%s> : tensor<%s>\n'
            '  %%r = "cim.conv2d"(%%x, %%w) {a_bits = 3 : i64, a_signed = true, '
            'dilations = array<i64: 1, 1>, groups = %d : i64, layer = 0 : i64, '
            'layout = "%s", pad_value = -1 : i64, '
            'padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>, '
            'w_bits = 2 : i64, w_signed = true, weights = "static"} '
            ': (tensor<%s>, tensor<%s>) -> tensor<%s>\n'
            '  return %%r : tensor<%s>\n}\n'
            % (name, xt, rt, json.dumps(w_val), wt, groups, layout, xt, wt,
               rt, rt))
    return text, [x_arg], expect


def batched_case(name):
    # [2, 3, 2] x [2, 2, 3], dynamic weights (a function argument).
    a = [[[1, -2], [0, 3], [-4, 2]], [[3, 3], [-1, 0], [2, -2]]]
    w = [[[1, 0, -1], [2, -3, 1]], [[-2, 1, 0], [1, 1, -1]]]
    expect = [[[sum(a[b][i][k] * w[b][k][j] for k in range(2))
                for j in range(3)] for i in range(3)] for b in range(2)]
    text = ('func.func @%s(%%a: tensor<2x3x2xi3>, %%w: tensor<2x2x3xi3>) '
            '-> tensor<2x3x3xi32> {\n'
            '  %%r = "cim.matmul"(%%a, %%w) {a_bits = 3 : i64, a_signed = true, '
            'layer = 0 : i64, w_bits = 3 : i64, w_signed = true, '
            'weights = "dynamic"} : (tensor<2x3x2xi3>, tensor<2x2x3xi3>) '
            '-> tensor<2x3x3xi32>\n'
            '  return %%r : tensor<2x3x3xi32>\n}\n' % name)
    return text, [a, w], expect


# ----------------------------------------------------------------------------
# Tensors: (shape, flat list of Python ints)
# ----------------------------------------------------------------------------

def flatten(v):
    return [x for e in v for x in flatten(e)] if isinstance(v, list) else [v]


def shape_of(type_text):
    m = re.fullmatch(r"tensor<([0-9x]*)x?i(\d+)>", type_text.strip())
    dims = [int(d) for d in m.group(1).split("x") if d] if m else None
    return dims


def size(shape):
    p = 1
    for d in shape:
        p *= d
    return p


def strides_of(shape):
    s, acc = [], 1
    for d in reversed(shape):
        s.insert(0, acc)
        acc *= d
    return s


def rne(p, q):
    """Nearest integer to p / q (q > 0), ties to even."""
    fl = p // q
    r = p - fl * q
    if 2 * r > q or (2 * r == q and fl % 2 != 0):
        fl += 1
    return fl


class Interp:
    def __init__(self):
        self.env = {}

    def run(self, lines, args):
        for i, arg in enumerate(args):
            self.env["%arg" + str(i)] = arg
        for line in lines:
            line = line.strip()
            if line.startswith("return"):
                names = re.findall(r"%[\w.]+", line.split(":")[0])
                return self.env[names[0]]
            m = re.match(r'(%[\w.]+) = arith.constant dense<(.*)> : (tensor<.*>)$',
                         line)
            if m:
                shape = shape_of(m.group(3))
                bits = int(re.search(r"i(\d+)>$", m.group(3)).group(1))
                if m.group(2).startswith('"0x'):
                    # Large constants print as raw little-endian bytes, one
                    # to eight per element; read signed (two's complement).
                    raw = bytes.fromhex(m.group(2)[3:-1])
                    nb = max(1, (bits + 7) // 8)
                    flat = []
                    for i in range(0, len(raw), nb):
                        u = int.from_bytes(raw[i:i + nb], "little") % (1 << bits)
                        flat.append(u - (1 << bits) if u >> (bits - 1) else u)
                    self.env[m.group(1)] = (shape, flat)
                    continue
                # i1 is read as signed like every other width: true is -1.
                v = json.loads(m.group(2).replace("true", "-1")
                               .replace("false", "0"))
                flat = flatten(v)
                if len(flat) == 1 and size(shape) != 1:
                    flat = flat * size(shape)
                self.env[m.group(1)] = (shape, flat)
                continue
            m = re.match(r'(%[\w.]+) = "([\w.]+)"\(([^)]*)\) (\{.*\} )?: '
                         r'\((.*)\) -> (.*)$', line)
            if not m:
                continue
            res, name, ops, attrs, _, rtype = m.groups()
            operands = [self.env[o.strip()] for o in ops.split(",") if o.strip()]
            self.env[res] = self.op(name, operands, parse_attrs(attrs or ""),
                                    rtype.strip())
        raise RuntimeError("no return")

    def op(self, name, xs, at, rtype):
        rshape = shape_of(rtype) if rtype.startswith("tensor") else None
        if name == "xbar.bitplane":
            (shape, v), = xs
            ab = at["a_bits"]
            out = []
            for x in v:
                u = x % (1 << ab) if at["encoding"] == "twos-complement" else \
                    x + (1 << (ab - 1)) if at["encoding"] == "offset" else \
                    x % (1 << ab)
                out.append((u >> at["bit_offset"]) % (1 << at["bits"]))
            return (shape, out)
        if name == "xbar.weight_tile":
            (wshape, wv), = xs
            k, n = wshape
            cb, wb, ws = at["cell_bits"], at["w_bits"], at["w_signed"]
            s_count = -(-wb // cb)
            r, c = rshape
            mp = at["mapping"]

            def sl(v, s):
                return (v >> (s * cb)) % (1 << cb)

            def w_at(i, u):
                # Storage is signless: unsigned weights are read modulo 2^w.
                v = wv[(at["k_offset"] + i) * n + u // s_count]
                return v if ws else v % (1 << wb)
            out = [0] * (r * c)
            for row in range(r):
                for col in range(c):
                    if mp == "differential-column":
                        i, j, p = row, col // 2, col % 2
                        u = at["unit_offset"] + j
                        wval = w_at(i, u)
                        part = max(wval, 0) if p == 0 else max(-wval, 0)
                        val = sl(part, u % s_count)
                    elif mp == "differential-row":
                        i, p, j = row // 2, row % 2, col
                        u = at["unit_offset"] + j
                        wval = w_at(i, u)
                        part = max(wval, 0) if p == 0 else max(-wval, 0)
                        val = sl(part, u % s_count)
                    else:
                        if col == c - 1:
                            val = 1
                        else:
                            u = at["unit_offset"] + col
                            wval = w_at(row, u)
                            val = sl(wval + ((1 << (wb - 1)) if ws else 0),
                                     u % s_count)
                    out[row * c + col] = val
            return (rshape, out)
        if name == "xbar.write":
            return xs[0]
        if name == "xbar.mvm":
            (cshape, cells), (dshape, d) = xs
            m, kd = dshape
            c = cshape[1]
            out = [0] * (m * c)
            for mi in range(m):
                for r in range(at["row_offset"], at["row_offset"] + at["rows"]):
                    if at["differential_rows"]:
                        drive = (1 if r % 2 == 0 else -1) * \
                            d[mi * kd + at["k_offset"] + r // 2]
                    else:
                        drive = d[mi * kd + at["k_offset"] + r]
                    if drive:
                        for ci in range(c):
                            out[mi * c + ci] += drive * cells[r * c + ci]
            return (rshape, out)
        if name == "xbar.adc":
            (shape, v), = xs
            bits, sh = at["bits"], at["shift"]
            if bits == 0:
                return (shape, list(v))
            lo, hi = ((-(1 << (bits - 1)), (1 << (bits - 1)) - 1)
                      if at["signed"] else (0, (1 << bits) - 1))
            return (shape, [min(max(rne(x, 1 << sh), lo), hi) << sh
                            for x in v])
        if name == "xbar.shift_add":
            (ashape, acc), (pshape, part) = xs
            out = list(acc)
            rows, cols = ashape
            pcols = pshape[1]
            sign = -1 if at["negate"] else 1
            for mi in range(rows):
                src_row = 0 if pshape[0] == 1 else mi
                for i in range(at["count"]):
                    src = part[src_row * pcols + at["src_offset"] +
                               i * at["src_stride"]]
                    out[mi * cols + at["dst_offset"] + i] += \
                        sign * src * (1 << at["shift"])
            return (ashape, out)
        if name == "xbar.reshape":
            return (rshape, list(xs[0][1]))
        if name == "xbar.transpose":
            (shape, v), = xs
            perm = at["permutation"]
            sst, rst = strides_of(shape), strides_of(rshape)
            out = [0] * len(v)
            for idx in itertools.product(*[range(d) for d in rshape]):
                src = sum(idx[i] * sst[perm[i]] for i in range(len(perm)))
                out[sum(idx[i] * rst[i] for i in range(len(idx)))] = v[src]
            return (rshape, out)
        if name == "xbar.slice":
            (shape, v), = xs
            sst = strides_of(shape)
            off = at["offsets"]
            out = []
            for idx in itertools.product(*[range(d) for d in rshape]):
                out.append(v[sum((idx[i] + off[i]) * sst[i]
                                 for i in range(len(idx)))])
            return (rshape, out)
        if name == "xbar.insert":
            (dshape, dv), (xshape, xv) = xs
            out = list(dv)
            dst = strides_of(dshape)
            off = at["offsets"]
            for n_, idx in enumerate(itertools.product(*[range(d)
                                                          for d in xshape])):
                out[sum((idx[i] + off[i]) * dst[i]
                        for i in range(len(idx)))] = xv[n_]
            return (dshape, out)
        if name == "xbar.im2col":
            (shape, v), = xs
            nchw = at["layout"] == "nchw"
            b, c, h, wd = (shape if nchw else
                           [shape[0], shape[3], shape[1], shape[2]])
            kh, kw = at["kernel"]
            sh, sw = at["strides"]
            dh, dw = at["dilations"]
            top, left, bottom, right = at["padding"]
            oh = (h + top + bottom - dh * (kh - 1) - 1) // sh + 1
            ow = (wd + left + right - dw * (kw - 1) - 1) // sw + 1
            c0, cn = at["channel_offset"], at["channels"]

            def xat(bi, ci, i, j):
                if not (0 <= i < h and 0 <= j < wd):
                    return at["pad_value"]
                if nchw:
                    return v[((bi * c + ci) * h + i) * wd + j]
                return v[((bi * h + i) * wd + j) * c + ci]
            out = []
            for bi in range(b):
                for o1 in range(oh):
                    for o2 in range(ow):
                        cols = []
                        order = ([(ci, i, j) for ci in range(cn)
                                  for i in range(kh) for j in range(kw)]
                                 if nchw else
                                 [(ci, i, j) for i in range(kh)
                                  for j in range(kw) for ci in range(cn)])
                        for ci, i, j in order:
                            cols.append(xat(bi, c0 + ci, o1 * sh + i * dh - top,
                                            o2 * sw + j * dw - left))
                        out.extend(cols)
            return (rshape, out)
        if name == "xbar.requantize":
            (shape, v) = xs[0]
            assert len(at["multiplier"]) == 1 and len(xs) == 1
            mul, sh = at["multiplier"][0], at["shift"][0]
            return (shape, [min(max(rne((x - at["in_zero_point"]) * mul, 1 << sh)
                                    + at["out_zero_point"], at["qmin"]),
                                at["qmax"]) for x in v])
        raise RuntimeError("the interpreter has no rule for " + name)


def parse_attrs(text):
    at = {}
    for m in re.finditer(r'(\w+) = (array<i64(?::([^>]*))?>|"[^"]*"|true|false|'
                         r'-?\d+ : i64)', text):
        key, val = m.group(1), m.group(2)
        if val.startswith("array"):
            at[key] = [int(x) for x in (m.group(3) or "").split(",") if x.strip()]
        elif val.startswith('"'):
            at[key] = val[1:-1]
        elif val in ("true", "false"):
            at[key] = val == "true"
        else:
            at[key] = int(val.split(":")[0])
    return at


def functions(ir):
    funcs, cur, name = {}, None, None
    for line in ir.splitlines():
        m = re.match(r"\s*func.func @(\w+)", line)
        if m:
            name, cur = m.group(1), []
            funcs[name] = cur
        elif cur is not None:
            cur.append(line)
    return funcs


def main():
    cim_opt = sys.argv[1]
    runs = 0
    failures = 0
    configs = []
    for mapping in MAPPINGS:
        # Small crossbars so that layers split into several row and column
        # tiles and slices of one output straddle column tiles.
        rows, cols = {"differential-column": (1, 6),
                      "differential-row": (2, 3),
                      "offset": (1, 4)}[mapping]
        for cell in (1, 2, 3, 4):
            for dac in (1, 2):
                configs.append((rows, cols, cell, dac, 0, mapping, rows))
        configs.append((4, 8, 2, 1, 0, mapping, 1))  # OU smaller than rows
        configs.append((2, 4, 3, 1, 0, mapping, 2))
    for cfg in configs:
        dac = cfg[3]
        cases = {}
        body = []
        for wb, ab, ws, as_ in itertools.product(range(1, 5), range(1, 5),
                                                 (True, False), (True, False)):
            if as_ and (ab - 1) % dac != 0:
                continue  # rejected by design (cim-bitslice-invalid.mlir)
            name = "w%da%d%s%s" % (wb, ab, "s" if ws else "u", "s" if as_ else "u")
            text, args, expect = matmul_case(name, wb, ab, ws, as_)
            cases[name] = (args, expect)
            body.append(text)
        for layout in ("nchw_fchw", "nhwc_hwcf"):
            for groups in (1, 2, 4):
                name = "conv_%s_g%d" % (layout[:4], groups)
                if dac == 2:
                    continue  # 3-bit signed inputs need dac | 2
                text, args, expect = conv_case(name, layout, groups)
                cases[name] = (args, expect)
                body.append(text)
        text, args, expect = batched_case("batched")
        if dac == 1:
            cases["batched"] = (args, expect)
            body.append(text)
        module = ("module attributes {cim.target = %s} {\n%s}\n"
                  % (target_attr(*cfg), "".join(body)))
        out = subprocess.run([cim_opt, "--cim-tile", "--cim-bitslice",
                              "--convert-cim-to-xbar", "-"], input=module,
                             capture_output=True, text=True)
        if out.returncode != 0:
            print("cim-opt failed for %s:\n%s" % (cfg, out.stderr))
            return 1
        funcs = functions(out.stdout)
        for name, (args, expect) in cases.items():
            arg_vals = [(shape_of_list(a), flatten(a)) for a in args]
            shape, got = Interp().run(funcs[name], arg_vals)
            runs += 1
            if got != flatten(expect):
                failures += 1
                print("MISMATCH target %s case %s" % (cfg, name))
    # The worked example of docs/design.md ("Crossbar mapping"): 2x6
    # crossbar, 2-bit cells; y = [5, -8] derived there by hand. With a
    # 1-bit ADC every column sum saturates at 1: tile 0 reads S0 = [1, 0,
    # 0, 0, 0, 0] and S1 = [0, 1, 0, 0, 1, 0], Q = [1, -2, 0, 0, -2, 0],
    # y0 = 1 + 2 = 3, y1 = -2; tile 1 is unchanged (-4): y = [3, -6].
    for adc, expect in ((0, [5, -8]), (1, [3, -6])):
        runs += 1
        failures += design_example(cim_opt, adc, expect)
    print("xbar exhaustive: %d cases, %d mismatches" % (runs, failures))
    return 1 if failures else 0


def design_example(cim_opt, adc, expect):
    module = ('module attributes {cim.target = %s} {\n'
              'func.func @design(%%a: tensor<1x2xi2>) -> tensor<1x2xi32> {\n'
              '  %%w = arith.constant dense<[[3, -4], [-1, 2]]> : tensor<2x2xi3>\n'
              '  %%r = "cim.matmul"(%%a, %%w) {a_bits = 2 : i64, a_signed = true, '
              'layer = 0 : i64, w_bits = 3 : i64, w_signed = true, '
              'weights = "static"} : (tensor<1x2xi2>, tensor<2x2xi3>) '
              '-> tensor<1x2xi32>\n  return %%r : tensor<1x2xi32>\n}\n}\n'
              % target_attr(2, 6, 2, 1, adc, "differential-column", 2))
    out = subprocess.run([cim_opt, "--convert-cim-to-xbar", "-"], input=module,
                         capture_output=True, text=True)
    got = Interp().run(functions(out.stdout)["design"], [([1, 2], [1, -2])])[1]
    writes = out.stdout.count('"xbar.write"')
    if got != expect or writes != 2:
        print("MISMATCH design example, adc_bits %d: %s, %d writes"
              % (adc, got, writes))
        return 1
    return 0


def shape_of_list(v):
    s = []
    while isinstance(v, list):
        s.append(len(v))
        v = v[0]
    return s


if __name__ == "__main__":
    sys.exit(main())
