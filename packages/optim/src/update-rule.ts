import { hasKernel, Tensor, tensor } from '@webgrad/core-tensor';

/**
 * The host-side numbers and switches of one parameter's update at one step:
 * learning rate, betas, bias corrections, flags. A fused kernel receives them
 * as uniforms.
 */
export type UpdateHyper = Readonly<Record<string, number | boolean>>;

/** What a per-parameter update reads: the parameter, its gradient and its state tensors. */
export interface UpdateInputs {
  /** The parameter's current value. */
  readonly param: Tensor;
  /** Its gradient. */
  readonly grad: Tensor;
  /** Its state tensors by key (absent keys have not been created yet). */
  readonly state: Readonly<Record<string, Tensor>>;
}

/** What a per-parameter update produces: the new parameter value and new state tensors. */
export interface UpdateOutputs {
  /** The parameter's new value (same shape and dtype). */
  param: Tensor;
  /** New values of the state tensors it changed or created, by key. */
  state: Record<string, Tensor>;
}

/**
 * One optimizer's update of one parameter tensor, as a pure function of
 * tensors and host numbers. The math of each optimizer lives in exactly one
 * rule; the optimizer class only keeps state and computes `hyper`. A backend
 * can swap in a fused kernel for a rule with `registerFusedUpdate`.
 */
export interface UpdateRule<H extends UpdateHyper> {
  /** The rule's name (`'adam'`, `'sgd'`...), the key fused kernels are registered under. */
  readonly name: string;
  /** The reference update, written with tensor ops. */
  apply(inputs: UpdateInputs, hyper: H): UpdateOutputs;
  /**
   * The same update as one fused kernel op (one kernel per parameter tensor),
   * used on every backend that has a kernel registered for `op`.
   */
  readonly kernel?: FusedKernelUpdate<H>;
}

/** A rule's update as one kernel op: the op's name and the function that runs it. */
export interface FusedKernelUpdate<H extends UpdateHyper> {
  /** The kernel op (`'adamUpdate'`, `'sgdUpdate'`). */
  readonly op: string;
  /** Runs the op on the inputs; it must compute the reference's numbers. */
  readonly run: (inputs: UpdateInputs, hyper: H) => UpdateOutputs;
  /** Whether the kernel is the faster path for these inputs (default: wherever the backend has it). */
  readonly pays?: (inputs: UpdateInputs) => boolean;
}

/** A replacement for a rule's reference update on one backend (e.g. one WGSL kernel per parameter). */
export type FusedUpdate<H extends UpdateHyper> = (inputs: UpdateInputs, hyper: H) => UpdateOutputs;

const fused = new Map<string, FusedUpdate<UpdateHyper>>();

/**
 * Registers `fn` to run instead of `rule`'s reference update for parameters
 * on `backend`. It must compute the same numbers. Returns a function that
 * removes it.
 *
 * @example
 * ```ts
 * const off = registerFusedUpdate(adamUpdate, 'webgpu', (inputs, h) => fusedAdamKernel(inputs, h));
 * ```
 */
export function registerFusedUpdate<H extends UpdateHyper>(
  rule: UpdateRule<H>,
  backend: string,
  fn: FusedUpdate<H>,
): () => void {
  const key = `${rule.name}|${backend}`;
  fused.set(key, fn as unknown as FusedUpdate<UpdateHyper>);
  return () => {
    if (fused.get(key) === (fn as unknown)) fused.delete(key);
  };
}

/**
 * Runs `rule` on `inputs`: an update registered with `registerFusedUpdate`
 * for the parameter's backend, else the rule's kernel op where the backend
 * has that kernel (and it `pays`), else the reference.
 */
export function runUpdate<H extends UpdateHyper>(
  rule: UpdateRule<H>,
  inputs: UpdateInputs,
  hyper: H,
): UpdateOutputs {
  const backend = inputs.param.backend.name;
  const f = fused.get(`${rule.name}|${backend}`);
  if (f) return f(inputs, hyper);
  const k = rule.kernel;
  if (k && hasKernel(k.op, backend) && (k.pays === undefined || k.pays(inputs)))
    return k.run(inputs, hyper);
  return rule.apply(inputs, hyper);
}

/**
 * A rank-0 tensor holding `value` in `like`'s dtype and on its backend. Rules
 * use it for their numbers (bias corrections, scheduled learning rates change
 * every step) instead of plain numbers, which core-tensor keeps in a bounded
 * cache of scalars: new values every step would fill it and evict the
 * constants other code reuses, and memory would grow until it is full. These
 * are freed by the step's `tidy`.
 */
export function scalarLike(like: Tensor, value: number): Tensor {
  return tensor(value, { dtype: like.dtype, backend: like.backend.name });
}

/**
 * The gradient every PyTorch optimizer starts from: −g when maximizing,
 * then + λw (L2 weight decay) when λ ≠ 0.
 */
export function decayedGradient(
  param: Tensor,
  grad: Tensor,
  maximize: boolean,
  weightDecay: number,
): Tensor {
  const g = maximize ? grad.neg() : grad;
  return weightDecay !== 0 ? g.add(param.mul(scalarLike(param, weightDecay))) : g;
}
