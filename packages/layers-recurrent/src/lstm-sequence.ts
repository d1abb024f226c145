import {
  add,
  batchMatmul,
  concat,
  cpuAlloc,
  cpuData,
  DTypeError,
  fmtShape,
  hasKernel,
  isFloatDType,
  isGradEnabled,
  narrow,
  registerKernel,
  reshape,
  runKernel,
  ShapeError,
  type KernelTensor,
  type Tensor,
} from '@webgrad/core-tensor';
import { registerGradient } from '@webgrad/autograd';
import { lstmCellBackwardReference } from './lstm-cell-update.js';

/** The hidden and cell states of every step of one LSTM recurrence. */
export interface LstmSequenceResult {
  /** h_t of every step, [T, B, H], in time order (also when run in reverse). */
  hs: Tensor;
  /** c_t of every step, [T, B, H]. */
  cs: Tensor;
}

/** Options of `lstmSequence`. */
export interface LstmSequenceOptions {
  /** Run from the last step to the first (the reverse direction of a bidirectional layer). */
  reverse?: boolean;
}

/**
 * The whole recurrence of one LSTM layer and direction (no projection, no
 * padding) as one op, `lstmSequence`: from the input projections `gi`
 * [T, B, 4H] (W_ih·x_t + b_ih + b_hh of every step), h0 and c0 [B, H] and
 * W_hh [4H, H], every step's
 *
 *   a_t = gi_t + h_{t−1}·W_hhᵀ,  c_t = f ⊙ c_{t−1} + i ⊙ g,  h_t = o ⊙ tanh(c_t)
 *
 * (gates as in `lstmCellUpdate`). Its gradient is one backward op over the
 * whole sequence (`lstmSequenceBackward`, dgi of every step and dc0) plus one
 * matmul for ∂L/∂W_hh = Σ_t dgi_tᵀ h_{t−1}. On WebGPU each time step is one
 * dispatch forward (recurrent product and cell fused) and one backward,
 * instead of a matmul, a cell kernel and the copies and additions between
 * them; the layers use it there (`RNNBase.run`). The CPU kernel is the exact
 * reference (double-precision gates, any float dtype) it is tested against.
 *
 * @example
 * ```ts
 * const { hs, cs } = lstmSequence(gi, h0, c0, lstm.weight_hh_l0); // [T, B, H] twice
 * ```
 */
export function lstmSequence(gi: Tensor, h0: Tensor, c0: Tensor, weightHh: Tensor, options: LstmSequenceOptions = {}): LstmSequenceResult {
  validate(gi, h0, c0, weightHh);
  const [hs, cs, gates] = runKernel('lstmSequence', [gi, h0, c0, weightHh], { reverse: options.reverse === true });
  // the gates are only kept for the gradient (the autograd node holds its own handle)
  gates!.dispose();
  return { hs: hs!, cs: cs! };
}

/**
 * Whether the layers run an LSTM recurrence as `lstmSequence` on `backend`:
 * where it has the op's kernel, except the CPU, whose per-step path
 * (WebAssembly SIMD matmul and cell kernels) is faster than the op's
 * double-precision reference kernel.
 */
export function usesFusedSequence(backend: string): boolean {
  return backend !== 'cpu' && hasKernel('lstmSequence', backend);
}

function validate(gi: Tensor, h0: Tensor, c0: Tensor, w: Tensor): void {
  const [T, B, G] = gi.shape;
  const H = h0.shape[1];
  const shapes = `gi ${fmtShape(gi.shape)}, h0 ${fmtShape(h0.shape)}, c0 ${fmtShape(c0.shape)}, weightHh ${fmtShape(w.shape)}`;
  const ok =
    gi.rank === 3 && h0.rank === 2 && c0.rank === 2 && w.rank === 2 && T! > 0 && h0.shape[0] === B && G === 4 * H! && c0.shape[0] === B && c0.shape[1] === H && w.shape[0] === G && w.shape[1] === H;
  if (!ok) throw new ShapeError('lstmSequence', `expected gi [T, B, 4H] with T > 0, h0 and c0 [B, H] and weightHh [4H, H], got ${shapes}`);
  if (!isFloatDType(gi.dtype) || [h0, c0, w].some((t) => t.dtype !== gi.dtype)) {
    throw new DTypeError('lstmSequence', `expected gi, h0, c0 and weightHh of one floating-point dtype, got ${gi.dtype}, ${h0.dtype}, ${c0.dtype}, ${w.dtype}`);
  }
}

/** The time step processed s-th: t = s forward, T − 1 − s in reverse. */
function stepAt(s: number, T: number, reverse: boolean): number {
  return reverse ? T - 1 - s : s;
}

// ---- CPU kernels: the reference, in double precision per step (the state is stored in the dtype between steps) ----

registerKernel('lstmSequence', 'cpu', (inputs, attrs): KernelTensor[] => {
  const [gi, h0, c0, w] = inputs as [KernelTensor, KernelTensor, KernelTensor, KernelTensor];
  const [T, B, G] = gi.shape as [number, number, number];
  const H = G / 4;
  const GI = cpuData(gi);
  const W = cpuData(w);
  const hs = cpuAlloc([T, B, H], gi.dtype);
  const cs = cpuAlloc([T, B, H], gi.dtype);
  const gates = cpuAlloc([T, B, G], gi.dtype);
  const HS = hs.data;
  const CS = cs.data;
  const GT = gates.data;
  const reverse = attrs.reverse === true;
  for (let s = 0; s < T; s++) {
    const t = stepAt(s, T, reverse);
    const tp = stepAt(s - 1, T, reverse);
    // h_{t−1}, c_{t−1}: the step before, or h0, c0
    const hp = s > 0 ? HS : cpuData(h0);
    const cp = s > 0 ? CS : cpuData(c0);
    const pOff = s > 0 ? tp * B * H : 0;
    for (let b = 0; b < B; b++) {
      const hRow = pOff + b * H;
      const gRow = (t * B + b) * G;
      for (let j = 0; j < H; j++) {
        const a = [0, 1, 2, 3].map((q) => {
          const row = (q * H + j) * H;
          let acc = GI[gRow + q * H + j]!;
          for (let k = 0; k < H; k++) acc += hp[hRow + k]! * W[row + k]!;
          return acc;
        });
        const i = 1 / (1 + Math.exp(-a[0]!));
        const f = 1 / (1 + Math.exp(-a[1]!));
        const g = Math.tanh(a[2]!);
        const o = 1 / (1 + Math.exp(-a[3]!));
        const c = f * cp[hRow + j]! + i * g;
        CS[(t * B + b) * H + j] = c;
        HS[(t * B + b) * H + j] = o * Math.tanh(c);
        GT[gRow + j] = i;
        GT[gRow + H + j] = f;
        GT[gRow + 2 * H + j] = g;
        GT[gRow + 3 * H + j] = o;
      }
    }
  }
  return [hs.out, cs.out, gates.out];
});

/**
 * [dhs, dcs, gates, cs, c0, W_hh] → [dgi [T, B, 4H], dc0 [B, H]]: backward
 * through the steps in reverse processing order. With dh_t = dhs_t +
 * dgi_{t+1}·W_hh (the recurrent gradient) and dc_t = dcs_t + dc carried
 * from step t+1, tc = tanh c_t: dc_tot = dc_t + dh_t ⊙ o ⊙ (1 − tc²),
 * dgi_t = [dc_tot ⊙ g ⊙ i(1−i), dc_tot ⊙ c_{t−1} ⊙ f(1−f), dc_tot ⊙ i ⊙
 * (1−g²), dh_t ⊙ tc ⊙ o(1−o)], carried dc_{t−1} = dc_tot ⊙ f.
 */
registerKernel('lstmSequenceBackward', 'cpu', (inputs, attrs): KernelTensor[] => {
  const [dhs, dcs, gates, cs, c0, w] = inputs as [KernelTensor, KernelTensor, KernelTensor, KernelTensor, KernelTensor, KernelTensor];
  const [T, B, G] = gates.shape as [number, number, number];
  const H = G / 4;
  const DH = cpuData(dhs);
  const DC = cpuData(dcs);
  const GT = cpuData(gates);
  const CS = cpuData(cs);
  const C0 = cpuData(c0);
  const W = cpuData(w);
  const da = cpuAlloc([T, B, G], gates.dtype);
  const dc0 = cpuAlloc([B, H], gates.dtype);
  const DA = da.data;
  const carry = dc0.data;
  const reverse = attrs.reverse === true;
  for (let s = T - 1; s >= 0; s--) {
    const t = stepAt(s, T, reverse);
    const tp = stepAt(s - 1, T, reverse);
    const tn = stepAt(s + 1, T, reverse);
    for (let b = 0; b < B; b++) {
      const gRow = (t * B + b) * G;
      const nRow = (tn * B + b) * G;
      for (let j = 0; j < H; j++) {
        const sIdx = (t * B + b) * H + j;
        let dh = DH[sIdx]!;
        let dc = DC[sIdx]!;
        if (s < T - 1) {
          for (let q = 0; q < G; q++) dh += DA[nRow + q]! * W[q * H + j]!;
          dc += carry[b * H + j]!;
        }
        const i = GT[gRow + j]!;
        const f = GT[gRow + H + j]!;
        const g = GT[gRow + 2 * H + j]!;
        const o = GT[gRow + 3 * H + j]!;
        const cp = s > 0 ? CS[(tp * B + b) * H + j]! : C0[b * H + j]!;
        const tc = Math.tanh(CS[sIdx]!);
        const dct = dc + dh * o * (1 - tc * tc);
        DA[gRow + j] = dct * g * i * (1 - i);
        DA[gRow + H + j] = dct * cp * f * (1 - f);
        DA[gRow + 2 * H + j] = dct * i * (1 - g * g);
        DA[gRow + 3 * H + j] = dh * tc * o * (1 - o);
        carry[b * H + j] = dct * f;
      }
    }
  }
  return [da.out, dc0.out];
});

registerGradient({
  op: 'lstmSequence',
  saveInputs: [0, 1, 2, 3],
  saveOutputs: [0, 1, 2],
  backward: ([dhs, dcs], ctx) => {
    const [gi, h0, c0, w] = ctx.inputs as [Tensor, Tensor, Tensor, Tensor];
    const [hs, cs, gates] = ctx.outputs as [Tensor, Tensor, Tensor];
    const reverse = ctx.attrs.reverse === true;
    const [T, B, G] = gi.shape as [number, number, number];
    const H = G / 4;
    const need = ctx.needsInputGrad;
    // h_{t−1} of every step in time order: [h0, h_0..h_{T−2}] forward, [h_1..h_{T−1}, h0] in reverse
    const hPrev = (): Tensor => {
      const first = reshape(h0, [1, B, H]);
      if (T === 1) return first;
      return reverse ? concat([narrow(hs, 0, 1, T - 1), first], 0) : concat([first, narrow(hs, 0, 0, T - 1)], 0);
    };
    if (isGradEnabled()) return differentiableBackward(dhs!, dcs!, gi, h0, c0, w, hs, cs, reverse, need);
    const [da, dc0] = runKernel('lstmSequenceBackward', [dhs!, dcs!, gates, cs, c0, w], { reverse }) as [Tensor, Tensor];
    const dW = need[3] ? reshape(batchMatmul(reshape(da, [1, T * B, G]), reshape(hPrev(), [1, T * B, H]), true, false), [G, H]) : null;
    const dh0 = need[1] ? reshape(batchMatmul(narrow(da, 0, stepAt(0, T, reverse), 1), reshape(w, [1, G, H])), [B, H]) : null;
    return [need[0] ? da : null, dh0, need[2] ? dc0 : null, dW];
  },
});

/**
 * The same gradient written step by step with differentiable ops (from the
 * inputs and the saved states), for when a graph of the gradient itself is
 * recorded (`createGraph`: gradients of gradients).
 */
function differentiableBackward(
  dhs: Tensor,
  dcs: Tensor,
  gi: Tensor,
  h0: Tensor,
  c0: Tensor,
  w: Tensor,
  hs: Tensor,
  cs: Tensor,
  reverse: boolean,
  need: readonly boolean[],
): (Tensor | null)[] {
  const [T, B, G] = gi.shape as [number, number, number];
  const H = G / 4;
  const w3 = reshape(w, [1, G, H]);
  const at = (x: Tensor, t: number): Tensor => reshape(narrow(x, 0, t, 1), [1, B, x.shape[2]!]);
  const das = new Array<Tensor>(T);
  let dW: Tensor | null = null;
  let dhNext: Tensor | null = null;
  let dcNext: Tensor | null = null;
  for (let s = T - 1; s >= 0; s--) {
    const t = stepAt(s, T, reverse);
    const hp = s > 0 ? at(hs, stepAt(s - 1, T, reverse)) : reshape(h0, [1, B, H]);
    const cp = s > 0 ? at(cs, stepAt(s - 1, T, reverse)) : reshape(c0, [1, B, H]);
    const gh = batchMatmul(hp, w3, false, true);
    const dh = dhNext ? add(at(dhs, t), dhNext) : at(dhs, t);
    const dc = dcNext ? add(at(dcs, t), dcNext) : at(dcs, t);
    const { da, dc: dcPrev } = lstmCellBackwardReference(dh, dc, at(gi, t), gh, cp);
    das[t] = da;
    const dWt = batchMatmul(da, hp, true, false);
    dW = dW ? add(dW, dWt) : dWt;
    dhNext = batchMatmul(da, w3);
    dcNext = dcPrev;
  }
  return [need[0] ? concat(das, 0) : null, need[1] ? reshape(dhNext!, [B, H]) : null, need[2] ? reshape(dcNext!, [B, H]) : null, need[3] ? reshape(dW!, [G, H]) : null];
}
