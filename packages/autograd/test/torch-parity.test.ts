import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  tensor, matmul, tanh, logsumexp, gelu, logSoftmax, conv2d, maxPool2d, softplus, sum, norm, mean, std, variance, elu, softmax, transpose,
  cos, sin, type Tensor,
} from '@webgrad/core-tensor';
import { gradients } from '@webgrad/autograd';

interface Stored { shape: number[]; data: number[] }
interface GradCase { inputs: Record<string, Stored>; extra: Record<string, Stored>; value: Stored; grads: Record<string, Stored> }

const here = dirname(fileURLToPath(import.meta.url));
const cases = (JSON.parse(readFileSync(join(here, 'fixtures', 'grads.json'), 'utf8')) as { cases: Record<string, GradCase> }).cases;
const load = (s: Stored, requiresGrad = false): Tensor => tensor(s.data, { shape: s.shape, requiresGrad });

// the same formulas as gen_grads.py, written with webgrad ops
const functions: Record<string, (inputs: Tensor[], extra: Record<string, Tensor>) => Tensor> = {
  tanh_logsumexp: ([x, W, b]) => mean(logsumexp(tanh(matmul(x!, W!).add(b!)), 1)),
  mlp_cross_entropy: ([x, W1, b1, W2, b2], { onehot }) => {
    const h = gelu(matmul(x!, W1!).add(b1!));
    const logp = logSoftmax(matmul(h, W2!).add(b2!), 1);
    return mean(sum(logp.mul(onehot!), 1)).neg();
  },
  conv_pool_softplus: ([x, w, b]) => {
    let y = conv2d(x!, w!, b!, { stride: 1, padding: 1 });
    y = softplus(maxPool2d(y, 2, { stride: 2, ceilMode: true }));
    return sum(sum(y.square(), [1, 2, 3]).div(norm(y, 2, [1, 2, 3])));
  },
  standardise_elu_var: ([x, g]) => {
    const z = x!.sub(mean(x!, 0, true)).div(std(x!, 0, { keepdims: true }));
    return mean(elu(z.mul(g!)).pow(2)).add(sum(variance(x!, 1)).mul(0.1));
  },
  attention: ([q, k, v]) => {
    const a = softmax(matmul(q!, transpose(k!, -1, -2)).div(2), -1);
    return sum(matmul(a, v!).mul(tensor([1, 2, 3])));
  },
  course_example: ([x, y]) => sum(cos(x!).mul(sin(y!)).add(x!.div(y!))),
};

function expectClose(actual: Tensor, expected: Stored, what: string): void {
  expect(actual.shape, what).toEqual(expected.shape);
  const got = actual.dataSync();
  expected.data.forEach((e, i) => {
    const err = Math.abs(got[i]! - e);
    if (!(err <= 1e-5 * Math.max(1, Math.abs(e)))) expect.fail(`${what}[${i}]: webgrad ${got[i]}, torch ${e}`);
  });
}

describe('gradients of composite functions match PyTorch (fixtures from gen_grads.py)', () => {
  it('every fixture case has a webgrad formula', () => {
    expect(Object.keys(cases).sort()).toEqual(Object.keys(functions).sort());
  });

  it.each(Object.keys(functions))('%s', (name) => {
    const c = cases[name]!;
    const names = Object.keys(c.inputs);
    const inputs = names.map((n) => load(c.inputs[n]!, true));
    const extra = Object.fromEntries(Object.entries(c.extra).map(([k, v]) => [k, load(v)]));
    const value = functions[name]!(inputs, extra);
    expectClose(value, c.value, 'value');
    const grads = gradients(value, inputs);
    names.forEach((n, i) => expectClose(grads[i]!, c.grads[n]!, `∂/∂${n}`));
  });
});
