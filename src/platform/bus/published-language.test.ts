import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { List, publishedLanguage } from './published-language.ts';

const Picked = 'demo.line.picked.v1';
const Shipped = 'demo.order.shipped.v1';
const language = publishedLanguage({
  [Picked]: Type.Object({ lineId: Type.String(), quantity: Type.Integer({ minimum: 1 }), lot: Type.Optional(Type.String()) }),
  [Shipped]: Type.Object({ orderId: Type.String(), lines: List(Type.Object({ sku: Type.String(), shipped: Type.Integer() })) }),
});

describe('the wire validator (published language `problems`)', () => {
  it('finds nothing wrong with a conforming payload, optional fields present or not', () => {
    expect(language.problems({ type: Picked, data: { lineId: 'pln_1', quantity: 2 } })).toEqual([]);
    expect(language.problems({ type: Picked, data: { lineId: 'pln_1', quantity: 2, lot: 'L7' } })).toEqual([]);
  });

  it('lets unknown fields through: consumers ignore what they do not know (ADR 0012)', () => {
    expect(language.problems({ type: Picked, data: { lineId: 'pln_1', quantity: 2, addedInAMinorVersion: true } })).toEqual([]);
  });

  it('names the type, the path and the message of each problem', () => {
    expect(language.problems({ type: Picked, data: { lineId: 'pln_1', quantity: 'two' } })).toEqual([`${Picked} /quantity must be integer`]);
    expect(language.problems({ type: Picked, data: { lineId: 'pln_1', quantity: 0 } })).toEqual([`${Picked} /quantity must be >= 1`]);
    expect(language.problems({ type: Picked, data: { quantity: 1 } })).toEqual([`${Picked} / must have required properties lineId`]);
  });

  it('points into arrays by index', () => {
    const problems = language.problems({ type: Shipped, data: { orderId: 'ord_1', lines: [{ sku: 'A', shipped: 1 }, { sku: 'B', shipped: 1.5 }, { shipped: 1 }] } });
    expect(problems).toEqual([`${Shipped} /lines/1/shipped must be integer`, `${Shipped} /lines/2 must have required properties sku`]);
  });

  it('refuses a payload that is not an object at all', () => {
    expect(language.problems({ type: Picked, data: null })).toEqual([`${Picked} / must be object`]);
    expect(language.problems({ type: Picked, data: 'pln_1' })).toEqual([`${Picked} / must be object`]);
  });

  it('counts a type the language does not declare as one problem', () => {
    expect(language.problems({ type: 'demo.line.teleported.v1', data: {} })).toEqual(['demo.line.teleported.v1 is not a published event type']);
    // Not an inherited property of the schema map either.
    expect(language.problems({ type: 'constructor', data: {} })).toEqual(['constructor is not a published event type']);
  });
});
