import { runKernel1 } from '../dispatch.js';
import { isFloatDType } from '../dtype.js';
import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { cast } from './elementwise.js';

/**
 * exp(x − max) / Σ exp(x − max) along `axis` (default the last), one fused
 * numerically stable row kernel.
 */
export function softmax(x: Tensor, axis = -1): Tensor {
  x.assertAlive('softmax');
  const xf = isFloatDType(x.dtype) ? x : cast(x, 'float32');
  return runKernel1('softmax', [xf], { axis: normalizeAxis('softmax', axis, x.rank) });
}

/** x − logsumexp(x) along `axis` (default the last), one fused stable row kernel. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  x.assertAlive('logSoftmax');
  const xf = isFloatDType(x.dtype) ? x : cast(x, 'float32');
  return runKernel1('logSoftmax', [xf], { axis: normalizeAxis('logSoftmax', axis, x.rank) });
}
