#include "services/common/metrics.h"

#include <prometheus/client_metric.h>
#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <exception>
#include <utility>

#include "absl/strings/str_cat.h"
#include "db/pool.h"
#include "services/common/executor.h"

namespace candor {
namespace {

// Seconds, from 100 µs (an in-memory read) to 10 s (past any sane deadline).
const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
      0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
  return *buckets;
}

// A connection is normally free at once; waits show saturation.
const prometheus::Histogram::BucketBoundaries& PoolWaitBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.00001, 0.0001, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2};
  return *buckets;
}

const prometheus::Histogram::BucketBoundaries& BatchBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      1, 10, 50, 100, 500, 1000, 5000, 10000, 50000, 100000};
  return *buckets;
}

prometheus::ClientMetric GaugeMetric(
    std::vector<prometheus::ClientMetric::Label> labels, double value) {
  prometheus::ClientMetric metric;
  metric.label = std::move(labels);
  metric.gauge.value = value;
  return metric;
}

prometheus::MetricFamily GaugeFamily(std::string name, std::string help) {
  prometheus::MetricFamily family;
  family.name = std::move(name);
  family.help = std::move(help);
  family.type = prometheus::MetricType::Gauge;
  return family;
}

}  // namespace

// Pool and executor gauges, read at scrape time.
class Metrics::SampledGauges : public prometheus::Collectable {
 public:
  void Add(std::string service, const db::Pool* pool,
           const BoundedExecutor* executor) {
    absl::MutexLock lock(&mu_);
    sources_.push_back({std::move(service), pool, executor});
  }

  std::vector<prometheus::MetricFamily> Collect() const override {
    auto connections =
        GaugeFamily("candor_db_pool_connections",
                    "Open database connections, in use or idle.");
    auto waiting = GaugeFamily("candor_db_pool_waiting",
                               "Callers waiting for a database connection.");
    auto queue = GaugeFamily("candor_executor_queue_depth",
                             "Calls queued for a worker thread.");
    auto threads = GaugeFamily("candor_executor_threads", "Worker threads.");
    absl::MutexLock lock(&mu_);
    for (const Source& source : sources_) {
      const db::Pool::Stats stats = source.pool->stats();
      connections.metric.push_back(GaugeMetric(
          {{"service", source.service}, {"state", "in_use"}}, stats.in_use));
      connections.metric.push_back(
          GaugeMetric({{"service", source.service}, {"state", "idle"}},
                      stats.open - stats.in_use));
      waiting.metric.push_back(
          GaugeMetric({{"service", source.service}}, stats.waiting));
      queue.metric.push_back(GaugeMetric({{"service", source.service}},
                                         source.executor->queue_depth()));
      threads.metric.push_back(GaugeMetric({{"service", source.service}},
                                           source.executor->thread_count()));
    }
    return {std::move(connections), std::move(waiting), std::move(queue),
            std::move(threads)};
  }

 private:
  struct Source {
    std::string service;
    const db::Pool* pool;
    const BoundedExecutor* executor;
  };
  mutable absl::Mutex mu_;
  std::vector<Source> sources_ ABSL_GUARDED_BY(mu_);
};

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      gauges_(std::make_shared<SampledGauges>()),
      calls_(&prometheus::BuildCounter()
                  .Name("candor_rpc_calls_total")
                  .Help("Calls finished, by method and status code.")
                  .Register(*registry_)),
      latency_(&prometheus::BuildHistogram()
                    .Name("candor_rpc_latency_seconds")
                    .Help("Time from receiving a call to answering it.")
                    .Register(*registry_)),
      batch_(&prometheus::BuildHistogram()
                  .Name("candor_batch_size")
                  .Help("Items per call of a batched write.")
                  .Register(*registry_)),
      pool_wait_(&prometheus::BuildHistogram()
                      .Name("candor_db_pool_wait_seconds")
                      .Help("Time a call waited for a database connection.")
                      .Register(*registry_)) {}

Metrics::~Metrics() = default;

Metrics::MethodMetrics& Metrics::ForMethod(absl::string_view method) {
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = methods_.find(method);
    if (it != methods_.end()) return *it->second;
  }
  absl::MutexLock lock(&mu_);
  std::unique_ptr<MethodMetrics>& slot = methods_[method];
  if (slot == nullptr) {
    slot = std::make_unique<MethodMetrics>();
    slot->latency =
        &latency_->Add({{"method", std::string(method)}}, LatencyBuckets());
  }
  return *slot;
}

void Metrics::RecordCall(absl::string_view method, absl::StatusCode code,
                         absl::Duration latency) {
  MethodMetrics& m = ForMethod(method);
  m.latency->Observe(absl::ToDoubleSeconds(latency));
  const auto index = static_cast<size_t>(code);
  if (index >= m.calls.size()) return;  // not a canonical code
  prometheus::Counter* counter = m.calls[index].load(std::memory_order_acquire);
  if (counter == nullptr) {
    // Family::Add returns the same counter for the same labels, so a race
    // here only stores the same pointer twice.
    counter = &calls_->Add({{"method", std::string(method)},
                            {"code", absl::StatusCodeToString(code)}});
    m.calls[index].store(counter, std::memory_order_release);
  }
  counter->Increment();
}

void Metrics::RecordBatch(absl::string_view method, size_t size) {
  MethodMetrics& m = ForMethod(method);
  prometheus::Histogram* batch;
  {
    absl::MutexLock lock(&mu_);
    if (m.batch == nullptr) {
      m.batch = &batch_->Add({{"method", std::string(method)}}, BatchBuckets());
    }
    batch = m.batch;
  }
  batch->Observe(static_cast<double>(size));
}

void Metrics::AddService(const std::string& service, db::Pool* pool,
                         const BoundedExecutor* executor) {
  prometheus::Histogram* wait =
      &pool_wait_->Add({{"service", service}}, PoolWaitBuckets());
  pool->SetBorrowWaitObserver([wait](absl::Duration waited) {
    wait->Observe(absl::ToDoubleSeconds(waited));
  });
  gauges_->Add(service, pool, executor);
}

absl::Status Metrics::Serve(const std::string& listen) {
  if (exposer_ != nullptr)
    return absl::FailedPreconditionError("metrics: already serving");
  try {
    exposer_ = std::make_unique<prometheus::Exposer>(listen, /*num_threads=*/1);
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(
        "metrics_listen: cannot serve on ", listen, ": ", e.what()));
  }
  exposer_->RegisterCollectable(registry_);
  exposer_->RegisterCollectable(gauges_);
  return absl::OkStatus();
}

void Metrics::StopServing() { exposer_.reset(); }

std::string Metrics::Render() const {
  std::vector<prometheus::MetricFamily> families = registry_->Collect();
  for (auto& family : gauges_->Collect()) families.push_back(std::move(family));
  return prometheus::TextSerializer().Serialize(families);
}

}  // namespace candor
