import type { AnyModule } from '@webgrad/nn';

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
