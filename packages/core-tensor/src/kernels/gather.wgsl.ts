import type { KernelTensor } from '../backend.js';
import type { DType } from '../dtype.js';
import { sizeOf, stridesOf } from '../shape.js';
import { linearGroups, linearProgram, registerGpuKernel, wgslType } from '../webgpu/gpu-kernel.js';
import { type GpuProgram } from '../webgpu/pipeline-cache.js';
import { UniformLayout } from '../webgpu/uniform-layout.js';
import type { IndexCheckingOp, WebGpuBackend } from '../webgpu/webgpu-backend.js';

// Index ops. An index out of range cannot throw from a shader, so the kernel
// records the first one in the backend's error flag and the next `await
// t.data()` throws it (the same message as the CPU's); the bad element reads 0.
// scatterAdd and indexAdd accumulate with atomics (a compare-exchange loop
// for floats), so repeated indices add up whatever the thread order.

const AXIS_PARAMS = new UniformLayout([
  ['n', 'u32'],
  ['rank', 'u32'],
  ['axis', 'u32'],
  ['axisLen', 'i32'],
  ['code', 'u32'],
  ['shape', 'dims'],
  ['xs', 'dims'],
  ['ss', 'dims'],
]);

const SELECT_PARAMS = new UniformLayout([
  ['n', 'u32'],
  ['axisLen', 'i32'],
  ['k', 'u32'],
  ['inner', 'u32'],
  ['code', 'u32'],
]);

/** WGSL: normalise index `v` against `P.axisLen`, reporting it when out of range; sets `ok`. */
const CHECK_INDEX = `
  var v = raw;
  if (v < 0) { v = v + P.axisLen; }
  let ok = v >= 0 && v < P.axisLen;
  if (!ok) {
    if (atomicCompareExchangeWeak(&errorFlag[0], 0u, P.code).exchanged) {
      atomicStore(&errorFlag[1], bitcast<u32>(raw));
      atomicStore(&errorFlag[2], u32(P.axisLen));
    }
  }`;

/**
 * WGSL for indexSelect/indexAdd: thread i is element (o, j, r) of the
 * [outer, k, inner] selection; reads and checks index j of `indexInput`.
 */
function selectIndex(indexInput: string): string {
  return `if (i >= P.n) { return; }
  let r = i % P.inner;
  let j = (i / P.inner) % P.k;
  let o = i / (P.inner * P.k);
  let raw = ${indexInput}[j];
  ${CHECK_INDEX}`;
}

/** WGSL: the x offset `off` (axis replaced by `v`) and src offset `so` of index element `i`. */
const AXIS_OFFSETS = `
  var off = 0u;
  var so = 0u;
  var rem = i;
  for (var di = i32(P.rank) - 1; di >= 0; di = di - 1) {
    let d = u32(di);
    let len = P.shape[d / 4u][d % 4u];
    let c = rem % len;
    rem = rem / len;
    so = so + c * P.ss[d / 4u][d % 4u];
    if (d != P.axis) { off = off + c * P.xs[d / 4u][d % 4u]; }
  }`;

/** WGSL adding `value` to element `at` of the atomic output `out0`. */
function atomicAdd(dtype: DType, at: string, value: string): string {
  if (dtype !== 'float32') return `atomicAdd(&out0[${at}], ${value});`;
  return `{
    let addend = ${value};
    var old = atomicLoad(&out0[${at}]);
    loop {
      let r = atomicCompareExchangeWeak(&out0[${at}], old, bitcast<u32>(bitcast<f32>(old) + addend));
      if (r.exchanged) { break; }
      old = r.old_value;
    }
  }`;
}

function atomicType(dtype: DType): string {
  return dtype === 'float32' ? 'atomic<u32>' : 'atomic<i32>';
}

function axisUniforms(
  be: WebGpuBackend,
  op: IndexCheckingOp,
  x: KernelTensor,
  index: KernelTensor,
  src: KernelTensor | null,
  axis: number,
): ArrayBuffer {
  return AXIS_PARAMS.pack({
    n: sizeOf(index.shape),
    rank: index.shape.length,
    axis,
    axisLen: x.shape[axis] ?? 1,
    code: be.errorCode(op),
    shape: index.shape,
    xs: stridesOf(x.shape),
    ss: src ? stridesOf(src.shape) : [],
  });
}

registerGpuKernel('gather', (inputs, attrs, be) => {
  const [x, index] = inputs as [KernelTensor, KernelTensor];
  const axis = attrs.axis as number;
  const out = be.output('gather', index.shape, x.dtype);
  const t = wgslType(x.dtype);
  const program: GpuProgram = linearProgram(`gather/${t}`, () => ({
    inputs: [t, 'i32'],
    outputs: [t],
    params: AXIS_PARAMS,
    checksIndices: true,
    body: `
  if (i >= P.n) { return; }
  let raw = in1[i];
  ${CHECK_INDEX}
  ${AXIS_OFFSETS}
  if (ok) { out0[i] = in0[off + u32(v) * P.xs[P.axis / 4u][P.axis % 4u]]; } else { out0[i] = ${t}(0); }`,
  }));
  be.dispatch(
    program,
    [x, index],
    [out],
    axisUniforms(be, 'gather', x, index, null, axis),
    linearGroups(sizeOf(index.shape)),
  );
  return [out];
});

registerGpuKernel('scatterAdd', (inputs, attrs, be) => {
  const [x, index, src] = inputs as [KernelTensor, KernelTensor, KernelTensor];
  const axis = attrs.axis as number;
  const out = be.output('scatterAdd', x.shape, x.dtype);
  be.copy(x, out, x.storage.byteLength);
  const t = wgslType(x.dtype);
  const program: GpuProgram = linearProgram(`scatterAdd/${x.dtype}`, () => ({
    inputs: ['i32', t],
    outputs: [atomicType(x.dtype)],
    params: AXIS_PARAMS,
    checksIndices: true,
    body: `
  if (i >= P.n) { return; }
  let raw = in0[i];
  ${CHECK_INDEX}
  ${AXIS_OFFSETS}
  if (ok) {
    ${atomicAdd(x.dtype, 'off + u32(v) * P.xs[P.axis / 4u][P.axis % 4u]', 'in1[so]')}
  }`,
  }));
  be.dispatch(
    program,
    [index, src],
    [out],
    axisUniforms(be, 'scatterAdd', x, index, src, axis),
    linearGroups(sizeOf(index.shape)),
  );
  return [out];
});

function selectLayout(
  shape: readonly number[],
  axis: number,
): { outer: number; n: number; inner: number } {
  return {
    outer: sizeOf(shape.slice(0, axis)),
    n: shape[axis]!,
    inner: sizeOf(shape.slice(axis + 1)),
  };
}

registerGpuKernel('indexSelect', (inputs, attrs, be) => {
  const [x, index] = inputs as [KernelTensor, KernelTensor];
  const axis = attrs.axis as number;
  const shape = x.shape.slice();
  shape[axis] = index.shape[0] ?? 1;
  if (index.shape.length === 0) shape.splice(axis, 1);
  const out = be.output('indexSelect', shape, x.dtype);
  const { n, inner } = selectLayout(x.shape, axis);
  const k = sizeOf(index.shape);
  const t = wgslType(x.dtype);
  const program: GpuProgram = linearProgram(`indexSelect/${t}`, () => ({
    inputs: [t, 'i32'],
    outputs: [t],
    params: SELECT_PARAMS,
    checksIndices: true,
    body: `
  ${selectIndex('in1')}
  if (ok) { out0[i] = in0[(o * u32(P.axisLen) + u32(v)) * P.inner + r]; } else { out0[i] = ${t}(0); }`,
  }));
  const total = sizeOf(shape);
  be.dispatch(
    program,
    [x, index],
    [out],
    SELECT_PARAMS.pack({ n: total, axisLen: n, k, inner, code: be.errorCode('indexSelect') }),
    linearGroups(total),
  );
  return [out];
});

registerGpuKernel('indexAdd', (inputs, attrs, be) => {
  const [x, index, src] = inputs as [KernelTensor, KernelTensor, KernelTensor];
  const axis = attrs.axis as number;
  const out = be.output('indexAdd', x.shape, x.dtype);
  be.copy(x, out, x.storage.byteLength);
  const { outer, n, inner } = selectLayout(x.shape, axis);
  const k = sizeOf(index.shape);
  const t = wgslType(x.dtype);
  const program: GpuProgram = linearProgram(`indexAdd/${x.dtype}`, () => ({
    inputs: ['i32', t],
    outputs: [atomicType(x.dtype)],
    params: SELECT_PARAMS,
    checksIndices: true,
    body: `
  ${selectIndex('in0')}
  if (ok) {
    ${atomicAdd(x.dtype, '(o * u32(P.axisLen) + u32(v)) * P.inner + r', 'in1[i]')}
  }`,
  }));
  const total = outer * k * inner;
  be.dispatch(
    program,
    [index, src],
    [out],
    SELECT_PARAMS.pack({ n: total, axisLen: n, k, inner, code: be.errorCode('indexAdd') }),
    linearGroups(total),
  );
  return [out];
});
