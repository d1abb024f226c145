import { getBackend, setBackend, tensor, type Module } from 'webgrad';

/** Any module, whatever its forward signature. */
type AnyModule = Module<never[], unknown>;

/**
 * Runs `create` with the CPU as the active backend (and restores the active
 * one): for models or code that read tensors synchronously, which WebGPU
 * tensors cannot do.
 */
export function onCpu<T>(create: () => T): T {
  const active = getBackend().name;
  if (active === 'cpu') return create();
  setBackend('cpu');
  try {
    return create();
  } finally {
    setBackend(active);
  }
}

/** Copies the weights of `from` (on any backend, read asynchronously) into `to`, a model of the same shape on the CPU. */
export async function copyWeightsToCpu(from: AnyModule, to: AnyModule): Promise<void> {
  const copies = await Promise.all(
    Object.entries(from.stateDict()).map(
      async ([name, t]) =>
        [name, tensor(await t.data(), { shape: t.shape, dtype: t.dtype, backend: 'cpu' })] as const,
    ),
  );
  to.loadStateDict(Object.fromEntries(copies));
}
