import { BINARY_OPS, UNARY_OPS } from '../elementwise-table.js';

/**
 * The ops whose WebGPU kernels run on float16 storage (each tested against
 * the CPU's float16 reference). Every other op runs float16 tensors on
 * float32 copies (cast, float32 kernel, cast back): the kernels with float
 * atomics (scatterAdd, indexAdd), and the ones not yet checked in half
 * precision (cumsum, unfold/fold, the conv kernels, attention, the LSTM/GRU
 * cells, layer norm).
 */
export const FLOAT16_OP_GROUPS: ReadonlyMap<string, readonly string[]> = new Map([
  [
    'the elementwise table',
    [...UNARY_OPS.map((d) => d.name), ...BINARY_OPS.map((d) => d.name), 'where', 'cast'],
  ],
  ['matmul', ['matmul', 'matmulBiasAct']],
  ['reductions', ['sum', 'prod', 'max', 'min', 'argmax', 'argmin']],
  ['softmax', ['softmax', 'logSoftmax']],
  [
    'layout',
    ['permute', 'copy', 'expand', 'slice', 'sliceScatter', 'concat', 'gather', 'indexSelect'],
  ],
  ['creation', ['fill', 'randomUniform', 'randomNormal']],
  ['optimizer updates', ['adamUpdate', 'sgdUpdate']],
]);

/** Every op name of `FLOAT16_OP_GROUPS`. */
export const FLOAT16_OPS: ReadonlySet<string> = new Set([...FLOAT16_OP_GROUPS.values()].flat());
