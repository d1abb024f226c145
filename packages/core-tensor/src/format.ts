import type { DType, TypedArray } from './dtype.js';

/**
 * Formats tensor values the way PyTorch prints them: `tensor([[1., 2.],\n
 * [3., 4.]])`, four decimals for non-integral floats, scientific notation for
 * wide ranges, and a suffix such as `requires_grad=True`.
 */
export function formatTensor(values: TypedArray, shape: readonly number[], dtype: DType, suffix?: string): string {
  const fmt = makeFormatter(values, dtype);
  const width = Math.max(1, ...Array.from(values, (v) => fmt(v).length));
  const pad = (s: string): string => s.padStart(width);
  const indent = 'tensor('.length;
  const body = shape.length === 0 ? fmt(values[0] ?? 0) : formatAxis(values, shape, 0, 0, indent + 1, (v) => pad(fmt(v)));
  const extras: string[] = [];
  if (shape.length > 0 && values.length === 0) extras.push(`size=(${shape.join(', ')})`);
  if (dtype === 'int32' || dtype === 'float64') extras.push(`dtype=webgrad.${dtype}`);
  if (suffix !== undefined) extras.push(suffix);
  return `tensor(${body}${extras.map((e) => `, ${e}`).join('')})`;
}

function formatAxis(values: TypedArray, shape: readonly number[], axis: number, offset: number, indent: number, fmt: (v: number) => string): string {
  const n = shape[axis]!;
  let stride = 1;
  for (let i = axis + 1; i < shape.length; i++) stride *= shape[i]!;
  const summarize = values.length > 1000 && n > 6;
  const idx = summarize ? [0, 1, 2, -1, n - 3, n - 2, n - 1] : Array.from({ length: n }, (_, i) => i);
  if (axis === shape.length - 1) {
    const parts = idx.map((i) => (i < 0 ? '...' : fmt(values[offset + i]!)));
    return `[${parts.join(', ')}]`;
  }
  const sep = ',' + '\n'.repeat(shape.length - axis - 1) + ' '.repeat(indent);
  const parts = idx.map((i) => (i < 0 ? '...' : formatAxis(values, shape, axis + 1, offset + i * stride, indent + 1, fmt)));
  return `[${parts.join(sep)}]`;
}

function makeFormatter(values: TypedArray, dtype: DType): (v: number) => string {
  if (dtype === 'bool') return (v) => (v ? 'True' : 'False');
  if (dtype === 'int32') return (v) => String(v);
  let allInt = true;
  let maxAbs = 0;
  let minAbs = Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    if (!Number.isInteger(v)) allInt = false;
    const a = Math.abs(v);
    if (a > maxAbs) maxAbs = a;
    if (a > 0 && a < minAbs) minAbs = a;
  }
  const special = (v: number): string | null => (Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : null);
  const sci = maxAbs >= 1e8 || (minAbs !== Infinity && (maxAbs / minAbs > 1000 || minAbs < 1e-4)) ;
  if (allInt && maxAbs < 1e8) return (v) => special(v) ?? `${v.toFixed(0)}.`;
  if (sci) return (v) => special(v) ?? v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');
  return (v) => special(v) ?? v.toFixed(4);
}
