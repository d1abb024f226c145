import { DTypeError, isFloatDType, Tensor, WebgradError, type KernelAttrs } from '@webgrad/core-tensor';
import { getGradient } from './gradient-registry.js';
import { GradNode, type BackwardFn, type GradientContext } from './graph-node.js';
import { holdInputNodes, holdOutput } from './graph-lifetime.js';

/**
 * A handle that pins `t`'s storage for backward and stands for `t` in the
 * graph: it shares t's node (or, for a leaf, routes its gradient to t), so
 * gradients of gradients reach the original tensors. Inside `tidy` it lives
 * as long as a kept tensor's graph reaches the node that saved it.
 */
export function saveForBackward(t: Tensor): Tensor {
  const s = t.detach();
  s.requiresGrad = t.requiresGrad;
  s.gradNode = t.gradNode;
  s.gradOutputIndex = t.gradOutputIndex;
  if (t.gradNode === null && t.requiresGrad) s.leafTarget = t.leafTarget ?? t;
  return s;
}

function missingGradient(op: string): BackwardFn {
  return () => {
    throw new WebgradError('backward', `op '${op}' has no registered gradient, so it cannot be differentiated`);
  };
}

/** Integer and bool results of ops whose inputs required grad, by the op that made them (for error messages). */
const nonDifferentiableOrigin = new WeakMap<Tensor, string>();

/**
 * @internal the error to raise when asked for the gradient of `t` (the
 * output of `op`, e.g. `backward`) because `t` is not a floating-point tensor,
 * or null when `t` is floating-point.
 */
export function nonDifferentiableError(api: string, t: Tensor): DTypeError | null {
  if (isFloatDType(t.dtype)) return null;
  const origin = nonDifferentiableOrigin.get(t);
  const source = origin !== undefined ? `it is the ${t.dtype} result of '${origin}', which is not differentiable` : `${t.dtype} tensors have no gradient`;
  return new DTypeError(api, `cannot differentiate a ${t.dtype} tensor of shape [${t.shape.join(',')}]: ${source} (only float32/float64 results carry gradients; comparisons, argmax/argmin and integer ops do not)`);
}

/** Records `op` with a node holding exactly what its gradient declared it needs. */
export function recordOp(op: string, inputs: readonly Tensor[], outputs: readonly Tensor[], attrs: KernelAttrs, backwardOverride?: BackwardFn): void {
  const diffOutputs = outputs.filter((o) => isFloatDType(o.dtype));
  if (diffOutputs.length === 0) {
    for (const o of outputs) nonDifferentiableOrigin.set(o, op);
    return;
  }
  const def = getGradient(op);
  const saved: Tensor[] = [];
  const savedInputs: (Tensor | undefined)[] = inputs.map(() => undefined);
  const savedOutputs: (Tensor | undefined)[] = outputs.map(() => undefined);
  if (backwardOverride) {
    inputs.forEach((t, i) => saved.push((savedInputs[i] = saveForBackward(t))));
  } else if (def) {
    for (const i of def.saveInputs ?? []) saved.push((savedInputs[i] = saveForBackward(inputs[i]!)));
  }
  const ctx: GradientContext = {
    inputs: savedInputs,
    outputs: savedOutputs,
    inputShapes: inputs.map((t) => t.shape),
    inputDTypes: inputs.map((t) => t.dtype),
    attrs,
    needsInputGrad: inputs.map((t) => t.requiresGrad),
  };
  const node = new GradNode(
    op,
    inputs.slice(),
    ctx,
    outputs.length,
    outputs.map((o) => o.shape),
    backwardOverride ?? def?.backward ?? missingGradient(op),
    saved,
  );
  node.heldInputs = holdInputNodes(node.inputs);
  outputs.forEach((o, i) => {
    if (!isFloatDType(o.dtype)) return;
    holdOutput(o, node);
    o.requiresGrad = true;
    o.gradNode = node;
    o.gradOutputIndex = i;
  });
  // outputs are saved after the node is attached, so the saved handle shares it
  if (!backwardOverride && def) for (const i of def.saveOutputs ?? []) saved.push((savedOutputs[i] = saveForBackward(outputs[i]!)));
}
