// The only place the advocacy service's SQL lives (schema candor_advocacy,
// see db/migrations/advocacy). Takes and returns domain types from story.h.
//
// A story's audience is stored twice on purpose: as a column of the story
// row (the list as given, for reading) and as rows of story_audiences keyed
// by DepartmentKey (so an employee's page of stories is one indexed query).
// Both are written together in the caller's transaction.
//
// Methods that take a db::Transaction run inside the caller's transaction;
// the others borrow a connection for one statement. Thread-safe: the
// repository holds no state but the pool.
#ifndef CANDOR_SERVICES_ADVOCACY_ADVOCACY_REPOSITORY_H_
#define CANDOR_SERVICES_ADVOCACY_ADVOCACY_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "db/pool.h"
#include "db/transaction.h"
#include "services/advocacy/story.h"
#include "services/common/time_cursor.h"

namespace candor::advocacy {

// A post decision or story creation for the engagement service's
// notifications (db/migrations/advocacy/V0003__advocacy_events.sql).
struct AdvocacyEventRecord {
  std::string organization_id;
  int64_t sequence = 0;  // set by AppendAdvocacyEvent
  int64_t time_us = 0;
  std::string kind;          // 'post.decision' or 'story.create'
  std::string subject;       // the post's or story's resource name
  std::string recipient_id;  // the author's staff_member_id, or ''
  std::string details;
};

class AdvocacyRepository {
 public:
  explicit AdvocacyRepository(db::Pool* pool) : pool_(pool) {}

  db::Pool& pool() { return *pool_; }

  // Inserts a story and its audience. ALREADY_EXISTS naming story_id when
  // the id is taken.
  absl::Status InsertStory(db::Transaction& tx, const StoryRecord& story);

  // NOT_FOUND when absent.
  absl::StatusOr<StoryRecord> FindStory(absl::string_view org,
                                        absl::string_view id);
  // Reads the story in `tx` without locking it; NOT_FOUND when absent.
  absl::StatusOr<StoryRecord> FindStory(db::Transaction& tx,
                                        absl::string_view org,
                                        absl::string_view id);
  // Reads and locks the row for a read-modify-write; NOT_FOUND when absent.
  absl::StatusOr<StoryRecord> FindStoryForUpdate(db::Transaction& tx,
                                                 absl::string_view org,
                                                 absl::string_view id);

  // Writes every mutable field of `story` (read with FindStoryForUpdate and
  // changed by the caller) and stores `story.version` as given: the caller
  // bumps it. When `audience_changed`, story_audiences is rewritten too.
  absl::Status UpdateStory(db::Transaction& tx, const StoryRecord& story,
                           bool audience_changed);

  // Up to `limit` stories after `after` in newest-first order, of any state
  // or of `state`.
  absl::StatusOr<std::vector<StoryRecord>> ListStories(
      absl::string_view org, std::optional<StoryState> state,
      const TimeCursor& after, int limit);

  // Up to `limit` stories after `after` in newest-first order that an
  // employee whose department has `department_key` (DepartmentKey) sees at
  // `now_us`: the SQL form of VisibleToEmployee.
  absl::StatusOr<std::vector<StoryRecord>> ListVisibleStories(
      absl::string_view org, absl::string_view department_key, int64_t now_us,
      const TimeCursor& after, int limit);

  // Numbers `event` (the organization's next sequence, set in
  // event->sequence) and inserts it in `tx`; the head row stays locked to
  // commit, so sequences are gap-free and commit in order.
  absl::Status AppendAdvocacyEvent(db::Transaction& tx,
                                   AdvocacyEventRecord* event);
  // Up to `limit` events of `org` with sequence > `after`, in order.
  absl::StatusOr<std::vector<AdvocacyEventRecord>> ListAdvocacyEvents(
      absl::string_view org, int64_t after, int limit);

 private:
  db::Pool* const pool_;
};

}  // namespace candor::advocacy

#endif  // CANDOR_SERVICES_ADVOCACY_ADVOCACY_REPOSITORY_H_
