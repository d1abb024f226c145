/**
 * A number as Python's `repr(float)` prints it (`0.1`, `1.0`, `1e-05`), so a
 * printed layer reads like PyTorch's (`BatchNorm1d(4, eps=1e-05, …)`).
 * Internal to the package.
 */
export function pyFloat(v: number): string {
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (Number.isNaN(v)) return 'nan';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e16)) {
    const [mantissa, exponent] = v.toExponential().split('e') as [string, string];
    const sign = exponent.startsWith('-') ? '-' : '+';
    return `${mantissa}e${sign}${exponent.replace(/^[+-]/, '').padStart(2, '0')}`;
  }
  return Number.isInteger(v) ? `${v}.0` : String(v);
}

/** A Python bool literal. */
export function pyBool(v: boolean): string {
  return v ? 'True' : 'False';
}
