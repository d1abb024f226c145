import type { DType, TypedArray } from './dtype.js';
import type { Shape } from './shape.js';

/**
 * Backend-owned memory holding a tensor's elements (a typed array on the CPU,
 * a GPU buffer on WebGPU). Opaque to everything but its backend.
 */
export interface Storage {
  /** Bytes the storage occupies. */
  readonly byteLength: number;
}

/** What a kernel sees of each input: its storage, shape and dtype (always contiguous, row-major). */
export interface KernelTensor {
  /** The backend storage of the elements. */
  readonly storage: Storage;
  /** The logical shape. */
  readonly shape: Shape;
  /** The element type. */
  readonly dtype: DType;
}

/** A value a kernel attribute may take. */
export type AttrValue = number | boolean | string | null | readonly number[] | readonly (readonly number[])[];

/** Named kernel attributes (axes, strides, flags). */
export type KernelAttrs = Readonly<Record<string, AttrValue>>;

/** A kernel: computes the outputs of one op on one backend. */
export type Kernel = (inputs: readonly KernelTensor[], attrs: KernelAttrs, backend: Backend) => KernelTensor[];

/** Facts a backend reports about itself (`backendInfo()`). */
export interface BackendInfo {
  /** The backend's name (`cpu`, `webgpu`). */
  readonly name: string;
  /** A human description of the device (adapter vendor/architecture, or the CPU path). */
  readonly device: string;
  /** Why this backend was chosen, when it was chosen automatically. */
  reason?: string;
  /** Backend-specific details (limits, features, thread counts). */
  readonly details: Readonly<Record<string, string | number | boolean | readonly string[]>>;
}

/**
 * A backend: owns storage and runs kernels. Kernels are registered separately
 * by op name with `registerKernel`, so a backend that lacks one says so by name.
 */
export interface Backend {
  /** Registry name, e.g. `cpu` or `webgpu`. */
  readonly name: string;
  /** Copies `values` into new storage. */
  upload(values: TypedArray, dtype: DType): Storage;
  /** Reads `size` elements back to the CPU. */
  read(storage: Storage, dtype: DType, size: number): Promise<TypedArray>;
  /** Reads synchronously; backends that cannot throw a BackendError. */
  readSync(storage: Storage, dtype: DType, size: number): TypedArray;
  /** Frees storage whose last tensor was disposed. */
  release(storage: Storage): void;
  /** What the backend runs on. */
  info(): BackendInfo;
  /** Waits until every queued kernel has finished (a no-op on the CPU). */
  sync(): Promise<void>;
  /**
   * Runs `run`, a float32 kernel given the float16 `inputs` as float32 views
   * (or, when called with tensors, those), and returns its outputs with the
   * float32 ones as float16 when `halfOutputs` (see the float16 section of
   * docs/architecture.md). Backends without it refuse float16 tensors with a
   * DTypeError.
   */
  runFloat16?(
    op: string,
    run: (inputs?: readonly KernelTensor[]) => KernelTensor[],
    inputs: readonly KernelTensor[],
    halfOutputs: boolean,
  ): KernelTensor[];
}
