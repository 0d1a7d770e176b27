// What every part of the app shares: building DOM nodes, sentences for
// failed calls, rule results with their explanations, times.
import { Code, ConnectError } from "@connectrpc/connect";
import { timestampDate } from "@bufbuild/protobuf/wkt";

import { Network } from "../gen/candor/common/v1/network_pb.js";
import { Rule_Severity } from "../gen/candor/transparency/v1/transparency_pb.js";

export const $ = (id) => document.getElementById(id);

// el("p", { className: "help" }, "text", child): properties are set on the
// element, except data-*, aria-*, role and for, which are attributes.
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (/^(data-|aria-|role$|for$)/.test(key)) node.setAttribute(key, String(value));
    else node[key] = value;
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

// A sentence for a failed call.
export function describeError(error) {
  const e = ConnectError.from(error);
  if (e.code === Code.Unauthenticated) {
    return "Your token was not accepted (expired or invalid). Ask for a new one.";
  }
  if (e.code === Code.PermissionDenied) return `Not allowed: ${e.rawMessage}`;
  if (e.code === Code.ResourceExhausted) return `Too fast: ${e.rawMessage}. Try again shortly.`;
  return `${Code[e.code]}: ${e.rawMessage}`;
}

export function formatTime(timestamp) {
  return timestamp ? timestampDate(timestamp).toLocaleString() : "";
}

const NETWORK_NAMES = {
  [Network.LINKEDIN]: "LinkedIn",
  [Network.X]: "X",
  [Network.FACEBOOK]: "Facebook",
  [Network.INSTAGRAM]: "Instagram",
  [Network.MASTODON]: "Mastodon",
};
export const networkName = (network) => NETWORK_NAMES[network] ?? "another network";

// The last segment of a resource name: "organizations/o/posts/p" → "p".
export const shortName = (name) => name.split("/").pop();

// One rule's result: whether it passes, blocks or needs a reviewer, and
// why, in the rule's own words.
export function ruleItem(result) {
  const review = result.severity === Rule_Severity.REVIEW;
  const verdict = result.passed ? "Passes" : review ? "Needs a reviewer" : "Blocks the post";
  return el(
    "li",
    {
      className: `rule ${result.passed ? "passed" : "failed"}${review ? " review" : ""}`,
      "data-rule-id": result.ruleId,
    },
    el("div", {}, el("span", { className: "verdict" }, verdict), ":",
      el("strong", {}, ` ${result.title}`)),
    el("p", {}, result.explanation),
  );
}

export function showResults(list, results) {
  list.replaceChildren(...results.map(ruleItem));
}

// Every page of a List call: `call(pageToken)` resolves to a response
// whose `field` holds the items.
export async function listAll(call, field) {
  const items = [];
  let pageToken = "";
  do {
    const response = await call(pageToken);
    items.push(...response[field]);
    pageToken = response.nextPageToken;
  } while (pageToken);
  return items;
}
