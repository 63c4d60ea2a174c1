import { Type } from '@fastify/type-provider-typebox';
import { IMPORT_KINDS } from '../../../contracts/integrations.ts';
import { requestMeta } from '../../../platform/bus/envelope.ts';
import { AppError, unwrap } from '../../../platform/errors.ts';
import { authorizeSite } from '../../../platform/http/auth.ts';
import { problems, type Tag } from '../../../platform/http/openapi.ts';
import { CAN } from '../../../platform/http/roles.ts';
import { Enum, SiteRef } from '../../../platform/http/schemas.ts';
import type { HttpApp } from '../../../platform/http/server.ts';
import { utf8BodyText } from '../../../platform/http/validation.ts';
import type { PlatformDeps } from '../../../platform/module.ts';
import { SUPPORTED_IMPORTS } from './columns.ts';
import type { ImportService } from './service.ts';

const tags: Tag[] = ['Integrations'];

export const EXAMPLE_PRODUCTS_CSV = [
  'sku,description,gtin,uom,lengthMm,widthMm,heightMm,weightG,lotControlled,expiryControlled',
  'CSV-MUG-1,"Imported mug, blue",,EA,120,90,100,350,false,false',
  'CSV-TEA-1,Imported tea,,EA,80,60,120,110,true,true',
].join('\n');

const RowErrorSchema = Type.Object({
  row: Type.Integer({ description: 'Line number in the file (the header is line 1)' }), column: Type.String(), message: Type.String(),
});
const ReportSchema = Type.Object({
  kind: Type.String(), dryRun: Type.Boolean(), partial: Type.Boolean(),
  rows: Type.Integer({ description: 'Data rows in the file' }),
  imported: Type.Integer({ description: 'Rows written' }),
  created: Type.Integer(), updated: Type.Integer(), unchanged: Type.Integer(),
  rejected: Type.Integer({ description: 'Rows with an error: none of their values was written' }),
  written: Type.Boolean(), errors: Type.Array(RowErrorSchema),
});

/** CSV import (ADR 0037): POST /imports/{kind}. */
export function importRoutes(deps: PlatformDeps, imports: ImportService): (app: HttpApp) => void {
  return (app) => {
    app.addContentTypeParser('text/csv', { parseAs: 'buffer' }, (req, body, done) => {
      try {
        done(null, utf8BodyText(req.headers['content-type'], body));
      } catch (e) {
        done(e as Error, undefined);
      }
    });
    app.post('/imports/:kind', {
      // Products are the network's (every site's catalog); locations, stock and orders are checked at their sites.
      config: { roles: CAN.masterData, idempotent: true, network: (req) => (req.params as { kind?: string }).kind === 'products' },
      // The body is a CSV file: another media type (JSON, which would parse and fail the schema as "/ must be string")
      // is refused for what it is, before anything reads it.
      preParsing: async (req, _reply, payload) => {
        const type = req.headers['content-type'];
        if (type !== undefined && !/^\s*text\/csv\s*(;|$)/i.test(type)) {
          throw new AppError('UNSUPPORTED_MEDIA_TYPE', `POST /imports/{kind} takes a CSV file as text/csv (UTF-8), not ${type.split(';')[0]?.trim() ?? type}`, {
            errors: [{ field: '/headers/content-type', message: 'must be text/csv' }],
          });
        }
        return payload;
      },
      schema: {
        operationId: 'importCsv', tags, summary: 'Import a CSV file (products, locations, stock, orders)',
        description: `The body is the file (text/csv, a header line naming the columns; see docs/integrations/csv.md). Every row is checked before anything `
          + 'is written. Products are upserted by SKU in one transaction; locations of the site `site` are created by code (a known code: unchanged, '
          + 'or its status changed) in one transaction; stock rows set the AVAILABLE on-hand of a SKU, location and lot to the counted `quantity` '
          + '(ADJUST movements of the difference, reason COUNT) in one transaction; orders (one row per line, grouped by externalId) go through the order intake. '
          + 'A file with any bad row imports nothing (422 IMPORT_ROWS_INVALID, each bad row in `errors`: /rows/<line>/<column>), unless `partial=true`, which '
          + 'imports the good rows (an order whole or not at all). `dryRun=true` writes nothing and answers what would happen, errors included (200). '
          + 'A caller of some sites only imports at its sites: a `site` or a row\'s siteId of another site is 403 FORBIDDEN_AT_SITE, nothing written. '
          + 'Products are every site\'s: a caller of some sites only may not import them (403 FORBIDDEN). '
          + `Supported kinds: ${SUPPORTED_IMPORTS.join(', ')}.`,
        consumes: ['text/csv'],
        params: Type.Object({ kind: { ...Enum(IMPORT_KINDS), examples: ['products'] } }, { additionalProperties: false }),
        querystring: Type.Object({
          dryRun: Type.Boolean({ default: false }), partial: Type.Boolean({ default: false }),
          site: Type.Optional(SiteRef),
        }, { additionalProperties: false }),
        body: Type.String({ minLength: 1, maxLength: 50_000_000, examples: [EXAMPLE_PRODUCTS_CSV] }),
        response: { 200: ReportSchema, ...problems('IMPORT_ROWS_INVALID', 'IMPORT_UNAVAILABLE', 'UNKNOWN_SITE', 'SITE_INACTIVE', 'UNPROCESSABLE') },
      },
    }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () => {
      const q = req.query;
      // The site guard reads siteId; an import names its sites in `site` and in its rows: each is checked before anything is written.
      const mayActAt = (siteId: string): void => { if (req.principal !== undefined) authorizeSite(req.principal, siteId, CAN.masterData); };
      const report = unwrap(await imports.importCsv(req.params.kind, req.body, { dryRun: q.dryRun, partial: q.partial, site: q.site, mayActAt }, requestMeta(req)));
      if (!report.dryRun && !report.written && report.errors.length > 0) {
        throw new AppError('IMPORT_ROWS_INVALID', `${report.rejected || report.errors.length} row(s) in error; nothing was imported`, {
          errors: report.errors.map((e) => ({ field: `/rows/${e.row}/${e.column}`, message: e.message })),
        });
      }
      return { ...report, errors: [...report.errors] };
    }));
  };
}
