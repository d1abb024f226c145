import { init, type BackendInfo } from 'webgrad';

/**
 * Initialises webgrad with `backend: 'auto'` (WebGPU where the browser exposes
 * an adapter, else the CPU) and writes which backend the page runs on, and why,
 * into `element`.
 */
export async function initBackend(element: HTMLElement): Promise<BackendInfo> {
  const info = await init({ backend: 'auto' });
  const reason = info.reason !== undefined ? ` — ${info.reason}` : '';
  element.textContent = `backend: ${info.name} (${info.device})${reason}`;
  element.dataset.backend = info.name;
  return info;
}
