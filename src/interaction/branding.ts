/**
 * How a client is presented on our pages: its name, its logo (served from our
 * origin, see web/client-logos.ts) or else a monogram, and its links.
 */
import { createHash } from 'node:crypto';
import type { ClientLogos } from '../web/client-logos.js';
import type { InteractionView } from './view-model.js';

export interface Branding {
  name: string;
  /** `/interaction/:uid/logo`, or null: show the monogram. */
  logo: string | null;
  /** One or two letters, and one of 8 colour tones picked by the client id. */
  monogram: { letters: string; tone: number };
  links: { text: 'website' | 'privacy' | 'terms'; href: string }[];
}

const webUrl = (value: string | undefined) => (value && /^https?:\/\//i.test(value) ? value : undefined);

function monogramOf(name: string, clientId: string): Branding['monogram'] {
  const words = name.split(/[\s\-_.]+/u).filter((word) => /^\p{L}|^\p{N}/u.test(word));
  const letters =
    words
      .slice(0, 2)
      .map((word) => [...word][0]!.toLocaleUpperCase())
      .join('') || '?';
  return { letters, tone: createHash('sha256').update(clientId).digest()[0]! % 8 };
}

export async function brandingFor(view: InteractionView, logos: ClientLogos): Promise<Branding> {
  const { client } = view;
  const logo = client.client_id && (await logos.get(client.client_id)) ? `/interaction/${encodeURIComponent(view.uid)}/logo` : null;
  return clientBranding(client, logo);
}

/** A client's name, links and monogram, with its logo's URL on our origin (or null: the monogram). */
export function clientBranding(client: InteractionView['client'], logo: string | null): Branding {
  const name = client.client_name || client.client_id || '';
  const links: Branding['links'] = [];
  for (const [text, href] of [
    ['website', client.client_uri],
    ['privacy', client.policy_uri],
    ['terms', client.tos_uri],
  ] as const) {
    const url = webUrl(href);
    if (url) links.push({ text, href: url });
  }
  return { name, logo, monogram: monogramOf(name, client.client_id ?? name), links };
}
