import type { KernelTensor } from '../backend.js';
import type { DType } from '../dtype.js';
import { BINARY_OPS, UNARY_OPS, type BinaryOpDef, type UnaryOpDef } from '../elementwise-table.js';
import { broadcastShapes, shapesEqual, sizeOf, type Shape } from '../shape.js';
import { linearGroups, linearProgram, registerGpuKernel, wgslType } from '../webgpu/gpu-kernel.js';
import { type GpuProgram } from '../webgpu/pipeline-cache.js';
import { mergeBroadcastAxes, stridedOffsetsWgsl } from '../webgpu/strided-layout.js';
import { UniformLayout } from '../webgpu/uniform-layout.js';

// WebGPU kernels generated from the elementwise table: each entry's `wgsl`
// (or `wgslInt` for integer and bool inputs) formula becomes the body of a
// one-thread-per-element shader. One shader per op, dtype and indexing mode;
// shapes and strides are uniforms.

const UNARY_PARAMS = new UniformLayout([
  ['n', 'u32'],
  ['a', 'f32'],
  ['b', 'f32'],
  ['ai', 'i32'],
  ['bi', 'i32'],
]);

/** Broadcast indexing for up to three inputs (binary ops use s0, s1; `where` all three). */
const STRIDED_PARAMS = new UniformLayout([
  ['n', 'u32'],
  ['rank', 'u32'],
  ['shape', 'dims'],
  ['s0', 'dims'],
  ['s1', 'dims'],
  ['s2', 'dims'],
]);

/**
 * How a kernel reads its inputs: `flat` when each input has the output's
 * shape or a single element (element i·s with s = 1 or 0 from the uniforms),
 * else general broadcasting over merged axes.
 */
type Mode = 'flat' | 'broadcast';

function storeExpr(expr: string, output: 'same' | 'bool'): string {
  return output === 'bool' ? `select(0, 1, ${expr})` : expr;
}

function formula(def: UnaryOpDef | BinaryOpDef, dtype: DType): string {
  return dtype !== 'float32' && def.wgslInt !== undefined ? def.wgslInt : def.wgsl;
}

function outDType(output: 'same' | 'bool', input: DType): DType {
  return output === 'bool' ? 'bool' : input;
}

function unaryProgram(def: UnaryOpDef, dtype: DType): GpuProgram {
  const t = wgslType(dtype);
  const out = wgslType(outDType(def.output, dtype));
  return linearProgram(`unary/${def.name}/${dtype}`, () => ({
    inputs: [t],
    outputs: [out],
    params: UNARY_PARAMS,
    body: `
  if (i >= P.n) { return; }
  let a = ${t === 'f32' ? 'P.a' : 'P.ai'};
  let b = ${t === 'f32' ? 'P.b' : 'P.bi'};
  let x = in0[i];
  out0[i] = ${storeExpr(formula(def, dtype), def.output)};`,
  }));
}

/** Clamps an attribute to the int32 range for integer kernels (clamp(x, -Inf, 3) on int32). */
function intAttr(v: number): number {
  if (Number.isNaN(v)) return 0;
  return Math.max(-2147483648, Math.min(2147483647, v < 0 ? Math.ceil(v) : Math.floor(v)));
}

for (const def of UNARY_OPS) {
  registerGpuKernel(def.name, (inputs, attrs, be) => {
    const x = inputs[0]!;
    const out = be.output(def.name, x.shape, outDType(def.output, x.dtype));
    const n = sizeOf(x.shape);
    const a = Number(attrs.a ?? 0);
    const b = Number(attrs.b ?? 0);
    be.dispatch(
      unaryProgram(def, x.dtype),
      [x],
      [out],
      UNARY_PARAMS.pack({ n, a, b, ai: intAttr(a), bi: intAttr(b) }),
      linearGroups(n),
    );
    return [out];
  });
}

function inputRead(mode: Mode, which: 0 | 1 | 2): string {
  return mode === 'flat' ? `in${which}[i * P.s${which}[0].x]` : `in${which}[o${which}]`;
}

function binaryProgram(def: BinaryOpDef, dtype: DType, mode: Mode): GpuProgram {
  const t = wgslType(dtype);
  const out = wgslType(outDType(def.output, dtype));
  return linearProgram(`binary/${def.name}/${dtype}/${mode}`, () => ({
    inputs: [t, t],
    outputs: [out],
    params: STRIDED_PARAMS,
    body: `
  if (i >= P.n) { return; }
  ${mode === 'broadcast' ? stridedOffsetsWgsl(2) : ''}
  let x = ${inputRead(mode, 0)};
  let y = ${inputRead(mode, 1)};
  out0[i] = ${storeExpr(formula(def, dtype), def.output)};`,
  }));
}

/** Uniforms and mode for reading `inputs` broadcast to `shape`. */
function broadcastParams(
  shape: Shape,
  inputs: readonly KernelTensor[],
): { mode: Mode; uniforms: ArrayBuffer } {
  const n = sizeOf(shape);
  const flat = inputs.every((t) => shapesEqual(t.shape, shape) || sizeOf(t.shape) === 1);
  const mode: Mode = flat ? 'flat' : 'broadcast';
  const { dims, strides } = flat
    ? { dims: [n], strides: inputs.map((t) => [sizeOf(t.shape) === 1 && n !== 1 ? 0 : 1]) }
    : mergeBroadcastAxes(
        shape,
        inputs.map((t) => t.shape),
      );
  const uniforms = STRIDED_PARAMS.pack({
    n,
    rank: dims.length,
    shape: dims,
    s0: strides[0] ?? [],
    s1: strides[1] ?? [],
    s2: strides[2] ?? [],
  });
  return { mode, uniforms };
}

for (const def of BINARY_OPS) {
  registerGpuKernel(def.name, (inputs, _attrs, be) => {
    const [x, y] = inputs as [KernelTensor, KernelTensor];
    const shape = shapesEqual(x.shape, y.shape)
      ? x.shape
      : broadcastShapes(def.name, x.shape, y.shape);
    const out = be.output(def.name, shape, outDType(def.output, x.dtype));
    const { mode, uniforms } = broadcastParams(shape, inputs);
    be.dispatch(
      binaryProgram(def, x.dtype, mode),
      inputs,
      [out],
      uniforms,
      linearGroups(sizeOf(shape)),
    );
    return [out];
  });
}

function whereProgram(dtype: DType, mode: Mode): GpuProgram {
  const t = wgslType(dtype);
  return linearProgram(`where/${dtype}/${mode}`, () => ({
    inputs: ['i32', t, t],
    outputs: [t],
    params: STRIDED_PARAMS,
    body: `
  if (i >= P.n) { return; }
  ${mode === 'broadcast' ? stridedOffsetsWgsl(3) : ''}
  out0[i] = select(${inputRead(mode, 2)}, ${inputRead(mode, 1)}, ${inputRead(mode, 0)} != 0);`,
  }));
}

registerGpuKernel('where', (inputs, _attrs, be) => {
  const [c, x, y] = inputs as [KernelTensor, KernelTensor, KernelTensor];
  const shape = broadcastShapes('where', broadcastShapes('where', c.shape, x.shape), y.shape);
  const out = be.output('where', shape, x.dtype);
  const { mode, uniforms } = broadcastParams(shape, inputs);
  be.dispatch(whereProgram(x.dtype, mode), inputs, [out], uniforms, linearGroups(sizeOf(shape)));
  return [out];
});

function castExpr(from: DType, to: DType): string {
  if (to === 'bool')
    return from === 'float32' ? 'select(0, 1, webgrad_truthy(x))' : 'select(0, 1, x != 0)';
  if (to === 'float32') return from === 'float32' ? 'x' : 'f32(x)';
  return from === 'float32' ? 'webgrad_f32_to_i32(x)' : 'x';
}

registerGpuKernel('cast', (inputs, attrs, be) => {
  const x = inputs[0]!;
  const to = attrs.dtype as DType;
  const out = be.output('cast', x.shape, to);
  const n = sizeOf(x.shape);
  const program: GpuProgram = linearProgram(`cast/${x.dtype}/${to}`, () => ({
    inputs: [wgslType(x.dtype)],
    outputs: [wgslType(to)],
    params: UNARY_PARAMS,
    body: `
  if (i >= P.n) { return; }
  let x = in0[i];
  out0[i] = ${castExpr(x.dtype, to)};`,
  }));
  be.dispatch(
    program,
    [x],
    [out],
    UNARY_PARAMS.pack({ n, a: 0, b: 0, ai: 0, bi: 0 }),
    linearGroups(n),
  );
  return [out];
});
