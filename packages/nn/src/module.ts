import { Tensor, WebgradError, cast, fmtShape, shapesEqual, toBackend } from '@webgrad/core-tensor';
import { noGrad } from '@webgrad/autograd';
import { Parameter } from './parameter.js';

/** A state dict: parameter and buffer names (PyTorch's dotted paths) to tensors, in registration order. */
export type StateDict = Record<string, Tensor>;

/** What `loadStateDict` found missing or unexpected (PyTorch's `_IncompatibleKeys`). */
export interface LoadStateDictResult {
  /** Keys the module has but the state dict lacks. */
  missingKeys: string[];
  /** Keys the state dict has but the module lacks. */
  unexpectedKeys: string[];
}

/**
 * The base class of every layer and model, like PyTorch's `nn.Module`.
 * Parameters (`Parameter`) and child modules assigned to properties are found
 * automatically, in assignment order, and named by the property; tensors that
 * are state but not learnable are registered with `registerBuffer`. Names of
 * properties starting with `_` are private and never part of the state.
 *
 * @example
 * ```ts
 * class TwoLayer extends Module<[Tensor], Tensor> {
 *   fc1 = new Linear(4, 8);
 *   fc2 = new Linear(8, 1);
 *   forward(x: Tensor): Tensor {
 *     return this.fc2.forward(relu(this.fc1.forward(x)));
 *   }
 * }
 * const net = new TwoLayer();
 * Object.keys(net.stateDict()); // ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
 * ```
 */
export abstract class Module<In extends unknown[] = [Tensor], Out = Tensor> {
  /** True in training mode (dropout active, batch norm uses batch statistics). */
  training = true;
  private _bufferNames = new Set<string>();
  private _nonPersistent = new Set<string>();

  /** Computes the module's output. */
  abstract forward(...inputs: In): Out;

  /** Extra text inside the module's printed form, e.g. `in_features=3, out_features=4`. */
  extraRepr(): string {
    return '';
  }

  /** Registers `module` as a child under `name` (for names that are not valid properties, like `'0'`). */
  registerModule<M extends Module<never[], unknown>>(name: string, module: M | null): M | null {
    this.setEntry(name, module);
    return module;
  }

  /** Registers a parameter under `name` (e.g. `weight_ih_l0`); `null` keeps the slot empty. */
  registerParameter(name: string, param: Parameter | null): Parameter | null {
    this.setEntry(name, param);
    return param;
  }

  /**
   * Registers a state tensor that is not learnable (running statistics, masks).
   * Persistent buffers are part of the state dict.
   */
  registerBuffer(name: string, tensor: Tensor | null, persistent = true): void {
    this._bufferNames.add(name);
    if (!persistent) this._nonPersistent.add(name);
    if (tensor) tensor.isKept = true;
    this.setEntry(name, tensor);
  }

  /** Replaces a registered buffer's tensor (the old one is freed). */
  setBuffer(name: string, tensor: Tensor): void {
    if (!this._bufferNames.has(name)) throw new WebgradError('setBuffer', `'${name}' is not a registered buffer`);
    const old = (this as unknown as Record<string, Tensor | null>)[name];
    tensor.isKept = true;
    (this as unknown as Record<string, Tensor | null>)[name] = tensor;
    if (old && old !== tensor) old.dispose();
  }

  private setEntry(name: string, value: unknown): void {
    (this as unknown as Record<string, unknown>)[name] = value;
  }

  private entries(): [string, unknown][] {
    return Object.keys(this)
      .filter((k) => !k.startsWith('_') && k !== 'training')
      .map((k) => [k, (this as unknown as Record<string, unknown>)[k]]);
  }

  /** Direct children with their names. */
  namedChildren(): [string, Module<never[], unknown>][] {
    return this.entries().filter((e): e is [string, Module<never[], unknown>] => e[1] instanceof Module);
  }

  /** Direct children. */
  children(): Module<never[], unknown>[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and every descendant, with dotted names ('' for this one). */
  namedModules(prefix = ''): [string, Module<never[], unknown>][] {
    const out: [string, Module<never[], unknown>][] = [[prefix, this as unknown as Module<never[], unknown>]];
    for (const [name, child] of this.namedChildren()) out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name));
    return out;
  }

  /** This module and every descendant. */
  modules(): Module<never[], unknown>[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** Parameters with their dotted names, as PyTorch names them. */
  namedParameters(prefix = '', recurse = true): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    const seen = new Set<Parameter>();
    const walk = (m: Module<never[], unknown>, pre: string): void => {
      for (const [k, v] of m.entries()) {
        if (v instanceof Parameter && !seen.has(v)) {
          seen.add(v);
          out.push([pre + k, v]);
        }
      }
      if (recurse) for (const [k, c] of m.namedChildren()) walk(c, `${pre}${k}.`);
    };
    walk(this as unknown as Module<never[], unknown>, prefix ? `${prefix}.` : '');
    return out;
  }

  /** All parameters (each once, even when shared). */
  parameters(recurse = true): Parameter[] {
    return this.namedParameters('', recurse).map(([, p]) => p);
  }

  /** Buffers with their dotted names. */
  namedBuffers(prefix = '', recurse = true): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const walk = (m: Module<never[], unknown>, pre: string): void => {
      for (const name of m._bufferNames) {
        const t = (m as unknown as Record<string, Tensor | null>)[name];
        if (t) out.push([pre + name, t]);
      }
      if (recurse) for (const [k, c] of m.namedChildren()) walk(c, `${pre}${k}.`);
    };
    walk(this as unknown as Module<never[], unknown>, prefix ? `${prefix}.` : '');
    return out;
  }

  /** All buffers. */
  buffers(recurse = true): Tensor[] {
    return this.namedBuffers('', recurse).map(([, b]) => b);
  }

  /** Sets training mode on this module and every descendant. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Sets evaluation mode (`train(false)`). */
  eval(): this {
    return this.train(false);
  }

  /** Calls `fn` on every descendant and then on this module (PyTorch's order); returns this. */
  apply(fn: (m: Module<never[], unknown>) => void): this {
    for (const c of this.children()) c.apply(fn);
    fn(this as unknown as Module<never[], unknown>);
    return this;
  }

  /** Clears the gradient of every parameter (sets `.grad` to null and frees it). */
  zeroGrad(): void {
    for (const p of this.parameters()) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  /** Parameters and persistent buffers by dotted name (detached views sharing storage). */
  stateDict(): StateDict {
    const out: StateDict = {};
    const walk = (m: Module<never[], unknown>, pre: string): void => {
      const entries = m.entries();
      // PyTorch saves a module's parameters, then its buffers, then its children
      for (const [k, v] of entries) if (v instanceof Parameter) out[pre + k] = v;
      for (const [k, v] of entries) {
        if (v instanceof Tensor && !(v instanceof Parameter) && m._bufferNames.has(k) && !m._nonPersistent.has(k)) out[pre + k] = v;
      }
      for (const [k, c] of m.namedChildren()) walk(c, `${pre}${k}.`);
    };
    walk(this as unknown as Module<never[], unknown>, '');
    return out;
  }

  /**
   * Copies tensors from `state` into the parameters and buffers of the same
   * names (shapes must match; values are converted to the parameter's dtype
   * and backend). With `strict` (default), missing or unexpected keys are an
   * error naming them.
   */
  loadStateDict(state: StateDict, strict = true): LoadStateDictResult {
    const own = this.stateDict();
    const missingKeys = Object.keys(own).filter((k) => !(k in state));
    const unexpectedKeys = Object.keys(state).filter((k) => !(k in own));
    if (strict && (missingKeys.length || unexpectedKeys.length)) {
      throw new WebgradError(
        'loadStateDict',
        `state dict does not match the module: missing keys [${missingKeys.join(', ')}], unexpected keys [${unexpectedKeys.join(', ')}]`,
      );
    }
    noGrad(() => {
      for (const [k, target] of Object.entries(own)) {
        const src = state[k];
        if (!src) continue;
        if (!shapesEqual(src.shape, target.shape)) {
          throw new WebgradError('loadStateDict', `size mismatch for ${k}: checkpoint has ${fmtShape(src.shape)}, module has ${fmtShape(target.shape)}`);
        }
        let v = src.backend === target.backend ? src : toBackend(src, target.backend.name);
        v = cast(v, target.dtype);
        if (v === src) v = src.clone();
        target.assign_(v.detach());
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  /** Sets `requiresGrad` on every parameter (PyTorch's `requires_grad_`, e.g. to freeze a pretrained part); returns this. */
  requiresGrad_(flag = true): this {
    for (const p of this.parameters()) p.requiresGrad_(flag);
    return this;
  }

  /** The descendant at dotted path `target` (`'encoder.0'`), PyTorch's `get_submodule`; `''` is this module. */
  getSubmodule(target: string): Module<never[], unknown> {
    let m = this as unknown as Module<never[], unknown>;
    if (target === '') return m;
    for (const part of target.split('.')) {
      const next = m.namedChildren().find(([k]) => k === part);
      if (!next) throw new WebgradError('getSubmodule', `${m.constructor.name} has no submodule '${part}' (looking for '${target}')`);
      m = next[1];
    }
    return m;
  }

  /** Number of elements over all parameters. */
  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  /** The module tree, printed like PyTorch's repr. */
  toString(): string {
    const name = this.constructor.name;
    const children = this.namedChildren();
    const extra = this.extraRepr();
    if (children.length === 0) return `${name}(${extra})`;
    const lines = children.map(([k, c]) => `  (${k}): ${c.toString().split('\n').join('\n  ')}`);
    return `${name}(${extra ? `\n  ${extra}` : ''}\n${lines.join('\n')}\n)`;
  }
}
