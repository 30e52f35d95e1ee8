/**
 * Composes the supergraph at start (the sandbox addresses exist only once the bench has started
 * them), with compose-cli's own `getComposedSchemaFromConfig` over mesh.config.ts: the same
 * result as `mesh-compose -o supergraph.graphql`, kept in memory instead of a file.
 */
import { getComposedSchemaFromConfig } from '@graphql-mesh/compose-cli'

type ComposeLogger = Parameters<typeof getComposedSchemaFromConfig>[1]

/** Warnings and errors to stderr (the parent shows them if start-up fails); the rest dropped. */
const logger: ComposeLogger = {
  name: 'compose',
  log: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (...args: unknown[]) => process.stderr.write(`compose warn: ${args.map(String).join(' ')}\n`),
  error: (...args: unknown[]) => process.stderr.write(`compose error: ${args.map(String).join(' ')}\n`),
  child: () => logger,
}

/** The supergraph SDL. Reads BENCH_UPSTREAMS and PEER_POPULATION_API_KEY (see mesh.config.ts). */
export async function composeSupergraph(): Promise<string> {
  // Imported here, not at the top: the config reads the environment when it loads.
  const { composeConfig } = await import('./mesh.config.js')
  return getComposedSchemaFromConfig(composeConfig, logger)
}
