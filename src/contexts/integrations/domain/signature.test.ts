import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signPakLog, verifyPakLogSignature, verifyShopifyHmac } from '../../../contracts/integrations.ts';

describe('webhook signatures', () => {
  const body = '{"id":"evt_1","type":"orders.order.shipped.v1"}';
  const now = new Date('2026-12-01T12:00:00Z');
  const t = Math.floor(now.getTime() / 1000);

  it('PakLog-Signature: HMAC-SHA256 of "<t>.<body>" in hex, checked with a timestamp tolerance', () => {
    const header = signPakLog('whsec_x', body, t);
    expect(header).toBe(`t=${t},v1=${createHmac('sha256', 'whsec_x').update(`${t}.${body}`).digest('hex')}`);
    expect(verifyPakLogSignature('whsec_x', header, body, 300, now)).toBe(true);
    expect(verifyPakLogSignature('whsec_y', header, body, 300, now)).toBe(false);
    expect(verifyPakLogSignature('whsec_x', header, `${body} `, 300, now)).toBe(false);
    expect(verifyPakLogSignature('whsec_x', header, body, 300, new Date(now.getTime() + 301_000))).toBe(false);
    expect(verifyPakLogSignature('whsec_x', signPakLog('whsec_x', body, t - 10), body, 300, now)).toBe(true);
    expect(verifyPakLogSignature('whsec_x', `t=${t},v1=${'0'.repeat(64)},${header.split(',')[1]!}`, body, 300, now)).toBe(true);
    expect(verifyPakLogSignature('whsec_x', undefined, body, 300, now)).toBe(false);
    expect(verifyPakLogSignature('whsec_x', 'garbage', body, 300, now)).toBe(false);
  });

  it('X-Shopify-Hmac-Sha256: base64 HMAC-SHA256 of the raw body', () => {
    const mac = createHmac('sha256', 'shpss').update(body).digest('base64');
    expect(verifyShopifyHmac('shpss', mac, body)).toBe(true);
    expect(verifyShopifyHmac('other', mac, body)).toBe(false);
    expect(verifyShopifyHmac('shpss', mac, `${body}x`)).toBe(false);
    expect(verifyShopifyHmac('shpss', undefined, body)).toBe(false);
  });
});
