import { isChecksumAddress, isHexAddress } from './address.js';
import { SiweError } from './siwe-error.js';
import { digits, parseRfc3339 } from './rfc3339.js';
import { isReservedOrUnreserved, isScheme, isSegment, isUri, parseAuthority } from './uri.js';

/** The terms of an EIP-4361 message. Timestamps are kept as the exact RFC 3339 strings of the message. */
export interface SiweMessage {
  scheme?: string;
  domain: string;
  address: string;
  statement?: string;
  uri: string;
  version: '1';
  chainId: number;
  nonce: string;
  issuedAt: string;
  expirationTime?: string;
  notBefore?: string;
  requestId?: string;
  resources?: string[];
}

const HEADER = ' wants you to sign in with your Ethereum account:';
const URI = 'URI: ';
const VERSION = 'Version: ';
const CHAIN_ID = 'Chain ID: ';
const NONCE = 'Nonce: ';
const ISSUED_AT = 'Issued At: ';
const EXPIRATION_TIME = 'Expiration Time: ';
const NOT_BEFORE = 'Not Before: ';
const REQUEST_ID = 'Request ID: ';
const RESOURCES = 'Resources:';
const RESOURCE = '- ';

const TAGS = [URI, VERSION, CHAIN_ID, NONCE, ISSUED_AT, EXPIRATION_TIME, NOT_BEFORE, REQUEST_ID, RESOURCES, RESOURCE];

function malformed(description: string): never {
  throw new SiweError('malformed_message', description);
}

// ---------------------------------------------------------------------------------------------------------------
// term rules, shared by the parser and the formatter; `label` says where the term came from

function checkScheme(value: string, label: string): void {
  if (!isScheme(value)) malformed(`${label} must be an RFC 3986 scheme (a letter, then letters, digits, "+", "-", ".")`);
}

function checkDomain(value: string, label: string): void {
  if (value === '') malformed(`${label} is missing`);
  const authority = parseAuthority(value);
  if (authority === undefined || authority.host === '') malformed(`${label} must be an RFC 3986 authority with a host`);
}

function checkAddress(value: string, label: string): void {
  if (!isHexAddress(value)) malformed(`${label} must be 0x followed by 40 hexadecimal digits`);
  if (!isChecksumAddress(value)) {
    throw new SiweError('invalid_address', `${label} is not in its EIP-55 mixed-case checksum form`);
  }
}

function checkStatement(value: string, label: string): void {
  if (!isReservedOrUnreserved(value, true)) {
    malformed(`${label} may only hold RFC 3986 reserved and unreserved characters and spaces, on one line`);
  }
}

function checkUri(value: string, label: string): void {
  if (!isUri(value)) malformed(`${label} must be an RFC 3986 URI`);
}

function checkNonce(value: string, label: string): void {
  if (value.length < 8) malformed(`${label} must be at least 8 characters`);
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    const alphanumeric = (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
    if (!alphanumeric) malformed(`${label} must be ASCII letters and digits only`);
  }
}

function checkDateTime(value: string, label: string): void {
  if (parseRfc3339(value) === undefined) malformed(`${label} must be an RFC 3339 date-time of a real calendar date`);
}

function checkRequestId(value: string, label: string): void {
  if (!isSegment(value)) malformed(`${label} may only hold RFC 3986 pchar characters`);
}

function parseChainId(value: string, label: string): number {
  const chainId = Number(value);
  if (value === '' || value.charCodeAt(0) === 0x30 || digits(value, 0, value.length) < 0 || !Number.isSafeInteger(chainId)) {
    malformed(`${label} must be a positive decimal integer without leading zeros`);
  }
  return chainId;
}

// ---------------------------------------------------------------------------------------------------------------
// parser

function describe(line: string | undefined): string {
  if (line === undefined) return 'the end of the message';
  if (line === '') return 'an empty line';
  const tag = TAGS.find((candidate) => line.startsWith(candidate));
  return tag === undefined ? 'unexpected text' : `"${tag.trim()}"`;
}

function take(lines: string[], index: number, tag: string): string {
  const line = lines[index];
  if (line === undefined || !line.startsWith(tag)) {
    malformed(`line ${index + 1}: expected "${tag.trim()}" but found ${describe(line)} (terms must come in EIP-4361 order)`);
  }
  return line.slice(tag.length);
}

/** Parses an EIP-4361 message strictly: the exact ABNF, LF line breaks, no trailing line break, EIP-55 address. */
export function parseSiweMessage(text: string): SiweMessage {
  if (typeof text !== 'string') malformed('message must be a string');
  if (text.includes('\r')) malformed('message must use LF line breaks only (found CR)');
  const lines = text.split('\n');

  const header = lines[0] as string;
  if (!header.endsWith(HEADER)) malformed(`line 1: must be "<domain>${HEADER}"`);
  let domain = header.slice(0, header.length - HEADER.length);
  let scheme: string | undefined;
  const separator = domain.indexOf('://');
  if (separator !== -1) {
    scheme = domain.slice(0, separator);
    checkScheme(scheme, 'line 1: scheme');
    domain = domain.slice(separator + 3);
  }
  checkDomain(domain, 'line 1: domain');

  const address = lines[1];
  if (address === undefined) malformed('line 2: expected the address but found the end of the message');
  checkAddress(address, 'line 2: address');
  if (lines[2] !== '') malformed(`line 3: expected an empty line but found ${describe(lines[2])}`);

  // with a statement: "", statement, "", "URI: …"; without: "", "", "URI: …"
  let n: number;
  let statement: string | undefined;
  if (lines[3] !== '' || lines[4] === '') {
    statement = lines[3] ?? malformed('line 4: expected the statement or an empty line but found the end of the message');
    checkStatement(statement, 'line 4: statement');
    if (lines[4] !== '') malformed(`line 5: expected an empty line after the statement (one line) but found ${describe(lines[4])}`);
    n = 5;
  } else {
    n = 4;
  }

  const uri = take(lines, n, URI);
  checkUri(uri, `line ${n + 1}: URI`);
  n++;
  if (take(lines, n, VERSION) !== '1') malformed(`line ${n + 1}: Version must be 1`);
  n++;
  const chainId = parseChainId(take(lines, n, CHAIN_ID), `line ${n + 1}: Chain ID`);
  n++;
  const nonce = take(lines, n, NONCE);
  checkNonce(nonce, `line ${n + 1}: Nonce`);
  n++;
  const issuedAt = take(lines, n, ISSUED_AT);
  checkDateTime(issuedAt, `line ${n + 1}: Issued At`);
  n++;

  const message: SiweMessage = { domain, address, uri, version: '1', chainId, nonce, issuedAt };
  if (scheme !== undefined) message.scheme = scheme;
  if (statement !== undefined) message.statement = statement;

  if (lines[n]?.startsWith(EXPIRATION_TIME)) {
    message.expirationTime = take(lines, n, EXPIRATION_TIME);
    checkDateTime(message.expirationTime, `line ${n + 1}: Expiration Time`);
    n++;
  }
  if (lines[n]?.startsWith(NOT_BEFORE)) {
    message.notBefore = take(lines, n, NOT_BEFORE);
    checkDateTime(message.notBefore, `line ${n + 1}: Not Before`);
    n++;
  }
  if (lines[n]?.startsWith(REQUEST_ID)) {
    message.requestId = take(lines, n, REQUEST_ID);
    checkRequestId(message.requestId, `line ${n + 1}: Request ID`);
    n++;
  }
  if (lines[n] === RESOURCES) {
    n++;
    const resources: string[] = [];
    for (; n < lines.length; n++) {
      const line = lines[n] as string;
      if (line === '' && n === lines.length - 1) malformed('message must not end with a line break');
      if (!line.startsWith(RESOURCE)) {
        malformed(`line ${n + 1}: expected a resource "- <URI>" but found ${describe(line)} (nothing may follow Resources)`);
      }
      const resource = line.slice(RESOURCE.length);
      checkUri(resource, `line ${n + 1}: resource`);
      resources.push(resource);
    }
    message.resources = resources;
  }

  if (n < lines.length) {
    if (n === lines.length - 1 && lines[n] === '') malformed('message must not end with a line break');
    malformed(`line ${n + 1}: unexpected ${describe(lines[n])} (terms must come once each, in EIP-4361 order)`);
  }
  return message;
}

// ---------------------------------------------------------------------------------------------------------------
// formatter

function required(value: unknown, name: string): string {
  if (typeof value !== 'string') malformed(`${name} is required and must be a string`);
  return value;
}

function optional(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') malformed(`${name} must be a string`);
  return value;
}

/**
 * Validates every term with the parser's rules (throwing the same errors) and returns the canonical EIP-4361 text.
 * Optional terms that are undefined or null are left out; `parseSiweMessage(formatSiweMessage(x))` deep-equals x.
 */
export function formatSiweMessage(fields: SiweMessage): string {
  if (typeof fields !== 'object' || fields === null) malformed('message fields must be an object');
  const scheme = optional(fields.scheme, 'scheme');
  if (scheme !== undefined) checkScheme(scheme, 'scheme');
  const domain = required(fields.domain, 'domain');
  checkDomain(domain, 'domain');
  const address = required(fields.address, 'address');
  checkAddress(address, 'address');
  const statement = optional(fields.statement, 'statement');
  if (statement !== undefined) checkStatement(statement, 'statement');
  const uri = required(fields.uri, 'uri');
  checkUri(uri, 'uri');
  if (fields.version !== '1') malformed('version must be "1"');
  const chainId: unknown = fields.chainId;
  if (typeof chainId !== 'number' || !Number.isSafeInteger(chainId) || chainId < 1) {
    malformed('chainId must be a positive safe integer');
  }
  const nonce = required(fields.nonce, 'nonce');
  checkNonce(nonce, 'nonce');
  const issuedAt = required(fields.issuedAt, 'issuedAt');
  checkDateTime(issuedAt, 'issuedAt');
  const expirationTime = optional(fields.expirationTime, 'expirationTime');
  if (expirationTime !== undefined) checkDateTime(expirationTime, 'expirationTime');
  const notBefore = optional(fields.notBefore, 'notBefore');
  if (notBefore !== undefined) checkDateTime(notBefore, 'notBefore');
  const requestId = optional(fields.requestId, 'requestId');
  if (requestId !== undefined) checkRequestId(requestId, 'requestId');
  const list: unknown = fields.resources;
  let resources: string[] | undefined;
  if (list !== undefined && list !== null) {
    if (!Array.isArray(list)) malformed('resources must be an array of URIs');
    const items: readonly unknown[] = list;
    resources = [];
    for (let i = 0; i < items.length; i++) {
      const resource = required(items[i], `resources[${i}]`);
      checkUri(resource, `resources[${i}]`);
      resources.push(resource);
    }
  }

  const lines = [`${scheme === undefined ? '' : `${scheme}://`}${domain}${HEADER}`, address, ''];
  if (statement !== undefined) lines.push(statement);
  lines.push('', URI + uri, `${VERSION}1`, CHAIN_ID + String(chainId), NONCE + nonce, ISSUED_AT + issuedAt);
  if (expirationTime !== undefined) lines.push(EXPIRATION_TIME + expirationTime);
  if (notBefore !== undefined) lines.push(NOT_BEFORE + notBefore);
  if (requestId !== undefined) lines.push(REQUEST_ID + requestId);
  if (resources !== undefined) lines.push(RESOURCES, ...resources.map((resource) => RESOURCE + resource));
  return lines.join('\n');
}
