import { BINARY_OPS, UNARY_OPS } from './elementwise-table.js';

/**
 * Kernels whose outputs carry no gradient (integer or bool results, or no
 * inputs). Every other kernel must have a gradient in autograd's registry;
 * autograd's tests check that.
 */
export const NON_DIFFERENTIABLE_OPS: ReadonlySet<string> = new Set([
  ...UNARY_OPS.filter((d) => !d.differentiable).map((d) => d.name),
  ...BINARY_OPS.filter((d) => !d.differentiable).map((d) => d.name),
  'argmax',
  'argmin',
  'fill',
  'randomUniform',
  'randomNormal',
]);
