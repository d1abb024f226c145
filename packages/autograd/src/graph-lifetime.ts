import type { Tensor } from '@webgrad/core-tensor';
import type { GradNode } from './graph-node.js';

/**
 * How long a graph keeps the tensors it saved for backward when no backward
 * pass frees them (a forward pass that is never differentiated, or nodes a
 * `gradients` call with explicit inputs did not run): a node is alive while
 * an output handle it produced is alive or a living node reads one of its
 * outputs; when neither is left, nothing can reach it any more, so it frees
 * its saved tensors and stops holding the nodes it reads. As PyTorch frees a
 * graph when its last output is dropped, but driven by `dispose()` (and so by
 * `tidy`). Handles the garbage collector takes without `dispose()` do not
 * count down: their graph stays until it is collected too.
 */

/** Output handles counted as holders of their node (saved aliases are owned by nodes, not counted). */
const counted = new WeakSet<Tensor>();

/** Counts `node`'s hold on the nodes its inputs come from; returns them, to be let go when it dies. */
export function holdInputNodes(inputs: readonly Tensor[]): GradNode[] {
  const held: GradNode[] = [];
  for (const t of inputs) {
    if (!t.requiresGrad || t.gradNode === null) continue;
    const n = t.gradNode as unknown as GradNode;
    n.holders++;
    held.push(n);
  }
  return held;
}

/** Makes output handle `o` (whose `gradNode` is about to become `node`) a holder of `node`. */
export function holdOutput(o: Tensor, node: GradNode): void {
  // an op that hands back a recorded handle moves it from its old node
  if (counted.has(o) && o.gradNode !== null) letGo(o.gradNode as unknown as GradNode);
  counted.add(o);
  node.holders++;
}

/** The recorder's `disposed` hook: a counted output handle was disposed. */
export function outputDisposed(t: Tensor): void {
  if (!counted.delete(t) || t.gradNode === null) return;
  letGo(t.gradNode as unknown as GradNode);
}

/** One holder of `node` is gone; a node left with none dies, and so may the nodes it held (iteratively: graphs can be long). */
function letGo(node: GradNode): void {
  const stack = [node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (--n.holders > 0) continue;
    stack.push(...n.die());
  }
}
