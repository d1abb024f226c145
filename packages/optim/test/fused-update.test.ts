import { describe, expect, it } from 'vitest';
import {
  addDispatchListener,
  hasKernel,
  manualSeed,
  randn,
  rand,
  type Tensor,
} from '@webgrad/core-tensor';
import { Parameter } from '@webgrad/nn';
import {
  Adam,
  AdamW,
  SGD,
  adamUpdate,
  sgdUpdate,
  type AdamHyper,
  type SGDHyper,
  type UpdateInputs,
  type UpdateOutputs,
} from '@webgrad/optim';

// The fused update ops (adamUpdate, sgdUpdate) are what Adam, AdamW and SGD run on webgpu
// and on the cpu. Their cpu kernels round every operation to the parameter's dtype in the
// reference rule's order, so one fused step equals the composed tensor ops bit for bit.

function expectIdentical(fused: UpdateOutputs, reference: UpdateOutputs, what: string): void {
  expect(Object.keys(fused.state).sort(), `${what}: state keys`).toEqual(
    Object.keys(reference.state).sort(),
  );
  const pairs: [string, Tensor, Tensor][] = [
    ['param', fused.param, reference.param],
    ...Object.keys(reference.state).map((k): [string, Tensor, Tensor] => [
      k,
      fused.state[k]!,
      reference.state[k]!,
    ]),
  ];
  for (const [name, a, b] of pairs) {
    expect(a.dtype).toBe(b.dtype);
    expect(a.shape).toEqual(b.shape);
    expect(Array.from(a.dataSync()), `${what}: ${name}`).toEqual(Array.from(b.dataSync()));
  }
}

const DTYPES = ['float32', 'float64'] as const;

describe('adamUpdate: the fused kernel equals Adam’s composed update bit for bit', () => {
  const variants: [string, Partial<AdamHyper>][] = [
    ['Adam', {}],
    ['Adam with L2 weight decay', { weightDecay: 0.1 }],
    ['AdamW (decoupled decay)', { decoupled: true, weightDecay: 0.05 }],
    ['AMSGrad', { amsgrad: true, weightDecay: 0.01 }],
    [
      'AdamW + AMSGrad + maximize',
      { decoupled: true, weightDecay: 0.02, amsgrad: true, maximize: true },
    ],
  ];
  for (const [name, options] of variants) {
    for (const dtype of DTYPES) {
      // 105 elements stay in the TypeScript loop; 287 (an odd tail) take the WebAssembly SIMD kernel for float32
      it(`${name}, ${dtype}, steps 1 and 7, 105 and 287 elements`, () => {
        manualSeed(31);
        for (const shape of [[3, 5, 7], [7, 41]]) {
        const inputs: UpdateInputs = {
          param: randn(shape, { dtype }),
          grad: randn(shape, { dtype }),
          state: {
            expAvg: randn(shape, { dtype }).mul(0.1),
            expAvgSq: rand(shape, { dtype }).mul(0.01),
            maxExpAvgSq: rand(shape, { dtype }).mul(0.01),
          },
        };
        for (const step of [1, 7]) {
          const h: AdamHyper = {
            lr: 1e-2,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weightDecay: 0,
            decoupled: false,
            amsgrad: false,
            maximize: false,
            step,
            ...options,
          };
          expectIdentical(
            adamUpdate.kernel!.run(inputs, h),
            adamUpdate.apply(inputs, h),
            `${name} step ${step}, [${shape.join(', ')}]`,
          );
        }
        }
      });
    }
  }

  it('is registered on the cpu (so the optimizers take it)', () => {
    expect(hasKernel('adamUpdate', 'cpu')).toBe(true);
    expect(hasKernel('sgdUpdate', 'cpu')).toBe(true);
  });
});

describe('sgdUpdate: the fused kernel equals SGD’s composed update bit for bit', () => {
  const variants: [string, Partial<SGDHyper>][] = [
    ['plain', {}],
    ['weight decay, maximize', { weightDecay: 0.1, maximize: true }],
    ['momentum with dampening', { momentum: 0.9, dampening: 0.3 }],
    ['Nesterov with weight decay', { momentum: 0.8, nesterov: true, weightDecay: 0.01 }],
  ];
  for (const [name, options] of variants) {
    for (const dtype of DTYPES) {
      it(`${name}, ${dtype}: the first step (no buffer yet) and a later one, 36 and 287 elements`, () => {
        manualSeed(32);
        for (const shape of [[4, 9], [7, 41]]) {
        const h: SGDHyper = {
          lr: 0.05,
          momentum: 0,
          dampening: 0,
          weightDecay: 0,
          nesterov: false,
          maximize: false,
          ...options,
        };
        const base = { param: randn(shape, { dtype }), grad: randn(shape, { dtype }) };
        const first: UpdateInputs = { ...base, state: {} };
        expectIdentical(
          sgdUpdate.kernel!.run(first, h),
          sgdUpdate.apply(first, h),
          `${name} first step`,
        );
        const later: UpdateInputs = { ...base, state: { momentumBuffer: randn(shape, { dtype }) } };
        expectIdentical(
          sgdUpdate.kernel!.run(later, h),
          sgdUpdate.apply(later, h),
          `${name} later step`,
        );
        }
      });
    }
  }
});

describe('which path a step takes', () => {
  function kernelsDispatched(
    dtype: 'float32' | 'float64',
    make: (p: Parameter) => { step(): unknown },
  ): string[] {
    const p = new Parameter(randn([5, 3], { dtype }));
    p.grad = randn([5, 3], { dtype });
    const ops: string[] = [];
    const off = addDispatchListener((op) => ops.push(op));
    make(p).step();
    off();
    return ops.filter((op) => op === 'adamUpdate' || op === 'sgdUpdate');
  }

  it('float64 parameters are updated by one fused kernel each (Adam, AdamW, SGD)', () => {
    expect(kernelsDispatched('float64', (p) => new Adam([p], { amsgrad: true }))).toEqual([
      'adamUpdate',
    ]);
    expect(kernelsDispatched('float64', (p) => new AdamW([p]))).toEqual(['adamUpdate']);
    expect(kernelsDispatched('float64', (p) => new SGD([p], { momentum: 0.9 }))).toEqual([
      'sgdUpdate',
    ]);
  });

  it('float32 parameters on the cpu are updated by one fused kernel each too (SIMD on the WebAssembly path)', () => {
    expect(kernelsDispatched('float32', (p) => new Adam([p]))).toEqual(['adamUpdate']);
    expect(kernelsDispatched('float32', (p) => new SGD([p], { momentum: 0.9 }))).toEqual(['sgdUpdate']);
  });
});
