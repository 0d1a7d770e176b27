// One page of a personal-data export: every service's ExportPersonalData
// (docs/API.md, "Personal data"), so that a very active person's export
// never outgrows a gRPC message.
//
// A service's export is a fixed list of sections (its repeated fields, in
// the order its PersonalData declares them), each read in a key order of
// its own. A page holds up to page_size rows and about kExportPageBytes;
// its token carries where it ended: the section, and the key of the last
// row it took from that section. The next page reads on after that key, so
// pages never repeat a row. As in every keyset list, a row written while
// someone pages shows up when its key lies ahead of the cursor.
//
// Singletons (the staff profile, the leaderboard choice) and one-off
// effects (recording the export) belong to the first page: first().
#ifndef CANDOR_SERVICES_COMMON_EXPORT_PAGE_H_
#define CANDOR_SERVICES_COMMON_EXPORT_PAGE_H_

#include <google/protobuf/message.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "services/common/method_name.h"
#include "services/common/page_token.h"
#include "services/common/time_cursor.h"

namespace candor {

inline constexpr int kDefaultExportPageSize = 500;
// A page stops taking rows once its rows add up to this many bytes, so a
// page of large rows stays far below the 4 MiB message limit.
inline constexpr size_t kExportPageBytes = size_t{1} << 20;

// Where an export page ended: the section, and the key of the last row it
// took from there ("" for the section's start). An ExportPage encodes it
// into its token; the privacy service, whose sections are services, keeps
// the service's own page token as `after`.
struct ExportCursor {
  int section = 0;
  std::string after;
};
std::string EncodeExportCursor(const ExportCursor& cursor);
// INVALID_ARGUMENT naming page_token unless `text` is an encoded cursor
// with a section below `sections`. "" is the first page's (0, "").
absl::StatusOr<ExportCursor> DecodeExportCursor(absl::string_view text,
                                                int sections);

class ExportPage {
 public:
  // Checks an ExportPersonalData request's page_size (1 to kMaxPageSize;
  // 0 means kDefaultExportPageSize) and page_token, which is bound to the
  // method and the request's staff_member: INVALID_ARGUMENT naming the
  // field.
  template <typename ExportRequest>
  static absl::StatusOr<ExportPage> Start(const PageTokenCodec& codec,
                                          const ExportRequest& request) {
    return Start(
        codec,
        absl::StrCat(MethodName<ExportRequest>(), "\n", request.staff_member()),
        request.page_size(), request.page_token());
  }

  // The same for any query: what must not change between pages.
  static absl::StatusOr<ExportPage> Start(const PageTokenCodec& codec,
                                          std::string query, int page_size,
                                          absl::string_view page_token);

  // Whether this is the first page.
  bool first() const { return first_; }

  // Takes the rows of section `section` (numbered from 0, in the order the
  // service's sections come) that belong on this page.
  //  - `read(after, limit)` reads up to `limit` rows of the section that
  //    follow the key `after` ("" for the section's start), as an
  //    absl::StatusOr<std::vector<Row>>;
  //  - `add(row)` puts a row into the response and returns the message it
  //    made (or an error), whose size counts against the page;
  //  - `key_of(row)` is the key a later read continues after.
  // Call it for every section, in order.
  template <typename Read, typename Add, typename KeyOf>
  absl::Status Section(int section, Read read, Add add, KeyOf key_of);

  // Empty when the page holds everything that was left.
  const std::string& next_page_token() const { return next_page_token_; }

 private:
  ExportPage(const PageTokenCodec& codec, PageRequest page, ExportCursor start);

  bool HasRoom() const { return rows_left_ > 0 && bytes_ < kExportPageBytes; }
  // The page is full; the next one starts after `after` in `section`.
  void EndAt(int section, absl::string_view after);

  const PageTokenCodec* codec_;
  PageRequest page_;
  bool first_;
  ExportCursor start_;
  int rows_left_;
  size_t bytes_ = 0;
  bool full_ = false;
  std::string next_page_token_;
};

template <typename Read, typename Add, typename KeyOf>
absl::Status ExportPage::Section(int section, Read read, Add add,
                                 KeyOf key_of) {
  if (full_ || section < start_.section) return absl::OkStatus();
  std::string after = section == start_.section ? start_.after : "";
  // A full page still reads one row, to learn whether another page follows
  // (so the last page never ends with a token to an empty one).
  auto rows = read(absl::string_view(after), HasRoom() ? rows_left_ + 1 : 1);
  if (!rows.ok()) return rows.status();
  for (const auto& row : *rows) {
    if (!HasRoom()) {
      EndAt(section, after);
      return absl::OkStatus();
    }
    absl::StatusOr<const google::protobuf::Message*> added = add(row);
    if (!added.ok()) return added.status();
    bytes_ += (*added)->ByteSizeLong();
    --rows_left_;
    after = key_of(row);
  }
  return absl::OkStatus();
}

// Section keys. A key travels inside the signed page token, so decoding
// checks its shape only to fail cleanly (INVALID_ARGUMENT naming
// page_token); "" is a section's start.

// Sections ordered by a number (a sequence, which starts at 1): ascending,
// continue with the rows whose number is above the key's; descending, with
// those below it. A section's start is 0 (no row has it).
std::string NumberKey(int64_t number);
absl::StatusOr<int64_t> NumberAfter(absl::string_view key);

// Sections in ascending (id, number) order (a value's feedback, a post's
// revisions): continue with the rows after (id, number).
struct IdNumber {
  std::string id;
  int64_t number = 0;
};
std::string IdNumberKey(absl::string_view id, int64_t number);
absl::StatusOr<IdNumber> IdNumberAfter(absl::string_view key);

// Newest-first sections (rows by (time, id) descending): continue with the
// rows before the cursor (time_cursor.h).
std::string TimeKey(int64_t time_us, absl::string_view id);
absl::StatusOr<TimeCursor> TimeCursorAfter(absl::string_view key);

}  // namespace candor

#endif  // CANDOR_SERVICES_COMMON_EXPORT_PAGE_H_
