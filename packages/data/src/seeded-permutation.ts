import { ArgumentError, Generator, randperm } from '@webgrad/core-tensor';

/**
 * The `draw`-th random permutation of 0..n−1 from the Philox stream of
 * `seed`: the same as calling core-tensor's `randperm(n)` `draw + 1` times on
 * `new Generator(seed)` and keeping the last, but without drawing the earlier
 * ones (each `randperm(n)` uses ⌈n/4⌉ Philox blocks, so draw k starts at block
 * k·⌈n/4⌉). This is what makes shuffled epochs resumable.
 *
 * @example
 * ```ts
 * seededPermutation(5, 42, 0); // Int32Array [ ... a permutation of 0..4 ... ]
 * ```
 */
export function seededPermutation(n: number, seed: number, draw = 0): Int32Array {
  if (!Number.isInteger(draw) || draw < 0)
    throw new ArgumentError(
      'seededPermutation',
      `draw must be a non-negative integer, got ${draw}`,
    );
  const generator = new Generator(seed);
  generator.setState({ seed, offset: draw * Math.ceil(n / 4) });
  const perm = randperm(n, { generator, backend: 'cpu' });
  const out = Int32Array.from(perm.dataSync());
  perm.dispose();
  return out;
}
