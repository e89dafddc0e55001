/**
 * The phone's side of a cross-device sign-in, at /sign/<handle>: the link in
 * the desktop's QR code. The phone has no cookie of the interaction; the
 * handle names it, and the handle alone can do one thing: record a signature
 * that passes every rule of POST /interaction/:uid/login (the same SIWE
 * pipeline, contract wallets included, and the same failed-sign-in limit).
 *
 *   GET  /sign/:handle           the page: the application, our origin, the match code, then the message
 *   GET  /sign/:handle/message   ?address=…&chainId=… the exact EIP-4361 text for that account
 *   POST /sign/:handle           {message, signature}: verified, recorded as the interaction's proof
 *
 * A wrong, expired or used handle gets 404 `invalid_link` and a page that
 * says so. The handle is used up (store.take) only by a signature that
 * verified, in the pipeline's last step beside the nonce, so a refused
 * attempt (a wrong network, a declined signature) can be tried again.
 */
import type { Context } from 'koa';
import { errors } from 'oidc-provider';
import { clientBranding } from '../interaction/branding.js';
import { CHAIN_NAMES } from '../interaction/chain-names.js';
import { noteClaims } from '../interaction/audit.js';
import { fieldsOf } from '../interaction/body.js';
import { type Loaded, loadedOf } from '../interaction/load.js';
import { messageFor } from '../interaction/message.js';
import { wantsJson } from '../interaction/respond.js';
import { auditSignIn, readAttempt, verifySignIn } from '../interaction/sign-in.js';
import { deniedDescription } from '../gates/login-gates.js';
import { interactionView } from '../interaction/view-model.js';
import { Problem } from '../web/problem.js';
import { renderPage } from '../web/render.js';
import type { CrossDeviceDeps } from './cross-device-deps.js';
import { deepLinks } from './deep-links.js';
import { findHandle, type HandleRecord, phoneLink, recordProof, useHandle } from './handles.js';

const invalidLink = () =>
  new Problem(
    'invalid_link',
    'this sign-in link is wrong, has expired or was already used; on your computer, start the sign-in again and scan the new code',
    404,
  );

interface ByHandle extends Loaded {
  handle: string;
  record: HandleRecord;
}

/** The interaction a handle names, while both are live and the interaction waits for its login. */
async function loadByHandle(ctx: Context, { provider, store }: CrossDeviceDeps): Promise<ByHandle> {
  const handle = String(ctx.params.handle);
  const record = await findHandle(store, handle);
  if (!record) throw invalidLink();
  const interaction = await provider.Interaction.find(record.uid);
  if (interaction?.prompt?.name !== 'login' || interaction.result) throw invalidLink();
  // Its client, and for a device sign-in the device request its message binds to (resources[0]), as on the computer.
  const loaded = await loadedOf(provider, interaction as unknown as Loaded['interaction']).catch((error: unknown) => {
    if (error instanceof errors.SessionNotFound) throw invalidLink();
    throw error;
  });
  return { ...loaded, handle, record };
}

export function phonePage(deps: CrossDeviceDeps) {
  return async (ctx: Context): Promise<void> => {
    const loaded = await loadByHandle(ctx, deps);
    const { config } = deps;
    const view = interactionView(loaded, null);
    await renderPage(ctx, 'sign', {
      // The phone has no cookie of the interaction, so no logo (served under /interaction/:uid): the monogram.
      branding: clientBranding(view.client, null),
      handle: loaded.handle,
      code: loaded.record.code,
      origin: config.issuer,
      domain: config.siweDomain,
      page: { handle: loaded.handle, chainIds: config.chainIds, loginHint: view.loginHint },
      chainNames: CHAIN_NAMES,
      links: deepLinks(phoneLink(config.issuer, loaded.handle)),
      uiLocales: loaded.interaction.params.ui_locales,
    });
  };
}

export function phoneMessage(deps: CrossDeviceDeps) {
  return async (ctx: Context): Promise<void> => {
    ctx.body = messageFor(await loadByHandle(ctx, deps), deps, ctx.query);
  };
}

export function phoneSign(deps: CrossDeviceDeps) {
  const { store } = deps;
  return async (ctx: Context): Promise<void> => {
    const attempt = readAttempt(fieldsOf(ctx));
    const parsed = noteClaims(ctx, attempt.message);
    const loaded = await loadByHandle(ctx, deps);
    const { uid, exp } = loaded.interaction;
    // Every rule of the sign-in page, token gates included (interaction/sign-in.ts). Last, once the signature
    // verified: the link is used up, then the interaction's nonce (both single-use).
    const signIn = await verifySignIn(
      ctx,
      deps,
      loaded,
      { ...attempt, parsed },
      async (_nonce, useChallenge) => (await useHandle(store, loaded.handle, uid)) && useChallenge(),
    );
    const denied = signIn.deniedBy.length > 0;
    await recordProof(store, uid, exp, { login: signIn.login, ...(denied ? { deniedBy: signIn.deniedBy } : {}) });
    // The desktop's finish ends a denied sign-in with access_denied (it holds the interaction's cookie); the phone is told why.
    if (denied) throw new Problem('access_denied', deniedDescription(signIn.deniedBy), 403);
    auditSignIn(ctx, signIn);
    if (wantsJson(ctx)) {
      ctx.body = { status: 'signed', code: loaded.record.code };
      return;
    }
    await renderPage(ctx, 'signed', { uiLocales: loaded.interaction.params.ui_locales });
  };
}
