import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { webgrad, webgradAsync } from './run-webgrad';

describe('webgrad bench', () => {
  it('runs the core-tensor CPU harness quickly: webgrad against tfjs, with the ratio', async () => {
    const r = await webgradAsync(['bench', '--quick', '--only', 'matmul-256', '--engines', 'webgrad-cpu,tfjs-wasm', '--no-numpy']);
    // the harness writes its record into the checkout's bench/results; the test leaves no trace
    const written = /^wrote (.+\.json)$/m.exec(r.stdout)?.[1];
    if (written !== undefined) rmSync(written, { force: true });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^webgrad bench core-tensor: tsx bench\/run\.ts --quick --only=matmul-256 --engines=webgrad-cpu,tfjs-wasm --no-numpy/m);
    expect(r.stdout).toMatch(/^matmul-256 +\d+(\.\d+)? ms +\d+(\.\d+)? GFLOP\/s +\d+(\.\d+)? ms/m);
    expect(r.stdout).toMatch(/^ +webgrad-cpu +matmul-256 +\d+\.\d+x vs tfjs-wasm$/m);
    expect(written).toBeDefined();
  });

  it('refuses an unknown package and a WebGPU run of a package without one, in one line', () => {
    const unknown = webgrad(['bench', 'cuda']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toBe(
      "webgrad: command-argument value 'cuda' is invalid for argument 'package'. Allowed choices are core-tensor, layers-recurrent, generative-vae, generative-diffusion, transformer. (see 'webgrad bench --help')\n",
    );
    const gpu = webgrad(['bench', 'transformer', '--webgpu']);
    expect(gpu.status).toBe(2);
    expect(gpu.stderr).toBe("webgrad: transformer has no WebGPU benchmark runner (run 'webgrad bench transformer' without --webgpu)\n");
  });
});
