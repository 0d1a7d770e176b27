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

async function screenshot(page, name) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

async function signIn(page, token) {
  await page.getByLabel("Your access token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
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
  await screenshot(page, "02-rules-fail-without-disclosure");

  await text.fill(DISCLOSED);
  await disclosure.and(page.locator(".passed")).waitFor();
  await page.getByText("Every rule passes").waitFor();
  assert.match(await disclosure.innerText(), /#ad/);
  await screenshot(page, "03-rules-pass");

  // Submitted: the decision, with every rule's explanation.
  await page.getByRole("button", { name: "Submit for approval" }).click();
  await page.getByText("Approved. You can share it.").waitFor();
  const decided = await page.locator("#decision-results li.rule").count();
  assert.ok(decided >= 5, `${decided} rule results in the decision`);
  await screenshot(page, "04-decision-approved");
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
  await screenshot(page, "05-values");

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
