#include "services/common/export_page.h"

#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/common/validation.h"

namespace candor {
namespace {

// More sections than any service has: a cursor naming one is not ours.
constexpr int kMaxSections = 16;

absl::Status NotACursor() {
  return InvalidField("page_token", "not a cursor of this export");
}

}  // namespace

absl::StatusOr<ExportPage> ExportPage::Start(const PageTokenCodec& codec,
                                             std::string query, int page_size,
                                             absl::string_view page_token) {
  absl::StatusOr<PageRequest> page = codec.StartPage(
      std::move(query), page_size, page_token, kDefaultExportPageSize);
  if (!page.ok()) return page.status();
  absl::StatusOr<ExportCursor> start =
      DecodeExportCursor(page->cursor, kMaxSections);
  if (!start.ok()) return start.status();
  return ExportPage(codec, *std::move(page), *std::move(start));
}

ExportPage::ExportPage(const PageTokenCodec& codec, PageRequest page,
                       ExportCursor start)
    : codec_(&codec),
      page_(std::move(page)),
      first_(page_.cursor.empty()),
      start_(std::move(start)),
      rows_left_(page_.size) {}

void ExportPage::EndAt(int section, absl::string_view after) {
  full_ = true;
  next_page_token_ = codec_->Encode(
      page_.query, EncodeExportCursor({section, std::string(after)}));
}

std::string EncodeExportCursor(const ExportCursor& cursor) {
  return absl::StrCat(cursor.section, "\n", cursor.after);
}

absl::StatusOr<ExportCursor> DecodeExportCursor(absl::string_view text,
                                                int sections) {
  ExportCursor cursor;
  if (text.empty()) return cursor;
  const size_t newline = text.find('\n');
  if (newline == absl::string_view::npos ||
      !absl::SimpleAtoi(text.substr(0, newline), &cursor.section) ||
      cursor.section < 0 || cursor.section >= sections) {
    return NotACursor();
  }
  cursor.after = std::string(text.substr(newline + 1));
  return cursor;
}

std::string NumberKey(int64_t number) { return absl::StrCat(number); }

absl::StatusOr<int64_t> NumberAfter(absl::string_view key) {
  int64_t number = 0;
  if (!key.empty() && (!absl::SimpleAtoi(key, &number) || number < 1)) {
    return NotACursor();
  }
  return number;
}

// An (id, number) key has the time cursor's shape, "<number>/<id>", so it
// shares its codec (time_cursor.h).
std::string IdNumberKey(absl::string_view id, int64_t number) {
  return EncodeTimeCursor(TimeCursor{number, std::string(id)});
}

absl::StatusOr<IdNumber> IdNumberAfter(absl::string_view key) {
  if (key.empty()) return IdNumber{};
  absl::StatusOr<TimeCursor> cursor = DecodeTimeCursor(key);
  if (!cursor.ok()) return cursor.status();
  return IdNumber{std::move(cursor->id), cursor->time_us};
}

std::string TimeKey(int64_t time_us, absl::string_view id) {
  return EncodeTimeCursor(TimeCursor{time_us, std::string(id)});
}

absl::StatusOr<TimeCursor> TimeCursorAfter(absl::string_view key) {
  if (key.empty()) return TimeCursor::Start();
  return DecodeTimeCursor(key);
}

}  // namespace candor
