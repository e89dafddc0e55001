/**
 * The client's token gates as the login page names them before anyone signs
 * (views/partials/gates.ejs), and as GET /interaction/:uid answers them in
 * JSON (`token_gates`) for wallet clients: in the metadata's own terms, the
 * contract in EIP-55 case, numbers as decimal strings.
 */
import { toChecksumAddress } from '../siwe/address.js';
import { type TokenStandard, tokenGatesOf } from './token-gates.js';

export interface GateView {
  group: string;
  chain_id: number;
  standard: TokenStandard;
  contract?: string;
  token_id?: string;
  min_balance: string;
  required: boolean;
}

export function gateViewOf(client: object): GateView[] {
  return tokenGatesOf(client).map((gate) => ({
    group: gate.group,
    chain_id: gate.chainId,
    standard: gate.standard,
    ...(gate.contract === undefined ? {} : { contract: toChecksumAddress(gate.contract) }),
    ...(gate.tokenId === undefined ? {} : { token_id: String(gate.tokenId) }),
    min_balance: String(gate.minBalance),
    required: gate.required,
  }));
}
