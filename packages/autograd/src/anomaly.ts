import { addDispatchListener, isFloatDType, WebgradError, type Tensor } from '@webgrad/core-tensor';

/** Raised in anomaly mode when an op produces NaN or Infinity. */
export class AnomalyError extends WebgradError {
  /** Creates an anomaly error for `op`. */
  constructor(op: string, message: string) {
    super(op, message);
    this.name = 'AnomalyError';
  }
}

let enabled = false;
let removeListener: (() => void) | null = null;
// inside a node's backward the ops are parts of one gradient: a non-finite
// result is blamed on the node (checkGradientsFinite), not on its parts
let backwardDepth = 0;

function firstNonFinite(t: Tensor): number {
  if (!isFloatDType(t.dtype)) return -1;
  let values;
  try {
    values = t.dataSync();
  } catch {
    return -1; // backends without synchronous reads are checked by their own tooling
  }
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return i;
  return -1;
}

function describe(inputs: readonly Tensor[]): string {
  return inputs.map((t) => `[${t.shape.join(',')}] ${t.dtype}`).join(', ');
}

/**
 * Turns anomaly detection on or off: every op's outputs (forward) and every
 * gradient (backward) is checked, and the first op that produces NaN or
 * Infinity raises an `AnomalyError` naming it and its input shapes. Slow: for
 * debugging only. Checks need synchronous reads (CPU backend).
 */
export function setAnomalyDetection(on: boolean): void {
  enabled = on;
  if (on && removeListener === null) {
    removeListener = addDispatchListener((op, inputs, outputs) => {
      if (backwardDepth > 0) return;
      for (const o of outputs) {
        const i = firstNonFinite(o);
        if (i >= 0) {
          // an op fed with NaN only passes it on: blame the op that made it
          if (inputs.some((t) => firstNonFinite(t) >= 0)) continue;
          throw new AnomalyError(op, `produced ${String(o.dataSync()[i])} at element ${i} of its output [${o.shape.join(',')}] from finite inputs (${describe(inputs)})`);
        }
      }
    });
  } else if (!on && removeListener !== null) {
    removeListener();
    removeListener = null;
  }
}

/** Whether anomaly detection is on. */
export function isAnomalyDetectionEnabled(): boolean {
  return enabled;
}

/** Runs `fn` with anomaly detection on, restoring the previous setting after. */
export function detectAnomaly<T>(fn: () => T): T {
  const prev = enabled;
  setAnomalyDetection(true);
  try {
    return fn();
  } finally {
    setAnomalyDetection(prev);
  }
}

/** @internal in anomaly mode, checks the gradients a node's backward returned. */
export function checkGradientsFinite(op: string, grads: readonly (Tensor | null | undefined)[]): void {
  if (!enabled) return;
  grads.forEach((g, i) => {
    if (g && firstNonFinite(g) >= 0) throw new AnomalyError(op, `backward produced a non-finite gradient for input ${i} (shape [${g.shape.join(',')}])`);
  });
}

/** @internal runs a node's backward function, so anomalies inside it are attributed to the node. */
export function withinBackward<T>(fn: () => T): T {
  backwardDepth++;
  try {
    return fn();
  } finally {
    backwardDepth--;
  }
}
