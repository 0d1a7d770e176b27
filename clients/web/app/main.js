// The employee's web app: sign in with a token, then values, stories for
// my department, a post written with the published rules checked as I
// type, my posts and shares with their metrics, live notifications, the
// review queue (reviewers), the audit log verified here and the
// transparency report. It calls Candor through the gateway that serves it
// (same origin, gRPC-Web) with the typed client generated from proto/
// (gen/). build.sh bundles it into dist/app.js.
import { ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";

import { AdvocacyService } from "../gen/candor/advocacy/v1/advocacy_pb.js";
import { EngagementService } from "../gen/candor/engagement/v1/engagement_pb.js";
import { StaffService } from "../gen/candor/staff/v1/staff_pb.js";
import { TransparencyService } from "../gen/candor/transparency/v1/transparency_pb.js";
import { ValuesService } from "../gen/candor/values/v1/values_pb.js";

import { verifyAuditLog } from "./auditlog.js";
import { initCompose } from "./compose.js";
import { startNotifications } from "./notifications.js";
import { loadMyPosts } from "./posts.js";
import { loadReport } from "./report.js";
import { loadReviewQueue } from "./review.js";
import { loadStories } from "./stories.js";
import { $, describeError } from "./ui.js";
import { loadValues } from "./values.js";

// The token lives in this tab only (sessionStorage), never in a cookie.
const TOKEN_KEY = "candor.token";
// Shown once signed in; "review" only to reviewers and admins.
const SECTIONS = ["notifications", "values", "stories", "compose", "my-posts", "review", "audit", "report"];

// { token, orgName, me, isReviewer, clients, stopNotifications }
let session = null;

// The claims of a JWT, without checking it: the server checks every call.
function claimsOf(token) {
  const payload = token.split(".")[1];
  if (payload === undefined) throw new Error("that is not a token");
  const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
  return JSON.parse(json);
}

function clientsFor(token) {
  const transport = createGrpcWebTransport({
    baseUrl: window.location.origin,
    interceptors: [
      (next) => (request) => {
        request.header.set("authorization", `Bearer ${token}`);
        return next(request);
      },
    ],
  });
  return {
    staff: createClient(StaffService, transport),
    advocacy: createClient(AdvocacyService, transport),
    engagement: createClient(EngagementService, transport),
    transparency: createClient(TransparencyService, transport),
    values: createClient(ValuesService, transport),
  };
}

function showSignedIn(signedIn) {
  $("sign-in").hidden = signedIn;
  $("sign-out").hidden = !signedIn;
  $("nav").hidden = !signedIn;
  for (const id of SECTIONS) {
    $(id).hidden = !signedIn || (id === "review" && !session.isReviewer);
  }
  $("nav-review").hidden = !signedIn || !session.isReviewer;
}

async function signIn(token) {
  const claims = claimsOf(token);
  const org = claims.org;
  if (!org) throw new Error("this token names no organization");
  const orgName = `organizations/${org}`;
  const me = claims.sub.startsWith("organizations/") ? claims.sub : `${orgName}/staffMembers/${claims.sub}`;
  const roles = claims.roles ?? [];
  const clients = clientsFor(token);
  // Also checks the token: an expired one fails here.
  const profile = await clients.staff.getStaffMember({ name: me });
  session = {
    token,
    orgName,
    me,
    isReviewer: roles.includes("reviewer") || roles.includes("admin"),
    clients,
  };
  sessionStorage.setItem(TOKEN_KEY, token);
  $("who").textContent = `Signed in as ${profile.displayName} (${org}).`;
  $("token").value = "";
  showSignedIn(true);
  session.stopNotifications = startNotifications(session);
  loadValues(session);
  loadStories(session);
  loadMyPosts(session);
  if (session.isReviewer) loadReviewQueue(session);
  loadReport(session);
}

function signOut() {
  session?.stopNotifications?.();
  session = null;
  sessionStorage.removeItem(TOKEN_KEY);
  $("who").textContent = "Not signed in.";
  showSignedIn(false);
}

async function trySignIn(token) {
  $("sign-in-error").textContent = "";
  try {
    await signIn(token.trim());
  } catch (error) {
    signOut();
    $("sign-in-error").textContent = error instanceof ConnectError ? describeError(error) : error.message;
  }
}

$("sign-in-form").addEventListener("submit", (event) => {
  event.preventDefault();
  trySignIn($("token").value);
});
$("sign-out").addEventListener("click", signOut);
initCompose(() => session, () => loadMyPosts(session));
$("refresh-posts").addEventListener("click", () => loadMyPosts(session));
$("refresh-review").addEventListener("click", () => loadReviewQueue(session));
$("verify-audit").addEventListener("click", () => verifyAuditLog(session));
$("refresh-report").addEventListener("click", () => loadReport(session));

const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) trySignIn(saved);
