import { describe, expect, it } from 'vitest';
import { writePng } from '../src/png-file.browser.js';

// The `browser` export condition of @webgrad/data builds src/index.ts with
// this writePng in place of the Node one (tsup.config.ts).
describe('writePng in the browser build', () => {
  it('rejects with an error naming encodePng as the replacement', async () => {
    await expect(writePng('out.png', new Uint8Array(8))).rejects.toThrow(/^writePng: there is no file system .*use encodePng\(image\)/);
  });
});
