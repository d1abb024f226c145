import {
  add,
  ArgumentError,
  batchMatmul,
  cpuBackend,
  DTypeError,
  erf,
  isFloatDType,
  exp,
  fmtShape,
  getKernel,
  gt,
  mul,
  runKernel1,
  registerKernel,
  ShapeError,
  square,
  sub,
  sum,
  sumTo,
  where,
  type KernelTensor,
  type Tensor,
} from '@webgrad/core-tensor';
import { registerGradient } from '@webgrad/autograd';

/** The activations `matmulBiasAct` can apply (gelu is the exact, erf form). */
export type MatmulBiasActivation = 'none' | 'relu' | 'gelu' | 'tanh' | 'sigmoid';

const ACTIVATIONS: readonly MatmulBiasActivation[] = ['none', 'relu', 'gelu', 'tanh', 'sigmoid'];

/** Options of `matmulBiasAct`. */
export interface MatmulBiasActOptions {
  /** Use Aᵀ (A given as [B, K, M]); default false. */
  transposeA?: boolean;
  /** Use Bᵀ (B given as [B, N, K]); default false. */
  transposeB?: boolean;
  /** Applied after the bias (default 'none'). */
  activation?: MatmulBiasActivation;
}

/**
 * act(op(A)·op(B) + bias) for rank-3 operands (a batch of 1 broadcasts) and
 * bias [N], as one op: on WebGPU the bias and the activation are the
 * epilogue of the register-tiled matmul kernel (one dispatch instead of
 * three). Its CPU kernel runs core-tensor's matmul, add and activation
 * kernels in turn, so it is bit for bit the composed path. The gradient is the
 * composed one (matmul gradients with the transposes kept virtual; the bias
 * gradient is the sum of the pre-activation gradient over rows).
 *
 * @example
 * ```ts
 * // a Linear layer with a ReLU: x [1, M, K], weight [1, N, K]
 * const y = matmulBiasAct(x, weight, bias, { transposeB: true, activation: 'relu' }); // [1, M, N]
 * ```
 */
export function matmulBiasAct(
  a: Tensor,
  b: Tensor,
  bias: Tensor,
  options: MatmulBiasActOptions = {},
): Tensor {
  const op = 'matmulBiasAct';
  const tA = options.transposeA ?? false;
  const tB = options.transposeB ?? false;
  const activation = options.activation ?? 'none';
  if (!ACTIVATIONS.includes(activation))
    throw new ArgumentError(
      op,
      `activation must be one of ${ACTIVATIONS.join(', ')}, got '${String(activation)}'`,
    );
  for (const t of [a, b, bias]) t.assertAlive(op);
  if (
    a.dtype !== b.dtype ||
    bias.dtype !== a.dtype ||
    !isFloatDType(a.dtype)
  ) {
    throw new DTypeError(
      op,
      `expected floating-point operands of one dtype, got ${a.dtype}, ${b.dtype} and bias ${bias.dtype}`,
    );
  }
  const K = a.rank === 3 ? a.shape[tA ? 1 : 2] : undefined;
  const K2 = b.rank === 3 ? b.shape[tB ? 2 : 1] : undefined;
  const N = b.rank === 3 ? b.shape[tB ? 1 : 2] : undefined;
  const batchesAgree = a.shape[0] === b.shape[0] || a.shape[0] === 1 || b.shape[0] === 1;
  if (K === undefined || K !== K2 || !batchesAgree || bias.rank !== 1 || bias.shape[0] !== N) {
    throw new ShapeError(
      op,
      `expected A [B, M, K]${tA ? 'ᵀ' : ''}, B [B, K, N]${tB ? 'ᵀ' : ''} and bias [N], got ${fmtShape(a.shape)}, ${fmtShape(b.shape)} and bias ${fmtShape(bias.shape)}`,
    );
  }
  return runKernel1(op, [a, b, bias], { transposeA: tA, transposeB: tB, activation });
}

registerKernel('matmulBiasAct', 'cpu', (inputs, attrs): KernelTensor[] => {
  const [a, b, bias] = inputs as [KernelTensor, KernelTensor, KernelTensor];
  const product = getKernel('matmul', 'cpu')([a, b], attrs, cpuBackend)[0]!;
  const N = bias.shape[0]!;
  const z = getKernel('add', 'cpu')([product, { ...bias, shape: [1, 1, N] }], {}, cpuBackend)[0]!;
  cpuBackend.release(product.storage);
  const act = attrs.activation as MatmulBiasActivation;
  if (act === 'none') return [z];
  const y = getKernel(act, 'cpu')([z], { a: 0, b: 0 }, cpuBackend)[0]!;
  cpuBackend.release(z.storage);
  return [y];
});

registerGradient({
  op: 'matmulBiasAct',
  saveInputs: [0, 1, 2],
  saveOutputs: [0],
  backward: ([dy], ctx) => {
    const [a, b, bias] = ctx.inputs as [Tensor, Tensor, Tensor];
    const y = ctx.outputs[0]!;
    const tA = ctx.attrs.transposeA as boolean;
    const tB = ctx.attrs.transposeB as boolean;
    const dz = activationGrad(ctx.attrs.activation as MatmulBiasActivation, dy!, y, () =>
      add(batchMatmul(a, b, tA, tB), bias),
    );
    const da = ctx.needsInputGrad[0]
      ? sumTo(
          tA ? batchMatmul(b, dz, tB, true) : batchMatmul(dz, b, false, !tB),
          ctx.inputShapes[0]!,
        )
      : null;
    const db = ctx.needsInputGrad[1]
      ? sumTo(
          tB ? batchMatmul(dz, a, true, tA) : batchMatmul(a, dz, !tA, false),
          ctx.inputShapes[1]!,
        )
      : null;
    const dbias = ctx.needsInputGrad[2] ? sum(dz, [0, 1]) : null;
    return [da, db, dbias];
  },
});

/** ∂L/∂z from ∂L/∂y for y = act(z): from y where the derivative is a function of y, else from z (recomputed). */
function activationGrad(act: MatmulBiasActivation, dy: Tensor, y: Tensor, z: () => Tensor): Tensor {
  switch (act) {
    case 'none':
      return dy;
    case 'relu':
      return where(gt(y, 0), dy, 0);
    case 'tanh':
      return mul(dy, sub(1, square(y)));
    case 'sigmoid':
      return mul(dy, mul(y, sub(1, y)));
    case 'gelu': {
      // d/dz z·Φ(z) = Φ(z) + z·φ(z)
      const x = z();
      const cdf = mul(add(erf(mul(x, Math.SQRT1_2)), 1), 0.5);
      const pdf = mul(exp(mul(square(x), -0.5)), 1 / Math.sqrt(2 * Math.PI));
      return mul(dy, add(cdf, mul(x, pdf)));
    }
  }
}
