import { matmul, randint, randn, relu, setBackend, tidy, type Tensor } from '@webgrad/core-tensor';
import { LSTM } from '@webgrad/layers-recurrent';
import { crossEntropy, Embedding, Linear } from '@webgrad/nn';
import { Adam } from '@webgrad/optim';
import type { Tfjs } from '../bench-case.js';
import { lenetStep, unetBlockStep } from './conv-step-cases.js';

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

/** Products queued back to back per timed run (fewer for large n), so launch and readback costs are amortised as in a model. */
function repsFor(n: number): number {
  return n >= 2048 ? 1 : n >= 1024 ? 2 : 4;
}

/**
 * `REPS` products C = A·B of n×n matrices, then the last C read back. With
 * `dtype` float16 webgrad multiplies half matrices (f16 storage, f32
 * accumulation; the runner inits WebGPU with `float16: true`) while tfjs,
 * which has no float16, stays float32: set beside the float32 line of the same
 * n it shows what half storage buys on this adapter.
 */
function matmulCase(n: number, dtype: 'float32' | 'float16' = 'float32'): GpuBenchCase {
  const REPS = repsFor(n);
  const half = dtype === 'float16';
  return {
    key: half ? `matmul-f16-${n}` : `matmul-${n}`,
    title: `${REPS}× matmul ${n}x${n} @ ${n}x${n} on WebGPU${half ? ' (webgrad float16, tfjs float32)' : ''}`,
    flops: REPS * 2 * n * n * n,
    webgrad() {
      const a: Tensor = randn([n, n], { backend: 'webgpu', dtype });
      const b: Tensor = randn([n, n], { backend: 'webgpu', dtype });
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

/** One Adam step on the loss `lossOf()` builds, its value read back (asynchronously: WebGPU cannot read synchronously). */
export function adamStep(adam: Adam, lossOf: () => Tensor): () => Promise<void> {
  return async () => {
    const loss = tidy(() => {
      adam.zeroGrad();
      const l = lossOf();
      l.backward();
      adam.step();
      return l;
    });
    await loss.itemAsync();
    loss.dispose();
  };
}

const BATCH = 128;
const SIZES = [784, 256, 256, 10] as const;

/**
 * One training step of a 784-256-256-10 ReLU MLP, batch 128, Adam, loss read
 * back: the CPU suite's `mlp-step` on WebGPU. That case reads its loss
 * synchronously, which neither library can do on WebGPU, so both sides are
 * written again here with asynchronous reads.
 */
const mlpStep: GpuBenchCase = {
  key: 'mlp-step',
  title: `MLP ${SIZES.join('-')} train step, batch ${BATCH}, Adam, on WebGPU`,
  flops: 6 * BATCH * (SIZES[0] * SIZES[1] + SIZES[1] * SIZES[2] + SIZES[2] * SIZES[3]),
  webgrad() {
    // modules create their parameters on the active backend
    setBackend('webgpu');
    const layers = [new Linear(SIZES[0], SIZES[1]), new Linear(SIZES[1], SIZES[2]), new Linear(SIZES[2], SIZES[3])];
    const params = layers.flatMap((l) => l.parameters());
    const adam = new Adam(params, { lr: 1e-3 });
    const x = randn([BATCH, SIZES[0]]);
    const labels = randint(0, SIZES[3], [BATCH]);
    return {
      run: adamStep(adam, () => crossEntropy(layers[2]!.forward(relu(layers[1]!.forward(relu(layers[0]!.forward(x))))), labels)),
      dispose() {
        for (const t of [...params, x, labels]) t.dispose();
        setBackend('cpu');
      },
    };
  },
  tfjs(tf) {
    const ws = [0, 1, 2].map((i) => tf.variable(tf.randomUniform([SIZES[i]!, SIZES[i + 1]!], -0.05, 0.05)));
    const bs = [0, 1, 2].map((i) => tf.variable(tf.zeros([SIZES[i + 1]!])));
    const opt = tf.train.adam(1e-3, 0.9, 0.999, 1e-8);
    const x = tf.randomNormal([BATCH, SIZES[0]]);
    const y = tf.oneHot(tf.randomUniform([BATCH], 0, SIZES[3], 'int32'), SIZES[3]);
    const layer = (h: ReturnType<Tfjs['randomNormal']>, i: number) => tf.add(tf.matMul(h, ws[i]!), bs[i]!);
    return {
      async run() {
        const loss = tf.tidy(() => opt.minimize(() => tf.losses.softmaxCrossEntropy(y, layer(tf.relu(layer(tf.relu(layer(x, 0)), 1)), 2)), true)!);
        await loss.data();
        loss.dispose();
      },
      dispose() {
        opt.dispose();
        tf.dispose([...ws, ...bs, x, y]);
      },
    };
  },
};

const HIDDEN = 128;
const VOCAB = 65;
const T = 64;
const B = 32;

/**
 * One training step of a character LSTM language model (embedding 65→128,
 * LSTM hidden 128, projection 128→65, sequences of 64, batch 32, Adam): the
 * CPU suite's `lstm-step` on WebGPU, with asynchronous reads (see `mlpStep`).
 */
const lstmStep: GpuBenchCase = {
  key: 'lstm-step',
  title: `LSTM train step, hidden ${HIDDEN}, vocab ${VOCAB}, T ${T}, B ${B}, Adam, on WebGPU`,
  // forward + backward ≈ 3× the forward's multiply-adds: 4 gates · (input + hidden) · hidden per token, plus the projection
  flops: 3 * 2 * T * B * (4 * HIDDEN * (HIDDEN + HIDDEN) + HIDDEN * VOCAB),
  webgrad() {
    setBackend('webgpu');
    const emb = new Embedding(VOCAB, HIDDEN);
    const lstm = new LSTM(HIDDEN, HIDDEN);
    const head = new Linear(HIDDEN, VOCAB);
    const params = [...emb.parameters(), ...lstm.parameters(), ...head.parameters()];
    const adam = new Adam(params, { lr: 1e-3 });
    const tokens = randint(0, VOCAB, [T, B]);
    const targets = randint(0, VOCAB, [T * B]);
    return {
      run: adamStep(adam, () => crossEntropy(head.forward(lstm.forward(emb.forward(tokens))[0]).reshape([T * B, VOCAB]), targets)),
      dispose() {
        for (const t of [...params, tokens, targets]) t.dispose();
        setBackend('cpu');
      },
    };
  },
  tfjs(tf) {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [T, VOCAB], units: HIDDEN, useBias: false }),
        // tfjs defaults to hard sigmoid gates; PyTorch (and webgrad) use the logistic sigmoid
        tf.layers.lstm({ units: HIDDEN, returnSequences: true, recurrentActivation: 'sigmoid' }),
        tf.layers.dense({ units: VOCAB }),
      ],
    });
    const opt = tf.train.adam(1e-3, 0.9, 0.999, 1e-8);
    const x = tf.oneHot(tf.randomUniform([B, T], 0, VOCAB, 'int32'), VOCAB).toFloat();
    const y = tf.oneHot(tf.randomUniform([B, T], 0, VOCAB, 'int32'), VOCAB);
    return {
      async run() {
        const loss = tf.tidy(() => opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x) as ReturnType<Tfjs['randomNormal']>), true)!);
        await loss.data();
        loss.dispose();
      },
      dispose() {
        opt.dispose();
        model.dispose();
        tf.dispose([x, y]);
      },
    };
  },
};

/** Every WebGPU case, in print order. */
export const WEBGPU_CASES: readonly GpuBenchCase[] = [
  ...[256, 512, 1024, 2048].map((n) => matmulCase(n)),
  ...[512, 1024].map((n) => matmulCase(n, 'float16')),
  mlpStep,
  lstmStep,
  lenetStep,
  unetBlockStep,
];
