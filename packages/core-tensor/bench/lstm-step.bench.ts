import { add, concat, gather, indexSelect, keep, logSoftmax, matmul, mul, narrow, neg, randint, randn, sigmoid, tanh, tidy, transpose, zeros, type Tensor } from '@webgrad/core-tensor';
import '@webgrad/autograd';
import { AdamStep } from './adam-step.js';
import type { BenchCase, BenchSuite, Tfjs } from './bench-case.js';

const HIDDEN = 128;
const VOCAB = 65;
const EMBED = 128;
const T = 64;
const B = 32;

/** A trainable leaf: `scale`·N(0, 1), requiring grad, kept out of every tidy. */
function param(shape: number[], scale: number): Tensor {
  return keep(mul(randn(shape), scale)).requiresGrad_();
}

/**
 * One training step of a character LSTM language model (embedding 65→128,
 * LSTM hidden 128, output projection 128→65, sequences of 64, batch 32,
 * Adam), built from core ops: embedding by `indexSelect`, the input
 * projection of all time steps in one matmul, then per step the recurrent
 * matmul and the gates (i, f, g, o as PyTorch orders them).
 */
const lstmStep: BenchCase = {
  key: 'lstm-step',
  title: `LSTM train step, hidden ${HIDDEN}, vocab ${VOCAB}, T ${T}, B ${B}, Adam`,
  webgrad() {
    const k = 1 / Math.sqrt(HIDDEN);
    const emb = param([VOCAB, EMBED], 1);
    const wIh = param([4 * HIDDEN, EMBED], k);
    const wHh = param([4 * HIDDEN, HIDDEN], k);
    const bias = param([4 * HIDDEN], k);
    const wOut = param([VOCAB, HIDDEN], k);
    const bOut = param([VOCAB], k);
    const params = [emb, wIh, wHh, bias, wOut, bOut];
    const adam = new AdamStep(params);
    // time-major token ids, so the rows of step t are contiguous
    const tokens = randint(0, VOCAB, [T * B]);
    const targets = randint(0, VOCAB, [T * B, 1]);
    return {
      run: () =>
        tidy(() => {
          for (const p of params) {
            p.grad?.dispose();
            p.grad = null;
          }
          const xProj = add(matmul(indexSelect(emb, 0, tokens), transpose(wIh)), bias);
          const wHhT = transpose(wHh);
          let h = zeros([B, HIDDEN]);
          let c = zeros([B, HIDDEN]);
          const hs: Tensor[] = [];
          for (let t = 0; t < T; t++) {
            const gates = add(narrow(xProj, 0, t * B, B), matmul(h, wHhT));
            const i = sigmoid(narrow(gates, 1, 0, HIDDEN));
            const f = sigmoid(narrow(gates, 1, HIDDEN, HIDDEN));
            const g = tanh(narrow(gates, 1, 2 * HIDDEN, HIDDEN));
            const o = sigmoid(narrow(gates, 1, 3 * HIDDEN, HIDDEN));
            c = add(mul(f, c), mul(i, g));
            h = mul(o, tanh(c));
            hs.push(h);
          }
          const logits = add(matmul(concat(hs, 0), transpose(wOut)), bOut);
          const loss = neg(gather(logSoftmax(logits, 1), 1, targets).mean());
          loss.backward();
          adam.step();
          loss.item();
        }),
      dispose: () => {
        adam.dispose();
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

/** A recurrent model's full training step: 64 sequential small matmuls and ~1,500 small ops per step. */
export const suite: BenchSuite = { name: 'lstm', cases: [lstmStep] };
