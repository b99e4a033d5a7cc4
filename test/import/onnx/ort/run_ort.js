// Runs an ONNX model with ONNX Runtime (onnxruntime-node, CPU) on a batch
// of samples: the reference executor of cimlir's ONNX tests.
//
//   node run_ort.js MODEL.onnx OUT.npy IN.npy [IN2.npy ...] [--opt=all|extended|basic|disabled]
//
// Each IN*.npy holds N samples along its first axis ([N, ...], float32,
// uint8, int8 or int32, C order), one file per model input in the model's
// order; sample i of each is fed with shape [1, ...]. The model's first
// output of every sample is stacked into OUT.npy ([N, ...], float32 or the
// output's integer type). --opt is
// ORT's graph optimization level (default: all, what ORT runs by default;
// at `all` ORT fuses QDQ groups into integer QLinearConv/QLinearMatMul
// kernels). One thread, so results do not depend on the machine's cores.
// onnxruntime-node is found through NODE_PATH (test/import/onnx/ort/lit.local.cfg).
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

const DTYPES = {
  '<f4': ['float32', Float32Array], '|u1': ['uint8', Uint8Array],
  '|i1': ['int8', Int8Array], '<i4': ['int32', Int32Array],
};

function readNpy(path) {
  const buf = fs.readFileSync(path);
  if (buf.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${path}: not an .npy file`);
  const major = buf[6];
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', start, start + hlen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${path}: Fortran order`);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1]
    .split(',').map((s) => s.trim()).filter((s) => s).map(Number);
  if (!DTYPES[descr]) throw new Error(`${path}: dtype ${descr} is not supported`);
  const [type, Ctor] = DTYPES[descr];
  const count = shape.reduce((a, b) => a * b, 1);
  const bytes = buf.subarray(start + hlen, start + hlen + count * Ctor.BYTES_PER_ELEMENT);
  const data = new Ctor(count);
  new Uint8Array(data.buffer).set(bytes);
  return { type, shape, data };
}

function writeNpy(path, descr, shape, data) {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += ' '.repeat(pad % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1; head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  fs.writeFileSync(path, Buffer.concat([head, Buffer.from(header, 'latin1'),
    Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

async function main(argv) {
  const args = argv.filter((a) => !a.startsWith('--'));
  const optArg = argv.find((a) => a.startsWith('--opt='));
  if (args.length < 3) {
    throw new Error('usage: node run_ort.js MODEL.onnx OUT.npy IN.npy [IN2.npy ...] [--opt=LEVEL]');
  }
  const [model, outPath, ...inPaths] = args;
  const session = await ort.InferenceSession.create(model, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: optArg ? optArg.slice(6) : 'all',
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  });
  if (session.inputNames.length !== inPaths.length) {
    throw new Error(`${model}: ${session.inputNames.length} inputs, ${inPaths.length} files`);
  }
  const xs = inPaths.map(readNpy);
  const n = xs[0].shape[0];
  if (xs.some((x) => x.shape[0] !== n)) throw new Error('inputs differ in sample count');
  const outName = session.outputNames[0];
  let out = null;
  let outShape = null;
  for (let i = 0; i < n; i++) {
    const feeds = {};
    xs.forEach((x, j) => {
      const per = x.data.length / n;
      feeds[session.inputNames[j]] = new ort.Tensor(x.type,
        x.data.subarray(i * per, (i + 1) * per), [1, ...x.shape.slice(1)]);
    });
    const y = (await session.run(feeds))[outName];
    if (!out) {
      outShape = [n, ...y.dims.slice(1)];
      out = new y.data.constructor(n * y.data.length);
    }
    out.set(y.data, i * y.data.length);
  }
  const descr = Object.keys(DTYPES).find((d) => out instanceof DTYPES[d][1]);
  if (!descr) throw new Error(`${model}: output type ${out.constructor.name} is not supported`);
  writeNpy(outPath, descr, outShape, out);
  process.stderr.write(`run_ort.js: onnxruntime-node ${ort.env.versions.node}, ${n} samples, ` +
    `output '${outName}' [${outShape.join(', ')}]\n`);
}

main(process.argv.slice(2)).catch((e) => {
  process.stderr.write(`run_ort.js: ${e.message}\n`);
  process.exit(1);
});
