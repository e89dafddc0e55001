/**
 * The device authorization grant (RFC 8628) as a device and as a person at the
 * user-code page: the device asks for a code and polls the token endpoint; the
 * person (a supertest agent keeping its cookies) enters the code, confirms and
 * reaches the sign-in interaction.
 */
import assert from 'node:assert/strict';
import type { ClientMetadata } from 'oidc-provider';
import { DEVICE_CODE_GRANT } from '../../src/oidc/device-flow.js';
import { type Agent, basicAuth } from './flow.js';
import { RP_REDIRECT } from './test-clients.js';

/** A command-line tool: public, device grant only, no redirect URI, first-party (no consent). */
export const DEVICE_CLI: ClientMetadata = {
  client_id: 'device-cli',
  client_name: 'Device CLI',
  grant_types: [DEVICE_CODE_GRANT, 'refresh_token'],
  response_types: [],
  redirect_uris: [],
  token_endpoint_auth_method: 'none',
  first_party: true,
};

/** A third-party TV app that is also a web app: confidential, both grants, consent asked. */
export const DEVICE_TV: ClientMetadata = {
  client_id: 'device-tv',
  client_secret: 'device-tv-secret-which-is-long-enough',
  client_name: 'Living Room TV',
  client_uri: 'https://tv.example/',
  grant_types: ['authorization_code', DEVICE_CODE_GRANT],
  response_types: ['code'],
  redirect_uris: [RP_REDIRECT],
  token_endpoint_auth_method: 'client_secret_basic',
};

export interface DeviceAuthorization {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
}

function clientAuth(client: ClientMetadata): { header?: string; body: Record<string, string> } {
  return client.token_endpoint_auth_method === 'none' ? { body: { client_id: client.client_id } } : { header: basicAuth(client), body: {} };
}

/** POST /device/auth as the device. */
export async function requestDeviceCode(agent: Agent, client: ClientMetadata, scope = 'openid'): Promise<DeviceAuthorization> {
  const auth = clientAuth(client);
  const request = agent.post('/device/auth').type('form');
  if (auth.header) request.set('Authorization', auth.header);
  const response = await request.send({ ...auth.body, scope });
  assert.equal(response.status, 200, response.text);
  return response.body as DeviceAuthorization;
}

/** One poll of the token endpoint as the device: the status and JSON body. */
export async function pollOnce(agent: Agent, client: ClientMetadata, deviceCode: string) {
  const auth = clientAuth(client);
  const request = agent.post('/token').type('form');
  if (auth.header) request.set('Authorization', auth.header);
  return request.send({ ...auth.body, grant_type: DEVICE_CODE_GRANT, device_code: deviceCode });
}

/** The anti-forgery secret of the user-code page's form. */
export function xsrfOf(html: string): string {
  const match = /name="xsrf" value="([0-9a-f]+)"/.exec(html);
  assert.ok(match, 'the page has a form with its xsrf secret');
  return match[1]!;
}

/** GET /device: the user-code page; returns its form's secret. */
export async function openCodePage(agent: Agent, query = ''): Promise<{ xsrf: string; html: string }> {
  const response = await agent.get(`/device${query}`);
  assert.equal(response.status, 200, response.text);
  return { xsrf: xsrfOf(response.text), html: response.text };
}

/** Types the code and presses Continue: the confirmation page (or the input page again, with a problem). */
export async function enterCode(agent: Agent, userCode: string) {
  const { xsrf } = await openCodePage(agent);
  return agent.post('/device').type('form').send({ xsrf, user_code: userCode });
}

/** Confirms (or cancels) the code on the confirmation page shown by `confirmPage`. */
export function answerConfirmation(agent: Agent, confirmPage: string, userCode: string, answer: 'confirm' | 'abort') {
  return agent
    .post('/device')
    .type('form')
    .redirects(0)
    .send({ xsrf: xsrfOf(confirmPage), user_code: userCode, [answer]: 'yes' });
}

/** Enters the code, confirms, and returns the uid of the sign-in interaction it leads to. */
export async function startDeviceSignIn(agent: Agent, userCode: string): Promise<string> {
  const confirmPage = await enterCode(agent, userCode);
  assert.equal(confirmPage.status, 200, confirmPage.text);
  const confirmed = await answerConfirmation(agent, confirmPage.text, userCode, 'confirm');
  assert.equal(confirmed.status, 303, `expected a redirect to the sign-in, got ${confirmed.status} ${confirmed.text}`);
  const match = /^\/interaction\/([^/?]+)$/.exec(new URL(confirmed.headers.location!, 'http://x').pathname);
  assert.ok(match, `unexpected redirect ${confirmed.headers.location}`);
  return match[1]!;
}
