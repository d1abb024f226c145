import { init, type BackendChoice, type BackendInfo } from 'webgrad';

const CHOICES: readonly BackendChoice[] = ['auto', 'cpu', 'webgpu'];

/**
 * Initialises webgrad and writes which backend the page runs on, and why, into
 * `element`. The choice is `auto` (WebGPU where the browser exposes a preferred
 * adapter, else the CPU) unless the page's URL asks for another with
 * `?backend=cpu` or `?backend=webgpu`.
 */
export async function initBackend(element: HTMLElement): Promise<BackendInfo> {
  const asked = new URLSearchParams(location.search).get('backend') ?? 'auto';
  const choice = CHOICES.find((c) => c === asked);
  if (choice === undefined)
    throw new Error(`?backend= must be one of ${CHOICES.join(', ')}, got '${asked}'`);
  const info = await init({ backend: choice });
  const reason = info.reason !== undefined ? ` — ${info.reason}` : '';
  element.textContent = `backend: ${info.name} (${info.device})${reason}`;
  element.dataset.backend = info.name;
  return info;
}
