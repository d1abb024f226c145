import { ArgumentError } from '@webgrad/core-tensor';

/** Options of `CharTokenizer.fromText`. */
export interface CharTokenizerOptions {
  /** A beginning-of-sequence token appended to the vocabulary (`true` for `'<bos>'`, or its name). */
  bos?: boolean | string;
  /** An end-of-sequence token appended to the vocabulary (`true` for `'<eos>'`, or its name). */
  eos?: boolean | string;
  /** An unknown-character token: characters not in the vocabulary encode to it instead of throwing (`true` for `'<unk>'`). */
  unk?: boolean | string;
}

/** Options of `CharTokenizer.encode`. */
export interface CharEncodeOptions {
  /** Prepend the BOS id (the tokenizer must have one). */
  addBos?: boolean;
  /** Append the EOS id (the tokenizer must have one). */
  addEos?: boolean;
}

/** A `CharTokenizer` as plain JSON. */
export interface CharTokenizerJSON {
  /** Format tag. */
  type: 'char';
  /** Characters in id order (ids 0..chars.length−1). */
  chars: string[];
  /** Special tokens with their ids. */
  special: { bos: string | null; eos: string | null; unk: string | null };
}

/**
 * A character-level tokenizer: the vocabulary is the set of characters
 * (Unicode code points) of a text, sorted by code point, so ids match
 * char-rnn's and nanoGPT's (tiny Shakespeare: 65 characters, '\n' = 0,
 * ' ' = 1, 'a' = 39). Optional special tokens take the ids after the
 * characters, in the order BOS, EOS, UNK.
 *
 * @example
 * ```ts
 * const tok = CharTokenizer.fromText('hello world', { bos: true, eos: true });
 * const ids = tok.encode('hold', { addBos: true, addEos: true }); // [8, 3, 5, 4, 1, 9]
 * tok.decode(ids); // 'hold' (special tokens are skipped)
 * ```
 */
export class CharTokenizer {
  /** Characters in id order. */
  readonly chars: readonly string[];
  /** Id of the BOS token, or null. */
  readonly bosId: number | null;
  /** Id of the EOS token, or null. */
  readonly eosId: number | null;
  /** Id of the UNK token, or null. */
  readonly unkId: number | null;
  /** Every token (characters, then specials) in id order. */
  readonly tokens: readonly string[];
  private readonly ids: Map<string, number>;

  private constructor(chars: readonly string[], special: CharTokenizerJSON['special']) {
    this.chars = Object.freeze(chars.slice());
    this.ids = new Map(chars.map((c, i) => [c, i]));
    if (this.ids.size !== chars.length)
      throw new ArgumentError('CharTokenizer', 'characters must be distinct');
    const tokens = chars.slice();
    const addSpecial = (name: string | null): number | null => {
      if (name === null) return null;
      if (tokens.includes(name))
        throw new ArgumentError(
          'CharTokenizer',
          `special token '${name}' collides with another token`,
        );
      tokens.push(name);
      return tokens.length - 1;
    };
    this.bosId = addSpecial(special.bos);
    this.eosId = addSpecial(special.eos);
    this.unkId = addSpecial(special.unk);
    this.tokens = Object.freeze(tokens);
  }

  /** Builds the vocabulary from the distinct characters of `text`. */
  static fromText(text: string, options: CharTokenizerOptions = {}): CharTokenizer {
    const chars = [...new Set(Array.from(text))].sort(
      (a, b) => a.codePointAt(0)! - b.codePointAt(0)!,
    );
    return new CharTokenizer(chars, {
      bos: specialName(options.bos, '<bos>'),
      eos: specialName(options.eos, '<eos>'),
      unk: specialName(options.unk, '<unk>'),
    });
  }

  /** Restores a tokenizer saved with `toJSON`. */
  static fromJSON(json: CharTokenizerJSON): CharTokenizer {
    if (json.type !== 'char' || !Array.isArray(json.chars))
      throw new ArgumentError(
        'CharTokenizer.fromJSON',
        `not a character tokenizer: type ${String(json.type)}`,
      );
    if (json.chars.some((c) => typeof c !== 'string' || Array.from(c).length !== 1)) {
      throw new ArgumentError(
        'CharTokenizer.fromJSON',
        'every entry of chars must be one character',
      );
    }
    return new CharTokenizer(json.chars, json.special);
  }

  /** Number of tokens (characters plus specials). */
  get vocabSize(): number {
    return this.tokens.length;
  }

  /** Token ids of `text`, one per character. */
  encode(text: string, options: CharEncodeOptions = {}): number[] {
    const out: number[] = [];
    if (options.addBos) out.push(this.requireSpecial(this.bosId, 'BOS'));
    for (const c of text) {
      const id = this.ids.get(c);
      if (id !== undefined) out.push(id);
      else if (this.unkId !== null) out.push(this.unkId);
      else
        throw new ArgumentError(
          'CharTokenizer.encode',
          `character ${JSON.stringify(c)} (U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}) is not in the vocabulary of ${this.chars.length} characters`,
        );
    }
    if (options.addEos) out.push(this.requireSpecial(this.eosId, 'EOS'));
    return out;
  }

  /** The text of `ids`; special tokens are left out unless `keepSpecial` (then their names appear). */
  decode(ids: ArrayLike<number>, options: { keepSpecial?: boolean } = {}): string {
    let out = '';
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (!Number.isInteger(id) || id < 0 || id >= this.tokens.length) {
        throw new ArgumentError(
          'CharTokenizer.decode',
          `id ${id} at position ${i} is outside the vocabulary [0, ${this.tokens.length})`,
        );
      }
      if (id < this.chars.length || options.keepSpecial) out += this.tokens[id];
    }
    return out;
  }

  /** The tokenizer as plain JSON (what `fromJSON` takes). */
  toJSON(): CharTokenizerJSON {
    const name = (id: number | null): string | null => (id === null ? null : this.tokens[id]!);
    return {
      type: 'char',
      chars: this.chars.slice(),
      special: { bos: name(this.bosId), eos: name(this.eosId), unk: name(this.unkId) },
    };
  }

  private requireSpecial(id: number | null, what: string): number {
    if (id === null)
      throw new ArgumentError(
        'CharTokenizer.encode',
        `add${what === 'BOS' ? 'Bos' : 'Eos'} needs a tokenizer built with the ${what} token`,
      );
    return id;
  }
}

function specialName(option: boolean | string | undefined, fallback: string): string | null {
  if (option === undefined || option === false) return null;
  return option === true ? fallback : option;
}
