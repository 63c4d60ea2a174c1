import { BinaryBitmap, Code128Reader, DecodeHintType, HybridBinarizer, RGBLuminanceSource } from '@zxing/library';
import type { PNG } from 'pngjs';

/** A PNG's pixels, or a rectangle of them, as the luminance zxing reads (white where transparent). */
export function luminance(png: PNG, crop?: { x: number; y: number; w: number; h: number }): { data: Uint8ClampedArray; width: number; height: number } {
  const x0 = Math.max(0, Math.floor(crop?.x ?? 0));
  const y0 = Math.max(0, Math.floor(crop?.y ?? 0));
  const width = Math.min(png.width - x0, Math.floor(crop?.w ?? png.width));
  const height = Math.min(png.height - y0, Math.floor(crop?.h ?? png.height));
  const data = new Uint8ClampedArray(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = ((y0 + y) * png.width + (x0 + x)) * 4;
      const a = (png.data[i + 3] ?? 255) / 255;
      const lum = 0.299 * (png.data[i] ?? 0) + 0.587 * (png.data[i + 1] ?? 0) + 0.114 * (png.data[i + 2] ?? 0);
      data[y * width + x] = Math.round(lum * a + 255 * (1 - a));
    }
  }
  return { data, width, height };
}

/**
 * Decodes a Code 128 / GS1-128 symbol. With GS1 assumed, zxing reports FNC1 in first position as the symbology
 * identifier `]C1` and later FNC1s as GS (0x1d), so a GS1-128 SSCC reads `]C100` + 18 digits.
 */
export function decodeCode128(png: PNG, crop?: { x: number; y: number; w: number; h: number }): string {
  const { data, width, height } = luminance(png, crop);
  const hints = new Map<DecodeHintType, unknown>([[DecodeHintType.TRY_HARDER, true], [DecodeHintType.ASSUME_GS1, true]]);
  return new Code128Reader().decode(new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(data, width, height))), hints).getText();
}

/** Share of dark pixels in a rectangle (0..1). */
export function darkShare(png: PNG, crop: { x: number; y: number; w: number; h: number }): number {
  const { data } = luminance(png, crop);
  let dark = 0;
  for (const v of data) if (v < 128) dark++;
  return data.length === 0 ? 0 : dark / data.length;
}
