import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CharTokenizer, loadTinyShakespeare, trainValidationSplit } from '@webgrad/data';

describe('loadTinyShakespeare', () => {
  it('returns the char-rnn text byte for byte (sha256 of the published input.txt)', async () => {
    const text = await loadTinyShakespeare();
    expect(text.length).toBe(1115394);
    expect(createHash('sha256').update(text, 'utf8').digest('hex')).toBe(
      '86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed',
    );
    expect(text.startsWith('First Citizen:\nBefore we proceed any further, hear me speak.')).toBe(
      true,
    );
  });

  it('has 65 distinct characters and splits 90/10 into 1003854 + 111540', async () => {
    const text = await loadTinyShakespeare();
    expect(CharTokenizer.fromText(text).vocabSize).toBe(65);
    const { train, validation } = trainValidationSplit(text);
    expect(train.length).toBe(1003854);
    expect(validation.length).toBe(111540);
    expect(train + validation).toBe(text);
  });
});

describe('trainValidationSplit', () => {
  it('cuts at ⌊fraction·n⌋ without shuffling, for strings and token arrays', () => {
    expect(trainValidationSplit('abcdefghij')).toEqual({ train: 'abcdefghi', validation: 'j' });
    const ids = Int32Array.from([1, 2, 3, 4, 5]);
    const { train, validation } = trainValidationSplit(ids, { trainFraction: 0.5 });
    expect(Array.from(train)).toEqual([1, 2]);
    expect(Array.from(validation)).toEqual([3, 4, 5]);
    expect(() => trainValidationSplit('abc', { trainFraction: 1.5 })).toThrow(
      'trainValidationSplit: trainFraction must be in [0, 1], got 1.5',
    );
  });
});
