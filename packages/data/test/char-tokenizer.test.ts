import { describe, expect, it } from 'vitest';
import { CharTokenizer } from '@webgrad/data';

describe('CharTokenizer', () => {
  it('sorts the distinct characters by code point, so ids follow char-rnn', () => {
    const tok = CharTokenizer.fromText('hello world');
    expect(tok.chars).toEqual([' ', 'd', 'e', 'h', 'l', 'o', 'r', 'w']);
    expect(tok.encode('hold')).toEqual([3, 5, 4, 1]);
    expect(tok.vocabSize).toBe(8);
  });

  it('appends BOS and EOS after the characters and leaves them out of decode', () => {
    const tok = CharTokenizer.fromText('hello world', { bos: true, eos: true });
    expect(tok.bosId).toBe(8);
    expect(tok.eosId).toBe(9);
    const ids = tok.encode('hold', { addBos: true, addEos: true });
    expect(ids).toEqual([8, 3, 5, 4, 1, 9]);
    expect(tok.decode(ids)).toBe('hold');
    expect(tok.decode(ids, { keepSpecial: true })).toBe('<bos>hold<eos>');
  });

  it('round-trips text outside the Basic Multilingual Plane (one id per code point)', () => {
    const text = 'naïve 🙂 café 🙂';
    const tok = CharTokenizer.fromText(text);
    const ids = tok.encode(text);
    expect(ids.length).toBe(Array.from(text).length);
    expect(tok.decode(ids)).toBe(text);
  });

  it('names an unknown character, or maps it to UNK when it has one', () => {
    expect(() => CharTokenizer.fromText('abc').encode('abz')).toThrow(
      'CharTokenizer.encode: character "z" (U+007A) is not in the vocabulary of 3 characters',
    );
    const tok = CharTokenizer.fromText('abc', { unk: true });
    expect(tok.encode('abz')).toEqual([0, 1, 3]);
    expect(() => CharTokenizer.fromText('abc').encode('a', { addBos: true })).toThrow(
      'addBos needs a tokenizer built with the BOS token',
    );
    expect(() => CharTokenizer.fromText('abc').decode([3])).toThrow(
      'CharTokenizer.decode: id 3 at position 0 is outside the vocabulary [0, 3)',
    );
  });

  it('survives toJSON → JSON text → fromJSON with the same ids', () => {
    const tok = CharTokenizer.fromText('to be or not to be', { bos: '<s>', eos: '</s>' });
    const back = CharTokenizer.fromJSON(JSON.parse(JSON.stringify(tok)));
    expect(back.tokens).toEqual(tok.tokens);
    expect(back.encode('not', { addBos: true, addEos: true })).toEqual(
      tok.encode('not', { addBos: true, addEos: true }),
    );
  });
});
