/**
 * Lets the event loop run (vitest's worker answers its RPC pings there):
 * long synchronous training loops in tests await this every few steps.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
