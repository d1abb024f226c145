import { init, type BackendChoice, type BackendInfo } from '@webgrad/core-tensor';
import { CliError } from './cli-error.js';

/**
 * Initialises the backend the user chose (`auto` picks WebGPU when a hardware
 * adapter exists, else the CPU) and turns failure into a one-line CLI error
 * that says how to get going anyway.
 */
export async function setUpBackend(choice: BackendChoice): Promise<BackendInfo> {
  try {
    return await init({ backend: choice });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new CliError(`cannot use the ${choice} backend: ${message}`, {
      hint:
        choice === 'cpu'
          ? 'check WEBGRAD_BACKEND'
          : 'use --backend cpu, or --backend auto to fall back to the CPU',
      exitCode: 1,
    });
  }
}

/** One line naming the backend, its device and why it was chosen. */
export function describeBackend(info: BackendInfo): string {
  return `${info.name} (${info.device})${info.reason !== undefined ? ` — ${info.reason}` : ''}`;
}
