import { runKernel1 } from '../dispatch.js';
import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { cast } from './elementwise.js';

/** Running sum along `axis` (`torch.cumsum`); bool is summed as int32. */
export function cumsum(x: Tensor, axis: number): Tensor {
  x.assertAlive('cumsum');
  const a = normalizeAxis('cumsum', axis, x.rank);
  return runKernel1('cumsum', [x.dtype === 'bool' ? cast(x, 'int32') : x], { axis: a });
}
