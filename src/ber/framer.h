// Splits a byte stream into BER PDUs (one LDAPMessage each, RFC 4511 §5.1) without buffering
// more than the limit allows: the header alone decides NeedMore / Complete / Error, so an
// oversized or malformed PDU is refused as soon as its first few bytes arrive.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ber/reader.h"

namespace skydir::ber {

enum class FrameState {
  kNeedMore,  // read more bytes and call again
  kComplete,  // the first `pdu_size` bytes are one complete PDU
  kError,     // the stream is unusable; close the connection
};

struct FrameResult {
  FrameState state = FrameState::kNeedMore;
  size_t pdu_size = 0;          // kComplete: header + contents
  const char* error = nullptr;  // kError: a static description
};

// Examines the bytes received so far (beginning at a PDU boundary). `max_pdu_size` bounds the
// whole PDU, header included; the server passes a smaller limit before the first bind.
// `expected_tag` is the only acceptable outer tag (LDAPMessage is a universal SEQUENCE).
// Stateless and cheap (reads at most 6 bytes), so calling it after every read is fine.
FrameResult FramePdu(std::string_view received, size_t max_pdu_size,
                     uint8_t expected_tag = kTagSequence);

}  // namespace skydir::ber
