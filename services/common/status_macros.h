// Early-return helpers for absl::Status and absl::StatusOr.
//
// Debian's Abseil (20220623) has neither ASSIGN_OR_RETURN nor
// RETURN_IF_ERROR, so Candor keeps this one small header. Usable anywhere.
#ifndef CANDOR_SERVICES_COMMON_STATUS_MACROS_H_
#define CANDOR_SERVICES_COMMON_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define CANDOR_STATUS_CONCAT_INNER_(a, b) a##b
#define CANDOR_STATUS_CONCAT_(a, b) CANDOR_STATUS_CONCAT_INNER_(a, b)

// Returns from the enclosing function when `expr` (an absl::Status) is not
// OK. The variable's name is unique per use (__COUNTER__), so a use inside a
// lambda within another use's `expr` shadows nothing.
#define CANDOR_RETURN_IF_ERROR(expr) \
  CANDOR_RETURN_IF_ERROR_IMPL_(      \
      CANDOR_STATUS_CONCAT_(candor_status_, __COUNTER__), expr)

#define CANDOR_RETURN_IF_ERROR_IMPL_(status, expr) \
  do {                                             \
    ::absl::Status status = (expr);                \
    if (!status.ok()) return status;               \
  } while (false)

// `CANDOR_ASSIGN_OR_RETURN(auto x, MakeX());` declares (or assigns) `x` from
// an absl::StatusOr, returning its status from the enclosing function when
// it is not OK.
#define CANDOR_ASSIGN_OR_RETURN(lhs, rexpr) \
  CANDOR_ASSIGN_OR_RETURN_IMPL_(            \
      CANDOR_STATUS_CONCAT_(candor_statusor_, __COUNTER__), lhs, rexpr)

#define CANDOR_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                  \
  if (!statusor.ok()) return std::move(statusor).status();  \
  lhs = *std::move(statusor)

#endif  // CANDOR_SERVICES_COMMON_STATUS_MACROS_H_
