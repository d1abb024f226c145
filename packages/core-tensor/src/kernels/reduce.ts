import type { KernelTensor } from '../backend.js';
import { cpuAlloc, cpuData } from '../cpu/cpu-backend.js';
import type { DType, TypedArray } from '../dtype.js';
import { registerKernel } from '../kernel-registry.js';
import { sizeOf, type Shape } from '../shape.js';
import { wasmUsable } from '../wasm/wasm-elementwise.js';
import { wasmReduceRows, type RowReduction } from '../wasm/wasm-reduce.js';
import { runWasmUnary } from '../wasm/wasm-unary-call.js';
import { permuteArray } from './transpose.js';

/**
 * A reduction over `axes` seen as [outer, reduced, inner]: contiguous axis
 * blocks need no copy; any other set of axes is permuted to the end first.
 */
interface ReductionLayout {
  data: TypedArray;
  outer: number;
  red: number;
  inner: number;
}

/** The output shape of reducing `shape` over `axes`. */
export function reducedShape(shape: Shape, axes: readonly number[], keepdims: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (axes.includes(i)) {
      if (keepdims) out.push(1);
    } else out.push(shape[i]!);
  }
  return out;
}

function layout(x: KernelTensor, axes: readonly number[]): ReductionLayout {
  const data = cpuData(x);
  const shape = x.shape;
  const sorted = [...axes].sort((a, b) => a - b);
  const contiguous = sorted.every((a, i) => i === 0 || a === sorted[i - 1]! + 1);
  if (sorted.length === 0) return { data, outer: data.length, red: 1, inner: 1 };
  if (contiguous) {
    const first = sorted[0]!;
    const last = sorted[sorted.length - 1]!;
    return {
      data,
      outer: sizeOf(shape.slice(0, first)),
      red: sizeOf(shape.slice(first, last + 1)),
      inner: sizeOf(shape.slice(last + 1)),
    };
  }
  const kept = shape.map((_, i) => i).filter((i) => !sorted.includes(i));
  const perm = [...kept, ...sorted];
  return {
    data: permuteArray(data, shape, perm),
    outer: sizeOf(kept.map((i) => shape[i]!)),
    red: sizeOf(sorted.map((i) => shape[i]!)),
    inner: 1,
  };
}

type Combine = 'sum' | 'prod' | 'max' | 'min';

/**
 * A float32 sum over a contiguous block of axes with something after it
 * ([outer, red, inner], inner > 1), in WebAssembly: f64 accumulators adding
 * the rows in the same order as the loop below, so the same bits. Null for
 * the layouts it does not cover.
 */
function wasmSumMiddle(x: KernelTensor, axes: readonly number[], outShape: Shape): KernelTensor | null {
  const sorted = [...axes].sort((a, b) => a - b);
  if (sorted.length === 0 || !sorted.every((a, i) => i === 0 || a === sorted[i - 1]! + 1)) return null;
  const outer = sizeOf(x.shape.slice(0, sorted[0]!));
  const red = sizeOf(x.shape.slice(sorted[0]!, sorted[sorted.length - 1]! + 1));
  const inner = sizeOf(x.shape.slice(sorted[sorted.length - 1]! + 1));
  if (inner < 4 || red === 0) return null;
  return runWasmUnary(x, outShape, outer * inner, (k, xp, out) => k.sumMiddleF32(xp, out, outer, red, inner));
}

/**
 * float32 reductions over the trailing axes (`rows` rows of `red`) on the
 * WebAssembly row kernels; null for other layouts, dtypes and kinds.
 */
function wasmTrailing(kind: RowReduction, x: KernelTensor, axes: readonly number[], outShape: Shape): KernelTensor | null {
  if (x.dtype !== 'float32' || axes.length === 0) return null;
  const rank = x.shape.length;
  const sorted = [...axes].sort((a, b) => a - b);
  if (!sorted.every((a, i) => a === rank - sorted.length + i)) return null;
  const red = sizeOf(x.shape.slice(rank - sorted.length));
  return wasmReduceRows(kind, x, outShape, sizeOf(x.shape.slice(0, rank - sorted.length)), red);
}

function reduceKernel(kind: Combine) {
  return (inputs: readonly KernelTensor[], attrs: Readonly<Record<string, unknown>>): KernelTensor[] => {
    const x = inputs[0]!;
    const axes = attrs.axes as number[];
    const outDType: DType = (kind === 'sum' || kind === 'prod') && x.dtype === 'bool' ? 'int32' : x.dtype;
    if (kind === 'sum' && x.dtype === 'float32' && wasmUsable(sizeOf(x.shape))) {
      const fast = wasmSumMiddle(x, axes, reducedShape(x.shape, axes, attrs.keepdims as boolean));
      if (fast !== null) return [fast];
    }
    if (kind !== 'prod') {
      const fast = wasmTrailing(kind, x, axes, reducedShape(x.shape, axes, attrs.keepdims as boolean));
      if (fast !== null) return [fast];
    }
    const { out, data } = cpuAlloc(reducedShape(x.shape, axes, attrs.keepdims as boolean), outDType);
    const { data: X, outer, red, inner } = layout(x, axes);
    if (red === 0) {
      data.fill(kind === 'sum' ? 0 : kind === 'prod' ? 1 : kind === 'max' ? -Infinity : Infinity);
      return [out];
    }
    if (inner === 1) {
      for (let o = 0; o < outer; o++) {
        const base = o * red;
        let acc = X[base]!;
        if (kind === 'sum') for (let r = 1; r < red; r++) acc += X[base + r]!;
        else if (kind === 'prod') for (let r = 1; r < red; r++) acc *= X[base + r]!;
        else if (kind === 'max') for (let r = 1; r < red; r++) { const v = X[base + r]!; if (v > acc || v !== v) acc = v; }
        else for (let r = 1; r < red; r++) { const v = X[base + r]!; if (v < acc || v !== v) acc = v; }
        data[o] = acc;
      }
    } else {
      // accumulate whole inner rows so the innermost loop is contiguous
      const acc = new Float64Array(inner);
      for (let o = 0; o < outer; o++) {
        const base = o * red * inner;
        for (let i = 0; i < inner; i++) acc[i] = X[base + i]!;
        for (let r = 1; r < red; r++) {
          const b = base + r * inner;
          if (kind === 'sum') for (let i = 0; i < inner; i++) acc[i]! += X[b + i]!;
          else if (kind === 'prod') for (let i = 0; i < inner; i++) acc[i]! *= X[b + i]!;
          else if (kind === 'max') for (let i = 0; i < inner; i++) { const v = X[b + i]!; if (v > acc[i]! || v !== v) acc[i] = v; }
          else for (let i = 0; i < inner; i++) { const v = X[b + i]!; if (v < acc[i]! || v !== v) acc[i] = v; }
        }
        data.set(acc, o * inner);
      }
    }
    return [out];
  };
}

function argKernel(largest: boolean) {
  return (inputs: readonly KernelTensor[], attrs: Readonly<Record<string, unknown>>): KernelTensor[] => {
    const x = inputs[0]!;
    const axes = attrs.axes as number[];
    const fast = wasmTrailing(largest ? 'argmax' : 'argmin', x, axes, reducedShape(x.shape, axes, attrs.keepdims as boolean));
    if (fast !== null) return [fast];
    const { out, data } = cpuAlloc(reducedShape(x.shape, axes, attrs.keepdims as boolean), 'int32');
    const { data: X, outer, red, inner } = layout(x, axes);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * red * inner + i;
        let best = X[base]!;
        let bi = 0;
        if (best === best) {
          for (let r = 1; r < red; r++) {
            const v = X[base + r * inner]!;
            if (v !== v) { bi = r; break; } // NaN wins, as in PyTorch
            if (largest ? v > best : v < best) { best = v; bi = r; }
          }
        }
        data[o * inner + i] = bi;
      }
    }
    return [out];
  };
}

registerKernel('sum', 'cpu', reduceKernel('sum'));
registerKernel('prod', 'cpu', reduceKernel('prod'));
registerKernel('max', 'cpu', reduceKernel('max'));
registerKernel('min', 'cpu', reduceKernel('min'));
registerKernel('argmax', 'cpu', argKernel(true));
registerKernel('argmin', 'cpu', argKernel(false));
