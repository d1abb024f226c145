import type { KernelAttrs, Tensor } from '@webgrad/core-tensor';

/** What a gradient function sees of the op it differentiates. */
export interface GradientContext {
  /** The op's inputs; only those the gradient declared in `saveInputs` are readable. */
  readonly inputs: readonly (Tensor | undefined)[];
  /** The op's outputs; only those declared in `saveOutputs` are readable. */
  readonly outputs: readonly (Tensor | undefined)[];
  /** Shapes of every input. */
  readonly inputShapes: readonly (readonly number[])[];
  /** Dtypes of every input. */
  readonly inputDTypes: readonly string[];
  /** The op's attributes. */
  readonly attrs: KernelAttrs;
  /** Which inputs need a gradient (others may be returned as null). */
  readonly needsInputGrad: readonly boolean[];
}

/**
 * Computes the gradients of an op's inputs from the gradients of its outputs,
 * with tensor ops (so gradients of gradients work). Returns one entry per input
 * (null where no gradient flows).
 */
export type BackwardFn = (grads: readonly Tensor[], ctx: GradientContext) => readonly (Tensor | null | undefined)[];

/** A node of the autograd graph: one recorded op. */
export class GradNode {
  /** True once the saved tensors were freed (by a backward pass, or when nothing reaches the node any more). */
  released = false;
  /** @internal live output handles and living nodes that read this node's outputs (see graph-lifetime.ts). */
  holders = 0;
  /** @internal the nodes this node's inputs come from, one entry per counted edge. */
  heldInputs: readonly GradNode[] = [];

  /** Creates a node; `inputs` are graph edges, `ctx` holds what backward needs. */
  constructor(
    readonly op: string,
    readonly inputs: readonly Tensor[],
    readonly ctx: GradientContext,
    readonly numOutputs: number,
    readonly outputShapes: readonly (readonly number[])[],
    readonly backwardFn: BackwardFn,
    private readonly saved: readonly Tensor[],
  ) {}

  /** The tensors kept for backward (empty once released). */
  get savedTensors(): readonly Tensor[] {
    return this.released ? [] : this.saved;
  }

  /** Whether backward needs tensors this node saved (a released node without any can run again, as in PyTorch). */
  get savesTensors(): boolean {
    return this.saved.length > 0;
  }

  /** @internal nothing reaches this node any more: frees its saved tensors; returns the nodes it held. */
  die(): readonly GradNode[] {
    this.release();
    const held = this.heldInputs;
    this.heldInputs = [];
    return held;
  }

  /** Frees the tensors saved for backward (after a backward pass without `retainGraph`). */
  release(): void {
    if (this.released) return;
    this.released = true;
    for (const t of this.saved) t.dispose();
  }
}
