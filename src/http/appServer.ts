import http from 'node:http';
import type { Socket } from 'node:net';
import type { Express } from 'express';

/**
 * An HTTP server whose requests and responses are born with express's prototypes (app.request, app.response).
 * Express otherwise swaps the prototype of every request and response it is handed (Object.setPrototypeOf);
 * V8 then gives each of them a map it has to look up again, and node's own http code and express's, which
 * see them on every request, fell to megamorphic and missed property lookups: under 32 readers, ~19% of the
 * process's CPU samples were in V8's lookup slow paths. Created this way, express's swap is a no-op.
 */
export function createAppServer(): { server: http.Server; serve(app: Express): void } {
  // Function constructors, so that their prototype can be set once the app exists (after listen: the app
  // needs the address). Until serve() no request listener is attached, so none is constructed before.
  // They run node's constructors on `this` (node 20's are plain functions). Reflect.construct(IncomingMessage,
  // args, AppRequest) gives the same prototypes but not the speed: cached reads stayed at 0.4 ms of CPU each,
  // as before this file, against 0.2 ms this way.
  function AppRequest(this: http.IncomingMessage, socket: Socket) {
    http.IncomingMessage.call(this, socket);
  }
  function AppResponse(this: http.ServerResponse, req: http.IncomingMessage, options?: unknown) {
    (http.ServerResponse as unknown as (this: http.ServerResponse, ...args: unknown[]) => void).call(this, req, options);
  }
  AppRequest.prototype = http.IncomingMessage.prototype;
  AppResponse.prototype = http.ServerResponse.prototype;
  const server = http.createServer({
    IncomingMessage: AppRequest as unknown as typeof http.IncomingMessage,
    ServerResponse: AppResponse as unknown as typeof http.ServerResponse,
  });
  return {
    server,
    serve(app) {
      AppRequest.prototype = app.request;
      AppResponse.prototype = app.response;
      server.on('request', app);
    },
  };
}
