/**
 * Formatting of option values the way PyTorch's `extra_repr` prints them, so
 * a printed webgrad model reads like the PyTorch one (`ELU(alpha=1.0)`,
 * `Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1))`). Internal to the package.
 */

/** A Python float literal: `1.0`, `0.01`, `inf`. */
export function pyFloat(v: number): string {
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (Number.isNaN(v)) return 'nan';
  return Number.isInteger(v) ? `${v}.0` : String(v);
}

/** A Python bool literal. */
export function pyBool(v: boolean): string {
  return v ? 'True' : 'False';
}

/** A Python tuple of ints: `(3, 3)`, `(2,)`. */
export function pyTuple(v: readonly number[]): string {
  return v.length === 1 ? `(${v[0]},)` : `(${v.join(', ')})`;
}

/** A Python string literal in single quotes. */
export function pyStr(v: string): string {
  return `'${v}'`;
}
