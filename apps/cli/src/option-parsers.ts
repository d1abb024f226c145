import { InvalidArgumentError } from 'commander';
import type { BackendChoice } from '@webgrad/core-tensor';

/** The backends `--backend` accepts. */
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'cpu', 'webgpu'];

/** Parses a whole number ≥ 1 (steps, batch size, log interval). */
export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!/^\s*\+?\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError('expected a whole number of at least 1');
  }
  return n;
}

/** Parses a whole number ≥ 0 that fits a seed. */
export function parseSeed(value: string): number {
  const n = Number(value);
  if (!/^\s*\+?\d+\s*$/.test(value) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError(`expected a whole number from 0 to ${Number.MAX_SAFE_INTEGER}`);
  }
  return n;
}

/** Parses a finite number > 0 (learning rates). */
export function parsePositiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError('expected a number greater than 0');
  }
  return n;
}
