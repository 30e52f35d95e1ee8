/**
 * A described connector's files, read and checked into the plan the engine runs. Text in, plan
 * out (no fs: the Node entry reads the folder, a Workers build bundles the files). Every problem,
 * in the mapping or in the description, is refused here, at start, naming the file, the line and
 * the path: a connector that loads is one the engine can run.
 */
import type { CanonicalCatalog } from './canonical-catalog.js'
import { ConnectorFilesError, DescriptionError, MappingError, type SourceDescription } from './description.js'
import { type Mapping, mappingSchema } from './mapping-schema.js'
import { readOpenApi } from './openapi.js'
import { readWsdl } from './wsdl.js'
import { type ConnectorPlan, planConnector } from './plan.js'
import { readPlacedYaml, YamlSyntaxError } from './yaml-places.js'

export interface ConnectorFiles {
  /** The folder's name, which the mapping's `connector` must repeat. */
  folder: string
  mapping: { file: string; text: string }
  /** The file the mapping's `description` names, if the folder has it (else the mapping is refused). */
  readDescription(name: string): { file: string; text: string } | undefined
}

export function loadDescribedConnector(files: ConnectorFiles, catalog: CanonicalCatalog): ConnectorPlan {
  const { file } = files.mapping
  let placed: ReturnType<typeof readPlacedYaml>
  try {
    placed = readPlacedYaml(files.mapping.text)
  } catch (error) {
    if (error instanceof YamlSyntaxError) throw new ConnectorFilesError(files.folder, [new MappingError(file, [], error.problem, error.place)])
    throw error
  }
  const parsed = mappingSchema.safeParse(placed.value)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const path = issue.path.filter((step): step is string | number => typeof step !== 'symbol')
      // An unknown key is reported at that key, not at the object that holds it.
      const at = issue.code === 'unrecognized_keys' ? [...path, issue.keys[0]!] : path
      // A refused record key: zod says "Invalid key", the key's own check says why.
      const message = issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message
      return new MappingError(file, at, message, placed.nearestPlaceOf(at))
    })
    throw new ConnectorFilesError(files.folder, problems)
  }
  const mapping: Mapping = parsed.data
  if (mapping.connector !== files.folder) {
    throw new ConnectorFilesError(files.folder, [
      new MappingError(file, ['connector'], `must be the folder's name, ${files.folder}`, placed.placeOf(['connector'])),
    ])
  }
  const source = files.readDescription(mapping.description)
  if (!source) {
    throw new ConnectorFilesError(files.folder, [
      new MappingError(file, ['description'], `${mapping.description} is not in the folder`, placed.placeOf(['description'])),
    ])
  }
  let description: SourceDescription
  try {
    description = /\.wsdl$/i.test(mapping.description) ? readWsdl(source.text, source.file) : readOpenApi(source.text, source.file)
  } catch (error) {
    if (error instanceof DescriptionError) throw new ConnectorFilesError(files.folder, [error])
    throw error
  }
  const plan = planConnector(mapping, description, catalog)
  if (Array.isArray(plan)) {
    throw new ConnectorFilesError(
      files.folder,
      plan.map((problem) => new MappingError(file, problem.path, problem.problem, placed.nearestPlaceOf(problem.path))),
    )
  }
  return plan
}
