// The gRPC-Web gateway: one HTTP port for browsers, speaking gRPC-Web and
// the Connect protocol (both from @connectrpc/connect-node), that forwards
// every unary and server-streaming method of Candor's API to candord over
// native gRPC. Each forwarded call keeps the caller's bearer token, its
// deadline and its cancellation; an error keeps its code, message and
// details (RetryInfo among them). It holds no state: any number of
// gateways can sit in front of any number of candord replicas. It also
// serves the employee's web app (dist/, built by build.sh) at /.
//
// Client-streaming methods (ImportStaffMembers, RecordEngagementEvents)
// are not offered: browsers' fetch cannot stream a request body over
// gRPC-Web. They stay with candorctl and native gRPC clients, and browsers
// get UNIMPLEMENTED.
import fs from "node:fs";
import http2 from "node:http2";
import path from "node:path";

import { ConnectError, createClient, cors } from "@connectrpc/connect";
import {
  connectNodeAdapter,
  createGrpcTransport,
} from "@connectrpc/connect-node";

import { AdvocacyService } from "../gen/candor/advocacy/v1/advocacy_pb.js";
import { EngagementService } from "../gen/candor/engagement/v1/engagement_pb.js";
import { PrivacyService } from "../gen/candor/privacy/v1/privacy_pb.js";
import { StaffService } from "../gen/candor/staff/v1/staff_pb.js";
import { TransparencyService } from "../gen/candor/transparency/v1/transparency_pb.js";
import { ValuesService } from "../gen/candor/values/v1/values_pb.js";

const SERVICES = [
  StaffService,
  ValuesService,
  TransparencyService,
  AdvocacyService,
  EngagementService,
  PrivacyService,
];

// Request headers a call passes on to candord. Everything else (cookies,
// the browser's own headers) stays at the gateway.
const FORWARDED_HEADERS = ["authorization", "x-request-id"];

// Matches what candord accepts (gRPC's 4 MiB default).
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

// Headers an error from candord arrives with that belong to the gRPC
// protocol, not to the error: the gateway's own protocol writes its own.
function isProtocolHeader(name) {
  return (
    name.startsWith("grpc-") ||
    name === "content-type" ||
    name === "te" ||
    name.startsWith(":")
  );
}

// A call's options towards candord: the caller's token and request id,
// what is left of its deadline, and its cancellation.
function forwardedOptions(context) {
  const headers = new Headers();
  for (const name of FORWARDED_HEADERS) {
    const value = context.requestHeader.get(name);
    if (value !== null) headers.set(name, value);
  }
  return {
    headers,
    signal: context.signal,
    timeoutMs: context.timeoutMs(),
  };
}

// The error a browser gets for an error from candord: the same code,
// message and details, and candord's own metadata without its protocol
// headers.
function forwardedError(error) {
  const connectError = ConnectError.from(error);
  const metadata = new Headers();
  connectError.metadata.forEach((value, name) => {
    if (!isProtocolHeader(name)) metadata.append(name, value);
  });
  return new ConnectError(
    connectError.rawMessage,
    connectError.code,
    metadata,
    connectError.details,
    connectError.cause,
  );
}

// An implementation of `service` that forwards each of its unary and
// server-streaming methods through `client`.
function forwardingImplementation(service, client) {
  const implementation = {};
  for (const method of service.methods) {
    const call = client[method.localName];
    if (method.methodKind === "unary") {
      implementation[method.localName] = async (request, context) => {
        try {
          return await call(request, forwardedOptions(context));
        } catch (error) {
          throw forwardedError(error);
        }
      };
    } else if (method.methodKind === "server_streaming") {
      implementation[method.localName] = async function* (request, context) {
        try {
          yield* call(request, forwardedOptions(context));
        } catch (error) {
          throw forwardedError(error);
        }
      };
    }
  }
  return implementation;
}

// Asks candord's grpc.health.v1.Health/Check for the whole server (an
// empty HealthCheckRequest), with a hand-written request and answer since
// the health API is not among Candor's protos: SERVING is the answer
// bytes 08 01. Resolves to true or false, never rejects.
function checkUpstreamHealth(upstreamUrl, nodeOptions, timeoutMs) {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (healthy) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      session.close();
      resolve(healthy);
    };
    const session = http2.connect(upstreamUrl, nodeOptions);
    const timer = setTimeout(() => {
      session.destroy();
      finish(false);
    }, timeoutMs);
    session.on("error", () => finish(false));
    const stream = session.request({
      ":method": "POST",
      ":path": "/grpc.health.v1.Health/Check",
      "content-type": "application/grpc",
      te: "trailers",
    });
    const chunks = [];
    let status = null;
    stream.on("data", (chunk) => chunks.push(chunk));
    stream.on("response", (headers) => {
      if (headers["grpc-status"] !== undefined) status = headers["grpc-status"];
    });
    stream.on("trailers", (trailers) => {
      status = trailers["grpc-status"];
    });
    stream.on("error", () => finish(false));
    stream.on("close", () => {
      const body = Buffer.concat(chunks);
      // A 5-byte frame header (uncompressed, length 2), then field 1 = 1.
      const serving =
        status === "0" &&
        body.length === 7 &&
        body[0] === 0 &&
        body.readUInt32BE(1) === 2 &&
        body[5] === 0x08 &&
        body[6] === 0x01;
      finish(serving);
    });
    stream.end(Buffer.from([0, 0, 0, 0, 0]));
  });
}

// CORS for `request`: "same-origin" for a browser on the gateway's own
// origin (or a client that is no browser and sends no Origin), "allowed"
// for an origin on the list (its CORS headers set on `response`),
// "refused" for any other.
function applyCors(request, response, allowedOrigins) {
  const origin = request.headers.origin;
  if (origin === undefined) return "same-origin";
  const host = request.headers.host;
  if (origin === `http://${host}` || origin === `https://${host}`) {
    return "same-origin";
  }
  if (!allowedOrigins.has(origin)) return "refused";
  response.setHeader("Access-Control-Allow-Origin", origin);
  response.setHeader("Vary", "Origin");
  response.setHeader(
    "Access-Control-Expose-Headers",
    cors.exposedHeaders.join(", "),
  );
  if (request.method === "OPTIONS") {
    response.setHeader(
      "Access-Control-Allow-Methods",
      cors.allowedMethods.join(", "),
    );
    response.setHeader(
      "Access-Control-Allow-Headers",
      [...cors.allowedHeaders, ...FORWARDED_HEADERS].join(", "),
    );
    response.setHeader("Access-Control-Max-Age", "7200");
  }
  return "allowed";
}

const CONTENT_TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

// The app's pages: scripts and styles from this origin only, calls to this
// origin only, never framed.
const STATIC_HEADERS = {
  "content-security-policy":
    "default-src 'self'; img-src 'self' data:; object-src 'none'; " +
    "base-uri 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

// Serves GET/HEAD `request` from the directory `root` ("/" is
// index.html); false when no such file (nothing sent). Never leaves
// `root`: the URL path is resolved and checked against it.
function serveStatic(root, request, response) {
  if (request.method !== "GET" && request.method !== "HEAD") return false;
  let urlPath;
  try {
    urlPath = decodeURIComponent(new URL(request.url, "http://x").pathname);
  } catch {
    return false;
  }
  if (urlPath.endsWith("/")) urlPath += "index.html";
  const file = path.resolve(root, `.${urlPath}`);
  if (!file.startsWith(root + path.sep)) return false;
  const type = CONTENT_TYPES[path.extname(file)];
  let stat;
  try {
    stat = fs.statSync(file);
  } catch {
    return false;
  }
  if (type === undefined || !stat.isFile()) return false;
  response.writeHead(200, {
    ...STATIC_HEADERS,
    "content-type": type,
    "content-length": stat.size,
    // index.html names app.js, which changes with each build: revalidate.
    "cache-control": "no-cache",
  });
  if (request.method === "HEAD") {
    response.end();
  } else {
    fs.createReadStream(file).pipe(response);
  }
  return true;
}

function sendText(response, status, text) {
  response.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "cache-control": "no-store",
  });
  response.end(text + "\n");
}

// The gateway as a request listener for node:http's createServer.
//
// options:
//   upstream        candord's URL: http://host:port, or https:// with TLS
//   upstreamTls     for https: { ca, cert, key } in PEM, each optional: the
//                   CA that signed candord's certificate, and the gateway's
//                   client certificate and key (mutual TLS)
//   allowedOrigins  origins (scheme://host[:port]) that may call from
//                   another origin; the gateway's own always may
//   staticDir       a directory served at / (the web app, dist/); optional
export function createGateway({
  upstream,
  upstreamTls = {},
  allowedOrigins = [],
  staticDir,
}) {
  const staticRoot = staticDir === undefined ? undefined : path.resolve(staticDir);
  const nodeOptions = Object.fromEntries(
    Object.entries(upstreamTls).filter(([, pem]) => pem !== undefined),
  );
  const transport = createGrpcTransport({
    baseUrl: upstream,
    httpVersion: "2",
    nodeOptions,
  });
  const handler = connectNodeAdapter({
    grpcWeb: true,
    connect: true,
    // Native gRPC clients call candord itself.
    grpc: false,
    readMaxBytes: MAX_MESSAGE_BYTES,
    writeMaxBytes: MAX_MESSAGE_BYTES,
    routes(router) {
      for (const service of SERVICES) {
        router.service(
          service,
          forwardingImplementation(service, createClient(service, transport)),
        );
      }
    },
    fallback(request, response) {
      if (request.method === "GET" && request.url === "/healthz") {
        checkUpstreamHealth(upstream, nodeOptions, 2000).then((healthy) =>
          healthy
            ? sendText(response, 200, "ok")
            : sendText(response, 503, "candord is not serving"),
        );
        return;
      }
      if (staticRoot !== undefined && serveStatic(staticRoot, request, response)) {
        return;
      }
      sendText(response, 404, "not found");
    },
  });
  const origins = new Set(allowedOrigins);
  return (request, response) => {
    const verdict = applyCors(request, response, origins);
    if (verdict === "refused") {
      sendText(response, 403, "origin not allowed");
      return;
    }
    if (request.method === "OPTIONS") {
      response.writeHead(204);
      response.end();
      return;
    }
    handler(request, response);
  };
}
