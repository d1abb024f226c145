import { describe, expect, it } from 'vitest';
import { PACKAGE_NAME } from '@webgrad/data';

describe('@webgrad/data', () => {
  it('exports its own package name', () => {
    expect(PACKAGE_NAME).toBe('@webgrad/data');
  });
});
