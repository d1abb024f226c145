import { ArgumentError, concat, full, type Tensor } from '@webgrad/core-tensor';
import type { Denoiser } from './denoiser.js';
import { checkLabels } from './label-embedding.js';

/** Conditioning of a denoiser's prediction: labels and classifier-free guidance. */
export interface GuidanceOptions {
  /** Class labels [B] (int32) for a conditioned denoiser; absent means "no label". */
  labels?: Tensor;
  /**
   * Classifier-free guidance scale s (default 1: the conditional model as
   * trained): f = f(z, t, ∅) + s · (f(z, t, y) − f(z, t, ∅)). s = 0 is the
   * unconditional model, s > 1 trades diversity for fidelity to the label.
   */
  guidanceScale?: number;
}

/**
 * The denoiser's prediction at (zₜ, t) with classifier-free guidance (Ho &
 * Salimans 2022): the conditional and unconditional outputs come from one
 * batched call of 2B examples, and are mixed linearly. Every
 * parameterisation (ε, x, v) is an affine function of the output with
 * weights fixed by zₜ and t, so mixing outputs is the same as mixing the
 * implied noise estimates.
 */
export function guidedOutput(
  model: Denoiser,
  zt: Tensor,
  t: Tensor,
  options: GuidanceOptions = {},
): Tensor {
  const scale = options.guidanceScale ?? 1;
  if (!Number.isFinite(scale))
    throw new ArgumentError('guidedOutput', `guidanceScale must be a finite number, got ${scale}`);
  const numClasses = model.numClasses ?? 0;
  if (options.labels === undefined) {
    if (scale !== 1)
      throw new ArgumentError(
        'guidedOutput',
        'guidanceScale needs labels (it mixes the conditional and unconditional predictions)',
      );
    return model.forward(zt, t);
  }
  if (numClasses === 0)
    throw new ArgumentError(
      'guidedOutput',
      'labels were given but the denoiser is unconditional (numClasses = 0)',
    );
  const batch = zt.shape[0]!;
  const backend = zt.backend.name;
  const labels = checkLabels('guidedOutput', options.labels, batch, numClasses, backend);
  if (scale === 1) return model.forward(zt, t, labels);
  const none = full([batch], numClasses, { dtype: 'int32', backend });
  const both = model.forward(concat([zt, zt]), concat([t, t]), concat([labels, none]));
  const conditional = both.narrow(0, 0, batch);
  const unconditional = both.narrow(0, batch, batch);
  return unconditional.add(conditional.sub(unconditional).mul(scale));
}
