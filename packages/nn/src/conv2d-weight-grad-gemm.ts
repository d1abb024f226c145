import {
  cpuAlloc,
  cpuData,
  registerKernel,
  runKernel1,
  type KernelTensor,
  type Tensor,
} from '@webgrad/core-tensor';
import { registerGradient } from '@webgrad/autograd';
import { conv2dGemmCropped, plainGeometry, type Conv2dGemmGeometry } from './conv2d-gemm.js';
import { convTranspose2dGemm } from './conv-transpose2d-gemm.js';

/** The geometry of `conv2dWeightGradGemm`: the convolution's, and its kernel's [kh, kw]. */
export interface Conv2dWeightGradGemmGeometry extends Conv2dGemmGeometry {
  /** Kernel height and width. */
  kernelSize: [number, number];
}

/**
 * The weight gradient of conv2d as one op, `conv2dWeightGradGemm`: [dy [N, Co, oh, ow],
 * x [N, C, H, W]] → dw [Co, C/groups, kh, kw] with
 * dw[co, ci, ky, kx] = Σ_{n, oy, ox} dy[n, co, oy, ox]·x[n, g(co)·Cg + ci, oy·sh − ph + ky·dh, ox·sw − pw + kx·dw]
 * (0 in the padding). On WebGPU an implicit GEMM over chunks of the N·oh·ow reduction
 * whose partial sums a second pass adds (core-tensor's `conv2d-weight-grad.wgsl.ts`); the
 * CPU kernel is a direct loop in double precision, the reference.
 *
 * @internal used by the conv2d and transposed-convolution gradients on WebGPU.
 */
export function conv2dWeightGradGemm(
  dy: Tensor,
  x: Tensor,
  geometry: Conv2dWeightGradGemmGeometry,
): Tensor {
  return runKernel1('conv2dWeightGradGemm', [dy, x], {
    ...plainGeometry(geometry),
    kernelSize: geometry.kernelSize,
  });
}

registerKernel('conv2dWeightGradGemm', 'cpu', (inputs, attrs): KernelTensor[] => {
  const [dy, x] = inputs as [KernelTensor, KernelTensor];
  const g = attrs as unknown as Conv2dWeightGradGemmGeometry;
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [, Co, oh, ow] = dy.shape as [number, number, number, number];
  const [kh, kw] = g.kernelSize;
  const Cg = C / g.groups;
  const Cog = Co / g.groups;
  const [D, X] = [cpuData(dy), cpuData(x)];
  const dw = cpuAlloc([Co, Cg, kh, kw], dy.dtype);
  // the same window/tap loop nest as conv2dGemm's reference, written out in full on purpose:
  // each reference reads as its own formula, with no shared iterator between the three
  for (let oc = 0; oc < Co; oc++) {
    const c0 = Math.floor(oc / Cog) * Cg;
    for (let ci = 0; ci < Cg; ci++) {
      for (let ky = 0; ky < kh; ky++) {
        for (let kx = 0; kx < kw; kx++) {
          let acc = 0;
          for (let n = 0; n < N; n++) {
            for (let oy = 0; oy < oh; oy++) {
              const iy = oy * g.stride[0] - g.padding[0] + ky * g.dilation[0];
              if (iy < 0 || iy >= H) continue;
              for (let ox = 0; ox < ow; ox++) {
                const ix = ox * g.stride[1] - g.padding[1] + kx * g.dilation[1];
                if (ix < 0 || ix >= W) continue;
                acc +=
                  D[((n * Co + oc) * oh + oy) * ow + ox]! *
                  X[((n * C + c0 + ci) * H + iy) * W + ix]!;
              }
            }
          }
          dw.data[((oc * Cg + ci) * kh + ky) * kw + kx] = acc;
        }
      }
    }
  }
  return [dw.out];
});

registerGradient({
  op: 'conv2dWeightGradGemm',
  saveInputs: [0, 1],
  backward: ([gw], ctx) => {
    // ⟨gw, dW(dy, x)⟩ = ⟨conv(x, gw), dy⟩: linear in dy and in x
    const [dy, x] = ctx.inputs as [Tensor, Tensor];
    const g = plainGeometry(ctx.attrs as unknown as Conv2dGemmGeometry);
    const ddy = ctx.needsInputGrad[0]
      ? conv2dGemmCropped(x, gw!, g, [dy.shape[2]!, dy.shape[3]!])
      : null;
    const dx = ctx.needsInputGrad[1]
      ? convTranspose2dGemm(dy, gw!, null, { ...g, outSize: [x.shape[2]!, x.shape[3]!] })
      : null;
    return [ddy, dx];
  },
});
