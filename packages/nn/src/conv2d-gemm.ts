import {
  cpuAlloc,
  cpuData,
  fold,
  hasKernel,
  matmul,
  registerKernel,
  reshape,
  runKernel1,
  sum,
  unfold,
  type KernelTensor,
  type Tensor,
} from '@webgrad/core-tensor';
import { registerGradient } from '@webgrad/autograd';
import { conv2dWeightGradGemm } from './conv2d-weight-grad-gemm.js';
import { convTranspose2dGemm } from './conv-transpose2d-gemm.js';

/** The geometry of `conv2dGemm`: numbers only ('same' is resolved by the caller). */
export interface Conv2dGemmGeometry {
  /** Step between windows [sh, sw]. */
  stride: [number, number];
  /** Zero padding on both sides [ph, pw]. */
  padding: [number, number];
  /** Spacing between taps [dh, dw]. */
  dilation: [number, number];
  /** Channel groups. */
  groups: number;
}

/** `conv2dGemm`'s attributes: the geometry and, optionally, fewer windows than fit ([oh, ow], used by gradients). */
interface Conv2dGemmAttrs extends Conv2dGemmGeometry {
  outSize?: [number, number];
}

/**
 * conv2d as one op, `conv2dGemm`: [x [N, C, H, W], w [Co, C/groups, kh, kw],
 * bias [Co]?] → [N, Co, oh, ow]. On WebGPU it is an implicit GEMM (core-tensor's
 * `conv2d.wgsl.ts`): the im2col columns are gathered while the tiles are
 * loaded and never stored. The CPU kernel below is a direct loop in double
 * precision, the reference the GPU kernel is tested against. The gradient is,
 * on backends with the kernels (WebGPU), the implicit-GEMM ops
 * `convTranspose2dGemm` (input) and `conv2dWeightGradGemm` (weight); on the CPU
 * the one of the composed unfold + matmul path. Arguments are checked by the
 * caller (core-tensor's `conv2d` checks the same shapes).
 *
 * @internal used by `Conv2d` and `Conv1d` on backends that have the kernel.
 */
export function conv2dGemm(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  geometry: Conv2dGemmGeometry,
): Tensor {
  return runKernel1('conv2dGemm', bias ? [x, weight, bias] : [x, weight], { ...geometry });
}

/**
 * `conv2dGemm` without bias, keeping only the first [oh, ow] windows: what the
 * gradients of the transposed convolution and of the weight gradient are (the
 * transpose's output padding can add windows its input never had).
 */
export function conv2dGemmCropped(
  x: Tensor,
  weight: Tensor,
  geometry: Conv2dGemmGeometry,
  outSize: [number, number],
): Tensor {
  return runKernel1('conv2dGemm', [x, weight], { ...plainGeometry(geometry), outSize });
}

/** The four geometry fields alone (attributes of one op must not leak into another's). */
export function plainGeometry(g: Conv2dGemmGeometry): Conv2dGemmGeometry {
  return { stride: g.stride, padding: g.padding, dilation: g.dilation, groups: g.groups };
}

/** Output height and width of the convolution (or the requested [oh, ow]). */
function outputSize(
  x: readonly number[],
  w: readonly number[],
  g: Conv2dGemmAttrs,
): [number, number] {
  if (g.outSize) return g.outSize;
  return [
    Math.floor((x[2]! + 2 * g.padding[0] - g.dilation[0] * (w[2]! - 1) - 1) / g.stride[0]) + 1,
    Math.floor((x[3]! + 2 * g.padding[1] - g.dilation[1] * (w[3]! - 1) - 1) / g.stride[1]) + 1,
  ];
}

/** Whether `t`'s backend runs the convolution's gradients as implicit-GEMM kernels (the CPU keeps the composed path). */
export function hasImplicitGemmGradients(t: Tensor): boolean {
  const backend = t.backend.name;
  return (
    backend !== 'cpu' &&
    hasKernel('convTranspose2dGemm', backend) &&
    hasKernel('conv2dWeightGradGemm', backend)
  );
}

registerKernel('conv2dGemm', 'cpu', (inputs, attrs): KernelTensor[] => {
  const [x, w, bias] = inputs as [KernelTensor, KernelTensor, KernelTensor | undefined];
  const g = attrs as unknown as Conv2dGemmAttrs;
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [Co, Cg, kh, kw] = w.shape as [number, number, number, number];
  const [oh, ow] = outputSize(x.shape, w.shape, g);
  const Cog = Co / g.groups;
  const [X, Wt] = [cpuData(x), cpuData(w)];
  const Bs = bias ? cpuData(bias) : null;
  const y = cpuAlloc([N, Co, oh, ow], x.dtype);
  for (let n = 0; n < N; n++) {
    for (let oc = 0; oc < Co; oc++) {
      const c0 = Math.floor(oc / Cog) * Cg;
      for (let oy = 0; oy < oh; oy++) {
        for (let ox = 0; ox < ow; ox++) {
          let acc = 0;
          for (let ci = 0; ci < Cg; ci++) {
            for (let ky = 0; ky < kh; ky++) {
              const iy = oy * g.stride[0] - g.padding[0] + ky * g.dilation[0];
              if (iy < 0 || iy >= H) continue;
              for (let kx = 0; kx < kw; kx++) {
                const ix = ox * g.stride[1] - g.padding[1] + kx * g.dilation[1];
                if (ix < 0 || ix >= W) continue;
                acc +=
                  Wt[((oc * Cg + ci) * kh + ky) * kw + kx]! *
                  X[((n * C + c0 + ci) * H + iy) * W + ix]!;
              }
            }
          }
          y.data[((n * Co + oc) * oh + oy) * ow + ox] = acc + (Bs ? Bs[oc]! : 0);
        }
      }
    }
  }
  return [y.out];
});

registerGradient({
  op: 'conv2dGemm',
  saveInputs: [0, 1],
  backward: ([dy], ctx) => {
    const [x, w] = ctx.inputs as [Tensor, Tensor];
    const attrs = ctx.attrs as unknown as Conv2dGemmAttrs;
    const g = plainGeometry(attrs);
    const [N, C, H, W] = x.shape as [number, number, number, number];
    const [Co, Cg, kh, kw] = w.shape as [number, number, number, number];
    const dbias = ctx.needsInputGrad[2] ? sum(dy!, [0, 2, 3]) : null;
    // a cropped output (only made by the gradients below) has no composed counterpart
    if (attrs.outSize !== undefined || hasImplicitGemmGradients(x)) {
      // dx = conv_transpose(dy, w), dw = Σ dy ⊗ x-patches: implicit GEMMs, no columns stored
      const dx = ctx.needsInputGrad[0]
        ? convTranspose2dGemm(dy!, w, null, { ...g, outSize: [H, W] })
        : null;
      const dw = ctx.needsInputGrad[1]
        ? conv2dWeightGradGemm(dy!, x, { ...g, kernelSize: [kh, kw] })
        : null;
      return [dx, dw, dbias];
    }
    // the gradient of the composed path y = W·unfold(x) (+ bias), with differentiable ops
    const G = g.groups;
    const L = dy!.shape[2]! * dy!.shape[3]!;
    const geometry = { stride: g.stride, padding: g.padding, dilation: g.dilation };
    const dyg = reshape(dy!, [N, G, Co / G, L]);
    const wg = reshape(w, [G, Co / G, Cg * kh * kw]);
    let dx: Tensor | null = null;
    let dw: Tensor | null = null;
    if (ctx.needsInputGrad[0]) {
      const dcols = reshape(matmul(wg.transpose(1, 2), dyg), [N, C * kh * kw, L]);
      dx = fold(dcols, [H, W], [kh, kw], geometry);
    }
    if (ctx.needsInputGrad[1]) {
      const cols = reshape(unfold(x, [kh, kw], geometry), [N, G, Cg * kh * kw, L]);
      dw = reshape(sum(matmul(dyg, cols.transpose(2, 3)), 0), w.shape);
    }
    return [dx, dw, dbias];
  },
});
