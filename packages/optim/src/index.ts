/**
 * The npm name of this package, `@webgrad/optim`.
 *
 * A placeholder so the package builds and tests on its own until its code lands.
 *
 * @example
 * ```ts
 * import { PACKAGE_NAME } from '@webgrad/optim';
 * console.log(PACKAGE_NAME); // '@webgrad/optim'
 * ```
 */
export const PACKAGE_NAME = '@webgrad/optim';
