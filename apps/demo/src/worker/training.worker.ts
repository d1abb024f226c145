import { serveTrainer, type Trainer } from './serve-trainer.js';
import type { RequestMap } from './protocol.js';

/** A page's trainer module (`src/trainers/<page>.ts`). */
interface TrainerModule {
  createTrainer(): Trainer<unknown, RequestMap> | Promise<Trainer<unknown, RequestMap>>;
}

// One worker for every page (one bundle to build and cache): the page names
// its trainer in the worker's name, and only that trainer's code is loaded.
const trainers: Record<string, () => Promise<TrainerModule>> = {
  xor: () => import('../trainers/xor.js'),
  digits: () => import('../trainers/digits.js'),
  'char-lstm': () => import('../trainers/char-lstm.js'),
  'rnn-vs-lstm': () => import('../trainers/rnn-vs-lstm.js'),
  vae: () => import('../trainers/vae.js'),
  'diffusion-2d': () => import('../trainers/diffusion-2d.js'),
  'diffusion-digits': () => import('../trainers/diffusion-digits.js'),
  gpt: () => import('../trainers/gpt.js'),
};

serveTrainer(async () => {
  const load = trainers[self.name];
  if (load === undefined)
    throw new Error(
      `no trainer '${self.name}': the worker's name must be one of ${Object.keys(trainers).join(', ')}`,
    );
  return (await load()).createTrainer();
});
