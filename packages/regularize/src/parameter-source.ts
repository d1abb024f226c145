import type { Tensor } from '@webgrad/core-tensor';

/** Where penalties and clipping find their tensors: a list of tensors, or anything with `parameters()` (a `Module`). */
export type ParameterSource = Iterable<Tensor> | { parameters(): Tensor[] };

/** The tensors of a `ParameterSource`, in order (a single tensor counts as a list of one). */
export function parameterList(source: ParameterSource | Tensor): Tensor[] {
  if (isModuleLike(source)) return source.parameters();
  if (Symbol.iterator in Object(source)) return [...(source as Iterable<Tensor>)];
  return [source as Tensor];
}

function isModuleLike(source: unknown): source is { parameters(): Tensor[] } {
  return typeof (source as { parameters?: unknown }).parameters === 'function';
}
