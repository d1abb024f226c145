import { matmul, randn, tidy, type Tensor } from '@webgrad/core-tensor';
import type { BenchCase, BenchSuite, Tfjs } from './bench-case.js';

/** C = A·B for square float32 matrices of side `n`, result read back. */
function matmulCase(n: number): BenchCase {
  return {
    key: `matmul-${n}`,
    title: `matmul ${n}x${n} @ ${n}x${n}`,
    flops: 2 * n * n * n,
    webgrad() {
      const a: Tensor = randn([n, n]);
      const b: Tensor = randn([n, n]);
      return {
        run: () => tidy(() => void matmul(a, b).dataSync()),
        dispose: () => {
          a.dispose();
          b.dispose();
        },
      };
    },
    tfjs(tf: Tfjs) {
      const a = tf.randomNormal([n, n]);
      const b = tf.randomNormal([n, n]);
      return {
        run: () => tf.tidy(() => void tf.matMul(a, b).dataSync()),
        dispose: () => tf.dispose([a, b]),
      };
    },
  };
}

/** Dense matrix products, the kernel every layer reduces to. */
export const suite: BenchSuite = { name: 'matmul', cases: [256, 512, 1024].map(matmulCase) };
