import { expect, it } from 'vitest';
import { tensor, type DType, type Tensor, type TypedArray } from '@webgrad/core-tensor';

/** A tensor described on the host, uploaded to each backend under test. */
export interface HostTensor {
  readonly values: TypedArray;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/**
 * Allowed difference between a backend's output and the CPU reference:
 * |got − want| ≤ atol + rtol·|want| for floats (NaN must match NaN, ±Inf the
 * same infinity); integers and bools must be equal.
 */
export interface Tolerance {
  readonly rtol: number;
  readonly atol: number;
}

/** Bit-for-bit equality. */
export const EXACT: Tolerance = { rtol: 0, atol: 0 };

/** One kernel run on every backend with the same inputs. */
export interface ConformanceCase {
  /** The kernel (op name in the kernel registry) the case exercises. */
  readonly kernel: string;
  /** Test name. */
  readonly name: string;
  /** Inputs, created on the backend under test. */
  readonly inputs: readonly HostTensor[];
  /** Runs the op (through the public frontend) on tensors of `backend`. */
  readonly run: (inputs: Tensor[], backend: string) => Tensor | Tensor[];
  /** Allowed difference from the CPU (default exact). */
  readonly tol?: Tolerance;
}

/** A deterministic generator (mulberry32) so every run draws the same inputs. */
export function hostRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sizeOfShape(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Uniform float32 values in [lo, hi). */
export function floats(shape: readonly number[], lo = -3, hi = 3, seed = 1): HostTensor {
  const r = hostRandom(seed);
  const v = new Float32Array(sizeOfShape(shape));
  for (let i = 0; i < v.length; i++) v[i] = lo + (hi - lo) * r();
  return { values: v, shape, dtype: 'float32' };
}

/** Uniform int32 values in [lo, hi]. */
export function ints(shape: readonly number[], lo = -20, hi = 20, seed = 2): HostTensor {
  const r = hostRandom(seed);
  const v = new Int32Array(sizeOfShape(shape));
  for (let i = 0; i < v.length; i++) v[i] = lo + Math.floor((hi - lo + 1) * r());
  return { values: v, shape, dtype: 'int32' };
}

/** Random bools (probability 1/2). */
export function bools(shape: readonly number[], seed = 3): HostTensor {
  const r = hostRandom(seed);
  const v = new Uint8Array(sizeOfShape(shape));
  for (let i = 0; i < v.length; i++) v[i] = r() < 0.5 ? 1 : 0;
  return { values: v, shape, dtype: 'bool' };
}

/** Given values (float32 unless the dtype says otherwise). */
export function values(list: readonly number[], shape: readonly number[] = [list.length], dtype: DType = 'float32'): HostTensor {
  const v = dtype === 'float32' ? Float32Array.from(list) : dtype === 'int32' ? Int32Array.from(list) : Uint8Array.from(list);
  return { values: v, shape, dtype };
}

/** Float32 values that break careless kernels: NaN, ±Inf, ±0, tiny, huge, halves. */
export const SPECIAL_FLOATS = [NaN, Infinity, -Infinity, 0, -0, 1e-30, -1e-30, 1e-7, -1e-7, 1e30, -1e30, 0.5, -0.5, 1, -1, 1.5, -2.5, 3.5, 20, -20, 88, -88, 100, -100];

async function read(t: Tensor): Promise<TypedArray> {
  return t.data();
}

/** Compares `got` with `want` under `tol`; names the first element that differs. */
export function expectClose(got: TypedArray, want: TypedArray, tol: Tolerance, what: string): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < want.length; i++) {
    // GPUs may flush subnormal float32 results to zero
    const g = flushSubnormal(Number(got[i]));
    const w = flushSubnormal(Number(want[i]));
    if (Object.is(g, w) || g === w) continue;
    if (Number.isNaN(w) || Number.isNaN(g) || !Number.isFinite(w) || !Number.isFinite(g)) {
      worst = i;
      worstExcess = Infinity;
      break;
    }
    const excess = Math.abs(g - w) - (tol.atol + tol.rtol * Math.abs(w));
    if (excess > worstExcess) {
      worstExcess = excess;
      worst = i;
    }
  }
  if (worst >= 0) {
    expect.fail(`${what}: element ${worst} is ${got[worst]} on the backend under test, ${want[worst]} on the CPU (tolerance rtol ${tol.rtol}, atol ${tol.atol})`);
  }
}

const MIN_NORMAL_F32 = 1.1754943508222875e-38;

function flushSubnormal(v: number): number {
  return v !== 0 && Math.abs(v) < MIN_NORMAL_F32 ? 0 : v;
}

/**
 * Registers one test per case: the op runs on the CPU and on `backend`, and
 * every output must have the CPU's shape and dtype and values within the
 * case's tolerance.
 */
export function conformanceTests(cases: readonly ConformanceCase[], backend: string): void {
  for (const c of cases) {
    it(`${c.kernel}: ${c.name}`, async () => {
      const want = [c.run(c.inputs.map((h) => tensor(h.values, { shape: h.shape, dtype: h.dtype, backend: 'cpu' })), 'cpu')].flat();
      const got = [c.run(c.inputs.map((h) => tensor(h.values, { shape: h.shape, dtype: h.dtype, backend })), backend)].flat();
      expect(got.length).toBe(want.length);
      for (let k = 0; k < want.length; k++) {
        expect(got[k]!.backend.name).toBe(backend);
        expect(got[k]!.shape, `output ${k} shape`).toEqual(want[k]!.shape);
        expect(got[k]!.dtype, `output ${k} dtype`).toBe(want[k]!.dtype);
        expectClose(await read(got[k]!), await read(want[k]!), c.tol ?? EXACT, `output ${k}`);
      }
      for (const t of [...got, ...want]) t.dispose();
    });
  }
}
