import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { printedLosses, webgrad } from './run-webgrad';

const scratch = mkdtempSync(join(tmpdir(), 'webgrad-cli-vae-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

describe('webgrad train vae', () => {
  it('a beta-VAE on the binarised digits: the loss falls, the held-out ELBO beats coin flips, pictures are written', () => {
    const out = join(scratch, 'vae');
    const r = webgrad(['train', 'vae', '--epochs', '4', '--hidden-size', '32', '--beta', '2', '--backend', 'cpu', '--log-every', '23', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('64-32-2 VAE, Bernoulli pixels, beta 2');
    const losses = printedLosses(r.stdout);
    expect(losses).toHaveLength(4);
    expect(losses[3]!).toBeLessThan(losses[0]!);
    // 64 fair coin flips cost 64 ln 2 ≈ 44.4 nats; a trained model does better
    const elbo = Number(/held-out ELBO (-?\d+\.\d+) nats/.exec(r.stdout)![1]);
    expect(elbo).toBeGreaterThan(-64 * Math.LN2);
    expect(elbo).toBeLessThan(0);
    for (const png of ['loss.png', 'samples.png', 'reconstructions.png', 'latent-map.png'])
      expect([...readFileSync(join(out, png)).subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as { model: string; beta: number };
    expect(config).toMatchObject({ model: 'vae', beta: 2 });
  });
});
