import {
  hasKernel,
  isGradEnabled,
  mean,
  mul,
  ones,
  rsqrt,
  runKernel,
  sub,
  sumTo,
  zeros,
  type Tensor,
} from '@webgrad/core-tensor';
import { registerGradient } from '@webgrad/autograd';
import './layer-norm-cpu-kernel.js';

/**
 * Layer normalisation of the last axis as one fused op (`layerNorm`): x is
 * [..., N], γ and β are [N] (null: 1 and 0). One kernel per backend computes
 * each row's mean and biased variance and writes y = γ ⊙ (x − μ)/√(σ² + ε) + β;
 * its gradient is one kernel too (dx, dγ, dβ). `layerNorm` reshapes any
 * normalised shape to this form.
 */
export function fusedLayerNorm(
  x: Tensor,
  weight: Tensor | null,
  bias: Tensor | null,
  eps: number,
): Tensor {
  const n = x.shape[x.rank - 1]!;
  const like = { dtype: x.dtype, backend: x.backend.name };
  const w = weight ?? ones([n], like);
  const b = bias ?? zeros([n], like);
  return runKernel('layerNorm', [x, w, b], { eps })[0]!;
}

/** Whether `fusedLayerNorm` can run `x` with these parameters (a kernel on x's backend, one dtype). */
export function canFuseLayerNorm(x: Tensor, weight: Tensor | null, bias: Tensor | null): boolean {
  return (
    (x.dtype === 'float32' || x.dtype === 'float64') &&
    x.rank > 0 &&
    (weight === null || weight.dtype === x.dtype) &&
    (bias === null || bias.dtype === x.dtype) &&
    hasKernel('layerNorm', x.backend.name)
  );
}

registerGradient({
  op: 'layerNorm',
  saveInputs: [0, 1],
  backward: ([dy], ctx) => {
    const [x, w] = ctx.inputs as [Tensor, Tensor];
    const eps = ctx.attrs.eps as number;
    let dx: Tensor;
    let dw: Tensor;
    let db: Tensor;
    if (!isGradEnabled() && hasKernel('layerNormBackward', x.backend.name)) {
      [dx, dw, db] = runKernel('layerNormBackward', [dy!, x, w], { eps }) as [
        Tensor,
        Tensor,
        Tensor,
      ];
    } else {
      // with createGraph the gradient is itself recorded, so it is written with differentiable ops of the inputs
      ({ dx, dw, db } = layerNormBackwardReference(dy!, x, w, eps));
    }
    return [
      ctx.needsInputGrad[0] ? dx : null,
      ctx.needsInputGrad[1] ? dw : null,
      ctx.needsInputGrad[2] ? db : null,
    ];
  },
});

/** x̂ = (x − μ)·r, g = dy·γ: dx = r·(g − mean(g) − x̂·mean(g·x̂)), dγ = Σ dy·x̂, dβ = Σ dy over the rows. */
function layerNormBackwardReference(
  dy: Tensor,
  x: Tensor,
  w: Tensor,
  eps: number,
): { dx: Tensor; dw: Tensor; db: Tensor } {
  const centered = sub(x, mean(x, -1, true));
  const rstd = rsqrt(mean(mul(centered, centered), -1, true).add(eps));
  const xhat = mul(centered, rstd);
  const g = mul(dy, w);
  const dx = mul(rstd, sub(sub(g, mean(g, -1, true)), mul(xhat, mean(mul(g, xhat), -1, true))));
  return { dx, dw: sumTo(mul(dy, xhat), w.shape), db: sumTo(dy, w.shape) };
}
