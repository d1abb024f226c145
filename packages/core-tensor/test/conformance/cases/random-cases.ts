import { Generator, normal, rand, randint, randn, uniform } from '@webgrad/core-tensor';
import type { ConformanceCase } from '../conformance-case.js';

// The GPU runs the same Philox stream as the CPU: uniform and integer draws
// are bit-exact; normal draws agree within 1e-6 (Box–Muller in float32 with an
// accurate log and an exact reduction of the angle, vs the CPU in float64).
const NORMAL_TOL = { rtol: 1e-6, atol: 1e-6 };

function gen(seed: number, skip = 0): Generator {
  const g = new Generator(seed);
  if (skip) g.setState({ seed, offset: skip });
  return g;
}

/** randomUniform and randomNormal. */
export const RANDOM_CASES: readonly ConformanceCase[] = [
  { kernel: 'randomUniform', name: 'rand [1000] seed 0', inputs: [], run: (_x, backend) => rand([1000], { generator: gen(0), backend }) },
  { kernel: 'randomUniform', name: 'rand [3,5,7] seed 2^40 + 3, offset past 2^32 blocks', inputs: [], run: (_x, backend) => rand([3, 5, 7], { generator: gen(2 ** 40 + 3, 2 ** 32 - 5), backend }) },
  { kernel: 'randomUniform', name: 'uniform(-1, 1) [999]', inputs: [], run: (_x, backend) => uniform([999], -1, 1, { generator: gen(7), backend }) },
  { kernel: 'randomUniform', name: 'uniform(-0.125, 0.375) [257]', inputs: [], run: (_x, backend) => uniform([257], -0.125, 0.375, { generator: gen(8), backend }) },
  { kernel: 'randomUniform', name: 'randint(-5, 17) [1001]', inputs: [], run: (_x, backend) => randint(-5, 17, [1001], { generator: gen(9), backend }) },
  { kernel: 'randomUniform', name: 'randint(0, 2^31 - 1) [64]', inputs: [], run: (_x, backend) => randint(0, 2 ** 31 - 1, [64], { generator: gen(10), backend }) },
  { kernel: 'randomUniform', name: 'rank 0 and empty', inputs: [], run: (_x, backend) => [rand([], { generator: gen(11), backend }), rand([0, 3], { generator: gen(11), backend })] },
  { kernel: 'randomUniform', name: 'rand [2048,2049] (over 4M elements)', inputs: [], run: (_x, backend) => rand([2048, 2049], { generator: gen(12), backend }) },
  { kernel: 'randomNormal', name: 'randn [4099] seed 0', inputs: [], run: (_x, backend) => randn([4099], { generator: gen(0), backend }), tol: NORMAL_TOL },
  { kernel: 'randomNormal', name: 'normal(2, 0.5) [33,17]', inputs: [], run: (_x, backend) => normal([33, 17], 2, 0.5, { generator: gen(13), backend }), tol: NORMAL_TOL },
  { kernel: 'randomNormal', name: 'randn [2^20] seed 5 (tails)', inputs: [], run: (_x, backend) => randn([2 ** 20], { generator: gen(5), backend }), tol: NORMAL_TOL },
];
