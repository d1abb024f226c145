import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Argument, Command } from 'commander';
import { CliError } from '../cli-error.js';
import { parsePositiveInt } from '../option-parsers.js';

/** The packages with benchmarks, and their CPU and WebGPU runners (relative to the package). */
const BENCH_PACKAGES: Record<string, { cpu: string; webgpu: string | null }> = {
  'core-tensor': { cpu: 'bench/run.ts', webgpu: 'bench/webgpu/run-webgpu.ts' },
  'layers-recurrent': { cpu: '../core-tensor/bench/run.ts', webgpu: 'bench/run-webgpu.ts' },
  'generative-vae': { cpu: '../core-tensor/bench/run.ts', webgpu: 'bench/run-webgpu.ts' },
  'generative-diffusion': { cpu: '../core-tensor/bench/run.ts', webgpu: 'bench/run-webgpu.ts' },
  transformer: { cpu: 'bench/run.ts', webgpu: null },
};

/** Options of `webgrad bench`. */
interface BenchOptions {
  quick?: boolean;
  only?: string;
  engines?: string;
  numpy: boolean;
  rounds?: number;
  webgpu?: boolean;
}

/** The webgrad checkout the running CLI belongs to (the folder holding pnpm-workspace.yaml), or null. */
function findCheckout(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml')) && existsSync(join(dir, 'packages', 'core-tensor', 'bench'))) return dir;
    const up = resolve(dir, '..');
    if (up === dir) return null;
    dir = up;
  }
}

/**
 * `webgrad bench [package]`: runs the library's own benchmark harness
 * (`packages/<package>/bench`, through tsx) of the webgrad checkout this
 * CLI was built in, passing the flags on: webgrad's CPU backend against
 * tfjs (pure JS and WebAssembly SIMD) and the numpy anchor, or with
 * `--webgpu` the WebGPU runner. Results are printed and written to
 * `bench/results/` of the checkout.
 */
export function benchCommand(): Command {
  return new Command('bench')
    .description(
      "run the library's benchmarks (spawns the checkout's packages/<package>/bench scripts with tsx: webgrad vs tfjs, median times and ratios; writes bench/results/*.json); needs a webgrad checkout with pnpm install done",
    )
    .addArgument(new Argument('[package]', 'whose benchmarks').choices(Object.keys(BENCH_PACKAGES)).default('core-tensor'))
    .option('--quick', 'two timed runs per case: checks the harness in seconds, not a measurement')
    .option('--only <keys>', 'comma-separated case keys or key prefixes, e.g. matmul-256,mlp-step')
    .option('--engines <ids>', 'comma-separated engine ids, e.g. webgrad-cpu,tfjs-wasm')
    .option('--no-numpy', 'leave out the numpy anchor')
    .option('--rounds <n>', 'interleaved measurement rounds (default 3)', parsePositiveInt)
    .option('--webgpu', 'run the WebGPU runner (webgrad on WebGPU against tfjs-backend-webgpu) instead of the CPU one')
    .action(async (pkg: string, options: BenchOptions) => {
      const root = findCheckout();
      if (root === null)
        throw new CliError('webgrad bench runs the benchmarks of a webgrad checkout, and this CLI is not inside one', {
          hint: 'clone the repository, run pnpm install and pnpm build, then run webgrad bench there (or pnpm --filter @webgrad/core-tensor bench)',
          exitCode: 1,
        });
      const runners = BENCH_PACKAGES[pkg]!;
      const script = options.webgpu === true ? runners.webgpu : runners.cpu;
      if (script === null)
        throw new CliError(`${pkg} has no WebGPU benchmark runner`, { hint: `run 'webgrad bench ${pkg}' without --webgpu` });
      const tsx = join(root, 'node_modules', '.bin', 'tsx');
      if (!existsSync(tsx))
        throw new CliError(`cannot find tsx in ${root}/node_modules/.bin`, { hint: 'run pnpm install in the checkout first', exitCode: 1 });
      const args = [
        script,
        ...(options.quick === true ? ['--quick'] : []),
        ...(options.only !== undefined ? [`--only=${options.only}`] : []),
        ...(options.engines !== undefined ? [`--engines=${options.engines}`] : []),
        ...(options.numpy ? [] : ['--no-numpy']),
        ...(options.rounds !== undefined ? [`--rounds=${options.rounds}`] : []),
      ];
      process.stdout.write(`webgrad bench ${pkg}: tsx ${args.join(' ')} (in ${join(root, 'packages', pkg)})\n`);
      const code = await new Promise<number | null>((done, fail) => {
        const child = spawn(tsx, args, { cwd: join(root, 'packages', pkg), stdio: 'inherit' });
        child.on('error', fail);
        child.on('close', done);
      });
      if (code !== 0) throw new CliError(`the ${pkg} benchmark exited with code ${code}`, { hint: 'its output above says why', exitCode: 1 });
    });
}
