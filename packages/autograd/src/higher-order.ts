import { zeros, reshape, shapesEqual, stack, sum, mul, Tensor, WebgradError, fmtShape } from '@webgrad/core-tensor';
import { gradients } from './functional.js';

function prepare(x: Tensor): Tensor {
  return x.detach().requiresGrad_(true);
}

/**
 * H·v for the Hessian H of scalar `f` at `x`, without forming H: the gradient
 * of ⟨∇f(x), v⟩ (Pearlmutter's trick).
 */
export function hessianVectorProduct(f: (x: Tensor) => Tensor, x: Tensor, v: Tensor): Tensor {
  if (!shapesEqual(x.shape, v.shape)) throw new WebgradError('hessianVectorProduct', `v ${fmtShape(v.shape)} must have the shape of x ${fmtShape(x.shape)}`);
  const xp = prepare(x);
  const [g] = gradients(f(xp), [xp], { createGraph: true });
  return gradients(sum(mul(g!, v.detach())), [xp], { allowUnused: true })[0]!;
}

/**
 * The Hessian of scalar `f` at `x`: shape [...x.shape, ...x.shape]. One
 * backward pass per element of x: for small problems (Newton's method).
 */
export function hessian(f: (x: Tensor) => Tensor, x: Tensor): Tensor {
  const xp = prepare(x);
  const [g] = gradients(f(xp), [xp], { createGraph: true });
  const flat = reshape(g!, [x.size]);
  const rows: Tensor[] = [];
  for (let i = 0; i < x.size; i++) {
    const gi = flat.select(0, i);
    rows.push(gi.requiresGrad ? gradients(gi, [xp], { retainGraph: true, allowUnused: true })[0]!.detach() : xp.detach().mul(0));
  }
  return reshape(stack(rows, 0), [...x.shape, ...x.shape]);
}

/**
 * The Jacobian of `f` at `x`: shape [...f(x).shape, ...x.shape], one backward
 * pass per output element.
 */
export function jacobian(f: (x: Tensor) => Tensor, x: Tensor): Tensor {
  const xp = prepare(x);
  const y = f(xp);
  const flat = reshape(y, [y.size]);
  const rows: Tensor[] = [];
  for (let i = 0; i < y.size; i++) {
    const yi = flat.select(0, i);
    rows.push(yi.requiresGrad ? gradients(yi, [xp], { retainGraph: true, allowUnused: true })[0]!.detach() : xp.detach().mul(0));
  }
  if (rows.length === 0) return zeros([...y.shape, ...x.shape], { dtype: x.dtype, backend: x.backend.name });
  return reshape(stack(rows, 0), [...y.shape, ...x.shape]);
}
