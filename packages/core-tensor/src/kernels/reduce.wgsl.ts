import type { KernelTensor } from '../backend.js';
import type { DType } from '../dtype.js';
import { sizeOf, stridesOf, type Shape } from '../shape.js';
import {
  type GpuKernel,
  linearGroups,
  linearProgram,
  registerGpuKernel,
  wgslType,
} from '../webgpu/gpu-kernel.js';
import { bindingDecls, type GpuProgram } from '../webgpu/pipeline-cache.js';
import { stridedRead } from '../webgpu/strided-copy.js';
import { UniformLayout } from '../webgpu/uniform-layout.js';
import type { WebGpuBackend } from '../webgpu/webgpu-backend.js';
import { reducedShape } from './reduce.js';

// Reductions see the input as [outer, red, inner] (reduced axes that are not
// adjacent are first moved to the end by a strided copy). Rows (inner = 1)
// with many elements are reduced by workgroup tree reductions, long rows split
// into chunks whose partial results a second pass combines; otherwise one
// thread reduces one output element, reading along the (coalesced) inner axis.
// max/min propagate NaN and argmax/argmin return the first NaN or the first
// extreme, like the CPU kernels.

type Kind = 'sum' | 'prod' | 'max' | 'min' | 'argmax' | 'argmin';

const PARAMS = new UniformLayout([
  ['rows', 'u32'],
  ['red', 'u32'],
  ['inner', 'u32'],
  ['chunk', 'u32'],
  ['splits', 'u32'],
]);

const TREE = 256;
/** Rows at most this long are reduced one thread per row. */
const SHORT_ROW = 64;
/** Elements one workgroup reduces per chunk of a long row. */
const CHUNK = 4096;

function isArg(kind: Kind): boolean {
  return kind === 'argmax' || kind === 'argmin';
}

function identity(kind: Kind, t: string): string {
  if (kind === 'sum') return `${t}(0)`;
  if (kind === 'prod') return `${t}(1)`;
  const big = t === 'f32' ? 'webgrad_inf()' : '2147483647';
  const small = t === 'f32' ? '-webgrad_inf()' : '(-2147483647 - 1)';
  return kind === 'max' || kind === 'argmax' ? small : big;
}

/** WGSL functions `combine(acc, v)` (values) and, for arg kinds, `better(va, ia, vb, ib)`. */
function combineWgsl(kind: Kind, t: string): string {
  const nan = (v: string) => (t === 'f32' ? `webgrad_isnan(${v})` : 'false');
  if (kind === 'sum') return `fn combine(a: ${t}, b: ${t}) -> ${t} { return a + b; }`;
  if (kind === 'prod') return `fn combine(a: ${t}, b: ${t}) -> ${t} { return a * b; }`;
  const cmp = kind === 'max' || kind === 'argmax' ? '>' : '<';
  if (!isArg(kind))
    return `fn combine(a: ${t}, b: ${t}) -> ${t} { if (${nan('a')}) { return a; } if (${nan('b')} || b ${cmp} a) { return b; } return a; }`;
  // (vb, ib) beats (va, ia): an empty slot (index < 0) always loses; NaN beats
  // numbers; equal values (or two NaNs) go to the smaller index
  return `fn better(va: ${t}, ia: i32, vb: ${t}, ib: i32) -> bool {
  if (ib < 0) { return false; }
  if (ia < 0) { return true; }
  let na = ${nan('va')};
  let nb = ${nan('vb')};
  if (na && nb) { return ib < ia; }
  if (na) { return false; }
  if (nb) { return true; }
  if (vb == va) { return ib < ia; }
  return vb ${cmp} va;
}`;
}

function columnProgram(kind: Kind, dtype: DType): GpuProgram {
  const t = wgslType(dtype);
  const arg = isArg(kind);
  const loop = arg
    ? `var best = in0[base];
  var bi = 0;
  for (var r = 1u; r < P.red; r = r + 1u) {
    let v = in0[base + r * P.inner];
    if (better(best, bi, v, i32(r))) { best = v; bi = i32(r); }
  }
  out0[i] = bi;`
    : `var acc = in0[base];
  for (var r = 1u; r < P.red; r = r + 1u) { acc = combine(acc, in0[base + r * P.inner]); }
  out0[i] = acc;`;
  return linearProgram(`reduce/column/${kind}/${t}`, () => ({
    inputs: [t],
    outputs: [arg ? 'i32' : t],
    params: PARAMS,
    header: combineWgsl(kind, t),
    body: `
  if (i >= P.rows * P.inner) { return; }
  let o = i / P.inner;
  let c = i % P.inner;
  let base = o * P.red * P.inner + c;
  ${loop}`,
  }));
}

/**
 * Workgroup tree reduction of rows split into `P.splits` chunks of
 * `P.chunk` elements: workgroup w reduces chunk w % splits of row w / splits.
 * Arg kinds carry (value, index) pairs and, in a second pass, read the
 * indices of the first (`pairs`).
 */
function treeProgram(kind: Kind, dtype: DType, pairs: boolean): GpuProgram {
  const t = wgslType(dtype);
  const arg = isArg(kind);
  const load = arg ? (pairs ? 'in1[base + r]' : 'i32(r)') : '';
  return {
    key: `reduce/tree/${kind}/${t}/${pairs}`,
    inputs: pairs ? 2 : 1,
    outputs: arg ? 2 : 1,
    source: () =>
      bindingDecls(pairs ? [t, 'i32'] : [t], arg ? [t, 'i32'] : [t], PARAMS.wgsl) +
      combineWgsl(kind, t) +
      `
var<workgroup> sv: array<${t}, ${TREE}>;
${arg ? `var<workgroup> si: array<i32, ${TREE}>;` : ''}
@compute @workgroup_size(${TREE})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let w = wid.y * nwg.x + wid.x;
  let valid = w < P.rows * P.splits;
  let row = w / P.splits;
  let start = (w % P.splits) * P.chunk;
  let end = min(start + P.chunk, P.red);
  let base = row * P.red;
  var acc = ${identity(kind, t)};
  ${arg ? 'var ai = -1;' : ''}
  if (valid) {
    for (var r = start + lid; r < end; r = r + ${TREE}u) {
      let v = in0[base + r];
      ${arg ? `let vi = ${load}; if (better(acc, ai, v, vi)) { acc = v; ai = vi; }` : 'acc = combine(acc, v);'}
    }
  }
  sv[lid] = acc;
  ${arg ? 'si[lid] = ai;' : ''}
  workgroupBarrier();
  for (var s = ${TREE / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) {
      ${arg ? 'if (better(sv[lid], si[lid], sv[lid + s], si[lid + s])) { sv[lid] = sv[lid + s]; si[lid] = si[lid + s]; }' : 'sv[lid] = combine(sv[lid], sv[lid + s]);'}
    }
    workgroupBarrier();
  }
  if (lid == 0u && valid) {
    out0[w] = sv[0];
    ${arg ? 'out1[w] = si[0];' : ''}
  }
}
`,
  };
}

/** The reduction of `x` over `axes` as [outer, red, inner] (permuting non-adjacent axes to the end). */
function asRows(
  be: WebGpuBackend,
  op: string,
  x: KernelTensor,
  axes: readonly number[],
): { src: KernelTensor; outer: number; red: number; inner: number; temp: boolean } {
  const shape = x.shape;
  const sorted = [...axes].sort((a, b) => a - b);
  if (sorted.length === 0) return { src: x, outer: sizeOf(shape), red: 1, inner: 1, temp: false };
  if (sorted.every((a, i) => i === 0 || a === sorted[i - 1]! + 1)) {
    const first = sorted[0]!;
    const last = sorted[sorted.length - 1]!;
    return {
      src: x,
      outer: sizeOf(shape.slice(0, first)),
      red: sizeOf(shape.slice(first, last + 1)),
      inner: sizeOf(shape.slice(last + 1)),
      temp: false,
    };
  }
  const kept = shape.map((_, i) => i).filter((i) => !sorted.includes(i));
  const perm = [...kept, ...sorted];
  const st = stridesOf(shape);
  const src = stridedRead(
    be,
    op,
    x,
    perm.map((p) => shape[p]!),
    perm.map((p) => st[p]!),
    0,
  );
  return {
    src,
    outer: sizeOf(kept.map((i) => shape[i]!)),
    red: sizeOf(sorted.map((i) => shape[i]!)),
    inner: 1,
    temp: true,
  };
}

function reduceKernel(kind: Kind): GpuKernel {
  return (inputs, attrs, be) => {
    const x = inputs[0]!;
    const axes = attrs.axes as number[];
    const arg = isArg(kind);
    const outDType: DType = arg
      ? 'int32'
      : (kind === 'sum' || kind === 'prod') && x.dtype === 'bool'
        ? 'int32'
        : x.dtype;
    const outShape: Shape = reducedShape(x.shape, axes, attrs.keepdims as boolean);
    const out = be.output(kind, outShape, outDType);
    const nOut = sizeOf(outShape);
    if (nOut === 0) return [out];
    let layout = asRows(be, kind, x, axes);
    if (layout.red === 0) {
      be.release(out.storage);
      const fill =
        kind === 'sum' || arg ? 0 : kind === 'prod' ? 1 : kind === 'max' ? -Infinity : Infinity;
      return [fillLike(be, outShape, outDType, fill)];
    }
    const tmp: KernelTensor[] = layout.temp ? [layout.src] : [];
    // a long reduction over few columns: transpose it into rows first
    if (layout.inner > 1 && layout.red > 256 && layout.outer * layout.inner < 1024) {
      const { outer, red, inner, src } = layout;
      const moved = stridedRead(be, kind, src, [outer, inner, red], [red * inner, 1, inner], 0);
      tmp.push(moved);
      layout = { src: moved, outer: outer * inner, red, inner: 1, temp: true };
    }
    const { src, outer, red, inner } = layout;
    if (inner > 1 || red <= SHORT_ROW) {
      be.dispatch(
        columnProgram(kind, x.dtype),
        [src],
        [out],
        PARAMS.pack({ rows: outer, red, inner, chunk: 0, splits: 1 }),
        linearGroups(outer * inner),
      );
    } else {
      treeReduce(be, kind, src, out, outer, red);
    }
    for (const t of tmp) be.release(t.storage);
    return [out];
  };
}

function treeReduce(
  be: WebGpuBackend,
  kind: Kind,
  src: KernelTensor,
  out: KernelTensor,
  rows: number,
  red: number,
): void {
  const arg = isArg(kind);
  const splits = rows >= 64 ? 1 : Math.min(256, Math.ceil(red / CHUNK));
  const chunk = Math.ceil(red / splits);
  const program = treeProgram(kind, src.dtype, false);
  const valueDType: DType = src.dtype;
  if (splits === 1) {
    const values = arg ? be.output(kind, [rows], valueDType) : out;
    be.dispatch(
      program,
      [src],
      arg ? [values, out] : [out],
      PARAMS.pack({ rows, red, inner: 1, chunk, splits }),
      linearGroups(rows, 1),
    );
    if (arg) be.release(values.storage);
    return;
  }
  // partial results stay f32 when the tensor is float16 (accumulated in float32, rounded once)
  const partial = be.output(kind, [rows, splits], valueDType, true);
  const partialIdx = arg ? be.output(kind, [rows, splits], 'int32') : null;
  be.dispatch(
    program,
    [src],
    partialIdx ? [partial, partialIdx] : [partial],
    PARAMS.pack({ rows, red, inner: 1, chunk, splits }),
    linearGroups(rows * splits, 1),
  );
  const second = treeProgram(kind, src.dtype, arg);
  const values = arg ? be.output(kind, [rows], valueDType) : out;
  be.dispatch(
    second,
    partialIdx ? [partial, partialIdx] : [partial],
    arg ? [values, out] : [out],
    PARAMS.pack({ rows, red: splits, inner: 1, chunk: splits, splits: 1 }),
    linearGroups(rows, 1),
  );
  be.release(partial.storage);
  if (partialIdx) be.release(partialIdx.storage);
  if (arg) be.release(values.storage);
}

function fillLike(be: WebGpuBackend, shape: Shape, dtype: DType, value: number): KernelTensor {
  const host =
    dtype === 'float32'
      ? new Float32Array(sizeOf(shape)).fill(value)
      : new Int32Array(sizeOf(shape)).fill(value);
  return { storage: be.upload(host, dtype), shape: shape.slice(), dtype };
}

registerGpuKernel('sum', reduceKernel('sum'));
registerGpuKernel('prod', reduceKernel('prod'));
registerGpuKernel('max', reduceKernel('max'));
registerGpuKernel('min', reduceKernel('min'));
registerGpuKernel('argmax', reduceKernel('argmax'));
registerGpuKernel('argmin', reduceKernel('argmin'));
