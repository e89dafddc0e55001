/**
 * A person with a wallet, in a user agent: follows the relying party's
 * authorization request through the provider, signs the SIWE message through
 * the real interaction API, grants consent when asked, and stops at the
 * relying party with its authorization response, whichever response mode
 * carried it: a redirect (query or fragment) or an auto-submitting form_post
 * page. A form_post page aimed at the provider itself (the logout oidc-provider
 * inserts when a different account signs in) is submitted like a browser does.
 */
import assert from 'node:assert/strict';
import type { Wallet, HDNodeWallet } from 'ethers';
import type { InteractionView } from '../../src/interaction/view-model.js';
import { messageFor } from './flow.js';
import type { UserAgent } from './user-agent.js';

export interface Callback {
  /** How the response reached the relying party. */
  mode: 'query' | 'fragment' | 'form_post';
  /** The redirect target, or the form's action. */
  url: URL;
  /** The authorization response parameters. */
  params: URLSearchParams;
  /** The steps the provider asked the person for, in order ("login", "consent"). */
  prompts: string[];
  /** The request the relying party receives (for openid-client's authorizationCodeGrant / implicitAuthentication). */
  request(): Request;
  /** The response as a URL with the parameters in the query (for code responses delivered by fragment or form_post). */
  asQueryUrl(): URL;
}

export interface SignInOptions {
  wallet: Wallet | HDNodeWallet;
  /** Origin of the relying party: where the walk stops. */
  rpOrigin: string;
  chainId?: number;
  /** Deny instead of granting consent. */
  deny?: boolean;
}

const FORM = /<form[^>]*method="post"[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i;
const INPUT = /<input type="hidden" name="([^"]*)" value="([^"]*)"\s*\/?>/g;

const unescapeHtml = (text: string) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** An auto-submitting form_post page's action and fields. */
export function parseFormPost(html: string, base: URL): { action: URL; fields: URLSearchParams } | undefined {
  const form = FORM.exec(html);
  if (!form) return undefined;
  const fields = new URLSearchParams();
  for (const [, name, value] of form[2]!.matchAll(INPUT)) fields.append(unescapeHtml(name!), unescapeHtml(value!));
  return { action: new URL(unescapeHtml(form[1]!), base), fields };
}

function callback(mode: Callback['mode'], url: URL, params: URLSearchParams, prompts: string[]): Callback {
  return {
    mode,
    url,
    params,
    prompts,
    request: () =>
      mode === 'form_post'
        ? new Request(url, { method: 'POST', body: params.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } })
        : new Request(url),
    asQueryUrl: () => {
      const plain = new URL(url);
      plain.hash = '';
      plain.search = params.toString();
      return plain;
    },
  };
}

async function interactionStep(agent: UserAgent, url: URL, options: SignInOptions, prompts: string[]): Promise<URL> {
  const view = (await (await agent.request(url, { headers: { accept: 'application/json' } })).json()) as InteractionView;
  prompts.push(view.prompt);
  const uid = view.uid;
  let response: Response;
  if (view.prompt === 'login') {
    const message = messageFor(view, options.wallet.address, options.chainId ? { chainId: options.chainId } : {});
    const signature = await options.wallet.signMessage(message);
    response = await agent.request(new URL(`/interaction/${uid}/login`, url), {
      json: { message, signature },
      headers: { accept: 'application/json' },
    });
  } else {
    const action = options.deny ? 'abort' : 'confirm';
    response = await agent.request(new URL(`/interaction/${uid}/${action}`, url), { json: {}, headers: { accept: 'application/json' } });
  }
  const body = (await response.json()) as { redirectTo?: string };
  assert.equal(response.status, 200, JSON.stringify(body));
  return new URL(body.redirectTo!, url);
}

/** From an authorization request URL to the relying party's callback. */
export async function signIn(agent: UserAgent, start: URL | string, options: SignInOptions): Promise<Callback> {
  const prompts: string[] = [];
  let url = new URL(start);
  let form: URLSearchParams | undefined;
  for (let hop = 0; hop < 25; hop += 1) {
    if (url.origin === options.rpOrigin) {
      if (form) return callback('form_post', url, form, prompts);
      return url.hash
        ? callback('fragment', url, new URLSearchParams(url.hash.slice(1)), prompts)
        : callback('query', url, url.searchParams, prompts);
    }
    if (/^\/interaction\/[^/]+$/.test(url.pathname)) {
      url = await interactionStep(agent, url, options, prompts);
      continue;
    }
    const response = await agent.request(url, form ? { form } : {});
    form = undefined;
    if (response.status >= 300 && response.status < 400) {
      url = new URL(response.headers.get('location')!, url);
      continue;
    }
    const html = await response.text();
    const posted = parseFormPost(html, url);
    assert.ok(posted, `expected a redirect or a form_post page from ${url.pathname}, got ${response.status}: ${html.slice(0, 300)}`);
    url = posted.action;
    form = posted.fields;
  }
  assert.fail('too many hops');
}
