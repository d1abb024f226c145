/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): self time per
 * function (top N) and per category of work, as recorded in
 * docs/performance.md ("Per-op overhead").
 *
 *     pnpm exec tsx bench/cpu-profile-summary.ts <file.cpuprofile | dir> [top]
 *
 * Given the directory of `--cpu-prof-dir`, it reads the main thread's
 * profile (`*.0.*.cpuprofile`; helper threads write their own).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a function's self time is counted; the first matching rule wins. */
const CATEGORIES: readonly [string, (name: string, url: string) => boolean][] = [
  ['garbage collection', (n) => n === '(garbage collector)'],
  ['idle / program', (n) => n === '(idle)' || n === '(program)' || n === '(root)'],
  ['WebAssembly kernels', (_n, u) => u.startsWith('wasm://')],
  ['tensor handles (tensor.ts, engine.ts)', (_n, u) => /core-tensor\/src\/(tensor|engine)\.ts/.test(u)],
  ['dispatch (dispatch.ts, kernel-registry.ts)', (_n, u) => /core-tensor\/src\/(dispatch|kernel-registry)\.ts/.test(u)],
  ['CPU storage (cpu-backend.ts, wasm heap)', (_n, u) => /core-tensor\/src\/(cpu\/|wasm\/wasm-(heap|storage|operands|arena))/.test(u)],
  ['CPU kernels (TypeScript, wasm glue)', (_n, u) => /core-tensor\/src\/(kernels|wasm)\//.test(u) || u === ''],
  ['op frontends (ops/, shape checks)', (_n, u) => /core-tensor\/src\//.test(u)],
  ['autograd', (_n, u) => u.includes('/autograd/src/')],
  ['nn, optim, layers', (_n, u) => /\/(nn|optim|layers-recurrent|regularize)\/src\//.test(u)],
  ['other', () => true],
];

const [arg, topArg = '25'] = process.argv.slice(2);
if (!arg) throw new Error('usage: cpu-profile-summary.ts <file.cpuprofile | dir> [top]');
const mainThread = (dir: string): string => {
  const f = readdirSync(dir).find((n) => /\.0\.\d+\.cpuprofile$/.test(n));
  if (f === undefined) throw new Error(`cpu-profile-summary: no main-thread profile in ${dir}`);
  return join(dir, f);
};
const file = statSync(arg).isDirectory() ? mainThread(arg) : arg;
const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
let total = 0;
const perFunction = new Map<string, number>();
const perCategory = new Map<string, number>();
for (const [id, us] of self) {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  total += us;
  const name = functionName || '(anonymous)';
  const short = url.replace(/^.*\/packages\//, '').replace(/^file:\/\//, '');
  const key = `${name}  ${short}:${lineNumber + 1}`;
  perFunction.set(key, (perFunction.get(key) ?? 0) + us);
  const cat = CATEGORIES.find(([, test]) => test(name, url))![0];
  perCategory.set(cat, (perCategory.get(cat) ?? 0) + us);
}
const pct = (us: number): string => `${((100 * us) / total).toFixed(1).padStart(5)} %`;
const busy = total - (perCategory.get('idle / program') ?? 0);
console.log(`${(total / 1e6).toFixed(2)} s sampled, ${(busy / 1e6).toFixed(2)} s busy`);
console.log('\nby category (share of all samples):');
for (const [k, us] of [...perCategory].sort((a, b) => b[1] - a[1])) console.log(`  ${pct(us)}  ${k}`);
console.log(`\ntop ${topArg} functions by self time:`);
for (const [k, us] of [...perFunction].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg))) console.log(`  ${pct(us)}  ${k}`);
