import type { Backend, BackendInfo, KernelTensor, Storage } from '../backend.js';
import type { DType, TypedArray } from '../dtype.js';
import { findBackend, unregisterBackend } from '../engine.js';
import { BackendError, DTypeError, WebgradError } from '../errors.js';
import { sizeOf, type Shape } from '../shape.js';
import { BufferPool } from './buffer-pool.js';
import type { GpuDeviceHandle } from './gpu-device.js';
import { decodeFloat16, encodeFloat16 } from '../float16.js';
import { getKernel } from '../kernel-registry.js';
import { FLOAT16_OPS } from './float16-ops.js';
import { float16Program } from './float16-program.js';
import { PipelineCache, type GpuProgram } from './pipeline-cache.js';

/**
 * WebGPU storage: a pooled GPU buffer holding 4 bytes per element (bool as
 * u32 0/1), or 2 for float16 (`half`: an array<f16>).
 */
export class GpuStorage implements Storage {
  /** @internal set once the buffer went back to the pool. */
  released = false;
  /**
   * @param buffer - the storage buffer (may be larger than needed: pool buckets).
   * @param byteLength - bytes the elements occupy (4 per element, 2 for half, rounded up to whole words).
   * @param owner - the backend that created the buffer.
   * @param half - true when the elements are f16.
   */
  constructor(
    readonly buffer: GPUBuffer,
    readonly byteLength: number,
    readonly owner: WebGpuBackend,
    readonly half = false,
  ) {}
}

/** Bytes a uniform block occupies in the batch's uniform arena (covers every device's offset alignment). */
const UNIFORM_SLOT = 256;
/** Uniform blocks per arena; a full arena flushes the batch, so this also bounds a batch's length. */
const UNIFORM_SLOTS = 256;
/** Cached bind groups beyond this many are dropped (all at once: the cache refills from the current working set). */
const MAX_BIND_GROUPS = 4096;
/** Freed buffers kept for reuse beyond this many bytes are destroyed. */
const MAX_POOLED_BYTES = 512 * 1024 * 1024;

/** Indices kernels report in the shared error flag (see `errorFlagBuffer`). */
const ERROR_OPS = ['', 'gather', 'scatterAdd', 'indexSelect', 'indexAdd'] as const;

/** A kernel op that checks indices on the GPU and reports out-of-range ones through the error flag. */
export type IndexCheckingOp = (typeof ERROR_OPS)[number];

/**
 * The WebGPU backend: tensors live in pooled storage buffers; kernels are
 * compute pipelines cached by key; dispatches are recorded into one command
 * encoder (one compute pass) and submitted together when something must reach
 * the GPU (a read, an upload into a buffer the batch uses, a full batch).
 * Nothing is read back unless asked for with `await t.data()`.
 */
export class WebGpuBackend implements Backend {
  /** Registry name. */
  readonly name = 'webgpu';
  /** The device kernels run on. */
  readonly device: GPUDevice;
  /** Storage buffers, bucketed and reused. */
  readonly pool: BufferPool;
  /** Shader modules and pipelines by kernel key. */
  readonly pipelines: PipelineCache;
  /** @internal a u32[4] buffer kernels set when an index is out of range: [op, index, length, 0]. */
  readonly errorFlagBuffer: GPUBuffer;
  private readonly handle: GpuDeviceHandle;
  private readonly stagingPool: BufferPool;
  private readonly arena: GPUBuffer;
  private readonly arenaData = new Uint8Array(UNIFORM_SLOT * UNIFORM_SLOTS);
  private arenaUsed = 0;
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private batchBuffers = new Set<GPUBuffer>();
  /** Bind groups by binding signature and buffer ids: a training loop reuses the same pooled buffers step after step. */
  private readonly bindGroups = new Map<string, GPUBindGroup>();
  private readonly bufferIds = new WeakMap<GPUBuffer, number>();
  private nextBufferId = 1;
  private lostReason: string | null = null;
  private asyncError: string | null = null;
  private submittedBatches = 0;
  private dispatchCount = 0;
  private readonly lost: Promise<never>;
  /** True while a kernel runs for float16 tensors: its float32 outputs are allocated as half. */
  private halfOutputs = false;

  /** Wraps a device from `requestGpuDevice`. */
  constructor(handle: GpuDeviceHandle) {
    this.handle = handle;
    this.device = handle.device;
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    this.pool = new BufferPool(
      this.device,
      usage,
      MAX_POOLED_BYTES,
      Math.min(this.device.limits.maxBufferSize, this.device.limits.maxStorageBufferBindingSize),
    );
    this.stagingPool = new BufferPool(
      this.device,
      GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      64 * 1024 * 1024,
    );
    this.pipelines = new PipelineCache(this.device);
    this.pool.onDestroy = () => this.bindGroups.clear();
    this.arena = this.device.createBuffer({
      size: this.arenaData.byteLength,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    this.errorFlagBuffer = this.device.createBuffer({
      size: 16,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    this.device.queue.writeBuffer(this.errorFlagBuffer, 0, new Uint32Array(4));
    this.lost = this.device.lost.then((info) => {
      this.lostReason = `${info.reason ?? 'unknown'}${info.message ? `: ${info.message}` : ''}`;
      try {
        if (findBackend('webgpu') === this) unregisterBackend('webgpu');
      } catch (_e) {
        // already unregistered
      }
      throw this.lostError('webgpu');
    });
    // keeps a lost device from reporting an unhandled rejection when no read waits on it
    this.lost.catch(() => undefined);
    this.device.addEventListener('uncapturederror', (ev) => {
      const msg = (ev as GPUUncapturedErrorEvent).error.message;
      if (this.asyncError === null) this.asyncError = msg;
    });
  }

  /** True for software adapters (lavapipe, SwiftShader...). */
  get isSoftware(): boolean {
    return this.handle.software;
  }

  /** True when the device has `shader-f16`, so float16 tensors work (`init({ backend: 'webgpu', float16: true })`). */
  get float16Enabled(): boolean {
    return this.handle.float16;
  }

  /** True when the device was created for an `init` that asked for float16. */
  get float16Requested(): boolean {
    return this.handle.float16Requested;
  }

  /** The device's fixed subgroup size when the `subgroups` feature is enabled, else null. */
  get subgroupSize(): number | null {
    return this.handle.subgroupSize;
  }

  /** True once the device was lost (tensors on it can no longer be used). */
  get isLost(): boolean {
    return this.lostReason !== null;
  }

  /** Copies `values` into a new pooled buffer (bool bytes widen to u32). */
  upload(values: TypedArray, dtype: DType): Storage {
    this.assertUsable('upload');
    assertGpuDType('tensor', dtype);
    const n = values.length;
    const half = this.isHalf('tensor', dtype);
    const storage = this.allocStorage('upload', n, half);
    if (half && n > 0) {
      const bits = encodeFloat16(values);
      if (this.batchBuffers.has(storage.buffer)) this.flush();
      this.device.queue.writeBuffer(storage.buffer, 0, bits.buffer, 0, bits.byteLength);
    } else if (n > 0) {
      const words =
        dtype === 'bool' || !(values instanceof Float32Array || values instanceof Int32Array)
          ? Int32Array.from(values)
          : values;
      // writeBuffer runs before commands recorded but not yet submitted: flush
      // when a pending command still uses this (reused) buffer.
      if (this.batchBuffers.has(storage.buffer)) this.flush();
      this.device.queue.writeBuffer(storage.buffer, 0, words.buffer, words.byteOffset, n * 4);
    }
    return storage;
  }

  /** Reads `size` elements back (flushes pending work; converts u32 bools to bytes). */
  async read(storage: Storage, dtype: DType, size: number): Promise<TypedArray> {
    this.assertUsable('data');
    const s = storage as GpuStorage;
    if (s.released) throw new BackendError('data', 'the tensor storage was already released');
    const bytes = s.half ? Math.ceil(size / 2) * 4 : size * 4;
    const staging = this.stagingPool.acquire(bytes + 16);
    this.endPass();
    const enc = this.takeEncoder();
    if (bytes > 0) enc.copyBufferToBuffer(s.buffer, 0, staging, 0, bytes);
    enc.copyBufferToBuffer(this.errorFlagBuffer, 0, staging, staging.size - 16, 16);
    this.flush();
    try {
      await Promise.race([staging.mapAsync(GPUMapMode.READ), this.lost]);
    } catch (e) {
      if (this.lostReason !== null) throw this.lostError('data');
      throw new BackendError('data', `reading a GPU buffer failed: ${(e as Error).message}`);
    }
    const mapped = staging.getMappedRange();
    const words = new Uint32Array(mapped.slice(0, bytes));
    const flag = new Uint32Array(mapped.slice(staging.size - 16, staging.size));
    staging.unmap();
    this.stagingPool.releaseBuffer(staging);
    this.throwPendingErrors(flag);
    if (s.half) return decodeFloat16(new Uint16Array(words.buffer), size);
    if (dtype === 'bool') return Uint8Array.from(new Int32Array(words.buffer));
    if (dtype === 'int32') return new Int32Array(words.buffer);
    return new Float32Array(words.buffer);
  }

  /** Always throws: GPU memory cannot be read synchronously. */
  readSync(): TypedArray {
    throw new BackendError(
      'dataSync',
      'a webgpu tensor cannot be read synchronously; use `await t.data()` (or `await t.array()`, `await t.itemAsync()`)',
    );
  }

  /** Returns the buffer to the pool. */
  release(storage: Storage): void {
    const s = storage as GpuStorage;
    if (s.released || s.owner !== this) return;
    s.released = true;
    if (this.lostReason === null) this.pool.releaseBuffer(s.buffer, this.batchBuffers.has(s.buffer));
  }

  /** Adapter, limits, features and pool statistics. */
  info(): BackendInfo {
    const { adapterInfo, software, source } = this.handle;
    const limits = this.device.limits;
    return {
      name: 'webgpu',
      device:
        [adapterInfo.vendor, adapterInfo.device || adapterInfo.description]
          .filter((s) => s)
          .join(' ') || 'unknown adapter',
      details: {
        vendor: adapterInfo.vendor,
        architecture: adapterInfo.architecture,
        adapter: adapterInfo.device,
        description: adapterInfo.description,
        software,
        source,
        features: [...this.handle.adapter.features].sort(),
        float16: this.handle.float16,
        float16Reason: this.handle.float16Reason,
        maxBufferSize: limits.maxBufferSize,
        maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
        maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
        maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
        maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
        maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage,
        pipelines: this.pipelines.size,
        poolBuffers: this.pool.bufferCount,
        poolAllocatedBytes: this.pool.allocatedBytes,
        poolFreeBytes: this.pool.freeBytes,
        submittedBatches: this.submittedBatches,
        dispatches: this.dispatchCount,
      },
    };
  }

  /** Submits pending work and waits until the GPU has finished it. */
  async sync(): Promise<void> {
    this.assertUsable('sync');
    this.flush();
    try {
      await Promise.race([this.device.queue.onSubmittedWorkDone(), this.lost]);
    } catch (_e) {
      throw this.lostError('sync');
    }
    this.throwPendingErrors(null);
  }

  /** Destroys the device (tests use it to simulate device loss). */
  destroy(): void {
    this.device.destroy();
  }

  // ---- used by kernels ----

  /**
   * @internal a new output tensor of `shape` and `dtype` in pooled storage.
   * A kernel running for float16 tensors gets half storage for its float32
   * outputs, except `scratch` ones (partial sums that stay f32).
   */
  output(op: string, shape: Shape, dtype: DType, scratch = false): KernelTensor {
    assertGpuDType(op, dtype);
    const half = !scratch && this.isHalf(op, dtype);
    return { storage: this.allocStorage(op, sizeOf(shape), half), shape: shape.slice(), dtype };
  }

  /** @internal true when `storage` holds f16 elements. */
  isHalfStorage(storage: Storage): boolean {
    return (storage as GpuStorage).half;
  }

  /**
   * Runs a float32 kernel for float16 tensors (see `withFloat16`): the ops
   * of `FLOAT16_OPS` on half storage (their float32 outputs allocated as
   * half when `halfOutputs`), every other op on float32 copies of its
   * float16 inputs, its float32 outputs cast to float16 afterwards.
   */
  runFloat16(
    op: string,
    run: (inputs?: readonly KernelTensor[]) => KernelTensor[],
    inputs: readonly KernelTensor[],
    halfOutputs: boolean,
  ): KernelTensor[] {
    this.assertFloat16(op);
    if (!FLOAT16_OPS.has(op)) return this.runOnFloat32Copies(run, inputs, halfOutputs);
    if (!halfOutputs) return run();
    this.halfOutputs = true;
    let outs: KernelTensor[];
    try {
      outs = run();
    } finally {
      this.halfOutputs = false;
    }
    return outs.map((o) =>
      o.dtype === 'float32' && (o.storage as GpuStorage).half ? { ...o, dtype: 'float16' } : o,
    );
  }

  /**
   * `run` on float32 copies of the float16 `inputs` (kernels with float
   * atomics, or not yet checked in half precision): correct, at the price of
   * the casts and float32 temporaries. Outputs are cast to float16.
   */
  private runOnFloat32Copies(
    run: (inputs?: readonly KernelTensor[]) => KernelTensor[],
    inputs: readonly KernelTensor[],
    halfOutputs: boolean,
  ): KernelTensor[] {
    const cast = getKernel('cast', this.name);
    const wide = inputs.map((t) =>
      t.dtype === 'float16' ? cast([t], { dtype: 'float32' }, this)[0]! : t,
    );
    const outs = run(wide);
    const narrow = outs.map((o) =>
      halfOutputs && o.dtype === 'float32' ? cast([o], { dtype: 'float16' }, this)[0]! : o,
    );
    const kept = new Set(narrow.map((o) => o.storage));
    for (const t of [...wide.filter((w, i) => w !== inputs[i]), ...outs]) {
      if (!kept.has(t.storage)) this.release(t.storage);
    }
    return narrow;
  }

  /**
   * @internal records one dispatch of `program` into the current batch.
   * Bindings: inputs (read-only storage), outputs (storage), the uniform block,
   * then the error flag when the program checks indices.
   */
  dispatch(
    kernelProgram: GpuProgram,
    inputs: readonly KernelTensor[],
    outputs: readonly KernelTensor[],
    uniforms: ArrayBuffer,
    groups: readonly [number, number?, number?],
  ): void {
    this.assertUsable(kernelProgram.key);
    if (groups[0] === 0 || groups[1] === 0 || groups[2] === 0) return;
    const half = [...inputs, ...outputs].map((t) => (t.storage as GpuStorage).half);
    const program = half.includes(true)
      ? float16Program(kernelProgram.key.split('/')[0]!, kernelProgram, half)
      : kernelProgram;
    const max = this.device.limits.maxComputeWorkgroupsPerDimension;
    if (groups.some((g) => g !== undefined && g > max)) {
      throw new BackendError(
        program.key,
        `dispatch of [${groups.join(',')}] workgroups exceeds the device limit of ${max} per dimension`,
      );
    }
    if (uniforms.byteLength > UNIFORM_SLOT)
      throw new BackendError(
        program.key,
        `a uniform block of ${uniforms.byteLength} bytes exceeds ${UNIFORM_SLOT}`,
      );
    if (this.arenaUsed + UNIFORM_SLOT > this.arenaData.byteLength) this.flush();
    const { pipeline, bindGroupLayout } = this.pipelines.get(program);
    const uOffset = this.arenaUsed;
    this.arenaData.set(new Uint8Array(uniforms), uOffset);
    this.arenaUsed += UNIFORM_SLOT;
    let key = program.checksIndices
      ? `${program.inputs}/${program.outputs}/f`
      : `${program.inputs}/${program.outputs}`;
    const buffers: GPUBuffer[] = [];
    for (const list of [inputs, outputs]) {
      for (const t of list) {
        const s = t.storage as GpuStorage;
        if (s.owner !== this) {
          throw new BackendError(
            program.key,
            'a tensor from another (lost or replaced) WebGPU device was passed; re-create it on the current device',
          );
        }
        if (s.released)
          throw new WebgradError(program.key, 'a tensor passed to the kernel was already disposed');
        buffers.push(s.buffer);
        key += `,${this.bufferId(s.buffer)}`;
        this.batchBuffers.add(s.buffer);
      }
    }
    let bindGroup = this.bindGroups.get(key);
    if (bindGroup === undefined) {
      const entries: GPUBindGroupEntry[] = buffers.map((buffer, binding) => ({
        binding,
        resource: { buffer },
      }));
      entries.push({
        binding: entries.length,
        resource: { buffer: this.arena, offset: 0, size: UNIFORM_SLOT },
      });
      if (program.checksIndices)
        entries.push({ binding: entries.length, resource: { buffer: this.errorFlagBuffer } });
      bindGroup = this.device.createBindGroup({ layout: bindGroupLayout, entries });
      if (this.bindGroups.size >= MAX_BIND_GROUPS) this.bindGroups.clear();
      this.bindGroups.set(key, bindGroup);
    }
    const pass = this.computePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup, [uOffset]);
    pass.dispatchWorkgroups(groups[0], groups[1] ?? 1, groups[2] ?? 1);
    this.dispatchCount++;
  }

  /** @internal records a buffer copy into the current batch. */
  copy(src: KernelTensor, dst: KernelTensor, bytes: number): void {
    this.assertUsable('copy');
    if (bytes === 0) return;
    const s = src.storage as GpuStorage;
    const d = dst.storage as GpuStorage;
    this.endPass();
    this.takeEncoder().copyBufferToBuffer(s.buffer, 0, d.buffer, 0, bytes);
    this.batchBuffers.add(s.buffer);
    this.batchBuffers.add(d.buffer);
  }

  /** Submits every recorded command. */
  flush(): void {
    if (this.encoder === null) return;
    this.endPass();
    const enc = this.encoder;
    this.encoder = null;
    this.submit(enc);
  }

  /** The index of `op` in the error flag (kernels write it). */
  errorCode(op: IndexCheckingOp): number {
    return ERROR_OPS.indexOf(op);
  }

  private bufferId(buffer: GPUBuffer): number {
    let id = this.bufferIds.get(buffer);
    if (id === undefined) this.bufferIds.set(buffer, (id = this.nextBufferId++));
    return id;
  }

  private submit(enc: GPUCommandEncoder): void {
    if (this.arenaUsed > 0) {
      this.device.queue.writeBuffer(this.arena, 0, this.arenaData.buffer, 0, this.arenaUsed);
      this.arenaUsed = 0;
    }
    this.device.queue.submit([enc.finish()]);
    this.batchBuffers = new Set();
    // destroying after the submit is allowed: the device frees them once that work is done
    this.pool.destroyDeferred();
    this.submittedBatches++;
  }

  private takeEncoder(): GPUCommandEncoder {
    if (this.encoder === null) this.encoder = this.device.createCommandEncoder();
    return this.encoder;
  }

  private computePass(): GPUComputePassEncoder {
    if (this.pass === null) this.pass = this.takeEncoder().beginComputePass();
    return this.pass;
  }

  private endPass(): void {
    if (this.pass !== null) {
      this.pass.end();
      this.pass = null;
    }
  }

  private allocStorage(op: string, n: number, half = false): GpuStorage {
    const bytes = half ? Math.ceil(n / 2) * 4 : n * 4;
    const limits = this.device.limits;
    const max = Math.min(limits.maxBufferSize, limits.maxStorageBufferBindingSize);
    if (bytes > max) {
      throw new BackendError(
        op,
        `out of GPU memory: a tensor of ${n} elements needs ${bytes} bytes, more than this device's largest storage buffer (${max} bytes)`,
      );
    }
    return new GpuStorage(this.pool.acquire(Math.max(bytes, 4)), bytes, this, half);
  }

  /** True when `dtype` is stored as half: float16, or float32 outputs of a kernel run for float16 tensors. */
  private isHalf(op: string, dtype: DType): boolean {
    if (dtype === 'float16') {
      this.assertFloat16(op);
      return true;
    }
    return dtype === 'float32' && this.halfOutputs;
  }

  private assertFloat16(op: string): void {
    if (this.handle.float16) return;
    throw new DTypeError(
      op,
      this.handle.float16Requested
        ? `float16 needs the WebGPU feature 'shader-f16', which this adapter ('${this.info().device}') lacks; use float32 or the cpu backend`
        : "float16 on webgpu needs the device feature 'shader-f16', which was not requested: call `await init({ backend: 'webgpu', float16: true })` before the first WebGPU use",
    );
  }

  private assertUsable(op: string): void {
    if (this.lostReason !== null) throw this.lostError(op);
  }

  private lostError(op: string): BackendError {
    return new BackendError(
      op,
      `the WebGPU device was lost (${this.lostReason ?? 'unknown reason'}); tensors on it are gone. Call \`await init({ backend: 'webgpu' })\` to create a new device`,
    );
  }

  private throwPendingErrors(flag: Uint32Array | null): void {
    if (this.asyncError !== null) {
      const msg = this.asyncError;
      this.asyncError = null;
      throw new BackendError(
        'webgpu',
        /memory/i.test(msg) ? `out of GPU memory: ${msg}` : `GPU error: ${msg}`,
      );
    }
    if (flag !== null && flag[0] !== 0) {
      this.device.queue.writeBuffer(this.errorFlagBuffer, 0, new Uint32Array(4));
      const op = ERROR_OPS[flag[0]!] ?? 'webgpu';
      throw new WebgradError(
        op,
        `index ${flag[1]! | 0} is out of range for an axis of length ${flag[2]}`,
      );
    }
  }
}

/** Throws a DTypeError for dtypes WebGPU does not have (float64). */
export function assertGpuDType(op: string, dtype: DType): void {
  if (dtype === 'float64') {
    throw new DTypeError(
      op,
      'float64 is CPU-only: WebGPU has no 64-bit floats. Cast to float32 or move the tensor to the cpu backend',
    );
  }
}
