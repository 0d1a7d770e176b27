// What the web gateway costs: the same unary call (StaffService/
// GetStaffMember, a cached read) made directly to candord over gRPC and
// through the gateway over gRPC-Web and Connect, from one Node process at
// the same concurrency, and the gateway's memory. Prints a Markdown table.
//
//   tests/support/with-candord build node clients/web/bench/overhead.js \
//     [--seconds 5] [--concurrency 16,64]
//
// The gateway runs as it ships (gateway/main.js, its own process), so its
// resident memory is its own. Run it on an otherwise idle machine: the
// client, the gateway and candord share the cores.
import { execFileSync, spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

import { createClient } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";

import { StaffService } from "../gen/candor/staff/v1/staff_pb.js";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "5" },
    concurrency: { type: "string", default: "16,64" },
  },
});
const seconds = Number(values.seconds);
const concurrencies = values.concurrency.split(",").map(Number);

function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; run under tests/support/with-candord`);
  return value;
}

function withToken(token) {
  return [
    (next) => (request) => {
      request.header.set("authorization", `Bearer ${token}`);
      return next(request);
    },
  ];
}

// Starts gateway/main.js on a free port; resolves to { url, pid, stop }.
function startGateway() {
  const main = path.join(path.dirname(new URL(import.meta.url).pathname), "../gateway/main.js");
  const child = spawn(
    process.execPath,
    [main, "--listen", "127.0.0.1:0", "--upstream", `http://${env("CANDOR_ADDR")}`],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the gateway exited (${code})`)));
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (text) => {
      const match = /serving on (http:\/\/\S+)/.exec(text);
      if (match) {
        resolve({ url: match[1], pid: child.pid, stop: () => child.kill("SIGTERM") });
      }
    });
  });
}

// VmRSS and VmHWM (peak) of process `pid`, in MiB.
function memoryOf(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)[1]);
  return { rss: kib("VmRSS") / 1024, peak: kib("VmHWM") / 1024 };
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

// `concurrency` loops calling `call` for `seconds`; calls/s and latency
// percentiles in ms.
async function measure(call, concurrency) {
  // Warm-up: connections, caches, JIT.
  await Promise.all(Array.from({ length: concurrency }, () => call()));
  const latencies = [];
  const end = performance.now() + seconds * 1000;
  let failures = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const started = performance.now();
        try {
          await call();
          latencies.push(performance.now() - started);
        } catch {
          ++failures;
        }
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return {
    rate: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    failures,
  };
}

const orgId = `bench-${crypto.randomBytes(4).toString("hex")}`;

const operator = createClient(
  StaffService,
  createGrpcTransport({
    baseUrl: `http://${env("CANDOR_ADDR")}`,
    httpVersion: "2",
    interceptors: withToken(env("CANDOR_OPERATOR_TOKEN")),
  }),
);
const created = await operator.createOrganization({
  organizationId: orgId,
  organization: { displayName: "Gateway benchmark" },
  firstAdmin: { employeeId: "A-1", displayName: "Ada Admin", email: `admin@${orgId}.example` },
});
const token = execFileSync(
  env("CANDORCTL"),
  ["token", "mint", "--secret-file", env("CANDOR_JWT_SECRET_FILE"), "--ttl", "1h",
    "--org", orgId, "--subject", created.foundingAdmin, "--role", "admin", "--role", "employee"],
  { encoding: "utf8" },
).trim();
const request = { name: created.foundingAdmin };

const gateway = await startGateway();
const idle = memoryOf(gateway.pid);
const modes = [
  ["direct gRPC (HTTP/2)", createGrpcTransport({ baseUrl: `http://${env("CANDOR_ADDR")}`, httpVersion: "2", interceptors: withToken(token) })],
  ["gateway, gRPC-Web (HTTP/1.1)", createGrpcWebTransport({ baseUrl: gateway.url, httpVersion: "1.1", interceptors: withToken(token) })],
  ["gateway, Connect (HTTP/1.1)", createConnectTransport({ baseUrl: gateway.url, httpVersion: "1.1", interceptors: withToken(token) })],
];


console.log(`GetStaffMember, ${seconds} s per row, one Node client process\n`);
console.log("| path | in flight | calls/s | p50 ms | p99 ms | failed |");
console.log("|---|---:|---:|---:|---:|---:|");
for (const concurrency of concurrencies) {
  for (const [name, transport] of modes) {
    const staff = createClient(StaffService, transport);
    const result = await measure(() => staff.getStaffMember(request), concurrency);
    console.log(
      `| ${name} | ${concurrency} | ${result.rate.toFixed(0)} | ${result.p50.toFixed(2)} | ${result.p99.toFixed(2)} | ${result.failures} |`,
    );
  }
}
const after = memoryOf(gateway.pid);
console.log(
  `\nGateway memory: ${idle.rss.toFixed(0)} MiB resident idle, ${after.rss.toFixed(0)} MiB after the runs, peak ${after.peak.toFixed(0)} MiB.`,
);
gateway.stop();
process.exit(0);
