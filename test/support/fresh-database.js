import { randomBytes } from 'node:crypto';
import pg from 'pg';
/** A fresh database on a PostgreSQL server (a server URL), dropped by `drop`: tests and benchmarks each get their own. */
export async function freshDatabase(serverUrl, prefix) {
    const name = `${prefix}_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return {
        url: url.toString(),
        drop: async () => {
            const c = new pg.Client({ connectionString: serverUrl });
            await c.connect();
            await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
            await c.end();
        },
    };
}
//# sourceMappingURL=fresh-database.js.map