import {
  Adam,
  CATEGORICAL_PALETTE,
  Generator,
  VAE,
  indexSelect,
  interpolationPng,
  latentManifoldPng,
  latentMapPng,
  manualSeed,
  samplesPng,
  tensor,
} from 'webgrad';
import { digitsSplit } from '../worker/digits-split.js';
import type { Trainer } from '../worker/serve-trainer.js';

/** The VAE page's pictures (PNG bytes drawn by the generative-vae package) and its loss terms. */
export interface VaeView {
  latentMap: Uint8Array;
  interpolation: Uint8Array;
  samples: Uint8Array;
  manifold: Uint8Array;
  /** The colour of each digit class in the latent map, as CSS. */
  classColours: string[];
  /** The last training step's reconstruction and KL terms (nats per image), or null before training. */
  terms: { reconstruction: number; kl: number } | null;
}

/** Pairs of held-out digits (by class) the interpolation strip walks between. */
const PAIRS: readonly [number, number][] = [
  [0, 1],
  [3, 8],
  [4, 9],
  [2, 7],
];

/** The page's trainer, created by the training worker (`src/worker/training.worker.ts`). */
export async function createTrainer(): Promise<Trainer<VaeView, Record<string, never>>> {
  const { xTrain, xTest, yTest } = digitsSplit();
  const testLabels = Array.from(await yTest.data(), Number);
  const firstOf = (digit: number): number => testLabels.indexOf(digit);
  const from = indexSelect(
    xTest,
    0,
    tensor(
      PAIRS.map(([a]) => firstOf(a)),
      { dtype: 'int32' },
    ),
  );
  const to = indexSelect(
    xTest,
    0,
    tensor(
      PAIRS.map(([, b]) => firstOf(b)),
      { dtype: 'int32' },
    ),
  );
  let vae: VAE;
  let optimizer: Adam;
  let terms: VaeView['terms'] = null;
  return {
    build() {
      manualSeed(0);
      vae = VAE.mlp({ inputSize: 64, hiddenSizes: [128], latentSize: 2 });
      optimizer = new Adam(vae.parameters(), { lr: 3e-3 });
      terms = null;
    },
    async step() {
      const { loss, reconstruction, kl } = await vae.trainStep(xTrain, optimizer);
      terms = { reconstruction, kl };
      return [loss];
    },
    async view() {
      return {
        latentMap: await latentMapPng(vae, xTest, yTest, { size: 320 }),
        interpolation: await interpolationPng(vae, from, to, 10, { scale: 4 }),
        samples: await samplesPng(vae, 32, { columns: 8, scale: 4, generator: new Generator(1) }),
        manifold: await latentManifoldPng(vae, { steps: 12, scale: 3 }),
        classColours: CATEGORICAL_PALETTE.slice(0, 10).map(([r, g, b]) => `rgb(${r},${g},${b})`),
        terms,
      };
    },
    viewEvery: 25,
  };
}
