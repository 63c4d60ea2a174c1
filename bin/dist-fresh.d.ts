/** The project's root folder (the one holding src/ and dist/). */
export const root: string;
/** The PAKLOG_DIST_FRESH value that vouches for the build stamped at `stampMs`. */
export function freshToken(stampMs: number): string;
/** Whether `paklog` runs the compiled build (dist/bundle/) rather than the sources. */
export function distIsFresh(): boolean;
