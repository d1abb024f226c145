import { ArgumentError } from '@webgrad/core-tensor';

/** The floating-point dtypes a normalisation layer's parameters can have. */
export type FloatDType = 'float32' | 'float64';

/** Validates ε > 0 for `op`; returns it. */
export function checkEps(op: string, eps: number): number {
  if (!(eps > 0) || !Number.isFinite(eps))
    throw new ArgumentError(op, `eps must be a finite number > 0, got ${eps}`);
  return eps;
}
