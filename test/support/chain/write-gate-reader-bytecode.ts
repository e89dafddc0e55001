/**
 * Regenerates src/chain/token-gate-reader.ts from contracts/TokenGateReader.sol:
 *   npx tsx test/support/chain/write-gate-reader-bytecode.ts
 * (test/chain/token-gate-reader.test.ts fails until this is run after any edit of the .sol file).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { COMPILER_SETTINGS, compileContract, REPO_ROOT, solcVersion } from './compile.js';

export const GATE_READER_SOURCE = 'contracts/TokenGateReader.sol';
export const GATE_READER_MODULE = 'src/chain/token-gate-reader.ts';

/** TokenGateReader's creation bytecode, freshly compiled (cached per process). */
export function tokenGateReaderBytecode(): string {
  return compileContract(GATE_READER_SOURCE, 'TokenGateReader').bytecode;
}

/** The text of src/chain/token-gate-reader.ts for this bytecode. */
export function gateReaderModule(bytecode: string): string {
  return `/**
 * Creation bytecode of TokenGateReader, which reads every token gate of one chain in one deployless
 * eth_call (no \`to\`; data = this ‖ abi.encode(address[] targets, bytes[] calls); answers
 * abi.encode(bytes[] answers)). See ${GATE_READER_SOURCE} for what it does.
 *
 * Provenance: compiled from ${GATE_READER_SOURCE} (standard JSON source key the same) with
 * solc ${solcVersion()} (npm solc), settings
 * ${JSON.stringify(COMPILER_SETTINGS)}, all else default (no viaIR; the metadata
 * hash of the exact source file is appended). test/chain/token-gate-reader.test.ts recompiles
 * and compares; regenerate with \`npx tsx test/support/chain/write-gate-reader-bytecode.ts\`.
 */
export const TOKEN_GATE_READER_BYTECODE =
  '${bytecode}';
`;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(join(REPO_ROOT, GATE_READER_MODULE), gateReaderModule(tokenGateReaderBytecode()));
  console.log(`wrote ${GATE_READER_MODULE}`);
}
