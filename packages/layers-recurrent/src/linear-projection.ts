import { add, batchMatmul, reshape, type Tensor } from '@webgrad/core-tensor';

/**
 * x·Wᵀ (+ b) over the last axis of `x` [..., in] with W [out, in], as one
 * rank-3 matmul whose transposed operand is never materialised (the layout
 * the recurrent weights are stored in, so the hot loop copies no weights).
 */
export function linearProjection(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  const inF = x.shape[x.rank - 1]!;
  const outF = weight.shape[0]!;
  const lead = x.shape.slice(0, -1);
  const rows = lead.reduce((p, d) => p * d, 1);
  const x3 = x.rank === 3 && x.shape[0] === 1 ? x : reshape(x, [1, rows, inF]);
  let y = batchMatmul(x3, reshape(weight, [1, outF, inF]), false, true);
  if (bias) y = add(y, bias);
  return x3 === x ? y : reshape(y, [...lead, outF]);
}
