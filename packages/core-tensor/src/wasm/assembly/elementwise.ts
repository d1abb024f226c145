// float32 elementwise kernels with 128-bit SIMD. Each op gives exactly the
// value the TypeScript kernel stores (fround of the double-precision
// formula): +, −, ×, ÷ and √ are correctly rounded in f32, which equals
// rounding the double result; minimum/maximum and relu reproduce the
// table's comparisons, NaN and signed zero included.

/** Binary op codes (the order of BINARY_F32_OPS in wasm-elementwise.ts). */
const ADD = 0;
const SUB = 1;
const MUL = 2;
const DIV = 3;
const MAXIMUM = 4;
const MINIMUM = 5;

/** Unary op codes (the order of UNARY_F32_OPS in wasm-elementwise.ts). */
const NEG = 0;
const ABS = 1;
const RELU = 2;
const SQRT = 3;
const SQUARE = 4;

function binaryVec(op: i32, x: v128, y: v128): v128 {
  switch (op) {
    case ADD: return f32x4.add(x, y);
    case SUB: return f32x4.sub(x, y);
    case MUL: return f32x4.mul(x, y);
    case DIV: return f32x4.div(x, y);
    case MAXIMUM: return withNaN(f32x4.pmax(y, x), x, y);
    case MINIMUM: return withNaN(f32x4.pmin(y, x), x, y);
    default: return x;
  }
}

/** NaN wherever x or y is NaN, else r (the table's `x !== x || y !== y ? NaN : …`). */
function withNaN(r: v128, x: v128, y: v128): v128 {
  const nan = v128.or(f32x4.ne(x, x), f32x4.ne(y, y));
  return v128.bitselect(f32x4.splat(NaN), r, nan);
}

function unaryVec(op: i32, x: v128): v128 {
  switch (op) {
    case NEG: return f32x4.neg(x);
    case ABS: return f32x4.abs(x);
    case RELU: return v128.bitselect(f32x4.splat(0), x, f32x4.lt(x, f32x4.splat(0)));
    case SQRT: return f32x4.sqrt(x);
    case SQUARE: return f32x4.mul(x, x);
    default: return x;
  }
}

/**
 * out[i] = op(x[i·xs], y[i·ys]) for i < n, where a stride of 0 repeats one
 * element (broadcast) and 1 walks the array. Vectors of four, then a scalar
 * tail computed through a one-lane vector so it rounds the same way.
 */
export function binaryF32(op: i32, x: usize, y: usize, out: usize, n: i32, xs: i32, ys: i32): void {
  const n4 = n & ~3;
  let i = 0;
  if (xs === 1 && ys === 1) {
    for (; i < n4; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, binaryVec(op, v128.load(x + o), v128.load(y + o)));
    }
  } else if (xs === 1) {
    const yv = v128.load32_splat(y);
    for (; i < n4; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, binaryVec(op, v128.load(x + o), yv));
    }
  } else if (ys === 1) {
    const xv = v128.load32_splat(x);
    for (; i < n4; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, binaryVec(op, xv, v128.load(y + o)));
    }
  }
  for (; i < n; i++) {
    const xv = v128.load32_splat(x + (<usize>(i * xs) << 2));
    const yv = v128.load32_splat(y + (<usize>(i * ys) << 2));
    store<f32>(out + (<usize>i << 2), f32x4.extract_lane(binaryVec(op, xv, yv), 0));
  }
}

/** out[i] = op(x[i]) for i < n. */
export function unaryF32(op: i32, x: usize, out: usize, n: i32): void {
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, unaryVec(op, v128.load(x + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, f32x4.extract_lane(unaryVec(op, v128.load32_splat(x + o)), 0));
  }
}
