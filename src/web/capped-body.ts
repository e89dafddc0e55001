/**
 * A fetched response's body, read up to a size: a body that declares more
 * (Content-Length) is not read at all, one that turns out larger is cut off
 * at the limit (chunked bodies declare nothing), so an outside server cannot
 * make us hold more than `maxBytes`. Used for client logos and ENS avatar metadata.
 */
export async function readCappedBody(response: Response, maxBytes: number, tooLarge: () => Error): Promise<Buffer> {
  const body = response.body;
  if (body === null) return Buffer.alloc(0);
  if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
    await body.cancel().catch(() => undefined);
    throw tooLarge();
  }
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks);
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
}
