// The clock loop, as a template the per-design glue instantiates for its own
// model class: eval and trace calls are then direct (inlinable) calls, not
// virtual ones, which matters at tens of millions of cycles per second.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

namespace hashi {

struct PortRuntime {
  std::string name;
  int width;
  int words;  // 32-bit words of a wide lane
  int bytes;  // storage size inside the model: 1, 2, 4, 8, or words*4
  bool input;
  void* addr;
};

// A typed-array lane of the batched API, checked once per run() call. The port's
// address and sizes are copied in so the per-cycle code chases no pointers.
struct Lane {
  PortRuntime* port;
  void* data;
  bool wide;        // Uint32Array, `words` words per cycle
  bool lane64;      // BigInt64Array / BigUint64Array
  bool signedLane;  // Int32Array / BigInt64Array: values are sign-extended
  uint64_t mask;
  void* addr;
  int bytes;
  int words;
  int width;
};

inline void storeScalar(void* addr, int bytes, uint64_t v) {
  switch (bytes) {
    case 1: *static_cast<uint8_t*>(addr) = static_cast<uint8_t>(v); break;
    case 2: *static_cast<uint16_t*>(addr) = static_cast<uint16_t>(v); break;
    case 4: *static_cast<uint32_t*>(addr) = static_cast<uint32_t>(v); break;
    default: *static_cast<uint64_t*>(addr) = v; break;
  }
}

inline uint64_t loadScalar(const void* addr, int bytes) {
  switch (bytes) {
    case 1: return *static_cast<const uint8_t*>(addr);
    case 2: return *static_cast<const uint16_t*>(addr);
    case 4: return *static_cast<const uint32_t*>(addr);
    default: return *static_cast<const uint64_t*>(addr);
  }
}

// Clock state shared by the binding and the loop.
struct Clocking {
  uint8_t* clock;
  uint64_t time;  // half-cycles since open; the waveform's timestamps
  bool tracing;
};

inline uint64_t widthMask(int width) { return width >= 64 ? ~uint64_t(0) : (uint64_t(1) << width) - 1; }

inline int64_t signExtend(uint64_t v, int width) {
  if (width >= 64) return static_cast<int64_t>(v);
  const uint64_t sign = uint64_t(1) << (width - 1);
  v &= widthMask(width);
  return static_cast<int64_t>((v ^ sign) - sign);
}

inline void storeScalar(const PortRuntime& p, uint64_t v) { storeScalar(p.addr, p.bytes, v); }

inline uint64_t loadScalar(const PortRuntime& p) { return loadScalar(p.addr, p.bytes); }

inline uint64_t laneValue(const Lane& l, int64_t c) {
  if (l.lane64) return static_cast<const uint64_t*>(l.data)[c];
  const uint32_t raw = static_cast<const uint32_t*>(l.data)[c];
  return l.signedLane ? static_cast<uint64_t>(int64_t(int32_t(raw))) : raw;
}

inline void writeLane(const Lane& l, int64_t c) {
  if (l.wide) {
    std::memcpy(l.addr, static_cast<const uint32_t*>(l.data) + c * l.words, size_t(l.words) * 4);
  } else {
    storeScalar(l.addr, l.bytes, laneValue(l, c) & l.mask);
  }
}

inline void readLane(const Lane& l, int64_t c) {
  if (l.wide) {
    std::memcpy(static_cast<uint32_t*>(l.data) + c * l.words, l.addr, size_t(l.words) * 4);
    return;
  }
  uint64_t v = loadScalar(l.addr, l.bytes);
  if (l.signedLane) v = static_cast<uint64_t>(signExtend(v, l.width));
  if (l.lane64) {
    static_cast<uint64_t*>(l.data)[c] = v;
  } else {
    static_cast<uint32_t*>(l.data)[c] = static_cast<uint32_t>(v);
  }
}

// One clock cycle per iteration: falling edge (with this cycle's inputs), then
// rising edge. The clock rests high between cycles, so inputs poked after a step
// are settled by the next falling-edge eval before the rising edge samples them.
// M provides evalFast() and dump(time).
template <class M>
void runCycles(M& m, Clocking& c, int64_t n, const Lane* ins, size_t nIns, const Lane* outs, size_t nOuts) {
  uint8_t* const clock = c.clock;
  for (int64_t i = 0; i < n; ++i) {
    for (size_t k = 0; k < nIns; ++k) writeLane(ins[k], i);
    *clock = 0;
    m.evalFast();
    if (c.tracing) m.dump(++c.time);
    *clock = 1;
    m.evalFast();
    if (c.tracing) m.dump(++c.time);
    for (size_t k = 0; k < nOuts; ++k) readLane(outs[k], i);
  }
  if (!c.tracing) c.time += uint64_t(2 * n);
}

// runCycles for n = 1 and no lanes, without the loop and lane bookkeeping.
template <class M>
inline void stepOnce(M& m, Clocking& c) {
  *c.clock = 0;
  m.evalFast();
  if (c.tracing) m.dump(++c.time);
  *c.clock = 1;
  m.evalFast();
  if (c.tracing) m.dump(++c.time);
  else c.time += 2;
}

}  // namespace hashi
