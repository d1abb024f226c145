/**
 * The npm name of this package, `@webgrad/generative-vae`.
 *
 * A placeholder so the package builds and tests on its own until its code lands.
 *
 * @example
 * ```ts
 * import { PACKAGE_NAME } from '@webgrad/generative-vae';
 * console.log(PACKAGE_NAME); // '@webgrad/generative-vae'
 * ```
 */
export const PACKAGE_NAME = '@webgrad/generative-vae';
