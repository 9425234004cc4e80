import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';

/**
 * What the server logs per request (ORDERGRID_REQUEST_LOG):
 * - `failures` (default): the "incoming request" and "request completed" lines at debug; a
 *   completed line at info for a 4xx, at warn for a 5xx or a request slower than slowMs;
 * - `all`: both lines for every request at info (two synchronous writes per request);
 * - `off`: no per-request lines (errors are still logged where they are handled).
 */
export type RequestLogMode = 'failures' | 'all' | 'off';

export interface RequestLogSettings {
  mode: RequestLogMode;
  /** ORDERGRID_SLOW_REQUEST_MS, default 1000: slower requests are logged at warn in `failures` mode. */
  slowMs: number;
}

const MODES: readonly RequestLogMode[] = ['failures', 'all', 'off'];

export function requestLogSettings(env: NodeJS.ProcessEnv = process.env): RequestLogSettings {
  const mode = (env.ORDERGRID_REQUEST_LOG || 'failures') as RequestLogMode;
  if (!MODES.includes(mode))
    throw new Error(`ORDERGRID_REQUEST_LOG must be one of ${MODES.join(', ')} (got "${mode}")`);
  const slowMs = Number(env.ORDERGRID_SLOW_REQUEST_MS || 1_000);
  if (!Number.isFinite(slowMs) || slowMs < 0)
    throw new Error(`ORDERGRID_SLOW_REQUEST_MS must be a number of milliseconds >= 0`);
  return { mode, slowMs };
}

/** Fastify's per-request log lines, at the levels the settings give. */
export class RequestLog extends LogController {
  constructor(private readonly settings: RequestLogSettings) {
    super({ disableRequestLogging: settings.mode === 'off' });
  }

  override incomingRequest(request: FastifyRequest, reply: FastifyReply): void {
    if (this.settings.mode !== 'failures') {
      super.incomingRequest(request, reply);
      return;
    }
    // Below debug, pino's debug is a no-op: the line costs a call.
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (this.settings.mode !== 'failures' || error) {
      super.requestCompleted(error, request, reply);
      return;
    }
    const status = reply.statusCode;
    const level =
      status >= 500
        ? 'warn'
        : status >= 400
          ? 'info'
          : reply.elapsedTime >= this.settings.slowMs
            ? 'warn'
            : 'debug';
    reply.log[level]({ res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}
