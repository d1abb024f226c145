import { BINARY_OPS, UNARY_OPS, binaryOp, cast, unaryOp, where, type DType } from '@webgrad/core-tensor';
import { EXACT, bools, floats, ints, values, SPECIAL_FLOATS, type ConformanceCase, type HostTensor, type Tolerance } from '../conformance-case.js';

/**
 * Tolerances of the elementwise ops, from WGSL's accuracy rules (exp, log,
 * sin/cos, pow and division may be a few ulp off the correctly rounded value
 * the CPU computes in double precision) with a margin over what lavapipe
 * measures. Ops not listed are exact: add, sub, mul, sqrt and comparisons
 * are correctly rounded on both; selection ops move bits.
 */
export const UNARY_TOLERANCE: Readonly<Record<string, Tolerance>> = {
  exp: { rtol: 4e-6, atol: 0 },
  log: { rtol: 2e-6, atol: 1e-7 },
  log1p: { rtol: 2e-6, atol: 1e-7 },
  expm1: { rtol: 4e-6, atol: 1e-7 },
  rsqrt: { rtol: 1e-6, atol: 0 },
  reciprocal: { rtol: 3e-7, atol: 0 },
  sin: { rtol: 0, atol: 2e-6 },
  cos: { rtol: 0, atol: 2e-6 },
  tanh: { rtol: 2e-6, atol: 1e-7 },
  sigmoid: { rtol: 2e-6, atol: 1e-7 },
  // attributes are float32 on the GPU, doubles on the CPU: one more rounding
  leakyRelu: { rtol: 2.4e-7, atol: 0 },
  clamp: { rtol: 1.2e-7, atol: 0 },
  elu: { rtol: 4e-6, atol: 1e-7 },
  gelu: { rtol: 4e-6, atol: 1e-6 },
  softplus: { rtol: 4e-6, atol: 1e-7 },
  silu: { rtol: 2e-6, atol: 1e-7 },
  erf: { rtol: 2e-6, atol: 3e-7 },
  sqrt: { rtol: 3e-7, atol: 0 },
};

/** Binary ops that are not exact (see `UNARY_TOLERANCE`). */
export const BINARY_TOLERANCE: Readonly<Record<string, Tolerance>> = {
  div: { rtol: 3e-7, atol: 0 },
  // float32 pow's error grows with |y·log x| (exp2 of y·log2 x): 1e-5 covers |y·log₂x| up to ~120
  pow: { rtol: 1e-5, atol: 1e-30 },
};

/** The attributes each unary op is exercised with. */
const UNARY_ATTRS: Readonly<Record<string, readonly (readonly [number, number])[]>> = {
  leakyRelu: [[0.1, 0]],
  elu: [[1.3, 0]],
  gelu: [
    [0, 0],
    [1, 0],
  ],
  softplus: [
    [1, 20],
    [2, 5],
  ],
  clamp: [
    [-1, 2],
    [-Infinity, 0.5],
    [-0.25, Infinity],
  ],
};

function unaryCase(name: string, input: HostTensor, a: number, b: number, caseName: string): ConformanceCase {
  return {
    kernel: name,
    name: caseName,
    inputs: [input],
    run: ([x]) => unaryOp(name, x!, a, b),
    tol: input.dtype === 'float32' ? (UNARY_TOLERANCE[name] ?? EXACT) : EXACT,
  };
}

function unaryCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const def of UNARY_OPS) {
    for (const [a, b] of UNARY_ATTRS[def.name] ?? [[0, 0]]) {
      const attrs = a !== 0 || b !== 0 ? ` (a=${a}, b=${b})` : '';
      out.push(unaryCase(def.name, floats([3, 5, 7], -4, 4, 11), a!, b!, `float32 [3,5,7]${attrs}`));
      out.push(unaryCase(def.name, values(specialsFor(def.name)), a!, b!, `float32 special values${attrs}`));
      if (def.input !== 'float') out.push(unaryCase(def.name, ints([4, 9], -20, 20, 12), intAttr(a!), intAttr(b!), `int32 [4,9]${attrs}`));
    }
    if (def.input === 'logical') out.push(unaryCase(def.name, bools([17]), 0, 0, 'bool [17]'));
    out.push(unaryCase(def.name, values([0.75], []), ...(UNARY_ATTRS[def.name]?.[0] ?? [0, 0]), 'rank 0'));
    out.push(unaryCase(def.name, floats([0, 3]), ...(UNARY_ATTRS[def.name]?.[0] ?? [0, 0]), 'empty [0,3]'));
  }
  // small arguments, where log1p/expm1/tanh/erf/sinh-like formulas lose digits if done naively
  for (const name of ['log1p', 'expm1', 'tanh', 'erf', 'sigmoid', 'gelu', 'silu']) {
    out.push(unaryCase(name, floats([64], -1e-3, 1e-3, 13), 0, 0, 'float32 near zero'));
  }
  out.push(unaryCase('exp', floats([2048, 2049], -2, 2, 14), 0, 0, 'float32 [2048,2049] (over 4M elements)'));
  return out;
}

/**
 * sin and cos are compared for |x| ≤ 1e4 only: WGSL guarantees their accuracy
 * on [−π, π] and GPUs reduce larger arguments in float32, which for huge x
 * (ulp(1e30) ≈ 7e22) gives a different, equally meaningless, value.
 */
function specialsFor(name: string): number[] {
  if (name === 'sin' || name === 'cos') return [...SPECIAL_FLOATS.filter((v) => !(Math.abs(v) > 1e4)), 1e3, -1e3, 1e4, 12345.678];
  return SPECIAL_FLOATS;
}

function intAttr(v: number): number {
  return Number.isFinite(v) ? Math.trunc(v) : v;
}

/** Broadcast patterns: [x shape, y shape]. */
const BROADCASTS: readonly (readonly [number[], number[]])[] = [
  [[4, 6, 5], [4, 6, 5]],
  [[4, 1, 5], [6, 1]],
  [[1], [3, 4]],
  [[], [2, 3]],
  [[2, 3], []],
  [[5, 1, 1, 3], [1, 4, 2, 1]],
  [[2, 1, 3, 1, 2, 2], [1, 2, 1, 3, 1, 2]],
  [[7, 1], [1, 9]],
  [[0, 3], [3]],
];

function binaryCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const def of BINARY_OPS) {
    const tol = BINARY_TOLERANCE[def.name] ?? EXACT;
    const run = ([x, y]: unknown[]) => binaryOp(def.name, x as never, y as never);
    BROADCASTS.forEach(([xs, ys], k) => {
      const lo = def.name === 'pow' ? 0.1 : -3;
      out.push({ kernel: def.name, name: `float32 [${xs}] with [${ys}]`, inputs: [floats(xs, lo, 3, 20 + k), floats(ys, -3, 3, 40 + k)], run, tol });
    });
    // every pair of special values
    const sx: number[] = [];
    const sy: number[] = [];
    for (const a of SPECIAL_FLOATS) {
      for (const b of SPECIAL_FLOATS) {
        sx.push(a);
        sy.push(b);
      }
    }
    out.push({ kernel: def.name, name: 'float32 special value pairs', inputs: [values(sx), values(sy)], run, tol });
    if (def.input !== 'float') {
      const y = def.name === 'pow' ? ints([4, 9], -3, 6, 31) : ints([4, 9], -20, 20, 31);
      out.push({ kernel: def.name, name: 'int32 [4,9]', inputs: [ints([4, 9], -9, 9, 30), y], run, tol: EXACT });
      out.push({ kernel: def.name, name: 'int32 [4,1] with [9]', inputs: [ints([4, 1], -9, 9, 32), ints([9], 0, 5, 33)], run, tol: EXACT });
    }
    if (def.input === 'logical') out.push({ kernel: def.name, name: 'bool [3,5] with [5]', inputs: [bools([3, 5], 5), bools([5], 6)], run, tol: EXACT });
  }
  // negative bases with integral exponents are real (PyTorch), fractional ones NaN
  out.push({
    kernel: 'pow',
    name: 'negative bases',
    inputs: [values([-2, -2, -2, -0.5, -3, -1.5, -8, 0, -0, -0]), values([2, 3, -3, 4, 0.5, 7, 1 / 3, -1, -1, 3])],
    run: ([x, y]) => binaryOp('pow', x!, y!),
    tol: BINARY_TOLERANCE.pow,
  });
  out.push({
    kernel: 'add',
    name: 'float32 [2048,2049] + [2049] (over 4M elements)',
    inputs: [floats([2048, 2049], -1, 1, 50), floats([2049], -1, 1, 51)],
    run: ([x, y]) => binaryOp('add', x!, y!),
  });
  out.push({
    kernel: 'mul',
    name: 'non-contiguous: transposed operand',
    inputs: [floats([5, 7], -2, 2, 52), floats([7, 5], -2, 2, 53)],
    run: ([x, y]) => binaryOp('mul', x!, y!.transpose(0, 1)),
  });
  return out;
}

function castCases(): ConformanceCase[] {
  const dtypes: DType[] = ['float32', 'int32', 'bool'];
  const sources: Record<string, HostTensor> = {
    float32: values([...SPECIAL_FLOATS, 2.5, -2.5, 2147483520, -2147483648, 3e9, -3e9, 1e12, 7.9, -7.9]),
    int32: values([0, 1, -1, 2147483647, -2147483648, 16777217, -16777217, 5], [8], 'int32'),
    bool: values([0, 1, 1, 0], [4], 'bool'),
  };
  const out: ConformanceCase[] = [];
  for (const from of dtypes) {
    for (const to of dtypes) {
      if (from === to) continue;
      out.push({ kernel: 'cast', name: `${from} to ${to}`, inputs: [sources[from]!], run: ([x]) => cast(x!, to) });
    }
  }
  return out;
}

function whereCases(): ConformanceCase[] {
  return [
    { kernel: 'where', name: 'same shapes', inputs: [bools([4, 5]), floats([4, 5]), floats([4, 5], -1, 1, 9)], run: ([c, x, y]) => where(c!, x!, y!) },
    { kernel: 'where', name: 'broadcast [4,1] [5] []', inputs: [bools([4, 1]), floats([5]), values([7], [])], run: ([c, x, y]) => where(c!, x!, y!) },
    { kernel: 'where', name: 'int32, rank 5', inputs: [bools([2, 1, 3, 1, 2]), ints([2, 2, 3, 1, 2]), ints([1, 2, 1, 4, 2], -5, 5, 8)], run: ([c, x, y]) => where(c!, x!, y!) },
    { kernel: 'where', name: 'empty', inputs: [bools([0, 2]), floats([0, 2]), floats([2])], run: ([c, x, y]) => where(c!, x!, y!) },
  ];
}

/** Every elementwise kernel: the table's unary and binary ops, cast and where. */
export const ELEMENTWISE_CASES: readonly ConformanceCase[] = [...unaryCases(), ...binaryCases(), ...castCases(), ...whereCases()];
