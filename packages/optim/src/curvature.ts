import { ArgumentError, Generator, Tensor, randn, sum, tidy } from '@webgrad/core-tensor';
import { grad, hessianVectorProduct } from '@webgrad/autograd';

/**
 * The optimal learning rate on a quadratic along one direction:
 * η_opt = 1/E''(w). One gradient step of that size lands on the minimum of
 * a one-dimensional quadratic E(w) = E₀ + ½E''(w − w*)²; steps below it
 * converge monotonically, between η_opt and 2η_opt they oscillate and
 * converge, beyond 2η_opt they diverge.
 *
 * @example
 * ```ts
 * optimalQuadraticStep(4); // 0.25
 * ```
 */
export function optimalQuadraticStep(secondDerivative: number): number {
  if (typeof secondDerivative !== 'number' || !Number.isFinite(secondDerivative) || secondDerivative <= 0) {
    throw new ArgumentError('optimalQuadraticStep', `E''(w) must be a finite number > 0 (a quadratic with a minimum), got ${secondDerivative}`);
  }
  return 1 / secondDerivative;
}

/**
 * The largest learning rate for which gradient descent converges on a
 * quadratic whose Hessian has largest eigenvalue λ_max: η < 2/λ_max. Above it
 * the component along the top eigenvector grows by |1 − ηλ_max| > 1 per step.
 *
 * @example
 * ```ts
 * maxStableStep(10); // 0.2
 * ```
 */
export function maxStableStep(lambdaMax: number): number {
  if (typeof lambdaMax !== 'number' || !Number.isFinite(lambdaMax) || lambdaMax <= 0) {
    throw new ArgumentError('maxStableStep', `λ_max must be a finite number > 0, got ${lambdaMax}`);
  }
  return 2 / lambdaMax;
}

/**
 * The curvature of scalar `f` at `w` along `direction`:
 * E''(w; d) = dᵀHd / dᵀd, by one Hessian-vector product (H is never formed).
 * Without `direction` it is the curvature along the gradient, so
 * `1 / curvature(f, w)` is the optimal step size of a gradient step there on
 * a quadratic. Returns a one-element tensor.
 *
 * @example
 * ```ts
 * const f = (w: Tensor) => w.square().mul(tensor([1, 3])).sum(); // H = diag(2, 6)
 * curvature(f, tensor([0, 1])).item(); // 6: the gradient points along the second axis
 * ```
 */
export function curvature(f: (w: Tensor) => Tensor, w: Tensor, direction?: Tensor): Tensor {
  return tidy(() => {
    const d = direction ?? grad(f)(w)[0];
    const hd = hessianVectorProduct(f, w, d);
    return sum(d.mul(hd)).div(sum(d.mul(d)));
  });
}

/** Options of `maxCurvature`. */
export interface MaxCurvatureOptions {
  /** Power iterations (default 100). */
  iterations?: number;
  /** Seed of the random start vector (default 0). */
  seed?: number;
}

/**
 * An estimate of the Hessian's eigenvalue of largest magnitude at `w`
 * (λ_max on a convex problem) by power iteration with Hessian-vector
 * products, so `maxStableStep(maxCurvature(f, w).item())` bounds a stable
 * gradient-descent learning rate. Returns a one-element tensor (the Rayleigh
 * quotient of the last iterate).
 */
export function maxCurvature(f: (w: Tensor) => Tensor, w: Tensor, options: MaxCurvatureOptions = {}): Tensor {
  const iterations = options.iterations ?? 100;
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw new ArgumentError('maxCurvature', `iterations must be an integer ≥ 1, got ${iterations}`);
  }
  return tidy(() => {
    let v = randn(w.shape.slice(), { dtype: w.dtype, backend: w.backend.name, generator: new Generator(options.seed ?? 0) });
    let rayleigh = sum(v.mul(v));
    for (let i = 0; i < iterations; i++) {
      v = v.div(v.norm());
      const hv = hessianVectorProduct(f, w, v);
      rayleigh = sum(v.mul(hv));
      v = hv;
    }
    return rayleigh;
  });
}
