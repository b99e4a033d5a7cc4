#!/usr/bin/python3
"""Runs an imported float ONNX model with MLIR's own CPU runner and compares.

The importer's output (linalg on tensors) is executed by upstream MLIR —
`mlir-opt` lowers it (bufferize, loops, LLVM) and `mlir-runner` runs it — so
the numbers come from code that is not cimlir's; the expected values are
ONNX's own (libonnx-testdata's output_0.pb, through onnx_node_test.py
prepare) or a NumPy computation written in the test.

  run_float.py IMPORTED.mlir EXPECTED.npy INPUT.npy [INPUT.npy ...]
  run_float.py nodes CIM_TRANSLATE OUTDIR
      Every ONNX node test of NODE_TESTS below: prepare (onnx_node_test.py;
      the listed inputs become initializers), import with CIM_TRANSLATE,
      run, compare; one line "OK <test>" or "FAIL <test>: why" each.

Environment: MLIR_OPT, MLIR_RUNNER, MLIR_LIB (the directory of
libmlir_c_runner_utils.so). Prints OK when every element agrees within
rtol 1e-5, atol 1e-6 (float32 results of a different evaluation order),
else the differences; exits 1 on a mismatch.
"""
import os
import re
import subprocess
import sys

import numpy as np

PIPELINE = ",".join([
    "func.func(linalg-generalize-named-ops)",
    "one-shot-bufferize{bufferize-function-boundaries "
    "function-boundary-type-conversion=identity-layout-map}",
    "func.func(convert-linalg-to-loops)",
    "expand-strided-metadata", "lower-affine", "convert-scf-to-cf",
    "convert-math-to-llvm", "convert-math-to-libm", "convert-arith-to-llvm",
    "finalize-memref-to-llvm", "convert-func-to-llvm", "convert-cf-to-llvm",
    "reconcile-unrealized-casts"])


def tensor_type(shape):
    return "tensor<" + "".join(f"{d}x" for d in shape) + "f32>"


def dense(a):
    return "dense<" + np.array2string(
        a.astype(np.float32), separator=", ", threshold=1 << 30,
        floatmode="unique").replace("\n", "") + ">"


def wrap(imported, inputs):
    text = open(imported).read()
    m = re.search(r"func\.func @(\S+)\(", text)
    name = m.group(1)
    sig = re.search(r"->\s*(tensor<[^>]*>)", text[m.end():]).group(1)
    shape = [int(d) for d in re.findall(r"(\d+)x", sig)]
    end = [m.start() for m in re.finditer(r"^\}", text, re.M)][-1]
    args = []
    lines = []
    for i, x in enumerate(inputs):
        t = tensor_type(x.shape)
        lines.append(f"    %in{i} = arith.constant {dense(x)} : {t}")
        args.append((f"%in{i}", t))
    call_args = ", ".join(a for a, _ in args)
    call_types = ", ".join(t for _, t in args)
    unranked = "memref<*xf32>"
    lines += [
        f"    %r = func.call @{name}({call_args}) : ({call_types}) -> {sig}",
        f"    %m = bufferization.to_buffer %r : {sig} to "
        f"memref<{''.join(f'{d}x' for d in shape)}f32>",
        f"    %u = memref.cast %m : memref<{''.join(f'{d}x' for d in shape)}"
        f"f32> to {unranked}",
        f"    func.call @printMemrefF32(%u) : ({unranked}) -> ()",
        "    return"]
    return (text[:end] +
            f"  func.func private @printMemrefF32({unranked})\n"
            "  func.func @main() {\n" + "\n".join(lines) + "\n  }\n" +
            text[end:], shape)


SOFTMAX = """
  module attributes {transform.with_named_sequence} {
    transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
      %0 = transform.structured.match ops{["linalg.softmax"]} in %root : (!transform.any_op) -> !transform.any_op
      %1 = transform.structured.decompose_interface %0 : (!transform.any_op) -> !transform.any_op
      transform.yield
    }
  }
"""


def run(imported, expected, inputs):
    src, shape = wrap(imported, [np.load(p) for p in inputs])
    lib = os.environ["MLIR_LIB"]
    if "linalg.softmax" in src:
        # linalg.softmax has no lowering pass: upstream's decomposition
        # (transform dialect), then the schedule is dropped.
        end = [m.start() for m in re.finditer(r"^\}", src, re.M)][-1]
        src = src[:end] + SOFTMAX + src[end:]
        src = src.replace("module {", "module attributes {transform.with_named_sequence} {", 1)
        r = subprocess.run(
            [os.environ["MLIR_OPT"], "--transform-interpreter",
             "--test-transform-dialect-erase-schedule"],
            input=src, capture_output=True, text=True)
        if r.returncode:
            sys.exit("softmax decomposition failed:\n" + r.stderr)
        src = r.stdout
    lowered = subprocess.run(
        [os.environ["MLIR_OPT"], f"--pass-pipeline=builtin.module({PIPELINE})"],
        input=src, capture_output=True, text=True)
    if lowered.returncode:
        sys.exit("mlir-opt failed:\n" + lowered.stderr)
    out = subprocess.run(
        [os.environ["MLIR_RUNNER"], "-e", "main", "--entry-point-result=void",
         f"--shared-libs={lib}/libmlir_c_runner_utils.so",
         f"--shared-libs={lib}/libmlir_runner_utils.so"],
        input=lowered.stdout, capture_output=True, text=True)
    if out.returncode:
        sys.exit("mlir-runner failed:\n" + out.stderr)
    data = out.stdout[out.stdout.index("data ="):]
    values = [float(v) for v in re.findall(r"[-+]?(?:nan|inf|[0-9.]+(?:e[-+]?\d+)?)",
                                           data[len("data ="):])]
    got = np.array(values, np.float32).reshape(shape)
    exp = np.load(expected).astype(np.float32)
    if got.shape != exp.shape:
        got = got.reshape(exp.shape) if got.size == exp.size else got
    if got.shape == exp.shape and np.allclose(got, exp, rtol=1e-5, atol=1e-6):
        print("OK")
        return 0
    print(f"DIFFERENT: {list(got.shape)} vs {list(exp.shape)}")
    print("actual  ", got.flatten()[:16])
    print("expected", exp.flatten()[:16])
    return 1


# (ONNX node test, inputs that become initializers). The importer needs
# shapes, axes, indices and normalization statistics as constants.
NODE_TESTS = [
    ("test_averagepool_2d_default", ""),
    ("test_averagepool_2d_pads_count_include_pad", ""),
    ("test_averagepool_2d_precomputed_pads_count_include_pad", ""),
    ("test_globalaveragepool", ""),
    ("test_softmax_axis_0", ""),
    ("test_softmax_axis_1", ""),
    ("test_softmax_example", ""),
    ("test_transpose_default", ""),
    ("test_transpose_all_permutations_0", ""),
    ("test_transpose_all_permutations_5", ""),
    ("test_reshape_extended_dims", "shape"),
    ("test_reshape_negative_dim", "shape"),
    ("test_reshape_reduced_dims", "shape"),
    ("test_reshape_reordered_all_dims", "shape"),
    ("test_reshape_zero_and_negative_dim", "shape"),
    ("test_flatten_axis2", ""),
    ("test_flatten_negative_axis3", ""),
    ("test_unsqueeze_axis_1", "axes"),
    ("test_unsqueeze_unsorted_axes", "axes"),
    ("test_squeeze", "axes"),
    ("test_squeeze_negative_axes", "axes"),
    ("test_concat_2d_axis_0", ""),
    ("test_concat_3d_axis_1", ""),
    ("test_gather_0", "data,indices"),
    ("test_gather_1", "data,indices"),
    ("test_slice", "starts,ends,axes,steps"),
    ("test_slice_default_axes", "starts,ends"),
    ("test_slice_end_out_of_bounds", "starts,ends,axes,steps"),
    ("test_slice_negative_axes", "starts,ends,axes"),
    ("test_sqrt_example", ""),
    ("test_reduce_mean_keepdims_random", ""),
    ("test_reduce_mean_do_not_keepdims_random", ""),
    ("test_reduce_mean_default_axes_keepdims_random", ""),
    ("test_mul_bcast", "y"),
    ("test_div_bcast", "y"),
    ("test_sub", ""),
    ("test_sub_bcast", "y"),
    ("test_clip", "min,max"),
    ("test_clip_default_min", "min"),
    ("test_batchnorm_example", "s,bias,mean,var"),
    ("test_dropout_default", ""),
    ("test_identity", ""),
    ("test_cast_DOUBLE_to_FLOAT", "input"),
    ("test_conv_with_strides_padding", "W"),
    ("test_basic_conv_with_padding", "W"),
    ("test_layer_normalization_2d_axis1", "W,B"),
    ("test_layer_normalization_2d_axis_negative_1", "W,B"),
    ("test_layer_normalization_3d_axis2_epsilon", "W,B"),
    ("test_layer_normalization_4d_axis3", "W,B"),
    ("test_layer_normalization_4d_axis_negative_1", "W,B"),
    ("test_erf", ""),
    ("test_pow_bcast_scalar", "y"),
    ("test_where_example", "condition,x,y"),
    ("test_expand_dim_changed", "data,new_shape"),
    ("test_expand_dim_unchanged", "data,new_shape"),
]

DATA = "/usr/share/libonnx-testdata/data/node"


def nodes(translate, outdir):
    here = os.path.dirname(os.path.abspath(__file__))
    failed = 0
    for test, consts in NODE_TESTS:
        d = os.path.join(outdir, test)
        os.makedirs(d, exist_ok=True)
        steps = [
            [sys.executable, os.path.join(here, "onnx_node_test.py"), "prepare",
             os.path.join(DATA, test), d, "--const", consts],
            [translate, "--import-onnx", os.path.join(d, "model.onnx"),
             "-o", os.path.join(d, "model.mlir")]]
        why = None
        for cmd in steps:
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode:
                why = (r.stderr or r.stdout).strip().splitlines()[-1]
                break
        if why is None:
            ins = sorted(f for f in os.listdir(d) if f.endswith(".raw.npy"))
            order = [i.name for i in __import__("onnx").load(
                os.path.join(d, "model.onnx")).graph.input]
            ins = [os.path.join(d, f"{n}.raw.npy") for n in order]
            r = subprocess.run(
                [sys.executable, os.path.abspath(__file__),
                 os.path.join(d, "model.mlir"), os.path.join(d, "expected.npy")]
                + ins, capture_output=True, text=True)
            if r.returncode:
                why = (r.stdout + r.stderr).strip().replace("\n", " | ")
        print(f"OK {test}" if why is None else f"FAIL {test}: {why}")
        failed += why is not None
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "nodes":
        sys.exit(nodes(sys.argv[2], sys.argv[3]))
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    sys.exit(run(sys.argv[1], sys.argv[2], sys.argv[3:]))
