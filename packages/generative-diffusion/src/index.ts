/**
 * The npm name of this package, `@webgrad/generative-diffusion`.
 *
 * A placeholder so the package builds and tests on its own until its code lands.
 *
 * @example
 * ```ts
 * import { PACKAGE_NAME } from '@webgrad/generative-diffusion';
 * console.log(PACKAGE_NAME); // '@webgrad/generative-diffusion'
 * ```
 */
export const PACKAGE_NAME = '@webgrad/generative-diffusion';
