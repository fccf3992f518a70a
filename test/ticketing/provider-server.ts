import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  readonly method: string;
  /** Path and query, e.g. `/rest/api/3/issue`. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface Reply {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
}

export interface ProviderServer {
  readonly url: string;
  readonly received: ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * A stand-in for a ticket system on 127.0.0.1: records every request and answers with `reply`
 * (a JSON body is serialised with `content-type: application/json`).
 */
export async function providerServer(reply: (request: ReceivedRequest) => Reply): Promise<ProviderServer> {
  const received: ReceivedRequest[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      const recorded = {
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body,
      };
      received.push(recorded);
      const answer = reply(recorded);
      const json = answer.body === undefined ? '' : JSON.stringify(answer.body);
      response
        .writeHead(answer.status, {
          ...(json === '' ? {} : { 'content-type': 'application/json' }),
          ...answer.headers,
        })
        .end(json);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Answers with `replies` in turn, then with `last` for ever. */
export function inTurn(replies: Reply[], last: Reply): () => Reply {
  return () => replies.shift() ?? last;
}
