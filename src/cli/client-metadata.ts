/** `clients add` options (and a secret read from a file or stdin) → RFC 7591 client metadata. */
import { randomBytes } from 'node:crypto';
import type { ClientMetadata } from 'oidc-provider';
import { DEVICE_CODE_GRANT } from '../oidc/device-flow.js';
import { ARGV_IS_PUBLIC } from './client-secret.js';
import { UsageError } from './io.js';

export interface AddOptions {
  name?: string;
  'redirect-uri'?: string[];
  'post-logout-redirect-uri'?: string[];
  'backchannel-logout-uri'?: string;
  'auth-method'?: string;
  public?: boolean;
  'response-type'?: string[];
  'refresh-tokens'?: boolean;
  device?: boolean;
  scope?: string;
  'first-party'?: boolean;
  'resource-server'?: boolean;
  'token-gates'?: string;
  'logo-uri'?: string;
  'client-uri'?: string;
  'policy-uri'?: string;
  'tos-uri'?: string;
  'id-token-alg'?: string;
  'jwks-uri'?: string;
  metadata?: string;
}

const SECRET_METHODS = new Set(['client_secret_basic', 'client_secret_post', 'client_secret_jwt']);

function parseMetadataOption(raw: string | undefined): ClientMetadata {
  if (raw === undefined) return {} as ClientMetadata;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new UsageError('--metadata must be a JSON object, e.g. \'{"contacts":["ops@example.com"]}\'');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError('--metadata must be a JSON object');
  if ('client_secret' in parsed) throw new UsageError(`--metadata must not hold client_secret: ${ARGV_IS_PUBLIC}`);
  return parsed as ClientMetadata;
}

/** --token-gates: a JSON array; what is in it is validated with the rest (gates/token-gates.ts, through oidc-provider). */
function parseTokenGatesOption(raw: string | undefined): unknown[] | undefined {
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new UsageError(
      '--token-gates must be a JSON array of gates, e.g. \'[{"group":"holders","chain_id":1,"standard":"erc721","contract":"0x…","required":true}]\'',
    );
  }
  if (!Array.isArray(parsed)) throw new UsageError('--token-gates must be a JSON array of gates');
  return parsed;
}

function defined(entries: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined));
}

/** Grant types follow from the response types (code → authorization_code, id_token → implicit) and --refresh-tokens. */
function grantTypesFor(responseTypes: string[], refresh: boolean): string[] {
  const parts = new Set(responseTypes.flatMap((type) => type.split(' ')));
  return [
    ...(parts.has('code') ? ['authorization_code'] : []),
    ...(parts.has('id_token') ? ['implicit'] : []),
    ...(refresh ? ['refresh_token'] : []),
  ];
}

/** --device (or a device grant in --metadata): the device authorization grant (RFC 8628) too. */
function withDevice(grantTypes: readonly string[], device: boolean): string[] {
  return device && !grantTypes.includes(DEVICE_CODE_GRANT) ? [...grantTypes, DEVICE_CODE_GRANT] : [...grantTypes];
}

/** `secret`: the one read from --secret-file or --secret-stdin, if any. */
export function metadataFrom(clientId: string, options: AddOptions, secret?: string): ClientMetadata {
  const base = parseMetadataOption(options.metadata);
  const authMethod = options.public ? 'none' : (options['auth-method'] ?? base.token_endpoint_auth_method ?? 'client_secret_basic');
  if (options.public && options['auth-method'] && options['auth-method'] !== 'none') {
    throw new UsageError('--public means --auth-method none; give one or the other');
  }
  const redirectUris = options['redirect-uri'] ?? base.redirect_uris ?? [];
  // --device alone: a device-only client (a command-line tool, a TV) has no redirect URI and no response type.
  const deviceOnly = Boolean(options.device) && redirectUris.length === 0;
  if (redirectUris.length === 0 && !deviceOnly)
    throw new UsageError('give at least one --redirect-uri (or --device for a device-only client)');
  if (deviceOnly && options['response-type']) throw new UsageError('--response-type needs a --redirect-uri');
  const responseTypes: string[] = [...(options['response-type'] ?? base.response_types ?? (deviceOnly ? [] : ['code']))];
  const needsSecret = SECRET_METHODS.has(authMethod);
  if (secret !== undefined && !needsSecret) throw new UsageError(`a client secret makes no sense with --auth-method ${authMethod}`);
  return {
    ...base,
    ...defined({
      client_id: clientId,
      client_secret: needsSecret ? (secret ?? randomBytes(32).toString('base64url')) : undefined,
      client_name: options.name,
      redirect_uris: redirectUris,
      post_logout_redirect_uris: options['post-logout-redirect-uri'],
      backchannel_logout_uri: options['backchannel-logout-uri'],
      token_endpoint_auth_method: authMethod,
      response_types: responseTypes,
      grant_types: withDevice(
        options['response-type'] || options['refresh-tokens'] || options.device || !base.grant_types
          ? grantTypesFor(responseTypes, Boolean(options['refresh-tokens']))
          : base.grant_types,
        Boolean(options.device) || Boolean(base.grant_types?.includes(DEVICE_CODE_GRANT)),
      ),
      scope: options.scope,
      first_party: options['first-party'] ? true : undefined,
      resource_server: options['resource-server'] ? true : undefined,
      token_gates: parseTokenGatesOption(options['token-gates']),
      logo_uri: options['logo-uri'],
      client_uri: options['client-uri'],
      policy_uri: options['policy-uri'],
      tos_uri: options['tos-uri'],
      id_token_signed_response_alg: options['id-token-alg'],
      jwks_uri: options['jwks-uri'],
    }),
  } as ClientMetadata;
}
