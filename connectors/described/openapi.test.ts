import { readFileSync } from 'node:fs'
import { Validator } from '@seriousme/openapi-schema-validator'
import { Ajv } from 'ajv'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { DescriptionError } from './description.js'
import { readOpenApi, unsafePath } from './openapi.js'

const lines = (...text: string[]) => `${text.join('\n')}\n`

/** Lines 1–4 of most documents below, so expected line numbers can be counted from 5. */
const head = ['openapi: 3.0.3', 'info:', '  title: Test registry', "  version: '1.0'"]

const good = lines(
  ...head, // 1-4
  'security:', // 5
  '  - key: []', // 6
  '    bearer: []', // 7
  'paths:', // 8
  '  /people/{pin}:', // 9
  '    summary: one person', // 10
  '    x-owner: registry team', // 11
  '    parameters:', // 12
  '      - $ref: "#/components/parameters/Pin"', // 13
  '      - name: lang', // 14
  '        in: query', // 15
  '        schema: { type: string }', // 16
  '    get:', // 17
  '      operationId: getPerson', // 18
  '      parameters:', // 19
  '        - name: lang', // 20
  '          in: query', // 21
  '          required: true', // 22
  '          schema: { type: string, enum: [vi, en] }', // 23
  '          example: vi', // 24
  '        - name: Accept', // 25
  '          in: header', // 26
  '          schema: { type: string }', // 27
  '        - name: X-Trace', // 28
  '          in: header', // 29
  '          schema: { type: string }', // 30
  '      responses:', // 31
  "        '200':", // 32
  '          description: found', // 33
  '          content:', // 34
  '            application/json; charset=utf-8:', // 35
  '              schema:', // 36
  "                $ref: '#/components/schemas/Person'", // 37
  '              examples:', // 38
  '                alice:', // 39
  "                  $ref: '#/components/examples/Alice'", // 40
  '                bob:', // 41
  '                  value: { pin: "001190999002", name: BOB, $ref: not-a-ref }', // 42
  "        '404':", // 43
  "          $ref: '#/components/responses/NotFound'", // 44
  '        2XX:', // 45
  '          description: any success', // 46
  '        default:', // 47
  '          description: anything else', // 48
  '    delete:', // 49
  '      operationId: deletePerson', // 50
  '      responses:', // 51
  "        '204':", // 52
  '          description: gone', // 53
  "        '503':", // 54
  '          description: busy', // 55
  '          content:', // 56
  '            text/plain:', // 57
  '              schema: { type: string }', // 58
  '  /people/search:', // 59
  '    post:', // 60
  '      operationId: searchPeople', // 61
  '      requestBody:', // 62
  "        $ref: '#/components/requestBodies/Search'", // 63
  '      responses:', // 64
  '        200:', // 65
  '          description: found', // 66
  '          content:', // 67
  '            application/problem+json:', // 68
  '              schema:', // 69
  '                type: array', // 70
  "                items: { $ref: '#/components/schemas/Person' }", // 71
  '              example: []', // 72
  'components:', // 73
  '  securitySchemes:', // 74
  '    key: { type: apiKey, in: header, name: X-API-Key }', // 75
  '    bearer: { type: http, scheme: bearer }', // 76
  '    unused: { type: apiKey, in: query, name: key }', // 77
  '  parameters:', // 78
  '    Pin:', // 79
  '      name: pin', // 80
  '      in: path', // 81
  '      required: true', // 82
  "      schema: { $ref: '#/components/schemas/Pin' }", // 83
  '      examples:', // 84
  "        alice: { $ref: '#/components/examples/AlicePin' }", // 85
  "        bob: { value: '001190999002' }", // 86
  '  examples:', // 87
  "    AlicePin: { value: '001085999001' }", // 88
  '    Alice:', // 89
  '      summary: a person found', // 90
  "      value: { pin: '001085999001', name: ALICE }", // 91
  '  responses:', // 92
  '    NotFound:', // 93
  '      description: not found', // 94
  '      content:', // 95
  '        application/json:', // 96
  '          schema: { type: object, properties: { error: { type: string } } }', // 97
  '          example: { error: not found }', // 98
  '  requestBodies:', // 99
  '    Search:', // 100
  '      required: true', // 101
  '      content:', // 102
  '        text/plain: {}', // 103
  '        application/json:', // 104
  '          schema:', // 105
  '            type: object', // 106
  "            properties: { pins: { type: array, items: { $ref: '#/components/schemas/Pin' } } }", // 107
  '          examples:', // 108
  "            two: { value: { pins: ['001085999001', '001190999002'] } }", // 109
  '  schemas:', // 110
  "    Pin: { type: string, pattern: '^[0-9]{12}$' }", // 111
  '    Person:', // 112
  '      type: object', // 113
  '      required: [pin]', // 114
  '      properties:', // 115
  "        pin: { $ref: '#/components/schemas/Pin' }", // 116
  '        name: { type: string }', // 117
  "        friend: { $ref: '#/components/schemas/Friend' }", // 118
  '    Friend:', // 119
  '      type: object', // 120
  "      properties: { pin: { $ref: '#/components/schemas/Pin' } }", // 121
)

const pinSchema = { type: 'string', pattern: '^[0-9]{12}$' }
const personSchema = {
  type: 'object',
  required: ['pin'],
  properties: { pin: pinSchema, name: { type: 'string' }, friend: { type: 'object', properties: { pin: pinSchema } } },
}

describe('readOpenApi, a good document', () => {
  const description = readOpenApi(good, 'good.yaml')

  it('reads title, version, the header API keys of global security, and every operation in document order', () => {
    expect(description).toMatchObject({ kind: 'openapi', file: 'good.yaml', title: 'Test registry', version: '1.0' })
    // The bearer scheme is for the engine's configuration; the unused query key is never asked for.
    expect(description.apiKeys).toEqual([{ scheme: 'key', header: 'X-API-Key' }])
    expect([...description.operations.keys()]).toEqual(['getPerson', 'deletePerson', 'searchPeople'])
  })

  it('merges path-level parameters into each operation, the operation overriding by name and location', () => {
    const get = description.operations.get('getPerson')!
    expect(get).toMatchObject({ method: 'GET', path: '/people/{pin}', place: { line: 17, column: 5 } })
    expect(get.parameters).toEqual([
      { name: 'pin', in: 'path', required: true, schema: pinSchema, examples: { alice: '001085999001', bob: '001190999002' } },
      { name: 'lang', in: 'query', required: true, schema: { type: 'string', enum: ['vi', 'en'] }, examples: { default: 'vi' } },
      { name: 'X-Trace', in: 'header', required: false, schema: { type: 'string' }, examples: {} },
    ])
    const del = description.operations.get('deletePerson')!
    expect(del.parameters.map((p) => `${p.in} ${p.name} ${p.required}`)).toEqual(['path pin true', 'query lang false'])
  })

  it('inlines every local ref: schemas, parameters, responses, request bodies and examples', () => {
    const get = description.operations.get('getPerson')!
    expect(get.responses).toEqual([
      {
        status: 200,
        mediaType: 'application/json; charset=utf-8',
        schema: personSchema,
        examples: {
          alice: { pin: '001085999001', name: 'ALICE' },
          // An example's value is data: a `$ref` key in it is not followed.
          bob: { pin: '001190999002', name: 'BOB', $ref: 'not-a-ref' },
        },
      },
      {
        status: 404,
        mediaType: 'application/json',
        schema: { type: 'object', properties: { error: { type: 'string' } } },
        examples: { default: { error: 'not found' } },
      },
    ])
    const search = description.operations.get('searchPeople')!
    expect(search.requestBody).toEqual({
      mediaType: 'application/json',
      required: true,
      schema: { type: 'object', properties: { pins: { type: 'array', items: pinSchema } } },
      examples: { two: { pins: ['001085999001', '001190999002'] } },
    })
    expect(search.responses).toEqual([
      { status: 200, mediaType: 'application/problem+json', schema: { type: 'array', items: personSchema }, examples: { default: [] } },
    ])
    expect(JSON.stringify([...description.operations.values()])).not.toContain('"$ref":"#')
  })

  it('gives every inlining its own copy', () => {
    const person = description.operations.get('getPerson')!.responses[0]!.schema as any
    expect(person.properties.pin).toEqual(person.properties.friend.properties.pin)
    expect(person.properties.pin).not.toBe(person.properties.friend.properties.pin)
    const listed = description.operations.get('searchPeople')!.responses[0]!.schema as any
    expect(listed.items).not.toBe(person)
  })

  it('keeps answers without a JSON body with no schema, and skips default and range statuses', () => {
    expect(description.operations.get('deletePerson')!.responses).toEqual([
      { status: 204, examples: {} },
      { status: 503, examples: {} },
    ])
    expect(description.operations.get('deletePerson')!.requestBody).toBeUndefined()
  })

  it.each([
    [['paths', '/people/{pin}', 'get'], 17, 5],
    [['paths', '/people/{pin}', 'get', 'parameters', 2], 28, 11],
    [['paths', '/people/{pin}', 'get', 'responses', '200'], 32, 9],
    [['paths', '/people/search', 'post', 'responses', 200], 65, 9],
    [['components', 'schemas', 'Person', 'properties', 'friend', '$ref'], 118, 19],
    [['security', 0, 'bearer'], 7, 5],
    [[], 1, 1],
  ] as const)('places %j at line %i, column %i', (path, line, column) => {
    expect(description.placeOf(path)).toEqual({ line, column })
  })

  it('places nothing for a path that is not in the file', () => {
    expect(description.placeOf(['paths', '/nope'])).toBeUndefined()
    expect(description.placeOf(['security', 5])).toBeUndefined()
    expect(description.placeOf(['info', 'title', 'deeper'])).toBeUndefined()
  })
})

describe('readOpenApi, other spellings', () => {
  it('reads JSON, with places in the JSON text', () => {
    const json = JSON.stringify(
      {
        openapi: '3.0.0',
        info: { title: 'J', version: '2' },
        paths: {
          '/x/{id}': { get: { operationId: 'x', parameters: [{ name: 'id', in: 'path', required: true }], responses: { '200': { description: 'ok' } } } },
        },
      },
      null,
      2,
    )
    const description = readOpenApi(json, 'j.json')
    expect(description.operations.get('x')).toMatchObject({
      parameters: [{ name: 'id', in: 'path', required: true, schema: {}, examples: {} }],
      responses: [{ status: 200, examples: {} }],
      place: { line: 9, column: 7 },
    })
  })

  it('reads 3.1: null in type lists, annotations beside a $ref laid over it, other keywords beside it combined', () => {
    const description = readOpenApi(
      lines(
        'openapi: 3.1.0',
        'info: { title: T, version: "1" }',
        'paths:',
        '  /x:',
        '    get:',
        '      operationId: x',
        '      responses:',
        '        "200":',
        '          description: ok',
        '          content:',
        '            application/json:',
        '              schema:',
        '                type: object',
        '                properties:',
        '                  a: { $ref: "#/components/schemas/Code", description: the code }',
        '                  b: { $ref: "#/components/schemas/Code", maxLength: 3 }',
        '                  c: true',
        'components:',
        '  schemas:',
        '    Code: { type: [string, "null"] }',
      ),
      'x31.yaml',
    )
    expect(description.operations.get('x')!.responses[0]!.schema).toEqual({
      type: 'object',
      properties: {
        a: { type: ['string', 'null'], description: 'the code' },
        b: { maxLength: 3, allOf: [{ type: ['string', 'null'] }] },
        c: true,
      },
    })
  })

  it('follows a path item $ref and a $ref to a $ref', () => {
    const description = readOpenApi(
      lines(
        ...head,
        'paths:',
        '  /x:',
        '    $ref: "#/components/x-items/X"',
        'components:',
        '  schemas:',
        '    A: { $ref: "#/components/schemas/B" }',
        '    B: { type: integer }',
        '  x-items:',
        '    X:',
        '      get:',
        '        operationId: x',
        '        responses:',
        '          "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/A" } } } }',
      ),
      'item.yaml',
    )
    expect(description.operations.get('x')).toMatchObject({ path: '/x', place: { line: 14, column: 7 }, responses: [{ schema: { type: 'integer' } }] })
  })

  it('reads a parameter described by content', () => {
    const description = readOpenApi(
      lines(
        ...head,
        'paths:',
        '  /x:',
        '    get:',
        '      operationId: x',
        '      parameters:',
        '        - name: filter',
        '          in: query',
        '          content:',
        '            application/json:',
        '              schema: { type: object }',
        '              examples: { one: { value: { a: 1 } } }',
        '      responses: {}',
      ),
      'content.yaml',
    )
    expect(description.operations.get('x')!.parameters).toEqual([
      { name: 'filter', in: 'query', required: false, schema: { type: 'object' }, examples: { one: { a: 1 } } },
    ])
  })
})

/** Builds a document whose `paths` start at line 6, with optional lines after them. */
const withPaths = (...rest: string[]) => lines(...head, 'paths:', ...rest)
const operation = (path: string, ...body: string[]) => [`  ${path}:`, '    get:', ...body]

describe('readOpenApi refuses what the engine cannot use, naming file, line and path', () => {
  it.each([
    ['text that is not YAML', lines('openapi: 3.0.3', 'info: [a,', 'paths: {}'), 3, '', 'not YAML or JSON'],
    ['two keys alike', lines('openapi: 3.0.3', 'openapi: 3.1.0'), 2, '', 'not YAML or JSON: Map keys must be unique'],
    ['an alias without its anchor', lines('openapi: 3.0.3', 'info: *meta', 'paths: {}'), 2, '', 'alias *meta has no anchor before it'],
    ['a list at the top', lines('- openapi'), 1, '', 'a map at the top level'],
    ['OpenAPI 2', lines('swagger: "2.0"', 'info: { title: T, version: "1" }', 'paths: {}'), 1, 'openapi', 'found none'],
    ['OpenAPI 3.2', lines('openapi: 3.2.0', 'info: { title: T, version: "1" }', 'paths: {}'), 1, 'openapi', 'expected openapi: 3.0.x or 3.1.x, found "3.2.0"'],
    ['no info', lines('openapi: 3.0.3', 'paths: {}'), 1, 'info', 'missing info'],
    ['no info.title', lines('openapi: 3.0.3', 'info:', '  version: "1"', 'paths: {}'), 2, 'info.title', 'missing info.title'],
    ['an unquoted numeric version', lines('openapi: 3.0.3', 'info:', '  title: T', '  version: 1.0', 'paths: {}'), 4, 'info.version', 'quote it'],
    ['no paths', lines(...head), 1, 'paths', 'missing paths'],
    ['no operationId', withPaths(...operation('/a', '      responses: {}')), 7, 'paths./a.get', 'needs an operationId'],
    [
      'a duplicate operationId',
      withPaths(...operation('/a', '      operationId: same'), ...operation('/b', '      operationId: same')),
      11,
      'paths./b.get.operationId',
      'duplicate operationId same (first at line 8, paths./a.get.operationId)',
    ],
    ['HEAD', withPaths('  /a:', '    head:', '      operationId: a'), 7, 'paths./a.head', 'head is not an operation'],
    ['TRACE', withPaths('  /a:', '    trace: {}'), 7, 'paths./a.trace', 'trace is not an operation'],
    [
      'a path template without its parameter',
      withPaths(...operation('/a/{id}', '      operationId: a')),
      7,
      'paths./a/{id}.get',
      'path template parameter {id} has no in: path parameter',
    ],
    [
      'a path parameter not required',
      withPaths(...operation('/a/{id}', '      operationId: a', '      parameters:', '        - { name: id, in: path, required: false }')),
      10,
      'paths./a/{id}.get.parameters.0.required',
      'path parameter id must be required: true',
    ],
    [
      'a path parameter without required',
      withPaths(...operation('/a/{id}', '      operationId: a', '      parameters:', '        - name: id', '          in: path')),
      10,
      'paths./a/{id}.get.parameters.0',
      'path parameter id must be required: true',
    ],
    [
      'a path parameter not in the template',
      withPaths(...operation('/a', '      operationId: a', '      parameters:', '        - { name: id, in: path, required: true }')),
      10,
      'paths./a.get.parameters.0',
      'path parameter id is not in the path template /a',
    ],
    [
      'a cookie parameter',
      withPaths(...operation('/a', '      operationId: a', '      parameters:', '        - name: session', '          in: cookie')),
      11,
      'paths./a.get.parameters.0.in',
      'cookie parameter session is refused',
    ],
    [
      'a ref to another file',
      withPaths(...operation('/a', '      operationId: a', '      parameters:', "        - $ref: 'common.yaml#/components/parameters/Pin'")),
      10,
      'paths./a.get.parameters.0.$ref',
      '$ref common.yaml#/components/parameters/Pin is not local',
    ],
    [
      'a ref that does not resolve',
      withPaths(
        ...operation('/a', '      operationId: a', '      responses:', "        '200':", '          description: ok', '          content:'),
        '            application/json:',
        "              schema: { $ref: '#/components/schemas/Nope' }",
        'components: { schemas: {} }',
      ),
      14,
      'paths./a.get.responses.200.content.application/json.schema.$ref',
      '$ref #/components/schemas/Nope does not resolve (no components.schemas.Nope)',
    ],
    [
      'a circular ref',
      withPaths(
        ...operation('/a', '      operationId: a', '      responses:', "        '200':", '          description: ok', '          content:'),
        '            application/json:',
        "              schema: { $ref: '#/components/schemas/A' }",
        'components:',
        '  schemas:',
        "    A: { type: object, properties: { b: { $ref: '#/components/schemas/B' } } }",
        "    B: { type: object, properties: { a: { $ref: '#/components/schemas/A' } } }",
      ),
      18,
      'components.schemas.B.properties.a.$ref',
      'circular $ref: #/components/schemas/A -> #/components/schemas/B -> #/components/schemas/A',
    ],
    [
      'a YAML alias inside itself',
      withPaths(...operation('/a', '      operationId: a', '      x-loop: &loop', '        again: *loop')),
      10,
      'paths./a.get.x-loop.again',
      'refers to a node that contains it',
    ],
    [
      'a request body without JSON',
      withPaths(
        '  /a:',
        '    post:',
        '      operationId: a',
        '      requestBody:',
        '        content:',
        '          text/plain: {}',
        '          application/xml: {}',
      ),
      10,
      'paths./a.post.requestBody.content',
      'no JSON media type (application/json or */*+json) among: text/plain, application/xml',
    ],
    [
      'an external example',
      withPaths(
        ...operation(
          '/a',
          '      operationId: a',
          '      parameters:',
          '        - name: q',
          '          in: query',
          '          examples:',
          '            remote:',
        ),
        '              externalValue: https://example.invalid/q.json',
      ),
      14,
      'paths./a.get.parameters.0.examples.remote.externalValue',
      'externalValue is refused (no network)',
    ],
    [
      'a status that is not one',
      withPaths(...operation('/a', '      operationId: a', '      responses:', '        ok: { description: ok }')),
      10,
      'paths./a.get.responses.ok',
      'ok is not an HTTP status',
    ],
    [
      'an API key in the query',
      lines(
        ...head,
        'security: [{ key: [] }]',
        'paths: {}',
        'components:',
        '  securitySchemes:',
        '    key:',
        '      type: apiKey',
        '      in: query',
        '      name: key',
      ),
      11,
      'components.securitySchemes.key.in',
      'API key key in query is refused: only in: header',
    ],
    [
      'an API key in a cookie',
      lines(...head, 'security: [{ key: [] }]', 'paths: {}', 'components:', '  securitySchemes:', '    key: { type: apiKey, in: cookie, name: k }'),
      9,
      'components.securitySchemes.key.in',
      'API key key in cookie is refused',
    ],
    ['an unknown security scheme', lines(...head, 'security:', '  - nope: []', 'paths: {}'), 6, 'security.0.nope', 'unknown security scheme nope'],
  ])('%s', (_label, text, line, path, problem) => {
    const file = 'bad-registry.yaml'
    let error: unknown
    try {
      readOpenApi(text, file)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(DescriptionError)
    const message = (error as DescriptionError).message
    expect(message).toMatch(new RegExp(`^bad-registry\\.yaml:${line}:\\d+: `))
    expect(message).toContain(file)
    if (path) expect(message).toContain(`: ${path}: `)
    expect((error as DescriptionError).path.join('.')).toBe(path)
    expect(message).toContain(problem)
  })
})

describe('readOpenApi and hostile YAML', () => {
  it('refuses aliases that would expand without bound', () => {
    const levels = ['a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]']
    for (const [from, to] of [
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'd'],
      ['d', 'e'],
      ['e', 'f'],
    ])
      levels.push(`${to}: &${to} [${Array(9).fill(`*${from}`).join(', ')}]`)
    expect(() => readOpenApi(lines(...levels), 'laughs.yaml')).toThrow(/^laughs\.yaml: not YAML or JSON: Excessive alias count/)
  })

  it('keeps a key named __proto__ as a key', () => {
    const description = readOpenApi(
      withPaths(
        ...operation('/a', '      operationId: a', '      responses:', "        '200':", '          description: ok', '          content:'),
        '            application/json:',
        '              example: { __proto__: { polluted: true } }',
      ),
      'proto.yaml',
    )
    const example = description.operations.get('a')!.responses[0]!.examples.default as Record<string, unknown>
    expect(Object.keys(example)).toEqual(['__proto__'])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.getPrototypeOf(example)).toBe(Object.prototype)
  })
})

describe('the social insurance (BHXH) description', () => {
  const file = new URL('../social-insurance/openapi.yaml', import.meta.url)
  const text = readFileSync(file, 'utf8')

  it('is a valid OpenAPI 3.0 document', async () => {
    const result = await new Validator().validate(parse(text))
    expect(result.errors).toBeUndefined()
    expect(result.valid).toBe(true)
  })

  it('reads into its three operations, with the X-API-Key header', () => {
    const description = readOpenApi(text, 'connectors/social-insurance/openapi.yaml')
    expect(description.apiKeys).toEqual([{ scheme: 'khoaApi', header: 'X-API-Key' }])
    expect([...description.operations.values()].map((o) => `${o.id} ${o.method} ${o.path}`)).toEqual([
      'traCuuSoBhxh GET /apiBHXH/v1/so-bhxh/{soDinhDanh}',
      'traCuuLoSoBhxh POST /apiBHXH/v1/so-bhxh/tra-cuu-lo',
      'kiemTraKetNoi GET /apiBHXH/v1/kiem-tra-ket-noi',
    ])
    const lookup = description.operations.get('traCuuSoBhxh')!
    expect(lookup.parameters).toEqual([
      expect.objectContaining({ name: 'soDinhDanh', in: 'path', required: true, schema: expect.objectContaining({ pattern: '^[0-9]{12}$' }) }),
    ])
    expect(lookup.responses.map((r) => r.status)).toEqual([200, 400, 401, 404])
  })

  it('has examples that fit their own schemas, paired by name from request to answer', () => {
    const description = readOpenApi(text, 'openapi.yaml')
    const ajv = new Ajv({ strict: false, allErrors: true })
    for (const operation of description.operations.values()) {
      const requestNames = new Set([...operation.parameters.flatMap((p) => Object.keys(p.examples)), ...Object.keys(operation.requestBody?.examples ?? {})])
      for (const [name, value] of Object.entries(operation.requestBody?.examples ?? {})) {
        const validate = ajv.compile(operation.requestBody!.schema)
        expect(validate(value), `${operation.id} body ${name}: ${ajv.errorsText(validate.errors)}`).toBe(true)
      }
      for (const response of operation.responses) {
        for (const [name, value] of Object.entries(response.examples)) {
          const validate = ajv.compile(response.schema!)
          expect(validate(value), `${operation.id} ${response.status} ${name}: ${ajv.errorsText(validate.errors)}`).toBe(true)
          if (requestNames.size > 0) expect(requestNames, `${operation.id} ${name}`).toContain(name)
        }
      }
    }
  })

  it('holds only the synthetic PINs it announces', () => {
    const pins = new Set(text.match(/\b[0-9]{12}\b/g))
    expect([...pins].sort()).toEqual(['001085999001', '001099999999', '001190999002'])
  })
})

describe('paths that could leave the registry', () => {
  it.each([
    ['/http://evil.example/steal/{id}', /empty segment/],
    ['/\\evil.example/x/{id}', /backslash/],
    ['/a/../admin/{id}', /\. or \.\./],
    ['/a/./{id}', /\. or \.\./],
    ['/a/{id}?x=1', /query/],
    ['/a/{id}#f', /fragment/],
    ['/a b/{id}', /spaces/],
    ['/a/<x>', /characters a path cannot/],
  ])('refuses %s', (template, problem) => expect(unsafePath(template)).toMatch(problem))
  it.each(['/api/v1/so-bhxh/{soDinhDanh}', '/items:batchGet', '/files/{name}.json', '/xã/{id}', '/a/', '/'])('accepts %s', (template) =>
    expect(unsafePath(template)).toBeUndefined(),
  )
})

it('refuses schemas whose refs expand exponentially, naming the limit', () => {
  const levels = Array.from({ length: 40 }, (_, i) =>
    i === 0
      ? `    S0: { type: string }`
      : `    S${i}: { type: object, properties: { a: { $ref: '#/components/schemas/S${i - 1}' }, b: { $ref: '#/components/schemas/S${i - 1}' } } }`,
  )
  const text = `openapi: 3.0.3
info: { title: bomb, version: '1' }
paths:
  /x:
    get:
      operationId: x
      responses:
        '200': { description: ok, content: { application/json: { schema: { $ref: '#/components/schemas/S39' } } } }
components:
  schemas:
${levels.join('\n')}
`
  // 2^40 nodes unbounded; the budget stops it after 50,000.
  expect(() => readOpenApi(text, 'bomb.yaml')).toThrow(/expand to more than 50000 nodes/)
})
