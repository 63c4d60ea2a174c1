/** The console's address of an order's screen (`#/orders/ord_…`): every order id the console shows links to it. */
export const orderHref = (id: string): string => `#/orders/${encodeURIComponent(id)}`;

/** Where the console opens an order's screen from the address: `#/orders/ord_…` gives the order id. */
export const orderOf = (hash: string): string | undefined => {
  const m = /^#\/orders\/([^/?#]+)$/.exec(hash);
  return m === null ? undefined : decodeURIComponent(m[1]!);
};

/** An order id as a link to its screen (the id kept as the link's text, so it reads and copies as before). */
export function OrderLink({ id }: { id: string }) {
  return <a className="mono" href={orderHref(id)}>{id}</a>;
}

/** The console's address of an ASN's screen (`#/inbound/asn_…`). */
export const asnHref = (id: string): string => `#/inbound/${encodeURIComponent(id)}`;

/** `#/inbound/asn_…` gives the ASN id. */
export const asnOf = (hash: string): string | undefined => {
  const m = /^#\/inbound\/([^/?#]+)$/.exec(hash);
  return m === null ? undefined : decodeURIComponent(m[1]!);
};
