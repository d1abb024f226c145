/**
 * The npm name of this package, `@webgrad/nn`.
 *
 * A placeholder so the package builds and tests on its own until its code lands.
 *
 * @example
 * ```ts
 * import { PACKAGE_NAME } from '@webgrad/nn';
 * console.log(PACKAGE_NAME); // '@webgrad/nn'
 * ```
 */
export const PACKAGE_NAME = '@webgrad/nn';
