// The gRPC-Web gateway end to end: the gateway (gateway/gateway.js, as
// gateway/main.js serves it) in front of a real candord, called the way a
// browser calls it: @connectrpc/connect-web's gRPC-Web and Connect
// transports over fetch, and raw fetch for CORS. Steps run in order and
// build on one another. test/run-e2e.sh starts candord and sets:
//
//   CANDOR_ADDR              candord's gRPC address
//   CANDOR_OPERATOR_TOKEN    an operator token
//   CANDOR_JWT_SECRET_FILE   the HS256 secret, for minting staff tokens
//   CANDORCTL                the candorctl binary (its `token mint`)
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import http from "node:http";
import { after, before, test } from "node:test";

import { Code, ConnectError, createClient } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-web";

import { createGateway } from "../gateway/gateway.js";
import { AdvocacyService } from "../gen/candor/advocacy/v1/advocacy_pb.js";
import { Network } from "../gen/candor/common/v1/network_pb.js";
import {
  EngagementService,
  Notification_Kind,
  Share_State,
} from "../gen/candor/engagement/v1/engagement_pb.js";
import { StaffService } from "../gen/candor/staff/v1/staff_pb.js";
import { Decision_Verdict } from "../gen/candor/transparency/v1/transparency_pb.js";

function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; run test/run-e2e.sh`);
  return value;
}

function mint(args) {
  return execFileSync(
    env("CANDORCTL"),
    ["token", "mint", "--secret-file", env("CANDOR_JWT_SECRET_FILE"), "--ttl", "1h", ...args],
    { encoding: "utf8" },
  ).trim();
}

const ALLOWED_ORIGIN = "https://app.candor.test";
const orgId = `web-${crypto.randomBytes(4).toString("hex")}`;
const org = `organizations/${orgId}`;
const state = {};
let server;
let baseUrl;

// A client of `service` through the gateway, as `token`, over gRPC-Web
// (or the Connect protocol with protocol "connect").
function clientFor(service, token, protocol = "grpc-web") {
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

function need(key, what) {
  if (state[key] === undefined) {
    throw new Error(`needs ${what}, which an earlier step did not produce`);
  }
  return state[key];
}

// The error `promise` rejects with, as a ConnectError.
async function errorOf(promise) {
  try {
    await promise;
  } catch (error) {
    return ConnectError.from(error);
  }
  assert.fail("the call succeeded");
}

before(async () => {
  server = http.createServer(
    createGateway({
      upstream: `http://${env("CANDOR_ADDR")}`,
      allowedOrigins: [ALLOWED_ORIGIN],
    }),
  );
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${server.address().port}`;
});

after(() => {
  server.closeAllConnections?.();
  server.close();
});

test("health: the gateway answers for itself and candord", async () => {
  const response = await fetch(`${baseUrl}/healthz`);
  assert.equal(response.status, 200);
  assert.equal((await response.text()).trim(), "ok");
  assert.equal((await fetch(`${baseUrl}/nothing-here`)).status, 404);
});

test("gRPC-Web: an operator creates an organization, its admin an employee", async () => {
  const operator = clientFor(StaffService, env("CANDOR_OPERATOR_TOKEN"));
  const created = await operator.createOrganization({
    organizationId: orgId,
    organization: { displayName: `Web Gateway Test (${orgId})` },
    firstAdmin: {
      employeeId: "A-1",
      displayName: "Ada Admin",
      email: `admin@${orgId}.example`,
    },
  });
  assert.equal(created.name, org);
  const admin = clientFor(
    StaffService,
    mint(["--org", orgId, "--subject", created.foundingAdmin, "--role", "admin", "--role", "employee"]),
  );
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
  assert.equal(member.name, `${org}/staffMembers/lena`);
  state.employeeName = member.name;
  state.employeeToken = mint(["--org", orgId, "--subject", "lena", "--role", "employee"]);
  const employee = clientFor(StaffService, state.employeeToken);
  const updated = await employee.updateStaffMember({
    staffMember: {
      name: member.name,
      advocacyConsent: true,
      socialAccounts: [{ network: Network.LINKEDIN, handle: `lena-${orgId}` }],
    },
    updateMask: { paths: ["advocacy_consent", "social_accounts"] },
  });
  assert.equal(updated.advocacyConsent, true);
});

test("Connect protocol: a disclosed post is created, submitted and APPROVED", async () => {
  const advocacy = clientFor(AdvocacyService, need("employeeToken", "the employee"), "connect");
  const post = await advocacy.createPost({
    parent: org,
    post: {
      network: Network.LINKEDIN,
      text:
        "#ad Proud of my team this week: we shipped the new payments " +
        "dashboard. Ask me anything about how we got there.",
    },
  });
  const submitted = await advocacy.submitPost({ name: post.name });
  assert.equal(submitted.decision.verdict, Decision_Verdict.APPROVED);
  state.post = submitted.post;
});

test("errors keep their code and message; no token is UNAUTHENTICATED", async () => {
  for (const protocol of ["grpc-web", "connect"]) {
    const advocacy = clientFor(AdvocacyService, need("employeeToken", "the employee"), protocol);
    const invalid = await errorOf(advocacy.createPost({ parent: org, post: {} }));
    assert.equal(invalid.code, Code.InvalidArgument, `${protocol}: ${invalid.message}`);
    assert.match(invalid.rawMessage, /post\.|network|text/, protocol);
    const anonymous = clientFor(StaffService, undefined, protocol);
    const refused = await errorOf(anonymous.getStaffMember({ name: state.employeeName }));
    assert.equal(refused.code, Code.Unauthenticated, protocol);
  }
});

test("a refusal for going too fast keeps its RetryInfo", async () => {
  const engagement = clientFor(EngagementService, need("employeeToken", "the employee"));
  // Writes past the burst (200 by default) are refused with a retry delay.
  let refusal;
  for (let batch = 0; batch < 6 && refusal === undefined; ++batch) {
    const calls = Array.from({ length: 60 }, () =>
      engagement.markNotificationsRead({ parent: state.employeeName }).then(
        () => undefined,
        (error) => ConnectError.from(error),
      ),
    );
    refusal = (await Promise.all(calls)).find((e) => e !== undefined);
  }
  assert.ok(refusal, "no write was refused");
  assert.equal(refusal.code, Code.ResourceExhausted, refusal.message);
  const retry = refusal.details.find((d) => d.type === "google.rpc.RetryInfo");
  assert.ok(retry, `no RetryInfo among ${JSON.stringify(refusal.details)}`);
  assert.ok(retry.value.length > 0);
});

// A share of the approved post whose text is not the post's: NONCOMPLIANT,
// which notifies its author.
async function noncompliantShare(engagement) {
  const share = await engagement.createShare({
    parent: need("post", "the APPROVED post").name,
    share: {
      network: Network.LINKEDIN,
      publishedText: `Proud of my team: we shipped the new payments dashboard! ${crypto.randomUUID()}`,
    },
  });
  assert.equal(share.state, Share_State.NONCOMPLIANT);
  return share;
}

// The next notification of `stream` about `subject`, skipping others.
async function nextAbout(iterator, subject) {
  for (;;) {
    const { value, done } = await iterator.next();
    assert.ok(!done, `the stream ended before a notification about ${subject}`);
    if (value.notification?.subject === subject) return value.notification;
  }
}

test("WatchNotifications streams through the gateway, and resumes", async () => {
  // The refusals above must not refuse these writes: wait out the limit.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const engagement = clientFor(EngagementService, need("employeeToken", "the employee"));
  const firstStream = new AbortController();
  const iterator = engagement
    .watchNotifications({ parent: state.employeeName }, { signal: firstStream.signal, timeoutMs: 20000 })
    [Symbol.asyncIterator]();
  const share = await noncompliantShare(engagement);
  const first = await nextAbout(iterator, share.name);
  assert.equal(first.kind, Notification_Kind.NONCOMPLIANT_SHARE);
  assert.ok(first.resumeToken.length > 0);
  firstStream.abort();

  const secondStream = new AbortController();
  const resumed = engagement
    .watchNotifications(
      { parent: state.employeeName, resumeToken: first.resumeToken },
      { signal: secondStream.signal, timeoutMs: 20000 },
    )
    [Symbol.asyncIterator]();
  const next = await noncompliantShare(engagement);
  const second = await nextAbout(resumed, next.name);
  assert.notEqual(second.name, first.name);
  secondStream.abort();
});

test("the caller's deadline holds: a quiet stream ends DEADLINE_EXCEEDED", async () => {
  const engagement = clientFor(EngagementService, need("employeeToken", "the employee"));
  const started = Date.now();
  const error = await errorOf(
    (async () => {
      for await (const _ of engagement.watchNotifications(
        { parent: state.employeeName, resumeToken: "" },
        { timeoutMs: 1500 },
      )) {
        // Unread notifications come first; the deadline ends the stream.
      }
    })(),
  );
  assert.equal(error.code, Code.DeadlineExceeded, error.message);
  assert.ok(Date.now() - started < 10000);
});

test("client-streaming methods are not offered to browsers", async () => {
  const response = await fetch(`${baseUrl}/candor.staff.v1.StaffService/ImportStaffMembers`, {
    method: "POST",
    headers: {
      "content-type": "application/grpc-web+proto",
      authorization: `Bearer ${env("CANDOR_OPERATOR_TOKEN")}`,
    },
    body: new Uint8Array([0, 0, 0, 0, 0]),
  });
  // gRPC-Web sends the status in a trailer frame at the end of the body.
  const trailer = Buffer.from(await response.arrayBuffer()).toString("latin1");
  assert.match(trailer, new RegExp(`grpc-status: ${Code.Unimplemented}\r\n`));
  assert.match(trailer, /ImportStaffMembers%20is%20not%20implemented/);
});

test("CORS: listed origins may call, others are refused", async () => {
  const preflight = (origin) =>
    fetch(`${baseUrl}/candor.staff.v1.StaffService/GetStaffMember`, {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,content-type,x-grpc-web",
      },
    });
  const allowed = await preflight(ALLOWED_ORIGIN);
  assert.equal(allowed.status, 204);
  assert.equal(allowed.headers.get("access-control-allow-origin"), ALLOWED_ORIGIN);
  assert.match(allowed.headers.get("access-control-allow-headers"), /authorization/);
  assert.match(allowed.headers.get("access-control-expose-headers"), /grpc-status/i);

  const refused = await preflight("https://evil.example");
  assert.equal(refused.status, 403);
  assert.equal(refused.headers.get("access-control-allow-origin"), null);

  // The call itself from an unlisted origin does not reach candord.
  const call = await fetch(`${baseUrl}/candor.staff.v1.StaffService/GetStaffMember`, {
    method: "POST",
    headers: { origin: "https://evil.example", "content-type": "application/json" },
    body: JSON.stringify({ name: state.employeeName }),
  });
  assert.equal(call.status, 403);
});
