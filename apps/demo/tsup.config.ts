import { webgradTsupConfig } from '../../tsup.shared';

export default webgradTsupConfig();
