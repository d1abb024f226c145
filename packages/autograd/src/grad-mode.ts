import { setGradEnabled } from '@webgrad/core-tensor';

/**
 * Runs `fn` without recording ops for autograd (`torch.no_grad()`): for
 * evaluation and for updates that must not be differentiated.
 */
export function noGrad<T>(fn: () => T): T {
  const prev = setGradEnabled(false);
  try {
    return fn();
  } finally {
    setGradEnabled(prev);
  }
}

/** Runs `fn` with recording on even inside `noGrad` (`torch.enable_grad()`). */
export function enableGrad<T>(fn: () => T): T {
  const prev = setGradEnabled(true);
  try {
    return fn();
  } finally {
    setGradEnabled(prev);
  }
}
