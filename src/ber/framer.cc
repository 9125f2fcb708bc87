#include "ber/framer.h"

namespace skydir::ber {

FrameResult FramePdu(std::string_view received, size_t max_pdu_size, uint8_t expected_tag) {
  FrameResult result;
  if (received.empty()) return result;
  if (uint8_t(received[0]) != expected_tag) {
    result.state = FrameState::kError;
    result.error = "unexpected outer BER tag";
    return result;
  }
  Header header;
  const char* error = nullptr;
  switch (ParseHeader(received, &header, &error)) {
    case HeaderState::kNeedMore:
      return result;
    case HeaderState::kError:
      result.state = FrameState::kError;
      result.error = error;
      return result;
    case HeaderState::kOk:
      break;
  }
  if (header.length > max_pdu_size || header.header_size + header.length > max_pdu_size) {
    result.state = FrameState::kError;
    result.error = "PDU exceeds the size limit";
    return result;
  }
  const size_t total = header.header_size + size_t(header.length);
  if (received.size() < total) return result;
  result.state = FrameState::kComplete;
  result.pdu_size = total;
  return result;
}

}  // namespace skydir::ber
