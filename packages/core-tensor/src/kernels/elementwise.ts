import type { KernelTensor } from '../backend.js';
import { cpuAlloc, cpuData } from '../cpu/cpu-backend.js';
import type { DType, TypedArray } from '../dtype.js';
import { BINARY_OPS, UNARY_OPS, type BinaryOpDef, type UnaryOpDef } from '../elementwise-table.js';
import { registerKernel } from '../kernel-registry.js';
import { scalarMath } from '../scalar-math.js';
import { broadcastShapes, shapesEqual, sizeOf, type Shape } from '../shape.js';
import { wasmBinary, wasmUnary } from '../wasm/wasm-elementwise.js';
import { forEachBroadcastRow } from './strided-loop.js';

// CPU kernels generated from the elementwise table. Each formula becomes a
// tight loop compiled once with `new Function`, so there is no closure call
// per element.

type UnaryLoop = (x: TypedArray, out: TypedArray, n: number, a: number, b: number, M: typeof scalarMath) => void;
type BinaryRow = (x: TypedArray, y: TypedArray, out: TypedArray, o: number, xo: number, yo: number, n: number, xs: number, ys: number) => void;

function storeExpr(expr: string, output: 'same' | 'bool'): string {
  return output === 'bool' ? `((${expr}) ? 1 : 0)` : `(${expr})`;
}

function compileUnary(def: UnaryOpDef, dtype: DType): UnaryLoop {
  const expr = dtype === 'int32' && def.jsInt !== undefined ? def.jsInt : def.js;
  const body = `for (let i = 0; i < n; i++) { const x = X[i]; out[i] = ${storeExpr(expr, def.output)}; }`;
  return new Function('X', 'out', 'n', 'a', 'b', 'M', body) as UnaryLoop;
}

function compileBinary(def: BinaryOpDef, dtype: DType): BinaryRow {
  const expr = storeExpr(dtype === 'int32' && def.jsInt !== undefined ? def.jsInt : def.js, def.output);
  const body = `
    if (xs === 1 && ys === 1) { for (let i = 0; i < n; i++) { const x = X[xo + i], y = Y[yo + i]; out[o + i] = ${expr}; } }
    else if (xs === 1 && ys === 0) { const y = Y[yo]; for (let i = 0; i < n; i++) { const x = X[xo + i]; out[o + i] = ${expr}; } }
    else if (xs === 0 && ys === 1) { const x = X[xo]; for (let i = 0; i < n; i++) { const y = Y[yo + i]; out[o + i] = ${expr}; } }
    else { for (let i = 0; i < n; i++) { const x = X[xo + i * xs], y = Y[yo + i * ys]; out[o + i] = ${expr}; } }`;
  return new Function('X', 'Y', 'out', 'o', 'xo', 'yo', 'n', 'xs', 'ys', body) as BinaryRow;
}

function outDType(output: 'same' | 'bool', input: DType): DType {
  return output === 'bool' ? 'bool' : input;
}

for (const def of UNARY_OPS) {
  const loops = new Map<DType, UnaryLoop>();
  registerKernel(def.name, 'cpu', (inputs, attrs): KernelTensor[] => {
    const x = inputs[0]!;
    if (x.dtype === 'float32' && def.output === 'same') {
      const fast = wasmUnary(def.name, x, sizeOf(x.shape), Number(attrs.a ?? 0));
      if (fast !== null) return [fast];
    }
    let loop = loops.get(x.dtype);
    if (!loop) loops.set(x.dtype, (loop = compileUnary(def, x.dtype)));
    const { out, data } = cpuAlloc(x.shape, outDType(def.output, x.dtype));
    loop(cpuData(x), data, data.length, Number(attrs.a ?? 0), Number(attrs.b ?? 0), scalarMath);
    return [out];
  });
}

for (const def of BINARY_OPS) {
  const rows = new Map<DType, BinaryRow>();
  registerKernel(def.name, 'cpu', (inputs): KernelTensor[] => {
    const [x, y] = inputs as [KernelTensor, KernelTensor];
    let row = rows.get(x.dtype);
    if (!row) rows.set(x.dtype, (row = compileBinary(def, x.dtype)));
    const X = cpuData(x);
    const Y = cpuData(y);
    // the common cases need no broadcast iteration: equal shapes, or one side a single element
    // or the trailing axes of the other (a bias row); their output shape is the other input's
    const same = shapesEqual(x.shape, y.shape);
    const yRow = !same && trailingOf(y.shape, x.shape);
    const xRow = !same && !yRow && trailingOf(x.shape, y.shape);
    const shape = same || yRow ? x.shape : xRow ? y.shape : broadcastShapes(def.name, x.shape, y.shape);
    if (x.dtype === 'float32' && def.output === 'same') {
      const fast = wasmBinary(def.name, x, y, shape, sizeOf(shape), same);
      if (fast !== null) return [fast];
    }
    const { out, data } = cpuAlloc(shape, outDType(def.output, x.dtype));
    const size = data.length;
    if (same) {
      row(X, Y, data, 0, 0, 0, size, 1, 1);
    } else if (yRow || xRow) {
      const n = yRow ? Y.length : X.length;
      if (n === 1) row(X, Y, data, 0, 0, 0, size, xRow ? 0 : 1, yRow ? 0 : 1);
      else if (n > 0) for (let o = 0; o < size; o += n) row(X, Y, data, o, xRow ? 0 : o, yRow ? 0 : o, n, 1, 1);
    } else {
      const r = row;
      forEachBroadcastRow(shape, [x.shape, y.shape], (o, offs, n, st) => r(X, Y, data, o, offs[0]!, offs[1]!, n, st[0]!, st[1]!));
    }
    return [out];
  });
}

/**
 * True when `a`, without its leading length-1 axes, is the trailing axes of
 * `b` and has no more axes than `b`: then `a` broadcast to `b` is `a`'s
 * elements repeated row after row, and the result has `b`'s shape.
 */
function trailingOf(a: Shape, b: Shape): boolean {
  if (a.length > b.length) return false;
  let i = 0;
  while (i < a.length && a[i] === 1) i++;
  const off = b.length - a.length;
  for (; i < a.length; i++) if (a[i] !== b[off + i]) return false;
  return true;
}

registerKernel('where', 'cpu', (inputs): KernelTensor[] => {
  const [c, x, y] = inputs as [KernelTensor, KernelTensor, KernelTensor];
  const shape = broadcastShapes('where', broadcastShapes('where', c.shape, x.shape), y.shape);
  const { out, data } = cpuAlloc(shape, x.dtype);
  const C = cpuData(c);
  const X = cpuData(x);
  const Y = cpuData(y);
  forEachBroadcastRow(shape, [c.shape, x.shape, y.shape], (o, offs, n, st) => {
    let co = offs[0]!;
    let xo = offs[1]!;
    let yo = offs[2]!;
    const cs = st[0]!;
    const xs = st[1]!;
    const ys = st[2]!;
    for (let i = 0; i < n; i++, co += cs, xo += xs, yo += ys) data[o + i] = C[co] ? X[xo]! : Y[yo]!;
  });
  return [out];
});

registerKernel('cast', 'cpu', (inputs, attrs): KernelTensor[] => {
  const x = inputs[0]!;
  const dtype = attrs.dtype as DType;
  const { out, data } = cpuAlloc(x.shape, dtype);
  const X = cpuData(x);
  if (dtype === 'bool') {
    for (let i = 0; i < X.length; i++) data[i] = X[i] !== 0 ? 1 : 0;
  } else if (dtype === 'int32' && (x.dtype === 'float32' || x.dtype === 'float64')) {
    // truncation toward zero, NaN to 0, as a C cast
    for (let i = 0; i < X.length; i++) data[i] = Math.trunc(X[i]!) | 0;
  } else {
    data.set(X);
  }
  return [out];
});
