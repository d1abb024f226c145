import { ArgumentError, Tensor, WebgradError, tidy, type TypedArray } from '@webgrad/core-tensor';
import { enableGrad, noGrad } from '@webgrad/autograd';

/*
 * Optimizers that make decisions on numbers (line searches, L-BFGS, Newton)
 * are written once, as generators that ask for numbers: they yield a request
 * (read a tensor's values, or evaluate the closure) and resume with the
 * answer. `runHostProgram` answers synchronously (CPU), `runHostProgramAsync`
 * with `await` (any backend), so the algorithm exists in one place.
 */

/** A request from a host program: read a tensor's values, or evaluate the closure. */
export type HostRequest =
  | { readonly kind: 'read'; readonly tensor: Tensor }
  | { readonly kind: 'evaluate'; readonly mode: EvaluationMode };

/**
 * How the closure is evaluated: `'backward'` with gradients enabled, its
 * intermediates freed at once (a closure that calls `backward` itself, as
 * LBFGS's does); `'graph'` with gradients enabled and the graph left intact
 * (Newton differentiates the returned loss); `'value'` without recording
 * (only the loss value is needed).
 */
export type EvaluationMode = 'backward' | 'graph' | 'value';

/** What an `evaluate` request receives: the closure's result and its value as a number. */
export interface Evaluation {
  /** What the closure returned (the loss tensor, or a number). */
  readonly result: Tensor | number;
  /** The loss as a number. */
  readonly value: number;
}

/** A computation that asks the host for numbers and returns `R`. */
export type HostProgram<R> = Generator<HostRequest, R, unknown>;

/** A closure as the host-program optimizers accept it (it may be async for `stepAsync`). */
export type AsyncClosure = () => Tensor | number | Promise<Tensor | number>;

/** Reads tensor `t`'s values and disposes it (`t` must be a fresh tensor the caller owns). */
export function* readValues(t: Tensor): Generator<HostRequest, TypedArray, unknown> {
  const v = (yield { kind: 'read', tensor: t }) as TypedArray;
  t.dispose();
  return v;
}

/** Reads one-element tensor `t` as a number and disposes it (`t` must be a fresh tensor the caller owns). */
export function* readNumber(t: Tensor): Generator<HostRequest, number, unknown> {
  return Number((yield* readValues(t))[0]);
}

/** Evaluates the closure (see `EvaluationMode`). */
export function* evaluateClosure(mode: EvaluationMode = 'backward'): Generator<HostRequest, Evaluation, unknown> {
  return (yield { kind: 'evaluate', mode }) as Evaluation;
}

/** Calls `closure` with recording as `mode` asks; the synchronous driver frees intermediates it does not need. */
function callClosure<R>(closure: () => R, mode: EvaluationMode, sync: boolean): R {
  if (mode === 'value') return sync ? tidy(() => noGrad(closure)) : noGrad(closure);
  if (mode === 'backward' && sync) return tidy(() => enableGrad(closure));
  return enableGrad(closure);
}

/**
 * Runs `program` synchronously: reads with `dataSync()` (CPU only) and
 * evaluates `closure` directly. On a backend that cannot read synchronously
 * the error names `op` and points to its async form.
 */
export function runHostProgram<R>(op: string, program: HostProgram<R>, closure: () => Tensor | number): R {
  const read = (t: Tensor): TypedArray => {
    try {
      return t.dataSync();
    } catch (e) {
      throw new WebgradError(op, `step() reads numbers synchronously, which the ${t.backend.name} backend cannot; use await stepAsync(closure) (${(e as Error).message})`);
    }
  };
  // the program's own arithmetic (parameter updates, directions) is never recorded
  const resume = (reply?: unknown) => noGrad(() => program.next(reply));
  let next = resume();
  while (!next.done) {
    const req = next.value;
    if (req.kind === 'read') {
      next = resume(read(req.tensor));
    } else {
      const result = callClosure(closure, req.mode, true);
      if (result instanceof Promise) throw new WebgradError(op, 'the closure returned a Promise; use await stepAsync(closure)');
      const value = typeof result === 'number' ? result : lossValue(op, result, read(result));
      next = resume({ result, value } satisfies Evaluation);
    }
  }
  return next.value;
}

/** Runs `program` answering reads with `await t.data()` and awaiting `closure`: works on every backend. */
export async function runHostProgramAsync<R>(program: HostProgram<R>, closure: AsyncClosure): Promise<R> {
  const resume = (reply?: unknown) => noGrad(() => program.next(reply));
  let next = resume();
  while (!next.done) {
    const req = next.value;
    if (req.kind === 'read') {
      next = resume(await req.tensor.data());
    } else {
      const result = await callClosure(closure, req.mode, false);
      const value = typeof result === 'number' ? result : lossValue('stepAsync', result, await result.data());
      next = resume({ result, value } satisfies Evaluation);
    }
  }
  return next.value;
}

/** The closure's loss as a number; it must be a one-element tensor. */
function lossValue(op: string, loss: Tensor, values: TypedArray): number {
  if (values.length !== 1) throw new WebgradError(op, `the closure must return a one-element loss, got shape [${loss.shape.join(',')}]`);
  return Number(values[0]);
}

/** The closure, or an error saying the optimizer `name` needs one. */
export function requireClosure<C>(name: string, closure: C | undefined): C {
  if (typeof closure !== 'function') {
    throw new ArgumentError(name, 'step needs a closure that re-evaluates the model and returns the loss');
  }
  return closure;
}
