// Sign a command-line tool in with Ethereum through siwe-idp: the OAuth 2.0 device authorization grant
// (RFC 8628) with openid-client 6, and uqr for the QR code it draws in the terminal
// (npm install openid-client@6 uqr).
//
//   ISSUER=https://id.example.com CLIENT_ID=my-cli npx tsx device-login.ts
//
// The tool prints a code, a link and the link as a QR code; the person opens the link on any device (scans
// the QR code with a phone wallet's in-app browser, or types the link on a laptop), checks the code, and
// signs in with their wallet. Meanwhile the tool polls the token endpoint and, once the
// person has signed, receives tokens whose `sub` is their address. The client must be registered with the
// grant type urn:ietf:params:oauth:grant-type:device_code; a command-line tool is a public client
// (token_endpoint_auth_method "none": set CLIENT_SECRET only for a confidential one). See docs/device-flow.md.
// The test suite runs deviceLogin() below against the provider while a browser signs in
// (test/docs/device-login-example.test.ts).
import { pathToFileURL } from 'node:url';
import * as client from 'openid-client';
import { renderUnicodeCompact } from 'uqr';

export interface DevicePrompt {
  /** The code to type, as the person will see it on the page: `BCDF-GHJK`. */
  userCode: string;
  /** The page to open: https://id.example.com/device */
  verificationUri: string;
  /** The same page with the code filled in (for a QR code or a link). */
  verificationUriComplete: string | undefined;
  /** Seconds until the code expires. */
  expiresIn: number;
}

export interface DeviceLoginOptions {
  issuer: URL;
  clientId: string;
  /** Only for a confidential client (client_secret_basic); a command-line tool has none. */
  clientSecret?: string | undefined;
  /** Default `openid`; add `ethereum` for the chain id and CAIP-10 claims, `offline_access` for a refresh token. */
  scope?: string | undefined;
  /** Shows the person what to do. */
  prompt(prompt: DevicePrompt): void;
  /** Stops the polling (e.g. on Ctrl-C). */
  signal?: AbortSignal | undefined;
}

export interface DeviceLogin {
  /** The signed-in address (EIP-55), or its CAIP-10 form where the provider is set up so. */
  sub: string;
  claims: client.IDToken;
  tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;
}

/** The whole device sign-in: ask for a code, show it, poll until the person has signed in (or refused). */
export async function deviceLogin(options: DeviceLoginOptions): Promise<DeviceLogin> {
  const config = await client.discovery(
    options.issuer,
    options.clientId,
    // siwe-idp signs ID tokens with ES256 unless the client is registered for RS256.
    { id_token_signed_response_alg: 'ES256' },
    options.clientSecret ? client.ClientSecretBasic(options.clientSecret) : client.None(),
    {
      execute: [
        // Verify the ID token's signature with the provider's keys, not only the TLS connection.
        client.enableNonRepudiationChecks,
        // openid-client talks https only; allow http for a provider on your own machine.
        ...(options.issuer.protocol === 'http:' ? [client.allowInsecureRequests] : []),
      ],
    },
  );
  const authorization = await client.initiateDeviceAuthorization(config, { scope: options.scope ?? 'openid' });
  options.prompt({
    userCode: authorization.user_code,
    verificationUri: authorization.verification_uri,
    verificationUriComplete: authorization.verification_uri_complete,
    expiresIn: authorization.expires_in,
  });
  // Polls every `interval` seconds (5 by default), slower on slow_down, until tokens, a refusal
  // (access_denied) or the code's expiry (expired_token): those two throw a ResponseBodyError.
  const tokens = await client.pollDeviceAuthorizationGrant(config, authorization, undefined, { signal: options.signal });
  const claims = tokens.claims();
  if (!claims) throw new Error('the provider returned no ID token: ask for the openid scope');
  return { sub: claims.sub, claims, tokens };
}

/** What a refusal means to the person at the terminal. */
function explain(error: unknown): string {
  if (error instanceof client.ResponseBodyError) {
    if (error.error === 'access_denied') return 'The sign-in was refused on the sign-in page.';
    if (error.error === 'expired_token') return 'The code expired before anyone signed in. Run the command again.';
    return `The provider refused: ${error.error}${error.error_description ? ` (${error.error_description})` : ''}`;
  }
  return error instanceof Error ? error.message : String(error);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { ISSUER, CLIENT_ID, CLIENT_SECRET, SCOPE } = process.env;
  if (!ISSUER || !CLIENT_ID) {
    console.error('usage: ISSUER=https://id.example.com CLIENT_ID=my-cli [CLIENT_SECRET=…] [SCOPE="openid ethereum"] tsx device-login.ts');
    process.exit(2);
  }
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  try {
    const result = await deviceLogin({
      issuer: new URL(ISSUER),
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      scope: SCOPE,
      signal: stop.signal,
      prompt: ({ userCode, verificationUri, verificationUriComplete, expiresIn }) => {
        // Instructions on stderr; stdout carries only the result, for scripts.
        console.error(`To sign in, open ${verificationUri} and enter the code ${userCode}`);
        if (verificationUriComplete) {
          // A phone wallet scans this into its own browser, the code already filled in (a TV would show it on screen).
          console.error(`(or open ${verificationUriComplete}, or scan it with your phone's wallet:)`);
          console.error(renderUnicodeCompact(verificationUriComplete, { border: 2 }));
        }
        console.error(`The code expires in ${Math.round(expiresIn / 60)} minutes. Waiting…`);
      },
    });
    console.error(`Signed in as ${result.sub}`);
    // A real tool would keep the tokens (the refresh token, with offline_access) in a private file.
    console.log(JSON.stringify({ sub: result.sub, claims: result.claims, expires_in: result.tokens.expiresIn() }));
  } catch (error) {
    console.error(explain(error));
    process.exit(1);
  }
}
