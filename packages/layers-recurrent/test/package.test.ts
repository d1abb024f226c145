import { describe, expect, it } from 'vitest';
import { PACKAGE_NAME } from '@webgrad/layers-recurrent';

describe('@webgrad/layers-recurrent', () => {
  it('exports its own package name', () => {
    expect(PACKAGE_NAME).toBe('@webgrad/layers-recurrent');
  });
});
