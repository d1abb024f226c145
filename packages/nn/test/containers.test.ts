import { describe, expect, it } from 'vitest';
import { randn, tensor, zeros, type Tensor } from '@webgrad/core-tensor';
import { GELU, LeakyReLU, Linear, Module, ModuleDict, ModuleList, ReLU, Sequential, Softmax, Softplus, ELU, LogSoftmax, Tanh } from '@webgrad/nn';

describe('Sequential', () => {
  it("names children '0', '1', … like PyTorch and chains them", () => {
    const net = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
    expect(Object.keys(net.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(net.length).toBe(3);
    const x = randn([5, 4]);
    const manual = (net.at(2) as Linear).forward((net.at(1) as ReLU).forward((net.at(0) as Linear).forward(x)));
    expect(Array.from(net.forward(x).dataSync())).toEqual(Array.from(manual.dataSync()));
    expect(net.at(-1)).toBe(net.at(2));
    expect(() => net.at(3)).toThrow(/index 3 is out of range for 3 modules/);
    expect(net.toString()).toBe(
      'Sequential(\n  (0): Linear(in_features=4, out_features=8, bias=True)\n  (1): ReLU()\n  (2): Linear(in_features=8, out_features=2, bias=True)\n)',
    );
    expect([...net].length).toBe(3);
  });
  it('takes a record of named modules (PyTorch OrderedDict form) and nests', () => {
    const net = new Sequential({ fc: new Linear(2, 3), act: new Tanh(), out: new Sequential(new Linear(3, 1)) });
    expect(Object.keys(net.stateDict())).toEqual(['fc.weight', 'fc.bias', 'out.0.weight', 'out.0.bias']);
    expect(net.getSubmodule('out.0')).toBeInstanceOf(Linear);
    expect(() => net.getSubmodule('out.1')).toThrow(/Sequential has no submodule '1'/);
  });
});

class Stack extends Module<[Tensor], Tensor> {
  layers = new ModuleList([new Linear(3, 3), new Linear(3, 3)]);
  forward(x: Tensor): Tensor {
    for (const l of this.layers) x = l.forward(x);
    return x;
  }
}

describe('ModuleList and ModuleDict', () => {
  it('ModuleList registers its modules under the owner', () => {
    const s = new Stack();
    s.layers.append(new Linear(3, 1));
    expect(Object.keys(s.stateDict())).toEqual(['layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'layers.1.bias', 'layers.2.weight', 'layers.2.bias']);
    expect(s.forward(randn([2, 3])).shape).toEqual([2, 1]);
    expect(() => s.layers.forward()).toThrow(/a ModuleList has no forward/);
    s.eval();
    expect(s.layers.at(0).training).toBe(false);
  });
  it('ModuleDict keeps insertion order, numeric-looking keys included', () => {
    const d = new ModuleDict<Linear>([
      ['b', new Linear(1, 1)],
      ['10', new Linear(1, 1, { bias: false })],
      ['2', new Linear(1, 1, { bias: false })],
    ]);
    expect(Object.keys(d.stateDict())).toEqual(['b.weight', 'b.bias', '10.weight', '2.weight']);
    expect(d.keys()).toEqual(['b', '10', '2']);
    expect(d.get('b').inFeatures).toBe(1);
    expect(() => d.get('zz')).toThrow(/no module named 'zz'; keys are \[b, 10, 2\]/);
    expect(() => d.set('a.b', new Linear(1, 1))).toThrow(/without '\.'/);
    d.pop('10');
    expect(d.size).toBe(2);
    expect(d.numParameters()).toBe(3);
  });
  it('stateDict lists a module’s parameters, then its buffers, then its children (PyTorch order)', () => {
    class Norm extends Module<[Tensor], Tensor> {
      constructor() {
        super();
        this.registerBuffer('running_mean', zeros([2]));
        this.registerParameter('weight', null);
      }
      forward(x: Tensor): Tensor {
        return x;
      }
    }
    const n = new Norm();
    (n as unknown as { scale: Linear }).scale = new Linear(2, 2);
    n.registerParameter('weight', new Linear(2, 2).weight);
    expect(Object.keys(n.stateDict())).toEqual(['weight', 'running_mean', 'scale.weight', 'scale.bias']);
  });
});

describe('activation modules print like PyTorch', () => {
  it('reprs', () => {
    expect(new ReLU().toString()).toBe('ReLU()');
    expect(new LeakyReLU().toString()).toBe('LeakyReLU(negative_slope=0.01)');
    expect(new ELU().toString()).toBe('ELU(alpha=1.0)');
    expect(new GELU('tanh').toString()).toBe("GELU(approximate='tanh')");
    expect(new Softmax(1).toString()).toBe('Softmax(dim=1)');
    expect(new LogSoftmax().toString()).toBe('LogSoftmax(dim=None)');
    expect(new Softplus(2, 10).toString()).toBe('Softplus(beta=2, threshold=10)');
  });
  it("Softmax without an axis uses PyTorch's legacy choice: 0 for rank 0, 1, 3, else 1", () => {
    const x3 = tensor([[[1, 2]], [[3, 4]]]); // [2, 1, 2]
    const s = new Softmax().forward(x3).arraySync() as number[][][];
    expect(s[0]![0]![0]! + s[1]![0]![0]!).toBeCloseTo(1, 6);
    const x2 = tensor([[1, 2, 3]]);
    const r = new Softmax().forward(x2).arraySync() as number[][];
    expect(r[0]!.reduce((a, b) => a + b)).toBeCloseTo(1, 6);
  });
});
