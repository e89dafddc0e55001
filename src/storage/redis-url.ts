/**
 * What a Redis URL may reveal in messages: the URL without user name and
 * password, plus a scrubber that blanks those credentials out of any text
 * (e.g. an error message from the client). Throws TypeError if unparsable.
 */
export function describeRedisUrl(url: string): { safeUrl: string; scrub: (text: string) => string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // No cause: Node's ERR_INVALID_URL carries the whole input, credentials included.
    throw new TypeError('the redis url is not a valid URL');
  }
  const secrets = [parsed.password, parsed.username].filter((secret) => secret !== '').flatMap((secret) => [secret, safeDecode(secret)]);
  parsed.username = '';
  parsed.password = '';
  return {
    safeUrl: parsed.toString(),
    scrub: (text) => secrets.reduce((out, secret) => out.replaceAll(secret, '***'), text),
  };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
