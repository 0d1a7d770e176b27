#include "services/values/values_service.h"

namespace candor::values {

ValuesService::ValuesService(const CallEnvironment* env, db::Pool* pool,
                             const PageTokenCodec* page_tokens)
    : env_(env), pool_(pool), page_tokens_(page_tokens) {}

}  // namespace candor::values
