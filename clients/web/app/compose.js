// Writing a post: the published rules checked as you type (EvaluatePost,
// debounced, each rule's explanation next to the text), then submit and
// read the decision with every explanation.
import { Network } from "../gen/candor/common/v1/network_pb.js";
import { Decision_Verdict, Outcome } from "../gen/candor/transparency/v1/transparency_pb.js";

import { storiesByName } from "./stories.js";
import { $, describeError, showResults } from "./ui.js";

// Live checks wait this long after the last keystroke.
const EVALUATE_DEBOUNCE_MS = 400;

const OUTCOME_TEXT = {
  [Outcome.APPROVED]: "Every rule passes: it would be approved.",
  [Outcome.NEEDS_REVIEW]: "A reviewer would decide: see the rules marked below.",
  [Outcome.REJECTED]: "A blocking rule fails: it would be rejected as it is.",
};

export const VERDICT_TEXT = {
  [Decision_Verdict.APPROVED]: "Approved. You can share it.",
  [Decision_Verdict.NEEDS_REVIEW]: "Sent to a reviewer.",
  [Decision_Verdict.REJECTED]: "Rejected.",
};

// The form as a PostContent, the story's facts included so that own_words
// compares against them.
function currentContent(session) {
  const story = storiesByName.get($("story").value);
  return {
    author: session.me,
    network: Network[$("network").value],
    text: $("text").value,
    linkUrl: $("link").value.trim(),
    story: story && {
      name: story.name,
      summary: story.summary,
      talkingPoints: story.talkingPoints,
      url: story.url,
      incentivized: story.incentivized,
    },
  };
}

// Wires the form; `onSubmitted` runs after each decision.
export function initCompose(getSession, onSubmitted) {
  // The newest evaluation wins: answers to older keystrokes are dropped.
  let evaluation = 0;
  let debounce = null;

  async function evaluateNow() {
    const session = getSession();
    if (!session) return;
    const mine = ++evaluation;
    const post = currentContent(session);
    if (post.text.trim() === "") {
      $("rules-summary").textContent = "Start typing to check your post.";
      $("rule-results").replaceChildren();
      return;
    }
    try {
      const result = await session.clients.transparency.evaluatePost({
        parent: session.orgName,
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
    const session = getSession();
    const { network, text, linkUrl, story } = currentContent(session);
    $("submit").disabled = true;
    try {
      const post = await session.clients.advocacy.createPost({
        parent: session.orgName,
        post: { network, text, linkUrl, story: story?.name ?? "" },
        requestId: crypto.randomUUID(),
      });
      const { decision } = await session.clients.advocacy.submitPost({
        name: post.name,
        requestId: crypto.randomUUID(),
      });
      $("decision").hidden = false;
      $("decision-summary").textContent = VERDICT_TEXT[decision.verdict] ?? "Decided.";
      showResults($("decision-results"), decision.results);
      $("compose-error").textContent = "";
      onSubmitted();
    } catch (error) {
      $("compose-error").textContent = describeError(error);
    } finally {
      $("submit").disabled = false;
    }
  }

  for (const id of ["text", "link"]) $(id).addEventListener("input", scheduleEvaluation);
  for (const id of ["network", "story"]) $(id).addEventListener("change", scheduleEvaluation);
  $("compose-form").addEventListener("submit", submit);
}
