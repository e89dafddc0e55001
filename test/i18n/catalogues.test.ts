/**
 * Texts live in one place (src/i18n/): every catalogue has the keys and the
 * placeholders of the English one, ui_locales picks among those present, and
 * the page script gets its texts from the page, not from its own code.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import supertest from 'supertest';
import { CATALOGUES, fill, fromUiLocales, matchLocale } from '../../src/i18n/catalogues.js';
import { en } from '../../src/i18n/en.js';
import { FIRST_PARTY } from '../support/test-clients.js';
import { authorizeUrl, newAuthRequest, startInteraction } from '../support/flow.js';
import { startServer, type TestServer } from '../support/server.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe('texts and languages', () => {
  for (const [locale, catalogue] of Object.entries(CATALOGUES)) {
    it(`the "${locale}" catalogue has every English key, with the same placeholders, none empty`, () => {
      for (const [group, texts] of Object.entries(en)) {
        const translated = (catalogue as Record<string, Record<string, string>>)[group]!;
        assert.deepEqual(Object.keys(translated).sort(), Object.keys(texts).sort(), `${locale}.${group}`);
        for (const [key, text] of Object.entries(texts as Record<string, string>)) {
          assert.ok(translated[key]!.trim(), `${locale}.${group}.${key} is empty`);
          assert.deepEqual(placeholders(translated[key]!), placeholders(text), `${locale}.${group}.${key}`);
        }
      }
    });
  }

  it('matches ui_locales in order, by exact tag or primary language, else nothing', () => {
    assert.equal(matchLocale('DE'), 'de');
    assert.equal(matchLocale('de-AT'), 'de');
    assert.equal(matchLocale('fr'), undefined);
    assert.equal(fromUiLocales('fr-CA de-CH en'), 'de');
    assert.equal(fromUiLocales('fr nl'), undefined);
    assert.equal(fromUiLocales(undefined), undefined);
    assert.equal(fill('Sign in to {client}', { client: 'X' }), 'Sign in to X');
  });

  for (const name of ['wallet.js', 'login.js', 'sign.js', 'cross-device.js']) {
    it(`the page script ${name} has no prose of its own: every string literal is code, not a sentence`, async () => {
      const script = await readFile(new URL(`../../views/static/${name}`, import.meta.url), 'utf8');
      const code = script.replace(/^\s*\/\/.*$/gm, '');
      const literals = [...code.matchAll(/'([^'\n]*)'|"([^"\n]*)"|`([^`]*)`/g)].map((match) => match[1] ?? match[2] ?? match[3] ?? '');
      assert.ok(literals.length > 3);
      const prose = literals.filter((literal) => /\p{L}+ \p{L}+ \p{L}+/u.test(literal));
      assert.deepEqual(prose, []);
    });
  }

  describe('on the pages', () => {
    let server: TestServer;
    before(async () => {
      server = await startServer();
    });
    after(() => server.close());

    it('ui_locales=de gives the German page and embeds the German script texts', async () => {
      const agent = supertest.agent(server.issuer);
      const uid = await startInteraction(agent, authorizeUrl(newAuthRequest(FIRST_PARTY.client_id)).replace('?', '?ui_locales=de&'));
      const page = await agent.get(`/interaction/${uid}`).set('Accept', 'text/html').set('Accept-Language', 'en');
      assert.equal(page.headers['content-language'], 'de');
      assert.match(page.text, /<html lang="de">/);
      assert.match(page.text, /Bei First Party App anmelden/);
      const embedded = /<script type="application\/json" id="texts">(.*?)<\/script>/s.exec(page.text)?.[1];
      assert.deepEqual(JSON.parse(embedded ?? 'null'), CATALOGUES.de!.script);
    });

    it('without ui_locales, the error page follows Accept-Language', async () => {
      const page = await supertest(server.issuer)
        .get('/interaction/unknown')
        .set('Accept', 'text/html')
        .set('Accept-Language', 'de-CH, en;q=0.5');
      assert.equal(page.headers['content-language'], 'de');
      assert.match(page.text, /Etwas ist schiefgegangen/);
      assert.match(page.text, /Referenz: <code>[\w-]+<\/code>/);
    });
  });
});
