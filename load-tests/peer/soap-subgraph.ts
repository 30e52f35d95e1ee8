/**
 * The loader adapter for the land registry: @omnigraph/soap 0.96.0 (the newest on npm) predates
 * the compose API, so it has no `loadSOAPSubgraph` for `mesh.config.ts`. This wraps its
 * `SOAPLoader` into the source handler shape @graphql-mesh/compose-cli expects
 * (`(ctx) => ({ name, schema$ })`) and adds what @graphql-mesh/transport-soap reads at run time
 * and 0.96.0 does not write:
 *
 *  - the schema's `@transport(kind: "soap", subgraph, location)`, so the gateway picks the SOAP
 *    transport for this subgraph;
 *  - `soapAction` and `soapNamespace` on every `@soap` field: the transport sends SOAPAction from
 *    the first and builds the envelope in the second (without it, it warns and writes a SOAP 1.2
 *    envelope); both come from the WSDL binding, as later loaders do;
 *  - output nullability as the WSDL says: 0.96.0 inverts it (`minOccurs="0"` fields come out
 *    non-null, required ones nullable, fixed in later versions of the loader), so a person holder
 *    without `TenToChuc` would fail the whole `ChuSuDung`. Each output field's outer non-null is
 *    flipped back; root fields are left as they are.
 *
 * Everything else (type and field names, query-or-mutation by operation-name prefix) is the
 * loader's own: `TraCuuThuaDat` has no query prefix, so Mesh exposes it as a mutation.
 */
import type { MeshComposeCLISourceHandlerDef } from '@graphql-mesh/compose-cli'
import { printSchemaWithDirectives } from '@graphql-tools/utils'
import { SOAPLoader } from '@omnigraph/soap'
import {
  buildASTSchema,
  Kind,
  parse,
  visit,
  type ConstArgumentNode,
  type ConstDirectiveNode,
  type FieldDefinitionNode,
  type GraphQLSchema,
  type InputValueDefinitionNode,
  type TypeNode,
} from 'graphql'

const SOAP11_ENVELOPE = 'http://schemas.xmlsoap.org/soap/envelope/'
const SOAP12_ENVELOPE = 'http://www.w3.org/2003/05/soap-envelope'
const WSDL_SOAP11 = 'http://schemas.xmlsoap.org/wsdl/soap/'
const WSDL_SOAP12 = 'http://schemas.xmlsoap.org/wsdl/soap12/'
const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription'])

/** What the adapter reads of the parsed WSDL (the loader keeps it in `loadedLocations`). */
interface ParsedWsdl {
  definitions: Array<{
    attributes: Record<string, string>
    binding?: Array<{ operation?: Array<{ attributes: { name: string }; operation?: Array<{ attributes?: { soapAction?: string } }> }> }>
  }>
}

/** A compose-cli source handler for a SOAP service, from its WSDL URL. */
export function loadSOAPSubgraph(name: string, options: { source: string }): MeshComposeCLISourceHandlerDef {
  return (ctx) => ({ name, schema$: loadSoapSchema(name, options.source, ctx.fetch as typeof fetch) })
}

async function loadSoapSchema(name: string, source: string, fetchFn: typeof fetch): Promise<GraphQLSchema> {
  // 0.96.0's options type names its own (older) MeshFetch; the function is the same fetch.
  const loader = new SOAPLoader({ fetch: fetchFn as never })
  await loader.fetchWSDL(source)
  const wsdl = loader.loadedLocations.get(source) as unknown as ParsedWsdl
  const { actions, envelope } = bindingFacts(wsdl)
  const sdl = printSchemaWithDirectives(loader.buildSchema())
  let endpoint: string | undefined
  const document = visit(parse(sdl), {
    DirectiveDefinition(node) {
      if (node.name.value !== 'soap') return undefined
      return { ...node, arguments: [...(node.arguments ?? []), ...['soapAction', 'soapNamespace', 'subgraph'].map(stringArgumentDefinition)] }
    },
    ObjectTypeDefinition(node) {
      const root = ROOT_TYPES.has(node.name.value)
      const fields = node.fields?.map((field) =>
        root ? annotateRootField(field, name, actions, envelope, (url) => (endpoint ??= url)) : flipOuterNonNull(field),
      )
      return { ...node, fields }
    },
  })
  const schema = buildASTSchema(document, { assumeValidSDL: true })
  // The same place @omnigraph/openapi puts its transport: the schema's directive extensions.
  schema.extensions = { ...schema.extensions, directives: { transport: { kind: 'soap', subgraph: name, location: endpoint } } }
  return schema
}

/** Operation name → SOAPAction, and the envelope namespace of the binding's SOAP version. */
function bindingFacts(wsdl: ParsedWsdl): { actions: Map<string, string>; envelope: string } {
  const actions = new Map<string, string>()
  let soap12Only = false
  for (const definition of wsdl.definitions) {
    const namespaces = Object.values(definition.attributes)
    soap12Only ||= namespaces.includes(WSDL_SOAP12) && !namespaces.includes(WSDL_SOAP11)
    for (const binding of definition.binding ?? []) {
      for (const operation of binding.operation ?? []) {
        const action = operation.operation?.[0]?.attributes?.soapAction
        if (action !== undefined) actions.set(operation.attributes.name, action)
      }
    }
  }
  return { actions, envelope: soap12Only ? SOAP12_ENVELOPE : SOAP11_ENVELOPE }
}

function annotateRootField(
  field: FieldDefinitionNode,
  subgraph: string,
  actions: Map<string, string>,
  envelope: string,
  sawEndpoint: (url: string) => void,
): FieldDefinitionNode {
  const directives = field.directives?.map((directive) => {
    if (directive.name.value !== 'soap') return directive
    const endpoint = stringArgument(directive, 'endpoint')
    if (endpoint) sawEndpoint(endpoint)
    // The field is `<prefix>_<service>_<port>_<operation>`; the longest operation name that ends it.
    const operation = [...actions.keys()].filter((op) => field.name.value.endsWith(`_${op}`)).sort((a, b) => b.length - a.length)[0]
    const extra: Record<string, string | undefined> = { soapAction: operation && actions.get(operation), soapNamespace: envelope, subgraph }
    const added = Object.entries(extra).flatMap(([key, value]): ConstArgumentNode[] =>
      value === undefined ? [] : [{ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: key }, value: { kind: Kind.STRING, value } }],
    )
    return { ...directive, arguments: [...(directive.arguments ?? []), ...added] } satisfies ConstDirectiveNode
  })
  return { ...field, directives }
}

/** `T!` → `T` and `T` → `T!`: undoes 0.96.0's inverted minOccurs on an output field. */
function flipOuterNonNull(field: FieldDefinitionNode): FieldDefinitionNode {
  const type: TypeNode = field.type.kind === Kind.NON_NULL_TYPE ? field.type.type : { kind: Kind.NON_NULL_TYPE, type: field.type }
  return { ...field, type }
}

function stringArgument(directive: ConstDirectiveNode, name: string): string | undefined {
  const value = directive.arguments?.find((argument) => argument.name.value === name)?.value
  return value?.kind === Kind.STRING ? value.value : undefined
}

function stringArgumentDefinition(name: string): InputValueDefinitionNode {
  return {
    kind: Kind.INPUT_VALUE_DEFINITION,
    name: { kind: Kind.NAME, value: name },
    type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: 'String' } },
  }
}
