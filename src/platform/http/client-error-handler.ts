import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode } from '../errors/error-codes.ts';
import { errorCodes } from '../errors/error-codes.ts';
import { sendProblem } from '../errors/problem.ts';

function codeFor(err: { code?: string }): ErrorCode {
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'request-timeout';
  if (err.code === 'HPE_HEADER_OVERFLOW') return 'headers-too-large';
  return 'malformed-request';
}

/**
 * Failures Node's HTTP parser meets before there is a request for Fastify to route (a head over
 * HTTP_MAX_HEADER_BYTES, a request slower than the timeouts, bytes that are not HTTP) are answered
 * on the raw socket, as problem+json like every other failure, and the connection is closed.
 */
export function clientErrorHandler(
  this: FastifyInstance,
  err: Error & { code?: string },
  socket: Socket,
): void {
  // A reset connection has nobody left to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const code = codeFor(err);
  const spec = errorCodes[code];
  const body = JSON.stringify({
    type: `https://ordergrid.dev/problems/${code}`,
    title: spec.title,
    status: spec.status,
    code,
  });
  this.log.trace({ err }, `client error: ${code}`);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${spec.status} ${STATUS_CODES[spec.status]}\r\nConnection: close\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}

/** The router's own refusals (a path that is not valid percent-encoding, an over-long path parameter). */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error.code === 'FST_ERR_BAD_URL')
    return sendProblem(reply, request, 'malformed-request', error.message);
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH')
    return sendProblem(reply, request, 'uri-too-long', 'A path parameter is longer than 100 characters');
  request.log.error({ err: error }, 'router error');
  return sendProblem(reply, request, 'internal', 'An unexpected error occurred; it has been logged');
}
