import type { DType, TypedArray } from './dtype.js';

/** PyTorch's default print options (`torch.set_printoptions`). */
const PRECISION = 4;
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;
const LINE_WIDTH = 80;

/**
 * Formats tensor values exactly as PyTorch's `repr` does with its default
 * print options: `tensor([[1., 2.],\n        [3., 4.]])`. Floats print with
 * four decimals, as integers with a trailing dot when every value is
 * integral, or in scientific notation when the magnitudes span more than
 * three decades (or exceed 1e8, or fall below 1e-4); tensors of more than 1000
 * elements show three items at each edge of every long axis; rows wrap at 80
 * characters; `suffix` (e.g. `requires_grad=True`) is appended.
 */
export function formatTensor(values: TypedArray, shape: readonly number[], dtype: DType, suffix?: string): string {
  const prefix = 'tensor(';
  const indent = prefix.length;
  const summarize = values.length > THRESHOLD;
  const extras: string[] = [];
  let body: string;
  if (values.length === 0) {
    body = '[]';
    if (shape.length !== 1) extras.push(`size=(${shape.join(', ')})`);
  } else {
    const fmt = makeFormatter(summarize ? summarizedValues(values, shape) : values, dtype);
    body = shape.length === 0 ? fmt.format(values[0]!) : formatAxis(values, shape, 0, 0, indent, summarize, fmt);
  }
  if (dtype === 'int32' || dtype === 'float64' || dtype === 'float16') extras.push(`dtype=webgrad.${dtype}`);
  if (suffix !== undefined) extras.push(suffix);
  return `${prefix}${body}${extras.map((e) => `, ${e}`).join('')})`;
}

interface ElementFormatter {
  /** Width every element is padded to. */
  readonly width: number;
  /** The padded text of one element. */
  format(v: number): string;
}

function formatAxis(values: TypedArray, shape: readonly number[], axis: number, offset: number, indent: number, summarize: boolean, fmt: ElementFormatter): string {
  const n = shape[axis]!;
  let stride = 1;
  for (let i = axis + 1; i < shape.length; i++) stride *= shape[i]!;
  const elided = summarize && n > 2 * EDGE_ITEMS;
  const idx = elided ? [0, 1, 2, -1, n - 3, n - 2, n - 1] : Array.from({ length: n }, (_, i) => i);
  if (axis === shape.length - 1) {
    const items = idx.map((i) => (i < 0 ? ' ...' : fmt.format(values[offset + i]!)));
    const perLine = Math.max(1, Math.floor((LINE_WIDTH - indent) / (fmt.width + 2)));
    const lines: string[] = [];
    for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
    return `[${lines.join(',\n' + ' '.repeat(indent + 1))}]`;
  }
  const sep = ',' + '\n'.repeat(shape.length - axis - 1) + ' '.repeat(indent + 1);
  const parts = idx.map((i) => (i < 0 ? '...' : formatAxis(values, shape, axis + 1, offset + i * stride, indent + 1, summarize, fmt)));
  return `[${parts.join(sep)}]`;
}

/** The values a summarized print shows (PyTorch picks its format from these alone). */
function summarizedValues(values: TypedArray, shape: readonly number[]): number[] {
  const out: number[] = [];
  const walk = (axis: number, offset: number): void => {
    const n = shape[axis]!;
    let stride = 1;
    for (let i = axis + 1; i < shape.length; i++) stride *= shape[i]!;
    const idx = n > 2 * EDGE_ITEMS ? [0, 1, 2, n - 3, n - 2, n - 1] : Array.from({ length: n }, (_, i) => i);
    for (const i of idx) {
      if (axis === shape.length - 1) out.push(values[offset + i]!);
      else walk(axis + 1, offset + i * stride);
    }
  };
  walk(0, 0);
  return out;
}

function makeFormatter(values: ArrayLike<number>, dtype: DType): ElementFormatter {
  if (dtype === 'bool' || dtype === 'int32') {
    const text = dtype === 'bool' ? (v: number): string => (v ? 'True' : 'False') : (v: number): string => String(v);
    let width = 1;
    for (let i = 0; i < values.length; i++) width = Math.max(width, text(values[i]!).length);
    return { width, format: (v) => text(v).padStart(width) };
  }
  // PyTorch chooses the mode and the width from the non-zero finite values only
  let intMode = true;
  let maxAbs = 0;
  let minAbs = Infinity;
  let any = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v) || v === 0) continue;
    any = true;
    if (v !== Math.ceil(v)) intMode = false;
    const a = Math.abs(v);
    if (a > maxAbs) maxAbs = a;
    if (a < minAbs) minAbs = a;
  }
  const sci = any && (maxAbs / minAbs > 1000 || maxAbs > 1e8 || (!intMode && minAbs < 1e-4));
  let text: (v: number) => string;
  if (sci) text = (v) => special(v) ?? signed(v, exponential(v, PRECISION));
  else if (intMode) text = (v) => special(v) ?? signed(v, `${fixed(v, 0)}.`);
  else text = (v) => special(v) ?? signed(v, fixed(v, PRECISION));
  let width = 1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v) && v !== 0) width = Math.max(width, text(v).length);
  }
  return { width, format: (v) => text(v).padStart(width) };
}

function special(v: number): string | null {
  return Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : null;
}

/** Python keeps the sign of −0 (`-0.`, `-0.0000`); JavaScript's number formatting drops it. */
function signed(v: number, text: string): string {
  return Object.is(v, -0) ? `-${text}` : text;
}

/**
 * `v` with `digits` decimals, rounding an exact tie to even as Python's
 * format does (JavaScript's `toFixed` rounds ties away from zero).
 */
function fixed(v: number, digits: number): string {
  if (!isExactTie(Math.abs(v).toFixed(digits + 25), digits)) return v.toFixed(digits);
  const text = roundHalfEvenAbs(Math.abs(v), digits).toFixed(digits);
  return v < 0 ? `-${text}` : text;
}

/** `v` in scientific notation with `digits` decimals and a two-digit exponent (`1.2346e+03`). */
function exponential(v: number, digits: number): string {
  let s = v.toExponential(digits);
  const [mantissa, exponent] = Math.abs(v).toExponential(Math.min(100, digits + 25)).split('e') as [string, string];
  if (isExactTie(mantissa, digits)) {
    // an exact tie in the last kept digit: Python rounds it to even (a carry to 10 is what JavaScript did)
    const m = roundHalfEvenAbs(Number(mantissa), digits);
    if (m < 10) s = `${v < 0 ? '-' : ''}${m.toFixed(digits)}e${exponent}`;
  }
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** True when the decimal expansion `s` is exactly half a unit of its `digits`-th decimal. */
function isExactTie(s: string, digits: number): boolean {
  const dot = s.indexOf('.');
  if (dot < 0) return false;
  const rest = s.slice(dot + 1 + digits);
  return rest.length > 0 && rest[0] === '5' && /^50*$/.test(rest);
}

function roundHalfEvenAbs(a: number, digits: number): number {
  const scale = 10 ** digits;
  const lo = Math.floor(a * scale);
  return (lo % 2 === 0 ? lo : lo + 1) / scale;
}
