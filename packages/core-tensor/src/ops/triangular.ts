import { arange } from '../creation.js';
import { ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { ge, le, sub, where } from './elementwise.js';
import { unsqueeze } from './reshape.js';

function offsetGrid(op: 'triu' | 'tril', x: Tensor): Tensor {
  x.assertAlive(op);
  if (x.rank < 2) throw new ShapeError(op, `needs a tensor of rank >= 2, got shape [${x.shape.join(',')}]`);
  const be = x.backend.name;
  const rows = unsqueeze(arange(x.shape[x.rank - 2]!, undefined, 1, { backend: be }), 1);
  const cols = arange(x.shape[x.rank - 1]!, undefined, 1, { backend: be });
  return sub(cols, rows); // j − i
}

/** The upper triangle (j − i ≥ diagonal) of the last two axes; the rest zero (`torch.triu`). */
export function triu(x: Tensor, diagonal = 0): Tensor {
  return where(ge(offsetGrid('triu', x), diagonal), x, 0);
}

/** The lower triangle (j − i ≤ diagonal) of the last two axes; the rest zero (`torch.tril`). */
export function tril(x: Tensor, diagonal = 0): Tensor {
  return where(le(offsetGrid('tril', x), diagonal), x, 0);
}
