import { describe, expect, it } from 'vitest';
import { PACKAGE_NAME } from '@webgrad/nn';

describe('@webgrad/nn', () => {
  it('exports its own package name', () => {
    expect(PACKAGE_NAME).toBe('@webgrad/nn');
  });
});
