// The employee's web app: sign in with a token, write a post with the
// published rules checked as you type (EvaluatePost, debounced), submit it
// and read the decision with every rule's explanation. It calls Candor
// through the gateway that serves it (same origin, gRPC-Web) with the
// typed client generated from proto/ (gen/). build.sh bundles it into
// dist/app.js.
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";

import { Network } from "../gen/candor/common/v1/network_pb.js";
import { AdvocacyService } from "../gen/candor/advocacy/v1/advocacy_pb.js";
import { StaffService } from "../gen/candor/staff/v1/staff_pb.js";
import { ValuesService } from "../gen/candor/values/v1/values_pb.js";
import {
  Decision_Verdict,
  Outcome,
  Rule_Severity,
  TransparencyService,
} from "../gen/candor/transparency/v1/transparency_pb.js";

// Live checks wait this long after the last keystroke.
const EVALUATE_DEBOUNCE_MS = 400;
// The token lives in this tab only (sessionStorage), never in a cookie.
const TOKEN_KEY = "candor.token";

const $ = (id) => document.getElementById(id);

let session = null; // { token, org, me, clients }

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
    transparency: createClient(TransparencyService, transport),
    values: createClient(ValuesService, transport),
  };
}

// A sentence for a failed call.
function describeError(error) {
  const e = ConnectError.from(error);
  if (e.code === Code.Unauthenticated) {
    return "Your token was not accepted (expired or invalid). Ask for a new one.";
  }
  if (e.code === Code.PermissionDenied) return `Not allowed: ${e.rawMessage}`;
  if (e.code === Code.ResourceExhausted) return `Too fast: ${e.rawMessage}. Try again shortly.`;
  return `${Code[e.code]}: ${e.rawMessage}`;
}

function ruleItem(result) {
  const item = document.createElement("li");
  const review = result.severity === Rule_Severity.REVIEW;
  item.className = `rule ${result.passed ? "passed" : "failed"}${review ? " review" : ""}`;
  item.dataset.ruleId = result.ruleId;
  const head = document.createElement("div");
  const verdict = document.createElement("span");
  verdict.className = "verdict";
  verdict.textContent = result.passed
    ? "Passes"
    : review
      ? "Needs a reviewer"
      : "Blocks the post";
  const title = document.createElement("strong");
  title.textContent = ` ${result.title}`;
  head.append(verdict, ":", title);
  const why = document.createElement("p");
  why.textContent = result.explanation;
  item.append(head, why);
  return item;
}

function showResults(list, results) {
  list.replaceChildren(...results.map(ruleItem));
}

const OUTCOME_TEXT = {
  [Outcome.APPROVED]: "Every rule passes: it would be approved.",
  [Outcome.NEEDS_REVIEW]: "A reviewer would decide: see the rules marked below.",
  [Outcome.REJECTED]: "A blocking rule fails: it would be rejected as it is.",
};

const VERDICT_TEXT = {
  [Decision_Verdict.APPROVED]: "Approved. You can share it.",
  [Decision_Verdict.NEEDS_REVIEW]: "Sent to a reviewer.",
  [Decision_Verdict.REJECTED]: "Rejected.",
};

// --- values ----------------------------------------------------------------

// One value: its statement, its endorsements (a toggle), and a feedback
// form.
function valueItem(value) {
  const item = document.createElement("li");
  item.className = "value";
  item.dataset.value = value.name;
  const title = document.createElement("h3");
  title.textContent = value.title;
  const statement = document.createElement("p");
  statement.textContent = value.statement;
  const endorse = document.createElement("button");
  endorse.type = "button";
  endorse.setAttribute("aria-pressed", String(value.endorsedByCaller));
  endorse.textContent = `${value.endorsedByCaller ? "Endorsed" : "Endorse"} (${value.endorsementCount})`;
  endorse.addEventListener("click", () => toggleEndorsement(value, item));

  const form = document.createElement("form");
  const id = `feedback-${value.name.split("/").pop()}`;
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = `Your feedback on "${value.title}"`;
  const text = document.createElement("textarea");
  text.id = id;
  text.rows = 2;
  text.required = true;
  const anonymousLabel = document.createElement("label");
  anonymousLabel.className = "inline";
  const anonymous = document.createElement("input");
  anonymous.type = "checkbox";
  anonymousLabel.append(anonymous, " Send anonymously");
  const send = document.createElement("button");
  send.type = "submit";
  send.textContent = "Send feedback";
  const sent = document.createElement("p");
  sent.setAttribute("role", "status");
  form.append(label, text, anonymousLabel, send, sent);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await session.clients.values.createValueFeedback({
        parent: value.name,
        feedback: { text: text.value, anonymous: anonymous.checked },
        requestId: crypto.randomUUID(),
      });
      text.value = "";
      sent.textContent = anonymous.checked
        ? "Sent anonymously. Thank you."
        : "Sent. Thank you.";
    } catch (error) {
      sent.textContent = describeError(error);
    }
  });
  item.append(title, statement, endorse, form);
  return item;
}

async function toggleEndorsement(value, item) {
  try {
    // Endorsing is idempotent by itself: no request_id.
    const request = { name: value.name };
    const updated = value.endorsedByCaller
      ? await session.clients.values.unendorseValue(request)
      : await session.clients.values.endorseValue(request);
    const fresh = valueItem(updated);
    item.replaceWith(fresh);
    fresh.querySelector("button").focus();
  } catch (error) {
    $("values-error").textContent = describeError(error);
  }
}

async function loadValues() {
  try {
    const { values } = await session.clients.values.listValues({
      parent: `organizations/${session.org}`,
      pageSize: 100,
    });
    $("value-list").replaceChildren(...values.map(valueItem));
    if (values.length === 0) $("value-list").textContent = "No values published yet.";
  } catch (error) {
    $("values-error").textContent = describeError(error);
  }
}

// --- posts -----------------------------------------------------------------

function currentPost() {
  return {
    author: session.me,
    network: Network[$("network").value],
    text: $("text").value,
  };
}

// The newest evaluation wins: answers to older keystrokes are dropped.
let evaluation = 0;
let debounce = null;
async function evaluateNow() {
  const mine = ++evaluation;
  const post = currentPost();
  if (post.text.trim() === "") {
    $("rules-summary").textContent = "Start typing to check your post.";
    $("rule-results").replaceChildren();
    return;
  }
  try {
    const result = await session.clients.transparency.evaluatePost({
      parent: `organizations/${session.org}`,
      post,
    });
    if (mine !== evaluation) return;
    $("rules-summary").textContent = OUTCOME_TEXT[result.outcome] ?? "";
    showResults($("rule-results"), result.results);
    $("compose-error").textContent = "";
  } catch (error) {
    if (mine === evaluation) $("compose-error").textContent = describeError(error);
  }
}

function scheduleEvaluation() {
  clearTimeout(debounce);
  debounce = setTimeout(evaluateNow, EVALUATE_DEBOUNCE_MS);
}

async function submit(event) {
  event.preventDefault();
  const { network, text } = currentPost();
  $("submit").disabled = true;
  try {
    const post = await session.clients.advocacy.createPost({
      parent: `organizations/${session.org}`,
      post: { network, text },
      requestId: crypto.randomUUID(),
    });
    const { decision } = await session.clients.advocacy.submitPost({ name: post.name });
    $("decision").hidden = false;
    $("decision-summary").textContent = VERDICT_TEXT[decision.verdict] ?? "Decided.";
    showResults($("decision-results"), decision.results);
    $("compose-error").textContent = "";
  } catch (error) {
    $("compose-error").textContent = describeError(error);
  } finally {
    $("submit").disabled = false;
  }
}

async function signIn(token) {
  const claims = claimsOf(token);
  const org = claims.org;
  if (!org) throw new Error("this token names no organization");
  const me = claims.sub.startsWith("organizations/")
    ? claims.sub
    : `organizations/${org}/staffMembers/${claims.sub}`;
  const clients = clientsFor(token);
  // Also checks the token: an expired one fails here.
  const profile = await clients.staff.getStaffMember({ name: me });
  session = { token, org, me, clients };
  sessionStorage.setItem(TOKEN_KEY, token);
  $("who").textContent = `Signed in as ${profile.displayName} (${org}).`;
  $("token").value = "";
  $("sign-in").hidden = true;
  $("sign-out").hidden = false;
  $("values").hidden = false;
  $("compose").hidden = false;
  loadValues();
}

function signOut() {
  session = null;
  sessionStorage.removeItem(TOKEN_KEY);
  $("who").textContent = "Not signed in.";
  $("sign-in").hidden = false;
  $("sign-out").hidden = true;
  $("values").hidden = true;
  $("compose").hidden = true;
}

async function trySignIn(token) {
  $("sign-in-error").textContent = "";
  try {
    await signIn(token.trim());
  } catch (error) {
    signOut();
    $("sign-in-error").textContent =
      error instanceof ConnectError ? describeError(error) : error.message;
  }
}

$("sign-in-form").addEventListener("submit", (event) => {
  event.preventDefault();
  trySignIn($("token").value);
});
$("sign-out").addEventListener("click", signOut);
$("text").addEventListener("input", scheduleEvaluation);
$("network").addEventListener("change", scheduleEvaluation);
$("compose-form").addEventListener("submit", submit);

const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) trySignIn(saved);
