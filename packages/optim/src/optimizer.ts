import { ArgumentError, DTypeError, Tensor, WebgradError, cast, detach, isFloatDType, keep, toBackend, zerosLike } from '@webgrad/core-tensor';
import type { GroupStateDict, GroupValue, OptimizerStateDict, ParamState, StateValue } from './optimizer-state.js';

/** Options every optimizer has: the learning rate. */
export interface OptimizerOptions {
  /** Learning rate (step size). */
  lr?: number;
}

/**
 * Fields a learning-rate schedule stores in a parameter group, as PyTorch's
 * schedulers do (`initial_lr`, and OneCycleLR's `max_lr`, `min_lr`,
 * `max_momentum`, `base_momentum`).
 */
export interface ScheduleFields {
  /** The learning rate when the first schedule was attached (PyTorch's `initial_lr`). */
  initialLr?: number;
  /** OneCycleLR's peak learning rate. */
  maxLr?: number;
  /** OneCycleLR's final learning rate. */
  minLr?: number;
  /** OneCycleLR's upper momentum. */
  maxMomentum?: number;
  /** OneCycleLR's lower momentum. */
  baseMomentum?: number;
}

/** A parameter group: its parameters and its own copy of every option. */
export type ParamGroup<O extends OptimizerOptions> = Required<O> & ScheduleFields & {
  /** The tensors this group optimizes. */
  params: Tensor[];
};

/** A parameter group as given to a constructor or `addParamGroup`: parameters and any options to override. */
export type ParamGroupInput<O extends OptimizerOptions> = O & {
  /** The tensors of this group (one tensor or a list). */
  params: Tensor | readonly Tensor[];
};

/** What an optimizer is built on: a list of tensors, or a list of parameter groups with their own options. */
export type ParamsInput<O extends OptimizerOptions> = readonly Tensor[] | readonly ParamGroupInput<O>[];

/** A closure that re-evaluates the model and returns the loss (it usually calls `zeroGrad` and `backward` first). */
export type Closure = () => Tensor | number;

/**
 * The base of every optimizer, following `torch.optim.Optimizer`: parameter
 * groups with their own options (missing options fall back to the
 * defaults), per-parameter state, `zeroGrad`, `stateDict`/`loadStateDict`
 * and `addParamGroup`.
 *
 * Subclasses validate options in `validateOptions` and implement `step`.
 */
export abstract class Optimizer<O extends OptimizerOptions = OptimizerOptions> {
  /** The defaults every group starts from. */
  readonly defaults: Required<O>;
  /** The parameter groups, in the order they were added. */
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state (moment estimates, step counters...), created at the first step. */
  readonly state = new Map<Tensor, ParamState>();
  /** The optimizer's name, used in error messages (`'Adam'`). */
  readonly name: string;

  /**
   * @param name - the optimizer's name for error messages.
   * @param params - tensors, or parameter groups with their own options.
   * @param defaults - every option's value where a group does not set it.
   */
  protected constructor(name: string, params: ParamsInput<O>, defaults: Required<O>) {
    this.name = name;
    this.defaults = defaults;
    this.validateOptions(defaults, 'defaults');
    if (params instanceof Tensor) {
      throw new ArgumentError(name, 'params must be a list of tensors or of parameter groups, got a single tensor');
    }
    if (!Array.isArray(params) || params.length === 0) throw new ArgumentError(name, 'optimizer got an empty parameter list');
    const groups = params[0] instanceof Tensor ? [{ params } as unknown as ParamGroupInput<O>] : (params as readonly ParamGroupInput<O>[]);
    for (const g of groups) this.addParamGroup(g);
  }

  /**
   * Checks one group's options (or the defaults) and throws an
   * `ArgumentError` naming the option and the value.
   *
   * @param where - `'defaults'` or `'paramGroups[i]'`, for the message.
   */
  protected abstract validateOptions(options: Required<O>, where: string): void;

  /**
   * Runs one optimization step. `closure` re-evaluates the loss (optional for
   * most optimizers, required by LBFGS and Newton); its result is returned.
   */
  abstract step(closure?: Closure): Tensor | number | undefined;

  /**
   * Adds a group of parameters with its own options (missing options take
   * the defaults), e.g. to unfreeze layers during fine-tuning.
   */
  addParamGroup(group: ParamGroupInput<O>): void {
    const where = `paramGroups[${this.paramGroups.length}]`;
    if (group === null || typeof group !== 'object' || !('params' in group)) {
      throw new ArgumentError(this.name, `${where} must be an object with a 'params' list`);
    }
    const params: Tensor[] = group.params instanceof Tensor ? [group.params] : Array.from(group.params as readonly Tensor[]);
    params.forEach((p, i) => {
      if (!(p instanceof Tensor)) throw new ArgumentError(this.name, `${where}.params[${i}] is not a tensor`);
      if (!p.isLeaf) throw new ArgumentError(this.name, `${where}.params[${i}]: can't optimize a non-leaf tensor`);
      if (!isFloatDType(p.dtype)) throw new DTypeError(this.name, `${where}.params[${i}] has dtype ${p.dtype}; only floating-point tensors can be optimized`);
    });
    if (new Set(params).size !== params.length) throw new ArgumentError(this.name, `${where} contains a parameter more than once`);
    const taken = new Set(this.paramGroups.flatMap((g) => g.params));
    if (params.some((p) => taken.has(p))) throw new ArgumentError(this.name, 'some parameters appear in more than one parameter group');
    const merged = { ...this.defaults } as Record<string, unknown>;
    for (const [k, v] of Object.entries(group)) {
      if (k === 'params') continue;
      if (!(k in this.defaults) && !SCHEDULE_KEYS.has(k)) {
        throw new ArgumentError(this.name, `${where} has unknown option '${k}' (known: ${Object.keys(this.defaults).join(', ')})`);
      }
      if (v !== undefined) merged[k] = Array.isArray(v) ? v.slice() : v;
    }
    merged.params = params;
    this.validateOptions(merged as Required<O>, where);
    this.paramGroups.push(merged as ParamGroup<O>);
  }

  /**
   * Clears every parameter's gradient. With `setToNone` (the default) the
   * gradient tensors are freed and `.grad` becomes null; otherwise they are
   * replaced by zeros (PyTorch's `set_to_none=False`).
   */
  zeroGrad(setToNone = true): void {
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        const grad = p.grad;
        if (grad === null) continue;
        p.grad = setToNone ? null : keep(zerosLike(grad));
        grad.dispose();
      }
    }
  }

  /** Every parameter of every group, in order (the indices state dicts use). */
  protected allParams(): Tensor[] {
    return this.paramGroups.flatMap((g) => g.params);
  }

  /**
   * The optimizer's state: per-parameter state by parameter index and the
   * groups' options (PyTorch's `state_dict()`). Tensors are copies.
   */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    this.allParams().forEach((p, i) => index.set(p, i));
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i === undefined) continue;
      const out: ParamState = {};
      for (const [k, v] of Object.entries(s)) out[k] = copyStateValue(v);
      state[i] = out;
    }
    let next = 0;
    const paramGroups = this.paramGroups.map((g) => {
      const packed: Record<string, GroupValue> = {};
      for (const [k, v] of Object.entries(g)) {
        if (k === 'params' || v === undefined) continue;
        packed[k] = Array.isArray(v) ? (v as number[]).slice() : (v as GroupValue);
      }
      const params = g.params.map(() => next++);
      return { ...packed, params } as GroupStateDict;
    });
    return { state, paramGroups };
  }

  /**
   * Restores state saved by `stateDict` into an optimizer built on the same
   * parameters: groups must match in number and size. Tensors are copied to
   * each parameter's dtype and backend; group options are taken from the
   * saved groups, as in PyTorch.
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const saved = stateDict.paramGroups;
    if (!Array.isArray(saved) || saved.length !== this.paramGroups.length) {
      throw new ArgumentError(this.name, `loaded state dict has ${Array.isArray(saved) ? saved.length : 'no'} parameter groups, the optimizer has ${this.paramGroups.length}`);
    }
    saved.forEach((g, i) => {
      const own = this.paramGroups[i].params.length;
      if (!Array.isArray(g.params) || g.params.length !== own) {
        throw new ArgumentError(this.name, `loaded state dict's paramGroups[${i}] has ${Array.isArray(g.params) ? g.params.length : 'no'} parameters, the optimizer's group has ${own}`);
      }
    });
    const byIndex = new Map<number, Tensor>();
    saved.forEach((g, i) => g.params.forEach((idx, j) => byIndex.set(idx, this.paramGroups[i].params[j])));
    const restored = new Map<Tensor, ParamState>();
    for (const [key, entries] of Object.entries(stateDict.state)) {
      const p = byIndex.get(Number(key));
      if (p === undefined) throw new ArgumentError(this.name, `loaded state dict has state for parameter ${key}, which no group lists`);
      const s: ParamState = {};
      for (const [k, v] of Object.entries(entries)) s[k] = castStateValue(v, p);
      this.checkLoadedState(p, s);
      restored.set(p, s);
    }
    const newGroups = saved.map((g, i) => {
      const merged = { ...g, params: this.paramGroups[i].params } as unknown as ParamGroup<O>;
      this.validateOptions(merged, `loaded paramGroups[${i}]`);
      return merged;
    });
    for (const s of this.state.values()) disposeState(s);
    this.state.clear();
    for (const [p, s] of restored) this.state.set(p, s);
    this.paramGroups.splice(0, this.paramGroups.length, ...newGroups);
  }

  /** Hook for subclasses to check restored state against its parameter (e.g. shapes); throws on mismatch. */
  protected checkLoadedState(_param: Tensor, _state: ParamState): void {}

  /** A short description: the class and each group's options, like PyTorch's repr. */
  toString(): string {
    const groups = this.paramGroups.map((g, i) => {
      const opts = Object.keys(g)
        .filter((k) => k !== 'params')
        .sort()
        .map((k) => `    ${k}: ${JSON.stringify((g as Record<string, unknown>)[k])}`);
      return `Parameter Group ${i}\n${opts.join('\n')}`;
    });
    return `${this.name} (\n${groups.join('\n')}\n)`;
  }
}

const SCHEDULE_KEYS = new Set(['initialLr', 'maxLr', 'minLr', 'maxMomentum', 'baseMomentum']);

/**
 * A snapshot of a state value. Tensors are new handles on the same storage:
 * optimizers never write storage in place (updates swap it with `assign_`),
 * so the snapshot keeps its values while training goes on.
 */
function copyStateValue(v: StateValue): StateValue {
  if (v instanceof Tensor) return keep(detach(v));
  if (Array.isArray(v)) return v.map((x) => (x instanceof Tensor ? keep(detach(x)) : x)) as StateValue;
  return v;
}

/** A kept handle of `v` in `param`'s dtype (floating state only) and on its backend. */
function castTensorFor(v: Tensor, param: Tensor): Tensor {
  v.assertAlive('loadStateDict');
  let t = v.backend === param.backend ? v : toBackend(v, param.backend.name);
  if (isFloatDType(t.dtype)) t = cast(t, param.dtype);
  // storage is immutable (updates swap it with assign_), so sharing it with the source is safe
  return keep(t === v ? detach(v) : t);
}

function castStateValue(v: StateValue, param: Tensor): StateValue {
  if (v instanceof Tensor) return castTensorFor(v, param);
  if (Array.isArray(v)) return v.map((x) => (x instanceof Tensor ? castTensorFor(x, param) : x)) as StateValue;
  if (v !== null && typeof v === 'object') throw new WebgradError('loadStateDict', `state value ${JSON.stringify(v)} is neither a tensor nor JSON`);
  return v;
}

/** Frees every tensor of a parameter's state. */
export function disposeState(s: ParamState): void {
  for (const v of Object.values(s)) {
    if (v instanceof Tensor) v.dispose();
    else if (Array.isArray(v)) for (const x of v) if (x instanceof Tensor) x.dispose();
  }
}
