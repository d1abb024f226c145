/**
 * The npm name of this package, `@webgrad/data`.
 *
 * A placeholder so the package builds and tests on its own until its code lands.
 *
 * @example
 * ```ts
 * import { PACKAGE_NAME } from '@webgrad/data';
 * console.log(PACKAGE_NAME); // '@webgrad/data'
 * ```
 */
export const PACKAGE_NAME = '@webgrad/data';
