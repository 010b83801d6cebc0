/**
 * Temporal's HTTP API: the JSON mapping of WorkflowService and OperatorService that the real frontend serves,
 * with its routes read from the `google.api.http` annotations of the protos the SDK ships (so schedule and
 * other routes come with their RPCs). Each request becomes the same protobuf request a gRPC client would send
 * and runs through the same handler (`runHandler`), so both transports answer alike.
 *
 * As the frontend: `?pretty` indents, `?noPayloadShorthand` (or Accept `application/json+no-payload-shorthand`)
 * turns Temporal's payload shorthand off, errors are google.rpc.Status JSON with the HTTP status grpc-gateway
 * maps the gRPC code to.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type * as protobuf from 'protobufjs';
import * as errors from './errors';
import { Obj } from './model';
import { root } from './proto';
import { JsonOptions, JsonShapeError, messageFromJson, messageToJson, setJsonPath } from './proto-json';
import { Handler, runHandler, ServiceOptions } from './service';

/** The services the HTTP API exposes (Temporal's frontend registers these two). */
const HTTP_SERVICES = [
  'temporal.api.workflowservice.v1.WorkflowService',
  'temporal.api.operatorservice.v1.OperatorService',
];

const MAX_BODY_BYTES = 4 * 1024 * 1024; // the frontend's limit (gRPC's default message size)

interface Segment {
  literal?: string;
  field?: string;
}

export interface HttpRoute {
  httpMethod: string;
  /** The annotation's template, e.g. `/api/v1/namespaces/{namespace}/workflows`. */
  template: string;
  segments: Segment[];
  service: string;
  rpc: string;
  body: boolean;
  requestType: protobuf.Type;
  responseType: protobuf.Type;
}

interface HttpBinding {
  get?: string;
  post?: string;
  put?: string;
  delete?: string;
  patch?: string;
  body?: string;
  additional_bindings?: HttpBinding | HttpBinding[];
}

function parseTemplate(template: string): Segment[] {
  return template
    .split('/')
    .filter(Boolean)
    .map((s) => (s.startsWith('{') ? { field: s.slice(1, -1).split('=')[0] } : { literal: s }));
}

/** Every route of the HTTP API, most specific (most literal segments) first. */
export function httpRoutes(): HttpRoute[] {
  const routes: HttpRoute[] = [];
  for (const serviceName of HTTP_SERVICES) {
    const svc = root.lookupService(serviceName);
    for (const method of Object.values(svc.methods) as protobuf.Method[]) {
      for (const option of method.parsedOptions ?? []) {
        const http = (option as Record<string, HttpBinding>)['(google.api.http)'];
        if (!http) continue;
        const bindings = [http, ...([] as HttpBinding[]).concat(http.additional_bindings ?? [])];
        for (const b of bindings) {
          for (const verb of ['get', 'post', 'put', 'delete', 'patch'] as const) {
            const template = b[verb];
            if (!template) continue;
            routes.push({
              httpMethod: verb.toUpperCase(),
              template,
              segments: parseTemplate(template),
              service: serviceName,
              rpc: method.name,
              body: b.body === '*',
              requestType: svc.lookupType(method.requestType),
              responseType: svc.lookupType(method.responseType),
            });
          }
        }
      }
    }
  }
  const literals = (r: HttpRoute) => r.segments.filter((s) => s.literal).length;
  return routes.sort((a, b) => literals(b) - literals(a));
}

/** grpc-gateway's mapping of gRPC codes to HTTP statuses. */
const HTTP_STATUS: Record<number, number> = {
  0: 200,
  1: 499,
  2: 500,
  3: 400,
  4: 504,
  5: 404,
  6: 409,
  7: 403,
  8: 429,
  9: 400,
  10: 409,
  11: 400,
  12: 501,
  13: 500,
  14: 503,
  15: 500,
  16: 401,
};

export interface HttpApiOptions {
  services: Map<string, Record<string, Handler>>;
  service: ServiceOptions;
  /** Payload shorthand when the request does not say: on for the frontend's API, off for the UI's (as Temporal's UI server). */
  shorthandByDefault: boolean;
}

/** Answers one HTTP API request; resolves false when no route matches (the caller answers 404 or serves something else). */
export type HttpApiHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new errors.RpcError(errors.Status.RESOURCE_EXHAUSTED, `request body exceeds ${MAX_BODY_BYTES} bytes`));
        req.destroy();
      } else {
        chunks.push(c);
      }
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function match(route: HttpRoute, method: string, parts: string[]): Record<string, string> | null {
  if (route.httpMethod !== method || route.segments.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const seg = route.segments[i];
    if (seg.literal !== undefined) {
      if (seg.literal !== parts[i]) return null;
    } else {
      params[seg.field!] = parts[i];
    }
  }
  return params;
}

/** Error JSON as the frontend writes it: google.rpc.Status with the typed detail. */
function errorJson(err: errors.RpcError): Obj {
  const details = err.detail
    ? [{ '@type': `type.googleapis.com/temporal.api.errordetails.v1.${err.detail.type}`, ...err.detail.value }]
    : [];
  return { code: err.code, message: err.message, details };
}

export function createHttpApi(opts: HttpApiOptions): HttpApiHandler {
  const routes = httpRoutes();
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const rawParts = url.pathname.split('/').filter(Boolean);
    let parts: string[];
    try {
      parts = rawParts.map((p) => decodeURIComponent(p));
    } catch {
      return false;
    }
    const method = req.method ?? 'GET';
    let route: HttpRoute | undefined;
    let params: Record<string, string> | null = null;
    for (const r of routes) {
      params = match(r, method, parts);
      if (params) {
        route = r;
        break;
      }
    }
    if (!route || !params) return false;

    const accept = String(req.headers.accept ?? '');
    const pretty = url.searchParams.has('pretty') || accept.includes('+pretty');
    const noShorthand = url.searchParams.has('noPayloadShorthand') || accept.includes('no-payload-shorthand');
    const jsonOpts: JsonOptions = { shorthand: noShorthand ? false : opts.shorthandByDefault };
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body, null, pretty ? 2 : undefined));
    };
    try {
      let json: Obj = {};
      if (route.body) {
        const text = await readBody(req);
        if (text.trim()) {
          try {
            json = JSON.parse(text) as Obj;
          } catch {
            throw new JsonShapeError('the request body is not valid JSON');
          }
          if (!json || typeof json !== 'object' || Array.isArray(json))
            throw new JsonShapeError('the request body must be a JSON object');
        }
      } else {
        for (const key of new Set(url.searchParams.keys())) {
          const values = url.searchParams.getAll(key);
          // Unknown query parameters (pretty, noPayloadShorthand, ...) are not request fields; they are skipped.
          values.forEach((v, i) => setJsonPath(route.requestType, json, key, v, i > 0));
        }
      }
      for (const [path, value] of Object.entries(params)) setJsonPath(route.requestType, json, path, value, false);
      const plain = messageFromJson(route.requestType, json, '', jsonOpts);
      // Round-trip through the wire format so the handler sees exactly what a gRPC call would decode.
      let message: protobuf.Message;
      try {
        message = route.requestType.fromObject(plain);
      } catch (err) {
        throw new JsonShapeError(`the request does not fit ${route.requestType.name}: ${(err as Error).message}`);
      }
      const request = route.requestType.decode(route.requestType.encode(message).finish()) as unknown as Obj;
      const ac = new AbortController();
      res.on('close', () => {
        if (!res.writableFinished) ac.abort();
      });
      const handler = opts.services.get(route.service)?.[route.rpc];
      const result = await runHandler(route.service, route.rpc, handler, request, ac.signal, opts.service);
      const response = route.responseType.decode(route.responseType.encode(result).finish());
      send(200, messageToJson(route.responseType, response as unknown as Obj, jsonOpts));
    } catch (err) {
      const rpcError =
        err instanceof errors.RpcError
          ? err
          : err instanceof JsonShapeError
            ? errors.invalidArgument(err.message)
            : new errors.RpcError(errors.Status.INTERNAL, err instanceof Error ? err.message : String(err));
      send(HTTP_STATUS[rpcError.code] ?? 500, errorJson(rpcError));
    }
    return true;
  };
}
