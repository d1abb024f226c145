import {
  add,
  batchMatmul,
  cpuAlloc,
  cpuData,
  expand,
  hasKernel,
  isGradEnabled,
  mul,
  registerKernel,
  reshape,
  runKernel,
  softmax,
  sub,
  sum,
  type KernelAttrs,
  type KernelTensor,
  type Tensor,
} from '@webgrad/core-tensor';
import { registerGradient } from '@webgrad/autograd';
import { causalMask } from './attention-mask.js';

/**
 * The fused attention op `scaledDotProductAttention`: [q [B, L, E], k [B, S, E],
 * v [B, S, Ev], mask] → [o [B, L, Ev], lse [B, L]], where
 *
 *   s = scale·q·kᵀ + mask (−∞ for j > i when causal),  lse = log Σⱼ exp(sⱼ),
 *   o = Σⱼ exp(sⱼ − lse)·vⱼ.
 *
 * `mask` is an additive float mask [..., Lm, Sm] of rank `batchShape.length + 2`
 * broadcasting to [...batchShape, L, S] (B = ∏ batchShape); `maskStrides` are
 * its strides with 0 along broadcast axes. The WebGPU kernel
 * (core-tensor's `attention.wgsl.ts`) never forms the L×S weights; the CPU
 * kernel below computes the same op exactly (one row of scores at a time, in
 * double precision) and is the reference the GPU kernel is tested against.
 *
 * @internal used by `scaledDotProductAttention`.
 */
export function fusedAttention(q: Tensor, k: Tensor, v: Tensor, mask: Tensor, attrs: FusedAttentionAttrs): Tensor {
  const [o] = runKernel('scaledDotProductAttention', [q, k, v, mask], { ...attrs });
  return o!;
}

/** Attributes of the fused op. */
export interface FusedAttentionAttrs {
  /** Multiplies q·kᵀ. */
  scale: number;
  /** Hide key j from query i when j > i. */
  causal: boolean;
  /** The broadcast batch axes flattened into B. */
  batchShape: number[];
  /** The mask's strides ([...batch, L, S]; 0 where it broadcasts). */
  maskStrides: number[];
}

/** Strides of `shape` (row-major) with 0 along axes of length 1, so the shape broadcasts. */
export function broadcastStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length).fill(0);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = shape[d] === 1 ? 0 : acc;
    acc *= shape[d]!;
  }
  return strides;
}

/** The mask's offset for flat batch index b (row-major over `batchShape`). */
function maskBase(b: number, batchShape: readonly number[], strides: readonly number[]): number {
  let rem = b;
  let off = 0;
  for (let d = batchShape.length - 1; d >= 0; d--) {
    off += (rem % batchShape[d]!) * strides[d]!;
    rem = Math.floor(rem / batchShape[d]!);
  }
  return off;
}

interface Dims {
  B: number;
  L: number;
  S: number;
  E: number;
  Ev: number;
}

/** Row i of batch b's scores into `out` (length S); −∞ where masked. */
function scoreRow(Q: ArrayLike<number>, K: ArrayLike<number>, M: ArrayLike<number>, attrs: KernelAttrs, d: Dims, b: number, i: number, out: Float64Array): void {
  const scale = attrs.scale as number;
  const causal = attrs.causal === true;
  const strides = attrs.maskStrides as number[];
  const nb = (attrs.batchShape as number[]).length;
  const mb = maskBase(b, attrs.batchShape as number[], strides) + i * strides[nb]!;
  const qo = (b * d.L + i) * d.E;
  for (let j = 0; j < d.S; j++) {
    if (causal && j > i) {
      out[j] = -Infinity;
      continue;
    }
    const ko = (b * d.S + j) * d.E;
    let dot = 0;
    for (let e = 0; e < d.E; e++) dot += Q[qo + e]! * K[ko + e]!;
    out[j] = dot * scale + M[mb + j * strides[nb + 1]!]!;
  }
}

function dims(q: KernelTensor, k: KernelTensor, v: KernelTensor): Dims {
  return { B: q.shape[0]!, L: q.shape[1]!, S: k.shape[1]!, E: q.shape[2]!, Ev: v.shape[2]! };
}

registerKernel('scaledDotProductAttention', 'cpu', (inputs, attrs): KernelTensor[] => {
  const [q, k, v, mask] = inputs as [KernelTensor, KernelTensor, KernelTensor, KernelTensor];
  const d = dims(q, k, v);
  const [Q, K, V] = [cpuData(q), cpuData(k), cpuData(v)];
  const M = cpuData(mask);
  const o = cpuAlloc([d.B, d.L, d.Ev], q.dtype);
  const lse = cpuAlloc([d.B, d.L], q.dtype);
  const s = new Float64Array(d.S);
  const acc = new Float64Array(d.Ev);
  for (let b = 0; b < d.B; b++) {
    for (let i = 0; i < d.L; i++) {
      scoreRow(Q, K, M, attrs, d, b, i, s);
      let m = -Infinity;
      for (let j = 0; j < d.S; j++) m = Math.max(m, s[j]!);
      // an all −∞ row shifts by 0 (as softmax does): l = 0 and the output is NaN, like the composed path
      if (m === -Infinity) m = 0;
      let l = 0;
      acc.fill(0);
      for (let j = 0; j < d.S; j++) {
        const p = Math.exp(s[j]! - m);
        l += p;
        const vo = (b * d.S + j) * d.Ev;
        for (let e = 0; e < d.Ev; e++) acc[e] += p * V[vo + e]!;
      }
      const oo = (b * d.L + i) * d.Ev;
      for (let e = 0; e < d.Ev; e++) o.data[oo + e] = acc[e]! / l;
      lse.data[b * d.L + i] = m + Math.log(l);
    }
  }
  return [o.out, lse.out];
});

/**
 * [dO, q, k, v, o, lse, mask] → [dq, dk, dv]: with p = exp(s − lse),
 * D = rowsum(dO ⊙ o), dp = dO·vⱼ and ds = p(dp − D): dq = scale·Σⱼ ds·kⱼ,
 * dk = scale·Σᵢ ds·qᵢ, dv = Σᵢ p·dOᵢ.
 */
registerKernel('scaledDotProductAttentionBackward', 'cpu', (inputs, attrs): KernelTensor[] => {
  const [dO, q, k, v, o, lse, mask] = inputs as [KernelTensor, KernelTensor, KernelTensor, KernelTensor, KernelTensor, KernelTensor, KernelTensor];
  const d = dims(q, k, v);
  const scale = attrs.scale as number;
  const [G, Q, K, V, O, LSE] = [cpuData(dO), cpuData(q), cpuData(k), cpuData(v), cpuData(o), cpuData(lse)];
  const M = cpuData(mask);
  const dq = new Float64Array(d.B * d.L * d.E);
  const dk = new Float64Array(d.B * d.S * d.E);
  const dv = new Float64Array(d.B * d.S * d.Ev);
  const s = new Float64Array(d.S);
  for (let b = 0; b < d.B; b++) {
    for (let i = 0; i < d.L; i++) {
      scoreRow(Q, K, M, attrs, d, b, i, s);
      const row = b * d.L + i;
      const go = row * d.Ev;
      const qo = row * d.E;
      let D = 0;
      for (let e = 0; e < d.Ev; e++) D += G[go + e]! * O[go + e]!;
      for (let j = 0; j < d.S; j++) {
        if (s[j] === -Infinity) continue;
        const p = Math.exp(s[j]! - LSE[row]!);
        const vo = (b * d.S + j) * d.Ev;
        const ko = (b * d.S + j) * d.E;
        let dp = 0;
        for (let e = 0; e < d.Ev; e++) {
          dp += G[go + e]! * V[vo + e]!;
          dv[vo + e] += p * G[go + e]!;
        }
        const ds = p * (dp - D) * scale;
        for (let e = 0; e < d.E; e++) {
          dq[qo + e] += ds * K[ko + e]!;
          dk[ko + e] += ds * Q[qo + e]!;
        }
      }
    }
  }
  const out = (t: KernelTensor, values: Float64Array): KernelTensor => {
    const r = cpuAlloc(t.shape, t.dtype);
    r.data.set(values);
    return r.out;
  };
  return [out(q, dq), out(k, dk), out(v, dv)];
});

registerGradient({
  op: 'scaledDotProductAttention',
  saveInputs: [0, 1, 2, 3],
  saveOutputs: [0, 1],
  backward: ([dO], ctx) => {
    const [q, k, v, mask] = ctx.inputs as [Tensor, Tensor, Tensor, Tensor];
    const [o, lse] = ctx.outputs as [Tensor, Tensor];
    let grads: Tensor[];
    if (!isGradEnabled() && hasKernel('scaledDotProductAttentionBackward', q.backend.name)) {
      grads = runKernel('scaledDotProductAttentionBackward', [dO!, q, k, v, o, lse, mask], ctx.attrs);
    } else {
      // with createGraph the gradient is itself recorded, so it is written with differentiable ops
      grads = attentionBackwardReference(dO!, q, k, v, mask, ctx.attrs as unknown as FusedAttentionAttrs);
    }
    return [ctx.needsInputGrad[0] ? grads[0] : null, ctx.needsInputGrad[1] ? grads[1] : null, ctx.needsInputGrad[2] ? grads[2] : null, null];
  },
});

/** The gradient from composed ops (it forms the [B, L, S] weights): the createGraph path. */
function attentionBackwardReference(dO: Tensor, q: Tensor, k: Tensor, v: Tensor, mask: Tensor, attrs: FusedAttentionAttrs): Tensor[] {
  const [B, L, S] = [q.shape[0]!, q.shape[1]!, k.shape[1]!];
  let s = add(mul(batchMatmul(q, k, false, true), attrs.scale), reshape(expand(mask, [...attrs.batchShape, L, S]), [B, L, S]));
  if (attrs.causal) s = add(s, causalMask(L, S, { additive: true, backend: s.backend.name, dtype: s.dtype === 'float64' ? 'float64' : 'float32' }));
  const p = softmax(s, -1);
  const dv = batchMatmul(p, dO, true, false);
  const dp = batchMatmul(dO, v, false, true);
  const ds = mul(mul(p, sub(dp, sum(mul(dp, p), -1, true))), attrs.scale);
  return [batchMatmul(ds, k), batchMatmul(ds, q, true, false), dv];
}
