import type { Backend, KernelTensor } from './backend.js';
import { isFloatDType, type DType, type TypedArray } from './dtype.js';
import {
  addBytes,
  getGradientRecorder,
  newTensorId,
  trackTensor,
  untrackTensor,
  type DataRef,
} from './engine.js';
import { BackendError, WebgradError } from './errors.js';
import { formatTensor } from './format.js';
import { sizeOf, type Shape } from './shape.js';
import * as ops from './ops/index.js';

/** A nested array of numbers or booleans, as `tensor()` accepts and `array()` returns. */
export type NestedArray = number | boolean | readonly NestedArray[];

/** A tensor or a plain number (broadcast as a scalar). */
export type TensorLike = Tensor | number | boolean;

/** The autograd graph node a non-leaf tensor points to (owned by @webgrad/autograd). */
export interface GradNodeHandle {
  /** The op that produced the tensor. */
  readonly op: string;
  /** The tensors the op read: the edges `tidy` follows to find graphs still in use. */
  readonly inputs?: readonly Tensor[];
  /** The tensors the node keeps for its backward; `tidy` keeps them while the node is reachable from a kept tensor. */
  readonly savedTensors?: readonly Tensor[];
}

/**
 * What the FinalizationRegistry holds for a tensor that could be collected
 * without `dispose()`: its current storage reference (re-pointed by
 * `assign_`). It never references the tensor, so the tensor can be collected.
 */
interface CollectionToken {
  ref: DataRef;
}

const finalizer = new FinalizationRegistry<CollectionToken>((token) => releaseRef(token.ref));

/** One handle lets go of `ref`; the storage is freed (or pooled) with the last one. */
function releaseRef(ref: DataRef): void {
  untrackTensor();
  if (--ref.refs === 0) {
    addBytes(ref.backend, -ref.storage.byteLength);
    ref.backend.release(ref.storage);
  }
}

/**
 * A multi-dimensional array on a backend: shape, dtype and a reference to
 * backend storage. Tensors are immutable handles; every op returns a new one.
 * Optimizers change parameters in place with `assign_`.
 *
 * @example
 * ```ts
 * const x = tensor([[1, 2], [3, 4]]);
 * const y = x.matmul(x).add(1);
 * console.log(y.toString()); // tensor([[ 8., 11.], [16., 23.]])
 * ```
 */
export class Tensor {
  /** Marks tensor handles for `tidy`, across package copies (on the prototype: true for every tensor). */
  declare readonly __webgradTensor: true;
  /** A process-unique id. */
  readonly id: number;
  /** Lengths of each axis (frozen; tensors of one shape may share the array). */
  readonly shape: readonly number[];
  /** Element type. */
  readonly dtype: DType;
  /** Number of elements. */
  readonly size: number;
  /** Whether autograd tracks gradients flowing to this tensor. */
  requiresGrad = false;
  /** The accumulated gradient of a leaf tensor after `backward`. */
  grad: Tensor | null = null;
  /** @internal autograd graph node of a non-leaf tensor. */
  gradNode: GradNodeHandle | null = null;
  /** @internal which output of its node this tensor is. */
  gradOutputIndex = 0;
  /** @internal for an alias of a leaf saved by autograd: the leaf its gradient belongs to. */
  leafTarget: Tensor | null = null;
  /** Excluded from `tidy` cleanup (see `keep`). */
  isKept = false;
  /** A name for printing and state dicts (optional). */
  name?: string;
  private ref: DataRef;
  private disposed = false;
  /** Set once the FinalizationRegistry watches this handle (see `watchCollection`). */
  private token: CollectionToken | null = null;
  /** What kernels see of this tensor, made on first use. */
  private kernelView: KernelTensor | null = null;

  /** @internal use `tensor()`, `zeros()` and the ops to create tensors. */
  constructor(ref: DataRef, shape: Shape, dtype: DType) {
    this.id = newTensorId();
    // a frozen shape (another tensor's) is shared, not copied: views and elementwise results reuse their input's
    this.shape = Object.isFrozen(shape) ? shape : Object.freeze(shape.slice());
    this.dtype = dtype;
    this.size = sizeOf(shape);
    ref.refs++;
    this.ref = ref;
    // inside tidy the scope holds the handle until it ends (so it cannot be collected before) and tidy
    // watches only the handles that outlive it: the ones it disposes never pay for the registry
    if (!trackTensor(this)) this.watchCollection();
  }

  /** @internal wraps new storage as a tensor. */
  static fromKernel(backend: Backend, out: KernelTensor): Tensor {
    addBytes(backend, out.storage.byteLength);
    return new Tensor({ backend, storage: out.storage, refs: 0 }, out.shape, out.dtype);
  }

  /** Number of axes. */
  get rank(): number {
    return this.shape.length;
  }

  /** Alias of `rank` (PyTorch's `ndim`). */
  get ndim(): number {
    return this.shape.length;
  }

  /** The backend holding the storage. */
  get backend(): Backend {
    return this.ref.backend;
  }

  /** True after `dispose()`. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /** True when no op recorded this tensor (a leaf of the autograd graph). */
  get isLeaf(): boolean {
    return this.gradNode === null;
  }

  /** @internal the storage reference, shared by views. */
  get dataRef(): DataRef {
    this.assertAlive('tensor');
    return this.ref;
  }

  /** @internal what kernels see of this tensor (one object per tensor and storage, reused by every kernel call). */
  get kernelTensor(): KernelTensor {
    this.assertAlive('tensor');
    const kt = this.kernelView;
    if (kt !== null && kt.storage === this.ref.storage) return kt;
    return (this.kernelView = { storage: this.ref.storage, shape: this.shape, dtype: this.dtype });
  }

  /** @internal throws a clear error if this tensor was disposed. */
  assertAlive(op: string): void {
    if (this.disposed) {
      throw new WebgradError(op, `tensor ${this.id} of shape [${this.shape.join(',')}] was disposed and cannot be used`);
    }
  }

  /**
   * @internal registers this handle with the FinalizationRegistry (once), so
   * its storage is released if it is garbage collected without `dispose()`.
   * Handles created outside `tidy` are registered at once; `tidy` registers
   * the ones that outlive every enclosing scope.
   */
  watchCollection(): void {
    if (this.token !== null || this.disposed) return;
    this.token = { ref: this.ref };
    finalizer.register(this, this.token, this.token);
  }

  /** Frees this handle at once; the storage is freed when no view shares it. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.token !== null) {
      finalizer.unregister(this.token);
      this.token = null;
    }
    releaseRef(this.ref);
    if (this.gradNode !== null) getGradientRecorder()?.disposed?.(this);
  }

  /**
   * Replaces this tensor's contents with `value`'s (same shape and dtype), in
   * place. Used by optimizers; not recorded by autograd. Only leaves may be
   * assigned.
   */
  assign_(value: Tensor): this {
    this.assertAlive('assign_');
    value.assertAlive('assign_');
    if (!this.isLeaf) throw new WebgradError('assign_', 'only leaf tensors can be assigned in place');
    if (value.dtype !== this.dtype || value.size !== this.size || value.rank !== this.rank || value.shape.some((d, i) => d !== this.shape[i])) {
      throw new WebgradError(
        'assign_',
        `value of shape [${value.shape.join(',')}] ${value.dtype} does not match tensor of shape [${this.shape.join(',')}] ${this.dtype}`,
      );
    }
    if (value.backend !== this.backend) throw new BackendError('assign_', `value is on ${value.backend.name}, tensor on ${this.backend.name}`);
    const ref = value.ref;
    ref.refs++;
    const old = this.ref;
    this.ref = ref;
    this.kernelView = null;
    if (this.token !== null) this.token.ref = ref;
    if (--old.refs === 0) {
      addBytes(old.backend, -old.storage.byteLength);
      old.backend.release(old.storage);
    }
    return this;
  }

  /** Marks this leaf as requiring gradients (in place) and returns it. */
  requiresGrad_(flag = true): this {
    if (!this.isLeaf) throw new WebgradError('requiresGrad_', 'can only change requiresGrad of leaf tensors');
    if (flag && !isFloatDType(this.dtype)) {
      throw new WebgradError('requiresGrad_', `only floating-point tensors can require gradients, got ${this.dtype}`);
    }
    this.requiresGrad = flag;
    return this;
  }

  /** Reads the elements back to the CPU as a typed array (a copy). */
  async data(): Promise<TypedArray> {
    this.assertAlive('data');
    return this.backend.read(this.ref.storage, this.dtype, this.size);
  }

  /** Reads synchronously; CPU only (WebGPU throws: use `await data()`). */
  dataSync(): TypedArray {
    this.assertAlive('dataSync');
    return this.backend.readSync(this.ref.storage, this.dtype, this.size);
  }

  /** The elements as a nested array of the tensor's shape. */
  async array(): Promise<NestedArray> {
    return toNested(await this.data(), this.shape, this.dtype);
  }

  /** `array()` synchronously (CPU only). */
  arraySync(): NestedArray {
    return toNested(this.dataSync(), this.shape, this.dtype);
  }

  /** The single element of a one-element tensor, synchronously (CPU only). */
  item(): number {
    if (this.size !== 1) throw new WebgradError('item', `only one-element tensors can be converted to a number, got shape [${this.shape.join(',')}]`);
    return Number(this.dataSync()[0]);
  }

  /** The single element of a one-element tensor, on any backend. */
  async itemAsync(): Promise<number> {
    if (this.size !== 1) throw new WebgradError('item', `only one-element tensors can be converted to a number, got shape [${this.shape.join(',')}]`);
    return Number((await this.data())[0]);
  }

  /** Prints like PyTorch: `tensor([[1., 2.], [3., 4.]])` (CPU data; other backends print their shape). */
  toString(): string {
    if (this.disposed) return `tensor(<disposed>, shape=[${this.shape.join(', ')}])`;
    let values: TypedArray;
    try {
      values = this.dataSync();
    } catch {
      return `tensor(<on ${this.backend.name}>, shape=[${this.shape.join(', ')}], dtype=${this.dtype})`;
    }
    return formatTensor(values, this.shape, this.dtype, this.requiresGrad ? (this.gradNode ? `grad_fn=<${this.gradNode.op}>` : 'requires_grad=True') : undefined);
  }

  /**
   * Computes gradients of this tensor with respect to the leaves that require
   * them (needs `@webgrad/autograd` to be imported).
   */
  backward(gradOutput?: Tensor, options?: { retainGraph?: boolean; createGraph?: boolean }): void {
    const r = getGradientRecorder();
    if (!r) throw new WebgradError('backward', 'no autograd engine is loaded: import "@webgrad/autograd" (or "webgrad")');
    r.backward(this, gradOutput, options);
  }

  // ---- chainable forms of the ops (same names and argument order as the free functions) ----
  /** See {@link ops.add}. */ add(other: TensorLike): Tensor { return ops.add(this, other); }
  /** See {@link ops.sub}. */ sub(other: TensorLike): Tensor { return ops.sub(this, other); }
  /** See {@link ops.mul}. */ mul(other: TensorLike): Tensor { return ops.mul(this, other); }
  /** See {@link ops.div}. */ div(other: TensorLike): Tensor { return ops.div(this, other); }
  /** See {@link ops.pow}. */ pow(exponent: TensorLike): Tensor { return ops.pow(this, exponent); }
  /** See {@link ops.minimum}. */ minimum(other: TensorLike): Tensor { return ops.minimum(this, other); }
  /** See {@link ops.maximum}. */ maximum(other: TensorLike): Tensor { return ops.maximum(this, other); }
  /** See {@link ops.eq}. */ eq(other: TensorLike): Tensor { return ops.eq(this, other); }
  /** See {@link ops.ne}. */ ne(other: TensorLike): Tensor { return ops.ne(this, other); }
  /** See {@link ops.lt}. */ lt(other: TensorLike): Tensor { return ops.lt(this, other); }
  /** See {@link ops.le}. */ le(other: TensorLike): Tensor { return ops.le(this, other); }
  /** See {@link ops.gt}. */ gt(other: TensorLike): Tensor { return ops.gt(this, other); }
  /** See {@link ops.ge}. */ ge(other: TensorLike): Tensor { return ops.ge(this, other); }
  /** See {@link ops.logicalAnd}. */ logicalAnd(other: TensorLike): Tensor { return ops.logicalAnd(this, other); }
  /** See {@link ops.logicalOr}. */ logicalOr(other: TensorLike): Tensor { return ops.logicalOr(this, other); }
  /** See {@link ops.logicalNot}. */ logicalNot(): Tensor { return ops.logicalNot(this); }
  /** See {@link ops.neg}. */ neg(): Tensor { return ops.neg(this); }
  /** See {@link ops.abs}. */ abs(): Tensor { return ops.abs(this); }
  /** See {@link ops.sign}. */ sign(): Tensor { return ops.sign(this); }
  /** See {@link ops.square}. */ square(): Tensor { return ops.square(this); }
  /** See {@link ops.exp}. */ exp(): Tensor { return ops.exp(this); }
  /** See {@link ops.log}. */ log(): Tensor { return ops.log(this); }
  /** See {@link ops.log1p}. */ log1p(): Tensor { return ops.log1p(this); }
  /** See {@link ops.expm1}. */ expm1(): Tensor { return ops.expm1(this); }
  /** See {@link ops.sqrt}. */ sqrt(): Tensor { return ops.sqrt(this); }
  /** See {@link ops.rsqrt}. */ rsqrt(): Tensor { return ops.rsqrt(this); }
  /** See {@link ops.reciprocal}. */ reciprocal(): Tensor { return ops.reciprocal(this); }
  /** See {@link ops.sin}. */ sin(): Tensor { return ops.sin(this); }
  /** See {@link ops.cos}. */ cos(): Tensor { return ops.cos(this); }
  /** See {@link ops.tanh}. */ tanh(): Tensor { return ops.tanh(this); }
  /** See {@link ops.sigmoid}. */ sigmoid(): Tensor { return ops.sigmoid(this); }
  /** See {@link ops.relu}. */ relu(): Tensor { return ops.relu(this); }
  /** See {@link ops.leakyRelu}. */ leakyRelu(negativeSlope?: number): Tensor { return ops.leakyRelu(this, negativeSlope); }
  /** See {@link ops.elu}. */ elu(alpha?: number): Tensor { return ops.elu(this, alpha); }
  /** See {@link ops.gelu}. */ gelu(approximate?: 'none' | 'tanh'): Tensor { return ops.gelu(this, approximate); }
  /** See {@link ops.softplus}. */ softplus(beta?: number, threshold?: number): Tensor { return ops.softplus(this, beta, threshold); }
  /** See {@link ops.silu}. */ silu(): Tensor { return ops.silu(this); }
  /** See {@link ops.erf}. */ erf(): Tensor { return ops.erf(this); }
  /** See {@link ops.clamp}. */ clamp(min?: number | null, max?: number | null): Tensor { return ops.clamp(this, min, max); }
  /** See {@link ops.floor}. */ floor(): Tensor { return ops.floor(this); }
  /** See {@link ops.ceil}. */ ceil(): Tensor { return ops.ceil(this); }
  /** See {@link ops.round}. */ round(): Tensor { return ops.round(this); }
  /** See {@link ops.isnan}. */ isnan(): Tensor { return ops.isnan(this); }
  /** See {@link ops.isinf}. */ isinf(): Tensor { return ops.isinf(this); }
  /** See {@link ops.where}. */ where(condition: TensorLike, other: TensorLike): Tensor { return ops.where(condition, this, other); }
  /** See {@link ops.cast}. */ cast(dtype: DType): Tensor { return ops.cast(this, dtype); }
  /** See {@link ops.sum}. */ sum(axes?: number | readonly number[], keepdims?: boolean): Tensor { return ops.sum(this, axes, keepdims); }
  /** See {@link ops.mean}. */ mean(axes?: number | readonly number[], keepdims?: boolean): Tensor { return ops.mean(this, axes, keepdims); }
  /** See {@link ops.max}. */ max(axes?: number | readonly number[], keepdims?: boolean): Tensor { return ops.max(this, axes, keepdims); }
  /** See {@link ops.min}. */ min(axes?: number | readonly number[], keepdims?: boolean): Tensor { return ops.min(this, axes, keepdims); }
  /** See {@link ops.prod}. */ prod(axes?: number | readonly number[], keepdims?: boolean): Tensor { return ops.prod(this, axes, keepdims); }
  /** See {@link ops.argmax}. */ argmax(axis?: number, keepdims?: boolean): Tensor { return ops.argmax(this, axis, keepdims); }
  /** See {@link ops.argmin}. */ argmin(axis?: number, keepdims?: boolean): Tensor { return ops.argmin(this, axis, keepdims); }
  /** See {@link ops.variance}. */ var(axes?: number | readonly number[], options?: ops.VarianceOptions): Tensor { return ops.variance(this, axes, options); }
  /** See {@link ops.std}. */ std(axes?: number | readonly number[], options?: ops.VarianceOptions): Tensor { return ops.std(this, axes, options); }
  /** See {@link ops.logsumexp}. */ logsumexp(axes?: number | readonly number[], keepdims?: boolean): Tensor { return ops.logsumexp(this, axes, keepdims); }
  /** See {@link ops.norm}. */ norm(p?: number, axes?: number | readonly number[], keepdims?: boolean): Tensor { return ops.norm(this, p, axes, keepdims); }
  /** See {@link ops.matmul}. */ matmul(other: Tensor): Tensor { return ops.matmul(this, other); }
  /** See {@link ops.reshape}. */ reshape(shape: readonly number[]): Tensor { return ops.reshape(this, shape); }
  /** See {@link ops.reshape}. */ view(shape: readonly number[]): Tensor { return ops.reshape(this, shape); }
  /** See {@link ops.flatten}. */ flatten(startAxis?: number, endAxis?: number): Tensor { return ops.flatten(this, startAxis, endAxis); }
  /** See {@link ops.squeeze}. */ squeeze(axes?: number | readonly number[]): Tensor { return ops.squeeze(this, axes); }
  /** See {@link ops.unsqueeze}. */ unsqueeze(axis: number): Tensor { return ops.unsqueeze(this, axis); }
  /** See {@link ops.expand}. */ expand(shape: readonly number[]): Tensor { return ops.expand(this, shape); }
  /** See {@link ops.broadcastTo}. */ broadcastTo(shape: readonly number[]): Tensor { return ops.broadcastTo(this, shape); }
  /** See {@link ops.permute}. */ permute(axes: readonly number[]): Tensor { return ops.permute(this, axes); }
  /** See {@link ops.transpose}. */ transpose(axis0?: number, axis1?: number): Tensor { return ops.transpose(this, axis0, axis1); }
  /** The transpose of a 2-D tensor (PyTorch's `.T` for matrices). */
  get T(): Tensor { return ops.permute(this, this.shape.map((_, i) => this.rank - 1 - i)); }
  /** See {@link ops.slice}. */ slice(ranges: readonly ops.SliceSpec[]): Tensor { return ops.slice(this, ranges); }
  /** See {@link ops.narrow}. */ narrow(axis: number, start: number, length: number): Tensor { return ops.narrow(this, axis, start, length); }
  /** See {@link ops.select}. */ select(axis: number, index: number): Tensor { return ops.select(this, axis, index); }
  /** See {@link ops.flip}. */ flip(axes: number | readonly number[]): Tensor { return ops.flip(this, axes); }
  /** See {@link ops.split}. */ split(sizeOrSections: number | readonly number[], axis?: number): Tensor[] { return ops.split(this, sizeOrSections, axis); }
  /** See {@link ops.chunk}. */ chunk(chunks: number, axis?: number): Tensor[] { return ops.chunk(this, chunks, axis); }
  /** See {@link ops.pad}. */ pad(padding: readonly number[], value?: number): Tensor { return ops.pad(this, padding, value); }
  /** See {@link ops.gather}. */ gather(axis: number, index: Tensor): Tensor { return ops.gather(this, axis, index); }
  /** See {@link ops.indexSelect}. */ indexSelect(axis: number, index: Tensor): Tensor { return ops.indexSelect(this, axis, index); }
  /** See {@link ops.scatterAdd}. */ scatterAdd(axis: number, index: Tensor, src: Tensor): Tensor { return ops.scatterAdd(this, axis, index, src); }
  /** See {@link ops.indexAdd}. */ indexAdd(axis: number, index: Tensor, src: Tensor): Tensor { return ops.indexAdd(this, axis, index, src); }
  /** See {@link ops.softmax}. */ softmax(axis?: number): Tensor { return ops.softmax(this, axis); }
  /** See {@link ops.logSoftmax}. */ logSoftmax(axis?: number): Tensor { return ops.logSoftmax(this, axis); }
  /** See {@link ops.cumsum}. */ cumsum(axis: number): Tensor { return ops.cumsum(this, axis); }
  /** See {@link ops.triu}. */ triu(diagonal?: number): Tensor { return ops.triu(this, diagonal); }
  /** See {@link ops.tril}. */ tril(diagonal?: number): Tensor { return ops.tril(this, diagonal); }
  /** See {@link ops.clone}. */ clone(): Tensor { return ops.clone(this); }
  /** A new leaf sharing this tensor's storage, cut from the autograd graph. */
  detach(): Tensor { return ops.detach(this); }
  /** Copies this tensor to the backend named `backend` (e.g. `'cpu'`). */
  to(backend: string): Tensor { return ops.toBackend(this, backend); }
}

Object.defineProperty(Tensor.prototype, '__webgradTensor', { value: true });

function toNested(values: TypedArray, shape: readonly number[], dtype: DType): NestedArray {
  const conv = dtype === 'bool' ? (v: number) => v !== 0 : (v: number) => v;
  if (shape.length === 0) return conv(values[0]!);
  const build = (axis: number, offset: number): NestedArray[] => {
    const n = shape[axis]!;
    const out: NestedArray[] = new Array(n);
    if (axis === shape.length - 1) {
      for (let i = 0; i < n; i++) out[i] = conv(values[offset + i]!);
    } else {
      const stride = sizeOf(shape.slice(axis + 1));
      for (let i = 0; i < n; i++) out[i] = build(axis + 1, offset + i * stride);
    }
    return out;
  };
  return build(0, 0);
}
