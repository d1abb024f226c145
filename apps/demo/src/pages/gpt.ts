import { byId, mountWorkerPage } from '../worker-page.js';
import type { GptRequests, GptView } from '../trainers/gpt.js';

const preview = byId<HTMLPreElement>('sample');
const output = byId<HTMLPreElement>('generated');
const input = <T extends HTMLElement>(id: string): T => byId<T>(id);

const page = mountWorkerPage<GptView, GptRequests>({
  trainer: 'gpt',
  render: ({ sample }) => {
    preview.textContent = sample;
  },
});

// the slider values next to the sliders
for (const id of ['temperature', 'top-k', 'top-p']) {
  const slider = input<HTMLInputElement>(id);
  const shown = byId(`${id}-value`);
  const update = (): void => {
    shown.textContent = slider.value;
  };
  slider.oninput = update;
  update();
}

const button = byId<HTMLButtonElement>('generate');
button.onclick = async () => {
  button.disabled = true;
  output.textContent = 'generating…';
  const topK = Number(input<HTMLInputElement>('top-k').value);
  const topP = Number(input<HTMLInputElement>('top-p').value);
  const useCache = input<HTMLInputElement>('kv-cache').checked;
  try {
    const { text, tokensPerSecond } = await page.request('generate', {
      prompt: input<HTMLTextAreaElement>('prompt').value,
      maxNewTokens: Number(input<HTMLInputElement>('length').value),
      temperature: Number(input<HTMLInputElement>('temperature').value),
      // 0 and 1 are the sliders' "off" ends
      topK: topK === 0 ? null : topK,
      topP: topP === 1 ? null : topP,
      seed: Number(input<HTMLInputElement>('seed').value),
      useCache,
    });
    output.textContent = text;
    byId('speed').textContent =
      `${tokensPerSecond.toFixed(0)} characters/s ${useCache ? 'with' : 'without'} the KV cache`;
  } catch (error) {
    output.textContent = `could not generate: ${(error as Error).message}`;
  } finally {
    button.disabled = false;
  }
};
