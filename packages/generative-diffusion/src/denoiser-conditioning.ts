import { ArgumentError, ShapeError, fmtShape, type Tensor } from '@webgrad/core-tensor';
import { noGrad } from '@webgrad/autograd';
import { zeros_, type Sequential } from '@webgrad/nn';
import type { LabelEmbedding } from './label-embedding.js';
import type { SinusoidalTimeEmbedding } from './timestep-embedding.js';

/** The modules that turn (t, label) into the vector a denoiser injects into its layers. */
export interface ConditioningModules {
  /** Sinusoidal embedding of t. */
  timeEmbed: SinusoidalTimeEmbedding;
  /** MLP on the time embedding. */
  timeMlp: Sequential;
  /** Class embedding, or null when unconditional. */
  labelEmbed: LabelEmbedding | null;
}

/**
 * e(t, y) = MLP(emb(t)) + class vector(y) for each example of zₜ [B, …], in
 * zₜ's dtype, checking that t is [B] and that labels go only to a
 * conditioned denoiser (`op` names it in errors).
 */
export function conditioningEmbedding(
  op: string,
  m: ConditioningModules,
  zt: Tensor,
  t: Tensor,
  labels: Tensor | undefined,
): Tensor {
  if (t.rank !== 1 || t.shape[0] !== zt.shape[0]) {
    throw new ShapeError(
      op,
      `expected timesteps [${zt.shape[0]}] for zt ${fmtShape(zt.shape)}, got ${fmtShape(t.shape)}`,
    );
  }
  const e = m.timeMlp.forward(m.timeEmbed.forward(t).cast(zt.dtype));
  if (m.labelEmbed) return e.add(m.labelEmbed.forward(labels, zt.shape[0]!, zt.backend.name));
  if (labels !== undefined)
    throw new ArgumentError(op, 'labels were given to an unconditional denoiser (numClasses = 0)');
  return e;
}

/** Sets a layer's weight and bias to 0 (not recorded), so an untrained denoiser predicts 0. */
export function zeroOutputLayer(layer: { weight: Tensor; bias: Tensor | null }): void {
  noGrad(() => {
    zeros_(layer.weight);
    if (layer.bias) zeros_(layer.bias);
  });
}
