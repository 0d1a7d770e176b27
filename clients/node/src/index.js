'use strict';
// @candor/client: a small promise-based client for the Candor gRPC API.
//
//   const { createClient } = require('@candor/client');
//   const candor = createClient({ address: '127.0.0.1:50051', token });
//   const org = await candor.staff.getOrganization({ name: 'organizations/acme' });
//
// Field names are lowerCamelCase (proto-loader keepCase: false), enums are
// their names as strings ('LINKEDIN'), int64 values are strings (no
// precision loss), Timestamps are { seconds, nanos } objects; see README.md.

const path = require('node:path');
const { EventEmitter } = require('node:events');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const DEFAULT_PROTO_ROOT = path.resolve(__dirname, '..', '..', '..', 'proto');
const DEFAULT_TIMEOUT_MS = 10000;

// The services, by the name they have on the client object.
const SERVICES = {
  staff: ['candor/staff/v1/staff.proto', 'candor.staff.v1.StaffService'],
  values: ['candor/values/v1/values.proto', 'candor.values.v1.ValuesService'],
  transparency: ['candor/transparency/v1/transparency.proto',
    'candor.transparency.v1.TransparencyService'],
  advocacy: ['candor/advocacy/v1/advocacy.proto',
    'candor.advocacy.v1.AdvocacyService'],
  engagement: ['candor/engagement/v1/engagement.proto',
    'candor.engagement.v1.EngagementService'],
  privacy: ['candor/privacy/v1/privacy.proto',
    'candor.privacy.v1.PrivacyService'],
};

// Options for @grpc/proto-loader. The google/protobuf well-known types
// (timestamp, duration, empty, field_mask) are built into protobufjs, so
// only proto/ is needed; extraIncludeDirs may add e.g. /usr/include.
function loaderOptions(protoRoot, extraIncludeDirs) {
  return {
    keepCase: false,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
    includeDirs: [protoRoot, ...extraIncludeDirs],
  };
}

function lookup(root, dotted) {
  let node = root;
  for (const part of dotted.split('.')) {
    node = node && node[part];
  }
  if (!node) throw new Error(`service ${dotted} not found in the protos`);
  return node;
}

function lowerFirst(name) {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

// Makes an Error from a gRPC status error: keeps code (numeric), codeName
// ('PERMISSION_DENIED'), details and metadata, and names the method.
function wrapError(method, err) {
  const codeName = Object.keys(grpc.status).find(
    (k) => grpc.status[k] === err.code) || String(err.code);
  const wrapped = new Error(`${method}: ${codeName}: ${err.details || '(no details)'}`);
  wrapped.code = err.code;
  wrapped.codeName = codeName;
  wrapped.details = err.details;
  wrapped.metadata = err.metadata;
  wrapped.cause = err;
  return wrapped;
}

// createClient({ address, token, protoRoot, timeoutMs, credentials,
// extraIncludeDirs }) -> { staff, values, transparency, advocacy,
// engagement, privacy, close(), raw }.
//
// Every service object has one function per RPC, lowerCamelCase:
//  - unary:            fn(request, { timeoutMs, token }?) -> Promise<response>
//  - client streaming: fn(requests[], opts?) -> Promise<response>; every
//    element of the array is written as one message, in order.
//  - server streaming: fn(request, opts?) -> async iterable of responses
//    (for await ... of), with .cancel(). No deadline unless opts.timeoutMs.
// engagement.watchNotifications(parent, opts?) is a resuming EventEmitter.
function createClient(options = {}) {
  const {
    address,
    token,
    protoRoot = DEFAULT_PROTO_ROOT,
    timeoutMs = DEFAULT_TIMEOUT_MS,
    credentials = grpc.credentials.createInsecure(),
    extraIncludeDirs = [],
  } = options;
  if (!address) throw new Error('createClient: address is required');

  const files = Object.values(SERVICES).map(([file]) => file);
  const definition = protoLoader.loadSync(
    files, loaderOptions(protoRoot, extraIncludeDirs));
  const root = grpc.loadPackageDefinition(definition);

  const channel = new grpc.Channel(address, credentials, {});
  const client = { raw: {} };

  const metadataFor = (callToken) => {
    const metadata = new grpc.Metadata();
    const bearer = callToken === undefined ? token : callToken;
    if (bearer) metadata.set('authorization', `Bearer ${bearer}`);
    return metadata;
  };
  const callOptions = (opts, defaultTimeout) => {
    const ms = opts.timeoutMs === undefined ? defaultTimeout : opts.timeoutMs;
    return ms ? { deadline: new Date(Date.now() + ms) } : {};
  };

  for (const [key, [, serviceName]] of Object.entries(SERVICES)) {
    const Ctor = lookup(root, serviceName);
    const stub = new Ctor(address, credentials, { channelOverride: channel });
    client.raw[key] = stub;
    const service = {};
    for (const [methodName, method] of Object.entries(Ctor.service)) {
      const fn = lowerFirst(methodName);
      const label = `${serviceName}/${methodName}`;
      if (!method.requestStream && !method.responseStream) {
        service[fn] = (request = {}, opts = {}) => new Promise((resolve, reject) => {
          stub[methodName](request, metadataFor(opts.token),
            callOptions(opts, timeoutMs), (err, response) => {
              if (err) reject(wrapError(label, err)); else resolve(response);
            });
        });
      } else if (method.requestStream && !method.responseStream) {
        service[fn] = (requests = [], opts = {}) => new Promise((resolve, reject) => {
          const call = stub[methodName](metadataFor(opts.token),
            callOptions(opts, timeoutMs), (err, response) => {
              if (err) reject(wrapError(label, err)); else resolve(response);
            });
          for (const request of requests) call.write(request);
          call.end();
        });
      } else if (!method.requestStream && method.responseStream) {
        service[fn] = (request = {}, opts = {}) =>
          streamIterator(label, stub[methodName](request,
            metadataFor(opts.token), callOptions(opts, 0)));
      }
      // No bidirectional methods exist in the API.
    }
    client[key] = service;
  }

  // Resuming watch: emits 'notification' (Notification) for each one,
  // 'error' (when the stream fails and will not be retried) and 'end'.
  // On UNAVAILABLE it reconnects after retryDelayMs with the resume_token
  // of the last notification seen, so nothing is missed or seen twice.
  // .resumeToken holds that token; .close() stops.
  // Without an 'error' listener an error is thrown, as for any EventEmitter.
  const streamWatch = client.engagement.watchNotifications;
  client.engagement.watchNotificationsEmitter = (parent, opts = {}) => {
    const emitter = new EventEmitter();
    emitter.resumeToken = opts.resumeToken || '';
    let closed = false;
    let current = null;
    const retryDelayMs = opts.retryDelayMs === undefined ? 1000 : opts.retryDelayMs;
    const connect = async () => {
      current = streamWatch({ parent, resumeToken: emitter.resumeToken }, opts);
      try {
        for await (const response of current) {
          const n = response.notification;
          if (n && n.resumeToken) emitter.resumeToken = n.resumeToken;
          emitter.emit('notification', n);
        }
        if (!closed) emitter.emit('end');
      } catch (err) {
        if (closed) return;
        if (err.code === grpc.status.UNAVAILABLE && opts.resume !== false) {
          setTimeout(() => { if (!closed) connect(); }, retryDelayMs);
          return;
        }
        emitter.emit('error', err);
      }
    };
    emitter.close = () => {
      closed = true;
      if (current) current.cancel();
    };
    connect();
    return emitter;
  };

  client.close = () => {
    for (const stub of Object.values(client.raw)) stub.close();
    channel.close();
  };
  return client;
}

// Adapts a server-streaming call to an async iterable; errors (other than
// our own cancel) are thrown from the loop as wrapped Errors.
function streamIterator(label, call) {
  let cancelled = false;
  const iterable = {
    cancel() {
      cancelled = true;
      call.cancel();
    },
    async *[Symbol.asyncIterator]() {
      try {
        for await (const message of call) yield message;
      } catch (err) {
        if (cancelled && err.code === grpc.status.CANCELLED) return;
        throw wrapError(label, err);
      } finally {
        if (!cancelled) call.cancel();
      }
    },
  };
  return iterable;
}

module.exports = { createClient, grpc, DEFAULT_PROTO_ROOT };
