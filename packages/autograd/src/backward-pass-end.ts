/**
 * Cleanups registered by the gradient functions of the backward passes now
 * running, innermost pass last (a gradient function may itself run a pass).
 */
const running: (() => void)[][] = [];

/**
 * Runs `fn` when the backward pass now running ends, whether it reached every
 * node or stopped early (`gradients` with explicit inputs runs only the nodes
 * that lead to them, and an error stops a pass); at once when no pass is
 * running. For gradient functions that carry work from node to node, such as
 * a weight gradient accumulated over the steps of a recurrence and computed
 * at the first step: whatever they hold for a step that never runs is freed
 * here.
 *
 * @example
 * ```ts
 * recordOp('step', [h, w], [out], {}, (grads, ctx) => {
 *   if (stash.size === 0) atBackwardPassEnd(() => freeStash());
 *   stash.set(id, keep(grads[0]!.detach()));
 *   // ...
 * });
 * ```
 */
export function atBackwardPassEnd(fn: () => void): void {
  const pass = running[running.length - 1];
  if (pass) pass.push(fn);
  else fn();
}

/** @internal runs `body` as one backward pass: the cleanups it registers run when it returns or throws. */
export function asBackwardPass<T>(body: () => T): T {
  const cleanups: (() => void)[] = [];
  running.push(cleanups);
  try {
    return body();
  } finally {
    running.pop();
    runAll(cleanups);
  }
}

/** Runs every cleanup even when one throws; the first error is rethrown afterwards. */
function runAll(cleanups: readonly (() => void)[]): void {
  let first: { error: unknown } | null = null;
  for (const fn of cleanups) {
    try {
      fn();
    } catch (error) {
      first ??= { error };
    }
  }
  if (first) throw first.error;
}
