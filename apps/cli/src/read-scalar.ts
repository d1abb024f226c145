import { tidy, type Tensor } from '@webgrad/core-tensor';
import { noGrad } from '@webgrad/autograd';

/**
 * The value of the one-element tensor `compute()` returns, computed without
 * gradients and read back asynchronously (so it works on WebGPU too); every
 * intermediate tensor is freed.
 */
export async function readScalar(compute: () => Tensor): Promise<number> {
  const t = noGrad(() => tidy(compute));
  try {
    return await t.itemAsync();
  } finally {
    t.dispose();
  }
}
