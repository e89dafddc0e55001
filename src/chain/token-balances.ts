/**
 * What an address holds, for token gates: every gate of one chain in one
 * eth_call, through TokenGateReader's creation code run as a deployless call
 * (token-gate-reader.ts; nothing is deployed, no Multicall contract needs to
 * exist on the chain). Each gate is one read in it:
 *
 *   erc20, erc721        balanceOf(owner) ≥ min_balance
 *   erc721 + token_id    ownerOf(token_id) = owner
 *   erc1155              balanceOf(owner, token_id) ≥ min_balance
 *   native               the owner's balance ≥ min_balance
 *
 * A read that reverts or answers nothing usable (no contract at the address,
 * a token that does not exist) is "not met": the contract's verdict. An RPC
 * that cannot answer is ChainUnavailableError (chain-rpc.ts), for the caller
 * to fail closed on.
 */
import { AbiCoder, concat, Interface } from 'ethers';
import type { TokenGate } from '../gates/token-gates.js';
import { CallRejectedError, ChainUnavailableError, type ChainRpc } from './chain-rpc.js';
import { TOKEN_GATE_READER_BYTECODE } from './token-gate-reader.js';

const TOKENS = new Interface([
  'function balanceOf(address owner) view returns (uint256)',
  'function ownerOf(uint256 tokenId) view returns (address)',
  'function balanceOf(address owner, uint256 id) view returns (uint256)',
]);
const abi = AbiCoder.defaultAbiCoder();

/** The read of one gate: the contract to call and its calldata (empty: the native balance of `target`). */
function readOf(gate: TokenGate, owner: string): { target: string; data: string } {
  switch (gate.standard) {
    case 'native':
      return { target: owner, data: '0x' };
    case 'erc1155':
      return { target: gate.contract!, data: TOKENS.encodeFunctionData('balanceOf(address,uint256)', [owner, gate.tokenId!]) };
    case 'erc721':
      if (gate.tokenId !== undefined) return { target: gate.contract!, data: TOKENS.encodeFunctionData('ownerOf', [gate.tokenId]) };
      return { target: gate.contract!, data: TOKENS.encodeFunctionData('balanceOf(address)', [owner]) };
    default:
      return { target: gate.contract!, data: TOKENS.encodeFunctionData('balanceOf(address)', [owner]) };
  }
}

/** Whether one answer meets its gate; anything but a full 32-byte word is "not met". */
function meets(gate: TokenGate, owner: string, answer: string): boolean {
  if (answer.length < 66) return false;
  const word = BigInt(answer.slice(0, 66));
  if (gate.standard === 'erc721' && gate.tokenId !== undefined) return word === BigInt(owner);
  return word >= gate.minBalance;
}

/** The call data of the one deployless eth_call that reads `gates` (all of one chain) for `owner`. */
function gateReadCall(gates: readonly TokenGate[], owner: string): string {
  const reads = gates.map((gate) => readOf(gate, owner));
  const args = abi.encode(['address[]', 'bytes[]'], [reads.map((read) => read.target), reads.map((read) => read.data)]);
  return concat([TOKEN_GATE_READER_BYTECODE, args]);
}

/**
 * Which of `gates` (all on rpc's chain) `owner` meets, in their order, in one
 * eth_call. ChainUnavailableError when the RPC cannot answer, or when the
 * reader itself is refused (e.g. the RPC's gas cap for eth_call is too low):
 * either way the gates cannot be evaluated.
 */
export async function readTokenGates(rpc: ChainRpc, owner: string, gates: readonly TokenGate[]): Promise<boolean[]> {
  let result: string;
  try {
    result = await rpc.call({ data: gateReadCall(gates, owner) });
  } catch (error) {
    if (error instanceof CallRejectedError) throw new ChainUnavailableError(rpc.chainId, rpc.label, 'refused the token-gate read');
    throw error;
  }
  let answers: string[];
  try {
    [answers] = abi.decode(['bytes[]'], result) as unknown as [string[]];
  } catch {
    throw new ChainUnavailableError(rpc.chainId, rpc.label, 'answered the token-gate read with something else');
  }
  if (answers.length !== gates.length) {
    throw new ChainUnavailableError(rpc.chainId, rpc.label, 'answered the token-gate read with the wrong number of answers');
  }
  return gates.map((gate, index) => meets(gate, owner, answers[index]!));
}
