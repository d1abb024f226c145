import type { KernelTensor } from '../backend.js';
import { wasmUsable } from './wasm-elementwise.js';
import type { Im2colGeometry } from './wasm-module.js';
import { wasmCall } from './wasm-operands.js';
import { runWasmUnary } from './wasm-unary-call.js';

/**
 * float32 im2col (`unfold`) in WebAssembly: image [N, C, H, W] → columns
 * [N, C·kh·kw, oh·ow], `pad` outside the image. A copy, so the same bits as
 * the TypeScript kernel; with the SIMD matrix product after it, `conv2d`
 * runs in WebAssembly from image to output (threaded where the product is
 * large). Null when the TypeScript kernel should run.
 */
export function wasmUnfold(x: KernelTensor, g: Im2colGeometry, pad: number): KernelTensor | null {
  const [N, C, , , kh, kw, , , , , , , oh, ow] = g;
  const size = N * C * kh * kw * oh * ow;
  if (x.dtype !== 'float32' || !wasmUsable(size)) return null;
  return runWasmUnary(x, [N, C * kh * kw, oh * ow], size, (k, xp, out) => k.unfoldF32(xp, out, ...g, pad));
}

/**
 * float32 col2im (`fold`, the adjoint of unfold: the input gradient of a
 * convolution, transposed convolution) in WebAssembly: every tap added into
 * the image in the TypeScript kernel's order with float32 additions, so the
 * same bits. Null when the TypeScript kernel should run.
 */
export function wasmFold(cols: KernelTensor, g: Im2colGeometry): KernelTensor | null {
  const [N, C, H, W] = g;
  if (cols.dtype !== 'float32' || !wasmUsable(cols.shape.reduce((a, b) => a * b, 1))) return null;
  return wasmCall((call) => {
    const cp = call.input(cols);
    const size = N * C * H * W;
    const o = call.output([N, C, H, W], size);
    // the kernel adds into the image, which must start at zero (outputs are not zeroed)
    call.rt.heap.f32().fill(0, o.ptr >> 2, (o.ptr >> 2) + size);
    call.kernels.foldF32(cp, o.ptr, ...g);
    o.finish();
    return o.out;
  });
}
