#include "db/write_identity.h"

#include <utility>

#include "util/crypto.h"

namespace rj {

namespace {
thread_local WriteScope* innermostScope = nullptr;
}  // namespace

WriteScope::WriteScope() : outer_(innermostScope) {
  innermostScope = this;
}

WriteScope::~WriteScope() {
  innermostScope = outer_;
}

std::optional<std::string> currentWriteId() {
  if (!innermostScope) return std::nullopt;
  if (innermostScope->writeId_.empty()) innermostScope->writeId_ = toHex(uniqueBytes(16));
  return innermostScope->writeId_;
}

bool earlierCommitMayHaveSucceeded() {
  return innermostScope && innermostScope->commitOutcomeUnknown_;
}

void noteCommitOutcomeUnknown() {
  if (innermostScope) innermostScope->commitOutcomeUnknown_ = true;
}

void noteStampedRow(StampedRow row) {
  if (innermostScope) innermostScope->stampedRows_.push_back(std::move(row));
}

std::vector<StampedRow> takeStampedRows() {
  if (!innermostScope) return {};
  return std::exchange(innermostScope->stampedRows_, {});
}

}  // namespace rj
