#include "services/common/retry_info.h"

#include <cstdint>

#include "absl/strings/cord.h"
#include "google/protobuf/any.pb.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/wire_format_lite.h"

namespace candor {
namespace {

using google::protobuf::io::CodedInputStream;
using google::protobuf::io::CodedOutputStream;
using google::protobuf::io::StringOutputStream;
using WireFormat = google::protobuf::internal::WireFormatLite;

constexpr char kRetryInfoType[] = "type.googleapis.com/google.rpc.RetryInfo";

// Field numbers of google.rpc.Status and google.rpc.RetryInfo.
constexpr int kStatusCode = 1;
constexpr int kStatusMessage = 2;
constexpr int kStatusDetails = 3;
constexpr int kRetryInfoDelay = 1;

std::string EncodeRetryInfo(absl::Duration delay) {
  google::protobuf::Duration duration;
  const int64_t ms =
      absl::ToInt64Milliseconds(absl::Ceil(delay, absl::Milliseconds(1)));
  duration.set_seconds(ms / 1000);
  duration.set_nanos(static_cast<int32_t>(ms % 1000) * 1'000'000);
  std::string out;
  {
    StringOutputStream stream(&out);
    CodedOutputStream coded(&stream);
    WireFormat::WriteBytes(kRetryInfoDelay, duration.SerializeAsString(),
                           &coded);
  }
  return out;
}

std::optional<absl::Duration> DecodeRetryInfo(absl::string_view bytes) {
  CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                      static_cast<int>(bytes.size()));
  while (uint32_t tag = in.ReadTag()) {
    if (WireFormat::GetTagFieldNumber(tag) == kRetryInfoDelay &&
        WireFormat::GetTagWireType(tag) ==
            WireFormat::WIRETYPE_LENGTH_DELIMITED) {
      google::protobuf::Duration duration;
      if (!WireFormat::ReadMessage(&in, &duration)) return std::nullopt;
      return absl::Seconds(duration.seconds()) +
             absl::Nanoseconds(duration.nanos());
    }
    if (!WireFormat::SkipField(&in, tag)) return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

absl::Status WithRetryDelay(absl::Status status, absl::Duration delay) {
  status.SetPayload(kRetryInfoType, absl::Cord(EncodeRetryInfo(delay)));
  return status;
}

std::optional<absl::Duration> RetryDelayOf(const absl::Status& status) {
  auto payload = status.GetPayload(kRetryInfoType);
  if (!payload.has_value()) return std::nullopt;
  return DecodeRetryInfo(std::string(*payload));
}

std::string StatusDetailsBin(const absl::Status& status) {
  auto payload = status.GetPayload(kRetryInfoType);
  if (!payload.has_value()) return {};
  google::protobuf::Any detail;
  detail.set_type_url(kRetryInfoType);
  detail.set_value(std::string(*payload));
  std::string out;
  {
    StringOutputStream stream(&out);
    CodedOutputStream coded(&stream);
    WireFormat::WriteInt32(kStatusCode, static_cast<int32_t>(status.code()),
                           &coded);
    WireFormat::WriteString(kStatusMessage, std::string(status.message()),
                            &coded);
    WireFormat::WriteBytes(kStatusDetails, detail.SerializeAsString(), &coded);
  }
  return out;
}

std::optional<absl::Duration> RetryDelayFromDetails(absl::string_view details) {
  CodedInputStream in(reinterpret_cast<const uint8_t*>(details.data()),
                      static_cast<int>(details.size()));
  while (uint32_t tag = in.ReadTag()) {
    if (WireFormat::GetTagFieldNumber(tag) == kStatusDetails &&
        WireFormat::GetTagWireType(tag) ==
            WireFormat::WIRETYPE_LENGTH_DELIMITED) {
      google::protobuf::Any detail;
      if (!WireFormat::ReadMessage(&in, &detail)) return std::nullopt;
      if (detail.type_url() == kRetryInfoType)
        return DecodeRetryInfo(detail.value());
      continue;
    }
    if (!WireFormat::SkipField(&in, tag)) return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace candor
