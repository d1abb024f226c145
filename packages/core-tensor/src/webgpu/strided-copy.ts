import type { KernelTensor } from '../backend.js';
import { sizeOf, type Shape } from '../shape.js';
import { linearGroups, linearProgram } from './gpu-kernel.js';
import { type GpuProgram } from './pipeline-cache.js';
import { mergeStridedAxes } from './strided-layout.js';
import { UniformLayout } from './uniform-layout.js';
import type { WebGpuBackend } from './webgpu-backend.js';

// One kernel moves elements for expand, permute, slice, sliceScatter, concat
// and the reductions' axis reordering: element i of a window of `shape` sits at
// `offset + Σ index_d · stride_d` in the strided tensor. Elements are copied as
// raw 32-bit words, so one shader serves every dtype.

const PARAMS = new UniformLayout([
  ['n', 'u32'],
  ['rank', 'u32'],
  ['offset', 'i32'],
  ['shape', 'dims'],
  ['s0', 'idims'],
]);

function offsetWgsl(): string {
  return `
  var o = P.offset;
  var rem = i;
  for (var di = i32(P.rank) - 1; di >= 0; di = di - 1) {
    let d = u32(di);
    let n = P.shape[d / 4u][d % 4u];
    o = o + i32(rem % n) * P.s0[d / 4u][d % 4u];
    rem = rem / n;
  }`;
}

const GATHER: GpuProgram = linearProgram('strided/read', () => ({
  inputs: ['u32'],
  outputs: ['u32'],
  params: PARAMS,
  body: `  if (i >= P.n) { return; }${offsetWgsl()}\n  out0[i] = in0[o];`,
}));

const SCATTER: GpuProgram = linearProgram('strided/write', () => ({
  inputs: ['u32'],
  outputs: ['u32'],
  params: PARAMS,
  body: `  if (i >= P.n) { return; }${offsetWgsl()}\n  out0[o] = in0[i];`,
}));

/**
 * A new tensor of `shape` whose element at index (i₀, i₁, …) is `x`'s element
 * at `offset + Σ iₐ·strides[a]` (strides in elements, may be 0 or negative).
 */
export function stridedRead(
  be: WebGpuBackend,
  op: string,
  x: KernelTensor,
  shape: Shape,
  strides: readonly number[],
  offset: number,
): KernelTensor {
  const out = be.output(op, shape, x.dtype);
  const n = sizeOf(shape);
  const { dims, strides: st } = mergeStridedAxes(shape, [strides]);
  be.dispatch(
    GATHER,
    [x],
    [out],
    PARAMS.pack({ n, rank: dims.length, offset, shape: dims, s0: st[0]! }),
    linearGroups(n),
  );
  return out;
}

/**
 * Writes every element of `src` (of `shape`) into `dst` at
 * `offset + Σ iₐ·strides[a]`, in place on `dst`'s storage (recorded into the
 * batch, after whatever was recorded before).
 */
export function stridedWrite(
  be: WebGpuBackend,
  src: KernelTensor,
  dst: KernelTensor,
  shape: Shape,
  strides: readonly number[],
  offset: number,
): void {
  const n = sizeOf(shape);
  const { dims, strides: st } = mergeStridedAxes(shape, [strides]);
  be.dispatch(
    SCATTER,
    [src],
    [dst],
    PARAMS.pack({ n, rank: dims.length, offset, shape: dims, s0: st[0]! }),
    linearGroups(n),
  );
}
