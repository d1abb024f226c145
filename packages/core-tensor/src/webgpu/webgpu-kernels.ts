// Registers every WebGPU kernel (imported once, for its side effects, by the
// package index). Registration needs no device: the kernels are plain
// functions until a webgpu tensor reaches them.
import '../kernels/elementwise.wgsl.js';
import '../kernels/fill.wgsl.js';
import '../kernels/reduce.wgsl.js';
import '../kernels/transpose.wgsl.js';
import '../kernels/expand.wgsl.js';
import '../kernels/slice.wgsl.js';
import '../kernels/concat.wgsl.js';
import '../kernels/gather.wgsl.js';
import '../kernels/softmax.wgsl.js';
import '../kernels/cumsum.wgsl.js';
import '../kernels/matmul.wgsl.js';
import '../kernels/unfold.wgsl.js';
import '../kernels/random.wgsl.js';
import '../kernels/attention.wgsl.js';
import '../kernels/conv2d.wgsl.js';
import '../kernels/conv-transpose2d.wgsl.js';
import '../kernels/conv2d-weight-grad.wgsl.js';
// fused kernels of ops defined by other packages (the ops, CPU kernels and gradients live there)
import '../kernels/lstm-cell.wgsl.js';
import '../kernels/gru-cell.wgsl.js';
import '../kernels/adam-update.wgsl.js';
import '../kernels/sgd-update.wgsl.js';
import '../kernels/layer-norm.wgsl.js';
