/**
 * Loads tiny Shakespeare, the 1,115,394-character text of karpathy/char-rnn
 * (public domain), shipped with the package. The text is a separate module
 * that bundlers split into its own chunk and load only when this function
 * runs, so importing `@webgrad/data` does not pull a megabyte into every
 * bundle. Nothing is downloaded from elsewhere.
 *
 * @example
 * ```ts
 * import { loadTinyShakespeare, trainValidationSplit, CharTokenizer } from '@webgrad/data';
 * const text = await loadTinyShakespeare();
 * const { train, validation } = trainValidationSplit(text); // first 90% / last 10%
 * const tok = CharTokenizer.fromText(text);                 // 65 characters
 * ```
 */
export async function loadTinyShakespeare(): Promise<string> {
  const module = await import('./tiny-shakespeare-text.js');
  return module.default;
}
