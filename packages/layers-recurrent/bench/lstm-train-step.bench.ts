import { randint, setBackend, getBackend, tidy } from '@webgrad/core-tensor';
import { crossEntropy, Embedding, Linear } from '@webgrad/nn';
import { Adam } from '@webgrad/optim';
import { LSTM } from '@webgrad/layers-recurrent';
import type { BenchCase, BenchSuite, Tfjs } from '../../core-tensor/bench/bench-case.js';

const VOCAB = 65;
const T = 64;
const B = 32;

/** The hidden sizes benchmarked. */
export const LSTM_HIDDEN_SIZES = [128, 256] as const;

/** A timed unit of work that may finish asynchronously (a GPU step reads its loss back). */
export interface AsyncStep {
  /** One training step, including reading the loss (so nothing stays queued). */
  run(): Promise<void> | void;
  /** Frees what the step holds. */
  dispose(): void;
}

/**
 * webgrad's step on `backend`: `Embedding` 65→H, `LSTM` H→H (input
 * projection of all 64 steps in one matmul, then per step one matmul and the
 * fused cell update), `Linear` H→65, cross-entropy, `Adam`.
 */
export function webgradLstmStep(H: number, backend: string): AsyncStep {
  const previous = getBackend().name;
  setBackend(backend);
  try {
    const emb = new Embedding(VOCAB, H);
    const lstm = new LSTM(H, H);
    const head = new Linear(H, VOCAB);
    const params = [...emb.parameters(), ...lstm.parameters(), ...head.parameters()];
    const adam = new Adam(params, { lr: 1e-3 });
    const tokens = randint(0, VOCAB, [T, B]);
    const targets = randint(0, VOCAB, [T * B]);
    const step = () =>
      tidy(() => {
        adam.zeroGrad();
        const [out] = lstm.forward(emb.forward(tokens));
        const loss = crossEntropy(head.forward(out).reshape([T * B, VOCAB]), targets);
        loss.backward();
        adam.step();
        return loss;
      });
    return {
      run: async () => {
        const loss = step();
        await loss.itemAsync();
        loss.dispose();
      },
      dispose: () => {
        for (const t of [...params, tokens, targets]) t.dispose();
      },
    };
  } finally {
    setBackend(previous);
  }
}

/**
 * The same step in tfjs-layers on tfjs's active backend: the LSTM with the
 * logistic sigmoid on its gates (tfjs defaults to the hard sigmoid), the
 * embedding as a bias-free dense layer on one-hot input (tfjs-backend-wasm
 * cannot train tf.layers.embedding). `read` says how the loss is read back.
 */
export function tfjsLstmStep(tf: Tfjs, H: number, read: 'sync' | 'async'): AsyncStep {
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
  const step = () => opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x) as import('@tensorflow/tfjs').Tensor), true, vars)!;
  return {
    run:
      read === 'sync'
        ? () => tf.tidy(() => void step().dataSync())
        : async () => {
            const loss = step();
            await loss.data();
            loss.dispose();
          },
    dispose: () => {
      opt.dispose();
      model.dispose();
      tf.dispose([x, y]);
    },
  };
}

/**
 * One training step of a character LSTM language model with hidden size H:
 * vocab 65, sequences of 64, batch 32, cross-entropy, Adam; webgrad's CPU
 * backend against tfjs-layers on tfjs's CPU and WebAssembly backends.
 */
function lstmTrainStep(H: number): BenchCase {
  // FLOPs of the matmuls: forward input projection, recurrence and head; backward twice that
  const forward = 2 * T * B * (4 * H * (H + H) + H * VOCAB);
  return {
    key: `lstm-train-${H}`,
    title: `LSTM train step, hidden ${H}, vocab ${VOCAB}, T ${T}, B ${B}, Adam`,
    flops: 3 * forward,
    webgrad() {
      const s = webgradLstmStep(H, 'cpu');
      // on the CPU the loss is ready when the step returns
      return { run: () => void s.run(), dispose: () => s.dispose() };
    },
    tfjs(tf: Tfjs) {
      const s = tfjsLstmStep(tf, H, 'sync');
      return { run: () => void s.run(), dispose: () => s.dispose() };
    },
  };
}

/** The LSTM training step of the bench: hidden 128 and 256, vocab 65, T 64, B 32. */
export const suite: BenchSuite = { name: 'layers-recurrent', cases: LSTM_HIDDEN_SIZES.map(lstmTrainStep) };
