import { expect, it } from 'vitest';
import { fromTypedArray, hasKernel, mul, sub, sum, type Tensor } from '@webgrad/core-tensor';
import { Parameter } from '@webgrad/nn';
import { Adam, AdamW, SGD, type Optimizer, type OptimizerOptions } from '@webgrad/optim';
import {
  acquireWebgpu,
  describeOnWebgpu,
} from '../../core-tensor/test/conformance/webgpu-under-test.js';
import {
  expectGpuMatchesCpu,
  expectTensorsClose,
  hostValues,
  type FusedInput,
  type Tolerance,
} from '../../core-tensor/test/conformance/fused-kernel-conformance.js';

// The WGSL kernels of the fused updates (core-tensor's adam-update.wgsl.ts, sgd-update.wgsl.ts)
// against this package's cpu kernels. Both compute in float32 with the host numbers rounded
// once; the gpu's sqrt and division may be a few ulp off the correctly rounded ones, so
// |gpu − cpu| ≤ 1e-6 + 1e-5·|cpu| (parameters and moments of magnitude ≲ 3 here).
const TOL: Tolerance = { atol: 1e-6, rtol: 1e-5 };

const gpu = await acquireWebgpu();

/** Shapes: one element, an odd size that is no multiple of the 256-thread workgroup, rank 4, empty. */
const SHAPES: readonly (readonly number[])[] = [[1], [1001], [2, 3, 5, 7], [0, 4]];

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
/** A second-moment estimate: non-negative. */
const squares = (shape: readonly number[], seed: number): FusedInput => ({
  shape,
  values: Float32Array.from(hostValues(size(shape), seed, 0.1), Math.abs),
});

function adamAttrs(o: {
  weightDecay?: number;
  decoupled?: boolean;
  amsgrad?: boolean;
  maximize?: boolean;
  step?: number;
}) {
  const [lr, beta1, beta2, step] = [1e-2, 0.9, 0.999, o.step ?? 3];
  return {
    lr,
    beta1,
    beta2,
    eps: 1e-8,
    weightDecay: o.weightDecay ?? 0,
    decoupled: o.decoupled ?? false,
    amsgrad: o.amsgrad ?? false,
    maximize: o.maximize ?? false,
    stepSize: lr / (1 - beta1 ** step),
    bc2Sqrt: Math.sqrt(1 - beta2 ** step),
  };
}

function adamInputs(shape: readonly number[], amsgrad: boolean): FusedInput[] {
  const inputs: FusedInput[] = [
    { shape, scale: 2 },
    { shape },
    { shape, scale: 0.1 },
    squares(shape, 7),
  ];
  if (amsgrad) inputs.push(squares(shape, 8));
  return inputs;
}

const ADAM_VARIANTS = [
  { name: 'Adam with L2 decay', weightDecay: 0.1 },
  { name: 'AdamW', decoupled: true, weightDecay: 0.05, step: 1 },
  { name: 'Adam AMSGrad, maximize', amsgrad: true, maximize: true },
  { name: 'AdamW AMSGrad', amsgrad: true, decoupled: true, weightDecay: 0.05 },
];

const SGD_VARIANTS = [
  {
    name: 'plain SGD with decay',
    lr: 0.1,
    momentum: 0,
    dampening: 0,
    weightDecay: 0.01,
    nesterov: false,
    maximize: false,
    buffer: false,
  },
  {
    name: 'momentum, first step',
    lr: 0.1,
    momentum: 0.9,
    dampening: 0.2,
    weightDecay: 0,
    nesterov: false,
    maximize: true,
    buffer: false,
  },
  {
    name: 'momentum with dampening',
    lr: 0.1,
    momentum: 0.9,
    dampening: 0.2,
    weightDecay: 0.01,
    nesterov: false,
    maximize: false,
    buffer: true,
  },
  {
    name: 'Nesterov',
    lr: 0.05,
    momentum: 0.8,
    dampening: 0,
    weightDecay: 0.01,
    nesterov: true,
    maximize: false,
    buffer: true,
  },
];

describeOnWebgpu(gpu, 'fused optimizer updates on webgpu match the cpu kernels', () => {
  it('the kernels are registered for webgpu', () => {
    expect(hasKernel('adamUpdate', 'webgpu')).toBe(true);
    expect(hasKernel('sgdUpdate', 'webgpu')).toBe(true);
  });

  for (const shape of SHAPES) {
    it(`adamUpdate, every variant, shape ${JSON.stringify(shape)}`, async () => {
      for (const v of ADAM_VARIANTS)
        await expectGpuMatchesCpu(
          'adamUpdate',
          adamInputs(shape, v.amsgrad === true),
          adamAttrs(v),
          TOL,
        );
    });
    it(`sgdUpdate, every variant, shape ${JSON.stringify(shape)}`, async () => {
      for (const { name: _name, buffer, ...attrs } of SGD_VARIANTS) {
        const inputs: FusedInput[] = [{ shape, scale: 2 }, { shape }];
        if (buffer) inputs.push({ shape });
        await expectGpuMatchesCpu('sgdUpdate', inputs, attrs, TOL);
      }
    });
  }

  it('a large parameter: 4,194,307 elements (Adam with AMSGrad, SGD with momentum)', async () => {
    const shape = [4_194_307];
    await expectGpuMatchesCpu(
      'adamUpdate',
      adamInputs(shape, true),
      adamAttrs({ amsgrad: true, weightDecay: 0.01 }),
      TOL,
    );
    const { name: _name, buffer: _buffer, ...sgd } = SGD_VARIANTS[3]!;
    await expectGpuMatchesCpu('sgdUpdate', [{ shape }, { shape }, { shape }], sgd, TOL);
  });

  type Make = (params: Parameter[]) => Optimizer<OptimizerOptions> & { step(): unknown };
  const optimizers: [string, Make][] = [
    ['Adam', (p) => new Adam(p, { lr: 0.05, weightDecay: 0.01 })],
    ['AdamW with AMSGrad', (p) => new AdamW(p, { lr: 0.05, amsgrad: true })],
    [
      'SGD with Nesterov momentum',
      (p) => new SGD(p, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01 }),
    ],
  ];
  for (const [name, make] of optimizers) {
    it(`${name}: 8 steps on webgpu follow the cpu’s trajectory (loss Σ c ⊙ (w − t)²)`, async () => {
      const shapes = [[3, 17], [17]];
      const run = (backend: string): Parameter[] => {
        const params = shapes.map(
          (s, k) => new Parameter(fromTypedArray(hostValues(size(s), 40 + k), s, { backend })),
        );
        const targets = shapes.map((s, k) =>
          fromTypedArray(hostValues(size(s), 50 + k), s, { backend }),
        );
        const weights = shapes.map((s, k) =>
          fromTypedArray(
            Float32Array.from(hostValues(size(s), 60 + k), (x) => 1 + x),
            s,
            { backend },
          ),
        );
        const opt = make(params);
        for (let step = 0; step < 8; step++) {
          opt.zeroGrad();
          params
            .reduce<Tensor | null>((acc, p, k) => {
              const l = sum(mul(weights[k]!, mul(sub(p, targets[k]!), sub(p, targets[k]!))));
              return acc === null ? l : acc.add(l);
            }, null)!
            .backward();
          opt.step();
        }
        return params;
      };
      const want = run('cpu');
      const got = run('webgpu');
      await expectTensorsClose(got, want, { atol: 1e-5, rtol: 1e-5 });
    });
  }
});
