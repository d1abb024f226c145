import { webgradVitestConfig } from '../../vitest.shared';

export default webgradVitestConfig();
