import { describe, expect, it } from 'vitest';
import { PACKAGE_NAME } from '@webgrad/generative-vae';

describe('@webgrad/generative-vae', () => {
  it('exports its own package name', () => {
    expect(PACKAGE_NAME).toBe('@webgrad/generative-vae');
  });
});
