/**
 * The address of a PakLog API as a person gives it to a client (`--url`, `PAKLOG_URL`, `PAKLOG_GATEWAY_URL`): the
 * server's address (`http://localhost:8080`) or the `API:` URL its start banner prints (`http://localhost:8080/api/v1`),
 * with or without a trailing slash. The clients add `/api/v1/…` themselves, so the latter's `/api/v1` is dropped: it
 * made every call `/api/v1/api/v1/…`, a 404 "No route" that named neither the mistake nor the setting.
 */
export function apiBase(url: string): string {
  return url.trim().replace(/\/+$/, '').replace(/\/api\/v1$/, '');
}
