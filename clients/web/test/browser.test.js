// The employee's web app in a real browser: headless Chromium (Debian's
// `chromium`, driven by playwright-core) loads the app from the gateway in
// front of a real candord. Steps run in order and build on one another;
// each saves a screenshot under $CANDOR_TEST_ARTIFACTS (test/run-e2e.sh
// sets it to BUILD_DIR/test-artifacts/web).
//
//   CANDOR_CHROMIUM  the browser (default: chromium on PATH)
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { after, before, test } from "node:test";

import { chromium } from "playwright-core";

import { AdvocacyService } from "../gen/candor/advocacy/v1/advocacy_pb.js";
import { Network } from "../gen/candor/common/v1/network_pb.js";
import { ValuesService } from "../gen/candor/values/v1/values_pb.js";
import {
  clientFor,
  env,
  makeOrgWithEmployee,
  mint,
  startGateway,
  stopGateway,
} from "./support.js";

const ARTIFACTS = env("CANDOR_TEST_ARTIFACTS");
const DISCLOSED =
  "#ad Proud of my team this week: we shipped the new payments dashboard. " +
  "Ask me anything about how we got there.";
const UNDISCLOSED =
  "Proud of my team this week: we shipped the new payments dashboard. " +
  "Ask me anything about how we got there.";
// Disclosed, but a financial promise: the sensitive-terms rule sends it to
// a reviewer.
const PROMISING =
  "#ad Our new savings plan has guaranteed returns, and I helped build it.";

let gateway;
let browser;
let people;
// Another site, on its own origin, whose page calls the gateway.
let otherSite;
const problems = [];

function chromiumPath() {
  if (process.env.CANDOR_CHROMIUM) return process.env.CANDOR_CHROMIUM;
  return execFileSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" }).trim();
}

// A new page of the app, failing the test on any console error or page
// error (a Content-Security-Policy violation among them).
async function openApp(options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page: ${error.message}`));
  await page.goto(`${gateway.baseUrl}/`);
  return page;
}

// The whole page, or only the element `selector` (a section) when given.
async function screenshot(page, name, selector) {
  const file = path.join(ARTIFACTS, `${name}.png`);
  if (selector) await page.locator(selector).screenshot({ path: file });
  else await page.screenshot({ path: file, fullPage: true });
}

async function signIn(page, token) {
  await page.getByLabel("Your access token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
}

// Writes `text` in the app on `page`, submits it and waits for `verdict`.
async function writeAndSubmit(page, text, verdict) {
  await page.getByLabel("Your post").fill(text);
  await page.getByRole("button", { name: "Submit for approval" }).click();
  await page.locator("#decision-summary").getByText(verdict).waitFor();
}

// The entry of `post` in the "My posts" list of `page`.
function myPost(page, text) {
  return page.locator("#post-list li.post").filter({ hasText: text });
}

// Runs SQL on the test's MariaDB as root (tests/support/with-candord).
function sql(database, statement) {
  return execFileSync(
    "mariadb",
    ["--no-defaults", `--socket=${env("CANDOR_DB_SOCKET")}`, "-uroot", "--batch",
      "--skip-column-names", database, "-e", statement],
    { encoding: "utf8" },
  ).trim();
}

before(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  otherSite = http.createServer((request, response) => {
    response.writeHead(200, { "content-type": "text/html" });
    response.end("<!doctype html><title>Another site</title><p>elsewhere</p>");
  });
  await new Promise((resolve) => otherSite.listen(0, "127.0.0.1", resolve));
  // The other site is allowed as http://localhost:PORT, not as
  // http://127.0.0.1:PORT: one server, two origins.
  gateway = await startGateway({
    allowedOrigins: [`http://localhost:${otherSite.address().port}`],
  });
  people = await makeOrgWithEmployee(gateway.baseUrl, "browser");
  browser = await chromium.launch({
    executablePath: chromiumPath(),
    // The sandbox needs user namespaces, which CI's root user lacks.
    args: ["--no-sandbox"],
  });
});

after(async () => {
  await browser?.close();
  if (gateway) stopGateway(gateway);
  otherSite?.close();
});

test("signs in with a token; the page is labelled and keyboard-first", async () => {
  const page = await openApp();
  assert.equal(await page.title(), "Candor");
  // The first Tab lands on the token field.
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "token");
  await signIn(page, people.employeeToken);
  await page.getByText("Signed in as Lena Lovelace").waitFor();
  assert.equal(await page.getByLabel("Your access token").isVisible(), false);
  await screenshot(page, "01-signed-in");
  // A reload keeps the session (this tab only); signing out ends it.
  await page.reload();
  await page.getByText("Signed in as Lena Lovelace").waitFor();
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByLabel("Your access token").waitFor();
  assert.deepEqual(problems, []);
});

test("the rules are checked as the post is typed, each with its reason", async () => {
  const page = await openApp();
  await signIn(page, people.employeeToken);
  const text = page.getByLabel("Your post");
  await text.fill(UNDISCLOSED);
  const disclosure = page.locator('li.rule[data-rule-id="disclosure"]');
  await disclosure.and(page.locator(".failed")).waitFor();
  assert.match(await disclosure.innerText(), /Blocks the post/);
  await screenshot(page, "02-rules-fail-without-disclosure", "#compose");

  await text.fill(DISCLOSED);
  await disclosure.and(page.locator(".passed")).waitFor();
  await page.getByText("Every rule passes").waitFor();
  assert.match(await disclosure.innerText(), /#ad/);
  await screenshot(page, "03-rules-pass", "#compose");

  // Submitted: the decision, with every rule's explanation.
  await page.getByRole("button", { name: "Submit for approval" }).click();
  await page.locator("#decision-summary").getByText("Approved. You can share it.").waitFor();
  const decided = await page.locator("#decision-results li.rule").count();
  assert.ok(decided >= 5, `${decided} rule results in the decision`);
  await screenshot(page, "04-decision-approved", "#compose");
  assert.deepEqual(problems, []);
});

test("values: endorse one, and give feedback under my name and anonymously", async () => {
  const admin = clientFor(gateway.baseUrl, ValuesService, people.adminToken);
  const value = await admin.createValue({
    parent: people.org,
    value: { title: "Candour", statement: "We say what we think, kindly." },
  });
  const page = await openApp();
  await signIn(page, people.employeeToken);
  const item = page.locator(`li.value[data-value="${value.name}"]`);
  await item.getByRole("button", { name: "Endorse (0)" }).click();
  await item.getByRole("button", { name: "Endorsed (1)" }).waitFor();
  assert.equal(
    await item.getByRole("button", { name: "Endorsed (1)" }).getAttribute("aria-pressed"),
    "true",
  );
  const feedback = item.getByLabel('Your feedback on "Candour"');
  await feedback.fill("Candour means I can disagree in meetings.");
  await item.getByRole("button", { name: "Send feedback" }).click();
  await item.getByText("Sent. Thank you.").waitFor();
  await feedback.fill("Sometimes candour is not rewarded here.");
  await item.getByLabel("Send anonymously").check();
  await item.getByRole("button", { name: "Send feedback" }).click();
  await item.getByText("Sent anonymously. Thank you.").waitFor();
  await screenshot(page, "05-values", "#values");

  // What the company reads: one signed, one without an author.
  const { feedback: received } = await admin.listValueFeedback({ parent: value.name });
  assert.equal(received.length, 2);
  const anonymous = received.find((f) => f.anonymous);
  assert.ok(anonymous, "no anonymous feedback among what the company reads");
  assert.equal(anonymous.author, "");
  assert.equal(received.find((f) => !f.anonymous).author, people.employeeName);
  assert.deepEqual(problems, []);
});

test("a phone-sized screen needs no sideways scrolling", async () => {
  const page = await openApp({ viewport: { width: 375, height: 740 }, isMobile: true });
  await signIn(page, people.employeeToken);
  await page.getByLabel("Your post").fill(DISCLOSED);
  await page.getByText("Every rule passes").waitFor();
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - window.innerWidth,
  );
  assert.ok(overflow <= 0, `${overflow}px wider than the screen`);
  await screenshot(page, "06-phone");
});

test("an expired token is refused with a clear message", async () => {
  const expired = mint(["--org", people.orgId, "--subject", "lena", "--role", "employee", "--ttl", "1s"]);
  await new Promise((resolve) => setTimeout(resolve, 2100));
  const page = await openApp();
  await signIn(page, expired);
  await page.getByText("Your token was not accepted").waitFor();
  assert.equal(await page.locator("#compose").isHidden(), true);
  await screenshot(page, "07-expired-token");
});

test("CORS: a listed origin may call the gateway from a browser, others may not", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const port = otherSite.address().port;
  // Connect's JSON protocol: a plain fetch any page could make.
  const callFrom = async (origin) => {
    await page.goto(`${origin}/`);
    return page.evaluate(
      async ({ url, token, name }) => {
        try {
          const response = await fetch(`${url}/candor.staff.v1.StaffService/GetStaffMember`, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
            body: JSON.stringify({ name }),
          });
          return `status ${response.status}: ${(await response.json()).displayName}`;
        } catch (error) {
          return `blocked: ${error.message}`;
        }
      },
      { url: gateway.baseUrl, token: people.employeeToken, name: people.employeeName },
    );
  };
  assert.equal(await callFrom(`http://localhost:${port}`), "status 200: Lena Lovelace");
  assert.match(await callFrom(`http://127.0.0.1:${port}`), /^blocked: /);
  await context.close();
});

test("stories for my department only, and a post that draws on one", async () => {
  const admin = clientFor(gateway.baseUrl, AdvocacyService, people.adminToken);
  const mine = await admin.createStory({
    parent: people.org,
    story: {
      title: "Payments dashboard launch",
      summary: "The payments team shipped a dashboard that shows every fee up front.",
      talkingPoints: ["Built in six weeks", "Fees shown before you pay"],
      audienceDepartments: ["Engineering"],
    },
  });
  await admin.createStory({
    parent: people.org,
    story: { title: "Sales kickoff", summary: "The sales team meets in May.", audienceDepartments: ["Sales"] },
  });
  const page = await openApp();
  await signIn(page, people.employeeToken);
  const stories = page.locator("#story-list li.story");
  await stories.first().waitFor();
  assert.deepEqual(await stories.locator("h3").allInnerTexts(), ["Payments dashboard launch"]);
  await stories.getByRole("button", { name: "Write about this" }).click();
  assert.equal(await page.getByLabel("Story it draws on").inputValue(), mine.name);
  // Focus moved to the text, ready to write.
  assert.equal(await page.evaluate(() => document.activeElement.id), "text");
  // Copying the story's words fails own_words, with its reason.
  await page.keyboard.type(`#ad ${mine.summary} ${mine.talkingPoints.join(". ")}`);
  const ownWords = page.locator('li.rule[data-rule-id="own-words"]');
  await ownWords.and(page.locator(".failed")).waitFor();
  await screenshot(page, "08-story-own-words", "#compose");
  assert.deepEqual(problems, []);
});

test("a post approved, shared, its tracking link followed and the click seen in the metrics", async () => {
  const page = await openApp();
  await signIn(page, people.employeeToken);
  const text = "#ad I shipped the fee breakdown on the payments dashboard today.";
  await writeAndSubmit(page, text, "Approved. You can share it.");
  const post = myPost(page, text);
  await post.getByText("Approved").first().waitFor();
  await post.getByLabel("Link to it on LinkedIn (optional)").fill("https://www.linkedin.com/feed/update/1");
  await post.getByRole("button", { name: "I published it" }).click();
  const link = post.locator("a.tracking");
  await link.waitFor();
  const trackingUrl = await link.getAttribute("href");
  assert.ok(trackingUrl.startsWith(`${env("CANDOR_TRACKING_BASE")}/r/`), trackingUrl);
  assert.equal(await post.locator('[data-metric="clicks"]').innerText(), "0");

  // A reader follows the link: redirected to the post, one click counted.
  const followed = await fetch(trackingUrl, { redirect: "manual" });
  assert.equal(followed.status, 302);
  assert.equal(followed.headers.get("location"), "https://www.linkedin.com/feed/update/1");
  await page.getByRole("button", { name: "Refresh" }).first().click();
  await myPost(page, text).locator('[data-metric="clicks"]').getByText("1").waitFor();
  assert.equal(await myPost(page, text).locator('[data-metric="shares"]').innerText(), "1");
  assert.equal(await page.locator('#my-metrics [data-metric="clicks"]').innerText(), "1");
  await screenshot(page, "09-shared-and-clicked", "#my-posts");
  assert.deepEqual(problems, []);
});

test("a reviewer approves one post and rejects an appealed one citing a rule; the author hears live", async () => {
  const author = await openApp();
  await signIn(author, people.employeeToken);
  await author.getByText("Live.").waitFor();
  await writeAndSubmit(author, PROMISING, "Sent to a reviewer.");
  await writeAndSubmit(author, UNDISCLOSED, "Rejected.");
  const rejected = myPost(author, UNDISCLOSED).first();
  await rejected.getByLabel("Why should a person look again?").fill("It is my own experience; I forgot the tag.");
  await rejected.getByRole("button", { name: "Appeal" }).click();
  await myPost(author, UNDISCLOSED).first().getByText("With a reviewer").waitFor();

  const reviewer = await openApp();
  await signIn(reviewer, people.adminToken);
  const queue = reviewer.locator("#review-list li.post");
  await queue.first().waitFor();
  assert.equal(await queue.count(), 2);
  await screenshot(reviewer, "10-review-queue", "#review");
  const promising = queue.filter({ hasText: "guaranteed returns" });
  await promising.getByLabel("Note to the author").fill("Fine: it is a fact about the product.");
  await promising.getByRole("button", { name: "Approve" }).click();
  await queue.filter({ hasText: "guaranteed returns" }).waitFor({ state: "detached" });
  const appealed = queue.filter({ hasText: "payments dashboard" });
  // The reviewer reads why the author asked again.
  await appealed.getByText("The author appeals: It is my own experience; I forgot the tag.").waitFor();
  // Rejecting needs a cited rule.
  await appealed.getByRole("button", { name: "Reject" }).click();
  await appealed.getByText("Tick at least one rule").waitFor();
  await appealed.getByLabel("Say that you work here").check();
  await appealed.getByRole("button", { name: "Reject" }).click();
  await reviewer.getByText("Nothing waits for a reviewer.").waitFor();

  // The author's open page hears of both decisions on its live stream.
  const decisions = author.locator("#notification-list li.unread");
  await author.waitForFunction(
    () => document.querySelectorAll("#notification-list li.unread").length >= 2,
  );
  assert.ok((await decisions.count()) >= 2);
  await author.getByRole("button", { name: "Refresh" }).first().click();
  await myPost(author, PROMISING).getByText("Fine: it is a fact about the product.").waitFor();
  await screenshot(author, "11-author-notified", "#notifications");
  assert.deepEqual(problems, []);
});

test("the audit log verifies in the browser, and a tampered entry shows as broken", async () => {
  const page = await openApp();
  await signIn(page, people.employeeToken);
  await page.getByRole("button", { name: "Verify the audit log" }).click();
  const summary = page.locator("#audit-summary");
  await summary.getByText("Verified in this browser").waitFor();
  assert.match(await summary.innerText(), /saved to check the next visit against/);

  // More entries, then a second visit: the saved head is proved a prefix.
  const advocacy = clientFor(gateway.baseUrl, AdvocacyService, people.employeeToken);
  const post = await advocacy.createPost({
    parent: people.org,
    post: { network: Network.LINKEDIN, text: "#ad One more thing we shipped: receipts by email." },
  });
  await advocacy.submitPost({ name: post.name });
  await page.reload();
  await page.getByRole("button", { name: "Verify the audit log" }).click();
  await summary.getByText(/extends the one saved/).waitFor();
  await screenshot(page, "12-audit-verified", "#audit");

  // Someone with the database forges who approved the reviewed post.
  const orgId = people.orgId;
  const approval = sql("candor_transparency",
    `SELECT sequence FROM audit_entries WHERE organization_id = '${orgId}' ` +
    `AND actor LIKE '%/staffMembers/%' AND action = 'decision.create' ORDER BY sequence LIMIT 1`);
  assert.match(approval, /^\d+$/, "no human decision in the audit log");
  sql("candor_transparency",
    `UPDATE audit_entries SET actor = 'organizations/${orgId}/staffMembers/lena' ` +
    `WHERE organization_id = '${orgId}' AND sequence = ${approval}`);
  await page.getByRole("button", { name: "Verify the audit log" }).click();
  await summary.getByText(`Broken at entry #${approval}`).waitFor();
  const broken = page.locator(`li.entry.broken[data-sequence="${approval}"]`);
  assert.match(await broken.innerText(), /Broken: /);
  await screenshot(page, "13-audit-tampered", "#audit");
  assert.deepEqual(problems, []);
});

test("the transparency report: numbers and a chart", async () => {
  const page = await openApp();
  await signIn(page, people.employeeToken);
  const summary = page.locator("#report-summary");
  await summary.waitFor();
  assert.match(await summary.innerText(), /\d+ decisions: \d+ by the rules, [1-9]\d* by a person/);
  const chart = page.locator('svg.chart[role="img"]').first();
  assert.match(await chart.getAttribute("aria-label"), /Approved [1-9]/);
  await screenshot(page, "14-transparency-report", "#report");
  assert.deepEqual(problems, []);
});
