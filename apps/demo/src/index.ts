/**
 * The npm name of this package, `demo`.
 *
 * A placeholder so the package builds and tests on its own until its code lands.
 *
 * @example
 * ```ts
 * import { PACKAGE_NAME } from 'demo';
 * console.log(PACKAGE_NAME); // 'demo'
 * ```
 */
export const PACKAGE_NAME = 'demo';
