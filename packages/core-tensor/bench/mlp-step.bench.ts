import { randint, randn, relu, tidy } from '@webgrad/core-tensor';
import { crossEntropy, Linear } from '@webgrad/nn';
import { Adam } from '@webgrad/optim';
import type { BenchCase, BenchSuite, Tfjs } from './bench-case.js';

/**
 * One training step of a ReLU MLP of layer widths `sizes` on a batch of
 * `batch` with Adam: forward, cross-entropy, backward, update, loss read
 * back. webgrad runs what a user writes: `@webgrad/nn` Linear and
 * crossEntropy, autograd, `@webgrad/optim` Adam; tfjs the same maths with
 * `tf.train.adam`.
 */
export function mlpStepCase(key: string, sizes: readonly [number, number, number, number], batch: number): BenchCase {
  return {
    key,
    title: `MLP ${sizes.join('-')} train step, batch ${batch}, Adam`,
    webgrad() {
      const layers = [new Linear(sizes[0], sizes[1]), new Linear(sizes[1], sizes[2]), new Linear(sizes[2], sizes[3])];
      const params = layers.flatMap((l) => l.parameters());
      const adam = new Adam(params, { lr: 1e-3 });
      const x = randn([batch, sizes[0]]);
      const labels = randint(0, sizes[3], [batch]);
      return {
        run: () =>
          tidy(() => {
            adam.zeroGrad();
            const h1 = relu(layers[0]!.forward(x));
            const h2 = relu(layers[1]!.forward(h1));
            const loss = crossEntropy(layers[2]!.forward(h2), labels);
            loss.backward();
            adam.step();
            loss.item();
          }),
        dispose: () => {
          for (const p of params) p.dispose();
          x.dispose();
          labels.dispose();
        },
      };
    },
    tfjs(tf: Tfjs) {
      const ws = [0, 1, 2].map((i) => tf.variable(tf.randomUniform([sizes[i]!, sizes[i + 1]!], -0.05, 0.05)));
      const bs = [0, 1, 2].map((i) => tf.variable(tf.zeros([sizes[i + 1]!])));
      const opt = tf.train.adam(1e-3, 0.9, 0.999, 1e-8);
      const x = tf.randomNormal([batch, sizes[0]]);
      const y = tf.oneHot(tf.randomUniform([batch], 0, sizes[3], 'int32'), sizes[3]);
      return {
        run: () =>
          tf.tidy(() => {
            const loss = opt.minimize(() => {
              const h1 = tf.relu(tf.add(tf.matMul(x, ws[0]!), bs[0]!));
              const h2 = tf.relu(tf.add(tf.matMul(h1, ws[1]!), bs[1]!));
              return tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(h2, ws[2]!), bs[2]!));
            }, true)!;
            loss.dataSync();
          }),
        dispose: () => {
          opt.dispose();
          tf.dispose([...ws, ...bs, x, y]);
        },
      };
    },
  };
}

/** A small dense network's full training step: dominated by matmul at this size, with ~100 small ops around it. */
export const suite: BenchSuite = { name: 'mlp', cases: [mlpStepCase('mlp-step', [784, 256, 256, 10], 128)] };
