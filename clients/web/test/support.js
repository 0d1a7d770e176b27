// What the web tests share: the environment test/run-e2e.sh sets (through
// tests/support/with-candord), tokens, typed clients through a gateway,
// and an organization with an employee ready to post.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import http from "node:http";

import { createClient } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-web";

import { createGateway } from "../gateway/gateway.js";
import { Network } from "../gen/candor/common/v1/network_pb.js";
import { StaffService } from "../gen/candor/staff/v1/staff_pb.js";

export function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; run test/run-e2e.sh`);
  return value;
}

// A token from `candorctl token mint` with `args` (and --ttl 1h unless
// they give one).
export function mint(args) {
  const ttl = args.includes("--ttl") ? [] : ["--ttl", "1h"];
  return execFileSync(
    env("CANDORCTL"),
    ["token", "mint", "--secret-file", env("CANDOR_JWT_SECRET_FILE"), ...ttl, ...args],
    { encoding: "utf8" },
  ).trim();
}

// Serves the gateway (with the web app) on a free port of 127.0.0.1 in
// this process; resolves to { server, baseUrl }.
export async function startGateway({ allowedOrigins = [] } = {}) {
  const server = http.createServer(
    createGateway({
      upstream: `http://${env("CANDOR_ADDR")}`,
      allowedOrigins,
      staticDir: new URL("../dist", import.meta.url).pathname,
    }),
  );
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, baseUrl: `http://127.0.0.1:${server.address().port}` };
}

export function stopGateway({ server }) {
  server.closeAllConnections?.();
  server.close();
}

// A client of `service` through the gateway at `baseUrl`, as `token`, over
// gRPC-Web (or the Connect protocol with protocol "connect").
export function clientFor(baseUrl, service, token, protocol = "grpc-web") {
  const create =
    protocol === "connect" ? createConnectTransport : createGrpcWebTransport;
  const transport = create({
    baseUrl,
    interceptors: [
      (next) => (request) => {
        if (token) request.header.set("authorization", `Bearer ${token}`);
        return next(request);
      },
    ],
  });
  return createClient(service, transport);
}

// A new organization (`prefix`-<random>) whose admin creates the employee
// "lena", who consents and links LinkedIn. Resolves to { orgId, org,
// adminToken, employeeName, employeeToken }.
export async function makeOrgWithEmployee(baseUrl, prefix) {
  const orgId = `${prefix}-${crypto.randomBytes(4).toString("hex")}`;
  const org = `organizations/${orgId}`;
  const operator = clientFor(baseUrl, StaffService, env("CANDOR_OPERATOR_TOKEN"));
  const created = await operator.createOrganization({
    organizationId: orgId,
    organization: { displayName: `Web Test (${orgId})` },
    firstAdmin: {
      employeeId: "A-1",
      displayName: "Ada Admin",
      email: `admin@${orgId}.example`,
    },
  });
  assert.equal(created.name, org);
  const adminToken = mint([
    "--org", orgId, "--subject", created.foundingAdmin, "--role", "admin", "--role", "employee",
  ]);
  const admin = clientFor(baseUrl, StaffService, adminToken);
  const member = await admin.createStaffMember({
    parent: org,
    staffMemberId: "lena",
    staffMember: {
      employeeId: "E-1",
      displayName: "Lena Lovelace",
      email: `lena@${orgId}.example`,
      department: "Engineering",
    },
  });
  const employeeToken = mint(["--org", orgId, "--subject", "lena", "--role", "employee"]);
  const employee = clientFor(baseUrl, StaffService, employeeToken);
  const updated = await employee.updateStaffMember({
    staffMember: {
      name: member.name,
      advocacyConsent: true,
      socialAccounts: [{ network: Network.LINKEDIN, handle: `lena-${orgId}` }],
    },
    updateMask: { paths: ["advocacy_consent", "social_accounts"] },
  });
  assert.equal(updated.advocacyConsent, true);
  return { orgId, org, adminToken, employeeName: member.name, employeeToken };
}
