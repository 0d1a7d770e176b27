// The keyset cursor of every newest-first list (stories, posts, values,
// shares, rulesets, decisions): rows ordered by (time, id) descending, where
// a page continues with the rows before its cursor. The cursor travels
// inside a signed page token (page_token.h), so decoding checks its shape
// only to fail cleanly; a token a client edited never gets this far.
#ifndef CANDOR_SERVICES_COMMON_TIME_CURSOR_H_
#define CANDOR_SERVICES_COMMON_TIME_CURSOR_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/common/page_token.h"

namespace candor {

struct TimeCursor {
  int64_t time_us = 0;
  std::string id;

  // Before every row: where a first page starts.
  static TimeCursor Start();
};

// "<time_us>/<id>".
std::string EncodeTimeCursor(const TimeCursor& cursor);
// INVALID_ARGUMENT naming page_token when `text` is not an encoded cursor
// (an id is a resource id: validation.h CheckResourceId).
absl::StatusOr<TimeCursor> DecodeTimeCursor(absl::string_view text);

// Where `page` starts: TimeCursor::Start() for a first page, else its
// decoded cursor.
absl::StatusOr<TimeCursor> NewestFirstStart(const PageRequest& page);

}  // namespace candor

#endif  // CANDOR_SERVICES_COMMON_TIME_CURSOR_H_
