/**
 * The npm name of this package, `@webgrad/transformer`.
 *
 * A placeholder so the package builds and tests on its own until its code lands.
 *
 * @example
 * ```ts
 * import { PACKAGE_NAME } from '@webgrad/transformer';
 * console.log(PACKAGE_NAME); // '@webgrad/transformer'
 * ```
 */
export const PACKAGE_NAME = '@webgrad/transformer';
