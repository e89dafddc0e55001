/**
 * The `groups` claim: the groups of the token gates an account met for one
 * client, when last evaluated (at the sign-in, at a later authorization on the
 * same session, at each refresh). Gates are the client's, so the groups are
 * kept per session and client (unlike sign-in-record.ts, per session): a
 * session that signed in to two gated applications has two sets of groups.
 * They live as long as the session can (SESSION_MAX_AGE); a refresh writes
 * them again. Released in the ID token and from userinfo, like the other
 * scope claims, for a client with gates only.
 */
import type { Context, Next } from 'koa';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { GROUPS_SCOPE } from '../oidc/claims.js';
import { completedLogin } from '../oidc/sign-in-record.js';
import { guarded } from '../storage/outage.js';
import type { Store } from '../storage/store.js';
import { tokenGatesOf } from './token-gates.js';

const groupsKey = (sessionUid: string, clientId: string) => `gates:groups:${sessionUid}:${clientId}`;

/** Groups evaluated during this very request (a refresh, an authorization on an existing session). */
const fresh = new WeakMap<object, string[]>();

/** The login result's extra field our interaction sets for a gated client (see login.ts). */
interface GatedLogin {
  groups?: string[];
}

export class GroupStore {
  constructor(
    readonly store: Store,
    /** Seconds: SESSION_MAX_AGE, the longest a session and its refresh tokens can live. */
    readonly lifetime: number,
  ) {}

  /** Keeps the groups of a new evaluation; failing closed on a store outage (503). */
  async keep(ctx: unknown, sessionUid: string | undefined, clientId: string, groups: string[]): Promise<void> {
    if (ctx) fresh.set(ctx, groups);
    if (sessionUid) await guarded(() => this.store.set(groupsKey(sessionUid, clientId), groups, this.lifetime * 1000));
  }

  async find(sessionUid: string, clientId: string): Promise<string[] | undefined> {
    return this.store.get<string[]>(groupsKey(sessionUid, clientId));
  }

  /**
   * Koa middleware around oidc-provider, for the routes that finish a sign-in (provider.ts mounts it there only):
   * after one that signed someone in to a gated client, keep its groups.
   */
  recordAtSignIn() {
    return async (ctx: Context, next: Next): Promise<void> => {
      await next();
      const oidc = (ctx as unknown as KoaContextWithOIDC).oidc;
      const groups = (completedLogin(ctx) as GatedLogin | undefined)?.groups;
      const session = oidc?.session;
      if (!Array.isArray(groups) || !session?.uid || !oidc?.client) return;
      await this.keep(undefined, session.uid, oidc.client.clientId, groups);
    };
  }

  /** The `groups` claim for a request under `scope` (empty when not asked for, or the client has no gates). */
  async claim(
    ctx: KoaContextWithOIDC | undefined,
    token: { sessionUid?: string; clientId?: string } | undefined,
    scope: string,
  ): Promise<{ groups?: string[] }> {
    const client = ctx?.oidc?.client;
    if (!client || !scope.split(' ').includes(GROUPS_SCOPE) || tokenGatesOf(client).length === 0) return {};
    const evaluated = fresh.get(ctx) ?? (completedLogin(ctx) as GatedLogin | undefined)?.groups;
    if (Array.isArray(evaluated)) return { groups: evaluated };
    const sessionUid = token?.sessionUid ?? (ctx.oidc as { session?: { uid?: string } }).session?.uid;
    const stored = sessionUid ? await this.find(sessionUid, token?.clientId ?? client.clientId) : undefined;
    return stored ? { groups: stored } : {};
  }
}
