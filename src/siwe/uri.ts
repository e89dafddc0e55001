/**
 * Just enough of RFC 3986 (section 3 and appendix A) to validate the URI-shaped terms of an EIP-4361 message: a
 * scanner over character classes, no regular expressions, linear in the input length.
 */

const UNRESERVED = 1; // ALPHA / DIGIT / "-" / "." / "_" / "~"
const SUB_DELIMS = 2; // "!" / "$" / "&" / "'" / "(" / ")" / "*" / "+" / "," / ";" / "="
const COLON = 4;
const AT = 8;
const SLASH = 16;
const QUESTION = 32;
const HASH_OR_BRACKET = 64; // the remaining gen-delims: "#" / "[" / "]"
const SPACE = 128;

const classes = new Uint8Array(128);
function mark(chars: string, flag: number): void {
  for (let i = 0; i < chars.length; i++) classes[chars.charCodeAt(i)]! |= flag;
}
mark('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~', UNRESERVED);
mark("!$&'()*+,;=", SUB_DELIMS);
mark(':', COLON);
mark('@', AT);
mark('/', SLASH);
mark('?', QUESTION);
mark('#[]', HASH_OR_BRACKET);
mark(' ', SPACE);

const PCHAR = UNRESERVED | SUB_DELIMS | COLON | AT;
const PATH = PCHAR | SLASH;
const QUERY_OR_FRAGMENT = PATH | QUESTION;
const USERINFO = UNRESERVED | SUB_DELIMS | COLON;
const REG_NAME = UNRESERVED | SUB_DELIMS;
const RESERVED_OR_UNRESERVED = UNRESERVED | SUB_DELIMS | COLON | AT | SLASH | QUESTION | HASH_OR_BRACKET;

function isHexDigit(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isAlpha(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

/** Every character of s[from, to) is in `allowed`, or is part of a "%" HEXDIG HEXDIG triplet when `pct` is set. */
function scan(s: string, from: number, to: number, allowed: number, pct: boolean): boolean {
  for (let i = from; i < to; i++) {
    const code = s.charCodeAt(i);
    if (code === 0x25 && pct) {
      if (i + 2 >= to || !isHexDigit(s.charCodeAt(i + 1)) || !isHexDigit(s.charCodeAt(i + 2))) return false;
      i += 2;
    } else if (code >= 128 || (classes[code]! & allowed) === 0) {
      return false;
    }
  }
  return true;
}

/** scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
export function isScheme(s: string): boolean {
  if (s.length === 0 || !isAlpha(s.charCodeAt(0))) return false;
  for (let i = 1; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (!isAlpha(code) && !isDigit(code) && code !== 0x2b && code !== 0x2d && code !== 0x2e) return false;
  }
  return true;
}

/** segment = *pchar */
export function isSegment(s: string): boolean {
  return scan(s, 0, s.length, PCHAR, true);
}

/** Only RFC 3986 reserved and unreserved characters, plus the space when `allowSpace` is set (no "%", no controls). */
export function isReservedOrUnreserved(s: string, allowSpace = false): boolean {
  return scan(s, 0, s.length, allowSpace ? RESERVED_OR_UNRESERVED | SPACE : RESERVED_OR_UNRESERVED, false);
}

/** dec-octet "." dec-octet "." dec-octet "." dec-octet, without leading zeros */
function isIPv4(s: string): boolean {
  const parts = s.split('.');
  if (parts.length !== 4) return false;
  for (const part of parts) {
    if (part.length === 0 || part.length > 3 || (part.length > 1 && part.charCodeAt(0) === 0x30)) return false;
    for (let i = 0; i < part.length; i++) if (!isDigit(part.charCodeAt(i))) return false;
    if (Number(part) > 255) return false;
  }
  return true;
}

function isH16(s: string): boolean {
  if (s.length === 0 || s.length > 4) return false;
  for (let i = 0; i < s.length; i++) if (!isHexDigit(s.charCodeAt(i))) return false;
  return true;
}

/**
 * IPv6address: eight h16 groups separated by ":", the last two of which may be written as an IPv4address; a single
 * "::" stands for one or more zero groups.
 */
function isIPv6(s: string): boolean {
  const gap = s.indexOf('::');
  if (gap !== -1 && s.indexOf('::', gap + 1) !== -1) return false;
  const head = gap === -1 ? s : s.slice(0, gap);
  const tail = gap === -1 ? '' : s.slice(gap + 2);
  const groups = [...(head === '' ? [] : head.split(':')), ...(tail === '' ? [] : tail.split(':'))];
  if (gap === -1 && head === '') return false;
  let count = 0;
  for (let i = 0; i < groups.length; i++) {
    const group = groups[i] as string;
    const last = i === groups.length - 1 && (gap === -1 || tail !== '');
    if (last && group.includes('.')) {
      if (!isIPv4(group)) return false;
      count += 2;
    } else if (isH16(group)) {
      count += 1;
    } else {
      return false;
    }
  }
  return gap === -1 ? count === 8 : count <= 7;
}

/** IPvFuture = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" ) */
function isIPvFuture(s: string): boolean {
  if (s.length < 4 || (s.charCodeAt(0) | 0x20) !== 0x76) return false;
  const dot = s.indexOf('.');
  if (dot < 2 || dot === s.length - 1) return false;
  for (let i = 1; i < dot; i++) if (!isHexDigit(s.charCodeAt(i))) return false;
  return scan(s, dot + 1, s.length, UNRESERVED | SUB_DELIMS | COLON, false);
}

export interface Authority {
  userinfo?: string;
  /** IP-literal (with its brackets), IPv4address or reg-name; may be empty, as RFC 3986 allows */
  host: string;
  /** the digits after ":", possibly empty; absent when there is no ":" */
  port?: string;
}

/** authority = [ userinfo "@" ] host [ ":" port ]; undefined when `s` is not one. */
export function parseAuthority(s: string): Authority | undefined {
  let hostStart = 0;
  let userinfo: string | undefined;
  const at = s.indexOf('@');
  if (at !== -1) {
    if (!scan(s, 0, at, USERINFO, true)) return undefined;
    userinfo = s.slice(0, at);
    hostStart = at + 1;
  }
  let hostEnd: number;
  if (s.charCodeAt(hostStart) === 0x5b) {
    const close = s.indexOf(']', hostStart);
    if (close === -1) return undefined;
    const literal = s.slice(hostStart + 1, close);
    if (!isIPv6(literal) && !isIPvFuture(literal)) return undefined;
    hostEnd = close + 1;
    if (hostEnd !== s.length && s.charCodeAt(hostEnd) !== 0x3a) return undefined;
  } else {
    const colon = s.indexOf(':', hostStart);
    hostEnd = colon === -1 ? s.length : colon;
    // IPv4address is a subset of reg-name, so the reg-name rule covers both
    if (!scan(s, hostStart, hostEnd, REG_NAME, true)) return undefined;
  }
  const authority: Authority = { host: s.slice(hostStart, hostEnd) };
  if (userinfo !== undefined) authority.userinfo = userinfo;
  if (hostEnd < s.length) {
    for (let i = hostEnd + 1; i < s.length; i++) if (!isDigit(s.charCodeAt(i))) return undefined;
    authority.port = s.slice(hostEnd + 1);
  }
  return authority;
}

export function isAuthority(s: string): boolean {
  return parseAuthority(s) !== undefined;
}

/**
 * URI = scheme ":" hier-part [ "?" query ] [ "#" fragment ]
 * hier-part = "//" authority path-abempty / path-absolute / path-rootless / path-empty
 */
export function isUri(s: string): boolean {
  if (typeof s !== 'string') return false;
  const colon = s.indexOf(':');
  if (colon < 1 || !isScheme(s.slice(0, colon))) return false;
  let end = s.length;
  const hash = s.indexOf('#', colon);
  if (hash !== -1) {
    if (!scan(s, hash + 1, end, QUERY_OR_FRAGMENT, true)) return false;
    end = hash;
  }
  const question = s.indexOf('?', colon);
  if (question !== -1 && question < end) {
    if (!scan(s, question + 1, end, QUERY_OR_FRAGMENT, true)) return false;
    end = question;
  }
  let pathStart = colon + 1;
  if (s.startsWith('//', pathStart)) {
    const slash = s.indexOf('/', pathStart + 2);
    const authorityEnd = slash === -1 || slash > end ? end : slash;
    if (!isAuthority(s.slice(pathStart + 2, authorityEnd))) return false;
    pathStart = authorityEnd;
  }
  // path-abempty after an authority; otherwise path-absolute (never "//", taken above), path-rootless or path-empty
  return scan(s, pathStart, end, PATH, true);
}
