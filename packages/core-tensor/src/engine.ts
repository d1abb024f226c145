import type { Backend, BackendInfo, KernelAttrs, Storage } from './backend.js';
import { BackendError } from './errors.js';
import type { GradNodeHandle, Tensor } from './tensor.js';

/**
 * Shared storage of one or more tensor handles (views share it). Freed on the
 * backend when the last handle lets go.
 */
export interface DataRef {
  /** The backend that owns the storage. */
  readonly backend: Backend;
  /** The storage itself. */
  readonly storage: Storage;
  /** How many live handles point here. */
  refs: number;
}

/**
 * The hook autograd installs into dispatch. core-tensor calls `record` after a
 * kernel ran when gradients are enabled and an input requires grad.
 */
export interface GradientRecorder {
  /** Records `op` so its gradient can be computed later. */
  record(op: string, inputs: readonly Tensor[], outputs: readonly Tensor[], attrs: KernelAttrs): void;
  /** Runs reverse-mode differentiation from `t` (what `t.backward()` calls). */
  backward(t: Tensor, gradOutput?: Tensor, options?: { retainGraph?: boolean; createGraph?: boolean }): void;
  /** Called when a handle that has a graph node is disposed, so a graph nothing reaches any more frees what it saved. */
  disposed?(t: Tensor): void;
}

/** Called after every kernel dispatch; used by profilers and anomaly detection. */
export type DispatchListener = (op: string, inputs: readonly Tensor[], outputs: readonly Tensor[], attrs: KernelAttrs) => void;

interface Scope {
  tracked: Tensor[];
}

const registeredBackends = new Map<string, { backend: Backend; priority: number }>();
let active: Backend | null = null;
let activeReason: string | undefined;
let gradEnabled = true;
let recorder: GradientRecorder | null = null;
const listeners: DispatchListener[] = [];
const scopes: Scope[] = [];
/** Bytes of live storage per backend (a box per backend, so the hot path only adds). */
const liveBytes = new Map<Backend, { bytes: number }>();
let liveTensors = 0;
let nextTensorId = 1;

/** Registers a backend under its name; a higher priority is preferred by `init({ backend: 'auto' })`. */
export function registerBackend(backend: Backend, priority = 0): void {
  registeredBackends.set(backend.name, { backend, priority });
  if (active === null) active = backend;
}

/** Removes a backend (e.g. after its device was lost). Tensors on it become unusable. */
export function unregisterBackend(name: string): void {
  registeredBackends.delete(name);
  if (active?.name === name) {
    const cpu = registeredBackends.get('cpu');
    active = cpu ? cpu.backend : null;
  }
}

/** The names of every registered backend. */
export function listBackends(): string[] {
  return [...registeredBackends.keys()];
}

/** The backend called `name`, or a BackendError listing what exists. */
export function findBackend(name: string): Backend {
  const b = registeredBackends.get(name);
  if (!b) throw new BackendError('backend', `no backend named '${name}' is registered (have: ${listBackends().join(', ')})`);
  return b.backend;
}

/** Makes `name` the backend new tensors are created on. */
export function setBackend(name: string, reason?: string): void {
  active = findBackend(name);
  activeReason = reason;
}

/** The backend new tensors are created on. */
export function getBackend(): Backend {
  if (active === null) throw new BackendError('backend', 'no backend is registered');
  return active;
}

/** Facts about the active backend, including why it was chosen. */
export function backendInfo(): BackendInfo {
  const info = { ...getBackend().info() };
  if (activeReason !== undefined) info.reason = activeReason;
  return info;
}

/** Whether operations are recorded for autograd right now. */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Turns gradient recording on or off; returns the previous setting. */
export function setGradEnabled(enabled: boolean): boolean {
  const prev = gradEnabled;
  gradEnabled = enabled;
  return prev;
}

/** Installs the autograd recorder (done by `@webgrad/autograd` when imported). */
export function setGradientRecorder(r: GradientRecorder | null): void {
  recorder = r;
}

/** The installed autograd recorder, if any. */
export function getGradientRecorder(): GradientRecorder | null {
  return recorder;
}

/** Adds a listener called after every dispatch; returns a function that removes it. */
export function addDispatchListener(l: DispatchListener): () => void {
  listeners.push(l);
  return () => {
    const i = listeners.indexOf(l);
    if (i >= 0) listeners.splice(i, 1);
  };
}

/** @internal the listeners, read by dispatch. */
export function dispatchListeners(): readonly DispatchListener[] {
  return listeners;
}

/** @internal a fresh tensor id. */
export function newTensorId(): number {
  return nextTensorId++;
}

/**
 * @internal accounting when a handle is created; true when a `tidy` scope
 * now holds it (and will either dispose it or, when it survives every
 * scope, call `watchCollection`).
 */
export function trackTensor(t: Tensor): boolean {
  liveTensors++;
  const scope = scopes[scopes.length - 1];
  if (scope === undefined) return false;
  scope.tracked.push(t);
  return true;
}

/** @internal accounting when a handle is disposed. */
export function untrackTensor(): void {
  liveTensors--;
}

/** @internal accounting of backend bytes. */
export function addBytes(backend: Backend, delta: number): void {
  const box = liveBytes.get(backend);
  if (box !== undefined) box.bytes += delta;
  else liveBytes.set(backend, { bytes: delta });
}

/** Live tensor handles and the bytes their storage holds, per backend. */
export interface MemoryInfo {
  /** Tensor handles not yet disposed (or collected). */
  numTensors: number;
  /** Bytes of live storage over all backends. */
  numBytes: number;
  /** Bytes of live storage per backend name. */
  bytesByBackend: Record<string, number>;
}

/** Reports live tensors and bytes per backend. */
export function memory(): MemoryInfo {
  let total = 0;
  const byBackend: Record<string, number> = {};
  for (const [k, v] of liveBytes) {
    // a backend re-created under the same name (a lost WebGPU device) adds to its predecessor's figure
    byBackend[k.name] = (byBackend[k.name] ?? 0) + v.bytes;
    total += v.bytes;
  }
  return { numTensors: liveTensors, numBytes: total, bytesByBackend: byBackend };
}

/** A value `tidy` may return: tensors, arrays and plain objects of them, or anything else. */
export type TidyResult = unknown;

/**
 * Runs `fn` and disposes every tensor created inside it that is not part of its
 * result (tensors found in a returned array or plain object are kept). What
 * autograd saved for the backward pass of a graph that a kept tensor still
 * reaches is kept too, so a loss returned from `tidy` can be backpropagated;
 * the graphs of everything else are freed with it.
 *
 * @example
 * ```ts
 * const y = tidy(() => x.mul(2).add(1)); // the intermediate x*2 is freed
 * ```
 */
export function tidy<T>(fn: () => T): T {
  const scope: Scope = { tracked: [] };
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    scopes.pop();
    for (const t of scope.tracked) t.dispose();
    throw e;
  }
  scopes.pop();
  if (result instanceof Promise) {
    throw new BackendError('tidy', 'the function passed to tidy must not be async (it returned a Promise)');
  }
  const keepSet = new Set<Tensor>();
  collectTensors(result, keepSet, 0);
  const graphSaved = savedTensorsReachable([...keepSet, ...scope.tracked.filter((t) => t.isKept)]);
  const parent = scopes[scopes.length - 1];
  for (const t of scope.tracked) {
    if (keepSet.has(t) || t.isKept || graphSaved.has(t)) {
      if (parent && !t.isKept) parent.tracked.push(t);
      else t.watchCollection();
    } else {
      t.dispose();
    }
  }
  return result;
}

/** The tensors saved for backward by every graph node reachable from `roots`. */
function savedTensorsReachable(roots: readonly Tensor[]): Set<Tensor> {
  const saved = new Set<Tensor>();
  const seen = new Set<GradNodeHandle>();
  const stack: GradNodeHandle[] = [];
  const visit = (t: Tensor): void => {
    const node = t.gradNode;
    if (node !== null && !seen.has(node)) {
      seen.add(node);
      stack.push(node);
    }
  };
  roots.forEach(visit);
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (const s of node.savedTensors ?? []) saved.add(s);
    for (const t of node.inputs ?? []) visit(t);
  }
  return saved;
}

function collectTensors(v: unknown, out: Set<Tensor>, depth: number): void {
  if (v === null || typeof v !== 'object' || depth > 8) return;
  if (isTensorLike(v)) {
    out.add(v);
    return;
  }
  if (Array.isArray(v)) {
    for (const x of v) collectTensors(x, out, depth + 1);
    return;
  }
  if (v instanceof Map) {
    for (const x of v.values()) collectTensors(x, out, depth + 1);
    return;
  }
  if (Object.getPrototypeOf(v) === Object.prototype) {
    for (const x of Object.values(v)) collectTensors(x, out, depth + 1);
  }
}

function isTensorLike(v: object): v is Tensor {
  return (v as { __webgradTensor?: boolean }).__webgradTensor === true;
}

/** Excludes `t` from every enclosing `tidy`; returns `t`. */
export function keep<T extends Tensor>(t: T): T {
  t.isKept = true;
  return t;
}
