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
    expect(links).toContain('./xor.html');
    await page.screenshot({ path: join(artifacts, 'index.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('XOR page: start trains the MLP, the loss falls, pause stops it, reset starts over', async () => {
    const { page, errors } = await open('xor.html');
    await page.locator('#start:not([disabled])').waitFor({ timeout: 30_000 });
    const backendLine = await page.locator('#backend').textContent();
    const backend = await page.evaluate(() => window.webgradDemo?.backend);
    console.log(`XOR page ran on: ${backendLine}`);
    expect(['cpu', 'webgpu']).toContain(backend);
    expect(backendLine).toContain(`backend: ${backend}`);

    await page.click('#start');
    await page.waitForFunction(() => (window.webgradDemo?.steps ?? 0) >= 60, undefined, {
      timeout: 40_000,
    });
    await page.click('#pause');
    const { losses, running } = await page.evaluate(() => ({ ...window.webgradDemo! }));
    expect(running).toBe(false);
    const first = losses[0]!;
    const last = losses[losses.length - 1]!;
    console.log(`XOR loss over ${losses.length} steps: ${first.toFixed(4)} -> ${last.toFixed(4)}`);
    // binary cross-entropy of an untrained net is near ln 2; after 60 Adam steps it is clearly lower
    expect(first).toBeGreaterThan(0.5);
    expect(last).toBeLessThan(first * 0.8);
    // the status line and the page keep answering while it trains
    expect(await page.locator('#status').textContent()).toMatch(/^paused at step \d+/);
    await page.screenshot({ path: join(artifacts, 'xor.png') });

    await page.click('#reset');
    expect(await page.evaluate(() => window.webgradDemo!.steps)).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
