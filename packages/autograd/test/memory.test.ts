import { describe, expect, it } from 'vitest';
import { cos, exp, keep, matmul, memory, mul, sum, tanh, tensor, tidy, type Tensor } from '@webgrad/core-tensor';
import {
  atBackwardPassEnd,
  backward,
  grad,
  gradients,
  hessian,
  hessianVectorProduct,
  jacobian,
  noGrad,
  recordOp,
  valueAndGrad,
  type GradientContext,
} from '@webgrad/autograd';
import { acquireWebgpu, describeOnWebgpu } from '../../core-tensor/test/conformance/webgpu-under-test.js';

// Every entry point of autograd frees what it creates: a training or analysis
// loop that calls it thousands of times, inside tidy or not, holds memory flat.

const gpu = await acquireWebgpu();

/** Live handles and bytes on `backend` after a warm-up call, and again after `calls` more. */
function expectFlat(backend: string, call: () => void, calls = 25): void {
  call(); // warms core-tensor's small cache of scalar operands
  const before = memory();
  for (let i = 0; i < calls; i++) call();
  const after = memory();
  // ≤: garbage collection may free unreferenced tensors of earlier tests meanwhile, never add any;
  // one leaked handle a call adds `calls`
  expect(after.numTensors).toBeLessThanOrEqual(before.numTensors);
  expect(after.bytesByBackend[backend] ?? 0).toBeLessThanOrEqual(before.bytesByBackend[backend] ?? 0);
}

/** f(x, w) = Σ exp(2x)·cos(x)·w + Σ (x @ wᵀ)² — a few ops that save inputs, outputs or both. */
function f(x: Tensor, w: Tensor): Tensor {
  return sum(exp(x.mul(2)).mul(cos(x)).mul(w)).add(matmul(x.reshape([1, 3]), w.reshape([3, 1])).square().sum());
}

/**
 * A chain of steps h_t = tanh(h_{t−1}·w) whose gradient carries work from
 * step to step as a recurrent layer's does: the w term of every step is
 * stashed (kept, so it outlives any scope) and summed at the first step, and
 * dh reads a copy of w made once per pass and freed at the first step. A pass
 * that stops before the first step frees both with `atBackwardPassEnd`.
 */
class DeferredChain {
  readonly needsSeen: boolean[][] = [];
  private readonly stash: Tensor[] = [];
  private wCopy: Tensor | null = null;
  private passOpen = false;
  private steps = 0;

  constructor(private readonly w: Tensor) {}

  step(h: Tensor): Tensor {
    const id = this.steps++;
    const out = noGrad(() => tanh(mul(h, this.w)));
    recordOp('deferredStep', [h, this.w], [out], {}, (grads, ctx) => this.backward(id, grads[0]!, out, ctx));
    return out;
  }

  private backward(id: number, dy: Tensor, out: Tensor, ctx: GradientContext): (Tensor | null)[] {
    this.needsSeen.push(ctx.needsInputGrad.slice());
    if (!this.passOpen) {
      this.passOpen = true;
      atBackwardPassEnd(() => this.endPass());
    }
    const [h, w] = ctx.inputs as Tensor[];
    const dz = dy.mul(out.square().neg().add(1));
    let dh: Tensor | null = null;
    if (ctx.needsInputGrad[0]) {
      this.wCopy ??= keep(w!.mul(1));
      dh = dz.mul(this.wCopy);
    }
    let dw: Tensor | null = null;
    if (ctx.needsInputGrad[1]) {
      this.stash.push(keep(sum(dz.mul(h!)).reshape([1])));
      if (id === 0) {
        dw = this.stash.reduce((a, b) => a.add(b));
        this.freeStash();
      }
    }
    if (id === 0) this.freeCopy();
    return [dh, dw];
  }

  private endPass(): void {
    this.passOpen = false;
    this.freeStash();
    this.freeCopy();
  }

  private freeStash(): void {
    for (const t of this.stash.splice(0)) t.dispose();
  }

  private freeCopy(): void {
    this.wCopy?.dispose();
    this.wCopy = null;
  }
}

for (const backend of ['cpu', 'webgpu']) {
  const suite = (name: string, fn: () => void): void => {
    if (backend === 'cpu') describe(name, fn);
    else describeOnWebgpu(gpu, name, fn);
  };
  suite(`autograd frees what it creates (${backend})`, () => {
    const on = { backend };
    const x = tensor([0.5, -1, 0.25], on);
    const w = tensor([0.3, 2, -0.7], { ...on, requiresGrad: true });

    it('grad and valueAndGrad outside tidy: only the returned value and gradients survive a call', async () => {
      const [g0] = grad(f)(x, w);
      const [g1] = grad(f, { argnums: 1 })(x, w);
      // ∂f/∂w = exp(2x)·cos(x) + 2(x·w)x
      const xw = 0.5 * 0.3 - 2 - 0.7 * 0.25;
      const want = [0.5, -1, 0.25].map((v) => Math.exp(2 * v) * Math.cos(v) + 2 * xw * v);
      Array.from(await g1!.data()).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 4));
      g0!.dispose();
      g1!.dispose();
      expectFlat(backend, () => grad(f)(x, w).forEach((g) => g.dispose()));
      expectFlat(backend, () => {
        const [y, gs] = valueAndGrad(f)(x, w);
        y.dispose();
        gs.forEach((g) => g.dispose());
      });
    });

    it('nested grad (third derivative) outside tidy frees every graph it builds', () => {
      const cube = (v: Tensor): Tensor => v.pow(3).sum();
      const two = tensor([2], on);
      const d3 = (): Tensor => grad((a) => grad((b) => grad(cube)(b)[0]!.sum())(a)[0]!.sum())(two)[0]!;
      expectFlat(backend, () => d3().dispose());
    });

    it('backward outside tidy frees the intermediate gradients: only the leaves’ .grad remain', () => {
      expectFlat(backend, () => {
        const loss = tidy(() => f(x, w));
        backward(loss);
        loss.dispose();
        w.grad!.dispose();
        w.grad = null;
      });
    });

    it('gradients with explicit inputs, outside tidy and inside, holds memory flat', () => {
      const xg = tensor([0.5, -1, 0.25], { ...on, requiresGrad: true });
      // a loss from tidy keeps its whole graph; the pass runs and releases all of it
      expectFlat(backend, () => {
        const loss = tidy(() => f(xg, w));
        gradients(loss, [xg, w]).forEach((g) => g.dispose());
        loss.dispose();
      });
      // with respect to x only: the nodes that lead only to w do not run; tidy frees what they saved
      expectFlat(backend, () => tidy(() => gradients(f(xg, w), [xg])[0]!).dispose());
      expectFlat(backend, () => tidy(() => gradients(f(xg, w).add(exp(w).sum()), [xg], { createGraph: true })[0]!.sum()).dispose());
      // outside tidy: the loss keeps its whole graph, the pass runs only the nodes that lead to x,
      // and disposing the loss frees what the others saved
      expectFlat(backend, () => {
        const loss = tidy(() => f(xg, w).add(exp(w).sum()));
        gradients(loss, [xg])[0]!.dispose();
        loss.dispose();
      });
    });

    it('a graph that is never differentiated frees its saved tensors when its output is disposed', () => {
      const xg = tensor([0.5, -1, 0.25], { ...on, requiresGrad: true });
      expectFlat(backend, () => tidy(() => f(xg, w)).dispose());
      expectFlat(backend, () => {
        const h = exp(xg);
        const hw = h.mul(w);
        const y = hw.sum();
        // any order: a node's saved tensors go with the last handle that reaches it
        h.dispose();
        y.dispose();
        hw.dispose();
      });
    });

    it('a node stays differentiable while a live tensor reaches it, and frees what it saved when none does', async () => {
      const xg = tensor([0.5, -1, 0.25], { ...on, requiresGrad: true });
      const build = (): Tensor => tidy(() => exp(xg).sum().add(w.square().sum()));
      // two passes over one output, each to one input: the first runs only exp's branch, so
      // square's node, not run, still has w for the second
      const y = build();
      const [gx] = gradients(y, [xg]);
      const [gw] = gradients(y, [w]);
      Array.from(await gx!.data()).forEach((v, i) => expect(v).toBeCloseTo(Math.exp([0.5, -1, 0.25][i]!), 5));
      Array.from(await gw!.data()).forEach((v, i) => expect(v).toBeCloseTo(2 * [0.3, 2, -0.7][i]!, 5));
      [y, gx!, gw!].forEach((t) => t.dispose());
      // one pass to x: disposing y frees its handle and the w that square's node saved
      const y2 = build();
      gradients(y2, [xg])[0]!.dispose();
      const before = memory().numTensors;
      y2.dispose();
      expect(memory().numTensors).toBeLessThanOrEqual(before - 2);
    });

    it('jacobian, hessian and hessianVectorProduct outside tidy free every graph they build', () => {
      expectFlat(backend, () => jacobian((v) => exp(v).mul(w), x).dispose(), 10);
      expectFlat(backend, () => hessian((v) => f(v, w), x).dispose(), 10);
      const v0 = w.detach();
      expectFlat(backend, () => hessianVectorProduct((v) => f(v, w), x, v0).dispose(), 10);
    });

    it('a node is asked only for the gradients of inputs that lead to the wanted ones', () => {
      const chain = new DeferredChain(tensor([0.9], { ...on, requiresGrad: true }));
      const states = tidy(() => {
        const hs = [tensor([0.4], { ...on, requiresGrad: true })];
        for (let t = 0; t < 4; t++) hs.push(chain.step(hs[hs.length - 1]!));
        return hs;
      });
      tidy(() => gradients(states[4]!, [states[2]!]));
      // steps 3 and 2 run (they lead to h₂) and are asked for dh only; steps 1 and 0 do not run
      expect(chain.needsSeen).toEqual([
        [true, false],
        [true, false],
      ]);
      states.forEach((s) => s.dispose());
    });

    it('atBackwardPassEnd frees what a deferred gradient stashed when the pass stops early', async () => {
      const w0 = tensor([0.9], { ...on, requiresGrad: true });
      const run = (wrt: 'w' | 'state'): Tensor => {
        const chain = new DeferredChain(w0);
        return tidy(() => {
          const hs = [tensor([0.4], { ...on, requiresGrad: true })];
          for (let t = 0; t < 5; t++) hs.push(chain.step(hs[hs.length - 1]!));
          // with respect to h₂ the pass stops at h₂'s node: the first step, which frees the copy of w, never runs
          return gradients(hs[5]!, wrt === 'w' ? [w0] : [hs[2]!])[0]!;
        });
      };
      // the full pass reaches the first step, which sums the stash: d h₅/dw by the chain rule
      let h = 0.4;
      let dhdw = 0;
      for (let t = 0; t < 5; t++) {
        const next = Math.tanh(h * 0.9);
        dhdw = (1 - next * next) * (h + 0.9 * dhdw);
        h = next;
      }
      const gw = run('w');
      expect((await gw.data())[0]).toBeCloseTo(dhdw, 5);
      gw.dispose();
      expectFlat(backend, () => run('w').dispose());
      expectFlat(backend, () => run('state').dispose());
    });
  });
}

describe('atBackwardPassEnd', () => {
  it('runs at once outside a backward pass, and when a pass throws', () => {
    let ran = 0;
    atBackwardPassEnd(() => ran++);
    expect(ran).toBe(1);
    const x = tensor([1, 2], { requiresGrad: true });
    const y = tidy(() => {
      const out = noGrad(() => x.mul(2));
      recordOp('failsInBackward', [x], [out], {}, () => {
        atBackwardPassEnd(() => ran++);
        throw new Error('backward of failsInBackward');
      });
      return out.sum();
    });
    expect(() => gradients(y, [x])).toThrow('backward of failsInBackward');
    expect(ran).toBe(2);
  });
});
