import type { BackendChoice } from 'webgrad';
import type { BackendReport } from './worker/protocol.js';

const CHOICES: readonly BackendChoice[] = ['auto', 'cpu', 'webgpu'];

/**
 * The backend the page's URL asks for: `auto` (WebGPU where the browser
 * exposes a preferred adapter, else the CPU) unless `?backend=cpu` or
 * `?backend=webgpu` says otherwise.
 */
export function backendChoice(): BackendChoice {
  const asked = new URLSearchParams(location.search).get('backend') ?? 'auto';
  const choice = CHOICES.find((c) => c === asked);
  if (choice === undefined)
    throw new Error(`?backend= must be one of ${CHOICES.join(', ')}, got '${asked}'`);
  return choice;
}

/** Writes which backend the worker runs on, on which device and why, into `element`. */
export function showBackend(element: HTMLElement, info: BackendReport): void {
  const reason = info.reason !== undefined ? ` — ${info.reason}` : '';
  element.textContent = `backend: ${info.name} (${info.device})${reason}; training runs in a Web Worker`;
  element.dataset.backend = info.name;
}
