/**
 * Keeps src/chain/token-gate-reader.ts honest: its TOKEN_GATE_READER_BYTECODE is exactly what
 * contracts/TokenGateReader.sol compiles to with the settings of test/support/chain/compile.ts.
 */
import assert from 'node:assert/strict';
import { TOKEN_GATE_READER_BYTECODE } from '../../src/chain/token-gate-reader.js';
import { tokenGateReaderBytecode } from '../support/chain/write-gate-reader-bytecode.js';

describe('the embedded token-gate reader', () => {
  it('equals the TokenGateReader creation bytecode compiled from contracts/TokenGateReader.sol', () => {
    assert.ok(
      TOKEN_GATE_READER_BYTECODE === tokenGateReaderBytecode(),
      'src/chain/token-gate-reader.ts is stale: run `npx tsx test/support/chain/write-gate-reader-bytecode.ts`',
    );
  });
});
