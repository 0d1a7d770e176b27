#include "clients/cli/health_codec.h"

#include <cstdint>

namespace candor::cli {
namespace {

constexpr int kWireVarint = 0;
constexpr int kWireFixed64 = 1;
constexpr int kWireLengthDelimited = 2;
constexpr int kWireFixed32 = 5;

void AppendVarint(uint64_t value, std::string* out) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

bool ReadVarint(std::string_view bytes, size_t* pos, uint64_t* value) {
  *value = 0;
  for (int shift = 0; shift < 64 && *pos < bytes.size(); shift += 7) {
    const auto byte = static_cast<unsigned char>(bytes[(*pos)++]);
    *value |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

}  // namespace

std::string EncodeHealthCheckRequest(std::string_view service) {
  std::string out;
  if (service.empty()) return out;  // proto3 leaves default values out
  AppendVarint((1 << 3) | kWireLengthDelimited, &out);
  AppendVarint(service.size(), &out);
  out.append(service);
  return out;
}

absl::StatusOr<ServingStatus> DecodeHealthCheckResponse(
    std::string_view bytes) {
  const absl::Status malformed =
      absl::InvalidArgumentError("malformed HealthCheckResponse");
  uint64_t status = 0;  // absent means UNKNOWN
  size_t pos = 0;
  while (pos < bytes.size()) {
    uint64_t tag;
    if (!ReadVarint(bytes, &pos, &tag)) return malformed;
    const uint64_t field = tag >> 3;
    const int wire_type = static_cast<int>(tag & 7);
    uint64_t value;
    switch (wire_type) {
      case kWireVarint:
        if (!ReadVarint(bytes, &pos, &value)) return malformed;
        if (field == 1) status = value;
        break;
      case kWireFixed64:
        if (bytes.size() - pos < 8) return malformed;
        pos += 8;
        break;
      case kWireLengthDelimited:
        if (!ReadVarint(bytes, &pos, &value) || bytes.size() - pos < value) {
          return malformed;
        }
        pos += value;
        break;
      case kWireFixed32:
        if (bytes.size() - pos < 4) return malformed;
        pos += 4;
        break;
      default:
        return malformed;
    }
  }
  if (status > 3) return ServingStatus::kUnknown;
  return static_cast<ServingStatus>(status);
}

std::string_view ServingStatusName(ServingStatus status) {
  switch (status) {
    case ServingStatus::kServing:
      return "SERVING";
    case ServingStatus::kNotServing:
      return "NOT_SERVING";
    case ServingStatus::kServiceUnknown:
      return "SERVICE_UNKNOWN";
    case ServingStatus::kUnknown:
      break;
  }
  return "UNKNOWN";
}

}  // namespace candor::cli
