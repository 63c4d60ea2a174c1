import bwipjs from 'bwip-js';
import { PDFParse } from 'pdf-parse';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { sscc } from '../domain/gs1.ts';
import { decodeCode128, darkShare } from '../../../../test/support/barcodes.ts';
import { LABEL, ptToDots, type ShippingLabelData } from './layout.ts';
import { shippingLabelPdf, shippingLabelZpl, ssccBarcodePng, trackingBarcodePng } from './labels.ts';
import { manifestPdf, packingSlipPdf } from './sheets.ts';

const label: ShippingLabelData = {
  sscc: sscc({ extensionDigit: 3, companyPrefix: '4012345', serial: 4711 }),
  companyPrefixLength: 7,
  shipFrom: { name: 'PakLog DC North', line1: '1 Depot Road', city: 'Hamburg', postalCode: '20095', country: 'DE' },
  shipTo: { name: 'Jördis Müller', line1: '12 Rue de la Paix', line2: 'Bât. B ^XZ', city: 'Paris', postalCode: '75002', country: 'FR' },
  carrier: 'PARCELCO', service: 'EXPRESS', trackingNumber: 'PC1234567890FR',
  orderRef: 'ORD-1001', packageNo: 1, packageCount: 2, weightG: 1840, shipDate: '2026-12-01',
};

async function pdfPage(pdf: Uint8Array, scale: number): Promise<{ text: string; png: PNG }> {
  const parser = new PDFParse({ data: pdf.slice() });
  try {
    const text = (await parser.getText()).text;
    const shot = await parser.getScreenshot({ partial: [1], scale, imageBuffer: true });
    const page = shot.pages[0];
    if (page === undefined) throw new Error('no page rendered');
    return { text, png: PNG.sync.read(Buffer.from(page.data)) };
  } finally {
    await parser.destroy();
  }
}

describe('GS1-128 and Code 128 barcodes', () => {
  it('the SSCC PNG decodes back to AI (00) and its 18 digits', async () => {
    const png = PNG.sync.read(await ssccBarcodePng(label.sscc));
    expect(decodeCode128(png)).toBe(`]C100${label.sscc}`);
  });

  it('the tracking PNG decodes back to the tracking number', async () => {
    const png = PNG.sync.read(await trackingBarcodePng(label.trackingNumber));
    expect(decodeCode128(png)).toBe(label.trackingNumber);
  });

  it('decoding catches a different SSCC (the test can fail)', async () => {
    const other = sscc({ extensionDigit: 3, companyPrefix: '4012345', serial: 4712 });
    const png = PNG.sync.read(await ssccBarcodePng(other));
    expect(decodeCode128(png)).not.toBe(`]C100${label.sscc}`);
    // The same digits as plain Code 128 (no FNC1) are not GS1-128: the reader reports no ]C1.
    const plain = PNG.sync.read(await bwipjs.toBuffer({ bcid: 'code128', text: `00${label.sscc}`, scale: 3, height: 15 }));
    expect(decodeCode128(plain)).toBe(`00${label.sscc}`);
  });
});

describe('shipping label in ZPL II', () => {
  const zpl = shippingLabelZpl(label);

  it('is one 4x6 label at 203 dpi with the SSCC as GS1-128 (start C, FNC1, AI 00)', () => {
    expect(zpl.startsWith('^XA')).toBe(true);
    expect(zpl.endsWith('^XZ')).toBe(true);
    expect(zpl.match(/\^XA/g)).toHaveLength(1);
    expect(zpl).toContain(`^PW${ptToDots(288)}^LL${ptToDots(432)}`);
    expect(zpl).toContain(`^FD>;>800${label.sscc}^FS`);
    expect(zpl).toContain(`^FD${label.trackingNumber}^FS`);
    expect(zpl).toContain('^FD75002 Paris^FS');
    expect(zpl).toContain('^FDPARCELCO^FS');
  });

  it('escapes field data, so an address cannot end the label or inject a command', () => {
    expect(zpl).toContain('^FH^FDB_c3_a2t. B _5eXZ^FS');
    expect(zpl).not.toContain('B ^XZ');
  });

  // The ZPL label declares UTF-8 (^CI28) but printed every non-ASCII letter as "?": "J?rdis M?ller", "B?t. B", while
  // the PDF of the same label keeps Latin-1 accents.
  it('keeps Latin-1 accents as the PDF does (UTF-8 bytes through ^FH under ^CI28); control characters and other scripts print ?', () => {
    expect(zpl).toContain('^FH^FDJ_c3_b6rdis M_c3_bcller^FS');
    const odd = shippingLabelZpl({ ...label, shipTo: { ...label.shipTo, name: 'Ada\u0007 Lovelace 😀 Ł', line1: 'e\u0301te' } });
    expect(odd).toContain('^FH^FDAda? Lovelace ? ?^FS');
    expect(odd).toContain('^FH^FD_c3_a9te^FS');
  });

  it('places every field inside the label', () => {
    for (const m of zpl.matchAll(/\^FO(\d+),(\d+)/g)) {
      expect(Number(m[1])).toBeLessThan(ptToDots(LABEL.widthPt));
      expect(Number(m[2])).toBeLessThan(ptToDots(LABEL.heightPt));
    }
  });
});

describe('shipping label as PDF', () => {
  it("carries the addresses as text; rendered, its SSCC and tracking zones decode to their data, the address zone is inked", async () => {
    const scale = 4;
    const { text, png } = await pdfPage(await shippingLabelPdf(label), scale);
    expect(text).toContain('Jördis Müller');
    expect(text).toContain('12 Rue de la Paix');
    expect(text).toContain('75002 Paris');
    expect(text).toContain('PakLog DC North');
    expect(text).toContain('EXPRESS');
    expect(png.width).toBe(LABEL.widthPt * scale);
    const px = (z: { x: number; y: number; w: number; h: number }) => ({ x: z.x * scale, y: z.y * scale, w: z.w * scale, h: z.h * scale });
    expect(decodeCode128(png, px(LABEL.zones.sscc))).toBe(`]C100${label.sscc}`);
    expect(decodeCode128(png, px(LABEL.zones.tracking))).toBe(label.trackingNumber);
    expect(darkShare(png, px(LABEL.zones.shipTo))).toBeGreaterThan(0.01);
    // The layout's gap between the reference line and the SSCC rule is blank: the zones are where the layout says.
    expect(darkShare(png, px({ x: 12, y: 300, w: 264, h: 8 }))).toBe(0);
  });
});

describe('packing slip and manifest PDFs', () => {
  it('the packing slip lists the address and every package line', async () => {
    const pdf = await packingSlipPdf({
      orderRef: 'ORD-1001', shipFrom: label.shipFrom, shipTo: label.shipTo, shipDate: '2026-12-01',
      packages: [
        { packageNo: 1, sscc: label.sscc, cartonCode: 'M', weightG: 1200, lines: [{ sku: 'SKU-RED', quantity: 2 }, { sku: 'SKU-BLUE', quantity: 1 }] },
        { packageNo: 2, sscc: null, cartonCode: 'S', weightG: 640, lines: [{ sku: 'SKU-GREEN', quantity: 5 }] },
      ],
    });
    const { text } = await pdfPage(pdf, 1);
    for (const s of ['Packing slip', 'ORD-1001', '75002 Paris', label.sscc, 'SKU-RED', 'SKU-BLUE', 'SKU-GREEN', '2 of 2']) expect(text).toContain(s);
  });

  it('the manifest lists each shipment with totals', async () => {
    const pdf = await manifestPdf({
      manifestId: 'mnf_1', carrier: 'PARCELCO', siteId: 'sit_1', shipFrom: label.shipFrom, day: '2026-12-01', closedAt: '2026-12-01T17:00:00.000Z',
      shipments: [
        { shipmentId: 'shp_1', orderId: 'ord_1', service: 'EXPRESS', trackingNumber: 'PC1', packages: 2, weightG: 1840, shipTo: 'Paris FR' },
        { shipmentId: 'shp_2', orderId: 'ord_2', service: 'ECONOMY', trackingNumber: 'PC2', packages: 1, weightG: 500, shipTo: 'Lyon FR' },
      ],
    });
    const { text } = await pdfPage(pdf, 1);
    for (const s of ['Manifest mnf_1', 'PARCELCO', 'PC1', 'PC2', '2 shipments', '3 packages', '2.34 kg']) expect(text).toContain(s);
  });
});
