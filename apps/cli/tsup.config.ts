import { webgradTsupConfig } from '../../tsup.shared';

// cli.ts is the `webgrad` bin; tsup keeps its shebang and marks it executable.
export default webgradTsupConfig({ entry: ['src/index.ts', 'src/cli.ts'] });
