// The transparency report (last 30 days): how many decisions, by whom
// (the rules or a person), with which verdict, and which rules failed how
// often, as numbers and as a bar chart (SVG drawn here; the numbers stay
// in a table for screen readers and copying).
import { Decision_Verdict } from "../gen/candor/transparency/v1/transparency_pb.js";

import { $, describeError, el } from "./ui.js";

const SVG = "http://www.w3.org/2000/svg";
const VERDICT_LABEL = {
  [Decision_Verdict.APPROVED]: "Approved",
  [Decision_Verdict.NEEDS_REVIEW]: "Sent to review",
  [Decision_Verdict.REJECTED]: "Rejected",
};

function svg(tag, attributes, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

// Horizontal bars, one per [label, count, kind] row; kind picks the
// colour (a CSS class).
function barChart(title, rows) {
  const rowHeight = 28;
  const labelWidth = 150;
  const barWidth = 180;
  const max = Math.max(1, ...rows.map(([, count]) => count));
  const chart = svg("svg", {
    viewBox: `0 0 ${labelWidth + barWidth + 50} ${rows.length * rowHeight + 4}`,
    role: "img",
    "aria-label": `${title}: ${rows.map(([label, count]) => `${label} ${count}`).join(", ")}`,
    class: "chart",
  });
  rows.forEach(([label, count, kind], i) => {
    const y = i * rowHeight + 2;
    chart.append(
      svg("text", { x: labelWidth - 6, y: y + 17, "text-anchor": "end" }, label),
      svg("rect", {
        x: labelWidth,
        y: y + 4,
        width: Math.max(1, (count / max) * barWidth),
        height: rowHeight - 10,
        class: `bar ${kind}`,
      }),
      svg("text", { x: labelWidth + (count / max) * barWidth + 6, y: y + 17 }, String(count)),
    );
  });
  return chart;
}

function table(caption, head, rows) {
  return el(
    "table",
    {},
    el("caption", {}, caption),
    el("thead", {}, el("tr", {}, ...head.map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, ...rows.map(([label, count]) =>
      el("tr", {}, el("th", { scope: "row" }, label), el("td", {}, String(count))))),
  );
}

function duration(seconds) {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

export async function loadReport(session) {
  try {
    const report = await session.clients.transparency.getTransparencyReport({ parent: session.orgName });
    const verdicts = report.byVerdict.map((v) => [
      VERDICT_LABEL[v.verdict] ?? "Other",
      Number(v.count),
      Decision_Verdict[v.verdict]?.toLowerCase() ?? "other",
    ]);
    const failures = report.failedByRule.map((r) => [r.ruleId, Number(r.failed), "failed"]);
    const review = report.medianTimeInReview;
    const summary =
      `${report.decisionsTotal} decisions: ${report.automaticDecisions} by the rules, ` +
      `${report.humanDecisions} by a person (${report.humanOverrides} of them against the rules' outcome).` +
      (review ? ` Median time with a reviewer: ${duration(Number(review.seconds))}.` : "");
    $("report-body").replaceChildren(
      el("p", { id: "report-summary" }, summary),
      el("figure", {}, barChart("Decisions by verdict", verdicts),
        el("figcaption", {}, "Decisions by verdict")),
      table("Decisions by verdict", ["Verdict", "Decisions"], verdicts),
      failures.length > 0
        ? el("figure", {}, barChart("How often each rule failed", failures),
          el("figcaption", {}, "How often each rule failed"))
        : el("p", {}, "No rule failed."),
      failures.length > 0 ? table("How often each rule failed", ["Rule", "Failed"], failures) : null,
    );
    $("report-error").textContent = "";
  } catch (error) {
    $("report-error").textContent = describeError(error);
  }
}
