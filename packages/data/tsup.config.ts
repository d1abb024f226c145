import { webgradBrowserTsupConfig, webgradTsupConfig } from '../../tsup.shared';

const onSuccess = 'node scripts/drop-text-sourcemap.mjs';

// dist/index.browser.js (the `browser` condition) swaps the Node PNG file
// writer for a variant that explains what to use in a browser
export default [webgradTsupConfig({ onSuccess }), webgradBrowserTsupConfig(new URL('.', import.meta.url), ['png-file'], { onSuccess })];
