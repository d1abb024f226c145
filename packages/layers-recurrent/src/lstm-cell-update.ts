import {
  add,
  concat,
  cpuAlloc,
  cpuData,
  DTypeError,
  fmtShape,
  hasKernel,
  isFloatDType,
  isGradEnabled,
  mul,
  narrow,
  runKernel,
  ShapeError,
  sigmoid,
  sub,
  tanh,
  registerKernel,
  wasmLstmCell,
  wasmLstmCellBackward,
  type KernelTensor,
  type Tensor,
} from '@webgrad/core-tensor';
import { registerGradient } from '@webgrad/autograd';

/** The new LSTM state after one step: hidden output and cell. */
export interface LstmCellState {
  /** h′ = o ⊙ tanh(c′), [..., H]. */
  h: Tensor;
  /** c′ = f ⊙ c + i ⊙ g, [..., H]. */
  c: Tensor;
}

/**
 * The pointwise part of one LSTM step, PyTorch's gate order (i, f, g, o):
 *
 *   a = gi + gh = [a_i, a_f, a_g, a_o],
 *   i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o),
 *   c′ = f ⊙ c + i ⊙ g,  h′ = o ⊙ tanh(c′).
 *
 * `gi` is the input projection W_ih·x + b_ih (+ b_hh), `gh` the recurrent
 * projection W_hh·h (+ b_hh), both [..., 4H]; `c` is [..., H]. One fused op
 * (`lstmCell`) with its own gradient: the hot path of every LSTM. A backend
 * without the kernel runs the same formula as separate ops.
 *
 * @example
 * ```ts
 * const { h, c } = lstmCellUpdate(gi, gh, c0);
 * ```
 */
export function lstmCellUpdate(gi: Tensor, gh: Tensor, c: Tensor): LstmCellState {
  validate(gi, gh, c);
  if (!hasKernel('lstmCell', gi.backend.name)) return lstmCellUpdateReference(gi, gh, c);
  const [h, cNext] = runKernel('lstmCell', [gi, gh, c]);
  return { h: h!, c: cNext! };
}

/**
 * `lstmCellUpdate` written with separate tensor ops: the reference the fused
 * kernel is tested against, the path on backends without the kernel, and the
 * gradient when a graph of the gradient itself is wanted.
 */
export function lstmCellUpdateReference(gi: Tensor, gh: Tensor, c: Tensor): LstmCellState {
  validate(gi, gh, c);
  const H = c.shape[c.rank - 1]!;
  const a = add(gi, gh);
  const ax = a.rank - 1;
  const i = sigmoid(narrow(a, ax, 0, H));
  const f = sigmoid(narrow(a, ax, H, H));
  const g = tanh(narrow(a, ax, 2 * H, H));
  const o = sigmoid(narrow(a, ax, 3 * H, H));
  const cNext = add(mul(f, c), mul(i, g));
  return { h: mul(o, tanh(cNext)), c: cNext };
}

function validate(gi: Tensor, gh: Tensor, c: Tensor): void {
  const H = c.shape[c.rank - 1];
  const lead = c.shape.slice(0, -1);
  const ok = (t: Tensor): boolean => t.rank === c.rank && t.shape[t.rank - 1] === 4 * H! && t.shape.slice(0, -1).every((d, k) => d === lead[k]);
  if (c.rank === 0 || !ok(gi) || !ok(gh)) {
    throw new ShapeError('lstmCell', `expected gi and gh of [..., 4H] and c of [..., H] with equal leading axes, got gi ${fmtShape(gi.shape)}, gh ${fmtShape(gh.shape)}, c ${fmtShape(c.shape)}`);
  }
  if (!isFloatDType(c.dtype) || gi.dtype !== c.dtype || gh.dtype !== c.dtype) {
    throw new DTypeError('lstmCell', `expected gi, gh and c of one floating-point dtype, got ${gi.dtype}, ${gh.dtype}, ${c.dtype}`);
  }
}

// ---- the fused op: [gi, gh, c] → [h′, c′]; its gradient recomputes the gates from the saved inputs ----

/** i, f, g, o of unit k (= row·4H + j) from a = gi + gh, in double precision, into `out` (no allocation on the hot path). */
function lstmGates(A: ArrayLike<number>, B: ArrayLike<number>, k: number, H: number, out: Float64Array): void {
  out[0] = 1 / (1 + Math.exp(-(A[k]! + B[k]!)));
  out[1] = 1 / (1 + Math.exp(-(A[k + H]! + B[k + H]!)));
  out[2] = Math.tanh(A[k + 2 * H]! + B[k + 2 * H]!);
  out[3] = 1 / (1 + Math.exp(-(A[k + 3 * H]! + B[k + 3 * H]!)));
}

registerKernel('lstmCell', 'cpu', (inputs): KernelTensor[] => {
  const [gi, gh, c] = inputs as [KernelTensor, KernelTensor, KernelTensor];
  // float32 on core-tensor's WebAssembly SIMD path: the same formula, two units per vector
  const fast = wasmLstmCell(gi, gh, c);
  if (fast !== null) return fast;
  const H = c.shape[c.shape.length - 1]!;
  const rows = H === 0 ? 0 : cpuData(c).length / H;
  const A = cpuData(gi);
  const B = cpuData(gh);
  const C = cpuData(c);
  const h = cpuAlloc(c.shape, c.dtype);
  const cn = cpuAlloc(c.shape, c.dtype);
  const Hd = h.data;
  const Cd = cn.data;
  const gate = new Float64Array(4);
  for (let r = 0; r < rows; r++) {
    const g0 = r * 4 * H;
    const s0 = r * H;
    for (let j = 0; j < H; j++) {
      lstmGates(A, B, g0 + j, H, gate);
      const cv = gate[1]! * C[s0 + j]! + gate[0]! * gate[2]!;
      Cd[s0 + j] = cv;
      Hd[s0 + j] = gate[3]! * Math.tanh(cv);
    }
  }
  return [h.out, cn.out];
});

/**
 * [dh′, dc′, gi, gh, c] → [da, dc]: the gradient of one step, da = [da_i,
 * da_f, da_g, da_o] being the gradient of both gi and gh. With tc = tanh(c′):
 * dc_total = dc′ + dh′ ⊙ o ⊙ (1 − tc²), da_i = dc_total ⊙ g ⊙ i(1 − i),
 * da_f = dc_total ⊙ c ⊙ f(1 − f), da_g = dc_total ⊙ i ⊙ (1 − g²),
 * da_o = dh′ ⊙ tc ⊙ o(1 − o), dc = dc_total ⊙ f.
 */
// Walks the same layout as the forward kernel on purpose: two flat loops compile to tight
// code, where a shared per-element callback would not.
registerKernel('lstmCellBackward', 'cpu', (inputs): KernelTensor[] => {
  const [dh, dcn, gi, gh, c] = inputs as [KernelTensor, KernelTensor, KernelTensor, KernelTensor, KernelTensor];
  const fast = wasmLstmCellBackward(dh, dcn, gi, gh, c);
  if (fast !== null) return fast;
  const H = c.shape[c.shape.length - 1]!;
  const rows = H === 0 ? 0 : cpuData(c).length / H;
  const DH = cpuData(dh);
  const DCN = cpuData(dcn);
  const A = cpuData(gi);
  const B = cpuData(gh);
  const C = cpuData(c);
  const da = cpuAlloc(gi.shape, gi.dtype);
  const dc = cpuAlloc(c.shape, c.dtype);
  const DA = da.data;
  const DC = dc.data;
  const gate = new Float64Array(4);
  for (let r = 0; r < rows; r++) {
    const g0 = r * 4 * H;
    const s0 = r * H;
    for (let j = 0; j < H; j++) {
      const k = g0 + j;
      lstmGates(A, B, k, H, gate);
      const i = gate[0]!;
      const f = gate[1]!;
      const g = gate[2]!;
      const o = gate[3]!;
      const cp = C[s0 + j]!;
      const tc = Math.tanh(f * cp + i * g);
      const dhv = DH[s0 + j]!;
      const dct = DCN[s0 + j]! + dhv * o * (1 - tc * tc);
      DA[k] = dct * g * i * (1 - i);
      DA[k + H] = dct * cp * f * (1 - f);
      DA[k + 2 * H] = dct * i * (1 - g * g);
      DA[k + 3 * H] = dhv * tc * o * (1 - o);
      DC[s0 + j] = dct * f;
    }
  }
  return [da.out, dc.out];
});

registerGradient({
  op: 'lstmCell',
  saveInputs: [0, 1, 2],
  backward: ([dh, dcn], ctx) => {
    const [gi, gh, c] = ctx.inputs as [Tensor, Tensor, Tensor];
    let da: Tensor;
    let dc: Tensor;
    if (!isGradEnabled() && hasKernel('lstmCellBackward', c.backend.name)) {
      [da, dc] = runKernel('lstmCellBackward', [dh!, dcn!, gi, gh, c]) as [Tensor, Tensor];
    } else {
      // with createGraph the gradient is itself recorded, so it is written with differentiable ops of the inputs
      ({ da, dc } = lstmCellBackwardReference(dh!, dcn!, gi, gh, c));
    }
    return [ctx.needsInputGrad[0] ? da : null, ctx.needsInputGrad[1] ? da : null, ctx.needsInputGrad[2] ? dc : null];
  },
});

/** The gradient of `lstmCellUpdate` written with differentiable ops (the fused gradient when a graph of it is wanted). */
export function lstmCellBackwardReference(dh: Tensor, dcn: Tensor, gi: Tensor, gh: Tensor, c: Tensor): { da: Tensor; dc: Tensor } {
  const H = c.shape[c.rank - 1]!;
  const a = add(gi, gh);
  const ax = a.rank - 1;
  const i = sigmoid(narrow(a, ax, 0, H));
  const f = sigmoid(narrow(a, ax, H, H));
  const g = tanh(narrow(a, ax, 2 * H, H));
  const o = sigmoid(narrow(a, ax, 3 * H, H));
  const tc = tanh(add(mul(f, c), mul(i, g)));
  const dct = add(dcn, mul(mul(dh, o), sub(1, mul(tc, tc))));
  const sigmoidGrad = (s: Tensor): Tensor => mul(s, sub(1, s));
  const da = concat(
    [mul(mul(dct, g), sigmoidGrad(i)), mul(mul(dct, c), sigmoidGrad(f)), mul(mul(dct, i), sub(1, mul(g, g))), mul(mul(dh, tc), sigmoidGrad(o))],
    ax,
  );
  return { da, dc: mul(dct, f) };
}
