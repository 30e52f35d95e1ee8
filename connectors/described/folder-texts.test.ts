/**
 * A described folder given as texts (what the Workers build bundles, and what the disk reader
 * goes through): it loads as the disk reader loads it, names its files as an operator types
 * them, takes its description only from a file directly in the folder, and a build keeps only
 * the files loading it reads.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { typeDefs } from '../../schemas/index.js'
import { canonicalCatalog } from './canonical-catalog.js'
import { ConnectorFilesError } from './description.js'
import { folderTextsAsRead, loadFolderTexts, MAPPING_FILE, type FolderTexts } from './folder-texts.js'
import { readDescribedFolder } from './folders.node.js'

const root = join(import.meta.dirname, '..')
const folder = join(root, 'social-insurance')
const MAPPING = readFileSync(join(folder, MAPPING_FILE), 'utf8')
const OPENAPI = readFileSync(join(folder, 'openapi.yaml'), 'utf8')
const catalog = canonicalCatalog(typeDefs)

const texts = (files: Record<string, string>): FolderTexts => ({ folder: 'social-insurance', shownDir: 'connectors/social-insurance', files })

/** The first message a load gives, or null when it loads. */
function refusal(given: FolderTexts): string | null {
  try {
    loadFolderTexts(given, catalog)
    return null
  } catch (error) {
    if (error instanceof ConnectorFilesError) return error.problems.map((problem) => `${problem.file}: ${problem.message}`).join('\n')
    return error instanceof Error ? error.message : String(error)
  }
}

describe('a described folder as texts', () => {
  it('loads to the same plan as the folder read from disk', () => {
    const fromTexts = loadFolderTexts(texts({ [MAPPING_FILE]: MAPPING, 'openapi.yaml': OPENAPI }), catalog)
    // As data: the plans hold functions (compiled mappers), equal in what they were made from.
    const asData = (value: unknown) => JSON.parse(JSON.stringify(value))
    expect(asData(fromTexts)).toEqual(asData(readDescribedFolder(root, 'social-insurance', catalog)))
  })

  it.each([
    ['without its mapping', { 'openapi.yaml': OPENAPI }, 'connectors/social-insurance/mapping.yaml: missing'],
    [
      'without the description its mapping names',
      { [MAPPING_FILE]: MAPPING },
      'connectors/social-insurance/mapping.yaml:6:1: description: openapi.yaml is not in the folder',
    ],
    [
      'whose description is only in a subfolder',
      { [MAPPING_FILE]: MAPPING.replace('description: openapi.yaml', 'description: nested/openapi.yaml'), 'openapi.yaml': OPENAPI },
      'connectors/social-insurance/mapping.yaml:6:1: description: must be a .yaml, .yml, .json or .wsdl file in the same folder',
    ],
  ])('is refused %s, naming the file as an operator types it', (_, files, named) => {
    expect(refusal(texts(files))).toContain(named)
  })

  it('a build keeps only what loading reads: the mapping and its description, not notes or a local .env', () => {
    const kept = folderTextsAsRead(
      texts({ [MAPPING_FILE]: MAPPING, 'openapi.yaml': OPENAPI, 'README.md': '# notes', '.env': 'UPSTREAM_SOCIAL_INSURANCE_API_KEY=not-for-the-bundle' }),
      catalog,
    )
    expect(Object.keys(kept.files).sort()).toEqual([MAPPING_FILE, 'openapi.yaml'])
    expect(loadFolderTexts(kept, catalog).name).toBe('social-insurance')
  })
})
