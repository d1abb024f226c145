import { ArgumentError, WebgradError } from '@webgrad/core-tensor';
import { Module } from './module.js';
import type { AnyModule } from './module-list.js';

/**
 * Holds submodules by name in insertion order, PyTorch's `nn.ModuleDict`.
 * Any key without '.' works, numeric-looking ones included (they keep their
 * insertion order, unlike plain object keys). It has no forward of its own.
 *
 * @example
 * ```ts
 * const heads = new ModuleDict({ cls: new Linear(8, 10), box: new Linear(8, 4) });
 * heads.get('cls').forward(features);
 * Object.keys(heads.stateDict()); // ['cls.weight', 'cls.bias', 'box.weight', 'box.bias']
 * ```
 */
export class ModuleDict<M extends AnyModule = AnyModule> extends Module<never[], never> {
  private _modules = new Map<string, M>();

  /** Creates the dict from a record of modules (in its key order). */
  constructor(modules: Record<string, M> | Iterable<[string, M]> = {}) {
    super();
    this.update(modules);
  }

  /** The module named `key` (an error naming the keys when absent). */
  get(key: string): M {
    const m = this._modules.get(key);
    if (!m) throw new ArgumentError('ModuleDict.get', `no module named '${key}'; keys are [${[...this._modules.keys()].join(', ')}]`);
    return m;
  }

  /** Whether a module is named `key`. */
  has(key: string): boolean {
    return this._modules.has(key);
  }

  /** Adds or replaces the module named `key` (a replaced key keeps its position, as in an OrderedDict). */
  set(key: string, module: M): this {
    if (typeof key !== 'string' || key === '' || key.includes('.')) throw new ArgumentError('ModuleDict', `key '${String(key)}' must be a non-empty string without '.'`);
    if (!(module instanceof Module)) throw new ArgumentError('ModuleDict', `expected a Module for '${key}', got ${typeof module}`);
    this._modules.set(key, module);
    return this;
  }

  /** Removes and returns the module named `key`. */
  pop(key: string): M {
    const m = this.get(key);
    this._modules.delete(key);
    return m;
  }

  /** Adds every entry of `modules`. */
  update(modules: Record<string, M> | Iterable<[string, M]>): this {
    const entries = Symbol.iterator in Object(modules) ? [...(modules as Iterable<[string, M]>)] : Object.entries(modules as Record<string, M>);
    for (const [k, m] of entries) this.set(k, m);
    return this;
  }

  /** The keys in insertion order. */
  keys(): string[] {
    return [...this._modules.keys()];
  }

  /** The modules in insertion order. */
  values(): M[] {
    return [...this._modules.values()];
  }

  /** The number of modules. */
  get size(): number {
    return this._modules.size;
  }

  /** The children are the dict's entries, in insertion order. */
  override namedChildren(): [string, AnyModule][] {
    return [...this._modules.entries()];
  }

  /** A ModuleDict has no forward (as in PyTorch): pick a module with `get`. */
  forward(): never {
    throw new WebgradError('ModuleDict', 'a ModuleDict has no forward; pick a module with get(key)');
  }
}
