// Design-independent N-API binding for verilated models. Compiled once per cache
// into the runtime archive and linked, with hidden visibility, into every model
// addon, so each addon carries a private copy and two addons never share symbols.
//
// Port values cross the JS boundary through one ArrayBuffer ("io"): JS writes
// pokes and reads peeks there with plain typed-array accesses, and only eval /
// step / run cross into C++. Each port occupies ceil(width/32) little-endian
// 32-bit words, in port-table order.
#include "harness.h"

#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "verilated.h"

namespace hashi {

namespace {

struct Instance {
  const ModelInfo* info = nullptr;
  std::unique_ptr<Model> model;
  std::vector<PortRuntime> ports;
  std::vector<int> drivenInputs;  // inputs except the clock
  uint32_t* io = nullptr;
  napi_ref ioRef = nullptr;
  Clocking clocking{nullptr, 0, false};
  bool closed = false;
  std::string broken;
};

int storageBytes(int width) {
  if (width <= 8) return 1;
  if (width <= 16) return 2;
  if (width <= 32) return 4;
  if (width <= 64) return 8;
  return ((width + 31) / 32) * 4;
}

inline void ioToModel(const PortRuntime& p, const uint32_t* src) {
  if (p.width <= 32) {
    storeScalar(p, src[0]);
  } else if (p.width <= 64) {
    storeScalar(p, uint64_t(src[0]) | (uint64_t(src[1]) << 32));
  } else {
    std::memcpy(p.addr, src, size_t(p.words) * 4);
  }
}

inline void modelToIo(const PortRuntime& p, uint32_t* dst) {
  if (p.width <= 32) {
    dst[0] = static_cast<uint32_t>(loadScalar(p));
  } else if (p.width <= 64) {
    const uint64_t v = loadScalar(p);
    dst[0] = static_cast<uint32_t>(v);
    dst[1] = static_cast<uint32_t>(v >> 32);
  } else {
    std::memcpy(dst, p.addr, size_t(p.words) * 4);
  }
}

void copyInputs(Instance* s) {
  for (int i : s->drivenInputs) ioToModel(s->ports[i], s->io + s->ports[i].offset);
}

// Switching Verilator's thread-local current context costs a TLS access per call;
// skip it while the same instance keeps running (the common case).
const Instance* activeInstance = nullptr;

inline void activate(Instance* s) {
  if (activeInstance != s) {
    s->model->activate();
    activeInstance = s;
  }
}

void copyAllToIo(Instance* s) {
  for (const PortRuntime& p : s->ports) {
    if (p.addr != s->clocking.clock) modelToIo(p, s->io + p.offset);
  }
}

bool usable(napi_env env, Instance* s) {
  if (s->closed) {
    napi_throw_error(env, "ERR_HASHI_SIM_CLOSED", "simulator is closed");
    return false;
  }
  if (!s->broken.empty()) {
    const std::string msg = "simulator stopped after a fatal error: " + s->broken;
    napi_throw_error(env, "ERR_HASHI_SIM_FATAL", msg.c_str());
    return false;
  }
  return true;
}

void fail(napi_env env, Instance* s, const std::exception& e) {
  s->broken = e.what();
  if (s->clocking.tracing) {
    try {
      s->model->flushTrace();
    } catch (...) {
    }
  }
  napi_throw_error(env, "ERR_HASHI_SIM_FATAL", e.what());
}

Instance* instanceOf(napi_env env, napi_callback_info info, size_t* argc, napi_value* argv) {
  void* data = nullptr;
  napi_get_cb_info(env, info, argc, argv, nullptr, &data);
  return static_cast<Instance*>(data);
}

void release(napi_env env, Instance* s) {
  if (activeInstance == s) activeInstance = nullptr;  // a new instance may reuse the address
  if (s->closed) return;
  s->closed = true;
  try {
    if (s->clocking.tracing) s->model->closeTrace();
    s->model->finalize();
  } catch (...) {
  }
  s->model.reset();
  if (s->ioRef) napi_delete_reference(env, s->ioRef);
  s->ioRef = nullptr;
  s->io = nullptr;
}

napi_value Eval(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  Instance* s = instanceOf(env, info, &argc, nullptr);
  if (!usable(env, s)) return nullptr;
  try {
    activate(s);
    s->model->evalIo(s->io);
  } catch (const std::exception& e) {
    fail(env, s, e);
  }
  return nullptr;
}

napi_value Step(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  Instance* s = instanceOf(env, info, &argc, argv);
  if (!usable(env, s)) return nullptr;
  int64_t n = 1;
  if (argc >= 1 && napi_get_value_int64(env, argv[0], &n) != napi_ok) n = 1;
  if (!s->clocking.clock) {
    napi_throw_error(env, "ERR_HASHI_SIM_NO_CLOCK", "design has no clock port");
    return nullptr;
  }
  try {
    activate(s);
    s->model->stepIo(s->clocking, n, s->io);
  } catch (const std::exception& e) {
    fail(env, s, e);
  }
  return nullptr;
}

bool laneFits(const Lane& l, int64_t c, std::string* why) {
  const PortRuntime& p = *l.port;
  char buf[256];
  if (l.wide) {
    const uint32_t* w = static_cast<const uint32_t*>(l.data) + c * p.words;
    const int topBits = p.width % 32;
    if (topBits != 0 && (w[p.words - 1] >> topBits) != 0) {
      std::snprintf(buf, sizeof buf, "input '%s' at cycle %lld: value does not fit in %d bits",
                    p.name.c_str(), static_cast<long long>(c), p.width);
      *why = buf;
      return false;
    }
    return true;
  }
  const uint64_t v = laneValue(l, c);
  bool ok;
  if (l.signedLane) {
    ok = signExtend(v, p.width) == static_cast<int64_t>(v);
  } else {
    ok = p.width >= 64 || (v >> p.width) == 0;
  }
  if (!ok) {
    if (l.signedLane) {
      std::snprintf(buf, sizeof buf, "input '%s' at cycle %lld: %lld does not fit in %d bits (signed)",
                    p.name.c_str(), static_cast<long long>(c), static_cast<long long>(v), p.width);
    } else {
      std::snprintf(buf, sizeof buf, "input '%s' at cycle %lld: %llu does not fit in %d bits (unsigned)",
                    p.name.c_str(), static_cast<long long>(c), static_cast<unsigned long long>(v),
                    p.width);
    }
    *why = buf;
  }
  return ok;
}

// Reads (indices, arrays) into lanes; throws a JS error and returns false on misuse.
bool collectLanes(napi_env env, Instance* s, napi_value indices, napi_value arrays, bool input,
                  int64_t cycles, std::vector<Lane>* out) {
  uint32_t count = 0;
  if (napi_get_array_length(env, arrays, &count) != napi_ok) {
    napi_throw_type_error(env, nullptr, "run: lanes must be an array of typed arrays");
    return false;
  }
  for (uint32_t k = 0; k < count; ++k) {
    napi_value idxValue, arr;
    uint32_t index = 0;
    napi_get_element(env, indices, k, &idxValue);
    napi_get_element(env, arrays, k, &arr);
    if (napi_get_value_uint32(env, idxValue, &index) != napi_ok || index >= s->ports.size()) {
      napi_throw_range_error(env, nullptr, "run: bad port index");
      return false;
    }
    PortRuntime& p = s->ports[index];
    if (p.input != input || p.addr == s->clocking.clock) {
      napi_throw_type_error(env, nullptr, "run: port direction mismatch");
      return false;
    }
    bool isTyped = false;
    napi_is_typedarray(env, arr, &isTyped);
    if (!isTyped) {
      napi_throw_type_error(env, nullptr, "run: lane is not a typed array");
      return false;
    }
    napi_typedarray_type type;
    size_t length = 0;
    void* data = nullptr;
    napi_get_typedarray_info(env, arr, &type, &length, &data, nullptr, nullptr);
    Lane l{&p, data, p.width > 64, false, false, widthMask(p.width), p.addr, p.bytes, p.words, p.width};
    size_t need = size_t(cycles);
    bool typeOk;
    if (l.wide) {
      typeOk = type == napi_uint32_array;
      need = size_t(cycles) * size_t(p.words);
    } else if (p.width > 32) {
      typeOk = type == napi_bigint64_array || type == napi_biguint64_array;
      l.lane64 = true;
      l.signedLane = type == napi_bigint64_array;
    } else {
      typeOk = type == napi_uint32_array || type == napi_int32_array;
      l.signedLane = type == napi_int32_array;
    }
    if (!typeOk || length < need) {
      const std::string msg = "run: lane for port '" + p.name + "' has the wrong type or length";
      napi_throw_type_error(env, nullptr, msg.c_str());
      return false;
    }
    out->push_back(l);
  }
  return true;
}

// run(cycles, inputIndices, inputLanes, outputIndices, outputLanes): for each cycle
// drive every input lane, clock once, then sample every output lane.
napi_value Run(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  Instance* s = instanceOf(env, info, &argc, argv);
  if (!usable(env, s)) return nullptr;
  if (!s->clocking.clock) {
    napi_throw_error(env, "ERR_HASHI_SIM_NO_CLOCK", "design has no clock port");
    return nullptr;
  }
  int64_t cycles = 0;
  if (argc < 5 || napi_get_value_int64(env, argv[0], &cycles) != napi_ok || cycles < 0) {
    napi_throw_type_error(env, nullptr, "run: bad arguments");
    return nullptr;
  }
  std::vector<Lane> ins, outs;
  if (!collectLanes(env, s, argv[1], argv[2], true, cycles, &ins)) return nullptr;
  if (!collectLanes(env, s, argv[3], argv[4], false, cycles, &outs)) return nullptr;
  std::string why;
  for (const Lane& l : ins) {
    for (int64_t c = 0; c < cycles; ++c) {
      if (!laneFits(l, c, &why)) {
        napi_throw_range_error(env, "ERR_HASHI_SIM_VALUE", why.c_str());
        return nullptr;
      }
    }
  }
  try {
    activate(s);
    copyInputs(s);  // inputs without a lane keep their poked values
    s->model->cycles(s->clocking, cycles, ins.data(), ins.size(), outs.data(), outs.size());
    copyAllToIo(s);
  } catch (const std::exception& e) {
    fail(env, s, e);
  }
  return nullptr;
}

napi_value FlushTrace(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  Instance* s = instanceOf(env, info, &argc, nullptr);
  if (!s->closed && s->clocking.tracing) s->model->flushTrace();
  return nullptr;
}

napi_value GotFinish(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  Instance* s = instanceOf(env, info, &argc, nullptr);
  napi_value result;
  napi_get_boolean(env, !s->closed && s->model->gotFinish(), &result);
  return result;
}

napi_value Close(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  Instance* s = instanceOf(env, info, &argc, nullptr);
  release(env, s);
  return nullptr;
}

void FinalizeInstance(napi_env env, void* data, void*) {
  Instance* s = static_cast<Instance*>(data);
  release(env, s);
  delete s;
}

void setFunction(napi_env env, napi_value obj, const char* name, napi_callback cb, Instance* s) {
  napi_value fn;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, s, &fn);
  napi_set_named_property(env, obj, name, fn);
}

// open(clockIndex, tracePath | null) -> { io, eval, step, run, flushTrace, gotFinish, close }
napi_value Open(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  void* data = nullptr;
  napi_get_cb_info(env, info, &argc, argv, nullptr, &data);
  const ModelInfo* mi = static_cast<const ModelInfo*>(data);
  int32_t clockIndex = -1;
  if (argc >= 1) napi_get_value_int32(env, argv[0], &clockIndex);
  std::string tracePath;
  if (argc >= 2) {
    napi_valuetype t;
    napi_typeof(env, argv[1], &t);
    if (t == napi_string) {
      size_t len = 0;
      napi_get_value_string_utf8(env, argv[1], nullptr, 0, &len);
      tracePath.resize(len + 1);
      napi_get_value_string_utf8(env, argv[1], &tracePath[0], len + 1, &len);
      tracePath.resize(len);
    }
  }
  if (!tracePath.empty() && std::strcmp(mi->trace, "none") == 0) {
    napi_throw_error(env, nullptr, "this model was built without waveform support");
    return nullptr;
  }

  auto s = std::make_unique<Instance>();
  s->info = mi;
  activeInstance = nullptr;  // constructing a model switches the thread's context
  try {
    s->model.reset(mi->create());
  } catch (const std::exception& e) {
    napi_throw_error(env, "ERR_HASHI_SIM_FATAL", e.what());
    return nullptr;
  }
  uint32_t words = 0;
  for (int i = 0; i < mi->portCount; ++i) {
    const PortSlot& slot = mi->ports[i];
    PortRuntime p{slot.name, slot.width, (slot.width + 31) / 32, storageBytes(slot.width),
                  slot.input, s->model->port(i), words};
    words += uint32_t(p.words);
    s->ports.push_back(p);
  }
  if (clockIndex >= 0 && clockIndex < mi->portCount && mi->ports[clockIndex].input &&
      mi->ports[clockIndex].width == 1) {
    s->clocking.clock = static_cast<uint8_t*>(s->ports[size_t(clockIndex)].addr);
  }
  for (int i = 0; i < mi->portCount; ++i) {
    if (s->ports[size_t(i)].input && i != clockIndex) s->drivenInputs.push_back(i);
  }

  napi_value io;
  void* ioData = nullptr;
  napi_create_arraybuffer(env, size_t(words == 0 ? 1 : words) * 4, &ioData, &io);
  std::memset(ioData, 0, size_t(words == 0 ? 1 : words) * 4);
  s->io = static_cast<uint32_t*>(ioData);
  napi_create_reference(env, io, 1, &s->ioRef);

  try {
    if (!tracePath.empty()) {
      s->model->openTrace(tracePath.c_str());
      s->clocking.tracing = true;
    }
    if (s->clocking.clock) *s->clocking.clock = 0;
    activate(s.get());
    s->model->settle();
    if (s->clocking.tracing) s->model->dumpTrace(0);
    copyAllToIo(s.get());
  } catch (const std::exception& e) {
    Instance* raw = s.release();
    release(env, raw);
    delete raw;
    napi_throw_error(env, "ERR_HASHI_SIM_FATAL", e.what());
    return nullptr;
  }

  Instance* raw = s.release();
  napi_value obj;
  napi_create_object(env, &obj);
  napi_set_named_property(env, obj, "io", io);
  setFunction(env, obj, "eval", Eval, raw);
  setFunction(env, obj, "step", Step, raw);
  setFunction(env, obj, "run", Run, raw);
  setFunction(env, obj, "flushTrace", FlushTrace, raw);
  setFunction(env, obj, "gotFinish", GotFinish, raw);
  setFunction(env, obj, "close", Close, raw);
  napi_add_finalizer(env, obj, raw, FinalizeInstance, nullptr, nullptr);
  return obj;
}

}  // namespace

napi_value registerModule(napi_env env, napi_value exports, const ModelInfo* info) {
  napi_value top, trace, ports, open;
  napi_create_string_utf8(env, info->top, NAPI_AUTO_LENGTH, &top);
  napi_create_string_utf8(env, info->trace, NAPI_AUTO_LENGTH, &trace);
  napi_create_array_with_length(env, size_t(info->portCount), &ports);
  for (int i = 0; i < info->portCount; ++i) {
    napi_value port, name, width, input;
    napi_create_object(env, &port);
    napi_create_string_utf8(env, info->ports[i].name, NAPI_AUTO_LENGTH, &name);
    napi_create_int32(env, info->ports[i].width, &width);
    napi_get_boolean(env, info->ports[i].input, &input);
    napi_set_named_property(env, port, "name", name);
    napi_set_named_property(env, port, "width", width);
    napi_set_named_property(env, port, "input", input);
    napi_set_element(env, ports, uint32_t(i), port);
  }
  napi_create_function(env, "open", NAPI_AUTO_LENGTH, Open, const_cast<ModelInfo*>(info), &open);
  napi_set_named_property(env, exports, "top", top);
  napi_set_named_property(env, exports, "trace", trace);
  napi_set_named_property(env, exports, "ports", ports);
  napi_set_named_property(env, exports, "open", open);
  return exports;
}

}  // namespace hashi

