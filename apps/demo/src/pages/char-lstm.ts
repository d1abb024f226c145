import { byId, mountWorkerPage } from '../worker-page.js';
import type { CharLstmView } from '../trainers/char-lstm.js';

const sampleBox = byId<HTMLPreElement>('sample');

mountWorkerPage<CharLstmView>({
  trainer: 'char-lstm',
  render: ({ sample }) => {
    sampleBox.textContent = sample;
  },
});
