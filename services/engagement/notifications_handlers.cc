// EngagementService: the notification inbox (ListNotifications,
// MarkNotificationsRead) and its resumable stream (WatchNotifications).
//
// Every method is for the person themself: `parent` must be the caller's own
// staff name (another person of the organization: PERMISSION_DENIED; another
// organization: NOT_FOUND).
//
// A notification's resume_token is a signed token (PageTokenCodec) bound to
// "watch\n<parent>" whose cursor is the notification's sequence. Sequences
// of one person are gap-free and commit in order (see notifications.h), so a
// stream that resumes with "sequence > cursor" misses nothing and repeats
// nothing.
#include <google/protobuf/util/time_util.h>

#include <cstdint>
#include <deque>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "services/common/authz.h"
#include "services/common/department.h"
#include "services/common/event_feed.h"
#include "services/common/grpc_status.h"
#include "services/common/internal_call.h"
#include "services/common/resource_name.h"
#include "services/common/status_macros.h"
#include "services/common/validation.h"
#include "services/engagement/engagement_service.h"

namespace candor::engagement {
namespace {

using ::google::protobuf::util::TimeUtil;

constexpr absl::string_view kNotificationPattern =
    "organizations/{organization}/staffMembers/{staff_member}/notifications/"
    "{notification}";
constexpr int kMaxMarkNames = 1000;
// Notifications read per query by a stream.
constexpr int kWatchBatch = 100;
// Streams skip a poll while more calls than this wait for the executor.
constexpr int kPollQueueLimit = 32;
// Advocacy events fetched per ListAdvocacyEvents call, and calls per import
// (the rest waits for the next read).
constexpr int kAdvocacyEventPage = 1000;
constexpr int kMaxAdvocacyEventPages = 10;
// Staff members listed per ListStaffMembers call.
constexpr int kStaffPage = 1000;

namespace advocacypb = ::candor::advocacy::v1;
namespace staffpb = ::candor::staff::v1;

// Notification::Kind numbers (candor.engagement.v1).
constexpr int kPostDecisionKind = v1::Notification::POST_DECISION;
constexpr int kNewStoryKind = v1::Notification::NEW_STORY;

std::string PostDecisionMessage(absl::string_view verdict) {
  if (verdict == "APPROVED") return "Your post was approved.";
  if (verdict == "NEEDS_REVIEW") return "Your post needs a reviewer's look.";
  if (verdict == "REJECTED") {
    return "Your post was rejected: see the decision for what to change.";
  }
  return "A decision was made on your post.";
}

// The staff_member_ids of the ACTIVE staff of `org` in one of the
// departments `keys` (DepartmentKey), or all of them when `keys` is empty;
// every page. The staff service's `department = "..."` filter compares
// exactly, so the departments are matched here.
absl::StatusOr<std::vector<std::string>> ActiveStaffIn(
    staffpb::StaffService::Stub& staff, ServiceTokenSource& service_tokens,
    const std::string& org, const std::set<std::string>& keys) {
  std::vector<std::string> ids;
  std::string page_token;
  do {
    staffpb::ListStaffMembersRequest request;
    request.set_parent(OrganizationName(org));
    request.set_page_size(kStaffPage);
    request.set_page_token(page_token);
    request.set_filter("state = ACTIVE");
    staffpb::ListStaffMembersResponse response;
    CANDOR_ASSIGN_OR_RETURN(std::unique_ptr<grpc::ClientContext> context,
                            AsService(service_tokens));
    CANDOR_RETURN_IF_ERROR(FromInternalCall(
        staff.ListStaffMembers(context.get(), request, &response),
        "the staff service"));
    for (const staffpb::StaffMember& member : response.staff_members()) {
      if (!keys.empty() && !keys.count(DepartmentKey(member.department()))) {
        continue;
      }
      CANDOR_ASSIGN_OR_RETURN(
          std::vector<std::string> parts,
          ParseResourceName("name", member.name(), kStaffMemberPattern));
      ids.push_back(parts[1]);
    }
    page_token = response.next_page_token();
  } while (!page_token.empty());
  return ids;
}

// The inbox a request names, once the caller is known to own it.
struct Inbox {
  std::string parent;  // organizations/{org}/staffMembers/{id}
  std::string org;
  std::string staff_member_id;
};

absl::StatusOr<Inbox> OwnInbox(const Caller& caller,
                               const std::string& parent) {
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<std::string> ids,
      ParseResourceName("parent", parent, kStaffMemberPattern));
  CANDOR_RETURN_IF_ERROR(RequireStaffOf(caller, ids[0], parent));
  if (!caller.IsStaffMember(ids[0], ids[1])) {
    return absl::PermissionDeniedError(
        "a staff member can only read and change their own notifications");
  }
  return Inbox{parent, ids[0], ids[1]};
}

std::string ResumeQuery(const std::string& parent) {
  return absl::StrCat("watch\n", parent);
}

absl::StatusOr<int64_t> SequenceFromCursor(absl::string_view field,
                                           absl::string_view cursor) {
  int64_t sequence = 0;
  if (!absl::SimpleAtoi(cursor, &sequence) || sequence < 0) {
    return InvalidField(field, "not a token this server made");
  }
  return sequence;
}

void ToProto(const NotificationRecord& r, const Inbox& inbox,
             const PageTokenCodec& tokens, v1::Notification* out) {
  const std::string sequence = absl::StrCat(r.sequence);
  out->set_name(absl::StrCat(inbox.parent, "/notifications/", sequence));
  out->set_kind(v1::Notification::Kind_IsValid(r.kind)
                    ? static_cast<v1::Notification::Kind>(r.kind)
                    : v1::Notification::KIND_UNSPECIFIED);
  out->set_subject(r.subject);
  out->set_message(r.message);
  out->set_read(r.read);
  *out->mutable_create_time() =
      TimeUtil::MicrosecondsToTimestamp(r.create_time_us);
  out->set_resume_token(tokens.Encode(ResumeQuery(inbox.parent), sequence));
}

}  // namespace

// --- importing advocacy events -----------------------------------------------

void EngagementService::ImportAdvocacyEvents(const std::string& org) {
  if (advocacy_ == nullptr || service_tokens_ == nullptr) return;
  absl::Status imported = [&]() -> absl::Status {
    CANDOR_ASSIGN_OR_RETURN(const int64_t last_imported,
                            notifications_.AdvocacyEventCursor(org));
    const EventFeed<advocacypb::AdvocacyEvent> feed(
        [&](int64_t after, int page_size)
            -> absl::StatusOr<std::vector<advocacypb::AdvocacyEvent>> {
          advocacypb::ListAdvocacyEventsRequest request;
          request.set_parent(OrganizationName(org));
          request.set_after_sequence(after);
          request.set_page_size(page_size);
          advocacypb::ListAdvocacyEventsResponse response;
          CANDOR_ASSIGN_OR_RETURN(std::unique_ptr<grpc::ClientContext> context,
                                  AsService(*service_tokens_));
          CANDOR_RETURN_IF_ERROR(FromInternalCall(
              advocacy_->ListAdvocacyEvents(context.get(), request, &response),
              "the advocacy service"));
          return std::vector<advocacypb::AdvocacyEvent>(
              std::make_move_iterator(response.mutable_events()->begin()),
              std::make_move_iterator(response.mutable_events()->end()));
        },
        EventFeedLimits{kAdvocacyEventPage, kMaxAdvocacyEventPages});
    CANDOR_ASSIGN_OR_RETURN(std::vector<advocacypb::AdvocacyEvent> events,
                            feed.Fetch(last_imported));
    // Resolve every recipient before the transaction (no remote call while
    // the cursor row is locked).
    struct PlannedEvent {
      int64_t event_sequence;
      std::vector<NewNotification> notes;
      int64_t sequence() const { return event_sequence; }
    };
    std::vector<PlannedEvent> planned;
    for (const advocacypb::AdvocacyEvent& event : events) {
      std::vector<NewNotification> notes;
      if (event.kind() == "post.decision") {
        absl::StatusOr<std::vector<std::string>> recipient = ParseResourceName(
            "recipient", event.recipient(), kStaffMemberPattern);
        if (recipient.ok() && (*recipient)[0] == org) {
          notes.push_back(NewNotification{
              org, (*recipient)[1], kPostDecisionKind, event.subject(),
              PostDecisionMessage(event.details())});
        }
      } else if (event.kind() == "story.create") {
        if (staff_ == nullptr) {
          return absl::FailedPreconditionError("no staff service to ask");
        }
        std::set<std::string> keys;  // empty: everyone
        for (absl::string_view department :
             absl::StrSplit(event.details(), '\n', absl::SkipEmpty())) {
          keys.insert(DepartmentKey(department));
        }
        keys.erase("");
        // An audience of blank names only: nobody (no key is "\n").
        if (!event.details().empty() && keys.empty()) keys.insert("\n");
        CANDOR_ASSIGN_OR_RETURN(
            std::vector<std::string> recipients,
            ActiveStaffIn(*staff_, *service_tokens_, org, keys));
        for (const std::string& id : recipients) {
          notes.push_back(NewNotification{org, id, kNewStoryKind,
                                          event.subject(),
                                          "A new story for your department."});
        }
      }  // other kinds: nothing to notify; the cursor moves past them
      planned.push_back(PlannedEvent{event.sequence(), std::move(notes)});
    }
    if (planned.empty()) return absl::OkStatus();

    std::set<std::string> woken;
    CANDOR_ASSIGN_OR_RETURN(db::Transaction tx, db::Transaction::Begin(*pool_));
    // Another import may have added some (or all) of them since the fetch.
    CANDOR_ASSIGN_OR_RETURN(int64_t cursor,
                            notifications_.LockAdvocacyEventCursor(tx, org));
    CANDOR_ASSIGN_OR_RETURN(
        const int64_t imported_to,
        ApplyFeedEvents(cursor, planned, [&](const PlannedEvent& event) {
          for (const NewNotification& note : event.notes) {
            CANDOR_RETURN_IF_ERROR(notifications_.Add(tx, note));
            woken.insert(note.staff_member_id);
          }
          return absl::OkStatus();
        }));
    if (imported_to == cursor) return absl::OkStatus();
    CANDOR_RETURN_IF_ERROR(
        notifications_.SetAdvocacyEventCursor(tx, org, imported_to));
    CANDOR_RETURN_IF_ERROR(tx.Commit());
    for (const std::string& id : woken) notifications_.Published(org, id);
    return absl::OkStatus();
  }();
  imported.IgnoreError();  // the events stay pending; the next read retries
}

// --- ListNotifications, MarkNotificationsRead ------------------------------

absl::Status EngagementService::DoListNotifications(
    const Caller& caller, const v1::ListNotificationsRequest& request,
    v1::ListNotificationsResponse* response) {
  CANDOR_ASSIGN_OR_RETURN(Inbox inbox, OwnInbox(caller, request.parent()));
  ImportAdvocacyEvents(inbox.org);
  const std::string filter =
      absl::StrReplaceAll(request.filter(), {{" ", ""}, {"\t", ""}});
  if (!filter.empty() && filter != "read=false") {
    return InvalidField("filter", "the only filter is `read = false`");
  }
  const bool unread_only = !filter.empty();
  CANDOR_ASSIGN_OR_RETURN(PageRequest page, page_tokens_->StartListPage(
                                                request, inbox.parent, filter));
  int64_t before = 0;
  if (!page.cursor.empty()) {
    CANDOR_ASSIGN_OR_RETURN(before,
                            SequenceFromCursor("page_token", page.cursor));
  }
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<NotificationRecord> rows,
      notifications_.ListNewestFirst(inbox.org, inbox.staff_member_id, before,
                                     unread_only, page.limit()));
  response->set_next_page_token(page_tokens_->FinishPage(
      page, rows,
      [](const NotificationRecord& r) { return absl::StrCat(r.sequence); }));
  for (const NotificationRecord& r : rows) {
    ToProto(r, inbox, *page_tokens_, response->add_notifications());
  }
  return absl::OkStatus();
}

absl::Status EngagementService::DoMarkNotificationsRead(
    const Caller& caller, const v1::MarkNotificationsReadRequest& request,
    v1::MarkNotificationsReadResponse* response) {
  CANDOR_ASSIGN_OR_RETURN(Inbox inbox, OwnInbox(caller, request.parent()));
  CANDOR_RETURN_IF_ERROR(RequireActiveCaller(staff_states_.get(), caller));
  ImportAdvocacyEvents(inbox.org);
  if (request.names_size() > kMaxMarkNames) {
    return InvalidField(
        "names", absl::StrCat("at most ", kMaxMarkNames, " names in one call"));
  }
  std::vector<int64_t> sequences;
  for (int i = 0; i < request.names_size(); ++i) {
    const std::string field = absl::StrCat("names[", i, "]");
    CANDOR_ASSIGN_OR_RETURN(
        std::vector<std::string> ids,
        ParseResourceName(field, request.names(i), kNotificationPattern));
    if (ids[0] != inbox.org || ids[1] != inbox.staff_member_id) {
      return InvalidField(field, "not a notification of parent");
    }
    int64_t sequence = 0;
    if (!absl::SimpleAtoi(ids[2], &sequence) || sequence <= 0) {
      return InvalidField(field, "not a notification name");
    }
    sequences.push_back(sequence);
  }
  CANDOR_ASSIGN_OR_RETURN(
      int64_t marked,
      notifications_.MarkRead(inbox.org, inbox.staff_member_id, sequences));
  response->set_marked(marked);
  return absl::OkStatus();
}

// --- WatchNotifications ------------------------------------------------------

// One stream. Authenticates and authorizes when it starts, then repeats:
// read the notifications after the last one sent (on the service's
// executor, never on a gRPC thread), write them one at a time in order,
// and wait until Notifications wakes it (a notification was published
// here, or the poll ticker fired). Ends when the client cancels or the
// server shuts down (which cancels every stream), or on a database error
// (the client resumes with its last token).
//
// States: kIdle (waiting for a wake-up), kFetching (a read is queued or
// running), kWriting (a write is in flight), kFinished. Finish is called only
// from kIdle, or when a read or write completes, so no read outlives the
// reactor. Every member below mu_ is guarded by it.
class EngagementService::WatchReactor final
    : public grpc::ServerWriteReactor<v1::WatchNotificationsResponse>,
      public Notifications::Watcher {
 public:
  WatchReactor(EngagementService* service, grpc::CallbackServerContext* context,
               const v1::WatchNotificationsRequest& request)
      : service_(service), start_(absl::Now()) {
    absl::Status started = Begin(*context, request);
    if (!started.ok()) {
      DoFinish(started);
      return;
    }
    service_->notifications_.AddWatcher(inbox_.org, inbox_.staff_member_id,
                                        this);
    registered_ = true;
    Wake(/*poll=*/false);  // the first read
  }

  // Called with the registry's lock held; never blocks.
  void Wake(bool poll) override {
    absl::MutexLock lock(&mu_);
    if (state_ != State::kIdle) {
      // Published while reading or writing: read again afterwards. (A poll
      // then is moot: the next tick comes soon enough.)
      if (!poll) dirty_ = true;
      return;
    }
    // Polls give way to calls when the executor is busy; the next tick (or
    // a Published() here) comes soon enough.
    if (poll && service_->env_->executor->queue_depth() > kPollQueueLimit)
      return;
    StartFetchLocked();
  }

  void OnWriteDone(bool ok) override {
    std::optional<absl::Status> finish;
    {
      absl::MutexLock lock(&mu_);
      if (!ok) {
        finish = absl::CancelledError("the stream was closed");
      } else {
        last_sent_ = pending_.front().sequence;
        pending_.pop_front();
        if (cancelled_) {
          finish = absl::CancelledError("the client cancelled the stream");
        } else {
          WriteNextLocked();
        }
      }
      if (finish) state_ = State::kFinished;
    }
    if (finish) DoFinish(*finish);
  }

  void OnCancel() override {
    bool finish = false;
    {
      absl::MutexLock lock(&mu_);
      cancelled_ = true;
      // A read or write in flight finishes the stream when it completes.
      if (state_ == State::kIdle) {
        state_ = State::kFinished;
        finish = true;
      }
    }
    if (finish)
      DoFinish(absl::CancelledError("the client cancelled the stream"));
  }

  void OnDone() override {
    if (registered_) {
      service_->notifications_.RemoveWatcher(inbox_.org, inbox_.staff_member_id,
                                             this);
    }
    delete this;
  }

 private:
  enum class State { kIdle, kFetching, kWriting, kFinished };

  absl::Status Begin(const grpc::CallbackServerContext& context,
                     const v1::WatchNotificationsRequest& request) {
    CANDOR_ASSIGN_OR_RETURN(Caller caller,
                            Authenticate(*service_->env_, context));
    subject_ = caller.subject;
    CANDOR_ASSIGN_OR_RETURN(inbox_, OwnInbox(caller, request.parent()));
    if (!request.resume_token().empty()) {
      absl::StatusOr<std::string> cursor = service_->page_tokens_->Decode(
          ResumeQuery(inbox_.parent), request.resume_token());
      if (!cursor.ok()) {
        return InvalidField("resume_token",
                            "not a token of a notification of parent");
      }
      CANDOR_ASSIGN_OR_RETURN(int64_t sequence,
                              SequenceFromCursor("resume_token", *cursor));
      absl::MutexLock lock(&mu_);
      last_sent_ = sequence;
      positioned_ = true;
    }
    return absl::OkStatus();
  }

  void StartFetchLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    state_ = State::kFetching;
    dirty_ = false;
    absl::Status queued = Offload(*service_->env_, [this] { Fetch(); });
    if (!queued.ok()) {  // executor full: the next tick retries
      state_ = State::kIdle;
      dirty_ = true;
    }
  }

  // Runs on the executor.
  void Fetch() {
    // At the start and on every wake-up, poll included: advocacy events
    // arrive by pull only.
    service_->ImportAdvocacyEvents(inbox_.org);
    int64_t after = 0;
    bool positioned = false;
    {
      absl::MutexLock lock(&mu_);
      after = last_sent_;
      positioned = positioned_;
    }
    absl::Status status;
    std::vector<NotificationRecord> rows;
    if (!positioned) {
      absl::StatusOr<int64_t> start = service_->notifications_.StartOfUnread(
          inbox_.org, inbox_.staff_member_id);
      if (start.ok()) {
        after = *start;
      } else {
        status = start.status();
      }
    }
    if (status.ok()) {
      absl::StatusOr<std::vector<NotificationRecord>> read =
          service_->notifications_.ReadAfter(inbox_.org, inbox_.staff_member_id,
                                             after, kWatchBatch);
      if (read.ok()) {
        rows = *std::move(read);
      } else {
        status = read.status();
      }
    }

    std::optional<absl::Status> finish;
    {
      absl::MutexLock lock(&mu_);
      if (cancelled_) {
        finish = absl::CancelledError("the client cancelled the stream");
      } else if (!status.ok()) {
        finish = status;
      } else {
        if (!positioned_) {
          last_sent_ = after;
          positioned_ = true;
        }
        batch_full_ = static_cast<int>(rows.size()) == kWatchBatch;
        pending_.assign(std::make_move_iterator(rows.begin()),
                        std::make_move_iterator(rows.end()));
        WriteNextLocked();
      }
      if (finish) state_ = State::kFinished;
    }
    if (finish) DoFinish(*finish);
  }

  void WriteNextLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (pending_.empty()) {
      if (dirty_ || batch_full_) {
        StartFetchLocked();
      } else {
        state_ = State::kIdle;
      }
      return;
    }
    state_ = State::kWriting;
    response_.Clear();
    ToProto(pending_.front(), inbox_, *service_->page_tokens_,
            response_.mutable_notification());
    StartWrite(&response_);
  }

  void DoFinish(const absl::Status& status) {
    LogCall(*service_->env_, MethodName<v1::WatchNotificationsRequest>(),
            start_, status, subject_, "");
    Finish(ToGrpcStatus(status));
  }

  EngagementService* const service_;
  const absl::Time start_;
  std::string subject_;
  Inbox inbox_;
  bool registered_ = false;

  absl::Mutex mu_;
  State state_ ABSL_GUARDED_BY(mu_) = State::kIdle;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  // A wake-up came while reading or writing: read again afterwards.
  bool dirty_ ABSL_GUARDED_BY(mu_) = false;
  // The last read filled its batch: more may follow at once.
  bool batch_full_ ABSL_GUARDED_BY(mu_) = false;
  // Whether last_sent_ is known (from the resume token or the first read).
  bool positioned_ ABSL_GUARDED_BY(mu_) = false;
  int64_t last_sent_ ABSL_GUARDED_BY(mu_) = 0;
  std::deque<NotificationRecord> pending_ ABSL_GUARDED_BY(mu_);
  v1::WatchNotificationsResponse response_ ABSL_GUARDED_BY(mu_);
};

grpc::ServerWriteReactor<v1::WatchNotificationsResponse>*
EngagementService::WatchNotifications(
    grpc::CallbackServerContext* context,
    const v1::WatchNotificationsRequest* request) {
  return new WatchReactor(this, context, *request);
}

}  // namespace candor::engagement
