import { connect } from 'node:net';
import fc from 'fast-check';

export interface RawFuzzReport {
  connections: number;
  /** Connections that got some HTTP response back (the rest were closed without one). */
  answered: number;
  /** Responses with a 5xx, or a 4xx that is not problem+json. */
  problemViolations: number;
  /** Health checks between batches that failed: the process stopped answering. */
  unhealthy: number;
  examples: string[];
}

const LINE = '\r\n';

/** Bytes that are, or are close to, HTTP/1.1: the parser's edge cases rather than only noise. */
function payloads(): fc.Arbitrary<Buffer> {
  const bytes = fc.uint8Array({ minLength: 1, maxLength: 4_096 }).map((b) => Buffer.from(b));
  const token = fc.string({ unit: 'binary-ascii', minLength: 0, maxLength: 40 });
  const path = fc.constantFrom(
    '/health',
    '/v1/nodes',
    '/v1/orders',
    '/openapi.json',
    '/v1/inventory/feeds',
    '/%',
    '*',
  );
  const nearHttp = fc
    .record({
      method: fc.constantFrom(
        'GET',
        'POST',
        'PUT',
        'DELETE',
        'PATCH',
        'OPTIONS',
        'TRACE',
        'CONNECT',
        'G\u00e9T',
        '',
      ),
      path,
      version: fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/9.9', 'HTTX/1.1', ''),
      headers: fc.array(fc.tuple(token, token), { maxLength: 8 }),
      framing: fc.constantFrom(
        '',
        'Content-Length: 10',
        'Content-Length: -1',
        'Content-Length: 99999999999999999999',
        'Content-Length: 5\r\nContent-Length: 6',
        'Transfer-Encoding: chunked',
        'Transfer-Encoding: chunked\r\nContent-Length: 3',
        'Transfer-Encoding: gzip, chunked',
        'Expect: 100-continue',
        'Content-Type: application/json',
      ),
      body: fc.oneof(
        fc.constant(''),
        fc.constant('zz\r\nabc\r\n0\r\n\r\n'),
        fc.constant('{"a":'),
        fc.string({ maxLength: 200 }),
      ),
      tail: fc.oneof(
        fc.constant(''),
        bytes.map((b) => b.toString('latin1')),
      ),
    })
    .map(({ method, path, version, headers, framing, body, tail }) =>
      Buffer.from(
        `${method} ${path} ${version}${LINE}Host: fuzz${LINE}${headers.map(([k, v]) => `${k}: ${v}${LINE}`).join('')}${framing ? `${framing}${LINE}` : ''}${LINE}${body}${tail}`,
        'latin1',
      ),
    );
  const pipelined = fc
    .tuple(nearHttp, bytes)
    .map(([a, b]) => Buffer.concat([Buffer.from(`GET /health HTTP/1.1${LINE}Host: x${LINE}${LINE}`), a, b]));
  return fc.oneof(
    { weight: 3, arbitrary: bytes },
    { weight: 5, arbitrary: nearHttp },
    { weight: 2, arbitrary: pipelined },
  );
}

function exchange(port: number, payload: Buffer, timeoutMs = 3_000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let out = Buffer.alloc(0);
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(out.toString('latin1'));
    };
    const timer = setTimeout(done, timeoutMs);
    socket.on('data', (d) => {
      out = Buffer.concat([out, d]);
    });
    socket.on('error', done);
    socket.on('close', done);
    socket.write(payload, () => socket.end());
  });
}

/** The first response of a raw exchange violates the oracles when it is a 5xx or a 4xx that is not problem+json. */
function violation(response: string): boolean {
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(response)?.[1];
  if (!status) return false;
  const code = Number(status);
  if (code >= 500) return true;
  if (code < 400) return false;
  const head = response.slice(0, response.indexOf('\r\n\r\n'));
  return !/content-type: application\/problem\+json/i.test(head);
}

async function healthy(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(5_000) });
    return res.status === 200;
  } catch {
    return false;
  }
}

/**
 * Opens `connections` sockets to a running server, each sending random or near-HTTP bytes, in
 * batches; between batches the server must still answer /health.
 */
export async function rawSocketFuzz(opts: {
  port: number;
  connections: number;
  seed: number;
  batch?: number;
}): Promise<RawFuzzReport> {
  const batchSize = opts.batch ?? 50;
  const all = fc.sample(payloads(), { numRuns: opts.connections, seed: opts.seed });
  const report: RawFuzzReport = {
    connections: 0,
    answered: 0,
    problemViolations: 0,
    unhealthy: 0,
    examples: [],
  };
  for (let i = 0; i < all.length; i += batchSize) {
    const batch = all.slice(i, i + batchSize);
    const responses = await Promise.all(batch.map((p) => exchange(opts.port, p)));
    responses.forEach((response, j) => {
      report.connections++;
      if (response.startsWith('HTTP/')) report.answered++;
      if (violation(response)) {
        report.problemViolations++;
        if (report.examples.length < 5)
          report.examples.push(
            `sent ${JSON.stringify((batch[j] as Buffer).toString('latin1').slice(0, 200))} got ${JSON.stringify(response.slice(0, 300))}`,
          );
      }
    });
    if (!(await healthy(opts.port))) report.unhealthy++;
  }
  return report;
}
