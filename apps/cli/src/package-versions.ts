import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The webgrad packages whose versions `webgrad info` reports. */
const LIBRARY_PACKAGES = ['@webgrad/core-tensor', '@webgrad/autograd', '@webgrad/nn'] as const;

/** This CLI's own version, from its package.json (one level above `src/` and `dist/`). */
export function cliVersion(): string {
  const manifest = JSON.parse(
    readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
  ) as { version: string };
  return manifest.version;
}

/** The installed version of each library package the CLI runs on (`unknown` if its manifest cannot be read). */
export function libraryVersions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const out: Record<string, string> = {};
  for (const name of LIBRARY_PACKAGES) {
    try {
      out[name] = (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      out[name] = 'unknown';
    }
  }
  return out;
}
