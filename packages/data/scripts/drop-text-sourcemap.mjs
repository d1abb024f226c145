// The tiny Shakespeare chunk is one string literal: its source map would only
// repeat the megabyte of text, so after each build the map is removed together
// with the comment that points to it.
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dist = new URL('../dist/', import.meta.url).pathname;
for (const file of readdirSync(dist)) {
  if (!/^tiny-shakespeare-text-.*\.js$/.test(file)) continue;
  const path = join(dist, file);
  writeFileSync(path, readFileSync(path, 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n'));
  rmSync(`${path}.map`, { force: true });
}
