// Frames the input as a stream of PDUs and walks each complete one as a generic TLV tree.
// Invariants: the framer never claims more bytes than it has; the strict reader accepts only
// minimal encodings, so re-encoding what it read reproduces the input byte for byte.
#include <string>
#include <string_view>

#include "ber/framer.h"
#include "ber/reader.h"
#include "ber/writer.h"
#include "fuzz_entry.h"

namespace {

using skydir::ber::Reader;
using skydir::ber::Writer;

// Mirrors `r` into `w`; false when the input is not valid strict BER.
bool Walk(Reader& r, Writer& w) {
  while (!r.empty()) {
    auto tag = r.PeekTag();
    if (!tag.ok()) return false;
    if (skydir::ber::IsConstructed(*tag)) {
      auto sub = r.EnterConstructed(*tag);
      if (!sub.ok()) return false;
      const size_t mark = w.Begin(*tag);
      if (!Walk(*sub, w)) return false;
      w.End(mark);
      continue;
    }
    auto e = r.ReadElement();
    if (!e.ok()) return false;
    if (*tag == skydir::ber::kTagInteger) {
      auto v = Reader::DecodeIntegerContents(e->contents);
      if (v.ok()) {
        w.AddInteger(*v, *tag);
        continue;
      }
    }
    w.AddOctetString(e->contents, *tag);
  }
  return true;
}

}  // namespace

SKYDIR_FUZZ_ENTRY(ber_framer) {
  std::string_view stream(reinterpret_cast<const char*>(data), size);
  for (size_t limit : {size_t{64}, size_t{1} << 20}) {
    std::string_view rest = stream;
    while (!rest.empty()) {
      const auto frame = skydir::ber::FramePdu(rest, limit);
      if (frame.state != skydir::ber::FrameState::kComplete) {
        FUZZ_CHECK(frame.state == skydir::ber::FrameState::kNeedMore || frame.error != nullptr);
        break;
      }
      FUZZ_CHECK(frame.pdu_size >= 2 && frame.pdu_size <= rest.size() && frame.pdu_size <= limit);
      const std::string_view pdu = rest.substr(0, frame.pdu_size);
      Reader r(pdu, 64);
      Writer w;
      if (Walk(r, w)) FUZZ_CHECK(w.bytes() == pdu);
      rest.remove_prefix(frame.pdu_size);
    }
  }
  return 0;
}
