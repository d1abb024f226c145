import { matmul, randn, type Tensor } from '@webgrad/core-tensor';
import type { Tfjs } from '../bench-case.js';

/** One timed unit of GPU work: `run` queues the work and resolves once the result is back on the CPU. */
export interface GpuStep {
  run(): Promise<void>;
  dispose(): void;
}

/** A case built for webgrad's WebGPU backend and for tfjs-backend-webgpu on the same adapter. */
export interface GpuBenchCase {
  readonly key: string;
  readonly title: string;
  /** Floating-point operations of one `run`. */
  readonly flops: number;
  webgrad(): GpuStep;
  tfjs(tf: Tfjs): GpuStep;
}

/** Products queued back to back per timed run, so launch and readback costs are amortised as in a model. */
const REPS = 4;

/** `REPS` products C = A·B of n×n float32 matrices, then the last C read back. */
function matmulCase(n: number): GpuBenchCase {
  return {
    key: `matmul-${n}`,
    title: `${REPS}× matmul ${n}x${n} @ ${n}x${n} on WebGPU`,
    flops: REPS * 2 * n * n * n,
    webgrad() {
      const a: Tensor = randn([n, n], { backend: 'webgpu' });
      const b: Tensor = randn([n, n], { backend: 'webgpu' });
      return {
        async run() {
          const cs: Tensor[] = [];
          for (let r = 0; r < REPS; r++) cs.push(matmul(a, b));
          await cs[REPS - 1]!.data();
          for (const c of cs) c.dispose();
        },
        dispose() {
          a.dispose();
          b.dispose();
        },
      };
    },
    tfjs(tf) {
      const a = tf.randomNormal([n, n]);
      const b = tf.randomNormal([n, n]);
      return {
        async run() {
          const cs = [];
          for (let r = 0; r < REPS; r++) cs.push(tf.matMul(a, b));
          await cs[REPS - 1]!.data();
          tf.dispose(cs);
        },
        dispose: () => tf.dispose([a, b]),
      };
    },
  };
}

/** Every WebGPU case, in print order. */
export const WEBGPU_CASES: readonly GpuBenchCase[] = [256, 512, 1024, 2048].map(matmulCase);
