import type { RouteDoc } from './route-doc.js'
import { contractOperation, failure, htmlAnswer } from './route-doc.js'

const post = contractOperation('/graphql', 'post', 'graphql')

/** The data API: one GraphQL endpoint. Its schema is the SDL, not this document. */
export const GRAPHQL_ROUTES: RouteDoc[] = [
  {
    method: 'post',
    path: '/graphql',
    caller: 'agency',
    operation: {
      ...post,
      description: `${post.description ?? ''}\n\nThe whole schema: \`GET /v1/contract/schema.graphql\` (the same SDL as \`schema.graphql\` in the gateway's repository). Each agency sees, and may introspect, only its own part of it.`,
    },
  },
  {
    method: 'get',
    path: '/graphql',
    caller: 'public',
    operation: {
      operationId: 'graphiql',
      tags: ['graphql'],
      summary: 'GraphiQL, for a browser outside production',
      description:
        'With `Accept: text/html` and outside production: GraphiQL, every asset inside the page, under a Content-Security-Policy admitting only its own scripts by hash; on this machine it also offers a development token for an agency with a development client. The page holds no data, and data is never read with GET: anything else is 405.',
      responses: {
        '200': htmlAnswer('GraphiQL (outside production, for `Accept: text/html`).'),
        '405': failure(['BAD_USER_INPUT'], 'use POST for GraphQL requests (`Allow: POST`).'),
      },
    },
  },
]
