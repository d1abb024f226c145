/**
 * @packageDocumentation
 * Tensors, dtypes, broadcasting, kernels and backends of webgrad: the CPU
 * reference backend is always present; every op is a free function and a
 * chainable `Tensor` method with PyTorch's names.
 */
import './cpu/cpu-backend.js';
import './kernels/index.js';
import './webgpu/webgpu-factory.js';
import './webgpu/webgpu-kernels.js';

export { Tensor, type NestedArray, type TensorLike, type GradNodeHandle } from './tensor.js';
export type { DType, TypedArray, DTypeArrayMap } from './dtype.js';
export { DTYPES, allocArray, bytesPerElement, isFloatDType, promoteTypes, dtypeOfArray } from './dtype.js';
export { float32ToFloat16Bits, float16BitsToFloat32, roundToFloat16 } from './float16.js';
export { WebgradError, ShapeError, DTypeError, BackendError, ArgumentError, fmtShape } from './errors.js';
export { type Shape, sizeOf, stridesOf, normalizeAxis, normalizeAxes, broadcastShapes, broadcastStrides, shapesEqual } from './shape.js';
export type { Backend, BackendInfo, Storage, Kernel, KernelTensor, KernelAttrs, AttrValue } from './backend.js';
export { registerKernel, getKernel, hasKernel, listKernels } from './kernel-registry.js';
export {
  registerBackend,
  unregisterBackend,
  listBackends,
  findBackend,
  setBackend,
  getBackend,
  backendInfo,
  isGradEnabled,
  setGradEnabled,
  setGradientRecorder,
  getGradientRecorder,
  addDispatchListener,
  memory,
  tidy,
  keep,
  type DataRef,
  type GradientRecorder,
  type DispatchListener,
  type MemoryInfo,
  type TidyResult,
} from './engine.js';
export { runKernel, runKernel1, makeView, backendOf } from './dispatch.js';
export { init, registerBackendFactory, type InitOptions, type BackendChoice, type BackendCandidate, type BackendFactory } from './init.js';
export { cpuBackend, CpuStorage, cpuData, cpuOutput, cpuAlloc } from './cpu/cpu-backend.js';
export { setWebgpuMatmulKernel, webgpuMatmulKernel, webgpuMatmulKernels, type WebgpuMatmulKernel } from './kernels/matmul.wgsl.js';
export { configureCpu, cpuStatus, type CpuOptions, type CpuStatus, type CpuPath } from './wasm/cpu-config.js';
export { wasmGruCell, wasmGruCellBackward } from './wasm/wasm-gru-cell.js';
export { wasmLayerNorm, wasmLayerNormBackward } from './wasm/wasm-layer-norm.js';
export { wasmAdamUpdate, wasmSgdUpdate, type WasmAdamScalars, type WasmSgdScalars } from './wasm/wasm-optimizer-update.js';
export { wasmLstmCell, wasmLstmCellBackward } from './wasm/wasm-lstm-cell.js';
export { UNARY_OPS, BINARY_OPS, unaryOpDef, binaryOpDef, type UnaryOpDef, type BinaryOpDef, type ElementwiseInputKind, type ElementwiseOutputKind } from './elementwise-table.js';
export { scalarMath } from './scalar-math.js';
export { NON_DIFFERENTIABLE_OPS } from './differentiability.js';
export { formatTensor } from './format.js';
export {
  tensor,
  scalar,
  full,
  zeros,
  ones,
  zerosLike,
  onesLike,
  fullLike,
  arange,
  linspace,
  eye,
  fromTypedArray,
  type TensorOptions,
  type TensorFromValuesOptions,
} from './creation.js';
export { Generator, defaultGenerator, manualSeed, rand, uniform, randn, normal, randint, bernoulli, randperm, type GeneratorState, type RandomOptions } from './random.js';
export { philox4x32, mulhi32, wordToUniform, wordToUniformOpen, philoxUniformFill, philoxNormalFill } from './philox.js';
export {
  // elementwise
  unaryOp,
  binaryOp,
  cast,
  where,
  neg,
  abs,
  sign,
  square,
  exp,
  log,
  log1p,
  expm1,
  sqrt,
  rsqrt,
  reciprocal,
  sin,
  cos,
  tanh,
  sigmoid,
  relu,
  leakyRelu,
  elu,
  gelu,
  softplus,
  silu,
  erf,
  clamp,
  floor,
  ceil,
  round,
  logicalNot,
  isnan,
  isinf,
  add,
  sub,
  mul,
  div,
  pow,
  minimum,
  maximum,
  eq,
  ne,
  lt,
  le,
  gt,
  ge,
  logicalAnd,
  logicalOr,
  // reductions
  sum,
  prod,
  max,
  min,
  argmax,
  argmin,
  mean,
  variance,
  std,
  logsumexp,
  norm,
  type Axes,
  type VarianceOptions,
  // shape
  reshape,
  flatten,
  squeeze,
  unsqueeze,
  expand,
  broadcastTo,
  sumTo,
  permute,
  transpose,
  slice,
  sliceWindow,
  sliceScatter,
  narrow,
  select,
  flip,
  split,
  chunk,
  concat,
  cat,
  stack,
  pad,
  type SliceSpec,
  type SliceWindow,
  // indexing
  gather,
  scatterAdd,
  indexSelect,
  indexAdd,
  oneHot,
  // rows
  softmax,
  logSoftmax,
  cumsum,
  triu,
  tril,
  // copies
  clone,
  detach,
  toBackend,
  toBackendAsync,
  // linear algebra, convolution, pooling
  matmul,
  batchMatmul,
  unfold,
  fold,
  conv1d,
  conv2d,
  convTranspose1d,
  convTranspose2d,
  maxPool1d,
  maxPool2d,
  avgPool1d,
  avgPool2d,
  type Pair,
  type UnfoldOptions,
  type ConvOptions,
  type ConvTransposeOptions,
  type PoolOptions,
  type MaxPoolOptions,
  type AvgPoolOptions,
  allclose,
  type AllCloseOptions,
} from './ops/index.js';
