import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { SiweError } from '../../src/siwe/siwe-error.js';
import type { SiweErrorCode } from '../../src/siwe/siwe-error.js';
import { formatSiweMessage, parseSiweMessage } from '../../src/siwe/eip4361.js';
import { parseRfc3339 } from '../../src/siwe/rfc3339.js';
import type { SiweMessage } from '../../src/siwe/eip4361.js';
import { isAuthority, isUri } from '../../src/siwe/uri.js';

const vectors = new URL('../fixtures/siwe-vectors/', import.meta.url);

function load<T>(name: string): Record<string, T> {
  return JSON.parse(readFileSync(new URL(name, vectors), 'utf8')) as Record<string, T>;
}

/** The vectors write an absent optional term as null; our objects leave it out. */
function withoutNulls(fields: Record<string, unknown>): SiweMessage {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null)) as unknown as SiweMessage;
}

function rejects(run: () => unknown, ...codes: SiweErrorCode[]): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof SiweError, `expected a SiweError, got ${String(error)}`);
    assert.ok(codes.includes(error.code), `unexpected code ${error.code}: ${error.message}`);
    return true;
  });
}

const base: SiweMessage = {
  domain: 'service.org',
  address: '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2',
  statement: 'I accept the ServiceOrg Terms of Service: https://service.org/tos',
  uri: 'https://service.org/login',
  version: '1',
  chainId: 1,
  nonce: '32891757',
  issuedAt: '2021-09-30T16:25:24.000Z',
};
const text = formatSiweMessage(base);

describe('EIP-4361 vectors', () => {
  describe('parsing_positive.json', () => {
    for (const [name, { message, fields }] of Object.entries(
      load<{ message: string; fields: Record<string, unknown> }>('parsing_positive.json'),
    )) {
      it(`parses: ${name}`, () => {
        assert.deepEqual(parseSiweMessage(message), withoutNulls(fields));
      });
      it(`formats: ${name}`, () => {
        assert.equal(formatSiweMessage(withoutNulls(fields)), message);
      });
    }
  });

  describe('parsing_negative.json', () => {
    for (const [name, message] of Object.entries(load<string>('parsing_negative.json'))) {
      it(`rejects: ${name}`, () => {
        rejects(() => parseSiweMessage(message), 'malformed_message', 'invalid_address');
      });
    }
  });

  describe('parsing_negative_objects.json', () => {
    for (const [name, fields] of Object.entries(load<Record<string, unknown>>('parsing_negative_objects.json'))) {
      it(`rejects: ${name}`, () => {
        rejects(() => formatSiweMessage(fields as unknown as SiweMessage), 'malformed_message', 'invalid_address');
      });
    }
  });
});

describe('parseSiweMessage', () => {
  it('round-trips every optional term', () => {
    const fields: SiweMessage = {
      ...base,
      scheme: 'https',
      domain: 'user:pw@[2001:db8::7]:8443',
      expirationTime: '2100-01-07T14:31:43.952Z',
      notBefore: '2021-09-30T16:25:24+05:30',
      requestId: 'some_id-%20~:@',
      resources: ['ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/', 'urn:example:a'],
    };
    assert.deepEqual(parseSiweMessage(formatSiweMessage(fields)), fields);
  });

  it('round-trips an empty Resources list, an empty request ID and an empty statement', () => {
    const fields: SiweMessage = { ...base, statement: '', requestId: '', resources: [] };
    const message = formatSiweMessage(fields);
    assert.match(message, /0x[0-9a-fA-F]{40}\n\n\n\nURI: /);
    assert.match(message, /\nRequest ID: \nResources:$/);
    assert.deepEqual(parseSiweMessage(message), fields);
  });

  it('rejects an all-lowercase address whose checksum form has capitals', () => {
    rejects(() => parseSiweMessage(text.replace(base.address, base.address.toLowerCase())), 'invalid_address');
  });

  it('rejects a trailing line break, CR line breaks and a leading blank', () => {
    rejects(() => parseSiweMessage(`${text}\n`), 'malformed_message');
    rejects(() => parseSiweMessage(text.replaceAll('\n', '\r\n')), 'malformed_message');
    rejects(() => parseSiweMessage(`\n${text}`), 'malformed_message');
    rejects(() => parseSiweMessage(` ${text}`), 'malformed_message');
  });

  it('rejects duplicated, unknown and trailing terms', () => {
    rejects(() => parseSiweMessage(`${text}\nIssued At: 2021-09-30T16:25:24Z`), 'malformed_message');
    rejects(
      () => parseSiweMessage(`${text}\nExpiration Time: 2100-01-01T00:00:00Z\nExpiration Time: 2100-01-01T00:00:00Z`),
      'malformed_message',
    );
    rejects(() => parseSiweMessage(`${text}\nFoo: bar`), 'malformed_message');
    rejects(() => parseSiweMessage(`${text}\nResources:\n- https://a.example\n`), 'malformed_message');
    rejects(() => parseSiweMessage(`${text}\nResources:\n- https://a.example\nRequest ID: x`), 'malformed_message');
  });

  it('rejects a statement on two lines or with characters outside RFC 3986', () => {
    rejects(() => parseSiweMessage(text.replace('Terms of Service:', 'Terms\nof Service:')), 'malformed_message');
    for (const bad of ['"quoted"', '100%', 'tab\there', 'café', '<b>', 'a\\b', '{x}', 'a|b', 'a^b', 'a`b']) {
      rejects(() => parseSiweMessage(text.replace(base.statement as string, bad)), 'malformed_message');
    }
  });

  it('rejects the no-statement form with the wrong number of blank lines', () => {
    const noStatement = formatSiweMessage({ ...base, statement: undefined });
    assert.ok(noStatement.includes('Cc2\n\n\nURI: '));
    rejects(() => parseSiweMessage(noStatement.replace('\n\n\nURI', '\n\nURI')), 'malformed_message');
    rejects(() => parseSiweMessage(text.replace('\n\nURI', '\nURI')), 'malformed_message');
  });

  it('checks each term', () => {
    const cases: Array<[string, string]> = [
      ['Version: 1', 'Version: 01'],
      ['Chain ID: 1', 'Chain ID: 0'],
      ['Chain ID: 1', 'Chain ID: 01'],
      ['Chain ID: 1', 'Chain ID: -1'],
      ['Chain ID: 1', 'Chain ID: 1.5'],
      ['Chain ID: 1', 'Chain ID: 9007199254740992'],
      ['Chain ID: 1', 'Chain ID: '],
      ['Nonce: 32891757', 'Nonce: 3289175_'],
      ['Nonce: 32891757', 'Nonce: 32891757 '],
      ['URI: https://service.org/login', 'URI: service.org/login'],
      ['URI: https://service.org/login', 'URI: https://service.org/log in'],
      ['URI: https://service.org/login', 'URI: https://[::cafe/login'],
      ['URI: https://service.org/login', 'URI: https://service.org/%zz'],
      ['Issued At: 2021-09-30T16:25:24.000Z', 'Issued At: 2021-02-29T16:25:24Z'],
      ['Issued At: 2021-09-30T16:25:24.000Z', 'Issued At: 2021-09-30 16:25:24Z'],
      ['Issued At: 2021-09-30T16:25:24.000Z', 'Issued At: 2021-09-30T16:25:24'],
      ['Issued At: 2021-09-30T16:25:24.000Z', 'Issued At: 2021-09-30T16:25:24.Z'],
      ['Issued At: 2021-09-30T16:25:24.000Z', 'Issued At: 2021-09-30T24:00:00Z'],
      ['Issued At: 2021-09-30T16:25:24.000Z', 'Issued At: 2021-09-30T16:25:24+0200'],
      ['service.org wants', 'service.org:x wants'],
      ['service.org wants', 'a@b@service.org wants'],
      ['service.org wants', '1https://service.org wants'],
      ['service.org wants', 'https:// wants'],
    ];
    for (const [from, to] of cases) {
      const message = text.replace(from, to);
      assert.notEqual(message, text, from);
      rejects(() => parseSiweMessage(message), 'malformed_message');
    }
  });

  it('reports the line and the term', () => {
    assert.throws(() => parseSiweMessage(text.replace('Version: 1\nChain ID: 1', 'Chain ID: 1\nVersion: 1')), {
      name: 'SiweError',
      message: /^line 7: expected "Version:" but found "Chain ID:"/,
    });
  });
});

describe('formatSiweMessage', () => {
  it('rejects terms that would break the layout', () => {
    const cases: Array<Partial<Record<keyof SiweMessage, unknown>>> = [
      { statement: 'two\nlines' },
      { uri: 'https://service.org/\nVersion: 1' },
      { requestId: 'a/b' },
      { resources: ['https://a.example', 'https://b.example\n- https://c.example'] },
      { resources: 'https://a.example' },
      { chainId: 0 },
      { chainId: 1.5 },
      { chainId: Number.MAX_SAFE_INTEGER + 1 },
      { chainId: '1' },
      { version: 1 },
      { scheme: '' },
      { scheme: 'https:' },
      { domain: '' },
      { issuedAt: '2021-09-31T00:00:00Z' },
    ];
    for (const change of cases) {
      rejects(() => formatSiweMessage({ ...base, ...change } as SiweMessage), 'malformed_message');
    }
  });
});

describe('parseRfc3339', () => {
  it('reads instants like Date.parse does for ordinary values', () => {
    for (const value of [
      '2021-09-30T16:25:24Z',
      '2021-09-30T16:25:24.000Z',
      '2021-09-30T16:25:24.5Z',
      '2021-09-30T16:25:24.123456789-02:00',
      '2024-02-29T23:59:59+14:00',
      '2021-09-30t16:25:24z',
      '1969-12-31T23:59:59.999Z',
    ]) {
      assert.equal(parseRfc3339(value), Date.parse(value), value);
    }
  });

  it('handles years below 100 and leap seconds', () => {
    assert.equal(parseRfc3339('0001-01-01T00:00:00Z'), -62135596800000);
    assert.equal(parseRfc3339('2016-12-31T23:59:60Z'), Date.parse('2017-01-01T00:00:00Z'));
    assert.equal(parseRfc3339('2016-12-31T18:59:60-05:00'), Date.parse('2017-01-01T00:00:00Z'));
    assert.equal(parseRfc3339('2016-12-31T12:00:60Z'), undefined);
  });

  it('rejects impossible dates and other formats', () => {
    for (const value of [
      '2022-02-31T17:09:38.578Z',
      '2023-02-29T00:00:00Z',
      '1900-02-29T00:00:00Z',
      '2021-13-01T00:00:00Z',
      '2021-00-01T00:00:00Z',
      '2021-01-00T00:00:00Z',
      '2021-01-01T00:60:00Z',
      '2021-01-01T00:00:00+24:00',
      '2021-01-01T00:00:00',
      '2021-01-01',
      '+002021-01-01T00:00:00Z',
      '2021-01-01T00:00:00ZZ',
      'Wed Oct 05 2011 16:48:00 GMT+0200 (CEST)',
    ]) {
      assert.equal(parseRfc3339(value), undefined, value);
    }
  });
});

describe('uri', () => {
  it('accepts RFC 3986 URIs', () => {
    for (const value of [
      'https://service.org/login',
      'https://[::cafe]',
      'https://[v1.fe80::a+en1]/',
      'https://[::ffff:192.0.2.1]:443/a?b=c#d/e?f',
      'http://localhost:3030/login',
      'ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/',
      'urn:ietf:rfc:3986',
      'mailto:user@example.com',
      'did:pkh:eip155:1:0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2',
      'file:///etc/hosts',
      'a:',
    ]) {
      assert.ok(isUri(value), value);
    }
  });

  it('rejects what RFC 3986 does not allow', () => {
    for (const value of [
      '',
      ':not_a_rfc3986_valid_uri_',
      '//service.org',
      '1http://x',
      'https://service.org/a b',
      'https://service.org/%4',
      'https://service.org/é',
      'https://[::cafe',
      'https://[1:2:3:4:5:6:7:8:9]/',
      'https://[1::2::3]/',
      'https://a@b@c/',
      'https://host:80a/',
      'https://service.org/#a#b',
    ]) {
      assert.equal(isUri(value), false, value);
    }
  });

  it('accepts and rejects authorities', () => {
    for (const value of ['service.org', '127.0.0.1:8080', 'test@127.0.0.1:8080', '[::cafe]', '[1:2:3:4:5:6:7:8]', '[::]', 'a:']) {
      assert.ok(isAuthority(value), value);
    }
    for (const value of ['#notrfc4501', 'a/b', '[::cafe]x', '[1.2.3.4::]', '[:::]', '[]', 'a b']) {
      assert.equal(isAuthority(value), false, value);
    }
  });
});
