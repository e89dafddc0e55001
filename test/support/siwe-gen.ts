/**
 * Generators for the EIP-4361 differential test (test/siwe/differential.test.ts): valid field sets that reach every
 * optional term and the odd corners of RFC 3986 / RFC 3339, and mutations of their text. Everything is drawn from a
 * Prng, so a case is a pure function of (seed, index). Addresses come from ethers' getAddress, not from our own
 * EIP-55 code, so the generator does not share a bug with the parser under test.
 */
import { getAddress } from 'ethers';
import type { SiweMessage } from '../../src/siwe/eip4361.js';
import type { Prng } from './prng.js';

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGIT = '0123456789';
const ALPHA = LOWER + UPPER;
const ALNUM = ALPHA + DIGIT;
const HEX = '0123456789abcdefABCDEF';
const UNRESERVED = `${ALNUM}-._~`;
const SUB_DELIMS = "!$&'()*+,;=";
const GEN_DELIMS = ':/?#[]@';
/** EIP-4361 statement: RFC 3986 reserved and unreserved characters, and the space */
const STATEMENT = `${UNRESERVED}${SUB_DELIMS}${GEN_DELIMS} `;

const pad = (value: number, width: number) => String(value).padStart(width, '0');

function pct(rng: Prng): string {
  return `%${rng.chars(HEX, 2)}`;
}

/** `count` elements of `alphabet`, each replaced by a pct-encoded triplet with probability `pctRate`. */
function encoded(rng: Prng, alphabet: string, count: number, pctRate = 0.08): string {
  let out = '';
  for (let i = 0; i < count; i++) out += rng.chance(pctRate) ? pct(rng) : rng.chars(alphabet, 1);
  return out;
}

const PCHAR = `${UNRESERVED}${SUB_DELIMS}:@`;
const segment = (rng: Prng, min: number, max: number) => encoded(rng, PCHAR, rng.int(min, max));
const queryOrFragment = (rng: Prng) => encoded(rng, `${PCHAR}/?`, rng.int(0, 12));

// ----------------------------------------------------------------------------------------------------------------
// RFC 3986 pieces

export function scheme(rng: Prng): string {
  return rng.weighted([
    [6, () => rng.pick(['https', 'http', 'ipfs', 'urn', 'did', 'mailto', 'file', 'wss', 'a', 'A', 'web+app', 'coap+tcp', 'x-y.z', 'H2'])],
    [2, () => rng.chars(ALPHA, 1) + rng.chars(`${ALNUM}+-.`, rng.int(0, 8))],
  ]);
}

export function ipv4(rng: Prng): string {
  return Array.from({ length: 4 }, () =>
    String(
      rng.weighted([
        [3, () => rng.int(0, 255)],
        [1, () => rng.pick([0, 1, 9, 10, 99, 100, 199, 200, 249, 250, 255])],
      ]),
    ),
  ).join('.');
}

function h16(rng: Prng): string {
  return rng.chance(0.2) ? '0' : rng.chars(HEX, rng.int(1, 4));
}

/** IPv6address in any RFC 3986 form: full, "::"-compressed anywhere (one group or more), with an IPv4 tail. */
export function ipv6(rng: Prng): string {
  const withIPv4 = rng.chance(0.3);
  const groups = Array.from({ length: withIPv4 ? 6 : 8 }, () => h16(rng));
  const tail4 = withIPv4 ? ipv4(rng) : '';
  if (!rng.chance(0.7)) return groups.join(':') + (withIPv4 ? `:${tail4}` : '');
  const start = rng.int(0, groups.length - 1);
  const length = rng.int(1, groups.length - start);
  const head = groups.slice(0, start);
  const rest = groups.slice(start + length);
  let out = `${head.join(':')}::${rest.join(':')}`;
  if (withIPv4) out += (rest.length > 0 ? ':' : '') + tail4;
  return out;
}

function ipvFuture(rng: Prng): string {
  return `${rng.pick(['v', 'V'])}${rng.chars(HEX, rng.int(1, 3))}.${rng.chars(`${UNRESERVED}${SUB_DELIMS}:`, rng.int(1, 10))}`;
}

function dnsName(rng: Prng): string {
  const label = () => rng.chars(LOWER + DIGIT, 1) + rng.chars(`${LOWER}${DIGIT}-`, rng.int(0, 8)) + rng.chars(LOWER + DIGIT, 1);
  const name = Array.from({ length: rng.int(1, 4) }, label).join('.');
  return rng.chance(0.1) ? name.toUpperCase() : name;
}

/** host = IP-literal / IPv4address / reg-name; empty only when `allowEmpty` (RFC 3986 allows it). */
export function host(rng: Prng, allowEmpty: boolean): string {
  return rng.weighted([
    [6, dnsName.bind(null, rng)],
    [2, () => rng.pick(['localhost', 'service.org', 'id.example.com', 'example.com.', 'xn--bcher-kva.example'])],
    [2, () => ipv4(rng)],
    [3, () => `[${ipv6(rng)}]`],
    [1, () => `[${ipvFuture(rng)}]`],
    // reg-names that merely look like addresses, and any reg-name character, pct-encoded triplets included
    [1, () => rng.pick(['1.2.3.256', '01.02.03.004', '1.2.3', '1.2.3.4.5', '0x7f.1'])],
    [2, () => encoded(rng, `${UNRESERVED}${SUB_DELIMS}`, rng.int(1, 12), 0.15)],
    [allowEmpty ? 1 : 0, () => ''],
  ]);
}

/** authority = [ userinfo "@" ] host [ ":" port ] */
export function authority(rng: Prng, allowEmptyHost: boolean): string {
  let out = '';
  if (rng.chance(0.2)) out += `${encoded(rng, `${UNRESERVED}${SUB_DELIMS}:`, rng.int(0, 10))}@`;
  out += host(rng, allowEmptyHost);
  if (rng.chance(0.3))
    out += `:${rng.weighted([
      [4, () => String(rng.int(1, 65535))],
      [1, () => rng.chars(DIGIT, rng.int(0, 6))],
    ])}`;
  return out;
}

const NOTABLE_URIS = [
  'https://service.org/login',
  'https://service.org',
  'http://localhost:3030/login',
  'urn:ietf:rfc:3986',
  'urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6',
  'did:pkh:eip155:1:0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2',
  'ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/',
  'mailto:user@example.com',
  'file:///etc/hosts',
  'a:',
  'a:/',
  'x:?#',
  'h://@:/',
  'https://[::cafe]',
  'https://[v1.fe80::a+en1]/',
  'https://[::ffff:192.0.2.1]:443/a?b=c#d/e?f',
  'https://user:pw@host:8443/p;x=1/q?z=%2F#frag',
  'https://example.com/?',
  'https://example.com/#',
  'https://example.com//double//slash',
  "https://example.com/!$&'()*+,;=:@-._~",
  'tag:example.com,2024:x',
];

/** URI = scheme ":" hier-part [ "?" query ] [ "#" fragment ], every hier-part form. */
export function uri(rng: Prng): string {
  if (rng.chance(0.15)) return rng.pick(NOTABLE_URIS);
  let out = `${scheme(rng)}:`;
  out += rng.weighted([
    [6, () => `//${authority(rng, true)}${Array.from({ length: rng.int(0, 3) }, () => `/${segment(rng, 0, 8)}`).join('')}`],
    [
      1,
      () =>
        `/${rng.chance(0.6) ? segment(rng, 1, 8) + Array.from({ length: rng.int(0, 2) }, () => `/${segment(rng, 0, 6)}`).join('') : ''}`,
    ],
    [2, () => segment(rng, 1, 10) + Array.from({ length: rng.int(0, 2) }, () => `/${segment(rng, 0, 6)}`).join('')],
    [1, () => ''],
  ]);
  if (rng.chance(0.25)) out += `?${queryOrFragment(rng)}`;
  if (rng.chance(0.2)) out += `#${queryOrFragment(rng)}`;
  return out;
}

// ----------------------------------------------------------------------------------------------------------------
// RFC 3339

const isLeap = (year: number) => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
export const daysIn = (year: number, month: number) => (month === 2 ? (isLeap(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31);

/**
 * An RFC 3339 date-time: years 0000-9999 (mostly recent), month ends and 29 February, "T"/"t", "Z"/"z" or a numeric
 * offset, fractions of 1-9 digits, and now and then a leap second, placed at 23:59:60 UTC whatever the offset.
 */
export function dateTime(rng: Prng): string {
  const year = rng.weighted([
    [6, () => rng.int(1990, 2100)],
    [1, () => rng.int(0, 9999)],
    [1, () => rng.pick([0, 1, 99, 100, 1900, 1970, 2000, 2024, 9999])],
  ]);
  const month = rng.int(1, 12);
  const day = rng.chance(0.2) ? daysIn(year, month) : rng.int(1, daysIn(year, month));
  const offsetMinutes = rng.weighted([
    [5, () => 0],
    [3, () => rng.int(-(23 * 60 + 59), 23 * 60 + 59)],
    [1, () => rng.pick([60, -60, 330, 345, -570, 840, -720])],
  ]);
  const leap = rng.chance(0.05);
  let hour: number;
  let minute: number;
  let second: number;
  if (leap) {
    const local = (((23 * 60 + 59 + offsetMinutes) % 1440) + 1440) % 1440;
    hour = Math.floor(local / 60);
    minute = local % 60;
    second = 60;
  } else {
    hour = rng.int(0, 23);
    minute = rng.int(0, 59);
    second = rng.int(0, 59);
  }
  const fraction = rng.weighted([
    [3, () => ''],
    [2, () => '.000'],
    [2, () => `.${rng.chars(DIGIT, rng.int(1, 9))}`],
  ]);
  let zone: string;
  if (offsetMinutes === 0 && rng.chance(0.8)) {
    zone = rng.chance(0.9) ? 'Z' : 'z';
  } else {
    const sign = offsetMinutes < 0 || (offsetMinutes === 0 && rng.chance(0.5)) ? '-' : '+';
    const abs = Math.abs(offsetMinutes);
    zone = `${sign}${pad(Math.floor(abs / 60), 2)}:${pad(abs % 60, 2)}`;
  }
  const t = rng.chance(0.95) ? 'T' : 't';
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}${t}${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}${fraction}${zone}`;
}

// ----------------------------------------------------------------------------------------------------------------
// terms and messages

export function address(rng: Prng): string {
  const hex = rng.weighted([
    [12, () => rng.chars('0123456789abcdef', 40)],
    [1, () => rng.chars(DIGIT, 40)], // no letters: lowercase, uppercase and EIP-55 forms coincide
    [1, () => rng.chars('abcdef', 40)],
    [1, () => rng.pick(['0'.repeat(40), 'f'.repeat(40), 'c02aaa39b223fe8d0a0e5c4f27ead9083c756cc2'])],
  ]);
  return getAddress(`0x${hex}`);
}

const NOTABLE_STATEMENTS = [
  'I accept the ServiceOrg Terms of Service: https://service.org/tos',
  'Sign in to My App.',
  'URI: https://evil.example',
  'Resources:',
  '- https://evil.example',
  'Version: 1',
  ' leading and trailing spaces ',
  '   ',
  "#[]@!$&'()*+,;=:/?~._-",
];

export function statement(rng: Prng): string {
  return rng.weighted([
    [1, () => rng.pick(NOTABLE_STATEMENTS)],
    [4, () => rng.chars(STATEMENT, rng.int(1, 80))],
    [1, () => ''],
  ]);
}

export function chainId(rng: Prng): number {
  return rng.weighted([
    [4, () => rng.pick([1, 5, 10, 56, 100, 137, 8453, 42161, 11155111])],
    [2, () => rng.int(1, 2 ** 31)],
    [1, () => rng.int(1, 2 ** 21) * 2 ** 32 + rng.int(0, 2 ** 32 - 1)],
    [1, () => rng.pick([Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER - 1, 2 ** 32, 2 ** 32 - 1])],
  ]);
}

export function nonce(rng: Prng): string {
  return rng.chars(
    ALNUM,
    rng.weighted([
      [4, () => rng.int(8, 32)],
      [1, () => 8],
      [1, () => rng.int(33, 96)],
    ]),
  );
}

export function requestId(rng: Prng): string {
  return rng.chance(0.15) ? '' : segment(rng, 1, 40);
}

/** A valid field set; each optional term present or absent independently, empty where EIP-4361 allows it. */
export function fields(rng: Prng): SiweMessage {
  const out: SiweMessage = {
    domain: rng.chance(0.1)
      ? rng.pick([
          'service.org',
          'localhost:3000',
          'id.example.com',
          '127.0.0.1:8080',
          '[::1]:443',
          'user:pw@[2001:db8::7]:8443',
          'a:',
          'u@h:',
        ])
      : authority(rng, false),
    address: address(rng),
    uri: uri(rng),
    version: '1',
    chainId: chainId(rng),
    nonce: nonce(rng),
    issuedAt: dateTime(rng),
  };
  if (rng.chance(0.25)) out.scheme = scheme(rng);
  if (rng.chance(0.7)) out.statement = statement(rng);
  if (rng.chance(0.5)) out.expirationTime = dateTime(rng);
  if (rng.chance(0.4)) out.notBefore = dateTime(rng);
  if (rng.chance(0.35)) out.requestId = requestId(rng);
  if (rng.chance(0.6))
    out.resources = Array.from(
      {
        length: rng.weighted([
          [1, () => 0],
          [4, () => rng.int(1, 3)],
          [1, () => rng.int(4, 8)],
        ]),
      },
      () => uri(rng),
    );
  return out;
}

// ----------------------------------------------------------------------------------------------------------------
// mutations

/** Strings that break one term at a time, each at a boundary of the grammar or of the semantics. */
const BAD_TERMS = {
  chainId: [
    '0',
    '00',
    '01',
    '007',
    '9007199254740991',
    '9007199254740992',
    '9007199254740993',
    '18446744073709551616',
    '1'.repeat(30),
    '9'.repeat(400),
    '-1',
    '+1',
    '1.0',
    '1e3',
    '0x1',
    ' 1',
    '1 ',
    '',
    '\u0661',
    '1\u00a0',
  ],
  domain: [
    '',
    ':',
    ':80',
    '@',
    'user@',
    'user@:8080',
    '@:',
    'a@:1',
    '[::1.2.3.04]',
    '[::01.2.3.4]',
    '[::1..2.3]',
    '[::1.2.3.]',
    '[::.1.2.3]',
    '[::1.2.3.256]',
    '[::ffff:1.2.3.04]:443',
    '[1:2:3:4:5:6:001.2.3.4]',
    '[1:2:3:4:5:6:7:8:9]',
    '[1:2:3:4:5:6:7]',
    '[1::2::3]',
    '[1:2:3:4:5:6:7:8::]',
    '[::1:2:3:4:5:6:7:8]',
    '[1:2:3:4::5:6:7:8]',
    '[1:2:3:4:5:6::1.2.3.4]',
    '[1:2:3:4:5:6:7:1.2.3.4]',
    '[1:2:3:4:5:1.2.3.4]',
    '[::1.2.3.4:5]',
    '[:1::2]',
    '[1::2:]',
    '[:::]',
    '[::1]x',
    '[::1',
    '::1',
    '[]',
    '[v1.]',
    '[v.x]',
    '[v.xy]',
    '[12345::]',
    'a b',
    'ex%zzample.com',
    'ex%4',
    '\u00e9xample.com',
    'a@b@c',
    'host:8a',
    'host:-1',
    'a/b',
    'a?b',
    'a#b',
    'a%20b',
    'A_B~C',
  ],
  uri: [
    '',
    'service.org',
    '//service.org',
    ':x',
    '1a:b',
    'a',
    'https://a b',
    'https://a/%zz',
    'https://a/%4',
    'https://[::1',
    'https://host:8a/',
    'https://a/#b#c',
    'https://a/\u00e9',
    'https://a/\\',
    'https://a@b@c/',
    'https://[::01.2.3.4]/',
    'https://[::1.2.3.04]',
    'https://[::1..2.3]/',
    'https://user@:80/',
    'https://:80',
    'a:b c',
    'a:%',
    'https://a/"',
    'https://a/<x>',
    'https://a/{x}',
    'https://a/|',
    'https://a/^',
    'https://a/`',
  ],
  date: [
    '2021-02-29T00:00:00Z',
    '2100-02-29T00:00:00Z',
    '2000-02-29T00:00:00Z',
    '2021-04-31T00:00:00Z',
    '2021-13-01T00:00:00Z',
    '2021-00-10T00:00:00Z',
    '2021-01-00T00:00:00Z',
    '2021-01-01T24:00:00Z',
    '2021-01-01T00:60:00Z',
    '2021-01-01T00:00:61Z',
    '2021-01-01T12:00:60Z',
    '2016-12-31T23:59:60Z',
    '2016-12-31T23:59:60.5+01:00',
    '2017-01-01T00:59:60+01:00',
    '2016-12-31T22:59:60-01:00',
    '2021-01-01T00:00:00',
    '2021-01-01T00:00:00+24:00',
    '2021-01-01T00:00:00+23:60',
    '2021-01-01T00:00:00+0530',
    '2021-01-01 00:00:00Z',
    '2021-01-01T00:00:00.Z',
    '2021-01-01T00:00:00,5Z',
    '+02021-01-01T00:00:00Z',
    '21-01-01T00:00:00Z',
    '2021-1-01T00:00:00Z',
    '2021-01-01T00:00:00UTC',
    '2021-01-01T00:00:00ZZ',
    '2021-01-01t00:00:00z',
    '0000-02-29T00:00:00Z',
    '1900-02-29T00:00:00Z',
  ],
  nonce: ['1234567', '12345678', 'abcdefg_', 'abcd efgh', 'abcdefgh ', 'ABCDEFGHIJ-', '\u0430bcdefgh', ''],
  version: ['2', '01', '1.0', ' 1', '', 'v1'],
  statement: [
    '"quoted"',
    '100%',
    'tab\there',
    'caf\u00e9',
    '<b>',
    'a\\b',
    '{x}',
    'a|b',
    'a^b',
    'a`b',
    'two\nlines',
    'cr\rhere',
    'nul\0here',
  ],
  requestId: ['a/b', 'a?b', 'a#b', 'a b', '%zz', '%4', 'a%20b', ":@!$&'()*+,;=", '\u00e9'],
};

const CONTROL_AND_LOOKALIKES = [
  '\t',
  '\0',
  '\x0b',
  '\x0c',
  '\x7f',
  '\x1b',
  '\r',
  '\r\n',
  '\u0085',
  '\u00a0',
  '\u200b',
  '\u2028',
  '\u2029',
  '\ufeff',
  '\u0430' /* Cyrillic a */,
  '\u043e' /* Cyrillic o */,
  '\u0421' /* Cyrillic C */,
  '\uff58' /* fullwidth x */,
  '\u2215' /* division slash */,
  '\uff1a' /* fullwidth colon */,
  '\u0660' /* Arabic-Indic 0 */,
  '\ud83d\ude00',
  '\ud800' /* lone surrogate */,
];

function lineReplace(text: string, test: (line: string, index: number) => boolean, replace: (line: string) => string): string {
  const lines = text.split('\n');
  const index = lines.findIndex(test);
  if (index === -1) return text;
  lines[index] = replace(lines[index] as string);
  return lines.join('\n');
}

function replaceTag(text: string, tag: string, value: string): string {
  return lineReplace(
    text,
    (line, i) => i > 1 && line.startsWith(tag),
    () => tag + value,
  );
}

/** Sets one component of an RFC 3339 date-time (at its fixed offset) to a value at or just past its bound. */
function dateBoundary(rng: Prng, value: string): string {
  const m = /^(\d{4})-(\d\d)-(\d\d)([Tt])(\d\d):(\d\d):(\d\d)(\.\d+)?([Zz]|[+-]\d\d:\d\d)$/.exec(value);
  if (m === null) return value;
  const [, year, month, day, t, hour, minute, second, fraction = '', zone] = m as unknown as string[];
  const y = Number(year);
  const mo = Number(month);
  const set = (index: number, replacement: string) => {
    const parts = [year, '-', month, '-', day, t, hour, ':', minute, ':', second, fraction, zone] as string[];
    parts[index] = replacement;
    return parts.join('');
  };
  return rng.pick([
    () => set(2, pad(rng.pick([0, 12, 13, 99]), 2)),
    () => set(4, pad(rng.pick([0, 28, 29, 30, 31, 32, daysIn(y, mo), daysIn(y, mo) + 1]), 2)),
    () => set(2, '02').replace(/-02-\d\d/, `-02-${rng.pick(['28', '29', '30'])}`),
    () => set(6, pad(rng.pick([0, 23, 24, 25, 99]), 2)),
    () => set(8, pad(rng.pick([0, 59, 60, 61, 99]), 2)),
    () => set(10, pad(rng.pick([0, 59, 60, 61, 99]), 2)),
    () => set(12, `${rng.pick(['+', '-'])}${pad(rng.pick([0, 23, 24, 25]), 2)}:${pad(rng.pick([0, 59, 60]), 2)}`),
    () => set(11, rng.pick(['.', '.0', '.9999999999', ',5', '.5.5', ''])),
    () => set(0, rng.pick(['0000', '1900', '2000', '2100', '2400', '10000', '999'])),
  ])();
}

function dateVariant(rng: Prng, value: string): string {
  return rng.weighted([
    [2, () => rng.pick(BAD_TERMS.date)],
    [5, () => dateBoundary(rng, value)],
    // the same instant with its seconds set to 60: a leap second only when it lands at 23:59 UTC
    [2, () => `${value.slice(0, 17)}60${value.slice(19)}`],
    [1, () => value.replace(/[Tt]/, ' ')],
    [1, () => value.replace(/[Zz]$|[+-]\d\d:\d\d$/, '')],
    [1, () => value.toLowerCase()],
  ]);
}

type Mutation = (rng: Prng, text: string) => string;

const TAGS = ['URI: ', 'Version: ', 'Chain ID: ', 'Nonce: ', 'Issued At: ', 'Expiration Time: ', 'Not Before: ', 'Request ID: '];

/** Named mutations, so a failing case says how it was made. */
export const MUTATIONS: Record<string, Mutation> = {
  deleteLine(rng, text) {
    const lines = text.split('\n');
    lines.splice(rng.int(0, lines.length - 1), 1);
    return lines.join('\n');
  },
  duplicateLine(rng, text) {
    const lines = text.split('\n');
    const i = rng.int(0, lines.length - 1);
    lines.splice(i, 0, lines[i] as string);
    return lines.join('\n');
  },
  swapLines(rng, text) {
    const lines = text.split('\n');
    const i = rng.int(0, lines.length - 1);
    const j = rng.chance(0.6) ? Math.min(i + 1, lines.length - 1) : rng.int(0, lines.length - 1);
    [lines[i], lines[j]] = [lines[j] as string, lines[i] as string];
    return lines.join('\n');
  },
  insertLine(rng, text) {
    const lines = text.split('\n');
    const extra = rng.pick([
      '',
      ' ',
      'Foo: bar',
      'Resources:',
      '- https://a.example',
      'Request ID: x',
      'Expiration Time: 2100-01-01T00:00:00Z',
      'Not Before: 2000-01-01T00:00:00Z',
      'Issued At: 2021-09-30T16:25:24Z',
      'Version: 1',
      'Chain ID: 1',
      'URI: https://a.example',
      'statement',
    ]);
    lines.splice(rng.int(0, lines.length), 0, extra);
    return lines.join('\n');
  },
  trailingOrLeading(rng, text) {
    return rng.pick([
      `${text}\n`,
      `${text}\n\n`,
      `\n${text}`,
      ` ${text}`,
      `${text} `,
      `${text}\r\n`,
      text.replaceAll('\n', '\r\n'),
      text.replace('\n', '\r\n'),
      text.replaceAll('\n', '\n '),
    ]);
  },
  flipChar(rng, text) {
    const i = rng.int(0, text.length - 1);
    return text.slice(0, i) + String.fromCharCode(rng.int(0x20, 0x7e)) + text.slice(i + 1);
  },
  deleteChar(rng, text) {
    const i = rng.int(0, text.length - 1);
    return text.slice(0, i) + text.slice(i + 1);
  },
  duplicateChar(rng, text) {
    const i = rng.int(0, text.length - 1);
    return text.slice(0, i + 1) + text.slice(i);
  },
  insertControlOrLookalike(rng, text) {
    const i = rng.int(0, text.length);
    return text.slice(0, i) + rng.pick(CONTROL_AND_LOOKALIKES) + text.slice(i);
  },
  replaceWithLookalike(rng, text) {
    const targets = [...text.matchAll(/[aoCx:/0]/g)];
    if (targets.length === 0) return text;
    const i = rng.pick(targets).index;
    const char = text[i] as string;
    const lookalike = { a: '\u0430', o: '\u043e', C: '\u0421', x: '\uff58', ':': '\uff1a', '/': '\u2215', '0': '\u0660' }[char] ?? char;
    return text.slice(0, i) + lookalike + text.slice(i + 1);
  },
  addressCase(rng, text) {
    return lineReplace(
      text,
      (_, i) => i === 1,
      (line) =>
        rng.weighted([
          [3, () => line.toLowerCase()],
          [2, () => `0x${line.slice(2).toUpperCase()}`],
          [
            2,
            () => {
              const letters = [...line.slice(2).matchAll(/[a-fA-F]/g)];
              if (letters.length === 0) return line;
              const k = 2 + rng.pick(letters).index;
              const c = line[k] as string;
              return line.slice(0, k) + (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) + line.slice(k + 1);
            },
          ],
          [1, () => `0X${line.slice(2)}`],
          [1, () => line.slice(0, -1)],
          [1, () => `${line}0`],
          [1, () => `${line.slice(0, 5)}g${line.slice(6)}`],
        ]),
    );
  },
  /** any digit of the text: dates get hour 24-29, month 13, day 32, offset +25; ports, chain ids, octets change */
  flipDigit(rng, text) {
    const digits = [...text.matchAll(/\d/g)];
    if (digits.length === 0) return text;
    const i = rng.pick(digits).index;
    return text.slice(0, i) + rng.chars(DIGIT, 1) + text.slice(i + 1);
  },
  /** edits inside an IP literal: a group more or less, a second "::", an odd octet */
  ipLiteral(rng, text) {
    const literals = [...text.matchAll(/\[([^\]\n]*)\]/g)];
    if (literals.length === 0) return text.replace(/^[^\n ]*/, `[${rng.pick(['1:2:3:4:5:6:7:8', '::1', '::ffff:1.2.3.4', 'v1.x'])}]`);
    const literal = rng.pick(literals);
    const inner = literal[1] as string;
    const edited = rng.pick([
      () => `${inner}:${h16(rng)}`,
      () => `${h16(rng)}:${inner}`,
      () => inner.replace(/^[^:]*:/, ''),
      () => inner.replace(/:[^:]*$/, ''),
      () => `${inner}::`,
      () => `::${inner}`,
      () => inner.replace('::', ':'),
      () => inner.replace(/\d+(?=\.)|(?<=\.)\d+/, rng.pick(['0', '00', '01', '255', '256', '', '1.1'])),
      () => inner.replace(/[0-9a-fA-F]{1,4}/, (group) => `${group}${rng.chars(HEX, 1)}`),
      () => rng.pick(['v.x', 'v.xyz', 'v1.', 'vg.x', 'v1x', 'V1.:', 'v12.%41', 'v1.[']),
      () => {
        const k = rng.int(0, Math.max(0, inner.length - 1));
        return inner.slice(0, k) + inner.slice(k + 1);
      },
    ])();
    return text.slice(0, literal.index + 1) + edited + text.slice(literal.index + 1 + inner.length);
  },
  badChainId: (rng, text) => replaceTag(text, 'Chain ID: ', rng.pick(BAD_TERMS.chainId)),
  badNonce: (rng, text) => replaceTag(text, 'Nonce: ', rng.pick(BAD_TERMS.nonce)),
  badVersion: (rng, text) => replaceTag(text, 'Version: ', rng.pick(BAD_TERMS.version)),
  badUri: (rng, text) => replaceTag(text, 'URI: ', rng.pick(BAD_TERMS.uri)),
  badRequestId: (rng, text) =>
    text.includes('\nRequest ID: ')
      ? replaceTag(text, 'Request ID: ', rng.pick(BAD_TERMS.requestId))
      : text.replace(/\nResources:|$/, (m) => `\nRequest ID: ${rng.pick(BAD_TERMS.requestId)}${m}`),
  badResource(rng, text) {
    const bad = rng.pick([
      ...BAD_TERMS.uri.map((u) => `- ${u}`),
      '-https://a.example',
      '-  https://a.example',
      '- ',
      '-',
      'Resources: https://a.example',
      '* https://a.example',
    ]);
    return text.includes('\nResources:') ? `${text}\n${bad}` : `${text}\nResources:\n${bad}`;
  },
  badDate(rng, text) {
    const tag = rng.pick(['Issued At: ', 'Expiration Time: ', 'Not Before: ']);
    const lines = text.split('\n');
    const index = lines.findIndex((line, i) => i > 1 && line.startsWith(tag));
    if (index === -1) return replaceTag(text, 'Issued At: ', dateVariant(rng, '2021-09-30T16:25:24.000Z'));
    lines[index] = tag + dateVariant(rng, (lines[index] as string).slice(tag.length));
    return lines.join('\n');
  },
  badDomain(rng, text) {
    const newline = text.indexOf('\n');
    const header = newline === -1 ? text : text.slice(0, newline);
    const suffix = ' wants you to sign in with your Ethereum account:';
    if (!header.endsWith(suffix)) return text;
    const prefix = header.slice(0, -suffix.length);
    const separator = prefix.indexOf('://');
    const schemePart = separator === -1 ? '' : prefix.slice(0, separator + 3);
    const domain = rng.chance(0.8)
      ? rng.pick(BAD_TERMS.domain)
      : prefix.slice(schemePart.length) + rng.pick(['/', ' ', '%', '#', '?', ':x', '@', ']', '[']);
    return schemePart + domain + suffix + text.slice(header.length);
  },
  badScheme(rng, text) {
    return rng.pick([
      () => `https://${text}`,
      () => `1https://${text}`,
      () => `https:/${text}`,
      () => `://${text}`,
      () => `ht tp://${text}`,
      () => `h_t://${text}`,
      () => `https://https://${text}`,
    ])();
  },
  badStatement(rng, text) {
    const lines = text.split('\n');
    if (lines[3] !== '' && lines[4] === '') lines[3] = rng.pick(BAD_TERMS.statement);
    else lines.splice(3, 0, rng.pick(BAD_TERMS.statement), '');
    return lines.join('\n');
  },
  blankLines(rng, text) {
    return rng.pick([
      () => text.replace('\n\n', '\n'),
      () => text.replace('\n\n', '\n\n\n'),
      () => text.replace(/\n\nURI: /, '\nURI: '),
      () => text.replace(/\n\nURI: /, '\n\n\nURI: '),
      () => text.replace(/\n(?=[A-Z][A-Za-z ]+: )/, '\n\n'),
    ])();
  },
  dropTagSpace(rng, text) {
    const tag = rng.pick(TAGS);
    return text.replace(
      `\n${tag}`,
      `\n${rng.pick([tag.trimEnd(), tag.toLowerCase(), tag.replace(': ', ' : '), `${tag} `, tag.toUpperCase()])}`,
    );
  },
};

/** Term-level mutations reach the semantic bounds; give them more weight than blind character edits. */
const MUTATION_WEIGHTS: Record<string, number> = { badDate: 4, ipLiteral: 2, badChainId: 2, badDomain: 2, badUri: 2, flipDigit: 2 };
const MUTATION_CHOICES = Object.keys(MUTATIONS).map((name) => [MUTATION_WEIGHTS[name] ?? 1, () => name] as const);

/** One to three mutations of `text`; returns the text and the names of the mutations, in order. */
export function mutate(rng: Prng, text: string): { text: string; applied: string[] } {
  const applied: string[] = [];
  let out = text;
  const count = rng.weighted([
    [6, () => 1],
    [3, () => 2],
    [1, () => 3],
  ]);
  for (let i = 0; i < count; i++) {
    const name = rng.weighted(MUTATION_CHOICES);
    applied.push(name);
    out = (MUTATIONS[name] as Mutation)(rng, out);
  }
  return { text: out, applied };
}
