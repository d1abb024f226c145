import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The tests drive the built binary (`dist/cli.js`), which imports the built
 * library packages. Under turbo, `@webgrad/cli#test` depends on the build
 * (turbo.json), so it is already there. Run on its own
 * (`pnpm --filter @webgrad/cli test`), the CLI and its dependencies are built
 * here first; turbo's cache makes that quick when nothing changed.
 */
export default function setup(): void {
  if (
    process.env.TURBO_HASH !== undefined &&
    existsSync(new URL('../dist/cli.js', import.meta.url))
  )
    return;
  execFileSync(
    `${root}node_modules/.bin/turbo`,
    ['run', 'build', '--filter=@webgrad/cli...', '--output-logs=errors-only'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
}
