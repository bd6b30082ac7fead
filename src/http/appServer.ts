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
  // Constructed by node's server with `new`; Reflect.construct builds node's own object (class or function)
  // with this constructor's prototype, which serve() sets to express's once the app exists (after listen: the
  // app needs the address). No request listener is attached before serve(), so none is answered before.
  function AppRequest(socket: Socket) {
    return Reflect.construct(http.IncomingMessage, [socket], AppRequest) as http.IncomingMessage;
  }
  function AppResponse(req: http.IncomingMessage, options?: unknown) {
    return Reflect.construct(http.ServerResponse, [req, options], AppResponse) as http.ServerResponse;
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
