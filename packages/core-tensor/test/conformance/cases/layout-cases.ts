import { clone, concat, expand, flip, full, gather, indexAdd, indexSelect, permute, scatterAdd, slice, sliceScatter, type DType } from '@webgrad/core-tensor';
import { bools, floats, ints, values, type ConformanceCase } from '../conformance-case.js';

// Kernels that move elements: exact on every backend.

function fillCases(): ConformanceCase[] {
  const cases: [string, number[], number, DType][] = [
    ['float32 [3,4]', [3, 4], 2.5, 'float32'],
    ['float32 NaN', [5], NaN, 'float32'],
    ['float32 -Inf rank 0', [], -Infinity, 'float32'],
    ['int32 [2,3,4]', [2, 3, 4], -7, 'int32'],
    ['bool', [6], 1, 'bool'],
    ['empty', [0, 4], 1, 'float32'],
    ['rank 6', [2, 1, 3, 1, 2, 2], 0.125, 'float32'],
    ['[2048,2049] (over 4M elements)', [2048, 2049], 3, 'float32'],
  ];
  return cases.map(([name, shape, value, dtype]) => ({ kernel: 'fill', name, inputs: [], run: (_x, backend) => full(shape, value, { dtype, backend }) }));
}

function expandCases(): ConformanceCase[] {
  const cases: [string, number[], number[]][] = [
    ['[3,1] to [3,4]', [3, 1], [3, 4]],
    ['[4] to [2,3,4]', [4], [2, 3, 4]],
    ['rank 0 to [5,2]', [], [5, 2]],
    ['[1,3,1,2] to [2,3,4,2]', [1, 3, 1, 2], [2, 3, 4, 2]],
    ['rank 6', [2, 1, 3, 1, 1, 2], [2, 2, 3, 2, 3, 2]],
    ['to empty', [1, 3], [0, 3]],
  ];
  return [
    ...cases.map(([name, from, to]): ConformanceCase => ({ kernel: 'expand', name, inputs: [floats(from)], run: ([x]) => expand(x!, to) })),
    { kernel: 'expand', name: 'int32 [2,1] to [2,5]', inputs: [ints([2, 1])], run: ([x]) => expand(x!, [2, 5]) },
    { kernel: 'expand', name: 'bool [1,3] to [4,3]', inputs: [bools([1, 3])], run: ([x]) => expand(x!, [4, 3]) },
  ];
}

function copyCases(): ConformanceCase[] {
  return [
    { kernel: 'copy', name: 'float32 [7,3]', inputs: [floats([7, 3])], run: ([x]) => clone(x!) },
    { kernel: 'copy', name: 'bool [5]', inputs: [bools([5])], run: ([x]) => clone(x!) },
    { kernel: 'copy', name: 'int32 rank 0', inputs: [values([42], [], 'int32')], run: ([x]) => clone(x!) },
    { kernel: 'copy', name: 'empty', inputs: [floats([0])], run: ([x]) => clone(x!) },
  ];
}

function permuteCases(): ConformanceCase[] {
  const cases: [string, number[], number[]][] = [
    ['2-D transpose [65,33]', [65, 33], [1, 0]],
    ['[2,3,4] to [2,0,1]', [2, 3, 4], [2, 0, 1]],
    ['[3,1,4,2] to [3,1,0,2]', [3, 1, 4, 2], [3, 1, 0, 2]],
    ['rank 6 reversed', [2, 3, 1, 2, 3, 2], [5, 4, 3, 2, 1, 0]],
    ['empty', [0, 3], [1, 0]],
  ];
  return [
    ...cases.map(([name, shape, axes]): ConformanceCase => ({ kernel: 'permute', name, inputs: [floats(shape)], run: ([x]) => permute(x!, axes) })),
    { kernel: 'permute', name: 'int32 [4,5]', inputs: [ints([4, 5])], run: ([x]) => permute(x!, [1, 0]) },
  ];
}

function sliceCases(): ConformanceCase[] {
  return [
    { kernel: 'slice', name: 'x[1:3, ::2]', inputs: [floats([5, 7])], run: ([x]) => slice(x!, [[1, 3], [null, null, 2]]) },
    { kernel: 'slice', name: 'negative step (flip)', inputs: [floats([4, 6])], run: ([x]) => flip(x!, [0, 1]) },
    { kernel: 'slice', name: 'x[2] drops the axis', inputs: [ints([4, 3])], run: ([x]) => slice(x!, [2]) },
    { kernel: 'slice', name: 'rank 5 window', inputs: [floats([3, 4, 2, 5, 3])], run: ([x]) => slice(x!, [[1, 3], [null, null, 3], null, [4, 0, -2], [1]]) },
    { kernel: 'slice', name: 'empty window', inputs: [floats([4, 3])], run: ([x]) => slice(x!, [[2, 2]]) },
    { kernel: 'slice', name: 'bool', inputs: [bools([9])], run: ([x]) => slice(x!, [[1, 8, 3]]) },
  ];
}

function sliceScatterCases(): ConformanceCase[] {
  return [
    { kernel: 'sliceScatter', name: 'rows 1..3 of [5,4]', inputs: [floats([5, 4]), floats([2, 4], 10, 20)], run: ([b, s]) => sliceScatter(b!, s!, { begin: [1, 0], step: [1, 1] }) },
    { kernel: 'sliceScatter', name: 'strided columns', inputs: [floats([3, 7]), floats([3, 3], 10, 20)], run: ([b, s]) => sliceScatter(b!, s!, { begin: [0, 1], step: [1, 2] }) },
    { kernel: 'sliceScatter', name: 'negative step, int32', inputs: [ints([6]), ints([3], 100, 200)], run: ([b, s]) => sliceScatter(b!, s!, { begin: [5], step: [-2] }) },
    { kernel: 'sliceScatter', name: 'empty src', inputs: [floats([4]), floats([0])], run: ([b, s]) => sliceScatter(b!, s!, { begin: [0], step: [1] }) },
  ];
}

function concatCases(): ConformanceCase[] {
  return [
    { kernel: 'concat', name: 'axis 0', inputs: [floats([2, 3]), floats([4, 3], -1, 1, 5)], run: ([a, b]) => concat([a!, b!], 0) },
    { kernel: 'concat', name: 'axis 1 of three', inputs: [floats([2, 3]), floats([2, 1], -1, 1, 5), floats([2, 4], 5, 6, 6)], run: ([a, b, c]) => concat([a!, b!, c!], 1) },
    { kernel: 'concat', name: 'middle axis, rank 4', inputs: [floats([2, 3, 2, 2]), floats([2, 1, 2, 2], 7, 8, 7)], run: ([a, b]) => concat([a!, b!], 1) },
    { kernel: 'concat', name: 'with an empty input', inputs: [floats([0, 3]), floats([2, 3])], run: ([a, b]) => concat([a!, b!], 0) },
    { kernel: 'concat', name: 'int32 and bool', inputs: [bools([3]), bools([2], 9)], run: ([a, b]) => concat([a!, b!], 0) },
  ];
}

function indexCases(): ConformanceCase[] {
  const idx = (list: number[], shape = [list.length]) => values(list, shape, 'int32');
  return [
    { kernel: 'gather', name: 'axis 1', inputs: [floats([3, 5]), idx([0, 4, -1, 2, 2, 1], [3, 2])], run: ([x, i]) => gather(x!, 1, i!) },
    { kernel: 'gather', name: 'axis 0, index smaller than x', inputs: [floats([4, 3, 2]), idx([3, 0, 1, 2], [2, 2, 1])], run: ([x, i]) => gather(x!, 0, i!) },
    { kernel: 'gather', name: 'int32 values', inputs: [ints([5]), idx([4, 4, 0])], run: ([x, i]) => gather(x!, 0, i!) },
    { kernel: 'scatterAdd', name: 'axis 0 with repeated indices', inputs: [floats([3, 4]), idx([0, 2, 0, 0, 1, 2, 0, 0], [2, 4]), floats([2, 4], 1, 2, 8)], run: ([x, i, s]) => scatterAdd(x!, 0, i!, s!) },
    { kernel: 'scatterAdd', name: 'axis 1, src larger than index', inputs: [floats([2, 5]), idx([4, 4, 4, 1, -1, 0], [2, 3]), floats([2, 6], 1, 2, 9)], run: ([x, i, s]) => scatterAdd(x!, 1, i!, s!) },
    { kernel: 'scatterAdd', name: 'int32', inputs: [ints([6]), idx([1, 1, 5, 1]), ints([4], 1, 9, 10)], run: ([x, i, s]) => scatterAdd(x!, 0, i!, s!) },
    { kernel: 'indexSelect', name: 'rows', inputs: [floats([5, 3]), idx([4, 0, 0, -2])], run: ([x, i]) => indexSelect(x!, 0, i!) },
    { kernel: 'indexSelect', name: 'middle axis', inputs: [floats([2, 6, 3]), idx([5, 1])], run: ([x, i]) => indexSelect(x!, 1, i!) },
    { kernel: 'indexSelect', name: 'embedding lookup 65×32 by 500 ids', inputs: [floats([65, 32]), ints([500], 0, 64, 11)], run: ([x, i]) => indexSelect(x!, 0, i!) },
    { kernel: 'indexAdd', name: 'repeated rows', inputs: [floats([4, 3]), idx([1, 3, 1, 1]), floats([4, 3], 1, 2, 12)], run: ([x, i, s]) => indexAdd(x!, 0, i!, s!) },
    { kernel: 'indexAdd', name: 'last axis', inputs: [floats([2, 5]), idx([0, 4]), floats([2, 2], 1, 2, 13)], run: ([x, i, s]) => indexAdd(x!, 1, i!, s!) },
    { kernel: 'indexAdd', name: 'embedding gradient 65×16 from 300 ids', inputs: [floats([65, 16], 0, 0, 1), ints([300], 0, 64, 14), floats([300, 16], -1, 1, 15)], run: ([x, i, s]) => indexAdd(x!, 0, i!, s!) },
  ];
}

/** Fill, copy, expand, permute, slice, sliceScatter, concat and the index kernels. */
export const LAYOUT_CASES: readonly ConformanceCase[] = [
  ...fillCases(),
  ...expandCases(),
  ...copyCases(),
  ...permuteCases(),
  ...sliceCases(),
  ...sliceScatterCases(),
  ...concatCases(),
  ...indexCases(),
];
