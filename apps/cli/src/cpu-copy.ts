import { getBackend, setBackend, tensor, type Tensor } from '@webgrad/core-tensor';
import type { TrainedModel } from './restore-model.js';

/** `t` on the CPU: itself, or a copy read back asynchronously (so from any backend). */
export async function cpuTensor(t: Tensor): Promise<Tensor> {
  return t.backend.name === 'cpu' ? t : tensor(await t.data(), { shape: t.shape, dtype: t.dtype, backend: 'cpu' });
}

/**
 * `model` itself when it lives on the CPU, else a copy built there by
 * `build()` with its weights: for the seq2seq decoders, which read tensors
 * synchronously, which only the CPU backend can.
 */
export async function onCpu<M extends TrainedModel>(model: M, build: () => M): Promise<M> {
  const weights = model.stateDict();
  if (Object.values(weights).every((t) => t.backend.name === 'cpu')) return model;
  const copies: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(weights)) copies[name] = await cpuTensor(t);
  const previous = getBackend().name;
  setBackend('cpu', 'a CPU copy for synchronous reads');
  try {
    const copy = build();
    copy.loadStateDict(copies);
    return copy;
  } finally {
    setBackend(previous, 'back to the backend in use');
  }
}
