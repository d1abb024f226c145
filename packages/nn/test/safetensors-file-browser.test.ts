import { describe, expect, it } from 'vitest';
import { zeros } from '@webgrad/core-tensor';
import { loadSafetensorsFile, saveSafetensorsFile, writeFileAtomic } from '../src/safetensors-file.browser.js';

// The `browser` export condition of @webgrad/nn builds src/index.ts with these
// helpers in place of the Node ones (tsup.config.ts), so a browser bundle
// never pulls node:fs; each says what to use instead.
describe('safetensors file helpers in the browser build', () => {
  it('reject with an error naming the byte-level replacement', async () => {
    await expect(saveSafetensorsFile('m.safetensors', { w: zeros([2]) })).rejects.toThrow(/^saveSafetensorsFile: there is no file system .* use saveSafetensors/);
    await expect(loadSafetensorsFile('m.safetensors')).rejects.toThrow(/^loadSafetensorsFile: .*loadSafetensors\(/);
    await expect(writeFileAtomic('m.bin', new Uint8Array(1))).rejects.toThrow(/^writeFileAtomic: there is no file system/);
  });
});
