import { ArgumentError } from '@webgrad/core-tensor';

/*
 * Option validation shared by every optimizer and schedule. Each check throws
 * an ArgumentError naming the optimizer, the option, the value received and
 * what was expected, before any tensor is touched.
 */

function show(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  if (typeof value === 'string') return `'${value}'`;
  return String(value);
}

/** `value` is a finite number ≥ 0 (PyTorch's `0.0 <= lr`). */
export function checkNonNegative(op: string, name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ArgumentError(op, `invalid ${name}: ${show(value)} (expected a finite number ≥ 0)`);
  }
}

/** `value` is a finite number > 0. */
export function checkPositive(op: string, name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ArgumentError(op, `invalid ${name}: ${show(value)} (expected a finite number > 0)`);
  }
}

/** `value` is a finite number (any sign). */
export function checkFinite(op: string, name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ArgumentError(op, `invalid ${name}: ${show(value)} (expected a finite number)`);
  }
}

/** `value` is an integer ≥ `min`. */
export function checkInteger(op: string, name: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new ArgumentError(op, `invalid ${name}: ${show(value)} (expected an integer ≥ ${min})`);
  }
}

/**
 * `value` lies in the interval from `lo` to `hi`; `closed` says which ends
 * belong to it (`'[)'` is lo ≤ v < hi, as PyTorch checks betas).
 */
export function checkInterval(op: string, name: string, value: unknown, lo: number, hi: number, closed: '[]' | '[)' | '()' | '(]'): void {
  const okLo = closed[0] === '[' ? (v: number) => v >= lo : (v: number) => v > lo;
  const okHi = closed[1] === ']' ? (v: number) => v <= hi : (v: number) => v < hi;
  if (typeof value !== 'number' || !Number.isFinite(value) || !okLo(value) || !okHi(value)) {
    throw new ArgumentError(op, `invalid ${name}: ${show(value)} (expected a number in ${closed[0]}${lo}, ${hi}${closed[1]})`);
  }
}

/** `value` is a boolean. */
export function checkBoolean(op: string, name: string, value: unknown): void {
  if (typeof value !== 'boolean') throw new ArgumentError(op, `invalid ${name}: ${show(value)} (expected true or false)`);
}

/** `value` is one of `choices`. */
export function checkChoice<T>(op: string, name: string, value: unknown, choices: readonly T[]): void {
  if (!choices.includes(value as T)) {
    throw new ArgumentError(op, `invalid ${name}: ${show(value)} (expected one of ${choices.map(show).join(', ')})`);
  }
}

/** `value` is a pair of finite numbers. */
export function checkPair(op: string, name: string, value: unknown): asserts value is [number, number] {
  if (!Array.isArray(value) || value.length !== 2 || !value.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new ArgumentError(op, `invalid ${name}: ${show(value)} (expected a pair of finite numbers)`);
  }
}

/** A per-group value: one number for every group, or an array with one number per group. */
export function perGroup(op: string, name: string, value: number | readonly number[], groups: number): number[] {
  if (typeof value === 'number') return new Array<number>(groups).fill(value);
  if (!Array.isArray(value) || value.length !== groups) {
    throw new ArgumentError(op, `expected ${groups} values for ${name} (one per parameter group), got ${show(value)}`);
  }
  return value.slice();
}

/** `betas` is a pair with each β in [0, 1), as PyTorch checks Adam's betas. */
export function checkBetas(op: string, where: string, betas: unknown): void {
  checkPair(op, `betas (${where})`, betas);
  checkInterval(op, `betas[0] (${where})`, betas[0], 0, 1, '[)');
  checkInterval(op, `betas[1] (${where})`, betas[1], 0, 1, '[)');
}
