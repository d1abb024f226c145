import type { DType, TypedArray } from '@webgrad/core-tensor';

/**
 * A kernel loop over typed arrays whose every operation rounds to the
 * element dtype, as a chain of tensor ops does: `body` writes `R(expr)` for
 * each rounded result, and is compiled once per dtype with `new Function`
 * (`Math.fround` for float32, nothing for float64). Calling a rounding
 * function held in a variable would be polymorphic, and many times slower.
 */
export type RoundedLoop = (
  arrays: readonly (TypedArray | null)[],
  numbers: readonly number[],
) => void;

/** Compiles `body` (reading `arrays[k]` as the names in `arrayNames` and `numbers[k]` as `numberNames`) for float32 and float64. */
export function compileRoundedLoop(
  arrayNames: readonly string[],
  numberNames: readonly string[],
  body: string,
): (dtype: DType) => RoundedLoop {
  const prologue = [
    ...arrayNames.map((n, k) => `const ${n} = arrays[${k}];`),
    ...numberNames.map((n, k) => `const ${n} = numbers[${k}];`),
  ].join('\n');
  const compile = (round: boolean): RoundedLoop =>
    new Function(
      'arrays',
      'numbers',
      `${prologue}\n${body.replaceAll('R(', round ? 'Math.fround(' : '(')}`,
    ) as RoundedLoop;
  const f32 = compile(true);
  const f64 = compile(false);
  return (dtype) => (dtype === 'float32' ? f32 : f64);
}
