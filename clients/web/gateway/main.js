// candor-web-gateway: serves browsers on one HTTP port (gRPC-Web and the
// Connect protocol) and forwards their calls to candord (gateway.js).
//
//   node gateway/main.js --listen 127.0.0.1:8080 --upstream http://127.0.0.1:50051 \
//     [--upstream-ca FILE [--upstream-cert FILE --upstream-key FILE]] \
//     [--allowed-origin https://app.example.com ...] [--static-dir DIR]
//
// With https:// upstream, --upstream-ca is the CA that signed candord's
// certificate, and --upstream-cert/--upstream-key the gateway's own client
// certificate when candord requires one (mutual TLS). The web app is
// served at / from --static-dir (default: dist/ beside gateway/).
//
// Prints "candor-web-gateway: serving on http://HOST:PORT" once it listens
// (with --listen HOST:0, the port it got). SIGTERM and SIGINT stop it
// gracefully: no new connections, calls in flight finish.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

import { createGateway } from "./gateway.js";

// What `ps` and /proc/PID/comm show: deploy/local/down finds it by this.
process.title = "web-gateway";

function fail(message) {
  console.error(`candor-web-gateway: ${message}`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    listen: { type: "string", default: "127.0.0.1:8080" },
    upstream: { type: "string", default: "http://127.0.0.1:50051" },
    "upstream-ca": { type: "string" },
    "upstream-cert": { type: "string" },
    "upstream-key": { type: "string" },
    "allowed-origin": { type: "string", multiple: true, default: [] },
    // The web app that build.sh bundles; "" serves none.
    "static-dir": {
      type: "string",
      default: path.join(path.dirname(fileURLToPath(import.meta.url)), "../dist"),
    },
  },
  strict: true,
});

const colon = values.listen.lastIndexOf(":");
const host = values.listen.slice(0, colon);
const port = Number(values.listen.slice(colon + 1));
if (colon < 0 || !Number.isInteger(port) || port < 0 || port > 65535) {
  fail(`--listen must be HOST:PORT, not ${values.listen}`);
}
if (!/^https?:\/\/[^/]+$/.test(values.upstream)) {
  fail(`--upstream must be http://HOST:PORT or https://HOST:PORT`);
}
for (const origin of values["allowed-origin"]) {
  if (!/^https?:\/\/[^/]+$/.test(origin)) {
    fail(`--allowed-origin must be scheme://host[:port], not ${origin}`);
  }
}
if ((values["upstream-cert"] === undefined) !== (values["upstream-key"] === undefined)) {
  fail("--upstream-cert and --upstream-key go together");
}
const readIfGiven = (flag) =>
  values[flag] === undefined ? undefined : fs.readFileSync(values[flag], "utf8");

const server = http.createServer(
  createGateway({
    upstream: values.upstream,
    upstreamTls: {
      ca: readIfGiven("upstream-ca"),
      cert: readIfGiven("upstream-cert"),
      key: readIfGiven("upstream-key"),
    },
    allowedOrigins: values["allowed-origin"],
    staticDir: values["static-dir"] === "" ? undefined : values["static-dir"],
  }),
);
server.listen(port, host, () => {
  const address = server.address();
  console.log(
    `candor-web-gateway: serving on http://${address.address}:${address.port}`,
  );
});
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    // Long-lived streams (WatchNotifications) would hold close() open.
    setTimeout(() => process.exit(0), 5000).unref();
    server.closeIdleConnections?.();
  });
}
