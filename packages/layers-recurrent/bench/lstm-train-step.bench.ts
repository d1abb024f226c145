import { randint, tidy } from '@webgrad/core-tensor';
import { crossEntropy, Embedding, Linear } from '@webgrad/nn';
import { Adam } from '@webgrad/optim';
import { LSTM } from '@webgrad/layers-recurrent';
import type { BenchCase, BenchSuite, Tfjs } from '../../core-tensor/bench/bench-case.js';

const VOCAB = 65;
const T = 64;
const B = 32;

/**
 * One training step of a character LSTM language model with hidden size H:
 * embedding 65→H, one LSTM layer, output projection H→65, sequences of 64,
 * batch 32, cross-entropy, Adam. webgrad: `Embedding`, `LSTM` (input
 * projection of all 64 steps in one matmul, then per step one matmul and the
 * fused cell update), `Linear`, `Adam`. tfjs: tfjs-layers' LSTM with the
 * logistic sigmoid on its gates (its default is the hard sigmoid), the
 * embedding as a bias-free dense layer on one-hot input (tfjs-backend-wasm
 * cannot train tf.layers.embedding).
 */
function lstmTrainStep(H: number): BenchCase {
  // FLOPs of the matmuls: forward input projection, recurrence and head, backward twice that
  const forward = 2 * T * B * (4 * H * (H + H) + H * VOCAB);
  return {
    key: `lstm-train-${H}`,
    title: `LSTM train step, hidden ${H}, vocab ${VOCAB}, T ${T}, B ${B}, Adam`,
    flops: 3 * forward,
    webgrad() {
      const emb = new Embedding(VOCAB, H);
      const lstm = new LSTM(H, H);
      const head = new Linear(H, VOCAB);
      const params = [...emb.parameters(), ...lstm.parameters(), ...head.parameters()];
      const adam = new Adam(params, { lr: 1e-3 });
      const tokens = randint(0, VOCAB, [T, B]);
      const targets = randint(0, VOCAB, [T * B]);
      return {
        run: () =>
          tidy(() => {
            adam.zeroGrad();
            const [out] = lstm.forward(emb.forward(tokens));
            const loss = crossEntropy(head.forward(out).reshape([T * B, VOCAB]), targets);
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
          tf.layers.dense({ inputShape: [T, VOCAB], units: H, useBias: false }),
          tf.layers.lstm({ units: H, returnSequences: true, recurrentActivation: 'sigmoid' }),
          tf.layers.dense({ units: VOCAB }),
        ],
      });
      const vars = model.trainableWeights.map((w) => w.read() as import('@tensorflow/tfjs').Variable);
      const opt = tf.train.adam(1e-3, 0.9, 0.999, 1e-8);
      const x = tf.oneHot(tf.randomUniform([B, T], 0, VOCAB, 'int32'), VOCAB).toFloat();
      const y = tf.oneHot(tf.randomUniform([B, T], 0, VOCAB, 'int32'), VOCAB);
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

/** The LSTM training step of the bench: hidden 128 and 256, vocab 65, T 64, B 32. */
export const suite: BenchSuite = { name: 'layers-recurrent', cases: [lstmTrainStep(128), lstmTrainStep(256)] };
