import {
  cpuAlloc,
  cpuData,
  registerKernel,
  runKernel1,
  sum,
  type KernelTensor,
  type Tensor,
} from '@webgrad/core-tensor';
import { registerGradient } from '@webgrad/autograd';
import { conv2dGemmCropped, plainGeometry, type Conv2dGemmGeometry } from './conv2d-gemm.js';
import { conv2dWeightGradGemm } from './conv2d-weight-grad-gemm.js';

/** The geometry of `convTranspose2dGemm`: the convolution it transposes, and the output's [H, W]. */
export interface ConvTranspose2dGemmGeometry extends Conv2dGemmGeometry {
  /** Output height and width (the transposed convolution's input size; output padding included). */
  outSize: [number, number];
}

/**
 * The transposed convolution as one op, `convTranspose2dGemm`: [dy [N, Co, oh, ow],
 * w [Co, Cg, kh, kw], bias [Cg·groups]?] → [N, Cg·groups, H, W] with
 * out[n, g·Cg + ci, iy, ix] = Σ w[g·Cog + co, ci, ky, kx]·dy[n, g·Cog + co, oy, ox] over the
 * taps with iy = oy·sh − ph + ky·dh, ix = ox·sw − pw + kx·dw (+ bias): the gradient of conv2d
 * with respect to its input (dy the output gradient, w the conv weight) and ConvTranspose2d's
 * forward (dy its input, w its weight [C_in, C_out/groups, kh, kw]). Pixels no window reaches
 * get 0 (+ bias). On WebGPU an implicit GEMM per stride phase (core-tensor's
 * `conv-transpose2d.wgsl.ts`: no Wᵀ·dy columns, no col2im); the CPU kernel is a direct
 * scatter in double precision, the reference.
 *
 * @internal used by the conv2d gradient and the transposed-convolution layers on WebGPU.
 */
export function convTranspose2dGemm(
  dy: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  geometry: ConvTranspose2dGemmGeometry,
): Tensor {
  const attrs = { ...plainGeometry(geometry), outSize: geometry.outSize };
  return runKernel1('convTranspose2dGemm', bias ? [dy, weight, bias] : [dy, weight], attrs);
}

/**
 * Whether the WebGPU grid of `convTranspose2dGemm` producing [N, Cg·groups, H, W]
 * stays within 65535 workgroups per dimension (64×64 blocks of channels ×
 * pixels of one stride phase; samples × groups).
 */
export function transposeGemmFits(
  N: number,
  groups: number,
  Cg: number,
  H: number,
  W: number,
  stride: readonly [number, number],
): boolean {
  const blocks =
    Math.ceil(Cg / 64) * Math.ceil((Math.ceil(H / stride[0]) * Math.ceil(W / stride[1])) / 64);
  return N * groups <= 65535 && blocks <= 65535;
}

registerKernel('convTranspose2dGemm', 'cpu', (inputs, attrs): KernelTensor[] => {
  const [dy, w, bias] = inputs as [KernelTensor, KernelTensor, KernelTensor | undefined];
  const g = attrs as unknown as ConvTranspose2dGemmGeometry;
  const [N, Co, oh, ow] = dy.shape as [number, number, number, number];
  const [, Cg, kh, kw] = w.shape as [number, number, number, number];
  const [H, W] = g.outSize;
  const C = Cg * g.groups;
  const Cog = Co / g.groups;
  const [D, Wt] = [cpuData(dy), cpuData(w)];
  const acc = new Float64Array(N * C * H * W);
  // the same window/tap loop nest as conv2dGemm's reference, written out in full on purpose:
  // each reference reads as its own formula, with no shared iterator between the three
  for (let n = 0; n < N; n++) {
    for (let oc = 0; oc < Co; oc++) {
      const c0 = Math.floor(oc / Cog) * Cg;
      for (let oy = 0; oy < oh; oy++) {
        for (let ox = 0; ox < ow; ox++) {
          const d = D[((n * Co + oc) * oh + oy) * ow + ox]!;
          for (let ci = 0; ci < Cg; ci++) {
            for (let ky = 0; ky < kh; ky++) {
              const iy = oy * g.stride[0] - g.padding[0] + ky * g.dilation[0];
              if (iy < 0 || iy >= H) continue;
              for (let kx = 0; kx < kw; kx++) {
                const ix = ox * g.stride[1] - g.padding[1] + kx * g.dilation[1];
                if (ix < 0 || ix >= W) continue;
                acc[((n * C + c0 + ci) * H + iy) * W + ix]! +=
                  Wt[((oc * Cg + ci) * kh + ky) * kw + kx]! * d;
              }
            }
          }
        }
      }
    }
  }
  const B = bias ? cpuData(bias) : null;
  const out = cpuAlloc([N, C, H, W], dy.dtype);
  for (let i = 0; i < acc.length; i++)
    out.data[i] = acc[i]! + (B ? B[Math.floor(i / (H * W)) % C]! : 0);
  return [out.out];
});

registerGradient({
  op: 'convTranspose2dGemm',
  saveInputs: [0, 1],
  backward: ([go], ctx) => {
    // ⟨go, convT(dy, w)⟩ = ⟨conv(go, w), dy⟩: linear in dy and in w
    const [dy, w] = ctx.inputs as [Tensor, Tensor];
    const g = plainGeometry(ctx.attrs as unknown as Conv2dGemmGeometry);
    const [kh, kw] = [w.shape[2]!, w.shape[3]!];
    const ddy = ctx.needsInputGrad[0]
      ? conv2dGemmCropped(go!, w, g, [dy.shape[2]!, dy.shape[3]!])
      : null;
    const dw = ctx.needsInputGrad[1]
      ? conv2dWeightGradGemm(dy, go!, { ...g, kernelSize: [kh, kw] })
      : null;
    const dbias = ctx.needsInputGrad[2] ? sum(go!, [0, 2, 3]) : null;
    return [ddy, dw, dbias];
  },
});
