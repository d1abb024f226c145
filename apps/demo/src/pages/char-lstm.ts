import { byId, mountWorkerPage } from '../worker-page.js';
import type { CharLstmView } from '../workers/char-lstm.worker.js';

const sampleBox = byId<HTMLPreElement>('sample');

mountWorkerPage<CharLstmView>({
  worker: new Worker(new URL('../workers/char-lstm.worker.ts', import.meta.url), {
    type: 'module',
  }),
  render: ({ sample }) => {
    sampleBox.textContent = sample;
  },
});
