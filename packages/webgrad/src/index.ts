export * from '@webgrad/core-tensor';
export * from '@webgrad/autograd';
export * from '@webgrad/nn';
export * from '@webgrad/optim';
export * from '@webgrad/regularize';
export * from '@webgrad/layers-recurrent';
export * from '@webgrad/transformer';
export * from '@webgrad/generative-vae';
export * from '@webgrad/generative-diffusion';
export * from '@webgrad/data';

/**
 * The npm name of this package, `webgrad`.
 *
 * Declared here so it shadows the placeholder `PACKAGE_NAME` each re-exported
 * package has until its real code lands (a local export wins over `export *`).
 *
 * @example
 * ```ts
 * import { PACKAGE_NAME } from 'webgrad';
 * console.log(PACKAGE_NAME); // 'webgrad'
 * ```
 */
export const PACKAGE_NAME = 'webgrad';
