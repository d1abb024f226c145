import { describe, expect, it } from 'vitest';
import { relu, tensor, type Tensor } from '@webgrad/core-tensor';
import { Linear, Module, Parameter } from '@webgrad/nn';

class TwoLayer extends Module<[Tensor], Tensor> {
  fc1 = new Linear(4, 8);
  fc2 = new Linear(8, 1, { bias: false });
  forward(x: Tensor): Tensor {
    return this.fc2.forward(relu(this.fc1.forward(x)));
  }
}

describe('Module', () => {
  it('names parameters by property path in assignment order, as PyTorch does', () => {
    const net = new TwoLayer();
    expect(net.namedParameters().map(([n]) => n)).toEqual(['fc1.weight', 'fc1.bias', 'fc2.weight']);
    expect(Object.keys(net.stateDict())).toEqual(['fc1.weight', 'fc1.bias', 'fc2.weight']);
    expect(net.numParameters()).toBe(4 * 8 + 8 + 8);
    expect(net.toString()).toBe(
      'TwoLayer(\n  (fc1): Linear(in_features=4, out_features=8, bias=True)\n  (fc2): Linear(in_features=8, out_features=1, bias=False)\n)',
    );
  });
  it('loads a state dict and rejects mismatches by name', () => {
    const a = new TwoLayer();
    const b = new TwoLayer();
    b.loadStateDict(a.stateDict());
    expect(Array.from(b.fc1.weight.dataSync())).toEqual(Array.from(a.fc1.weight.dataSync()));
    expect(() => b.loadStateDict({ ...a.stateDict(), extra: tensor([1]) })).toThrow(/unexpected keys \[extra\]/);
    expect(() => b.loadStateDict({ 'fc1.weight': tensor([1]) }, false)).toThrow(/size mismatch for fc1.weight/);
  });
  it('switches train/eval on every descendant', () => {
    const net = new TwoLayer().eval();
    expect(net.modules().every((m) => !m.training)).toBe(true);
    expect(new Parameter(tensor([1])).requiresGrad).toBe(true);
  });
  it('Linear computes x·Wᵀ + b with PyTorch init bounds', () => {
    const l = new Linear(16, 3);
    const bound = 1 / 4;
    expect(Array.from(l.weight.dataSync()).every((v) => Math.abs(v) <= bound)).toBe(true);
    const x = tensor([[1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]]);
    const y = l.forward(x).dataSync();
    const w = l.weight.arraySync() as number[][];
    const b = l.bias!.dataSync();
    for (let j = 0; j < 3; j++) expect(y[j]).toBeCloseTo(w[j]![0]! + 2 * w[j]![1]! + b[j]!, 5);
  });
});
