import { ArgumentError, type Tensor } from '@webgrad/core-tensor';
import { Module } from './module.js';

/** A module mapping one tensor to one tensor, the kind `Sequential` chains. */
export type TensorModule = Module<[Tensor], Tensor>;

/**
 * Chains modules, feeding each one's output to the next, PyTorch's
 * `nn.Sequential`. Children are named '0', '1', … (so state-dict keys are
 * `0.weight`, `2.bias`, … as in PyTorch), or by the keys of a record.
 *
 * @example
 * ```ts
 * const mlp = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
 * Object.keys(mlp.stateDict()); // ['0.weight', '0.bias', '2.weight', '2.bias']
 * const y = mlp.forward(randn([3, 4])); // [3, 2]
 * ```
 */
export class Sequential extends Module<[Tensor], Tensor> {
  /** Chains `modules` in order, or the modules of a record under its keys (PyTorch's OrderedDict form). */
  constructor(...modules: TensorModule[] | [Record<string, TensorModule>]) {
    super();
    const first = modules[0];
    if (modules.length === 1 && !(first instanceof Module)) {
      for (const [name, m] of Object.entries(first as Record<string, TensorModule>)) this.add(name, m);
    } else {
      for (const m of modules as TensorModule[]) this.append(m);
    }
  }

  /** The number of modules. */
  get length(): number {
    return this.namedChildren().length;
  }

  /** The module at position `i` (negative counts from the end). */
  at(i: number): TensorModule {
    const children = this.children();
    const k = i < 0 ? i + children.length : i;
    const m = children[k];
    if (!Number.isInteger(i) || m === undefined) throw new ArgumentError('Sequential.at', `index ${i} is out of range for ${children.length} modules`);
    return m as unknown as TensorModule;
  }

  /** Adds `module` at the end, named by its position. */
  append(module: TensorModule): this {
    return this.add(String(this.length), module);
  }

  private add(name: string, module: TensorModule): this {
    if (!(module instanceof Module)) throw new ArgumentError('Sequential', `expected a Module, got ${typeof module}`);
    if (name === '' || name.includes('.')) throw new ArgumentError('Sequential', `module name '${name}' must be non-empty and contain no '.'`);
    this.registerModule(name, module);
    return this;
  }

  /** Applies the modules in order. */
  forward(x: Tensor): Tensor {
    let y = x;
    for (const m of this.children()) y = (m as unknown as TensorModule).forward(y);
    return y;
  }

  /** Iterates over the modules in order. */
  [Symbol.iterator](): Iterator<TensorModule> {
    return (this.children() as unknown as TensorModule[])[Symbol.iterator]();
  }
}
