/**
 * A Jira Cloud stand-in on 127.0.0.1 that can misbehave: answer with any status and headers, a
 * body that is not JSON, drop the connection, or never answer, before or after it has created the
 * issue. It records every request and, separately, every issue it created, by the
 * `finding-<id>` label auditlake puts on each issue: "tickets at the provider" in the tests.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export type JiraAnswer =
  /** 201 with the new issue's id and key. */
  | { readonly kind: 'create' }
  /** Creates the issue, then answers 201 with a body that is not JSON. */
  | { readonly kind: 'create-garbled' }
  /** Creates the issue, then never answers (the caller times out). */
  | { readonly kind: 'create-then-hang' }
  /** Creates the issue, sends the 201 status line and part of the body, then drops the connection. */
  | { readonly kind: 'create-then-cut' }
  /** Creates nothing; answers `status` with `headers` and a raw `body`. */
  | {
      readonly kind: 'status';
      readonly status: number;
      readonly headers?: Readonly<Record<string, string>>;
      readonly body?: string;
    }
  /** Creates nothing and never answers. */
  | { readonly kind: 'hang' }
  /** Creates nothing and drops the connection without an answer. */
  | { readonly kind: 'reset' };

export interface JiraIssue {
  readonly key: string;
  readonly findingId: string;
}

export interface JiraStandIn {
  readonly url: string;
  /** Finding id of every request, in order. */
  readonly requests: string[];
  readonly issues: JiraIssue[];
  /** Decides each answer; `attempt` counts this finding's requests, from 1. */
  answer: (findingId: string, attempt: number) => JiraAnswer;
  /** Issues per finding id. */
  ticketsPerFinding(): Map<string, number>;
  reset(): void;
  close(): Promise<void>;
}

export async function jiraStandIn(): Promise<JiraStandIn> {
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      const findingId = findingIdOf(body);
      stand.requests.push(findingId);
      const attempt = stand.requests.filter((id) => id === findingId).length;
      const answer = stand.answer(findingId, attempt);
      const create = () => {
        const key = `SEC-${stand.issues.length + 1}`;
        stand.issues.push({ key, findingId });
        return key;
      };
      switch (answer.kind) {
        case 'create': {
          const key = create();
          response
            .writeHead(201, { 'content-type': 'application/json' })
            .end(JSON.stringify({ id: String(10_000 + stand.issues.length), key }));
          return;
        }
        case 'create-garbled':
          create();
          response.writeHead(201, { 'content-type': 'text/html' }).end('<html>Created</html>');
          return;
        case 'create-then-cut': {
          const key = create();
          const json = JSON.stringify({ id: String(10_000 + stand.issues.length), key });
          response.writeHead(201, {
            'content-type': 'application/json',
            'content-length': String(json.length),
          });
          response.write(json.slice(0, 8), () => request.socket.destroy());
          return;
        }
        case 'create-then-hang':
          create(); // the answer never comes: the connection is closed with the server
          return;
        case 'status':
          response.writeHead(answer.status, { ...answer.headers }).end(answer.body ?? '');
          return;
        case 'hang':
          return;
        case 'reset':
          request.socket.destroy();
          return;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const stand: JiraStandIn = {
    url: `http://127.0.0.1:${port}`,
    requests: [],
    issues: [],
    answer: () => ({ kind: 'create' }),
    ticketsPerFinding: () => {
      const counts = new Map<string, number>();
      for (const issue of stand.issues) counts.set(issue.findingId, (counts.get(issue.findingId) ?? 0) + 1);
      return counts;
    },
    reset: () => {
      stand.requests.length = 0;
      stand.issues.length = 0;
      stand.answer = () => ({ kind: 'create' });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return stand;
}

/** The finding id from the issue's `finding-<id>` label. */
function findingIdOf(body: string): string {
  try {
    const labels: unknown = JSON.parse(body)?.fields?.labels;
    const label = Array.isArray(labels)
      ? labels.find((value): value is string => typeof value === 'string' && value.startsWith('finding-'))
      : undefined;
    return label?.slice('finding-'.length) ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
