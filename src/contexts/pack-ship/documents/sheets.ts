import type { PDFDocument, PDFFont, PDFPage } from 'pdf-lib';
import type { Address } from '../domain/carrier.ts';
import { addressLines } from './layout.ts';
import { drawLines, pdfLib, pdfSafe } from './labels.ts';

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 48;

/** A table that flows onto new pages; returns the page and y (from the top) after it. */
function table(doc: PDFDocument, start: { page: PDFPage; y: number }, font: PDFFont, bold: PDFFont, columns: readonly { title: string; x: number }[], rows: readonly string[][]): { page: PDFPage; y: number } {
  let { page, y } = start;
  const size = 9;
  const header = (): void => {
    for (const c of columns) page.drawText(c.title, { x: c.x, y: page.getHeight() - y - size, size, font: bold });
    y += size * 1.8;
  };
  header();
  for (const row of rows) {
    if (y > page.getHeight() - MARGIN) {
      page = doc.addPage(A4);
      y = MARGIN;
      header();
    }
    row.forEach((cell, i) => {
      const c = columns[i];
      if (c !== undefined) page.drawText(pdfSafe(cell), { x: c.x, y: page.getHeight() - y - size, size, font });
    });
    y += size * 1.5;
  }
  return { page, y };
}

export interface PackingSlipData {
  readonly orderRef: string;
  readonly shipFrom: Address;
  readonly shipTo: Address | null;
  readonly shipDate: string;
  readonly packages: readonly { readonly packageNo: number; readonly sscc: string | null; readonly cartonCode: string; readonly weightG: number;
    readonly lines: readonly { readonly sku: string; readonly quantity: number }[] }[];
}

/** The packing slip that rides in the first carton: who sent what to whom, package by package (A4). */
export async function packingSlipPdf(d: PackingSlipData): Promise<Uint8Array> {
  const { PDFDocument, StandardFonts } = pdfLib();
  const doc = await PDFDocument.create();
  doc.setTitle(`Packing slip ${d.orderRef}`);
  doc.setCreator('PakLog');
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const page = doc.addPage(A4);
  drawLines(page, font, ['Packing slip', `Order ${d.orderRef}`, `Shipped ${d.shipDate}`], MARGIN, MARGIN, 10, 18, bold);
  drawLines(page, font, ['From', ...addressLines(d.shipFrom)], MARGIN, 120, 9, 10, bold);
  drawLines(page, font, ['Ship to', ...(d.shipTo === null ? ['(address held by the carrier)'] : addressLines(d.shipTo))], 320, 120, 9, 10, bold);
  const rows = d.packages.flatMap((p) => p.lines.map((l, i) => [
    i === 0 ? `${p.packageNo} of ${d.packages.length}` : '', i === 0 ? (p.sscc ?? '') : '', i === 0 ? p.cartonCode : '', l.sku, String(l.quantity),
  ]));
  table(doc, { page, y: 230 }, font, bold, [
    { title: 'Package', x: MARGIN }, { title: 'SSCC', x: 110 }, { title: 'Carton', x: 240 }, { title: 'SKU', x: 300 }, { title: 'Quantity', x: 480 },
  ], rows);
  return doc.save();
}

export interface ManifestData {
  readonly manifestId: string;
  readonly carrier: string;
  readonly siteId: string;
  readonly shipFrom: Address;
  readonly day: string;
  readonly closedAt: string;
  readonly shipments: readonly { readonly shipmentId: string; readonly orderId: string; readonly service: string; readonly trackingNumber: string;
    readonly packages: number; readonly weightG: number; readonly shipTo: string }[];
  /** Shipments voided after the manifest closed (their order cancelled before dispatch): not handed over. */
  readonly withdrawn?: readonly { readonly shipmentId: string; readonly orderId: string; readonly trackingNumber: string; readonly voidedAt: string }[];
}

/** The end-of-day manifest a driver signs: every shipment handed to the carrier that day, with totals (A4). */
export async function manifestPdf(d: ManifestData): Promise<Uint8Array> {
  const { PDFDocument, StandardFonts } = pdfLib();
  const doc = await PDFDocument.create();
  doc.setTitle(`Manifest ${d.manifestId}`);
  doc.setCreator('PakLog');
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const page = doc.addPage(A4);
  const packages = d.shipments.reduce((n, s) => n + s.packages, 0);
  const weight = d.shipments.reduce((n, s) => n + s.weightG, 0);
  drawLines(page, font, [`Manifest ${d.manifestId}`, `Carrier ${d.carrier}   Site ${d.siteId}   Day ${d.day}`, `Closed ${d.closedAt}`,
    `${d.shipments.length} shipments   ${packages} packages   ${(weight / 1000).toFixed(2)} kg`], MARGIN, MARGIN, 10, 16, bold);
  drawLines(page, font, ['Shipper', ...addressLines(d.shipFrom)], MARGIN, 130, 9, 10, bold);
  const end = table(doc, { page, y: 230 }, font, bold, [
    { title: 'Tracking', x: MARGIN }, { title: 'Order', x: 190 }, { title: 'Service', x: 290 }, { title: 'Pkgs', x: 360 }, { title: 'kg', x: 395 }, { title: 'Ship to', x: 435 },
  ], d.shipments.map((s) => [s.trackingNumber, s.orderId, s.service, String(s.packages), (s.weightG / 1000).toFixed(2), s.shipTo.slice(0, 28)]));
  // Shipments voided since the manifest closed (their order cancelled before dispatch) stay in the table as handed to the
  // carrier, and are named here: the driver does not take them.
  const withdrawn = d.withdrawn ?? [];
  const after = withdrawn.length === 0 ? end.y : drawLines(end.page, font, [
    `Withdrawn: ${withdrawn.length} shipment${withdrawn.length === 1 ? '' : 's'} cancelled after closing, NOT handed over (label voided)`,
    ...withdrawn.map((w) => `${w.trackingNumber}   order ${w.orderId}   voided ${w.voidedAt}`),
  ], MARGIN, end.y + 20, 9, 10, bold);
  drawLines(end.page, font, ['Driver signature: ______________________    Time: ________'], MARGIN, after + 30, 10);
  return doc.save();
}
