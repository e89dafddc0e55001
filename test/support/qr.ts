/** Reads a QR code from a screenshot, as a phone's camera would: pngjs decodes the PNG, jsQR finds and reads the code. */
import jsqr from 'jsqr';
import { PNG } from 'pngjs';

// A CommonJS module whose typings declare an ES default export: under Node's ESM the function is `.default` of it.
type Decode = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsQR = (jsqr as unknown as { default: Decode }).default;

export function readQr(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  const pixels = new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  return jsQR(pixels, image.width, image.height)?.data;
}
