import { randint, tidy } from '@webgrad/core-tensor';
import { LSTM } from '@webgrad/layers-recurrent';
import { crossEntropy, Embedding, Linear } from '@webgrad/nn';
import { Adam } from '@webgrad/optim';
import type { BenchCase, BenchSuite, Tfjs } from './bench-case.js';

/** The sizes of a character LSTM language model's training step. */
export interface LstmStepSizes {
  /** Hidden size of the LSTM layer. */
  readonly hidden: number;
  /** Vocabulary (embedding rows and output classes). */
  readonly vocab: number;
  /** Embedding width (the LSTM's input size). */
  readonly embed: number;
  /** Sequence length. */
  readonly steps: number;
  /** Batch size. */
  readonly batch: number;
}

/**
 * One training step of a character LSTM language model: embedding
 * vocab→embed, one LSTM layer, output projection hidden→vocab, cross-entropy,
 * Adam. webgrad runs `@webgrad/nn` Embedding and Linear,
 * `@webgrad/layers-recurrent` LSTM and `@webgrad/optim` Adam; tfjs runs
 * tfjs-layers' LSTM with the logistic sigmoid for its gates.
 */
export function lstmStepCase(key: string, s: LstmStepSizes): BenchCase {
  const { hidden, vocab, embed, steps: T, batch: B } = s;
  return {
    key,
    title: `LSTM train step, hidden ${hidden}, vocab ${vocab}, T ${T}, B ${B}, Adam`,
    webgrad() {
      const emb = new Embedding(vocab, embed);
      const lstm = new LSTM(embed, hidden);
      const head = new Linear(hidden, vocab);
      const params = [...emb.parameters(), ...lstm.parameters(), ...head.parameters()];
      const adam = new Adam(params, { lr: 1e-3 });
      // [T, B] token ids (the layer's default time-major layout) and next-token targets
      const tokens = randint(0, vocab, [T, B]);
      const targets = randint(0, vocab, [T * B]);
      return {
        run: () =>
          tidy(() => {
            adam.zeroGrad();
            const [out] = lstm.forward(emb.forward(tokens));
            const logits = head.forward(out).reshape([T * B, vocab]);
            const loss = crossEntropy(logits, targets);
            loss.backward();
            adam.step();
            loss.item();
          }),
        dispose: () => {
          for (const t of [...params, tokens, targets]) t.dispose();
        },
      };
    },
    tfjs(tf: Tfjs) {
      const model = tf.sequential({
        layers: [
          // the embedding as a bias-free dense layer on one-hot input: tfjs-backend-wasm has no
          // UnsortedSegmentSum kernel, so tf.layers.embedding cannot be trained there
          tf.layers.dense({ inputShape: [T, vocab], units: embed, useBias: false }),
          // tfjs defaults to hard sigmoid for the gates; PyTorch (and webgrad) use the logistic sigmoid
          tf.layers.lstm({ units: hidden, returnSequences: true, recurrentActivation: 'sigmoid' }),
          tf.layers.dense({ units: vocab }),
        ],
      });
      const vars = model.trainableWeights.map((w) => w.read() as import('@tensorflow/tfjs').Variable);
      const opt = tf.train.adam(1e-3, 0.9, 0.999, 1e-8);
      const x = tf.oneHot(tf.randomUniform([B, T], 0, vocab, 'int32'), vocab).toFloat();
      const y = tf.oneHot(tf.randomUniform([B, T], 0, vocab, 'int32'), vocab);
      return {
        run: () =>
          tf.tidy(() => {
            const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x) as import('@tensorflow/tfjs').Tensor), true, vars)!;
            loss.dataSync();
          }),
        dispose: () => {
          opt.dispose();
          model.dispose();
          tf.dispose([x, y]);
        },
      };
    },
  };
}

/** A recurrent model's full training step: 64 sequential small matmuls and hundreds of small ops per step. */
export const suite: BenchSuite = { name: 'lstm', cases: [lstmStepCase('lstm-step', { hidden: 128, vocab: 65, embed: 128, steps: 64, batch: 32 })] };
