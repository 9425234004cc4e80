import { existsSync, statSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Where `npm run build:web` writes the console (web/vite.config.ts). */
export const CONSOLE_DIST = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

export interface ConsoleStaticOptions {
  /** The built console; defaults to web/dist. */
  root?: string;
}

const NOT_BUILT_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>OrderGrid console not built</title></head>
<body><main><h1>The OrderGrid console is not built</h1>
<p>The folder <code>web/dist</code> is missing. Run <code>npm run build:web</code> (or <code>npm install</code>, which builds it) and reload.</p>
<p>The API itself works: see <a href="/docs">/docs</a>.</p></main></body></html>`;

function decodedPath(url: string): string | null {
  try {
    return decodeURIComponent(new URL(url, 'http://console').pathname);
  } catch {
    return null;
  }
}

/**
 * Serves the operations console at /console. The files are public: the app asks for an API key
 * and sends it as a bearer header on each API call. Paths that are not files get index.html, so
 * the app's own routes (/console/orders/...) survive a reload.
 */
export async function consoleStatic(app: FastifyInstance, opts: ConsoleStaticOptions = {}): Promise<void> {
  const root = opts.root ?? CONSOLE_DIST;
  const built = existsSync(join(root, 'index.html'));
  if (!built) {
    app.log.warn(`operations console not built (${root} has no index.html): run "npm run build:web"`);
  } else {
    // serve: false only adds reply.sendFile; the handler below decides what is a file.
    await app.register(fastifyStatic, { root, serve: false, cacheControl: false });
  }

  const sendIndex = (reply: FastifyReply) =>
    reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').sendFile('index.html');

  // Files are served from the not-found handler of the /console prefix rather than from routes:
  // they are not API operations, so they stay out of the route table, OpenAPI and the access matrix.
  await app.register(
    async (scope) => {
      scope.setNotFoundHandler(async (request, reply) => {
        if (request.method !== 'GET' && request.method !== 'HEAD')
          return reply.status(405).header('allow', 'GET, HEAD').type('text/plain').send('Method not allowed');
        const path = decodedPath(request.url);
        if (path === null) return reply.status(400).type('text/plain').send('Bad path');
        // "/console/../x" resolves outside the console: not ours to answer.
        if (path !== '/console' && !path.startsWith('/console/'))
          return reply.status(404).type('text/plain').send('Not found');
        if (path === '/console') return reply.redirect('/console/');
        if (!built)
          return reply.status(503).header('cache-control', 'no-store').type('text/html').send(NOT_BUILT_PAGE);
        const wanted = normalize(path.slice('/console/'.length));
        const inside =
          wanted !== '' && wanted !== '.' && !wanted.startsWith('..') && !wanted.includes(`${sep}..`);
        const file = inside ? join(root, wanted) : '';
        if (inside && existsSync(file) && statSync(file).isFile()) {
          // Vite puts a content hash in every asset name: those never change.
          const immutable = wanted.startsWith(`assets${sep}`);
          return reply
            .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
            .sendFile(wanted);
        }
        // A missing asset is a real 404; anything else is one of the app's own routes.
        if (/\.[a-z0-9]+$/i.test(wanted)) return reply.status(404).type('text/plain').send('Not found');
        return sendIndex(reply);
      });
    },
    { prefix: '/console' },
  );
}
