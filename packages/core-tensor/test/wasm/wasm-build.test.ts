import { describe, expect, it } from 'vitest';
import { compileKernels, generatedSource } from '../../scripts/build-wasm.js';
import { KERNELS_WASM_BASE64, KERNELS_WASM_SHA256 } from '../../src/wasm/kernels-wasm.generated.js';
import { readFileSync } from 'node:fs';
import { GENERATED_FILE } from '../../scripts/build-wasm.js';

describe('the committed WebAssembly kernels', () => {
  it('are exactly what the AssemblyScript source compiles to', async () => {
    const binary = await compileKernels();
    const committed = Buffer.from(KERNELS_WASM_BASE64, 'base64');
    expect(Buffer.from(binary).equals(committed), 'src/wasm/kernels-wasm.generated.ts is stale: run `pnpm --filter @webgrad/core-tensor build:wasm`').toBe(true);
    expect(readFileSync(GENERATED_FILE, 'utf8')).toBe(generatedSource(binary));
    expect(KERNELS_WASM_SHA256).toMatch(/^[0-9a-f]{64}$/);
  });
});
