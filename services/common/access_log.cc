#include "services/common/access_log.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace candor {

std::string JsonEscape(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    const unsigned char c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += absl::StrFormat("\\u%04x", c);
        } else {
          out += ch;
        }
    }
  }
  return out;
}

std::string AccessLog::Format(const AccessRecord& record, absl::Time now) {
  std::string line = absl::StrCat(
      "{\"time\":\"",
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", now, absl::UTCTimeZone()),
      "\",\"method\":\"", JsonEscape(record.method), "\",\"code\":\"",
      record.code, "\",\"latency_ms\":",
      absl::StrFormat("%.3f", absl::ToDoubleMilliseconds(record.latency)),
      ",\"caller\":\"", JsonEscape(record.caller), "\"");
  if (!record.request_id.empty()) {
    absl::StrAppend(&line, ",\"request_id\":\"", JsonEscape(record.request_id),
                    "\"");
  }
  if (!record.message.empty()) {
    absl::StrAppend(&line, ",\"message\":\"", JsonEscape(record.message), "\"");
  }
  line += "}";
  return line;
}

void AccessLog::Write(const AccessRecord& record, absl::Time now) const {
  if (sink_ == nullptr) return;
  const std::string line = Format(record, now) + "\n";
  // One write(2) of the whole line: atomic for lines under PIPE_BUF on
  // pipes and with O_APPEND on files, so lines from many threads never mix.
  ssize_t ignored = ::write(fileno(sink_), line.data(), line.size());
  (void)ignored;
}

}  // namespace candor
