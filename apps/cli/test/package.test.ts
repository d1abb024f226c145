import { describe, expect, it } from 'vitest';
import { PACKAGE_NAME } from '@webgrad/cli';

describe('@webgrad/cli', () => {
  it('exports its own package name', () => {
    expect(PACKAGE_NAME).toBe('@webgrad/cli');
  });
});
