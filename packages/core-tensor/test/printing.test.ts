import { describe, expect, it } from 'vitest';
import { tensor, type DType } from '@webgrad/core-tensor';
import { fromFixture, readFixtureFile, type FixtureTensor } from './torch-fixtures';

interface ReprCase {
  name: string;
  dtype: DType;
  value: FixtureTensor;
  repr: string;
}

const cases = readFixtureFile<{ cases: ReprCase[] }>('repr.json').cases;

describe('toString prints exactly what torch.Tensor.__repr__ prints for the same values', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const t = fromFixture(c.value, c.dtype);
    if (c.name === 'requires_grad') t.requiresGrad_(true);
    // torch names its dtypes torch.int32 / torch.float64; webgrad says webgrad.*
    expect(t.toString()).toBe(c.repr.replace(/torch\./g, 'webgrad.'));
  });

  it('rounds an exact tie in the last printed digit to even, as Python does', () => {
    // 1.03125 and 2.00005 (not exact) — only the first is a true tie
    expect(tensor([1.03125, 0.5]).toString()).toBe('tensor([1.0312, 0.5000])');
    expect(tensor([1.09375, 0.5]).toString()).toBe('tensor([1.0938, 0.5000])');
  });

  it('keeps the sign of −0 like Python (torch.tensor([-0., 1.5]) etc.)', () => {
    expect(tensor([-0, 1]).toString()).toBe('tensor([-0., 1.])');
    expect(tensor([-0, 1.5]).toString()).toBe('tensor([-0.0000, 1.5000])');
    expect(tensor([-0, 1e-5]).toString()).toBe('tensor([-0.0000e+00, 1.0000e-05])');
  });

  it('prints a disposed tensor without reading it', () => {
    const t = tensor([1, 2]);
    t.dispose();
    expect(t.toString()).toBe('tensor(<disposed>, shape=[2])');
  });
});
