/**
 * A QR code as an SVG image, made here: uqr encodes the text (byte mode,
 * error correction M), and the dark modules are drawn as one path, one
 * horizontal run of modules per segment, with the four-module quiet zone
 * scanners need. No request anywhere: the page shows it as a data: URI.
 */
import { encode } from 'uqr';

const QUIET_ZONE = 4;

function qrSvg(text: string): string {
  const { data, size } = encode(text, { ecc: 'M', border: 0 });
  const runs: string[] = [];
  for (let y = 0; y < size; y++) {
    const row = data[y]!;
    for (let x = 0; x < size; x++) {
      if (!row[x]) continue;
      const start = x;
      while (x + 1 < size && row[x + 1]) x++;
      runs.push(`M${start + QUIET_ZONE} ${y + QUIET_ZONE}h${x - start + 1}v1h-${x - start + 1}z`);
    }
  }
  const full = size + 2 * QUIET_ZONE;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${full} ${full}" shape-rendering="crispEdges">` +
    `<rect width="${full}" height="${full}" fill="#fff"/><path fill="#000" d="${runs.join('')}"/></svg>`
  );
}

/** The SVG as a data: URI for an <img> (the pages' CSP allows images from data:). */
export function qrDataUri(text: string): string {
  return `data:image/svg+xml;base64,${Buffer.from(qrSvg(text)).toString('base64')}`;
}
