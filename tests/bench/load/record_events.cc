// record_events: RecordEngagementEvents client streams of 500-event
// messages, counted by the events the server acknowledged (its response
// arrives after the commit).
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "candor/engagement/v1/engagement.grpc.pb.h"
#include "google/protobuf/util/time_util.h"
#include "tests/bench/load/scenario_support.h"
#include "tests/bench/synthetic.h"

namespace candor::load {
namespace {

namespace epb = ::candor::engagement::v1;
using ::google::protobuf::util::TimeUtil;

class RecordEventsScenario;

// One RecordEngagementEvents stream: writes its messages one after another
// (gRPC allows one write outstanding), then half-closes and waits for the
// response, which the server sends after its commit.
class EventStream
    : public grpc::ClientWriteReactor<epb::RecordEngagementEventsRequest> {
 public:
  EventStream(RecordEventsScenario* scenario, Completion* done);
  void Go(epb::EngagementService::Stub* stub);
  void OnWriteDone(bool ok) override;
  void OnDone(const grpc::Status& status) override;

 private:
  void NextMessage();

  RecordEventsScenario* scenario_;
  Completion* done_;
  grpc::ClientContext context_;
  epb::RecordEngagementEventsRequest message_;
  epb::RecordEngagementEventsResponse response_;
  int sent_ = 0;
};

class RecordEventsScenario : public Scenario {
 public:
  RecordEventsScenario(std::vector<Connection>& connections,
                       epb::RecordEngagementEventsRequest message,
                       int messages_per_stream, const std::string* auth,
                       std::string id_prefix)
      : message_(std::move(message)),
        messages_per_stream_(messages_per_stream),
        auth_(auth),
        id_prefix_(std::move(id_prefix)) {
    for (Connection& connection : connections) {
      stubs_.emplace(&connection,
                     epb::EngagementService::NewStub(connection.channel));
    }
  }

  std::vector<std::string> MethodNames() const override {
    return {"RecordEngagementEvents"};
  }

  void Start(Connection& connection, Completion* done) override {
    (new EventStream(this, done))->Go(stubs_.at(&connection).get());
  }

  void WriteFields(const RunResult& result, JsonWriter& out) const override {
    out.Int("events_per_message", message_.events_size());
    out.Int("events_per_stream", static_cast<int64_t>(message_.events_size()) *
                                     messages_per_stream_);
    out.Int("events_acknowledged", result.total.units);
    out.Int("events_recorded", recorded_.load());
    out.Int("events_duplicate", duplicates_.load());
    out.Double("events_per_s",
               result.seconds > 0 ? result.total.units / result.seconds : 0);
  }

 private:
  friend class EventStream;

  const epb::RecordEngagementEventsRequest message_;  // event ids unset
  const int messages_per_stream_;
  const std::string* auth_;
  const std::string id_prefix_;
  std::map<const Connection*, std::unique_ptr<epb::EngagementService::Stub>>
      stubs_;
  std::atomic<uint64_t> next_event_{0};
  // Of measured streams: new rows, and events the server already had.
  std::atomic<int64_t> recorded_{0};
  std::atomic<int64_t> duplicates_{0};
};

EventStream::EventStream(RecordEventsScenario* scenario, Completion* done)
    : scenario_(scenario), done_(done), message_(scenario->message_) {}

void EventStream::Go(epb::EngagementService::Stub* stub) {
  context_.set_deadline(done_->deadline());
  context_.AddMetadata("authorization", *scenario_->auth_);
  stub->async()->RecordEngagementEvents(&context_, &response_, this);
  NextMessage();
  StartWrite(&message_);
  StartCall();
}

void EventStream::NextMessage() {
  // Unique ids, so every event is new work for the server (duplicates are
  // cheaper: the insert ignores them).
  uint64_t id = scenario_->next_event_.fetch_add(
      static_cast<uint64_t>(message_.events_size()), std::memory_order_relaxed);
  for (epb::EngagementEvent& event : *message_.mutable_events()) {
    event.set_event_id(absl::StrCat(scenario_->id_prefix_, id++));
  }
}

void EventStream::OnWriteDone(bool ok) {
  if (!ok) return;  // the stream failed; OnDone follows with its status
  if (++sent_ < scenario_->messages_per_stream_) {
    NextMessage();
    StartWrite(&message_);
  } else {
    StartWritesDone();
  }
}

void EventStream::OnDone(const grpc::Status& status) {
  const int64_t acknowledged =
      status.ok() ? response_.received() - response_.errors_size() : 0;
  if (status.ok() && response_.errors_size() > 0) {
    static std::atomic<bool> warned{false};
    if (!warned.exchange(true)) {
      std::fprintf(stderr,
                   "candor_load: the server refused events, e.g. %s: %s\n",
                   response_.errors(0).field().c_str(),
                   response_.errors(0).reason().c_str());
    }
  }
  if (status.ok() && done_->measured()) {
    scenario_->recorded_.fetch_add(response_.recorded());
    scenario_->duplicates_.fetch_add(response_.duplicates());
  }
  Completion* done = done_;
  delete this;
  done->Finish(status, 0, acknowledged);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Scenario>> MakeRecordEvents(
    LoadContext& context, std::vector<Connection>& connections) {
  const auto& shares = context.dataset().share_ids;
  if (shares.empty()) {
    return absl::FailedPreconditionError(
        "the dataset manifest lists no share_ids");
  }
  constexpr int kEventsPerMessage = 500;
  const int messages =
      std::max(1, context.flags().events_per_stream / kEventsPerMessage);
  bench::Rng rng(context.seed() ^ 0x6576656e7473ULL);
  epb::RecordEngagementEventsRequest message;
  message.set_parent(context.org_name());
  const int64_t now_s = absl::ToUnixSeconds(absl::Now());
  const epb::EngagementEvent::Kind kinds[] = {
      epb::EngagementEvent::IMPRESSION, epb::EngagementEvent::IMPRESSION,
      epb::EngagementEvent::CLICK,      epb::EngagementEvent::REACTION,
      epb::EngagementEvent::COMMENT,    epb::EngagementEvent::RESHARE};
  for (int i = 0; i < kEventsPerMessage; ++i) {
    epb::EngagementEvent* event = message.add_events();
    event->set_share(absl::StrCat(context.org_name(), "/shares/",
                                  shares[rng.Below(shares.size())]));
    event->set_kind(kinds[rng.Below(6)]);
    event->set_count(1 + static_cast<int64_t>(rng.Below(3)));
    // Within the last week: the server takes events up to 400 days old.
    *event->mutable_occurred_time() = TimeUtil::SecondsToTimestamp(
        now_s - static_cast<int64_t>(rng.Below(7 * 86400)));
  }
  // The tracking pipeline reports events for any share of the organization,
  // so the streams run as a service of the organization: a staff member
  // may only report events of their own shares.
  return std::unique_ptr<Scenario>(new RecordEventsScenario(
      connections, std::move(message), messages, &context.ServiceAuth(),
      absl::StrCat("load-", absl::ToUnixMillis(absl::Now()), "-")));
}

}  // namespace candor::load
