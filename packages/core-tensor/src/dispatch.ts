import type { Backend, KernelAttrs, KernelTensor } from './backend.js';
import { dispatchListeners, getBackend, getGradientRecorder, isGradEnabled } from './engine.js';
import { BackendError } from './errors.js';
import { getKernel } from './kernel-registry.js';
import type { Shape } from './shape.js';
import { Tensor } from './tensor.js';

/** The attributes of an op that has none (one shared, frozen object instead of a new `{}` per call). */
const NO_ATTRS: KernelAttrs = Object.freeze({});

/**
 * The one place every op passes through: finds the kernel for `op` on the
 * inputs' backend, runs it, wraps the outputs as tensors, records the op for
 * autograd when an input requires grad, and tells the dispatch listeners.
 * Ops validate shapes and dtypes before calling it.
 */
export function runKernel(op: string, inputs: readonly Tensor[], attrs: KernelAttrs = NO_ATTRS, backend?: Backend): Tensor[] {
  const be = backend ?? backendOf(op, inputs);
  const kernel = getKernel(op, be.name);
  const n = inputs.length;
  const kin = new Array<KernelTensor>(n);
  for (let i = 0; i < n; i++) kin[i] = inputs[i]!.kernelTensor;
  const kout = kernel(kin, attrs, be);
  const outs = new Array<Tensor>(kout.length);
  for (let i = 0; i < kout.length; i++) outs[i] = Tensor.fromKernel(be, kout[i]!);
  afterKernel(op, inputs, outs, attrs);
  return outs;
}

/** `runKernel` for ops with exactly one output. */
export function runKernel1(op: string, inputs: readonly Tensor[], attrs: KernelAttrs = NO_ATTRS, backend?: Backend): Tensor {
  return runKernel(op, inputs, attrs, backend)[0]!;
}

/**
 * A view: a new tensor of `shape` sharing `x`'s storage (no kernel runs),
 * recorded for autograd as `op` like any other op.
 */
export function makeView(op: string, x: Tensor, shape: Shape, attrs: KernelAttrs = NO_ATTRS): Tensor {
  x.assertAlive(op);
  const out = new Tensor(x.dataRef, shape, x.dtype);
  afterKernel(op, [x], [out], attrs);
  return out;
}

function afterKernel(op: string, inputs: readonly Tensor[], outs: Tensor[], attrs: KernelAttrs): void {
  if (isGradEnabled()) {
    const recorder = getGradientRecorder();
    if (recorder !== null && anyRequiresGrad(inputs)) recorder.record(op, inputs, outs, attrs);
  }
  const ls = dispatchListeners();
  if (ls.length === 0) return;
  for (let i = 0; i < ls.length; i++) ls[i]!(op, inputs, outs, attrs);
}

function anyRequiresGrad(inputs: readonly Tensor[]): boolean {
  for (let i = 0; i < inputs.length; i++) if (inputs[i]!.requiresGrad) return true;
  return false;
}

/** The backend all inputs live on (the active one when there are none); a clear error when they differ. */
export function backendOf(op: string, inputs: readonly Tensor[]): Backend {
  if (inputs.length === 0) return getBackend();
  const first = inputs[0]!;
  first.assertAlive(op);
  const be = first.backend;
  for (let i = 1; i < inputs.length; i++) {
    const t = inputs[i]!;
    t.assertAlive(op);
    if (t.backend !== be) {
      throw new BackendError(op, `inputs are on different backends (${be.name} and ${t.backend.name}); move one with .to('${be.name}')`);
    }
  }
  return be;
}
