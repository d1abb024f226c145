import type { Tensor } from '@webgrad/core-tensor';

/**
 * What the losses and samplers need from a network: given noisy data zₜ
 * [B, …], integer timesteps t [B] (0-based, int32) and optionally class
 * labels [B] (int32), return a tensor shaped like zₜ (its meaning is set by
 * the `Prediction`). `MlpDenoiser` and `UNet` are denoisers; any module with
 * this `forward` is one.
 *
 * For classifier-free guidance, a label-conditioned denoiser has
 * `numClasses > 0` and reads the label `numClasses` as "no label" (the
 * unconditional model); omitting `labels` means no label for every example.
 */
export interface Denoiser {
  /** The prediction for (zₜ, t, labels). */
  forward(zt: Tensor, t: Tensor, labels?: Tensor): Tensor;
  /** Number of classes it is conditioned on (0 or absent: unconditional). */
  readonly numClasses?: number;
}
