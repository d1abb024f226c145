import { Generator, getBackend, rand, setBackend, tidy, type Tensor } from '@webgrad/core-tensor';
import { Adam } from '@webgrad/optim';
import { VAE } from '@webgrad/generative-vae';
import type { Tfjs } from '../../core-tensor/bench/bench-case.js';

/** Kingma & Welling's MNIST VAE: 784 → 400 → (μ, log σ²) ∈ ℝ²⁰ × ℝ²⁰, z → 400 → 784 Bernoulli logits, ReLU. */
export const SIZES = { input: 784, hidden: 400, latent: 20 } as const;
/** Images per training batch. */
export const TRAIN_BATCH = 128;
/** Pictures decoded per sampling run. */
export const SAMPLE_BATCH = 1024;

/** The two cases both halves of the bench time, with how many images one run handles. */
export const VAE_CASES: readonly {
  key: string;
  title: string;
  perRun: number;
  run: (m: VaeBenchModel) => Promise<unknown> | unknown;
}[] = [
  {
    key: 'vae-train-step',
    title: `VAE ${SIZES.input}-${SIZES.hidden}-${SIZES.latent} train step, batch ${TRAIN_BATCH}, Adam`,
    perRun: TRAIN_BATCH,
    run: (m) => m.trainStep(),
  },
  {
    key: 'vae-sample',
    title: `VAE ${SIZES.input}-${SIZES.hidden}-${SIZES.latent}: decode ${SAMPLE_BATCH} prior samples`,
    perRun: SAMPLE_BATCH,
    run: (m) => m.sample(),
  },
];

/** What one engine needs to time a train step and a sampling run. */
export interface VaeBenchModel {
  /** One Adam step on a batch (forward, loss, backward, update); resolves with the loss, read back. */
  trainStep(): Promise<number> | number;
  /** Decodes SAMPLE_BATCH prior samples to pictures and reads them back. */
  sample(): Promise<void> | void;
  /** Frees what the model holds. */
  dispose(): void;
}

/**
 * webgrad's VAE as a user writes it (`VAE.mlp`, `VAE.loss`, autograd, Adam)
 * on `backend`. The CPU harness needs synchronous steps, so `sync` makes the
 * train step read the loss with `item()` inside one `tidy` (what
 * `trainStep` does asynchronously); WebGPU uses `trainStep` itself.
 */
export function webgradVae(backend: 'cpu' | 'webgpu'): VaeBenchModel {
  const previous = getBackend().name;
  setBackend(backend, 'bench: build the model on the measured backend');
  let vae: VAE;
  try {
    vae = VAE.mlp({
      inputSize: SIZES.input,
      hiddenSizes: [SIZES.hidden],
      latentSize: SIZES.latent,
    });
  } finally {
    setBackend(previous, 'bench');
  }
  const adam = new Adam(vae.parameters(), { lr: 1e-3 });
  const x = rand([TRAIN_BATCH, SIZES.input], { backend }).ge(0.5).cast('float32');
  const generator = new Generator(0);
  return {
    trainStep:
      backend === 'cpu'
        ? () =>
            tidy(() => {
              adam.zeroGrad();
              const { loss } = vae.loss(x, { generator });
              loss.backward();
              adam.step();
              return loss.item();
            })
        : async () => (await vae.trainStep(x, adam, { generator })).loss,
    sample:
      backend === 'cpu'
        ? () => {
            const s = vae.sample(SAMPLE_BATCH, { generator });
            s.dataSync();
            s.dispose();
          }
        : async () => {
            const s = vae.sample(SAMPLE_BATCH, { generator });
            await s.data();
            s.dispose();
          },
    dispose: () => {
      for (const t of [...vae.parameters(), x] as Tensor[]) t.dispose();
    },
  };
}

/**
 * The same VAE, loss and Adam written in tfjs (`tf.train.adam`, sigmoid
 * cross-entropy, the closed-form KL). `read` says how results come back:
 * `dataSync` for the CPU harness, `await data()` on WebGPU (where tfjs's
 * synchronous read needs an OffscreenCanvas).
 */
export function tfjsVae(tf: Tfjs, read: 'sync' | 'async' = 'sync'): VaeBenchModel {
  const { input, hidden, latent } = SIZES;
  const layer = (i: number, o: number) => {
    const bound = 1 / Math.sqrt(i);
    return {
      w: tf.variable(tf.randomUniform([i, o], -bound, bound)),
      b: tf.variable(tf.randomUniform([o], -bound, bound)),
    };
  };
  const enc1 = layer(input, hidden);
  const enc2 = layer(hidden, 2 * latent);
  const dec1 = layer(latent, hidden);
  const dec2 = layer(hidden, input);
  const opt = tf.train.adam(1e-3, 0.9, 0.999, 1e-8);
  const x = tf.cast(tf.greater(tf.randomUniform([TRAIN_BATCH, input]), 0.5), 'float32');
  const decode = (z: ReturnType<Tfjs['randomNormal']>) =>
    tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(z, dec1.w), dec1.b)), dec2.w), dec2.b);
  const readBack = (t: ReturnType<Tfjs['scalar']>): Promise<number> | number => {
    if (read === 'sync') {
      const v = t.dataSync()[0]!;
      t.dispose();
      return v;
    }
    return t.data().then((d) => (t.dispose(), d[0]!));
  };
  return {
    trainStep: () =>
      readBack(
        tf.tidy(() =>
          opt.minimize(() => {
            const h = tf.add(
              tf.matMul(tf.relu(tf.add(tf.matMul(x, enc1.w), enc1.b)), enc2.w),
              enc2.b,
            );
            const mu = tf.slice(h, [0, 0], [TRAIN_BATCH, latent]);
            const logvar = tf.slice(h, [0, latent], [TRAIN_BATCH, latent]);
            const z = tf.add(
              mu,
              tf.mul(tf.exp(tf.mul(logvar, 0.5)), tf.randomNormal([TRAIN_BATCH, latent])),
            );
            const rec = tf.losses.sigmoidCrossEntropy(
              x,
              decode(z),
              undefined,
              undefined,
              tf.Reduction.SUM,
            );
            const kl = tf.mul(
              tf.sum(tf.sub(tf.sub(tf.add(tf.square(mu), tf.exp(logvar)), 1), logvar)),
              0.5,
            );
            return tf.div(tf.add(rec, kl), TRAIN_BATCH) as ReturnType<Tfjs['scalar']>;
          }, true)!,
        ),
      ),
    sample: () => {
      const s = tf.tidy(() => tf.sigmoid(decode(tf.randomNormal([SAMPLE_BATCH, latent]))));
      if (read === 'sync') {
        s.dataSync();
        s.dispose();
        return;
      }
      return s.data().then(() => s.dispose());
    },
    dispose: () => {
      opt.dispose();
      tf.dispose([...[enc1, enc2, dec1, dec2].flatMap((l) => [l.w, l.b]), x]);
    },
  };
}
