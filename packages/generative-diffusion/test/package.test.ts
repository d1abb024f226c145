import { describe, expect, it } from 'vitest';
import { PACKAGE_NAME } from '@webgrad/generative-diffusion';

describe('@webgrad/generative-diffusion', () => {
  it('exports its own package name', () => {
    expect(PACKAGE_NAME).toBe('@webgrad/generative-diffusion');
  });
});
