// The CSV kinds and their columns, apart from the import service so that `paklog import` can refuse an unknown kind
// before it loads the app.

/** The columns of each kind: the required ones first. `paklog export` writes the same header. */
export const IMPORT_COLUMNS = {
  products: {
    required: ['sku', 'description', 'lengthMm', 'widthMm', 'heightMm', 'weightG'],
    optional: ['gtin', 'uom', 'lotControlled', 'expiryControlled'],
  },
  /** The columns `paklog export locations` writes; the site is the import's (--site, ?site=). */
  locations: {
    required: ['code', 'type', 'x', 'y'],
    optional: ['zone', 'aisle', 'bay', 'level', 'z', 'pickSequence', 'status'],
  },
  /** A counted AVAILABLE quantity per SKU, location (code) and lot: the balance is set to it (ADR 0040). */
  stock: {
    required: ['sku', 'location', 'quantity'],
    optional: ['siteId', 'ownerId', 'lot', 'expiresOn'],
  },
  orders: {
    required: ['externalId', 'sku', 'quantity', 'shipToName', 'shipToLine1', 'shipToCity', 'shipToPostalCode', 'shipToCountry'],
    optional: ['siteId', 'carrier', 'priority', 'shipToCompany', 'shipToLine2', 'shipToLine3', 'shipToState', 'shipToPhone', 'shipToEmail'],
  },
} as const;
export type SupportedImportKind = keyof typeof IMPORT_COLUMNS;
export const SUPPORTED_IMPORTS = Object.keys(IMPORT_COLUMNS) as SupportedImportKind[];
