import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the tests that train a model leave their pictures to look at:
 * `test-artifacts/generative-diffusion/` at the repository root (ignored by git).
 */
export const ARTIFACTS = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'test-artifacts',
  'generative-diffusion',
);
