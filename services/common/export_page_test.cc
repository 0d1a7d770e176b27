#include "services/common/export_page.h"

#include <google/protobuf/wrappers.pb.h>

#include <deque>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace candor {
namespace {

using ::google::protobuf::StringValue;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

// Sections of rows "s<section>-<n>" (n from 1), each read in ascending n,
// as a service's sections are read from its tables.
class Export {
 public:
  explicit Export(std::vector<int> section_sizes, size_t row_bytes = 1)
      : sizes_(std::move(section_sizes)), row_bytes_(row_bytes) {}

  // One page: appends its rows to `taken`; returns its next_page_token.
  absl::StatusOr<std::string> Page(const PageTokenCodec& codec, int page_size,
                                   const std::string& token,
                                   std::vector<std::string>* taken,
                                   bool* first = nullptr) {
    absl::StatusOr<ExportPage> page =
        ExportPage::Start(codec, "export\nperson", page_size, token);
    if (!page.ok()) return page.status();
    if (first != nullptr) *first = page->first();
    for (int s = 0; s < static_cast<int>(sizes_.size()); ++s) {
      absl::Status status = page->Section(
          s,
          [&](absl::string_view after,
              int limit) -> absl::StatusOr<std::vector<int>> {
            absl::StatusOr<int64_t> last = NumberAfter(after);
            if (!last.ok()) return last.status();
            std::vector<int> rows;
            for (int n = static_cast<int>(*last) + 1;
                 n <= sizes_[s] && static_cast<int>(rows.size()) < limit; ++n) {
              rows.push_back(n);
            }
            return rows;
          },
          [&](int n) -> const google::protobuf::Message* {
            taken->push_back(absl::StrCat("s", s, "-", n));
            StringValue& row = made_.emplace_back();
            row.set_value(std::string(row_bytes_, 'x'));
            return &row;
          },
          [](int n) { return NumberKey(n); });
      if (!status.ok()) return status;
    }
    return page->next_page_token();
  }

  // Every row, in order.
  std::vector<std::string> All() const {
    std::vector<std::string> rows;
    for (int s = 0; s < static_cast<int>(sizes_.size()); ++s) {
      for (int n = 1; n <= sizes_[s]; ++n) {
        rows.push_back(absl::StrCat("s", s, "-", n));
      }
    }
    return rows;
  }

 private:
  std::vector<int> sizes_;
  size_t row_bytes_;
  std::deque<StringValue> made_;
};

// Follows the pages to the end; how many there were.
int ExportAll(Export& export_, const PageTokenCodec& codec, int page_size,
              std::vector<std::string>* taken) {
  std::string token;
  int pages = 0;
  do {
    absl::StatusOr<std::string> next =
        export_.Page(codec, page_size, token, taken);
    EXPECT_TRUE(next.ok()) << next.status();
    if (!next.ok()) break;
    token = *next;
    ++pages;
  } while (!token.empty() && pages < 1000);
  return pages;
}

TEST(ExportPageTest, PagesCoverEverySectionOnceInOrder) {
  const PageTokenCodec codec("secret");
  for (int page_size : {1, 2, 3, 5, 12, 13, 500}) {
    Export sections({5, 0, 7, 0});
    std::vector<std::string> taken;
    const int pages = ExportAll(sections, codec, page_size, &taken);
    EXPECT_THAT(taken, ElementsAreArray(sections.All())) << page_size;
    // No trailing empty page: a page that takes the last row says so.
    EXPECT_EQ(pages, (12 + page_size - 1) / page_size) << page_size;
  }
}

TEST(ExportPageTest, AnEmptyExportIsOneFirstPage) {
  const PageTokenCodec codec("secret");
  Export sections({0, 0});
  std::vector<std::string> taken;
  bool first = false;
  absl::StatusOr<std::string> next =
      sections.Page(codec, 0, "", &taken, &first);
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_TRUE(first);
  EXPECT_EQ(*next, "");
  EXPECT_TRUE(taken.empty());
}

TEST(ExportPageTest, OnlyTheFirstPageIsFirst) {
  const PageTokenCodec codec("secret");
  Export sections({3});
  std::vector<std::string> taken;
  bool first = false;
  absl::StatusOr<std::string> next =
      sections.Page(codec, 2, "", &taken, &first);
  ASSERT_TRUE(next.ok());
  EXPECT_TRUE(first);
  ASSERT_TRUE(sections.Page(codec, 2, *next, &taken, &first).ok());
  EXPECT_FALSE(first);
}

TEST(ExportPageTest, LargeRowsEndAPageEarly) {
  const PageTokenCodec codec("secret");
  // 300 KiB rows: the fourth passes 1 MiB, so a page holds four.
  Export sections({10}, 300 * 1024);
  std::vector<std::string> taken;
  std::string token;
  absl::StatusOr<std::string> next = sections.Page(codec, 1000, token, &taken);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(taken.size(), 4u);
  EXPECT_FALSE(next->empty());
  EXPECT_EQ(ExportAll(sections, codec, 1000, &taken), 3);
  EXPECT_EQ(taken.size(), 14u);  // the first page's four, then all ten
}

TEST(ExportPageTest, RefusesBadSizesAndForeignOrEditedTokens) {
  const PageTokenCodec codec("secret");
  Export sections({5});
  std::vector<std::string> taken;
  EXPECT_THAT(
      sections.Page(codec, -1, "", &taken),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_size")));
  EXPECT_THAT(
      sections.Page(codec, kMaxPageSize + 1, "", &taken),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_size")));
  // A token of another query (another person's export) or another key.
  const std::string foreign = codec.Encode("export\nsomeone-else", "0\n1");
  EXPECT_THAT(
      sections.Page(codec, 2, foreign, &taken),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")));
  const std::string other_key =
      PageTokenCodec("other").Encode("export\nperson", "0\n1");
  EXPECT_THAT(
      sections.Page(codec, 2, other_key, &taken),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")));
  // Sealed but not an export cursor: only a server bug could make one.
  for (const char* cursor : {"no newline", "99\n1", "-1\n1", "0\nx"}) {
    EXPECT_THAT(
        sections.Page(codec, 2, codec.Encode("export\nperson", cursor), &taken),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")))
        << cursor;
  }
  EXPECT_TRUE(taken.empty());
}

TEST(ExportPageTest, KeysRoundTrip) {
  EXPECT_EQ(*NumberAfter(NumberKey(42)), 42);
  EXPECT_EQ(*NumberAfter(""), 0);
  absl::StatusOr<IdNumber> id_number = IdNumberAfter(IdNumberKey("v-1", 7));
  ASSERT_TRUE(id_number.ok());
  EXPECT_EQ(id_number->id, "v-1");
  EXPECT_EQ(id_number->number, 7);
  EXPECT_EQ(IdNumberAfter("")->id, "");
  absl::StatusOr<TimeCursor> time = TimeCursorAfter(TimeKey(123, "p-9"));
  ASSERT_TRUE(time.ok());
  EXPECT_EQ(time->time_us, 123);
  EXPECT_EQ(time->id, "p-9");
  EXPECT_EQ(TimeCursorAfter("")->time_us, TimeCursor::Start().time_us);
  EXPECT_FALSE(IdNumberAfter("7").ok());
  EXPECT_FALSE(TimeCursorAfter("x").ok());
}

}  // namespace
}  // namespace candor
