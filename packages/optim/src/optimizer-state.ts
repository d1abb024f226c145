import { ArgumentError, Tensor } from '@webgrad/core-tensor';

/**
 * One entry of a parameter's optimizer state: a tensor (moment estimates,
 * momentum buffers), a list of tensors (L-BFGS history), or plain JSON (step
 * counters, scalars).
 */
export type StateValue = Tensor | Tensor[] | number | number[] | boolean | string | null;

/** The optimizer state of one parameter, by key (`expAvg`, `step`, ...). */
export type ParamState = Record<string, StateValue>;

/** A value a parameter group may hold besides its parameters. */
export type GroupValue = number | boolean | string | null | number[];

/** A parameter group in a state dict: its options, and its parameters as indices. */
export type GroupStateDict = Record<string, GroupValue> & {
  /** Indices of the group's parameters, counted over all groups in order. */
  params: number[];
};

/**
 * An optimizer's state, as PyTorch's `optimizer.state_dict()` lays it out:
 * per-parameter state keyed by the parameter's index (counted over the groups
 * in order), and the groups' options with parameter indices. Tensors are
 * copies, so later steps do not change a saved state dict.
 */
export interface OptimizerStateDict {
  /** Per-parameter state by parameter index. */
  state: Record<number, ParamState>;
  /** The parameter groups' options. */
  paramGroups: GroupStateDict[];
}

/** A tensor reference in serialised optimizer state: the key of the tensor in the tensor map. */
export interface TensorRef {
  /** Key in `SerializedOptimizerState.tensors`. */
  tensor: string;
}

/** A list of tensor references in serialised optimizer state. */
export interface TensorListRef {
  /** Keys in `SerializedOptimizerState.tensors`, in list order. */
  tensors: string[];
}

/** A state entry after serialisation: JSON, or a reference to tensors stored beside it. */
export type SerializedStateValue = number | number[] | boolean | string | null | TensorRef | TensorListRef;

/** The JSON half of a serialised optimizer state (everything but tensor data). */
export interface OptimizerStateMeta {
  /** Per-parameter state by index, tensors replaced by references. */
  state: Record<string, Record<string, SerializedStateValue>>;
  /** The parameter groups, as in the state dict. */
  paramGroups: GroupStateDict[];
}

/**
 * An optimizer state split for a checkpoint: named tensors (for a
 * safetensors file) and plain JSON (for a config file).
 */
export interface SerializedOptimizerState {
  /** Tensors by name: `state.<param index>.<key>` (lists add `.<position>`). */
  tensors: Record<string, Tensor>;
  /** Everything else, JSON-serialisable. `Infinity` and `NaN` are not allowed. */
  meta: OptimizerStateMeta;
}

/**
 * Splits a state dict into named tensors and plain JSON, so a checkpoint can
 * store the tensors as safetensors and the rest as JSON and resume exactly.
 *
 * @example
 * ```ts
 * const { tensors, meta } = serializeOptimizerState(adam.stateDict());
 * Object.keys(tensors); // ['state.0.expAvg', 'state.0.expAvgSq', ...]
 * JSON.stringify(meta);
 * ```
 */
export function serializeOptimizerState(stateDict: OptimizerStateDict): SerializedOptimizerState {
  const tensors: Record<string, Tensor> = {};
  const state: OptimizerStateMeta['state'] = {};
  for (const [index, entries] of Object.entries(stateDict.state)) {
    const out: Record<string, SerializedStateValue> = {};
    for (const [key, value] of Object.entries(entries)) {
      const name = `state.${index}.${key}`;
      if (value instanceof Tensor) {
        tensors[name] = value;
        out[key] = { tensor: name };
      } else if (Array.isArray(value) && value.some((v) => v instanceof Tensor)) {
        const names = (value as Tensor[]).map((t, i) => {
          tensors[`${name}.${i}`] = t;
          return `${name}.${i}`;
        });
        out[key] = { tensors: names };
      } else {
        assertJsonSafe(name, value);
        out[key] = Array.isArray(value) ? (value as number[]).slice() : (value as number | boolean | string | null);
      }
    }
    state[index] = out;
  }
  const paramGroups = stateDict.paramGroups.map((g, i) => {
    for (const [k, v] of Object.entries(g)) assertJsonSafe(`paramGroups.${i}.${k}`, v);
    return structuredClone(g);
  });
  return { tensors, meta: { state, paramGroups } };
}

/**
 * The inverse of `serializeOptimizerState`: rebuilds a state dict from named
 * tensors and the JSON half. A reference to a missing tensor is an error
 * naming it.
 */
export function deserializeOptimizerState(serialized: SerializedOptimizerState): OptimizerStateDict {
  const { tensors, meta } = serialized;
  const lookup = (name: string): Tensor => {
    const t = tensors[name];
    if (!(t instanceof Tensor)) throw new ArgumentError('deserializeOptimizerState', `state refers to tensor '${name}', which is missing`);
    return t;
  };
  const state: Record<number, ParamState> = {};
  for (const [index, entries] of Object.entries(meta.state)) {
    const out: ParamState = {};
    for (const [key, value] of Object.entries(entries)) {
      if (value !== null && typeof value === 'object' && 'tensor' in value) out[key] = lookup(value.tensor);
      else if (value !== null && typeof value === 'object' && 'tensors' in value) out[key] = value.tensors.map(lookup);
      else out[key] = Array.isArray(value) ? value.slice() : value;
    }
    state[Number(index)] = out;
  }
  return { state, paramGroups: meta.paramGroups.map((g) => structuredClone(g)) };
}

function assertJsonSafe(name: string, value: unknown): void {
  const bad = (v: unknown) => typeof v === 'number' && !Number.isFinite(v);
  if (bad(value) || (Array.isArray(value) && value.some(bad))) {
    throw new ArgumentError('serializeOptimizerState', `${name} is ${String(value)}, which JSON cannot hold`);
  }
}
