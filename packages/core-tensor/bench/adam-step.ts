import { add, div, keep, mul, sqrt, square, sub, tidy, zerosLike, type Tensor } from '@webgrad/core-tensor';

/** Adam hyper-parameters (the defaults of PyTorch and tfjs). */
export interface AdamOptions {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
}

/** The defaults the benchmark uses on both sides. */
export const ADAM_DEFAULTS: AdamOptions = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 };

/**
 * Adam written with webgrad tensor ops, the same update as tfjs's
 * `tf.train.adam`: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
 * p ← p − lr·(m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε).
 * Used until `@webgrad/optim` ships its own Adam.
 */
export class AdamStep {
  private readonly m: Tensor[];
  private readonly v: Tensor[];
  private t = 0;

  constructor(
    private readonly params: readonly Tensor[],
    private readonly o: AdamOptions = ADAM_DEFAULTS,
  ) {
    this.m = params.map((p) => keep(zerosLike(p)));
    this.v = params.map((p) => keep(zerosLike(p)));
  }

  /** Applies one update from each parameter's `.grad`. */
  step(): void {
    this.t++;
    const { lr, beta1, beta2, eps } = this.o;
    const bc1 = 1 - beta1 ** this.t;
    const bc2 = 1 - beta2 ** this.t;
    tidy(() => {
      this.params.forEach((p, i) => {
        const g = p.grad!;
        const m = add(mul(this.m[i]!, beta1), mul(g, 1 - beta1));
        const v = add(mul(this.v[i]!, beta2), mul(square(g), 1 - beta2));
        this.m[i]!.assign_(m);
        this.v[i]!.assign_(v);
        p.assign_(sub(p, mul(div(div(m, bc1), add(sqrt(div(v, bc2)), eps)), lr)));
      });
    });
  }

  /** Frees the moment estimates. */
  dispose(): void {
    for (const t of [...this.m, ...this.v]) t.dispose();
  }
}
