/**
 * Loads the interaction named in the URL, bound to the browser by
 * oidc-provider's `_interaction` cookie, and its client.
 */
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import { errors } from 'oidc-provider';
import { displayUserCode, verificationUriComplete } from '../oidc/device-flow.js';
import { Problem } from '../web/problem.js';

export type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;
export type Client = NonNullable<Awaited<ReturnType<Provider['Client']['find']>>>;

/** The device request (RFC 8628) a device sign-in approves. */
export interface DeviceRequest {
  /** As the device shows it: `BCDF-GHJK`. */
  userCode: string;
  /** The verification URI with that code (`https://id.example.com/device?user_code=BCDF-GHJK`): resources[0]. */
  verificationUriComplete: string;
}

export interface Loaded {
  interaction: Interaction;
  client: Client;
  /** Set for a device sign-in (one started by entering a user code); absent for an authorization request. */
  device?: DeviceRequest;
}

/** The device request of a device sign-in; gone or expired, the sign-in cannot finish (SessionNotFound). */
async function deviceRequestOf(provider: Provider, interaction: Interaction): Promise<DeviceRequest | undefined> {
  const jti = (interaction as { deviceCode?: unknown }).deviceCode;
  if (typeof jti !== 'string') return undefined;
  const code = await provider.DeviceCode.find(jti);
  if (!code || code.error || code.accountId) {
    throw new errors.SessionNotFound('the device request of this sign-in has expired, was cancelled or is already signed in');
  }
  const userCode = displayUserCode(code.userCode);
  return {
    userCode,
    verificationUriComplete: verificationUriComplete(new URL(provider.pathFor('code_verification'), provider.issuer).href, userCode),
  };
}

export async function loadInteraction(ctx: Context, provider: Provider, prompt?: 'login' | 'consent'): Promise<Loaded> {
  const interaction = await provider.interactionDetails(ctx.req, ctx.res);
  if (interaction.uid !== ctx.params.uid) {
    throw new errors.SessionNotFound('interaction cookie does not match the URL');
  }
  if (prompt && interaction.prompt.name !== prompt) {
    throw new Problem('invalid_request', `this sign-in step expects ${interaction.prompt.name}, not ${prompt}`);
  }
  return loadedOf(provider, interaction);
}

/** An interaction with its client and, for a device sign-in, its device request (either gone: SessionNotFound). */
export async function loadedOf(provider: Provider, interaction: Interaction): Promise<Loaded> {
  const client = await provider.Client.find(String(interaction.params.client_id));
  if (!client) throw new errors.SessionNotFound('the client of this interaction no longer exists');
  const device = await deviceRequestOf(provider, interaction);
  return device ? { interaction, client, device } : { interaction, client };
}

/** The redirect_uri of this authorization request (oidc-provider may have filled in a client's only one). */
export function redirectUriOf({ interaction, client }: Loaded): string {
  const requested = interaction.params.redirect_uri;
  return typeof requested === 'string' ? requested : String(client.redirectUris?.[0] ?? '');
}

/**
 * What the SIWE message's resources[0] must be, so the person sees in their
 * wallet where the sign-in goes: the redirect_uri of an authorization request,
 * or for a device sign-in the device request's verification_uri_complete,
 * which names this provider and the code the device shows.
 */
export function boundResourceOf(loaded: Loaded): { resource: string; kind: 'redirect_uri' | 'device_request' } {
  return loaded.device
    ? { resource: loaded.device.verificationUriComplete, kind: 'device_request' }
    : { resource: redirectUriOf(loaded), kind: 'redirect_uri' };
}
