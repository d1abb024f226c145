/**
 * The npm name of this package, `@webgrad/cli`.
 *
 * A placeholder so the package builds and tests on its own until its code lands.
 *
 * @example
 * ```ts
 * import { PACKAGE_NAME } from '@webgrad/cli';
 * console.log(PACKAGE_NAME); // '@webgrad/cli'
 * ```
 */
export const PACKAGE_NAME = '@webgrad/cli';
