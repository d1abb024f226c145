export * from '@webgrad/core-tensor';
export * from '@webgrad/autograd';
export * from '@webgrad/nn';
export * from '@webgrad/optim';
export * from '@webgrad/regularize';
export * from '@webgrad/layers-recurrent';
export * from '@webgrad/transformer';
export * from '@webgrad/generative-vae';
export * from '@webgrad/generative-diffusion';
export * from '@webgrad/data';

// A name that two `export *` sources both provide is ambiguous: ES modules
// silently leave it out (and TypeScript refuses it), so each one is settled
// here by name. test/reexports.test.ts fails on any collision not listed.

// Token sampling from logits: the same operation in both packages; the
// transformer's also validates u and keeps ties with the k-th logit.
export { sampleToken, type SamplingOptions } from '@webgrad/transformer';
export {
  sampleToken as sampleCharToken,
  type SamplingOptions as CharSamplingOptions,
} from '@webgrad/layers-recurrent';
// `generate` options of two different models: each under its model's name,
// and the plain name for the GPT's.
export type { GenerateOptions, GenerateOptions as GPTGenerateOptions } from '@webgrad/transformer';
export type { GenerateOptions as CharLanguageModelGenerateOptions } from '@webgrad/layers-recurrent';
// What a train step needs of an optimizer ({ zeroGrad(), step() }); the
// packages declare the same structural type, so any of them will do.
export type { StepOptimizer } from '@webgrad/layers-recurrent';

/**
 * The npm name of this package, `webgrad`.
 *
 * Declared here so it shadows the placeholder `PACKAGE_NAME` each re-exported
 * package has until its real code lands (a local export wins over `export *`).
 *
 * @example
 * ```ts
 * import { PACKAGE_NAME } from 'webgrad';
 * console.log(PACKAGE_NAME); // 'webgrad'
 * ```
 */
export const PACKAGE_NAME = 'webgrad';
