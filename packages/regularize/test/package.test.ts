import { describe, expect, it } from 'vitest';
import { PACKAGE_NAME } from '@webgrad/regularize';

describe('@webgrad/regularize', () => {
  it('exports its own package name', () => {
    expect(PACKAGE_NAME).toBe('@webgrad/regularize');
  });
});
