import { ArgumentError, WebgradError } from '@webgrad/core-tensor';
import { Module } from './module.js';

/** Any module, whatever its inputs and output. */
export type AnyModule = Module<never[], unknown>;

/**
 * Holds submodules in a list, PyTorch's `nn.ModuleList`: they are registered
 * (named '0', '1', …) so their parameters belong to the owner, but it has no
 * forward of its own; iterate over it.
 *
 * @example
 * ```ts
 * class Deep extends Module<[Tensor], Tensor> {
 *   layers = new ModuleList([new Linear(4, 4), new Linear(4, 4)]);
 *   forward(x: Tensor): Tensor {
 *     for (const l of this.layers) x = relu(l.forward(x));
 *     return x;
 *   }
 * }
 * ```
 */
export class ModuleList<M extends AnyModule = AnyModule> extends Module<never[], never> {
  /** Creates the list from `modules`. */
  constructor(modules: readonly M[] = []) {
    super();
    for (const m of modules) this.append(m);
  }

  /** The number of modules. */
  get length(): number {
    return this.namedChildren().length;
  }

  /** The module at position `i` (negative counts from the end). */
  at(i: number): M {
    const children = this.children();
    const k = i < 0 ? i + children.length : i;
    const m = children[k];
    if (!Number.isInteger(i) || m === undefined) throw new ArgumentError('ModuleList.at', `index ${i} is out of range for ${children.length} modules`);
    return m as M;
  }

  /** Adds `module` at the end. */
  append(module: M): this {
    if (!(module instanceof Module)) throw new ArgumentError('ModuleList', `expected a Module, got ${typeof module}`);
    this.registerModule(String(this.length), module);
    return this;
  }

  /** Adds every module of `modules` at the end. */
  extend(modules: Iterable<M>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  /** A ModuleList has no forward (as in PyTorch): iterate over its modules instead. */
  forward(): never {
    throw new WebgradError('ModuleList', 'a ModuleList has no forward; iterate over its modules');
  }

  /** Iterates over the modules in order. */
  [Symbol.iterator](): Iterator<M> {
    return (this.children() as M[])[Symbol.iterator]();
  }
}
