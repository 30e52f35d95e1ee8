/**
 * A synthetic REST source that answers a person's record by PIN (`GET /ho-so/{soDinhDanh}` →
 * `{ duLieu: { soDinhDanh, hoTen } }`, and `GET /suc-khoe`), described by OpenAPI with the security
 * a test gives, and its mapping with the `auth` a test gives: shared by the credential tests
 * (OAuth client credentials, client certificates). Synthetic people only (province 099).
 */
export const PIN = '099085000123'
export const NAME = 'Trần Thị Mẫu'
/** The answer the source gives for `PIN`. */
export const RECORD = { duLieu: { soDinhDanh: PIN, hoTen: NAME } }

/** The description: `securitySchemes` and the global `security` as given (YAML, at the top level). */
export const restDescription = (security: string, openapi = '3.0.3') => `
openapi: ${openapi}
info: { title: Hồ sơ (synthetic), version: '1.0' }
${security}
paths:
  /ho-so/{soDinhDanh}:
    get:
      operationId: traCuu
      parameters: [{ name: soDinhDanh, in: path, required: true, schema: { type: string } }]
      responses:
        '200':
          description: found
          content:
            application/json:
              schema:
                type: object
                required: [duLieu]
                properties:
                  duLieu:
                    type: object
                    required: [soDinhDanh, hoTen]
                    properties: { soDinhDanh: { type: string }, hoTen: { type: string } }
        '404':
          description: none
          content: { application/json: { schema: { type: object, properties: { loi: { type: string } } } } }
  /suc-khoe:
    get:
      operationId: sucKhoe
      responses:
        '200': { description: up, content: { application/json: { schema: { type: object }, example: { trangThai: OK } } } }
`

/** The mapping of connector `ho-so`: `auth` (and any other top-level lines) as given. */
export const restMapping = (auth: string) => `connector: ho-so
registry: Hồ sơ (synthetic)
description: openapi.yaml
${auth}
health: { operation: sucKhoe }
types:
  CaseFile:
    fields:
      pin: { type: PIN!, from: soDinhDanh }
      name: { type: String!, from: hoTen }
query:
  caseFile:
    type: CaseFile
    arguments: { pin: { type: PIN!, to: soDinhDanh } }
    operation: traCuu
    result: duLieu
    key: soDinhDanh
`
