import { describe, expect, it } from 'vitest';
import { PACKAGE_NAME } from '@webgrad/optim';

describe('@webgrad/optim', () => {
  it('exports its own package name', () => {
    expect(PACKAGE_NAME).toBe('@webgrad/optim');
  });
});
