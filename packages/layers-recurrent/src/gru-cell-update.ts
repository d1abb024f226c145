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
  sumTo,
  tanh,
  zeros,
  registerKernel,
  wasmGruCell,
  wasmGruCellBackward,
  type KernelTensor,
  type Tensor,
} from '@webgrad/core-tensor';
import { registerGradient } from '@webgrad/autograd';

/**
 * The pointwise part of one GRU step, PyTorch's gate order (r, z, n) with
 * the reset gate applied to the recurrent term *including* its bias:
 *
 *   r = σ(gi_r + gh_r + b_hr),  z = σ(gi_z + gh_z + b_hz),
 *   n = tanh(gi_n + r ⊙ (gh_n + b_hn)),
 *   h′ = (1 − z) ⊙ n + z ⊙ h.
 *
 * `gi` = W_ih·x + b_ih and `gh` = W_hh·h are [..., 3H], `h` is [..., H],
 * `bhh` (b_hh, [3H]) may be null. One fused op (`gruCell`) with its own
 * gradient; a backend without the kernel runs the same formula as separate ops.
 *
 * @example
 * ```ts
 * const h1 = gruCellUpdate(gi, gh, h0, bhh);
 * ```
 */
export function gruCellUpdate(gi: Tensor, gh: Tensor, h: Tensor, bhh: Tensor | null = null): Tensor {
  validate(gi, gh, h, bhh);
  if (!hasKernel('gruCell', gi.backend.name)) return gruCellUpdateReference(gi, gh, h, bhh);
  // the op always takes a bias, so its input list (and what its gradient saves) has one form
  return runKernel('gruCell', [gi, gh, h, bhh ?? zeros([gi.shape[gi.rank - 1]!], { dtype: gi.dtype, backend: gi.backend.name })])[0]!;
}

/**
 * `gruCellUpdate` written with separate tensor ops: the reference the fused
 * kernel is tested against and the path on backends without the kernel.
 */
export function gruCellUpdateReference(gi: Tensor, gh: Tensor, h: Tensor, bhh: Tensor | null = null): Tensor {
  validate(gi, gh, h, bhh);
  const H = h.shape[h.rank - 1]!;
  const ax = gi.rank - 1;
  const ghb = bhh ? add(gh, bhh) : gh;
  const r = sigmoid(add(narrow(gi, ax, 0, H), narrow(ghb, ax, 0, H)));
  const z = sigmoid(add(narrow(gi, ax, H, H), narrow(ghb, ax, H, H)));
  const n = tanh(add(narrow(gi, ax, 2 * H, H), mul(r, narrow(ghb, ax, 2 * H, H))));
  return add(mul(sub(1, z), n), mul(z, h));
}

function validate(gi: Tensor, gh: Tensor, h: Tensor, bhh: Tensor | null): void {
  const H = h.shape[h.rank - 1]!;
  const lead = h.shape.slice(0, -1);
  const ok = (t: Tensor): boolean => t.rank === h.rank && t.shape[t.rank - 1] === 3 * H && t.shape.slice(0, -1).every((d, k) => d === lead[k]);
  if (h.rank === 0 || !ok(gi) || !ok(gh) || (bhh !== null && (bhh.rank !== 1 || bhh.shape[0] !== 3 * H))) {
    throw new ShapeError(
      'gruCell',
      `expected gi and gh of [..., 3H], h of [..., H] with equal leading axes and bhh of [3H], got gi ${fmtShape(gi.shape)}, gh ${fmtShape(gh.shape)}, h ${fmtShape(h.shape)}${bhh ? `, bhh ${fmtShape(bhh.shape)}` : ''}`,
    );
  }
  if (!isFloatDType(h.dtype) || gi.dtype !== h.dtype || gh.dtype !== h.dtype || (bhh !== null && bhh.dtype !== h.dtype)) {
    throw new DTypeError('gruCell', `expected gi, gh, h (and bhh) of one floating-point dtype, got ${gi.dtype}, ${gh.dtype}, ${h.dtype}${bhh ? `, ${bhh.dtype}` : ''}`);
  }
}

// ---- the fused op: [gi, gh, h, bhh] → [h′]; its gradient recomputes the gates from the saved inputs ----

/** r, z, n and hn = gh_n + b_hn of one element, written into `out` (no allocation on the hot path). */
function gruGates(A: ArrayLike<number>, B: ArrayLike<number>, bias: ArrayLike<number>, g0: number, H: number, j: number, out: Float64Array): void {
  const r = 1 / (1 + Math.exp(-(A[g0 + j]! + (B[g0 + j]! + bias[j]!))));
  const z = 1 / (1 + Math.exp(-(A[g0 + H + j]! + (B[g0 + H + j]! + bias[H + j]!))));
  const hn = B[g0 + 2 * H + j]! + bias[2 * H + j]!;
  out[0] = r;
  out[1] = z;
  out[2] = Math.tanh(A[g0 + 2 * H + j]! + r * hn);
  out[3] = hn;
}

registerKernel('gruCell', 'cpu', (inputs): KernelTensor[] => {
  const [gi, gh, h, bhh] = inputs as [KernelTensor, KernelTensor, KernelTensor, KernelTensor];
  // float32 on the WebAssembly SIMD path: the same formula, vectorised (see core-tensor's wasm-gru-cell.ts)
  const fast = wasmGruCell(gi, gh, h, bhh);
  if (fast !== null) return fast;
  const H = h.shape[h.shape.length - 1]!;
  const rows = H === 0 ? 0 : cpuData(h).length / H;
  const A = cpuData(gi);
  const B = cpuData(gh);
  const Hp = cpuData(h);
  const bias = cpuData(bhh);
  const out = cpuAlloc(h.shape, h.dtype);
  const O = out.data;
  const gate = new Float64Array(4);
  for (let row = 0; row < rows; row++) {
    const g0 = row * 3 * H;
    const s0 = row * H;
    for (let j = 0; j < H; j++) {
      gruGates(A, B, bias, g0, H, j, gate);
      const z = gate[1]!;
      O[s0 + j] = (1 - z) * gate[2]! + z * Hp[s0 + j]!;
    }
  }
  return [out.out];
});

/**
 * [dh′, gi, gh, h, bhh] → [dgi, dgh, dh]: the gradient of one step. With
 * da_n = dh′ ⊙ (1 − z) ⊙ (1 − n²): dgi = [da_r, da_z, da_n], dgh = [da_r, da_z,
 * da_n ⊙ r] where da_z = dh′ ⊙ (h − n) ⊙ z(1 − z), da_r = da_n ⊙ hn ⊙ r(1 − r),
 * and dh = dh′ ⊙ z.
 */
// Walks the same layout as the forward kernel on purpose: two flat loops compile to tight
// code, where a shared per-element callback would not.
registerKernel('gruCellBackward', 'cpu', (inputs): KernelTensor[] => {
  const [dhn, gi, gh, h, bhh] = inputs as [KernelTensor, KernelTensor, KernelTensor, KernelTensor, KernelTensor];
  const fast = wasmGruCellBackward(dhn, gi, gh, h, bhh);
  if (fast !== null) return fast;
  const H = h.shape[h.shape.length - 1]!;
  const rows = H === 0 ? 0 : cpuData(h).length / H;
  const DH = cpuData(dhn);
  const A = cpuData(gi);
  const B = cpuData(gh);
  const Hp = cpuData(h);
  const bias = cpuData(bhh);
  const dgi = cpuAlloc(gi.shape, h.dtype);
  const dgh = cpuAlloc(gi.shape, h.dtype);
  const dh = cpuAlloc(h.shape, h.dtype);
  const DI = dgi.data;
  const DG = dgh.data;
  const DP = dh.data;
  const gate = new Float64Array(4);
  for (let row = 0; row < rows; row++) {
    const g0 = row * 3 * H;
    const s0 = row * H;
    for (let j = 0; j < H; j++) {
      gruGates(A, B, bias, g0, H, j, gate);
      const r = gate[0]!;
      const z = gate[1]!;
      const n = gate[2]!;
      const hn = gate[3]!;
      const d = DH[s0 + j]!;
      const dan = d * (1 - z) * (1 - n * n);
      const daz = d * (Hp[s0 + j]! - n) * z * (1 - z);
      const dar = dan * hn * r * (1 - r);
      DI[g0 + j] = dar;
      DI[g0 + H + j] = daz;
      DI[g0 + 2 * H + j] = dan;
      DG[g0 + j] = dar;
      DG[g0 + H + j] = daz;
      DG[g0 + 2 * H + j] = dan * r;
      DP[s0 + j] = d * z;
    }
  }
  return [dgi.out, dgh.out, dh.out];
});

registerGradient({
  op: 'gruCell',
  saveInputs: [0, 1, 2, 3],
  backward: ([dhn], ctx) => {
    const [gi, gh, h, bhh] = ctx.inputs as [Tensor, Tensor, Tensor, Tensor];
    let dgi: Tensor;
    let dgh: Tensor;
    let dh: Tensor;
    if (!isGradEnabled() && hasKernel('gruCellBackward', h.backend.name)) {
      [dgi, dgh, dh] = runKernel('gruCellBackward', [dhn!, gi, gh, h, bhh]) as [Tensor, Tensor, Tensor];
    } else {
      // with createGraph the gradient is itself recorded, so it is written with differentiable ops of the inputs
      ({ dgi, dgh, dh } = gruCellBackwardReference(dhn!, gi, gh, h, bhh));
    }
    return [ctx.needsInputGrad[0] ? dgi : null, ctx.needsInputGrad[1] ? dgh : null, ctx.needsInputGrad[2] ? dh : null, ctx.needsInputGrad[3] ? sumTo(dgh, bhh.shape) : null];
  },
});

function gruCellBackwardReference(dhn: Tensor, gi: Tensor, gh: Tensor, h: Tensor, bhh: Tensor): { dgi: Tensor; dgh: Tensor; dh: Tensor } {
  const H = h.shape[h.rank - 1]!;
  const ax = gi.rank - 1;
  const ghb = add(gh, bhh);
  const r = sigmoid(add(narrow(gi, ax, 0, H), narrow(ghb, ax, 0, H)));
  const z = sigmoid(add(narrow(gi, ax, H, H), narrow(ghb, ax, H, H)));
  const hn = narrow(ghb, ax, 2 * H, H);
  const n = tanh(add(narrow(gi, ax, 2 * H, H), mul(r, hn)));
  const dan = mul(mul(dhn, sub(1, z)), sub(1, mul(n, n)));
  const daz = mul(mul(dhn, sub(h, n)), mul(z, sub(1, z)));
  const dar = mul(mul(dan, hn), mul(r, sub(1, r)));
  return { dgi: concat([dar, daz, dan], ax), dgh: concat([dar, daz, mul(dan, r)], ax), dh: mul(dhn, z) };
}
