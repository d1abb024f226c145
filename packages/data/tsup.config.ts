import { webgradTsupConfig } from '../../tsup.shared';

export default webgradTsupConfig({ onSuccess: 'node scripts/drop-text-sourcemap.mjs' });
