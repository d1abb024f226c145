import { conv2d, randn, tidy, type Tensor } from '@webgrad/core-tensor';
import type { BenchCase, BenchSuite, Tfjs } from './bench-case.js';

/**
 * A 2-D convolution, stride 1, 'same' padding, result read back: webgrad's
 * `conv2d` on [N, C, H, W] (im2col and the SIMD matrix product in
 * WebAssembly), tfjs's `conv2d` on the same data laid out [N, H, W, C]
 * (XNNPACK on tfjs-backend-wasm).
 */
function convCase(key: string, n: number, c: number, hw: number, co: number, k: number): BenchCase {
  return {
    key,
    title: `conv2d ${k}x${k}, [${n}, ${c}, ${hw}, ${hw}] -> ${co} channels, padding ${(k - 1) / 2}`,
    flops: 2 * n * co * hw * hw * c * k * k,
    webgrad() {
      const x: Tensor = randn([n, c, hw, hw]);
      const w: Tensor = randn([co, c, k, k]);
      return {
        run: () => tidy(() => void conv2d(x, w, null, { padding: (k - 1) / 2 }).dataSync()),
        dispose: () => {
          x.dispose();
          w.dispose();
        },
      };
    },
    tfjs(tf: Tfjs) {
      const x = tf.randomNormal([n, hw, hw, c]) as import('@tensorflow/tfjs').Tensor4D;
      const w = tf.randomNormal([k, k, c, co]) as import('@tensorflow/tfjs').Tensor4D;
      return {
        run: () => tf.tidy(() => void tf.conv2d(x, w, 1, 'same').dataSync()),
        dispose: () => tf.dispose([x, w]),
      };
    },
  };
}

/** Convolutions of a small image model: few channels (LeNet-like), and a 3×3 layer of a CNN body. */
export const suite: BenchSuite = {
  name: 'conv',
  cases: [convCase('conv-5x5-small', 32, 1, 28, 8, 5), convCase('conv-3x3', 8, 32, 32, 64, 3)],
};
