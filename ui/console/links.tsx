/** The console's address of an order's screen (`#/orders/ord_…`): every order id the console shows links to it. */
export const orderHref = (id: string): string => `#/orders/${encodeURIComponent(id)}`;

/** Where the console opens an order's screen from the address: `#/orders/ord_…` gives the order id. */
export const orderOf = (hash: string): string | undefined => {
  const m = /^#\/orders\/([^/?#]+)$/.exec(hash);
  return m === null ? undefined : decodeURIComponent(m[1]!);
};

/**
 * An order as a link to its screen. With `reference` (the client's order id, e.g. DEMO-1001, the one a manager knows)
 * that is the link's text and PakLog's id its target and title; without it, PakLog's id is the text.
 */
export function OrderLink({ id, reference }: { id: string; reference?: string | undefined }) {
  return reference === undefined ? <a className="mono" href={orderHref(id)}>{id}</a> : <a href={orderHref(id)} title={id}>{reference}</a>;
}

/** The console's address of an ASN's screen (`#/inbound/asn_…`). */
export const asnHref = (id: string): string => `#/inbound/${encodeURIComponent(id)}`;

/** `#/inbound/asn_…` gives the ASN id. */
export const asnOf = (hash: string): string | undefined => {
  const m = /^#\/inbound\/([^/?#]+)$/.exec(hash);
  return m === null ? undefined : decodeURIComponent(m[1]!);
};

/** The console's address of a putaway's screen (`#/inbound/put_…`, under Inbound: a PUTAWAY task's reference names one). */
export const putawayHref = (id: string): string => `#/inbound/${encodeURIComponent(id)}`;

/** A PUTAWAY task's work (its reference, put_…) as a link to the putaway's screen, where a manager may cancel it. */
export function PutawayLink({ id }: { id: string }) {
  return <a className="mono" href={putawayHref(id)}>{id}</a>;
}
