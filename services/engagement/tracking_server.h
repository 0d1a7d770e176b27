// The tracking-link endpoint: a small HTTP server (cpp-httplib) that answers
// `GET /r/{code}` with a 302 redirect to the shared post's link (or, when it
// has none, the share's external URL) and records one CLICK engagement event
// per reader and day.
//
// Readers are de-duplicated without storing who they are: the visitor hash
// is SHA-256(daily salt "\n" remote IP "\n" User-Agent). The salt is random,
// kept in tracking_salts for the current UTC day only (older salts and
// visits are deleted when a new day's salt is made), so once a day is over
// its hashes can no longer be linked to an IP. No raw IP is stored or
// logged. (Behind a proxy the remote address is the proxy's; readers then
// share its address and differ only by User-Agent.)
//
// Bounded: a fixed number of worker threads and a bounded queue of accepted
// connections (when full, accepting waits, and the kernel's backlog holds
// further readers); short read/write timeouts and few requests per
// keep-alive connection, so a slow reader cannot hold a worker for long.
// Thread-safe.
#ifndef CANDOR_SERVICES_ENGAGEMENT_TRACKING_SERVER_H_
#define CANDOR_SERVICES_ENGAGEMENT_TRACKING_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "db/pool.h"
#include "services/common/access_log.h"

namespace candor::engagement {

struct TrackingServerOptions {
  // "host:port"; port 0 picks a free one.
  std::string listen_address = "127.0.0.1:50052";
  int threads = 4;
  int queue = 64;
  // The endpoint is reached only through a proxy that appends the
  // client's address to X-Forwarded-For (HAProxy's `option forwardfor`):
  // count visitors by the header's last entry, the address the proxy saw.
  // Otherwise the header is ignored, since any client can write it.
  bool trust_forwarded_for = false;
  // Not owned; must outlive the server. access_log may be null.
  db::Pool* pool = nullptr;  // the engagement schema's
  const AccessLog* access_log = nullptr;
};

class TrackingServer {
 public:
  // Binds and starts serving; INVALID_ARGUMENT for a malformed address,
  // UNAVAILABLE when it cannot bind.
  static absl::StatusOr<std::unique_ptr<TrackingServer>> Start(
      const TrackingServerOptions& options);
  // Stops (see Stop()).
  ~TrackingServer();

  int port() const;
  // Stops accepting, finishes the requests in progress and joins the
  // threads. Idempotent.
  void Stop();

 private:
  class Impl;
  explicit TrackingServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace candor::engagement

#endif  // CANDOR_SERVICES_ENGAGEMENT_TRACKING_SERVER_H_
