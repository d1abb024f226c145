import { add, keep, makeView, onesLike, setGradEnabled, shapesEqual, tidy, Tensor, WebgradError, zeros, fmtShape } from '@webgrad/core-tensor';
import { asBackwardPass } from './backward-pass-end.js';
import { checkGradientsFinite, withinBackward } from './anomaly.js';
import { nonDifferentiableError } from './recorder.js';
import type { GradNode } from './graph-node.js';

/** Options of a backward pass. */
export interface BackwardOptions {
  /** Keep the graph's saved tensors so backward can run again (default false). */
  retainGraph?: boolean;
  /** Record the backward pass itself, for gradients of gradients (default false). */
  createGraph?: boolean;
}

/** Where gradient arriving at a tensor goes: its producing node's output slot, or a leaf. */
function edgeOf(t: Tensor): { node: GradNode; index: number } | { leaf: Tensor } | null {
  if (!t.requiresGrad) return null;
  if (t.gradNode !== null) return { node: t.gradNode as unknown as GradNode, index: t.gradOutputIndex };
  return { leaf: t.leafTarget ?? t };
}

/** Nodes reachable from `roots`, ordered so every node comes before the nodes it feeds from (reverse topological). */
function topoOrder(roots: readonly GradNode[]): GradNode[] {
  const order: GradNode[] = [];
  const visited = new Set<GradNode>();
  // iterative DFS: long recurrent graphs would overflow the call stack
  const stack: { node: GradNode; next: number }[] = [];
  for (const r of roots) {
    if (visited.has(r)) continue;
    visited.add(r);
    stack.push({ node: r, next: 0 });
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      if (top.next < top.node.inputs.length) {
        const t = top.node.inputs[top.next++]!;
        const child = t.requiresGrad && t.gradNode !== null ? (t.gradNode as unknown as GradNode) : null;
        if (child && !visited.has(child)) {
          visited.add(child);
          stack.push({ node: child, next: 0 });
        }
      } else {
        order.push(top.node);
        stack.pop();
      }
    }
  }
  return order.reverse();
}

/**
 * Whether gradient flowing into a tensor can reach a wanted input: the tensor
 * is one, or its producing node has an input that does. Decided for every
 * node of `order` (reverse topological) up front.
 */
function leadsToWanted(order: readonly GradNode[], wanted: ReadonlyMap<GradNode, ReadonlyMap<number, number[]>>, wantedLeaves: ReadonlyMap<Tensor, number[]>): (t: Tensor) => boolean {
  const leads = new Set<GradNode>();
  const edgeLeads = (t: Tensor): boolean => {
    const e = edgeOf(t);
    if (e === null) return false;
    if ('leaf' in e) return wantedLeaves.has(e.leaf);
    return wanted.get(e.node)?.has(e.index) === true || leads.has(e.node);
  };
  // children come after their consumers in `order`, so walk it backwards
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i]!;
    if (node.inputs.some(edgeLeads)) leads.add(node);
  }
  return edgeLeads;
}

function accumulate(a: Tensor | undefined, b: Tensor): Tensor {
  return a === undefined ? b : add(a, b);
}

/**
 * The engine: propagates `gradOutputs` from `outputs` back through the graph
 * and returns the gradient arriving at each of `inputs` (undefined where none
 * arrives). When `inputs` is null, gradients of every leaf reached are returned
 * in the `leaves` map instead. The gradients it computes on the way are freed
 * when it returns (only the returned ones survive, with the graph they reach
 * under `createGraph`), and so is whatever gradient functions registered with
 * `atBackwardPassEnd`.
 */
export function runBackward(
  outputs: readonly Tensor[],
  gradOutputs: readonly Tensor[],
  inputs: readonly Tensor[] | null,
  options: BackwardOptions,
): { inputGrads: (Tensor | undefined)[]; leaves: Map<Tensor, Tensor> } {
  const createGraph = options.createGraph ?? false;
  const prevGrad = setGradEnabled(createGraph);
  try {
    return asBackwardPass(() => tidy(() => propagate(outputs, gradOutputs, inputs, options)));
  } finally {
    setGradEnabled(prevGrad);
  }
}

/** `runBackward`'s pass itself, run inside its scope. */
function propagate(...[outputs, gradOutputs, inputs, options]: Parameters<typeof runBackward>): ReturnType<typeof runBackward> {
  const createGraph = options.createGraph ?? false;
  const slotGrads = new Map<GradNode, (Tensor | undefined)[]>();
  const leaves = new Map<Tensor, Tensor>();
  const roots: GradNode[] = [];
  // tensors whose gradient the caller wants: capture what reaches their slot
  const wanted = new Map<GradNode, Map<number, number[]>>();
  const inputGrads: (Tensor | undefined)[] = inputs ? inputs.map(() => undefined) : [];
  const wantedLeaves = new Map<Tensor, number[]>();
  inputs?.forEach((t, i) => {
    const e = edgeOf(t);
    if (e === null) return;
    if ('leaf' in e) wantedLeaves.set(e.leaf, [...(wantedLeaves.get(e.leaf) ?? []), i]);
    else {
      const m = wanted.get(e.node) ?? new Map<number, number[]>();
      m.set(e.index, [...(m.get(e.index) ?? []), i]);
      wanted.set(e.node, m);
    }
  });
  outputs.forEach((o, i) => {
    const notFloat = nonDifferentiableError('backward', o);
    if (notFloat) throw notFloat;
    const e = edgeOf(o);
    if (e === null) throw new WebgradError('backward', `output ${i} of shape ${fmtShape(o.shape)} does not require grad and has no grad_fn`);
    const g = gradOutputs[i]!;
    if ('leaf' in e) leaves.set(e.leaf, accumulate(leaves.get(e.leaf), g));
    else {
      const slots = slotGrads.get(e.node) ?? new Array<Tensor | undefined>(e.node.numOutputs).fill(undefined);
      slots[e.index] = accumulate(slots[e.index], g);
      slotGrads.set(e.node, slots);
      roots.push(e.node);
    }
  });
  const order = topoOrder(roots);
  const leads = inputs ? leadsToWanted(order, wanted, wantedLeaves) : null;
  for (const node of order) {
    const slots = slotGrads.get(node);
    if (!slots) continue;
    slotGrads.delete(node);
    const w = wanted.get(node);
    if (w) for (const [idx, targets] of w) for (const ti of targets) if (slots[idx]) inputGrads[ti] = accumulate(inputGrads[ti], slots[idx]!);
    // with explicit inputs, as torch.autograd.grad, only the part of the graph between outputs and
    // inputs runs, and a node is asked only for the gradients of its inputs that lead to them
    const needed = leads ? node.inputs.map((t, i) => node.ctx.needsInputGrad[i] === true && leads(t)) : node.ctx.needsInputGrad;
    if (!needed.includes(true)) continue;
    if (node.released && node.savesTensors) {
      throw new WebgradError('backward', `trying to backward through the graph a second time (op '${node.op}'); pass { retainGraph: true } to the first backward`);
    }
    const grads = slots.map((g, i) => g ?? zeros(node.outputShapes[i]!, { backend: node.inputs[0]?.backend.name ?? 'cpu' }));
    const ctx = needed === node.ctx.needsInputGrad ? node.ctx : { ...node.ctx, needsInputGrad: needed };
    const inGrads = withinBackward(() => node.backwardFn(grads, ctx));
    checkGradientsFinite(node.op, inGrads);
    node.inputs.forEach((t, i) => {
      const g = inGrads[i];
      if (g === null || g === undefined || !needed[i]) return;
      const e = edgeOf(t);
      if (e === null) return;
      if (!shapesEqual(g.shape, t.shape)) {
        throw new WebgradError('backward', `gradient of op '${node.op}' for input ${i} has shape ${fmtShape(g.shape)}, expected ${fmtShape(t.shape)}`);
      }
      if ('leaf' in e) leaves.set(e.leaf, accumulate(leaves.get(e.leaf), g));
      else {
        const s = slotGrads.get(e.node) ?? new Array<Tensor | undefined>(e.node.numOutputs).fill(undefined);
        s[e.index] = accumulate(s[e.index], g);
        slotGrads.set(e.node, s);
      }
    });
    // as in PyTorch, retainGraph defaults to createGraph
    if (!(options.retainGraph ?? createGraph)) node.release();
  }
  for (const [leaf, targets] of wantedLeaves) {
    const g = leaves.get(leaf);
    if (g) for (const ti of targets) inputGrads[ti] = accumulate(inputGrads[ti], g);
  }
  return { inputGrads, leaves };
}

/**
 * Backpropagates from `loss`, adding the gradient of every leaf that requires
 * grad into its `.grad` (PyTorch's `loss.backward()`). A non-scalar `loss`
 * needs `gradOutput` of its shape.
 *
 * @example
 * ```ts
 * const w = tensor([1, 2, 3], { requiresGrad: true });
 * backward(w.mul(w).sum());
 * w.grad; // tensor([2., 4., 6.])
 * ```
 */
export function backward(loss: Tensor, gradOutput?: Tensor, options: BackwardOptions = {}): void {
  loss.assertAlive('backward');
  const notFloat = nonDifferentiableError('backward', loss);
  if (notFloat) throw notFloat;
  if (!loss.requiresGrad) throw new WebgradError('backward', 'the tensor does not require grad and has no grad_fn; did a parameter forget requiresGrad, or was it computed under noGrad?');
  if (gradOutput === undefined) {
    if (loss.size !== 1) throw new WebgradError('backward', `grad can be implicitly created only for one-element outputs, got shape ${fmtShape(loss.shape)}; pass gradOutput`);
  } else if (!shapesEqual(gradOutput.shape, loss.shape)) {
    throw new WebgradError('backward', `gradOutput shape ${fmtShape(gradOutput.shape)} differs from the output shape ${fmtShape(loss.shape)}`);
  }
  // one scope: the seed of ones is freed with the pass; the leaves' gradients are kept
  tidy(() => {
    const { leaves } = runBackward([loss], [gradOutput ?? onesLike(loss)], null, options);
    const createGraph = options.createGraph ?? false;
    for (const [leaf, grad] of leaves) {
      if (leaf.requiresGrad) leaf.grad = accumulateGrad(leaf.grad, grad, createGraph);
    }
  });
}

/**
 * The new `.grad` of a leaf. As in PyTorch the sum is accumulated in place,
 * so a handle the caller holds to the old gradient sees the sum and nothing
 * leaks; and every leaf gets a handle of its own (gradient functions share
 * tensors — `add` passes dy to both inputs), so disposing one leaf's
 * gradient never frees another's. Gradients outlive any enclosing `tidy`;
 * `zeroGrad()` (or `dispose`) frees them.
 */
function accumulateGrad(prev: Tensor | null, g: Tensor, createGraph: boolean): Tensor {
  const prevMode = setGradEnabled(createGraph);
  try {
    if (prev === null || prev.isDisposed) return keep(createGraph ? makeView('identity', g, g.shape) : g.detach());
    const total = add(prev, g);
    if (createGraph || !prev.isLeaf || prev.requiresGrad || total.dtype !== prev.dtype) return keep(total);
    prev.assign_(total);
    total.dispose();
    return prev;
  } finally {
    setGradEnabled(prevMode);
  }
}
