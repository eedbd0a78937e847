import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { truncateOutput } from '@aof/api';

describe('truncateOutput', () => {
  it('leaves text within the cap as it is, whatever its characters', () => {
    assert.deepEqual(truncateOutput('kubectl says hi', 64), { text: 'kubectl says hi', truncated: false });
    // 10 characters of 2 bytes: 20 bytes, over 3x its length's fast bound but within 20.
    assert.deepEqual(truncateOutput('é'.repeat(10), 20), { text: 'é'.repeat(10), truncated: false });
    // Emoji are surrogate pairs: 2 code units, 4 bytes.
    assert.deepEqual(truncateOutput('🚀🚀', 8), { text: '🚀🚀', truncated: false });
    assert.deepEqual(truncateOutput('x'.repeat(30), 30), { text: 'x'.repeat(30), truncated: false });
  });

  it('cuts at the cap on a character boundary and says how many bytes were dropped', () => {
    assert.deepEqual(truncateOutput('x'.repeat(31), 30), { text: `${'x'.repeat(30)}…[truncated 1 bytes]`, truncated: true });
    // 'é' is 2 bytes: a cap of 5 keeps two of them (4 bytes), never half of the third.
    assert.deepEqual(truncateOutput('ééé', 5), { text: 'éé…[truncated 2 bytes]', truncated: true });
    assert.deepEqual(truncateOutput('🚀🚀', 6), { text: '🚀…[truncated 4 bytes]', truncated: true });
  });
});
