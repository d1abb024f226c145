import { describe, expect, it } from 'vitest';
import { PACKAGE_NAME } from '@webgrad/transformer';

describe('@webgrad/transformer', () => {
  it('exports its own package name', () => {
    expect(PACKAGE_NAME).toBe('@webgrad/transformer');
  });
});
