#include "output_buffer.h"

#include "events/event_type.h"
#include "json/json.h"
#include "util/utf8.h"

namespace rj::runner {

void OutputBuffer::add(OutputStream stream, std::string text) {
  if (lines_.size() >= settings_.maxPendingLines) {
    ++dropped_;
    return;
  }
  // A command may print anything; the server takes only valid UTF-8 (a bad byte would cost the
  // whole batch), so bad bytes become U+FFFD and a long line is cut between characters.
  text = validUtf8(text);
  if (text.size() > settings_.maxLineBytes) {
    text = text.substr(0, utf8PrefixLength(text, settings_.maxLineBytes)) + "…";
  }
  lines_.push_back({stream, std::move(text), std::nullopt});
}

void OutputBuffer::addProgress(int64_t percent) {
  if (!lines_.empty() && lines_.back().progressPercent) {
    lines_.back().progressPercent = percent;
    return;
  }
  lines_.push_back({OutputStream::Stdout, "", percent});
}

PendingEvent OutputBuffer::next() {
  if (lines_.empty() && dropped_ > 0) {
    lines_.push_back({OutputStream::Stderr,
                      "[rj-runner: " + std::to_string(dropped_) + " lines dropped]", std::nullopt});
    dropped_ = 0;
  }
  if (lines_.front().progressPercent) {
    JsonWriter out;
    out.startObject().key("progressPercent").integer(*lines_.front().progressPercent);
    out.endObject();
    return {eventTypeName(EventType::JobProgress), out.take(), 1};
  }
  OutputStream stream = lines_.front().stream;
  JsonWriter out;
  out.startObject().key("ordinal").integer(kStepOrdinal);
  out.key("stream").string(stream == OutputStream::Stdout ? "stdout" : "stderr");
  out.key("lines").startArray();
  size_t count = 0;
  for (const auto& line : lines_) {
    if (line.progressPercent || line.stream != stream || count == settings_.maxLinesPerEvent) {
      break;
    }
    out.string(line.text);
    ++count;
  }
  out.endArray().endObject();
  return {eventTypeName(EventType::StepOutput), out.take(), count};
}

void OutputBuffer::drop(size_t count) {
  lines_.erase(lines_.begin(), lines_.begin() + static_cast<std::ptrdiff_t>(count));
}

}  // namespace rj::runner
