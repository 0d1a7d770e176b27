#include "services/common/validation.h"

#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace candor {

absl::Status InvalidField(absl::string_view field, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", reason));
}

bool IsValidUtf8(absl::string_view text) {
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t extra;
    uint32_t min;
    uint32_t code;
    if ((c & 0xE0) == 0xC0) {
      extra = 1, min = 0x80, code = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2, min = 0x800, code = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3, min = 0x10000, code = c & 0x07;
    } else {
      return false;
    }
    for (size_t k = 1; k <= extra; ++k) {
      if (i + k >= n) return false;
      const unsigned char cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      code = (code << 6) | (cc & 0x3F);
    }
    if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

size_t Utf8Length(absl::string_view text) {
  size_t count = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

absl::Status CheckText(absl::string_view field, absl::string_view value,
                       size_t max_chars, Presence presence, bool multiline) {
  if (!IsValidUtf8(value)) return InvalidField(field, "not valid UTF-8");
  if (absl::StripAsciiWhitespace(value).empty()) {
    if (presence == Presence::kRequired) return InvalidField(field, "required");
    if (!value.empty()) return InvalidField(field, "only white space");
    return absl::OkStatus();
  }
  const size_t length = Utf8Length(value);
  if (length > max_chars) {
    return InvalidField(field, absl::StrCat("at most ", max_chars,
                                            " characters (got ", length, ")"));
  }
  for (char ch : value) {
    const unsigned char c = static_cast<unsigned char>(ch);
    const bool allowed_space =
        multiline && (c == '\n' || c == '\t' || c == '\r');
    if ((c < 0x20 && !allowed_space) || c == 0x7F) {
      return InvalidField(field, "contains a control character");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckResourceId(absl::string_view field, absl::string_view value,
                             size_t max_len) {
  if (value.empty()) return InvalidField(field, "required");
  if (value.size() > max_len) {
    return InvalidField(field,
                        absl::StrCat("at most ", max_len, " characters"));
  }
  for (char c : value) {
    if (!(absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-')) {
      return InvalidField(field,
                          "only lowercase letters, digits and '-' are allowed");
    }
  }
  if (value.front() == '-' || value.back() == '-') {
    return InvalidField(field, "must not start or end with '-'");
  }
  return absl::OkStatus();
}

absl::Status CheckEmail(absl::string_view field, absl::string_view value) {
  if (value.empty()) return InvalidField(field, "required");
  if (value.size() > 254) return InvalidField(field, "at most 254 characters");
  if (!IsValidUtf8(value)) return InvalidField(field, "not valid UTF-8");
  const size_t at = value.find('@');
  if (at == absl::string_view::npos || at == 0 ||
      value.find('@', at + 1) != absl::string_view::npos) {
    return InvalidField(field, "not an email address");
  }
  const absl::string_view domain = value.substr(at + 1);
  const size_t dot = domain.find('.');
  if (domain.empty() || dot == absl::string_view::npos || dot == 0 ||
      domain.back() == '.' || domain.find("..") != absl::string_view::npos) {
    return InvalidField(field, "not an email address");
  }
  for (char ch : value) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == 0x7F || ch == '<' || ch == '>' || ch == ',' ||
        ch == ';' || ch == '"' || ch == '\\') {
      return InvalidField(field, "not an email address");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckRequestId(absl::string_view value) {
  if (value.empty()) return absl::OkStatus();
  if (value.size() > 64)
    return InvalidField("request_id", "at most 64 characters");
  for (char c : value) {
    if (!(absl::ascii_isalnum(c) || c == '-' || c == '_')) {
      return InvalidField("request_id",
                          "only letters, digits, '-' and '_' are allowed");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckPageSize(int page_size, int default_size, int max_size,
                           int* effective) {
  if (page_size < 0) return InvalidField("page_size", "must not be negative");
  if (page_size > max_size) {
    return InvalidField("page_size", absl::StrCat("at most ", max_size));
  }
  *effective = page_size == 0 ? default_size : page_size;
  return absl::OkStatus();
}

}  // namespace candor
