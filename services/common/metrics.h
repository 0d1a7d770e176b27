// Prometheus metrics for candord (Debian's prometheus-cpp): what an operator
// needs to see where time goes under load.
//
//   candor_rpc_calls_total{method,code}       calls finished, by status code
//   candor_rpc_latency_seconds{method}         histogram, receipt to answer
//   candor_batch_size{method}                  histogram of items per call for
//                                              batched writes (events, import
//                                              rows)
//   candor_db_pool_wait_seconds{service}       histogram of waits for a
//   connection candor_db_pool_connections{service,state}  open connections
//   in_use / idle candor_db_pool_waiting{service}            borrowers waiting
//   right now candor_executor_queue_depth{service}       calls queued for a
//   worker candor_executor_threads{service}           workers (fixed; for the
//   ratio)
//
// Gauges are read from the pools and executors when scraped, so the hot path
// pays only for counters and histograms. Metrics is thread-safe; recording a
// call costs a reader lock, a hash lookup and two atomic updates.
#ifndef CANDOR_SERVICES_COMMON_METRICS_H_
#define CANDOR_SERVICES_COMMON_METRICS_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace prometheus {
class Counter;
class Exposer;
template <typename T>
class Family;
class Histogram;
class Registry;
}  // namespace prometheus

namespace candor {
namespace db {
class Pool;
}  // namespace db
class BoundedExecutor;

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // One finished call of `method` (a full gRPC method name).
  void RecordCall(absl::string_view method, absl::StatusCode code,
                  absl::Duration latency);
  // A batched write of `size` items by `method`.
  void RecordBatch(absl::string_view method, size_t size);

  // Reports `pool` and `executor` (not owned; they must outlive the
  // Metrics, or be unregistered by destroying it first) under `service`.
  // Wires the pool's wait callback, so call it before the pool is used.
  void AddService(const std::string& service, db::Pool* pool,
                  const BoundedExecutor* executor);

  // Serves GET /metrics on `listen` ("127.0.0.1:9464"). INVALID_ARGUMENT
  // when the address cannot be bound. At most once.
  absl::Status Serve(const std::string& listen);
  // Stops serving; call before the pools and executors it reports go away.
  void StopServing();

  // The text exposition of every metric, as a scrape would see it.
  std::string Render() const;

 private:
  class SampledGauges;
  struct MethodMetrics {
    prometheus::Histogram* latency = nullptr;
    // Indexed by absl::StatusCode (0-16); created on first use.
    std::array<std::atomic<prometheus::Counter*>, 17> calls{};
    prometheus::Histogram* batch = nullptr;  // created on first batch
  };
  MethodMetrics& ForMethod(absl::string_view method);

  std::shared_ptr<prometheus::Registry> registry_;
  std::shared_ptr<SampledGauges> gauges_;
  prometheus::Family<prometheus::Counter>* calls_;
  prometheus::Family<prometheus::Histogram>* latency_;
  prometheus::Family<prometheus::Histogram>* batch_;
  prometheus::Family<prometheus::Histogram>* pool_wait_;

  mutable absl::Mutex mu_;
  // Node-stable: handed-out references stay valid as the map grows.
  absl::flat_hash_map<std::string, std::unique_ptr<MethodMetrics>> methods_
      ABSL_GUARDED_BY(mu_);
  std::unique_ptr<prometheus::Exposer> exposer_;
};

}  // namespace candor

#endif  // CANDOR_SERVICES_COMMON_METRICS_H_
