// Field validation shared by every service. Each check returns OK or
// INVALID_ARGUMENT whose message starts with the field path
// ("staff_member.email: not an email address"), so a client can point at the
// field. Pure functions; safe from any thread.
#ifndef CANDOR_SERVICES_COMMON_VALIDATION_H_
#define CANDOR_SERVICES_COMMON_VALIDATION_H_

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace candor {

// INVALID_ARGUMENT "<field>: <reason>".
absl::Status InvalidField(absl::string_view field, absl::string_view reason);

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates).
bool IsValidUtf8(absl::string_view text);

// Number of code points in valid UTF-8 text.
size_t Utf8Length(absl::string_view text);

enum class Presence { kOptional, kRequired };

// Human text: valid UTF-8, at most `max_chars` code points, no control
// characters (newlines and tabs only when `multiline`), not only spaces when
// required.
absl::Status CheckText(absl::string_view field, absl::string_view value,
                       size_t max_chars, Presence presence,
                       bool multiline = false);

// An id chosen by a client or server: 1 to `max_len` lowercase letters,
// digits and '-', starting with a letter or digit, not ending with '-'.
absl::Status CheckResourceId(absl::string_view field, absl::string_view value,
                             size_t max_len = 63);

// An email address: one '@', a non-empty local part and a dotted domain, at
// most 254 characters, no spaces or control characters.
absl::Status CheckEmail(absl::string_view field, absl::string_view value);

// AIP-155 request_id: empty, or 1 to 64 characters of letters, digits, '-'
// and '_' (UUIDs fit).
absl::Status CheckRequestId(absl::string_view value);

// page_size: 0 (use `default_size`) up to `max_size`; negative is invalid.
// Returns the size to use through `effective`.
absl::Status CheckPageSize(int page_size, int default_size, int max_size,
                           int* effective);

}  // namespace candor

#endif  // CANDOR_SERVICES_COMMON_VALIDATION_H_
