/**
 * The compose config (GraphQL Mesh compose-cli): three subgraphs over the same sandbox registries
 * the gateway reads. The registries' addresses are known only when the bench has started them, so
 * they come from BENCH_UPSTREAMS (JSON `{ population, land, business }`), and the population
 * sandbox's synthetic key from PEER_POPULATION_API_KEY; the OpenAPI descriptions carry no servers.
 *
 * Written as a province would: the registries' own names are kept (Mesh exposes each operation
 * under its operationId, each SOAP operation under `<ns>_<service>_<port>_<operation>`); reads
 * that the REST registries serve by POST are selected as queries, the documented way to do so.
 */
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig } from '@graphql-mesh/compose-cli'
import { loadOpenAPISubgraph } from '@omnigraph/openapi'
import { loadSOAPSubgraph } from './soap-subgraph.js'

const here = dirname(fileURLToPath(import.meta.url))

export interface Upstreams {
  population: string
  land: string
  business: string
}

function upstreamsFromEnv(): Upstreams {
  const parsed = JSON.parse(process.env.BENCH_UPSTREAMS ?? 'null') as Partial<Upstreams> | null
  if (!parsed?.population || !parsed.land || !parsed.business) throw new Error('BENCH_UPSTREAMS must be JSON { population, land, business }')
  return parsed as Upstreams
}

const upstreams = upstreamsFromEnv()
const populationApiKey = process.env.PEER_POPULATION_API_KEY
if (!populationApiKey) throw new Error('PEER_POPULATION_API_KEY is not set (the population sandbox refuses calls without X-API-Key)')

export const composeConfig = defineConfig({
  subgraphs: [
    {
      sourceHandler: loadOpenAPISubgraph('population', {
        source: join(here, 'openapi', 'population.yaml'),
        endpoint: upstreams.population,
        operationHeaders: { 'X-API-Key': populationApiKey },
        selectQueryOrMutationField: [
          { type: 'query', fieldName: 'xacThucCongDan' },
          { type: 'query', fieldName: 'traCuuLoCongDan' },
        ],
      }),
    },
    {
      sourceHandler: loadOpenAPISubgraph('business', {
        source: join(here, 'openapi', 'business.yaml'),
        endpoint: upstreams.business,
        selectQueryOrMutationField: [{ type: 'query', fieldName: 'chiTietNhieuDoanhNghiep' }],
      }),
    },
    // The land registry publishes its WSDL at ?wsdl, as an .asmx service does.
    { sourceHandler: loadSOAPSubgraph('land', { source: `${upstreams.land}/ws/DatDai.asmx?wsdl` }) },
  ],
})
