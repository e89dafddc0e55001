/**
 * The desktop's side of a cross-device sign-in, under /interaction/:uid (so
 * each request carries the `_interaction` cookie, and loadInteraction refuses
 * any other browser):
 *
 *   POST /interaction/:uid/cross-device         the phone's link, its QR code and match code
 *   GET  /interaction/:uid/cross-device/events  an event stream: `proof` once the phone has signed
 *   POST /interaction/:uid/cross-device/finish  takes the proof and finishes the login → { redirectTo }
 *
 * The proof is taken (store.take) by the finishing request of the
 * interaction it was recorded for, so it finishes that interaction only,
 * and only once.
 */
import type { Context } from 'koa';
import { loadInteraction } from '../interaction/load.js';
import { respondRedirect } from '../interaction/respond.js';
import { Problem } from '../web/problem.js';
import { TOO_MANY_REQUESTS } from '../web/rate-limiter.js';
import type { CrossDeviceDeps } from './cross-device-deps.js';
import { handleFor, phoneLink, takeProof } from './handles.js';
import { refuseLogin } from '../gates/login-gates.js';
import { finishInteraction } from '../interaction/finish.js';
import { qrDataUri } from './qr-svg.js';

export function start({ provider, store, config }: CrossDeviceDeps) {
  return async (ctx: Context): Promise<void> => {
    const { interaction } = await loadInteraction(ctx, provider, 'login');
    const { handle, code } = await handleFor(store, interaction);
    const link = phoneLink(config.issuer, handle);
    ctx.body = { link, code, qr: qrDataUri(link), expiresAt: new Date(interaction.exp * 1000).toISOString() };
  };
}

export function events({ provider, waiting }: CrossDeviceDeps) {
  return async (ctx: Context): Promise<void> => {
    const { interaction } = await loadInteraction(ctx, provider, 'login');
    if (!waiting.admits(ctx)) {
      throw new Problem(TOO_MANY_REQUESTS, 'too many sign-in pages of your network are waiting for a phone on this server', 429);
    }
    await waiting.wait(ctx, interaction.uid, interaction.exp);
  };
}

export function finish({ provider, store }: CrossDeviceDeps) {
  return async (ctx: Context): Promise<void> => {
    const { interaction } = await loadInteraction(ctx, provider, 'login');
    const proof = await takeProof(store, interaction.uid);
    if (!proof)
      throw new Problem('no_proof', 'no phone has signed this sign-in (yet); scan the code with your phone wallet and sign there', 409);
    // The login event was written when the phone's signature verified (phone-routes.ts).
    if (proof.deniedBy?.length) await refuseLogin(interaction, proof.deniedBy);
    const redirectTo = await finishInteraction(interaction, { login: proof.login }, { mergeWithLastSubmission: false });
    respondRedirect(ctx, redirectTo);
  };
}
