import {
  ArgumentError,
  DTypeError,
  ShapeError,
  add,
  cast,
  div,
  fmtShape,
  gather,
  indexSelect,
  isFloatDType,
  logSoftmax,
  mul,
  ne,
  neg,
  reshape,
  shapesEqual,
  squeeze,
  sum,
  unsqueeze,
  where,
  type Tensor,
} from '@webgrad/core-tensor';
import { hostValues } from './host-values.js';
import { checkReduction, type Reduction } from './reduction.js';

/** Options of `nllLoss`. */
export interface NllLossOptions {
  /** A rescaling weight per class, shape [C]. */
  weight?: Tensor | null;
  /** A target value that contributes nothing and is not counted in the mean (default −100). */
  ignoreIndex?: number;
  /** `'mean'` (default: weighted mean over the non-ignored targets), `'sum'` or `'none'`. */
  reduction?: Reduction;
}

/** Options of `crossEntropy`. */
export interface CrossEntropyOptions extends NllLossOptions {
  /**
   * ε ∈ [0, 1]: the target becomes (1 − ε)·onehot + ε/C (default 0), PyTorch's
   * `label_smoothing`.
   */
  labelSmoothing?: number;
}

/**
 * Negative log-likelihood of class indices, PyTorch's `F.nll_loss`. `input`
 * holds log-probabilities, [N, C], [N, C, d₁, …] or [C] (unbatched); `target`
 * holds int32 class indices of shape [N], [N, d₁, …] or [].
 *
 * ℓₙ = −w[yₙ]·input[n, yₙ] (0 where yₙ = ignoreIndex); 'mean' divides Σℓₙ by
 * Σ w[yₙ] over the non-ignored targets (NaN when every target is ignored, as
 * in PyTorch), 'sum' sums, 'none' returns ℓ with the target's shape.
 */
export function nllLoss(input: Tensor, target: Tensor, options: NllLossOptions = {}): Tensor {
  const op = 'nllLoss';
  const reduction = checkReduction(op, options.reduction ?? 'mean', ['mean', 'sum', 'none'] as const);
  const { x, unbatched } = batchedInput(op, input);
  const ignoreIndex = options.ignoreIndex ?? -100;
  const t = batchedIndexTarget(op, x, target, unbatched, ignoreIndex);
  const weight = classWeight(op, options.weight, x);
  const nll = pickTargets(x, t, weight, ignoreIndex);
  const out = reduction === 'none' ? nll.loss : reduction === 'sum' ? sum(nll.loss) : div(sum(nll.loss), sum(nll.targetWeight));
  return unbatched && reduction === 'none' ? squeeze(out, 0) : out;
}

/**
 * Cross-entropy between logits and targets, PyTorch's `F.cross_entropy`:
 * log-softmax over the class axis (axis 1, or 0 for an unbatched [C] input)
 * followed by the negative log-likelihood.
 *
 * - Class indices (an int32 target of shape [N, d₁, …]): ℓₙ = −w[yₙ]·log pₙ[yₙ],
 *   with `ignoreIndex` and the weighted mean of `nllLoss`. With label smoothing ε,
 *   ℓ = (1 − ε)·nll + (ε/C)·smooth where smoothₙ = −Σ_c w_c·log pₙ[c] and 'mean'
 *   divides Σ smoothₙ by the same Σ w[yₙ] (PyTorch's normalisation).
 * - Class probabilities (a float target of the input's shape):
 *   ℓₙ = −Σ_c w_c·qₙ[c]·log pₙ[c] with q = (1 − ε)·target + ε/C; 'mean' divides by
 *   the number of samples N·d₁·…, whatever the weights.
 *
 * @example
 * ```ts
 * const logits = tensor([[2, 0, -1], [0, 1, 0]]);
 * crossEntropy(logits, tensor([0, 1], { dtype: 'int32' })).item();
 * ```
 */
export function crossEntropy(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const op = 'crossEntropy';
  const reduction = checkReduction(op, options.reduction ?? 'mean', ['mean', 'sum', 'none'] as const);
  const eps = options.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps <= 1)) throw new ArgumentError(op, `labelSmoothing must be between 0.0 and 1.0, got ${eps}`);
  const ignoreIndex = options.ignoreIndex ?? -100;
  const { x, unbatched } = batchedInput(op, input);
  const C = x.shape[1]!;
  const weight = classWeight(op, options.weight, x);
  const logp = logSoftmax(x, 1);
  const wb = weight ? reshape(weight, [1, C, ...x.shape.slice(2).map(() => 1)]) : null;
  let out: Tensor;
  if (isFloatDType(target.dtype)) {
    if (!shapesEqual(target.shape, input.shape)) {
      throw new ShapeError(op, `a probability target must have the input's shape ${fmtShape(input.shape)}, got ${fmtShape(target.shape)}`);
    }
    if (ignoreIndex >= 0) throw new ArgumentError(op, `ignoreIndex (${ignoreIndex}) is not supported for probability (floating-point) targets`);
    let q = unbatched ? unsqueeze(cast(target, x.dtype), 0) : cast(target, x.dtype);
    if (eps > 0) q = add(mul(q, 1 - eps), eps / C);
    const terms = mul(logp, q);
    const loss = neg(sum(wb ? mul(terms, wb) : terms, 1));
    out = reduction === 'none' ? loss : reduction === 'sum' ? sum(loss) : div(sum(loss), x.size / C);
  } else {
    const t = batchedIndexTarget(op, x, target, unbatched, ignoreIndex);
    const nll = pickTargets(logp, t, weight, ignoreIndex);
    const denominator = reduction === 'mean' ? sum(nll.targetWeight) : null;
    out = reduction === 'none' ? nll.loss : reduction === 'sum' ? sum(nll.loss) : div(sum(nll.loss), denominator!);
    if (eps > 0) {
      const smoothAll = neg(sum(wb ? mul(logp, wb) : logp, 1));
      const smooth = where(nll.valid, smoothAll, 0);
      const s = reduction === 'none' ? smooth : reduction === 'sum' ? sum(smooth) : div(sum(smooth), denominator!);
      out = add(mul(out, 1 - eps), mul(s, eps / C));
    }
  }
  return unbatched && reduction === 'none' ? squeeze(out, 0) : out;
}

/** [C] becomes [1, C]; [N, C, …] stays. */
function batchedInput(op: string, input: Tensor): { x: Tensor; unbatched: boolean } {
  input.assertAlive(op);
  if (input.rank === 0) throw new ShapeError(op, `expected input [C], [N, C] or [N, C, d1, ...], got a scalar`);
  if (!isFloatDType(input.dtype)) throw new DTypeError(op, `input must be floating-point, got ${input.dtype}`);
  return input.rank === 1 ? { x: unsqueeze(input, 0), unbatched: true } : { x: input, unbatched: false };
}

/** Checks an index target against the (batched) input and returns it batched. */
function batchedIndexTarget(op: string, x: Tensor, target: Tensor, unbatched: boolean, ignoreIndex: number): Tensor {
  target.assertAlive(op);
  if (target.dtype !== 'int32') {
    throw new DTypeError(op, `target must hold int32 class indices (or, for crossEntropy, float probabilities of the input's shape), got ${target.dtype} ${fmtShape(target.shape)}`);
  }
  const expected = [x.shape[0]!, ...x.shape.slice(2)];
  const t = unbatched ? unsqueeze(target, 0) : target;
  if (!shapesEqual(t.shape, expected)) {
    const inputShape = unbatched ? [x.shape[1]!] : x.shape;
    const want = unbatched ? '[]' : fmtShape(expected);
    throw new ShapeError(op, `input ${fmtShape(inputShape)} expects a target of shape ${want}, got ${fmtShape(target.shape)}`);
  }
  const C = x.shape[1]!;
  const values = hostValues(t);
  if (values) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v !== ignoreIndex && (v < 0 || v >= C)) {
        throw new ArgumentError(op, `target ${v} (at flat index ${i}) is out of bounds for ${C} classes: class indices must be in [0, ${C - 1}] or equal ignoreIndex (${ignoreIndex})`);
      }
    }
  }
  return t;
}

function classWeight(op: string, weight: Tensor | null | undefined, x: Tensor): Tensor | null {
  if (!weight) return null;
  const C = x.shape[1]!;
  if (weight.rank !== 1 || weight.shape[0] !== C) {
    throw new ShapeError(op, `weight must have one entry per class, shape [${C}], got ${fmtShape(weight.shape)}`);
  }
  return cast(weight, x.dtype);
}

/**
 * For log-probabilities [N, C, …] and targets [N, …]: the per-element loss
 * −w[t]·logp[t] (0 at ignored targets), the weight w[t] of each counted
 * target (0 when ignored) and the mask of counted targets.
 */
function pickTargets(logp: Tensor, t: Tensor, weight: Tensor | null, ignoreIndex: number): { loss: Tensor; targetWeight: Tensor; valid: Tensor } {
  const valid = ne(t, ignoreIndex);
  const safe = where(valid, t, 0); // ignored targets index class 0, then get weight 0
  const picked = squeeze(gather(logp, 1, unsqueeze(safe, 1)), 1);
  const w = weight ? reshape(indexSelect(weight, 0, reshape(safe, [-1])), t.shape) : null;
  const targetWeight = w ? where(valid, w, 0) : cast(valid, logp.dtype);
  // where() rather than the zero weight alone, so ignored entries are +0 as in PyTorch (not −0)
  return { loss: where(valid, mul(neg(picked), targetWeight), 0), targetWeight, valid };
}
