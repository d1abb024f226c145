import { existsSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStatic } from './static-server.js';

// The built site, driven in Debian's Chromium the way a person uses it: open a
// page, press start, watch the loss fall. WebGPU is on where Chromium exposes
// an adapter (SwiftShader, with --enable-unsafe-webgpu on 127.0.0.1); the page
// says which backend `init({ backend: 'auto' })` chose and the test reports it.

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(appDir, 'test-results', 'site');
const artifacts = join(appDir, 'test-artifacts');
const CHROMIUM = '/usr/bin/chromium';

let server: Server;
let baseUrl: string;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: run scripts/install-chromium.sh (apt-get install chromium)`,
    );
  await build({
    root: appDir,
    configFile: join(appDir, 'vite.config.ts'),
    logLevel: 'error',
    build: { outDir, emptyOutDir: true },
  });
  ({ server, url: baseUrl } = await serveStatic(outDir));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--enable-unsafe-webgpu',
      '--disable-gpu-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  mkdirSync(artifacts, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

/** Opens a page, collecting console errors and uncaught exceptions. */
async function open(path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${baseUrl}/${path}`);
  return { page, errors };
}

describe('demo site in headless Chromium', () => {
  it('the index page loads without console errors and links every demo', async () => {
    const { page, errors } = await open('index.html');
    const links = await page
      .locator('a')
      .evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).getAttribute('href')));
    expect(links).toEqual([
      './xor.html',
      './digits.html',
      './char-lstm.html',
      './rnn-vs-lstm.html',
      './vae.html',
      './diffusion-2d.html',
      './diffusion-digits.html',
      './gpt.html',
    ]);
    await page.screenshot({ path: join(artifacts, 'index.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  /** Presses start, lets `steps` steps run, pauses; returns the losses and the backend line. */
  async function trainFor(path: string, steps: number) {
    const { page, errors } = await open(path);
    await page.locator('#start:not([disabled])').waitFor({ timeout: 30_000 });
    const backendLine = (await page.locator('#backend').textContent()) ?? '';
    const backend = await page.evaluate(() => window.webgradDemo?.backend);
    console.log(`${path} ran on: ${backendLine}`);
    expect(path.includes('backend=webgpu') ? ['webgpu'] : ['cpu', 'webgpu']).toContain(backend);
    expect(backendLine).toContain(`backend: ${backend}`);

    await page.click('#start');
    await page.waitForFunction((n) => (window.webgradDemo?.steps ?? 0) >= n, steps, {
      timeout: 40_000,
    });
    await page.click('#pause');
    const { losses, series, running, liveTensors } = await page.evaluate(() => ({
      ...window.webgradDemo!,
    }));
    expect(running).toBe(false);
    // the status line kept answering while it trained
    expect(await page.locator('#status').textContent()).toMatch(/^paused at step \d+/);
    // no tensor leaks from step to step: after the first steps (optimizer state, caches) the
    // worker's live tensors stay put rather than growing with every step
    console.log(
      `${path} live tensors after steps 3 and ${liveTensors.length}: ${liveTensors[2]} and ${liveTensors.at(-1)}`,
    );
    expect(liveTensors.at(-1)!).toBeLessThanOrEqual(liveTensors[2]! + 5);
    console.log(
      `${path} loss over ${losses.length} steps: ${losses[0]!.toFixed(4)} -> ${losses.at(-1)!.toFixed(4)}`,
    );
    await page.screenshot({
      path: join(
        artifacts,
        `${path.replace(/\.html.*/, '')}${path.includes('webgpu') ? '-webgpu' : ''}.png`,
      ),
    });
    return { page, errors, losses, series };
  }

  /** The mean of the first and of the last `n` values: a falling loss through per-batch noise. */
  const ends = (values: number[], n = 5): { first: number; last: number } => {
    const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
    return { first: mean(values.slice(0, n)), last: mean(values.slice(-n)) };
  };

  /** Waits until the page has drawn at least `n` views (pictures from the worker). */
  async function viewsDrawn(page: Page, n: number): Promise<void> {
    await page.waitForFunction((k) => (window.webgradDemo?.views ?? 0) >= k, n, {
      timeout: 60_000,
    });
  }

  /** The natural width of every `<img>` with these ids (0 when nothing was decoded). */
  const imageWidths = (page: Page, ids: string[]): Promise<number[]> =>
    page.evaluate(
      (names) => names.map((id) => (document.getElementById(id) as HTMLImageElement).naturalWidth),
      ids,
    );

  /** Reset stops training and starts over from step 0 without errors. */
  async function resetAndClose(page: Page, errors: string[]): Promise<void> {
    await page.click('#reset');
    expect(await page.evaluate(() => window.webgradDemo!.steps)).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  }

  it('XOR page: start trains the MLP, the loss falls, pause stops it, reset starts over', async () => {
    const { page, errors, losses } = await trainFor('xor.html', 60);
    // binary cross-entropy of an untrained net is near ln 2 ≈ 0.693; 60 Adam steps bring it well down
    expect(losses[0]!).toBeGreaterThan(0.5);
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.8);
    await resetAndClose(page, errors);
  });

  it('digits page: the cross-entropy falls from about ln 10 and held-out accuracy beats chance', async () => {
    const { page, errors, losses } = await trainFor('digits.html', 30);
    expect(losses[0]!).toBeGreaterThan(1.8); // ≈ ln 10 = 2.30 for an untrained net
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.7);
    const accuracy = Number(
      /accuracy ([\d.]+)%/.exec((await page.locator('#extra-status').textContent()) ?? '')?.[1],
    );
    expect(accuracy).toBeGreaterThan(50); // chance is 10%
    await resetAndClose(page, errors);
  });

  it('char-LSTM page: the next-character loss falls from about ln 65 and it writes text after the prompt', async () => {
    const { page, errors, losses } = await trainFor('char-lstm.html', 40);
    expect(losses[0]!).toBeGreaterThan(3.5); // ≈ ln 65 = 4.17 for an untrained model
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.85);
    const sample = (await page.locator('#sample').textContent()) ?? '';
    expect(sample.startsWith('ROMEO:')).toBe(true);
    expect(sample.length).toBeGreaterThanOrEqual('ROMEO:'.length + 120);
    await resetAndClose(page, errors);
  });

  it('RNN vs LSTM page: both losses fall on the adding problem and the RNN gradient vanishes back through time', async () => {
    const { page, errors, series } = await trainFor('rnn-vs-lstm.html', 20);
    // predicting 0 for a sum of two U(0, 1) values: MSE ≈ E[s²] = 7/6; the mean prediction 1 scores 1/6
    for (const losses of series) {
      expect(losses[0]!).toBeGreaterThan(0.6);
      expect(ends(losses, 3).last).toBeLessThan(ends(losses, 3).first * 0.6);
    }
    await viewsDrawn(page, 3); // at reset, and after steps 10 and 20
    const line = (await page.locator('#extra-status').textContent()) ?? '';
    console.log(`rnn-vs-lstm.html gradient flow ${line}`);
    const [rnn, lstm] = [/RNN ([\d.e+-]+)/, /LSTM ([\d.e+-]+)/].map((re) =>
      Number(re.exec(line)?.[1]),
    );
    // ‖∂L/∂h_0‖ / ‖∂L/∂h_T−1‖ over T = 40 steps: vanishing for the RNN, far less so for the LSTM
    expect(rnn!).toBeLessThan(1e-4);
    expect(lstm!).toBeGreaterThan(rnn! * 100);
    await resetAndClose(page, errors);
  });

  it('VAE page: the negative ELBO falls and the latent map, interpolation, prior samples and manifold are drawn', async () => {
    const { page, errors, losses } = await trainFor('vae.html', 30);
    expect(losses[0]!).toBeGreaterThan(30); // ≈ 64 ln 2 = 44 nats for an untrained decoder
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.8);
    await viewsDrawn(page, 2);
    const widths = await imageWidths(page, ['latentMap', 'interpolation', 'samples', 'manifold']);
    expect(widths.every((w) => w > 0)).toBe(true);
    expect(await page.locator('#legend span').count()).toBe(10);
    await resetAndClose(page, errors);
  });

  /** Trains a diffusion page, then presses sample and waits for the whole z_T → z_0 animation. */
  async function diffusionPage(name: string, timesteps: number): Promise<void> {
    const { page, errors, losses } = await trainFor(`${name}.html`, 30);
    const { first, last } = ends(losses);
    expect(last).toBeLessThan(first * 0.9);
    await page.click('#sample');
    await page.waitForFunction((n) => (window.webgradDemo?.frames ?? 0) >= n, timesteps + 1, {
      timeout: 60_000,
    });
    expect(await page.locator('#frame-label').textContent()).toContain('z_0, the samples');
    expect(await imageWidths(page, ['preview', 'frame', 'strip'])).not.toContain(0);
    console.log(`${name}.html drew ${timesteps + 1} frames, z_T → z_0`);
    await page.screenshot({ path: join(artifacts, `${name}-sampled.png`) });
    await resetAndClose(page, errors);
  }

  it('diffusion page (two moons): the denoising loss falls and sampling animates z_T → z_0 frame by frame', () =>
    diffusionPage('diffusion-2d', 50));

  it('diffusion page (digits): the denoising loss falls and sampling animates z_T → z_0 frame by frame', () =>
    diffusionPage('diffusion-digits', 100));

  it('GPT page: the loss falls from about ln 65, and the playground generates with top-k / top-p or says what is wrong', async () => {
    const { page, errors, losses } = await trainFor('gpt.html', 30);
    expect(losses[0]!).toBeGreaterThan(3.5); // ≈ ln 65 = 4.17
    expect(ends(losses, 3).last).toBeLessThan(losses[0]! * 0.85);
    await page.fill('#prompt', 'KING:');
    await page.fill('#length', '60');
    await page.locator('#top-k').fill('10');
    await page.locator('#top-p').fill('0.9');
    await page.click('#generate');
    await page.waitForFunction(() => document.getElementById('speed')!.textContent !== '');
    const text = (await page.locator('#generated').textContent()) ?? '';
    expect(text.startsWith('KING:')).toBe(true);
    expect(text.length).toBe('KING:'.length + 60);
    // the KV cache is exact: the same seed without it writes the same text, only slower
    const withCache = (await page.locator('#speed').textContent())!;
    await page.uncheck('#kv-cache');
    await page.click('#generate');
    await page.waitForFunction(() =>
      document.getElementById('speed')!.textContent!.includes('without'),
    );
    expect(await page.locator('#generated').textContent()).toBe(text);
    console.log(`gpt.html generation: ${withCache}; ${await page.locator('#speed').textContent()}`);
    await page.screenshot({ path: join(artifacts, 'gpt-generated.png') });
    // a character the tokenizer never saw: a message on the page, not an exception
    await page.fill('#prompt', 'naïve €');
    await page.click('#generate');
    await page.waitForFunction(() =>
      document.getElementById('generated')!.textContent!.startsWith('could not generate'),
    );
    expect(await page.locator('#generated').textContent()).toMatch(/not in the vocabulary/);
    await resetAndClose(page, errors);
  });

  it("XOR page with ?backend=webgpu trains on the browser's WebGPU adapter", async (ctx) => {
    const probe = await browser.newPage();
    await probe.goto(`${baseUrl}/index.html`);
    const adapter = await probe.evaluate(async () => {
      const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
      const a = gpu ? await gpu.requestAdapter() : null;
      return a ? a.info.vendor || 'unnamed adapter' : null;
    });
    await probe.close();
    if (adapter === null) {
      if (process.env.WEBGRAD_REQUIRE_WEBGPU === '1')
        throw new Error('Chromium exposes no WebGPU adapter and WEBGRAD_REQUIRE_WEBGPU=1');
      console.log(
        'XOR on WebGPU skipped: Chromium exposes no WebGPU adapter (navigator.gpu.requestAdapter() returned null)',
      );
      ctx.skip();
    }
    console.log(`Chromium's WebGPU adapter: ${adapter}`);
    const { page, errors, losses } = await trainFor('xor.html?backend=webgpu', 20);
    expect(losses[0]!).toBeGreaterThan(0.5);
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    await resetAndClose(page, errors);
  });
});
