import type { KernelTensor } from '../backend.js';
import { cpuAlloc, cpuData } from '../cpu/cpu-backend.js';
import { allocArray, type TypedArray } from '../dtype.js';
import { registerKernel } from '../kernel-registry.js';
import { sizeOf, stridesOf, type Shape } from '../shape.js';
import { wasmUsable } from '../wasm/wasm-elementwise.js';
import { runWasmUnary } from '../wasm/wasm-unary-call.js';

/** Copies `x` (of `shape`) into a new array laid out in the axis order `perm`. */
export function permuteArray(x: TypedArray, shape: Shape, perm: readonly number[], out?: TypedArray): TypedArray {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]!);
  const inStrides = stridesOf(shape);
  const st = perm.map((p) => inStrides[p]!);
  const dst = out ?? allocArray(dtypeLike(x), x.length);
  if (x.length === 0) return dst;
  if (rank === 2 && perm[0] === 1) {
    // blocked 2-D transpose for cache friendliness
    const R = shape[0]!;
    const C = shape[1]!;
    const B = 32;
    for (let i0 = 0; i0 < R; i0 += B) {
      const i1 = Math.min(i0 + B, R);
      for (let j0 = 0; j0 < C; j0 += B) {
        const j1 = Math.min(j0 + B, C);
        for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) dst[j * R + i] = x[i * C + j]!;
      }
    }
    return dst;
  }
  const n = outShape[rank - 1] ?? 1;
  const lastStride = st[rank - 1] ?? 0;
  const rows = x.length / n;
  const idx = new Array<number>(rank).fill(0);
  let src = 0;
  let o = 0;
  for (let r = 0; r < rows; r++) {
    for (let i = 0, s = src; i < n; i++, s += lastStride) dst[o++] = x[s]!;
    for (let ax = rank - 2; ax >= 0; ax--) {
      idx[ax]!++;
      src += st[ax]!;
      if (idx[ax]! < outShape[ax]!) break;
      src -= st[ax]! * outShape[ax]!;
      idx[ax] = 0;
    }
  }
  return dst;
}

function dtypeLike(x: TypedArray): 'float32' | 'float64' | 'int32' | 'bool' {
  if (x instanceof Float32Array) return 'float32';
  if (x instanceof Float64Array) return 'float64';
  if (x instanceof Int32Array) return 'int32';
  return 'bool';
}

registerKernel('permute', 'cpu', (inputs, attrs): KernelTensor[] => {
  const x = inputs[0]!;
  const perm = attrs.axes as number[];
  const size = sizeOf(x.shape);
  if (x.dtype === 'float32' && swapsLastTwoAxes(perm) && wasmUsable(size)) {
    // a (batched) matrix transpose: 4x4 register blocks in WebAssembly
    const rank = perm.length;
    const rows = x.shape[rank - 2]!;
    const cols = x.shape[rank - 1]!;
    const fast = runWasmUnary(x, perm.map((p) => x.shape[p]!), size, (k, xp, out) => k.transposeF32(xp, out, size / (rows * cols), rows, cols));
    if (fast !== null) return [fast];
  }
  const { out, data } = cpuAlloc(
    perm.map((p) => x.shape[p]!),
    x.dtype,
  );
  permuteArray(cpuData(x), x.shape, perm, data);
  return [out];
});

/** True for [0, 1, …, r−3, r−1, r−2]: the leading axes stay, the last two swap. */
function swapsLastTwoAxes(perm: readonly number[]): boolean {
  const r = perm.length;
  if (r < 2 || perm[r - 1] !== r - 2 || perm[r - 2] !== r - 1) return false;
  for (let i = 0; i < r - 2; i++) if (perm[i] !== i) return false;
  return true;
}
