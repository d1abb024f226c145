/**
 * The npm name of this package, `@webgrad/layers-recurrent`.
 *
 * A placeholder so the package builds and tests on its own until its code lands.
 *
 * @example
 * ```ts
 * import { PACKAGE_NAME } from '@webgrad/layers-recurrent';
 * console.log(PACKAGE_NAME); // '@webgrad/layers-recurrent'
 * ```
 */
export const PACKAGE_NAME = '@webgrad/layers-recurrent';
