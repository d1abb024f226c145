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
    expect(links).toEqual(['./xor.html', './digits.html', './char-lstm.html']);
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
    const { losses, running } = await page.evaluate(() => ({ ...window.webgradDemo! }));
    expect(running).toBe(false);
    // the status line kept answering while it trained
    expect(await page.locator('#status').textContent()).toMatch(/^paused at step \d+/);
    console.log(
      `${path} loss over ${losses.length} steps: ${losses[0]!.toFixed(4)} -> ${losses.at(-1)!.toFixed(4)}`,
    );
    await page.screenshot({
      path: join(
        artifacts,
        `${path.replace(/\.html.*/, '')}${path.includes('webgpu') ? '-webgpu' : ''}.png`,
      ),
    });
    return { page, errors, losses };
  }

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
