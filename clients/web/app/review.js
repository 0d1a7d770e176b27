// For reviewers: the posts a rule (or an appeal) sent to a person. Approve
// with a note, or reject citing the published rules it breaks; the server
// refuses an approval while a blocking rule fails, and any decision on
// one's own post.

import { $, describeError, el, formatTime, networkName, ruleItem, shortName } from "./ui.js";

function reviewItem(session, post, rules, reload) {
  const id = shortName(post.name);
  const failed = (post.latestDecision?.results ?? []).filter((result) => !result.passed);
  const note = el("textarea", { id: `note-${id}`, rows: 2 });
  const cited = rules.map((rule) =>
    el("input", { type: "checkbox", value: rule.id, id: `cite-${id}-${rule.id}` }));
  const status = el("p", { role: "status" });
  const approve = el("button", { type: "button" }, "Approve");
  const reject = el("button", { type: "button", className: "danger" }, "Reject");
  const decide = async (call) => {
    try {
      await call();
      reload();
    } catch (error) {
      status.textContent = describeError(error);
    }
  };
  approve.addEventListener("click", () => decide(() =>
    session.clients.advocacy.approvePost({ name: post.name, note: note.value })));
  reject.addEventListener("click", () => {
    const citedRuleIds = cited.filter((box) => box.checked).map((box) => box.value);
    if (citedRuleIds.length === 0) {
      status.textContent = "Tick at least one rule the post breaks.";
      return;
    }
    decide(() => session.clients.advocacy.rejectPost({ name: post.name, citedRuleIds, note: note.value }));
  });
  return el(
    "li",
    { className: "post", "data-post": post.name },
    el("p", {}, el("strong", {}, shortName(post.author)),
      ` · ${networkName(post.network)} · ${formatTime(post.updateTime)}`),
    el("blockquote", {}, post.text),
    post.appealReason ? el("p", { className: "appeal" }, el("strong", {}, "The author appeals: "), post.appealReason) : null,
    failed.length > 0 ? el("ul", {}, ...failed.map(ruleItem)) : null,
    el("label", { for: note.id }, "Note to the author"),
    note,
    el(
      "fieldset",
      {},
      el("legend", {}, "Rules it breaks (to reject)"),
      ...rules.map((rule, i) => el("label", { className: "inline", for: cited[i].id }, cited[i], ` ${rule.title}`)),
    ),
    approve,
    " ",
    reject,
    status,
  );
}

export async function loadReviewQueue(session) {
  const reload = () => loadReviewQueue(session);
  try {
    const [{ posts }, ruleset] = await Promise.all([
      session.clients.advocacy.listPosts({ parent: session.orgName, filter: "state = IN_REVIEW", pageSize: 50 }),
      session.clients.transparency.getPublishedRuleset({ parent: session.orgName }),
    ]);
    $("review-list").replaceChildren(
      ...posts.map((post) => reviewItem(session, post, ruleset.rules, reload)),
    );
    if (posts.length === 0) $("review-list").textContent = "Nothing waits for a reviewer.";
    $("review-error").textContent = "";
  } catch (error) {
    $("review-error").textContent = describeError(error);
  }
}
