import type { BackwardFn } from './graph-node.js';

/** A registered gradient: its backward function and what it saves. */
export interface GradientDef {
  /** The op name (the kernel name in core-tensor). */
  readonly op: string;
  /** Indices of inputs backward reads (nothing else is kept alive). */
  readonly saveInputs?: readonly number[];
  /** Indices of outputs backward reads. */
  readonly saveOutputs?: readonly number[];
  /** The gradient itself. */
  readonly backward: BackwardFn;
}

const registry = new Map<string, GradientDef>();

/** Registers the gradient of `def.op` (replacing any earlier one). */
export function registerGradient(def: GradientDef): void {
  registry.set(def.op, def);
}

/** The gradient registered for `op`, if any. */
export function getGradient(op: string): GradientDef | undefined {
  return registry.get(op);
}

/** Names of every op with a registered gradient, sorted. */
export function listGradients(): string[] {
  return [...registry.keys()].sort();
}
