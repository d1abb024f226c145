import { webgradVitestConfig } from '../../vitest.shared';

// globalSetup builds the binary the tests run when it may be missing or stale.
export default webgradVitestConfig({ test: { globalSetup: ['test/global-setup.ts'] } });
