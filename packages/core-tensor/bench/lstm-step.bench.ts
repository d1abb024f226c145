import { randint, tidy } from '@webgrad/core-tensor';
import { LSTM } from '@webgrad/layers-recurrent';
import { crossEntropy, Embedding, Linear } from '@webgrad/nn';
import { Adam } from '@webgrad/optim';
import type { BenchCase, BenchSuite, Tfjs } from './bench-case.js';

const HIDDEN = 128;
const VOCAB = 65;
const EMBED = 128;
const T = 64;
const B = 32;

/**
 * One training step of a character LSTM language model: embedding 65→128,
 * one LSTM layer of hidden size 128, output projection 128→65, sequences of
 * 64, batch 32, cross-entropy, Adam. webgrad runs `@webgrad/nn` Embedding and
 * Linear, `@webgrad/layers-recurrent` LSTM and `@webgrad/optim` Adam; tfjs
 * runs tfjs-layers' LSTM with the logistic sigmoid for its gates.
 */
const lstmStep: BenchCase = {
  key: 'lstm-step',
  title: `LSTM train step, hidden ${HIDDEN}, vocab ${VOCAB}, T ${T}, B ${B}, Adam`,
  webgrad() {
    const emb = new Embedding(VOCAB, EMBED);
    const lstm = new LSTM(EMBED, HIDDEN);
    const head = new Linear(HIDDEN, VOCAB);
    const params = [...emb.parameters(), ...lstm.parameters(), ...head.parameters()];
    const adam = new Adam(params, { lr: 1e-3 });
    // [T, B] token ids (the layer's default time-major layout) and next-token targets
    const tokens = randint(0, VOCAB, [T, B]);
    const targets = randint(0, VOCAB, [T * B]);
    return {
      run: () =>
        tidy(() => {
          adam.zeroGrad();
          const [out] = lstm.forward(emb.forward(tokens));
          const logits = head.forward(out).reshape([T * B, VOCAB]);
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
        tf.layers.dense({ inputShape: [T, VOCAB], units: EMBED, useBias: false }),
        // tfjs defaults to hard sigmoid for the gates; PyTorch (and webgrad) use the logistic sigmoid
        tf.layers.lstm({ units: HIDDEN, returnSequences: true, recurrentActivation: 'sigmoid' }),
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

/** A recurrent model's full training step: 64 sequential small matmuls and hundreds of small ops per step. */
export const suite: BenchSuite = { name: 'lstm', cases: [lstmStep] };
