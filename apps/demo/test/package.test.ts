import { describe, expect, it } from 'vitest';
import { PACKAGE_NAME } from 'demo';

describe('demo', () => {
  it('exports its own package name', () => {
    expect(PACKAGE_NAME).toBe('demo');
  });
});
