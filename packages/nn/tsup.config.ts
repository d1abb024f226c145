import { webgradBrowserTsupConfig, webgradTsupConfig } from '../../tsup.shared';

// dist/index.browser.js (the `browser` condition) swaps the Node file helpers
// for variants that explain what to use in a browser
export default [webgradTsupConfig(), webgradBrowserTsupConfig(new URL('.', import.meta.url), ['safetensors-file'])];
