'use strict';
// End to end through @candor/client against a real candord (started by
// test/run-e2e.sh, which sets the environment below). Steps run in order and
// build on one another; a step whose server method is not there yet fails
// with the method's name and UNIMPLEMENTED, and the summary at the end lists
// every such method.
//
//   CANDOR_ADDR              candord's gRPC address
//   CANDOR_OPERATOR_TOKEN    an operator token
//   CANDOR_JWT_SECRET_FILE   the HS256 secret, for minting staff tokens
//   CANDORCTL                the candorctl binary (its `token mint`)
//   CANDOR_PROTO_ROOT        the repository's proto/ directory
//   CANDOR_TRACKING_BASE     candord's tracking-link base URL (empty: the
//                            tracking-link step fails)

const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const { createClient, grpc } = require('../src/index.js');

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; run test/run-e2e.sh`);
  return value;
};
const address = env('CANDOR_ADDR');
const protoRoot = env('CANDOR_PROTO_ROOT');

function mint(args) {
  return execFileSync(env('CANDORCTL'), [
    'token', 'mint', '--secret-file', env('CANDOR_JWT_SECRET_FILE'),
    '--ttl', '1h', ...args,
  ], { encoding: 'utf8' }).trim();
}

const unimplemented = new Set();
// Runs `fn`, noting a method the server does not implement before
// rethrowing, so that the step fails with the method's name.
async function call(fn) {
  try {
    return await fn();
  } catch (err) {
    if (err.code === grpc.status.UNIMPLEMENTED) {
      unimplemented.add(err.message.split(':')[0]);
    }
    throw err;
  }
}

const orgId = `node-${crypto.randomBytes(4).toString('hex')}`;
const org = `organizations/${orgId}`;
const state = {};
const clients = [];
function clientFor(token) {
  const client = createClient({ address, token, protoRoot });
  clients.push(client);
  return client;
}
function need(key, what) {
  if (state[key] === undefined) {
    throw new Error(`needs ${what}, which an earlier step did not produce`);
  }
  return state[key];
}

test.after(() => {
  for (const client of clients) client.close();
  if (unimplemented.size > 0) {
    console.log(`# server methods still UNIMPLEMENTED: ${[...unimplemented].sort().join(', ')}`);
  } else {
    console.log('# every server method called is implemented');
  }
});

test('an operator creates the organization and its first admin', async () => {
  const operator = clientFor(env('CANDOR_OPERATOR_TOKEN'));
  const created = await call(() => operator.staff.createOrganization({
    organizationId: orgId,
    organization: { displayName: `Node Client Test (${orgId})` },
    firstAdmin: {
      employeeId: 'A-1', displayName: 'Ada Admin', email: `admin@${orgId}.example`,
    },
  }));
  assert.equal(created.name, org);
  assert.ok(created.foundingAdmin.startsWith(`${org}/staffMembers/`));
  state.admin = clientFor(mint(['--org', orgId, '--subject', created.foundingAdmin,
    '--role', 'admin', '--role', 'employee']));
});

test('the admin creates an employee, and imports staff from an array', async () => {
  const admin = need('admin', 'the admin');
  const member = await call(() => admin.staff.createStaffMember({
    parent: org,
    staffMemberId: 'lena',
    staffMember: {
      employeeId: 'E-1', displayName: 'Lena Lovelace', email: `lena@${orgId}.example`,
      department: 'Engineering',
    },
  }));
  assert.equal(member.name, `${org}/staffMembers/lena`);
  assert.deepEqual(member.roles, ['EMPLOYEE']);
  state.employeeName = member.name;
  state.employee = clientFor(mint(['--org', orgId, '--subject', 'lena', '--role', 'employee']));

  // Client streaming: the array's elements are the stream's messages.
  const imported = await call(() => admin.staff.importStaffMembers([
    { parent: org, rows: [{ employeeId: 'E-2', displayName: 'Grace', email: `grace@${orgId}.example` }] },
    { rows: [{ employeeId: 'E-3', displayName: 'Alan', email: `alan@${orgId}.example` }] },
  ]));
  assert.equal(imported.rowsTotal, '2');
  assert.equal(imported.createdCount, '2');
  assert.equal(imported.applied, true);
});

test('the employee consents and links a LinkedIn account', async () => {
  const employee = need('employee', 'the employee');
  const updated = await call(() => employee.staff.updateStaffMember({
    staffMember: {
      name: state.employeeName,
      advocacyConsent: true,
      socialAccounts: [{ network: 'LINKEDIN', handle: `lena-${orgId}` }],
    },
    updateMask: { paths: ['advocacy_consent', 'social_accounts'] },
  }));
  assert.equal(updated.advocacyConsent, true);
  assert.equal(updated.socialAccounts[0].network, 'LINKEDIN');
});

test('a disclosed post in their own words is APPROVED', async () => {
  const employee = need('employee', 'the employee');
  const text = '#ad Proud of my team this week: we shipped the new payments ' +
    'dashboard. Ask me anything about how we got there.';
  const post = await call(() => employee.advocacy.createPost({
    parent: org,
    post: { network: 'LINKEDIN', text, linkUrl: 'https://example.com/payments' },
  }));
  assert.equal(post.state, 'DRAFT');
  assert.equal(post.author, state.employeeName);
  const submitted = await call(() => employee.advocacy.submitPost({ name: post.name }));
  assert.equal(submitted.post.state, 'APPROVED', JSON.stringify(submitted.decision));
  assert.equal(submitted.decision.verdict, 'APPROVED');
  state.post = submitted.post;
  state.postText = text;
});

test('EngagementService.CreateShare returns a tracking link', async () => {
  const employee = need('employee', 'the employee');
  const post = need('post', 'the APPROVED post');
  const share = await call(() => employee.engagement.createShare({
    parent: post.name,
    share: {
      network: 'LINKEDIN',
      publishedText: state.postText,
      externalUrl: 'https://www.linkedin.com/feed/update/urn:li:activity:1',
    },
    requestId: crypto.randomUUID(),
  }));
  assert.ok(share.name.startsWith(`${org}/shares/`), share.name);
  assert.equal(share.post, post.name);
  assert.equal(share.author, state.employeeName);
  assert.equal(share.state, 'COMPLIANT', share.complianceExplanation);
  assert.match(share.trackingUrl, /^https?:\/\//);
  assert.ok(share.trackingCode.length > 0);
  state.share = share;

  const listed = await call(() => employee.engagement.listShares({ parent: org }));
  assert.ok(listed.shares.some((s) => s.name === share.name));
});

test('EngagementService.RecordEngagementEvents takes an array of events', async () => {
  const employee = need('employee', 'the employee');
  const share = need('share', 'the share from CreateShare');
  const now = { seconds: String(Math.floor(Date.now() / 1000) - 60), nanos: 0 };
  const response = await call(() => employee.engagement.recordEngagementEvents([
    {
      parent: org,
      events: [
        { eventId: 'click-1', share: share.name, kind: 'CLICK', count: '3', occurredTime: now },
        { eventId: 'reshare-1', trackingCode: share.trackingCode, kind: 'RESHARE', occurredTime: now },
      ],
    },
    { events: [{ eventId: 'click-1', share: share.name, kind: 'CLICK', count: '3', occurredTime: now }] },
  ]));
  assert.equal(response.received, '3');
  assert.equal(response.recorded, '2');
  assert.equal(response.duplicates, '1');
  assert.deepEqual(response.errors, []);
});

test('the tracking link redirects to the post\'s link and counts a click', async () => {
  const share = need('share', 'the share from CreateShare');
  const base = process.env.CANDOR_TRACKING_BASE;
  assert.ok(base, 'candord has no --tracking_listen flag: no tracking endpoint to test');
  assert.ok(share.trackingUrl.startsWith(`${base}/`), share.trackingUrl);
  const response = await fetch(share.trackingUrl, { redirect: 'manual' });
  assert.equal(response.status, 302);
  assert.equal(response.headers.get('location'), 'https://example.com/payments');
  state.clicked = true;
});

test('EngagementService leaderboard: join, rank, leave', async () => {
  const employee = need('employee', 'the employee');
  const joined = await call(() => employee.engagement.updateLeaderboardParticipation({
    parent: state.employeeName, participate: true,
  }));
  assert.equal(joined.participate, true);
  const board = await call(() => employee.engagement.getLeaderboard({ parent: org }));
  assert.ok(board.formula.length > 0);
  assert.ok(board.entries.some((e) => e.staffMember === state.employeeName));
  const left = await call(() => employee.engagement.updateLeaderboardParticipation({
    parent: state.employeeName, participate: false,
  }));
  assert.equal(left.participate, false);
});

test('EngagementService.GetEngagementMetrics counts the share and its events', async () => {
  const admin = need('admin', 'the admin');
  const post = need('post', 'the APPROVED post');
  need('share', 'the share from CreateShare');
  const metrics = await call(() => admin.engagement.getEngagementMetrics({ subject: post.name }));
  assert.equal(metrics.subject, post.name);
  assert.equal(metrics.shares, '1');
  assert.equal(metrics.noncompliantShares, '0');
  // 3 recorded, and 1 through the tracking link.
  assert.equal(metrics.clicks, state.clicked ? '4' : '3');
  assert.equal(metrics.reshares, '1');
  const orgMetrics = await call(() => admin.engagement.getEngagementMetrics({ subject: org }));
  assert.equal(orgMetrics.shares, '1');
});

// A share whose text lost its disclosure is stored NONCOMPLIANT and its
// author notified: the open stream delivers that notification as it
// arrives; a stream resumed after it delivers the next one and nothing
// twice.
async function noncompliantShare(employee, post) {
  const share = await call(() => employee.engagement.createShare({
    parent: post.name,
    share: { network: 'LINKEDIN', publishedText: 'Proud of my team: we shipped the new payments dashboard!' },
  }));
  assert.equal(share.state, 'NONCOMPLIANT');
  assert.ok(share.complianceExplanation.length > 0);
  return share;
}

// The next notification from `iterator` whose subject is `subject`,
// skipping others (e.g. POST_DECISION ones); fails after `ms`.
async function nextAbout(iterator, subject, ms, skipped) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no notification about ${subject} within ${ms} ms`)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([timeout, (async () => {
      while (true) {
        const { value, done } = await iterator.next();
        if (done) throw new Error(`the stream ended before a notification about ${subject}`);
        if (value.notification.subject === subject) return value.notification;
        skipped.push(value.notification);
      }
    })()]);
  } finally {
    clearTimeout(timer);
  }
}

test('EngagementService.WatchNotifications streams a notification as it arrives, and resumes', async () => {
  const employee = need('employee', 'the employee');
  const post = need('post', 'the APPROVED post');
  const stream = employee.engagement.watchNotifications({ parent: state.employeeName });
  const iterator = stream[Symbol.asyncIterator]();
  const skipped = [];
  let first;
  try {
    // Without a resume token the stream starts with the unread ones, so
    // the notification arrives whether it is added before or after the
    // stream is open.
    const share = await noncompliantShare(employee, post);
    first = await call(() => nextAbout(iterator, share.name, 10000, skipped));
    assert.equal(first.kind, 'NONCOMPLIANT_SHARE');
    assert.ok(first.name.startsWith(`${state.employeeName}/notifications/`), first.name);
    assert.ok(first.message.length > 0);
    assert.equal(first.read, false);
    assert.ok(first.resumeToken.length > 0);
  } finally {
    stream.cancel();
  }

  // The emitter, resumed after `first`: the next one, and not `first` again.
  const watcher = employee.engagement.watchNotificationsEmitter(
    state.employeeName, { resumeToken: first.resumeToken });
  const seen = [];
  const failure = new Promise((resolve) => watcher.on('error', resolve));
  let wanted = null;
  let resolveArrived;
  const arrived = new Promise((resolve) => { resolveArrived = resolve; });
  watcher.on('notification', (n) => {
    seen.push(n);
    if (wanted && n.subject === wanted) resolveArrived(n);
  });
  try {
    const second = await noncompliantShare(employee, post);
    wanted = second.name;
    const early = seen.find((n) => n.subject === wanted);
    if (early) resolveArrived(early);
    const outcome = await Promise.race([
      arrived, failure, new Promise((r) => setTimeout(() => r(null), 10000).unref())]);
    if (outcome instanceof Error) await call(() => Promise.reject(outcome));
    assert.ok(outcome, `no notification about ${second.name} after resuming`);
    assert.equal(outcome.kind, 'NONCOMPLIANT_SHARE');
    assert.ok(!seen.some((n) => n.name === first.name), 'resuming repeated a notification');
    assert.equal(watcher.resumeToken, outcome.resumeToken);
  } finally {
    watcher.close();
  }

  const listed = await call(() => employee.engagement.listNotifications({ parent: state.employeeName }));
  assert.ok(listed.notifications.some((n) => n.name === first.name));
  const marked = await call(() => employee.engagement.markNotificationsRead({ parent: state.employeeName }));
  assert.ok(Number(marked.marked) >= 2);
});

// Every EngagementService method, called with an empty request: one the
// server implements answers anything but UNIMPLEMENTED (usually
// INVALID_ARGUMENT). Fails naming every method still missing.
test('every EngagementService method is implemented', async () => {
  const employee = need('employee', 'the employee');
  const e = employee.engagement;
  const probes = {
    CreateShare: () => e.createShare({}),
    GetShare: () => e.getShare({}),
    ListShares: () => e.listShares({}),
    RecordEngagementEvents: () => e.recordEngagementEvents([{}]),
    GetEngagementMetrics: () => e.getEngagementMetrics({}),
    GetLeaderboard: () => e.getLeaderboard({}),
    UpdateLeaderboardParticipation: () => e.updateLeaderboardParticipation({}),
    ListNotifications: () => e.listNotifications({}),
    MarkNotificationsRead: () => e.markNotificationsRead({}),
    WatchNotifications: async () => {
      const stream = e.watchNotifications({}, { timeoutMs: 2000 });
      for await (const response of stream) { void response; break; }
    },
  };
  const missing = [];
  for (const [method, probe] of Object.entries(probes)) {
    try {
      await probe();
    } catch (err) {
      if (err.code === grpc.status.UNIMPLEMENTED) missing.push(method);
    }
  }
  for (const method of missing) unimplemented.add(`candor.engagement.v1.EngagementService/${method}`);
  assert.deepEqual(missing, [], `EngagementService methods still UNIMPLEMENTED: ${missing.join(', ')}`);
});

test('errors carry the gRPC code', async () => {
  const employee = need('employee', 'the employee');
  await assert.rejects(
    employee.staff.getOrganization({ name: 'organizations/no-such-org' }),
    (err) => ['NOT_FOUND', 'PERMISSION_DENIED'].includes(err.codeName) && typeof err.code === 'number');
});
