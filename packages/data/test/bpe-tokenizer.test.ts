import { describe, expect, it } from 'vitest';
import { BpeTokenizer, loadTinyShakespeare } from '@webgrad/data';

describe('BpeTokenizer', () => {
  it('learns the merges of the textbook example aaabdaaabac: aa, ab, then aa·ab', () => {
    const bpe = BpeTokenizer.train('aaabdaaabac', { vocabSize: 259, pattern: null });
    const a = 97;
    const b = 98;
    expect(bpe.merges).toEqual([
      [a, a],
      [a, b], // ties with (aa, a); the pair with the smaller ids wins
      [256, 257],
    ]);
    expect(bpe.encode('aaabdaaabac')).toEqual([258, 100, 258, 97, 99]); // X d X a c
    expect(bpe.decode([258])).toBe('aaab');
  });

  it('trains to the requested vocabulary size, deterministically, and round-trips Shakespeare', async () => {
    const text = (await loadTinyShakespeare()).slice(0, 200_000);
    const bpe = BpeTokenizer.train(text, { vocabSize: 512, specialTokens: ['<|endoftext|>'] });
    expect(bpe.vocabSize).toBe(512);
    expect(bpe.merges.length).toBe(512 - 256 - 1);
    expect(
      BpeTokenizer.train(text, { vocabSize: 512, specialTokens: ['<|endoftext|>'] }).merges,
    ).toEqual(bpe.merges);
    const held = (await loadTinyShakespeare()).slice(1_000_000, 1_020_000);
    const ids = bpe.encode(held);
    expect(bpe.decode(ids)).toBe(held);
    // 255 merges compress unseen text of the same kind to under 0.6 tokens per byte
    expect(ids.length / held.length).toBeLessThan(0.6);
    expect(Math.max(...ids)).toBeLessThan(511);
  });

  it('round-trips any Unicode text through bytes, even characters it never saw', () => {
    const bpe = BpeTokenizer.train('the cat sat on the mat. the end.', { vocabSize: 280 });
    for (const s of ['the cat', 'Grüße, 世界! 🙂🙂', '\n\n  tabs\tand  spaces  ', ''])
      expect(bpe.decode(bpe.encode(s))).toBe(s);
    expect(bpe.encode(' the').length).toBe(1); // ' the' occurs 3 times and becomes one token
  });

  it('never merges across GPT-2 pre-token boundaries', () => {
    const bpe = BpeTokenizer.train('ab ab ab ab', { vocabSize: 300 });
    for (const [x, y] of bpe.merges) {
      const joined = new TextDecoder().decode(
        new Uint8Array([...bpe.tokenBytes(x), ...bpe.tokenBytes(y)]),
      );
      expect(joined.slice(1)).not.toContain(' '); // a space may only lead a token
    }
  });

  it('maps special tokens to their ids in encode and back in decode', () => {
    const bpe = BpeTokenizer.train('one two three', {
      vocabSize: 262,
      specialTokens: ['<|endoftext|>', '<pad>'],
    });
    const eot = bpe.specialId('<|endoftext|>');
    expect(eot).toBe(260);
    expect(bpe.specialId('<pad>')).toBe(261);
    const ids = bpe.encode('one<|endoftext|>two');
    expect(ids).toContain(eot);
    expect(bpe.decode(ids)).toBe('one<|endoftext|>two');
  });

  it('survives toJSON → JSON text → fromJSON with identical encodings', () => {
    const bpe = BpeTokenizer.train('she sells sea shells by the sea shore', {
      vocabSize: 290,
      specialTokens: ['<eos>'],
    });
    const back = BpeTokenizer.fromJSON(JSON.parse(JSON.stringify(bpe)));
    expect(back.vocabSize).toBe(bpe.vocabSize);
    expect(back.encode('sea shells<eos>')).toEqual(bpe.encode('sea shells<eos>'));
  });

  it('names bad arguments', () => {
    expect(() => BpeTokenizer.train('abc', { vocabSize: 100 })).toThrow(
      'BpeTokenizer.train: vocabSize must be an integer >= 256 + 0 special tokens, got 100',
    );
    const bpe = BpeTokenizer.train('abc', { vocabSize: 256 });
    expect(() => bpe.decode([256])).toThrow(
      'BpeTokenizer.decode: id 256 at position 0 is outside the vocabulary [0, 256)',
    );
    expect(() =>
      BpeTokenizer.fromJSON({ type: 'bpe', merges: [[300, 1]], specialTokens: [], pattern: null }),
    ).toThrow('BpeTokenizer: merge 0 joins [300, 1], but only tokens below 256 exist');
  });
});
