/**
 * Where the WebGPU LSTM training step of the bench spends its dispatches and
 * time: the dispatches of one step by program (kernel key), then the forward,
 * forward + backward and whole step timed apart (each waits for the GPU).
 * Not a comparison (see `run-webgpu.ts`); a tool for working on the step.
 *
 *   XDG_RUNTIME_DIR=/tmp pnpm exec tsx bench/profile-webgpu.ts [--hidden=256] [--runs=3]
 */
import { findBackend, init, randint, setBackend, tidy, type Tensor } from '@webgrad/core-tensor';
import { crossEntropy, Embedding, Linear } from '@webgrad/nn';
import { Adam } from '@webgrad/optim';
import { LSTM } from '@webgrad/layers-recurrent';
import { shareNavigatorGpu } from '../../core-tensor/bench/webgpu/webgpu-harness.js';

/** What this tool reaches of the WebGPU backend: its dispatch entry point and a wait for the queue. */
interface ProfiledBackend {
  dispatch(program: { key: string }, ...rest: unknown[]): void;
  sync(): Promise<void>;
}

const option = (name: string, fallback: number): number => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const H = option('hidden', 256);
const RUNS = option('runs', 3);
const [V, T, B] = [65, 64, 32];

process.env.XDG_RUNTIME_DIR ??= '/tmp';
const noGpu = await shareNavigatorGpu();
if (noGpu) throw new Error(noGpu);
await init({ backend: 'webgpu' });
const be = findBackend('webgpu') as unknown as ProfiledBackend;
const counts = new Map<string, number>();
const dispatch = be.dispatch.bind(be);
be.dispatch = (program, ...rest) => {
  counts.set(program.key, (counts.get(program.key) ?? 0) + 1);
  dispatch(program, ...rest);
};
setBackend('webgpu');
const emb = new Embedding(V, H);
const lstm = new LSTM(H, H);
const head = new Linear(H, V);
const adam = new Adam([...emb.parameters(), ...lstm.parameters(), ...head.parameters()], { lr: 1e-3 });
const tokens = randint(0, V, [T, B]);
const targets = randint(0, V, [T * B]);
const loss = (): Tensor => crossEntropy(head.forward(lstm.forward(emb.forward(tokens))[0]).reshape([T * B, V]), targets);
const parts: [string, () => Tensor][] = [
  ['forward (recorded for autograd)', () => tidy(loss)],
  ['forward + backward', () => tidy(() => {
    adam.zeroGrad();
    const l = loss();
    l.backward();
    return l;
  })],
  ['whole step (forward, backward, Adam)', () => tidy(() => {
    adam.zeroGrad();
    const l = loss();
    l.backward();
    adam.step();
    return l;
  })],
];

const step = parts[2]![1];
step().dispose();
await be.sync();
counts.clear();
step().dispose();
await be.sync();
console.log(`LSTM step, hidden ${H}: ${[...counts.values()].reduce((a, b) => a + b, 0)} dispatches`);
for (const [key, n] of [...counts.entries()].sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(5)}  ${key}`);
for (const [label, run] of parts) {
  const ms: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    const out = run();
    await be.sync();
    ms.push(performance.now() - t0);
    out.dispose();
  }
  ms.sort((a, b) => a - b);
  console.log(`${label.padEnd(40)} median ${ms[ms.length >> 1]!.toFixed(0)} ms, fastest ${ms[0]!.toFixed(0)} ms`);
}
process.exit(0);
