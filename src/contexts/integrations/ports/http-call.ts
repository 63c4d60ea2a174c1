import { PartnerUnavailable, type OutboundMessage, type Partner } from './port.ts';

/**
 * POSTs one message to a partner's REST API: JSON body, `Authorization: Bearer <token>` when a token is set,
 * `Idempotency-Key` and `PakLog-Message-Type` headers. A 2xx answer is taken (its JSON, if any, is answered); anything
 * else — an error status, a redirect, a timeout, a refused connection — is PartnerUnavailable.
 */
export async function postMessage(
  partner: Partner, o: { url: string; token: string | undefined; timeoutMs: number }, message: OutboundMessage,
): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(o.url, {
      method: 'POST', redirect: 'manual', signal: AbortSignal.timeout(o.timeoutMs), body: JSON.stringify(message.document),
      headers: {
        accept: 'application/json', 'content-type': 'application/json', 'user-agent': 'PakLog-Partners/1',
        'idempotency-key': message.idempotencyKey, 'paklog-message-type': message.document.type, 'paklog-message-id': message.id,
        ...(o.token === undefined ? {} : { authorization: `Bearer ${o.token}` }),
      },
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    const why = cause ?? (e instanceof Error && e.name === 'TimeoutError' ? `no answer in ${o.timeoutMs} ms` : (e as Error).message);
    throw new PartnerUnavailable(partner, `POST ${o.url} failed: ${why}`);
  }
  const text = await res.text().catch(() => '');
  if (res.status < 200 || res.status >= 300) throw new PartnerUnavailable(partner, `POST ${o.url} answered ${res.status}${text === '' ? '' : `: ${text.slice(0, 200)}`}`);
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new PartnerUnavailable(partner, `POST ${o.url} answered ${res.status} with a body that is not JSON`);
  }
}
