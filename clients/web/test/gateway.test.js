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
import crypto from "node:crypto";
import { after, before, test } from "node:test";

import { Code, ConnectError } from "@connectrpc/connect";

import { AdvocacyService } from "../gen/candor/advocacy/v1/advocacy_pb.js";
import { Network } from "../gen/candor/common/v1/network_pb.js";
import {
  EngagementService,
  Notification_Kind,
  Share_State,
} from "../gen/candor/engagement/v1/engagement_pb.js";
import { StaffService } from "../gen/candor/staff/v1/staff_pb.js";
import { Decision_Verdict } from "../gen/candor/transparency/v1/transparency_pb.js";
import {
  clientFor as clientThrough,
  env,
  makeOrgWithEmployee,
  startGateway,
  stopGateway,
} from "./support.js";

const ALLOWED_ORIGIN = "https://app.candor.test";
const state = {};
let gateway;
let baseUrl;
let org;

function clientFor(service, token, protocol) {
  return clientThrough(baseUrl, service, token, protocol);
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
  gateway = await startGateway({ allowedOrigins: [ALLOWED_ORIGIN] });
  baseUrl = gateway.baseUrl;
});

after(() => stopGateway(gateway));

test("health: the gateway answers for itself and candord", async () => {
  const response = await fetch(`${baseUrl}/healthz`);
  assert.equal(response.status, 200);
  assert.equal((await response.text()).trim(), "ok");
  assert.equal((await fetch(`${baseUrl}/nothing-here`)).status, 404);
});

test("gRPC-Web: an operator creates an organization, its admin an employee", async () => {
  const made = await makeOrgWithEmployee(baseUrl, "web");
  org = made.org;
  state.employeeName = made.employeeName;
  state.employeeToken = made.employeeToken;
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
  // Writes past the burst (200 by default, refilled at 50/s) are refused
  // with a retry delay; batches of 100 drain it however slow the machine.
  let refusal;
  for (let batch = 0; batch < 30 && refusal === undefined; ++batch) {
    const calls = Array.from({ length: 100 }, () =>
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
