/**
 * The npm name of this package, `@webgrad/regularize`.
 *
 * A placeholder so the package builds and tests on its own until its code lands.
 *
 * @example
 * ```ts
 * import { PACKAGE_NAME } from '@webgrad/regularize';
 * console.log(PACKAGE_NAME); // '@webgrad/regularize'
 * ```
 */
export const PACKAGE_NAME = '@webgrad/regularize';
