/**
 * The interaction as JSON: everything a wallet client needs to build the exact
 * message the server will accept, and everything a person should see.
 */
import type { Config } from '../config/env.js';
import { isHexAddress, toChecksumAddress } from '../siwe/address.js';
import { isReservedOrUnreserved } from '../siwe/uri.js';
import type { Challenge } from './challenge.js';
import { boundResourceOf, type Loaded } from './load.js';

export interface SiweFields {
  scheme: string;
  domain: string;
  uri: string;
  version: '1';
  chainIds: number[];
  nonce: string;
  issuedAt: string;
  expirationTime: string;
  statement: string;
  resources: string[];
}

export interface InteractionView {
  uid: string;
  prompt: string;
  client: Record<'client_id' | 'client_name' | 'logo_uri' | 'client_uri' | 'policy_uri' | 'tos_uri', string | undefined>;
  scopes: string[];
  /** The signed-in address on the consent step; null on the login step. */
  account: string | null;
  /** The RP's `login_hint`, when it is an Ethereum address (EIP-55): the account the page pre-selects. */
  loginHint: string | null;
  /** A device sign-in (RFC 8628): the code the device shows; null for an authorization request. */
  device: { user_code: string } | null;
  siwe: SiweFields | null;
}

function addressHint(hint: unknown): string | null {
  return typeof hint === 'string' && isHexAddress(hint) ? toChecksumAddress(hint) : null;
}

/** EIP-4361 statements allow only RFC 3986 reserved and unreserved characters and spaces: drop the rest. */
function statementFor(clientName: string): string {
  const safe = [...clientName]
    .filter((char) => isReservedOrUnreserved(char, true))
    .join('')
    .trim()
    .slice(0, 80);
  return safe ? `Sign in to ${safe}.` : 'Sign in.';
}

export function siweFields(loaded: Loaded, config: Config, challenge: Challenge): SiweFields {
  const { client } = loaded;
  return {
    scheme: config.siweScheme,
    domain: config.siweDomain,
    uri: config.issuer,
    version: '1',
    chainIds: config.chainIds,
    nonce: challenge.nonce,
    issuedAt: challenge.issuedAt,
    expirationTime: challenge.expirationTime,
    statement: statementFor(client.clientName ?? client.clientId),
    resources: [boundResourceOf(loaded).resource],
  };
}

export function interactionView(loaded: Loaded, siwe: SiweFields | null): InteractionView {
  const { interaction, client } = loaded;
  return {
    uid: interaction.uid,
    prompt: interaction.prompt.name,
    client: {
      client_id: client.clientId,
      client_name: client.clientName,
      logo_uri: client.logoUri,
      client_uri: client.clientUri,
      policy_uri: client.policyUri,
      tos_uri: client.tosUri,
    },
    scopes: String(interaction.params.scope ?? '')
      .split(' ')
      .filter(Boolean),
    account: interaction.session?.accountId ?? null,
    loginHint: addressHint(interaction.params.login_hint),
    device: loaded.device ? { user_code: loaded.device.userCode } : null,
    siwe,
  };
}
