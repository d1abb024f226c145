import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as webgrad from 'webgrad';
import * as coreTensor from '@webgrad/core-tensor';
import * as autograd from '@webgrad/autograd';
import * as nn from '@webgrad/nn';
import * as optim from '@webgrad/optim';
import * as regularize from '@webgrad/regularize';
import * as layersRecurrent from '@webgrad/layers-recurrent';
import * as transformer from '@webgrad/transformer';
import * as generativeVae from '@webgrad/generative-vae';
import * as generativeDiffusion from '@webgrad/generative-diffusion';
import * as data from '@webgrad/data';

const PACKAGES: Record<string, Record<string, unknown>> = {
  '@webgrad/core-tensor': coreTensor,
  '@webgrad/autograd': autograd,
  '@webgrad/nn': nn,
  '@webgrad/optim': optim,
  '@webgrad/regularize': regularize,
  '@webgrad/layers-recurrent': layersRecurrent,
  '@webgrad/transformer': transformer,
  '@webgrad/generative-vae': generativeVae,
  '@webgrad/generative-diffusion': generativeDiffusion,
  '@webgrad/data': data,
};

/** Every runtime export name → the packages exporting it. */
function owners(): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const [pkg, ns] of Object.entries(PACKAGES)) {
    for (const name of Object.keys(ns)) result.set(name, [...(result.get(name) ?? []), pkg]);
  }
  return result;
}

/** Names the umbrella's index.ts declares or re-exports by name (not through `export *`). */
function explicitExports(): Set<string> {
  const source = readFileSync(new URL('../src/index.ts', import.meta.url), 'utf8').replace(
    /\/\*[\s\S]*?\*\/|\/\/.*$/gm,
    '',
  );
  const names = new Set<string>();
  for (const [, list] of source.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)) {
    for (const item of list!.split(',')) {
      const name = item
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)
        .pop()!
        .trim();
      if (name) names.add(name);
    }
  }
  for (const [, name] of source.matchAll(
    /export\s+(?:const|function|class|let)\s+([A-Za-z_$][\w$]*)/g,
  ))
    names.add(name!);
  return names;
}

describe('webgrad re-exports every package', () => {
  // In real ES modules a name two `export *` sources both provide is ambiguous
  // and silently left out (importing it is a SyntaxError), so every such
  // collision must be settled by an explicit export in src/index.ts.
  it('a name exported by two packages is settled by an explicit export in src/index.ts', () => {
    const explicit = explicitExports();
    const unresolved = [...owners()]
      .filter(([name, pkgs]) => pkgs.length > 1 && !explicit.has(name))
      .map(([name, pkgs]) => `${name} (${pkgs.join(', ')})`);
    expect(unresolved).toEqual([]);
  });

  it('every other export of every package is the same object in webgrad', () => {
    const explicit = explicitExports();
    const umbrella = webgrad as Record<string, unknown>;
    const differing: string[] = [];
    for (const [name, pkgs] of owners()) {
      if (explicit.has(name)) continue;
      if (umbrella[name] !== PACKAGES[pkgs[0]!]![name]) differing.push(`${name} (${pkgs[0]})`);
    }
    expect(differing).toEqual([]);
  });

  it('a settled collision exports one of the packages’ values (or the umbrella’s own)', () => {
    const umbrella = webgrad as Record<string, unknown>;
    for (const [name, pkgs] of owners()) {
      if (pkgs.length < 2 || name === 'PACKAGE_NAME') continue;
      expect(pkgs.map((p) => PACKAGES[p]![name])).toContain(umbrella[name]);
    }
  });
});
