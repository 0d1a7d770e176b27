// Opaque, tamper-evident page tokens for keyset pagination (AIP-158).
//
// A token carries the cursor (the last key of the page) and an HMAC-SHA256
// over the cursor and the query it belongs to (method, parent, filter), so a
// client can neither forge a cursor nor replay a token against another
// query: both answer INVALID_ARGUMENT naming page_token.
//
// PageTokenCodec is immutable; safe from any thread.
#ifndef CANDOR_SERVICES_COMMON_PAGE_TOKEN_H_
#define CANDOR_SERVICES_COMMON_PAGE_TOKEN_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "services/common/method_name.h"

namespace candor {

// What a list call asks for, once its page_size and page_token are checked.
struct PageRequest {
  std::string query;   // what the page token is bound to
  int size = 0;        // rows to return
  std::string cursor;  // where the previous page ended; empty on the first
  // Rows to read: one more than the page, to learn whether another follows.
  int limit() const { return size + 1; }
};

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 1000;

class PageTokenCodec {
 public:
  // `key` is the server's secret (from --page_token_secret_file); replicas
  // that share it accept each other's tokens.
  explicit PageTokenCodec(std::string key) : key_(std::move(key)) {}

  std::string Encode(absl::string_view query, absl::string_view cursor) const;

  // The cursor, or INVALID_ARGUMENT "page_token: ..." when the token was
  // not made by Encode for this `query` with this key.
  absl::StatusOr<std::string> Decode(absl::string_view query,
                                     absl::string_view token) const;

  // Checks page_size (0 means `default_size`; negative or above `max_size`
  // is INVALID_ARGUMENT naming page_size) and decodes `page_token` for
  // `query` (method, parent and filter: whatever must not change between
  // pages).
  absl::StatusOr<PageRequest> StartPage(std::string query, int page_size,
                                        absl::string_view page_token,
                                        int default_size = kDefaultPageSize,
                                        int max_size = kMaxPageSize) const;

  // StartPage for a List request (one with page_size and page_token), its
  // token bound to the request's method (method_name.h) and to `scope`:
  // what must not change between pages (the parent, the filter, the
  // caller when the page depends on who asks).
  template <typename ListRequest, typename... Scope>
  absl::StatusOr<PageRequest> StartListPage(const ListRequest& request,
                                            const Scope&... scope) const {
    return StartPage(
        absl::StrCat(MethodName<ListRequest>(), "\n",
                     absl::StrJoin({absl::string_view(scope)...}, "\n")),
        request.page_size(), request.page_token());
  }

  // Cuts `rows` (read with page.limit()) to the page and returns the next
  // page token, made from the cursor of the last row kept, or "" when this
  // is the last page.
  template <typename Row, typename CursorOf>
  std::string FinishPage(const PageRequest& page, std::vector<Row>& rows,
                         CursorOf cursor_of) const {
    if (static_cast<int>(rows.size()) <= page.size) return "";
    rows.resize(page.size);
    return Encode(page.query, cursor_of(rows.back()));
  }

 private:
  std::string Mac(absl::string_view query, absl::string_view cursor) const;

  const std::string key_;
};

}  // namespace candor

#endif  // CANDOR_SERVICES_COMMON_PAGE_TOKEN_H_
