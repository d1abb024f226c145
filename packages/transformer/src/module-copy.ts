import { ArgumentError } from '@webgrad/core-tensor';
import { ModuleList, type AnyModule } from '@webgrad/nn';

/**
 * Makes `copy` (a freshly built module of the same structure) a deep copy of
 * `source`, as Python's `copy.deepcopy`: the same parameter and buffer
 * values in new storage, and the same train/eval flag on every submodule.
 */
export function copyModuleState<M extends AnyModule>(source: M, copy: M): M {
  copy.loadStateDict(source.stateDict());
  const flags = source.modules().map((m) => m.training);
  copy.modules().forEach((m, i) => {
    m.training = flags[i]!;
  });
  return copy;
}

/** `numLayers` deep copies of `layer` in a ModuleList, PyTorch's `_get_clones`. */
export function cloneLayers<L extends AnyModule & { deepCopy(): L }>(op: string, layer: L, numLayers: number): ModuleList<L> {
  if (!Number.isInteger(numLayers) || numLayers < 1) throw new ArgumentError(op, `numLayers must be a positive integer, got ${numLayers}`);
  return new ModuleList(Array.from({ length: numLayers }, () => layer.deepCopy()));
}
