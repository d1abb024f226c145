import { zeros, reshape, shapesEqual, stack, sum, mul, tidy, Tensor, WebgradError, fmtShape } from '@webgrad/core-tensor';
import { gradients } from './functional.js';

function prepare(x: Tensor): Tensor {
  return x.detach().requiresGrad_(true);
}

/**
 * H·v for the Hessian H of scalar `f` at `x`, without forming H: the gradient
 * of ⟨∇f(x), v⟩ (Pearlmutter's trick). As in the functions below, `f` runs
 * in a `tidy` scope and only the result survives the call.
 */
export function hessianVectorProduct(f: (x: Tensor) => Tensor, x: Tensor, v: Tensor): Tensor {
  if (!shapesEqual(x.shape, v.shape)) throw new WebgradError('hessianVectorProduct', `v ${fmtShape(v.shape)} must have the shape of x ${fmtShape(x.shape)}`);
  return tidy(() => {
    const xp = prepare(x);
    const [g] = gradients(f(xp), [xp], { createGraph: true });
    return gradients(sum(mul(g!, v.detach())), [xp], { allowUnused: true })[0]!;
  });
}

/**
 * The Hessian of scalar `f` at `x`: shape [...x.shape, ...x.shape]. One
 * backward pass per element of x: for small problems (Newton's method).
 */
export function hessian(f: (x: Tensor) => Tensor, x: Tensor): Tensor {
  return tidy(() => {
    const xp = prepare(x);
    const [g] = gradients(f(xp), [xp], { createGraph: true });
    return reshape(stack(gradientRows(reshape(g!, [x.size]), xp), 0), [...x.shape, ...x.shape]);
  });
}

/**
 * The Jacobian of `f` at `x`: shape [...f(x).shape, ...x.shape], one backward
 * pass per output element.
 */
export function jacobian(f: (x: Tensor) => Tensor, x: Tensor): Tensor {
  return tidy(() => {
    const xp = prepare(x);
    const y = f(xp);
    if (y.size === 0) return zeros([...y.shape, ...x.shape], { dtype: x.dtype, backend: x.backend.name });
    return reshape(stack(gradientRows(reshape(y, [y.size]), xp), 0), [...y.shape, ...x.shape]);
  });
}

/** Row i: the gradient of flat[i] with respect to xp (zeros where flat[i] does not depend on it), the graph kept for the next row. */
function gradientRows(flat: Tensor, xp: Tensor): Tensor[] {
  const rows: Tensor[] = [];
  for (let i = 0; i < flat.size; i++) {
    const yi = flat.select(0, i);
    rows.push(yi.requiresGrad ? gradients(yi, [xp], { retainGraph: true, allowUnused: true })[0]!.detach() : xp.detach().mul(0));
  }
  return rows;
}
