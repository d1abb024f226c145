import { batchMatmul, concat, detach, isGradEnabled, keep, permute, reshape, type Tensor } from '@webgrad/core-tensor';
import { atBackwardPassEnd, noGrad, recordOp, type GradientContext } from '@webgrad/autograd';

/**
 * The recurrent term h_{t−1}·W_hhᵀ of every step of one pass over a
 * sequence, with the weight gradient of backpropagation through time,
 *
 *   ∂L/∂W_hh = Σ_t dG_tᵀ h_{t−1}   (dG_t the gradient of step t's output),
 *
 * computed as ONE matmul over all steps ([G, T·B] × [T·B, P]) when the
 * backward pass reaches the first step, instead of a small matmul and an
 * accumulation per step; the per-step gradient dh_{t−1} = dG_t·W_hh reads a
 * transposed copy of W_hh made once per backward pass. Steps are recorded
 * as autograd nodes whose gradient is deferred this way; when the gradient
 * is itself recorded (`createGraph`), each step returns its own
 * differentiable terms instead.
 */
export class RecurrentProjection {
  private readonly weight3: Tensor;
  private weightT: Tensor | null = null;
  private readonly stash = new Map<number, { dy: Tensor; h: Tensor }>();
  private first = -1;
  private steps = 0;
  private passOpen = false;

  /** For W_hh [G, P]. */
  constructor(private readonly weight: Tensor) {
    this.weight3 = noGrad(() => reshape(detach(weight), [1, weight.shape[0]!, weight.shape[1]!]));
  }

  /** h·W_hhᵀ for h [1, B, P]: [1, B, G]. */
  apply(h: Tensor): Tensor {
    const id = this.steps++;
    const gh = noGrad(() => batchMatmul(h, this.weight3, false, true));
    if (isGradEnabled() && (h.requiresGrad || this.weight.requiresGrad)) {
      if (this.first < 0) this.first = id;
      recordOp('recurrentMatmul', [h, this.weight], [gh], {}, (grads, ctx) => this.backward(id, grads[0]!, ctx));
    }
    return gh;
  }

  private backward(id: number, dy: Tensor, ctx: GradientContext): (Tensor | null)[] {
    const h = ctx.inputs[0]!;
    const w = ctx.inputs[1]!;
    const [G, P] = w.shape as [number, number];
    if (isGradEnabled()) {
      // createGraph: the gradient is itself differentiated, so every step returns its own terms
      const w3 = reshape(w, [1, G, P]);
      return [ctx.needsInputGrad[0] ? batchMatmul(dy, w3) : null, ctx.needsInputGrad[1] ? reshape(batchMatmul(dy, h, true, false), [G, P]) : null];
    }
    if (!this.passOpen) {
      // a pass that stops before the first step (gradients with respect to later states only)
      // never computes dW there: what it stashed and the packed Wᵀ are freed when it ends
      this.passOpen = true;
      atBackwardPassEnd(() => this.endPass());
    }
    let dh: Tensor | null = null;
    if (ctx.needsInputGrad[0]) {
      // Wᵀ laid out as [P rows of G], so dG·W reads it without repacking at every step
      this.weightT ??= keep(permute(reshape(w, [1, G, P]), [0, 2, 1]).clone());
      dh = batchMatmul(dy, this.weightT, false, true);
    }
    let dW: Tensor | null = null;
    if (ctx.needsInputGrad[1]) {
      // a step seen twice means a new backward pass over a retained graph
      if (this.stash.has(id)) this.releaseStash();
      // own handles: the engine frees its saved inputs right after this node
      this.stash.set(id, { dy: keep(detach(dy)), h: keep(detach(h)) });
      if (id === this.first) {
        const entries = [...this.stash.values()];
        dW = reshape(
          batchMatmul(
            concat(
              entries.map((e) => e.dy),
              1,
            ),
            concat(
              entries.map((e) => e.h),
              1,
            ),
            true,
            false,
          ),
          [G, P],
        );
        this.releaseStash();
      }
    }
    if (id === this.first) {
      this.weightT?.dispose();
      this.weightT = null;
    }
    return [dh, dW];
  }

  private endPass(): void {
    this.passOpen = false;
    this.releaseStash();
    this.weightT?.dispose();
    this.weightT = null;
  }

  private releaseStash(): void {
    for (const { dy, h } of this.stash.values()) {
      dy.dispose();
      h.dispose();
    }
    this.stash.clear();
  }
}
