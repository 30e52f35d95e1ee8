// The adapters (./pglite.node.ts, ./postgres.node.ts) are Node-only and imported by gateway/entry/* and gateway/cli/* alone.
export { pingWith, type Database, type DatabasePing, type Queryable } from './database.js'
export { migrate, migrations, type Migration } from './migrations.js'
