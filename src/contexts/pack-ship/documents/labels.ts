import type bwipjs from 'bwip-js';
import type * as PdfLib from 'pdf-lib';
import { loadPackage } from '../../../platform/load-package.ts';
import { ssccHumanReadable } from '../domain/gs1.ts';
import { addressLines, LABEL, ptToDots, type LabelZone, type ShippingLabelData } from './layout.ts';

// The PDF and barcode renderers load with the first document asked for, not with every process: the flow itself only
// writes ZPL (ADR 0048).
export const pdfLib = (): typeof PdfLib => loadPackage<typeof PdfLib>('pdf-lib');
const barcodes = (): typeof bwipjs => loadPackage<typeof bwipjs>('bwip-js');

/** The data of the SSCC barcode in GS1 element-string form: AI (00) and the 18 digits. */
export const ssccElementString = (sscc: string): string => `(00)${sscc}`;

/**
 * ZPL field data: `^`, `~` and `\` go through `^FH` hex escapes so an address can never inject a command; Latin-1
 * letters keep their accents as the PDF's do (their UTF-8 bytes hex-escaped: the label declares `^CI28`), so a parcel
 * to Jördis Müller is not labelled "J?rdis M?ller"; anything else (control characters, other scripts) prints `?`.
 */
function zplText(text: string): string {
  return text.normalize('NFC').replace(/[^\x20-\x7e\xa0-\xff]/gu, '?')
    .replace(/[\\^~_\xa0-\xff]/g, (c) => [...Buffer.from(c, 'utf8')].map((b) => `_${b.toString(16).padStart(2, '0')}`).join(''));
}

const zone = (z: LabelZone) => LABEL.zones[z];
const fo = (xPt: number, yPt: number): string => `^FO${ptToDots(xPt)},${ptToDots(yPt)}`;

/**
 * The GS1-128 shipping label in ZPL II for a 4×6 inch, 203 dpi thermal printer. The SSCC barcode is Code 128 starting
 * in subset C with FNC1 (`>;>8`), then `00` and the 18 digits: a GS1-128 symbol with AI (00).
 */
export function shippingLabelZpl(d: ShippingLabelData): string {
  const text = (z: LabelZone, lines: readonly string[], sizePt: number, firstSizePt = sizePt): string[] => {
    const { x, y } = zone(z);
    let dy = 0;
    return lines.map((l, i) => {
      const size = i === 0 ? firstSizePt : sizePt;
      const cmd = `^CF0,${ptToDots(size)}${fo(x, y + dy)}^FH^FD${zplText(l)}^FS`;
      dy += size * 1.2;
      return cmd;
    });
  };
  const tracking = zone('tracking');
  const ssccZone = zone('sscc');
  return [
    '^XA',
    `^PW${ptToDots(LABEL.widthPt)}^LL${ptToDots(LABEL.heightPt)}^CI28`,
    ...text('shipFrom', ['FROM:', ...addressLines(d.shipFrom)], 8),
    ...text('carrier', [d.carrier, d.service, d.shipDate], 9, 12),
    `${fo(LABEL.marginPt, zone('shipTo').y - 4)}^GB${ptToDots(LABEL.widthPt - 2 * LABEL.marginPt)},3,3^FS`,
    ...text('shipTo', ['SHIP TO:', ...addressLines(d.shipTo)], 12, 9),
    `^BY2${fo(tracking.x, tracking.y)}^BCN,${ptToDots(60)},Y,N,N^FH^FD${zplText(d.trackingNumber)}^FS`,
    ...text('reference', [`Order ${d.orderRef}   Package ${d.packageNo} of ${d.packageCount}   ${(d.weightG / 1000).toFixed(2)} kg`], 9),
    `${fo(LABEL.marginPt, ssccZone.y - 4)}^GB${ptToDots(LABEL.widthPt - 2 * LABEL.marginPt)},3,3^FS`,
    `^BY3${fo(ssccZone.x, ssccZone.y + 4)}^BCN,${ptToDots(70)},N,N,N^FD>;>800${d.sscc}^FS`,
    `^CF0,${ptToDots(10)}${fo(ssccZone.x, ssccZone.y + 80)}^FD${ssccHumanReadable(d.sscc, d.companyPrefixLength)}^FS`,
    '^XZ',
  ].join('\n');
}

/** The SSCC as a GS1-128 PNG (human-readable text under the bars); also the `format=png` reprint. */
export async function ssccBarcodePng(sscc: string, scale = 3): Promise<Buffer> {
  return barcodes().toBuffer({ bcid: 'gs1-128', text: ssccElementString(sscc), scale, height: 18, includetext: true, textxalign: 'center' });
}

/** A Code 128 PNG of the tracking number. */
export async function trackingBarcodePng(trackingNumber: string, scale = 3): Promise<Buffer> {
  return barcodes().toBuffer({ bcid: 'code128', text: trackingNumber, scale, height: 15, includetext: true, textxalign: 'center' });
}

/** Text pdf-lib's standard fonts can encode (WinAnsi): accents kept where Latin-1 has them, anything else `?`. */
export function pdfSafe(text: string): string {
  return text.normalize('NFC').replace(/[^\x20-\x7e\xa0-\xff]/g, '?');
}

/** Draws lines top-down from a point given from the page's top; returns the y (from the top) below the last line. */
export function drawLines(page: PdfLib.PDFPage, font: PdfLib.PDFFont, lines: readonly string[], xPt: number, yTopPt: number, sizePt: number, firstSizePt = sizePt, bold?: PdfLib.PDFFont): number {
  const height = page.getHeight();
  let y = yTopPt;
  lines.forEach((l, i) => {
    const size = i === 0 ? firstSizePt : sizePt;
    y += size;
    page.drawText(pdfSafe(l), { x: xPt, y: height - y, size, font: i === 0 && bold !== undefined ? bold : font, color: pdfLib().rgb(0, 0, 0) });
    y += size * 0.2;
  });
  return y;
}

/** Places a PNG in a zone (from the top), scaled to fit its width and height, keeping its aspect ratio, left-aligned. */
async function drawPngInZone(doc: PdfLib.PDFDocument, page: PdfLib.PDFPage, png: Buffer, z: { x: number; y: number; w: number; h: number }): Promise<void> {
  const image = await doc.embedPng(png);
  const scale = Math.min(z.w / image.width, z.h / image.height);
  const w = image.width * scale;
  const h = image.height * scale;
  page.drawImage(image, { x: z.x, y: page.getHeight() - z.y - h, width: w, height: h });
}

/** The same label as a one-page 4×6 inch PDF (for laser printers and carriers that take PDF). */
export async function shippingLabelPdf(d: ShippingLabelData): Promise<Uint8Array> {
  const { PDFDocument, StandardFonts } = pdfLib();
  const doc = await PDFDocument.create();
  doc.setTitle(`Shipping label ${d.sscc}`);
  doc.setCreator('PakLog');
  const page = doc.addPage([LABEL.widthPt, LABEL.heightPt]);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const z = LABEL.zones;
  drawLines(page, font, ['FROM:', ...addressLines(d.shipFrom)], z.shipFrom.x, z.shipFrom.y, 7, 7, bold);
  drawLines(page, font, [d.carrier, d.service, d.shipDate], z.carrier.x, z.carrier.y, 8, 11, bold);
  const rule = (yTop: number): void => {
    page.drawLine({ start: { x: LABEL.marginPt, y: LABEL.heightPt - yTop }, end: { x: LABEL.widthPt - LABEL.marginPt, y: LABEL.heightPt - yTop }, thickness: 1.5 });
  };
  rule(z.shipTo.y - 4);
  drawLines(page, font, ['SHIP TO:', ...addressLines(d.shipTo)], z.shipTo.x, z.shipTo.y, 12, 8, bold);
  await drawPngInZone(doc, page, await trackingBarcodePng(d.trackingNumber), z.tracking);
  drawLines(page, font, [`Order ${d.orderRef}   Package ${d.packageNo} of ${d.packageCount}   ${(d.weightG / 1000).toFixed(2)} kg`], z.reference.x, z.reference.y, 9);
  rule(z.sscc.y - 4);
  await drawPngInZone(doc, page, await ssccBarcodePng(d.sscc), z.sscc);
  return doc.save();
}
