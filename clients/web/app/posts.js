// My posts and shares: each post's state and decision, an appeal for a
// rejected one, "I published it" for an approved one (a share with its
// tracking link), and what the shares brought (GetEngagementMetrics).
import { Post_State } from "../gen/candor/advocacy/v1/advocacy_pb.js";
import { Share_State } from "../gen/candor/engagement/v1/engagement_pb.js";

import { VERDICT_TEXT } from "./compose.js";
import { $, describeError, el, formatTime, listAll, networkName, ruleItem, shortName } from "./ui.js";

const STATE_TEXT = {
  [Post_State.DRAFT]: "Draft",
  [Post_State.IN_REVIEW]: "With a reviewer",
  [Post_State.APPROVED]: "Approved",
  [Post_State.REJECTED]: "Rejected",
  [Post_State.WITHDRAWN]: "Withdrawn",
};

const METRICS = [
  ["shares", "Shares"],
  ["clicks", "Clicks"],
  ["reactions", "Reactions"],
  ["comments", "Comments"],
  ["reshares", "Reshares"],
  ["impressions", "Impressions"],
];

function metricsList(metrics) {
  return el(
    "dl",
    { className: "metrics" },
    ...METRICS.map(([field, label]) =>
      el("div", {}, el("dt", {}, label), el("dd", { "data-metric": field }, String(metrics[field])))),
  );
}

function shareItem(share) {
  const compliant = share.state === Share_State.COMPLIANT;
  return el(
    "li",
    { className: `share ${compliant ? "passed" : "failed"}`, "data-share": share.name },
    el("p", {}, `${networkName(share.network)}, ${formatTime(share.createTime)}: `,
      el("strong", {}, compliant ? "as approved" : "changed after approval")),
    compliant ? null : el("p", { className: "error" }, share.complianceExplanation),
    el("p", {}, "Tracking link: ", el("a", { className: "tracking", href: share.trackingUrl }, share.trackingUrl)),
  );
}

// A form with one field and a button; `action(value)` runs on submit, its
// failure shown in the form.
function oneFieldForm({ id, label, button, multiline, value = "", required, action }) {
  const field = multiline
    ? el("textarea", { id, rows: 3, required, value })
    : el("input", { id, type: "url", required, value });
  const status = el("p", { role: "status" });
  const form = el("form", { className: "inline-form" }, el("label", { for: id }, label), field,
    el("button", { type: "submit" }, button), status);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await action(field.value);
    } catch (error) {
      status.textContent = describeError(error);
    }
  });
  return form;
}

function postItem(session, post, shares, metrics, reload) {
  const id = shortName(post.name);
  const decision = post.latestDecision;
  const failed = decision ? decision.results.filter((result) => !result.passed) : [];
  const item = el(
    "li",
    { className: "post", "data-post": post.name },
    el("p", {}, el("strong", { className: "state" }, STATE_TEXT[post.state] ?? "Unknown"),
      ` · ${networkName(post.network)} · ${formatTime(post.updateTime)}`),
    el("blockquote", {}, post.text),
    post.appealReason ? el("p", { className: "appeal" }, el("strong", {}, "Your appeal: "), post.appealReason) : null,
    decision ? el("p", {}, VERDICT_TEXT[decision.verdict] ?? "", decision.note ? ` Note: ${decision.note}` : "") : null,
    failed.length > 0 ? el("ul", {}, ...failed.map(ruleItem)) : null,
  );
  if (post.state === Post_State.REJECTED) {
    item.append(oneFieldForm({
      id: `appeal-${id}`,
      label: "Why should a person look again?",
      button: "Appeal",
      multiline: true,
      required: true,
      action: async (reason) => {
        await session.clients.advocacy.appealPost({ name: post.name, reason });
        reload();
      },
    }));
  }
  if (post.state === Post_State.APPROVED) {
    item.append(oneFieldForm({
      id: `share-${id}`,
      label: `Link to it on ${networkName(post.network)} (optional)`,
      button: "I published it",
      action: async (externalUrl) => {
        await session.clients.engagement.createShare({
          parent: post.name,
          // The text as approved: the compliance check compares the two.
          share: { network: post.network, publishedText: post.text, externalUrl },
          requestId: crypto.randomUUID(),
        });
        reload();
      },
    }));
  }
  if (shares.length > 0) {
    item.append(el("h4", {}, "Shared"), el("ul", {}, ...shares.map(shareItem)), metricsList(metrics));
  }
  return item;
}

export async function loadMyPosts(session) {
  const reload = () => loadMyPosts(session);
  try {
    const { advocacy, engagement } = session.clients;
    const mine = `author = "${session.me}"`;
    const [posts, shares, total] = await Promise.all([
      advocacy.listPosts({ parent: session.orgName, filter: mine, pageSize: 50 }).then((r) => r.posts),
      listAll((pageToken) => engagement.listShares({ parent: session.orgName, filter: mine, pageSize: 1000, pageToken }), "shares"),
      engagement.getEngagementMetrics({ subject: session.me }),
    ]);
    const sharesOf = (post) => shares.filter((share) => share.post === post.name);
    const metrics = await Promise.all(posts.map((post) =>
      sharesOf(post).length > 0 ? engagement.getEngagementMetrics({ subject: post.name }) : null));
    $("post-list").replaceChildren(
      ...posts.map((post, i) => postItem(session, post, sharesOf(post), metrics[i], reload)),
    );
    if (posts.length === 0) $("post-list").textContent = "No posts yet.";
    $("my-metrics").replaceChildren(metricsList(total));
    $("posts-error").textContent = "";
  } catch (error) {
    $("posts-error").textContent = describeError(error);
  }
}
