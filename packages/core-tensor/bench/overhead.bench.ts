import { add, mul, randn, relu, sub, tidy, type Tensor } from '@webgrad/core-tensor';
import type { BenchCase, BenchSuite, Tfjs } from './bench-case.js';
import { lstmStepCase } from './lstm-step.bench.js';
import { mlpStepCase } from './mlp-step.bench.js';

const TINY_OPS = 1000;

/**
 * 1,000 elementwise ops on 8-element tensors in one `tidy`, the last result
 * read back: almost no arithmetic, so the time is what every op costs around
 * its kernel (dispatch, tensor creation, disposal, garbage collection).
 */
const tinyOps: BenchCase = {
  key: 'overhead-ops',
  title: `${TINY_OPS} elementwise ops (add, mul, relu, sub) on 8-element tensors`,
  webgrad() {
    const a = randn([8]);
    const b = randn([8]);
    return {
      run: () =>
        tidy(() => {
          let y: Tensor = a;
          for (let i = 0; i < TINY_OPS / 4; i++) y = sub(relu(mul(add(y, b), 0.5)), a);
          y.dataSync();
        }),
      dispose: () => {
        a.dispose();
        b.dispose();
      },
    };
  },
  tfjs(tf: Tfjs) {
    const a = tf.randomNormal([8]);
    const b = tf.randomNormal([8]);
    const half = tf.scalar(0.5);
    return {
      run: () =>
        tf.tidy(() => {
          let y = a;
          for (let i = 0; i < TINY_OPS / 4; i++) y = tf.sub(tf.relu(tf.mul(tf.add(y, b), half)), a);
          y.dataSync();
        }),
      dispose: () => tf.dispose([a, b, half]),
    };
  },
};

/**
 * Training steps of models so small that the kernels do almost nothing: what
 * is measured is the cost of each op around its kernel, autograd's recording
 * and the optimizer's bookkeeping.
 */
export const suite: BenchSuite = {
  name: 'overhead',
  cases: [
    tinyOps,
    mlpStepCase('overhead-mlp', [8, 32, 32, 4], 16),
    lstmStepCase('overhead-lstm', { hidden: 16, vocab: 16, embed: 16, steps: 16, batch: 4 }),
  ],
};
