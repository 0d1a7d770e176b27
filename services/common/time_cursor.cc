#include "services/common/time_cursor.h"

#include <limits>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/common/validation.h"

namespace candor {

TimeCursor TimeCursor::Start() {
  return TimeCursor{std::numeric_limits<int64_t>::max(), ""};
}

std::string EncodeTimeCursor(const TimeCursor& cursor) {
  return absl::StrCat(cursor.time_us, "/", cursor.id);
}

absl::StatusOr<TimeCursor> DecodeTimeCursor(absl::string_view text) {
  const size_t slash = text.find('/');
  TimeCursor cursor;
  if (slash == absl::string_view::npos ||
      !absl::SimpleAtoi(text.substr(0, slash), &cursor.time_us) ||
      !CheckResourceId("page_token", text.substr(slash + 1)).ok()) {
    return InvalidField("page_token", "not a cursor of this list");
  }
  cursor.id = std::string(text.substr(slash + 1));
  return cursor;
}

absl::StatusOr<TimeCursor> NewestFirstStart(const PageRequest& page) {
  if (page.cursor.empty()) return TimeCursor::Start();
  return DecodeTimeCursor(page.cursor);
}

}  // namespace candor
