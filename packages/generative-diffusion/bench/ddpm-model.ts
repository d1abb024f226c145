import { Generator, getBackend, randn, setBackend, tidy, type Tensor } from '@webgrad/core-tensor';
import { Adam } from '@webgrad/optim';
import { DDPM, DiffusionSchedule, MlpDenoiser } from '@webgrad/generative-diffusion';
import type { Tfjs } from '../../core-tensor/bench/bench-case.js';

/**
 * The digits model of the tests: a residual MLP denoiser on 64 pixels
 * (hidden width 128, 3 blocks, 32-wide sinusoidal time embedding),
 * v-prediction, 100 steps of the cosine schedule.
 */
export const SIZES = { data: 64, hidden: 128, blocks: 3, timeEmbed: 32, timesteps: 100 } as const;
/** Images per training batch. */
export const TRAIN_BATCH = 128;
/** Samples drawn per sampling run, and the DDIM steps each takes. */
export const SAMPLE_BATCH = 256;
export const SAMPLE_STEPS = 25;

/** What one engine needs to time a train step and a sampling run. */
export interface DdpmBenchModel {
  /** One Adam step on a batch (t, ε, forward, loss, backward, update); resolves with the loss, read back. */
  trainStep(): Promise<number> | number;
  /** Draws SAMPLE_BATCH samples with SAMPLE_STEPS deterministic DDIM steps and reads them back. */
  sample(): Promise<void> | void;
  /** Frees what the model holds. */
  dispose(): void;
}

const architecture = `MLP ${SIZES.data}-${SIZES.hidden}×${SIZES.blocks}, T=${SIZES.timesteps}`;

/** The cases both halves of the bench time, with how many images one run handles. */
export const DDPM_CASES: readonly {
  key: string;
  title: string;
  perRun: number;
  run: (m: DdpmBenchModel) => Promise<unknown> | unknown;
}[] = [
  {
    key: 'ddpm-train-step',
    title: `DDPM ${architecture}, v-prediction: train step, batch ${TRAIN_BATCH}, Adam`,
    perRun: TRAIN_BATCH,
    run: (m) => m.trainStep(),
  },
  {
    key: 'ddpm-sample',
    title: `DDPM ${architecture}: ${SAMPLE_BATCH} samples, DDIM ${SAMPLE_STEPS} steps`,
    perRun: SAMPLE_BATCH,
    run: (m) => m.sample(),
  },
];

/**
 * webgrad's model as a user writes it (`DDPM`, `MlpDenoiser`, autograd,
 * Adam) on `backend`. The CPU harness needs synchronous steps, so there the
 * train step reads the loss with `item()` inside one `tidy` (what
 * `trainStep` does asynchronously); WebGPU uses `trainStep` itself.
 */
export function webgradDdpm(backend: 'cpu' | 'webgpu'): DdpmBenchModel {
  const previous = getBackend().name;
  setBackend(backend, 'bench: build the model on the measured backend');
  let ddpm: DDPM;
  try {
    const net = new MlpDenoiser({
      dataDim: SIZES.data,
      hiddenDim: SIZES.hidden,
      numBlocks: SIZES.blocks,
      timeEmbedDim: SIZES.timeEmbed,
    });
    ddpm = new DDPM(net, DiffusionSchedule.cosine(SIZES.timesteps), { prediction: 'v' });
  } finally {
    setBackend(previous, 'bench');
  }
  const adam = new Adam(ddpm.parameters(), { lr: 1e-3 });
  const x = randn([TRAIN_BATCH, SIZES.data], { backend }).tanh();
  const generator = new Generator(0);
  const draw = (): Tensor =>
    ddpm.sampleDdim([SAMPLE_BATCH, SIZES.data], { steps: SAMPLE_STEPS, generator }).samples;
  return {
    trainStep:
      backend === 'cpu'
        ? () =>
            tidy(() => {
              adam.zeroGrad();
              const loss = ddpm.loss(x, { generator });
              loss.backward();
              adam.step();
              return loss.item();
            })
        : () => ddpm.trainStep(adam, x, { generator }),
    sample:
      backend === 'cpu'
        ? () => {
            const s = draw();
            s.dataSync();
            s.dispose();
          }
        : async () => {
            const s = draw();
            await s.data();
            s.dispose();
          },
    dispose: () => {
      for (const t of [...ddpm.parameters(), x] as Tensor[]) t.dispose();
      ddpm.schedule.dispose();
    },
  };
}

/**
 * The same denoiser, loss, Adam and DDIM sampler written in tfjs. `read`
 * says how results come back: `dataSync` for the CPU harness, `await data()`
 * on WebGPU (where tfjs's synchronous read needs an OffscreenCanvas).
 */
export function tfjsDdpm(tf: Tfjs, read: 'sync' | 'async' = 'sync'): DdpmBenchModel {
  type T2 = ReturnType<Tfjs['zeros']>;
  const { data, hidden, blocks, timeEmbed, timesteps } = SIZES;
  const linear = (i: number, o: number): { w: T2; b: T2; at: (x: T2) => T2 } => {
    const bound = 1 / Math.sqrt(i);
    const w = tf.variable(tf.randomUniform([i, o], -bound, bound));
    const b = tf.variable(tf.randomUniform([o], -bound, bound));
    return { w, b, at: (x) => tf.add(tf.matMul(x, w), b) };
  };
  const silu = (x: T2): T2 => tf.mul(x, tf.sigmoid(x));
  const time1 = linear(timeEmbed, hidden);
  const time2 = linear(hidden, hidden);
  const input = linear(data, hidden);
  const layers = Array.from({ length: blocks }, () => ({
    fc1: linear(hidden, hidden),
    time: linear(hidden, hidden),
    fc2: linear(hidden, hidden),
  }));
  const output = linear(hidden, data);
  const all = [time1, time2, input, ...layers.flatMap((l) => [l.fc1, l.time, l.fc2]), output];
  const half = timeEmbed / 2;
  const freqs = tf.tensor1d(
    Array.from({ length: half }, (_, i) => Math.exp((-Math.log(10000) * i) / (half - 1))),
  );
  // the cosine schedule's √ᾱ and √(1 − ᾱ), as webgrad computes them
  const schedule = DiffusionSchedule.cosine(timesteps);
  const rootAbar = tf.tensor1d(Array.from(schedule.sqrtAlphasCumprod));
  const rootOneMinus = tf.tensor1d(Array.from(schedule.sqrtOneMinusAlphasCumprod));
  const model = (z: T2, t: T2): T2 => {
    const angles = tf.mul(tf.reshape(tf.cast(t, 'float32'), [-1, 1]), tf.reshape(freqs, [1, half]));
    const e = silu(time2.at(silu(time1.at(tf.concat([tf.sin(angles), tf.cos(angles)], 1)))));
    let h = input.at(z);
    for (const l of layers) h = tf.add(h, l.fc2.at(silu(tf.add(l.fc1.at(h), l.time.at(e)))));
    return output.at(silu(h));
  };
  const opt = tf.train.adam(1e-3, 0.9, 0.999, 1e-8);
  const x = tf.tanh(tf.randomNormal([TRAIN_BATCH, data]));
  const tau = Array.from({ length: SAMPLE_STEPS }, (_, k) =>
    Math.round((k * (timesteps - 1)) / (SAMPLE_STEPS - 1)),
  );
  // the same read-back as generative-vae's bench model (each package's bench model stands alone):
  // the CPU harness times synchronous steps, WebGPU asynchronous ones
  const readBack = (t: T2): Promise<number> | number => {
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
            const t = tf.randomUniform([TRAIN_BATCH], 0, timesteps, 'int32');
            const noise = tf.randomNormal([TRAIN_BATCH, data]);
            const a = tf.reshape(tf.gather(rootAbar, t), [-1, 1]);
            const s = tf.reshape(tf.gather(rootOneMinus, t), [-1, 1]);
            const zt = tf.add(tf.mul(a, x), tf.mul(s, noise));
            const v = tf.sub(tf.mul(a, noise), tf.mul(s, x));
            return tf.mean(tf.square(tf.sub(model(zt, t), v))) as ReturnType<Tfjs['scalar']>;
          }, true)!,
        ),
      ),
    sample: () => {
      let z = tf.randomNormal([SAMPLE_BATCH, data]);
      for (let i = tau.length - 1; i >= 0; i--) {
        const step = tau[i]!;
        const [a, s] = [
          schedule.sqrtAlphasCumprod[step]!,
          schedule.sqrtOneMinusAlphasCumprod[step]!,
        ];
        const aPrev = i > 0 ? schedule.alphasCumprod[tau[i - 1]!]! : 1;
        const next = tf.tidy(() => {
          const v = model(z, tf.fill([SAMPLE_BATCH], step, 'int32'));
          const x0 = tf.sub(tf.mul(z, a), tf.mul(v, s));
          const eps = tf.add(tf.mul(z, s), tf.mul(v, a));
          return tf.add(tf.mul(x0, Math.sqrt(aPrev)), tf.mul(eps, Math.sqrt(1 - aPrev)));
        });
        z.dispose();
        z = next;
      }
      if (read === 'sync') {
        z.dataSync();
        z.dispose();
        return;
      }
      return z.data().then(() => z.dispose());
    },
    dispose: () => {
      opt.dispose();
      tf.dispose([...all.flatMap((l) => [l.w, l.b]), freqs, rootAbar, rootOneMinus, x]);
      schedule.dispose();
    },
  };
}
