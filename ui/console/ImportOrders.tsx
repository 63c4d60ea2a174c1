import { useState, type FormEvent } from 'react';
import { api, ApiError, isNetworkError, newKey, outcomeKnown, qs } from '../lib/api.ts';
import { counted } from '../lib/words.ts';
import type { Ctx } from './ctx.ts';

/** The report of POST /imports/orders (docs/integrations/csv.md): rows are the file's lines, created/unchanged its orders. */
interface Report {
  dryRun: boolean; rows: number; imported: number; created: number; unchanged: number; rejected: number; written: boolean;
  errors: { row: number; column: string; message: string }[];
}
interface RowError { line: string; column: string; message: string }
type Outcome = { ok: boolean; text: string; rows: RowError[] };

/** A 422's `errors` name each bad row as /rows/<line>/<column>. */
const rowOf = (e: { field: string; message: string }): RowError => {
  const m = /^\/rows\/(\d+)\/(.*)$/.exec(e.field);
  return m === null ? { line: '', column: e.field, message: e.message } : { line: m[1] ?? '', column: m[2] ?? '', message: e.message };
};

/** What the import did, in words: what was written (or, checking only, would be) and how many lines were refused. */
function said(r: Report): string {
  const orders = `${counted(r.created, 'new orders')}, ${counted(r.unchanged, 'orders')} already there unchanged`;
  if (r.dryRun) {
    return `Checked ${counted(r.rows, 'lines')}, nothing written: the import would give ${orders}; ${counted(r.rejected, 'lines')} in error.`;
  }
  if (!r.written) return `Nothing was imported: ${counted(r.rows, 'lines')}, ${counted(r.rejected, 'lines')} in error.`;
  return `Imported ${r.imported} of ${counted(r.rows, 'lines')}: ${orders}. ${r.rejected === 0 ? 'No line refused.' : `${counted(r.rejected, 'lines')} refused, not imported (below).`}`;
}

/**
 * "Import orders (CSV)": the file a manager has (a web shop's export, a spreadsheet) sent as it is to POST /imports/orders
 * at this site, with this tab's credential. The answer is said whole: what was created, and each refused line with its
 * number, column and PakLog's words (the intake's code starts them); a file with a bad line imports nothing unless
 * "good orders only" is ticked, and the form says which happened.
 */
export function ImportOrders({ ctx, onImported, onClose }: { ctx: Ctx; onImported: () => void; onClose: () => void }) {
  const [file, setFile] = useState<File | undefined>(undefined);
  const [dryRun, setDryRun] = useState(false);
  const [partial, setPartial] = useState(false);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | undefined>(undefined);
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (file === undefined) return;
    setBusy(true);
    setOutcome(undefined);
    try {
      // The file's bytes as they are: PakLog itself says when a file is not UTF-8 text, naming its line.
      const r = await api<Report>('POST', `/imports/orders${qs({ site: ctx.siteId, dryRun: dryRun ? 'true' : undefined, partial: partial ? 'true' : undefined })}`,
        // A file of many orders takes longer than a click's answer: 2 minutes before it says TIMEOUT.
        { csv: file, idempotencyKey: newKey(), timeoutMs: 120_000 });
      const rows = r.errors.map((x) => ({ line: String(x.row), column: x.column, message: x.message }));
      setOutcome({ ok: r.rejected === 0 && r.errors.length === 0, text: said(r), rows });
      if (r.written) onImported();
    } catch (err) {
      if (err instanceof ApiError && err.code === 'IMPORT_ROWS_INVALID') {
        setOutcome({ ok: false, text: `Nothing was imported (${err.code}): ${err.message}. Fix these lines, or tick "good orders only" to import the rest.`, rows: err.errors.map(rowOf) });
      } else if (err instanceof ApiError && (isNetworkError(err) || !outcomeKnown(err.status, err.code))) {
        // No answer: the file may have been imported. Pressed again, it goes with the same Idempotency-Key: done once.
        setOutcome({ ok: false, text: `${err.code}: ${err.message}. The file may or may not have been imported: press Import again to know (it is imported once).`, rows: [] });
      } else {
        setOutcome({ ok: false, text: err instanceof ApiError ? `Nothing was imported. ${err.code}: ${err.message}` : String(err), rows: err instanceof ApiError ? err.errors.map(rowOf) : [] });
      }
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="panel" aria-labelledby="import-orders">
      <h2 id="import-orders">Import orders (CSV)</h2>
      <p className="muted">
        One line per order line, a header line naming the columns: externalId, sku, quantity, shipToName, shipToLine1, shipToCity,
        shipToPostalCode, shipToCountry (and optionally carrier, priority, siteId…). Orders without a siteId go to {ctx.siteCode}.
      </p>
      <form onSubmit={(e) => void submit(e)}>
        <div className="filters">
          <label className="field inline">CSV file
            <input type="file" required accept=".csv,text/csv" onChange={(e) => { setFile(e.target.files?.[0]); setOutcome(undefined); }} />
          </label>
          <label className="check">
            <input type="checkbox" checked={dryRun} onChange={(e) => setDryRun(e.target.checked)} /> Check only (write nothing)
          </label>
          <label className="check">
            <input type="checkbox" checked={partial} onChange={(e) => setPartial(e.target.checked)} /> Good orders only (import them, list the bad lines)
          </label>
        </div>
        {outcome === undefined ? null : (
          <div role={outcome.ok ? 'status' : 'alert'} className={outcome.ok ? 'ok' : 'error'}>
            <p>{outcome.text}</p>
            {outcome.rows.length === 0 ? null : (
              <table>
                <caption>{counted(outcome.rows.length, 'refused lines')}</caption>
                <thead><tr><th scope="col">Line</th><th scope="col">Column</th><th scope="col">Why</th></tr></thead>
                <tbody>
                  {outcome.rows.map((r, i) => <tr key={i}><td>{r.line}</td><td className="mono">{r.column}</td><td>{r.message}</td></tr>)}
                </tbody>
              </table>
            )}
          </div>
        )}
        <p className="actions">
          <button type="submit" className="primary" disabled={busy || file === undefined}>{busy ? 'Importing…' : dryRun ? 'Check the file' : 'Import'}</button>
          <button type="button" onClick={onClose}>Close</button>
        </p>
      </form>
    </section>
  );
}
