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

#include "absl/strings/string_view.h"
#include "absl/status/statusor.h"

namespace candor {

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

 private:
  std::string Mac(absl::string_view query, absl::string_view cursor) const;

  const std::string key_;
};

}  // namespace candor

#endif  // CANDOR_SERVICES_COMMON_PAGE_TOKEN_H_
