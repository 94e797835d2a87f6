// Design-independent N-API binding for verilated models. Compiled once per cache
// into the runtime archive and linked, with hidden visibility, into every model
// addon, so each addon carries a private copy and two addons never share symbols.
//
// Port values cross the JS boundary without copies: `mem` is an external
// ArrayBuffer over the model's own port storage (CData/SData/IData/QData/WData,
// little-endian), so pokes and peeks are typed-array accesses on the model and
// only eval / step / run cross into C++. Closing the simulator detaches `mem`
// before the model is freed, so no view can reach freed memory.
#include "harness.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "verilated.h"

// V8's own API, for the calls made once per interactive cycle (the shared
// stepper and evaluator), where N-API's per-call wrapper shows; used only when
// this V8 is the one the headers describe.
#if __has_include(<v8.h>)
#include <v8.h>
#define HASHI_V8_STEP 1
#endif

namespace hashi {

namespace {

// What the shared stepper/evaluator functions reach through an instance's handle
// (an object with an internal field, or an N-API external): plain C entry points
// into the instance's own addon, so one JS function, from whichever
// addon loaded first, drives instances of every design and JS call sites stay
// monomorphic. Every addon in a process is built from these same sources (the
// harness is in the cache keys); `abi` guards the layout anyway.
struct Handle {
  uint32_t abi;
  bool (*step)(void* self);  // one cycle; false: did not step (step1Checked says why)
  bool (*eval)(void* self);  // one eval; false: did not evaluate (eval says why)
  void* self;
};
constexpr uint32_t kHandleAbi = 0x68736802;

struct Instance {
  Handle handle{};
  const ModelInfo* info = nullptr;
  std::unique_ptr<Model> model;
  std::vector<PortRuntime> ports;
  napi_ref memRef = nullptr;  // weak: only to detach `mem` on close
  Clocking clocking{nullptr, 0, false};
  bool closed = false;
  // Open and not broken: the shared evaluator may skip every other check.
  bool live = false;
  // Live and has a clock: the shared stepper may skip every other check.
  bool fast = false;
  std::string broken;
  // A fatal error the shared stepper or evaluator caught, for the next N-API call to throw.
  std::string pending;
  // The JS instance object, `mem` and `handle` each hold the instance; the last
  // one collected frees it (the model's storage must outlive any live view on it).
  int holders = 3;
  uint64_t noPorts = 0;  // `mem`'s backing store for a design without ports
};

int storageBytes(int width) {
  if (width <= 8) return 1;
  if (width <= 16) return 2;
  if (width <= 32) return 4;
  if (width <= 64) return 8;
  return ((width + 31) / 32) * 4;
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

bool usable(napi_env env, Instance* s) {
  if (!s->pending.empty()) {
    const std::string msg = std::move(s->pending);
    s->pending.clear();
    napi_throw_error(env, "ERR_HASHI_SIM_FATAL", msg.c_str());
    return false;
  }
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

void markBroken(Instance* s, const char* why) {
  s->broken = why;
  s->live = false;
  s->fast = false;
  if (s->clocking.tracing) {
    try {
      s->model->flushTrace();
    } catch (...) {
    }
  }
}

void fail(napi_env env, Instance* s, const std::exception& e) {
  markBroken(s, e.what());
  napi_throw_error(env, "ERR_HASHI_SIM_FATAL", e.what());
}

Instance* instanceOf(napi_env env, napi_callback_info info, size_t* argc, napi_value* argv) {
  void* data = nullptr;
  napi_get_cb_info(env, info, argc, argv, nullptr, &data);
  return static_cast<Instance*>(data);
}

// Finishes the waveform and frees the model; `mem` is detached first.
void release(napi_env env, Instance* s) {
  if (activeInstance == s) activeInstance = nullptr;  // a new instance may reuse the address
  if (s->closed) return;
  s->closed = true;
  s->live = false;
  s->fast = false;
  if (s->memRef) {
    napi_value mem = nullptr;
    if (napi_get_reference_value(env, s->memRef, &mem) == napi_ok && mem) napi_detach_arraybuffer(env, mem);
  }
  try {
    if (s->clocking.tracing) s->model->closeTrace();
    s->model->finalize();
  } catch (...) {
  }
  s->model.reset();
}

void drop(napi_env env, Instance* s) {
  if (--s->holders > 0) return;
  release(env, s);
  if (s->memRef) napi_delete_reference(env, s->memRef);
  delete s;
}

napi_value Eval(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  Instance* s = instanceOf(env, info, &argc, nullptr);
  if (!usable(env, s)) return nullptr;
  try {
    activate(s);
    s->model->eval();
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
    s->model->cycles(s->clocking, n, nullptr, 0, nullptr, 0);
  } catch (const std::exception& e) {
    fail(env, s, e);
  }
  return nullptr;
}

// step1Checked() -> true: one cycle; throws what the shared stepper caught, or
// why the model cannot step.
napi_value Step1(napi_env env, napi_callback_info info) {
  void* data = nullptr;
  napi_get_cb_info(env, info, nullptr, nullptr, nullptr, &data);
  Instance* s = static_cast<Instance*>(data);
  if (!s->fast || activeInstance != s) {
    if (!usable(env, s)) return nullptr;
    if (!s->clocking.clock) {
      napi_throw_error(env, "ERR_HASHI_SIM_NO_CLOCK", "design has no clock port");
      return nullptr;
    }
  }
  try {
    activate(s);
    s->model->step1(s->clocking);
  } catch (const std::exception& e) {
    fail(env, s, e);
    return nullptr;
  }
  napi_value done;
  napi_get_boolean(env, true, &done);
  return done;
}

// The per-instance entry points of Handle: no JS values, no exceptions out.
bool stepInstance(void* self) {
  Instance* s = static_cast<Instance*>(self);
  if (!s->fast) return false;
  try {
    activate(s);
    s->model->step1(s->clocking);
    return true;
  } catch (const std::exception& e) {
    markBroken(s, e.what());
  } catch (...) {
    markBroken(s, "unknown error in the model");
  }
  s->pending = s->broken;
  return false;
}

bool evalInstance(void* self) {
  Instance* s = static_cast<Instance*>(self);
  if (!s->live) return false;
  try {
    activate(s);
    s->model->eval();
    return true;
  } catch (const std::exception& e) {
    markBroken(s, e.what());
  } catch (...) {
    markBroken(s, "unknown error in the model");
  }
  s->pending = s->broken;
  return false;
}

// stepper(handle) / evaluator(handle) -> boolean, through N-API.
napi_value SharedCall(napi_env env, napi_callback_info info, bool step) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  void* data = nullptr;
  bool done = false;
  if (argc == 1 && napi_get_value_external(env, argv[0], &data) == napi_ok) {
    const Handle* h = static_cast<const Handle*>(data);
    if (h->abi == kHandleAbi) done = step ? h->step(h->self) : h->eval(h->self);
  }
  napi_value result;
  napi_get_boolean(env, done, &result);
  return result;
}

napi_value StepperNapi(napi_env env, napi_callback_info info) { return SharedCall(env, info, true); }
napi_value EvaluatorNapi(napi_env env, napi_callback_info info) { return SharedCall(env, info, false); }

#ifdef HASHI_V8_STEP
// The same through V8's callback interface, which skips N-API's per-call wrapper
// (about a fifth of an empty call's cost): these run once per interactive cycle.
template <bool Step>
void SharedCallV8(const v8::FunctionCallbackInfo<v8::Value>& info) {
  // Only sim/simulator.ts calls this, always with a handle from open(): an object
  // whose internal field points at its Handle, read inline (an External's value
  // and a type check are calls into V8, about a tenth of this call).
  const Handle* h = static_cast<const Handle*>(info[0].As<v8::Object>()->GetAlignedPointerFromInternalField(0));
  info.GetReturnValue().Set(h->abi == kHandleAbi && (Step ? h->step(h->self) : h->eval(h->self)));
}

// True when the running V8 is exactly the version these headers describe (and
// HASHI_SIM_NAPI_ONLY, which tests the N-API path, is not set).
bool sameV8() {
  const char* napiOnly = std::getenv("HASHI_SIM_NAPI_ONLY");
  if (napiOnly && napiOnly[0] && std::strcmp(napiOnly, "0") != 0) return false;
  char want[64];
  std::snprintf(want, sizeof want, "%d.%d.%d.%d", V8_MAJOR_VERSION, V8_MINOR_VERSION, V8_BUILD_NUMBER, V8_PATCH_LEVEL);
  const char* have = v8::V8::GetVersion();
  const size_t n = std::strlen(want);
  return std::strncmp(have, want, n) == 0 && (have[n] == '\0' || have[n] == '-');
}

// A V8 function as a napi_value (N-API's values are V8 handles), or null.
napi_value v8Function(v8::FunctionCallback cb) {
  v8::Isolate* isolate = v8::Isolate::GetCurrent();
  v8::Local<v8::Function> fn;
  if (!v8::Function::New(isolate->GetCurrentContext(), cb, v8::Local<v8::Value>(), 1, v8::ConstructorBehavior::kThrow)
           .ToLocal(&fn)) {
    return nullptr;
  }
  napi_value value;
  static_assert(sizeof value == sizeof fn, "napi_value is a V8 handle");
  std::memcpy(&value, &fn, sizeof value);
  return value;
}
#endif

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
    // Inputs without a lane keep their poked values: they are already in the model.
    s->model->cycles(s->clocking, cycles, ins.data(), ins.size(), outs.data(), outs.size());
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

void FinalizeInstance(napi_env env, void* data, void*) { drop(env, static_cast<Instance*>(data)); }

void FinalizeMem(napi_env env, void*, void* hint) { drop(env, static_cast<Instance*>(hint)); }

void FinalizeHandle(napi_env env, void*, void* hint) { drop(env, static_cast<Instance*>(hint)); }

void setFunction(napi_env env, napi_value obj, const char* name, napi_callback cb, Instance* s) {
  napi_value fn;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, s, &fn);
  napi_set_named_property(env, obj, name, fn);
}

// open(clockIndex, tracePath | null)
//   -> { mem, offsets, handle, eval, step, step1Checked, run, flushTrace, gotFinish, close }
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
  for (int i = 0; i < mi->portCount; ++i) {
    const PortSlot& slot = mi->ports[i];
    PortRuntime p{slot.name, slot.width, (slot.width + 31) / 32, storageBytes(slot.width), slot.input,
                  s->model->port(i)};
    s->ports.push_back(p);
  }
  if (clockIndex >= 0 && clockIndex < mi->portCount && mi->ports[clockIndex].input &&
      mi->ports[clockIndex].width == 1) {
    s->clocking.clock = static_cast<uint8_t*>(s->ports[size_t(clockIndex)].addr);
  }

  try {
    if (!tracePath.empty()) {
      s->model->openTrace(tracePath.c_str());
      s->clocking.tracing = true;
    }
    if (s->clocking.clock) *s->clocking.clock = 0;
    activate(s.get());
    s->model->settle();
    if (s->clocking.tracing) s->model->dumpTrace(0);
  } catch (const std::exception& e) {
    Instance* raw = s.release();
    release(env, raw);
    delete raw;
    napi_throw_error(env, "ERR_HASHI_SIM_FATAL", e.what());
    return nullptr;
  }

  // `mem` spans every port's storage inside the model (Verilator keeps them in
  // its root object); `offsets` place each port in it.
  uint8_t* lo = reinterpret_cast<uint8_t*>(&s->noPorts);
  uint8_t* hi = lo + sizeof s->noPorts;
  if (!s->ports.empty()) {
    lo = static_cast<uint8_t*>(s->ports[0].addr);
    hi = lo;
    for (const PortRuntime& p : s->ports) {
      uint8_t* a = static_cast<uint8_t*>(p.addr);
      if (a < lo) lo = a;
      if (a + p.bytes > hi) hi = a + p.bytes;
    }
  }
  Instance* raw = s.release();
  raw->live = true;
  raw->fast = raw->clocking.clock != nullptr;
  napi_value mem, offsets;
  if (napi_create_external_arraybuffer(env, lo, size_t(hi - lo), FinalizeMem, raw, &mem) != napi_ok) {
    release(env, raw);
    delete raw;
    napi_throw_error(env, nullptr, "cannot expose the model's port storage");
    return nullptr;
  }
  napi_create_reference(env, mem, 0, &raw->memRef);
  napi_create_array_with_length(env, raw->ports.size(), &offsets);
  for (size_t i = 0; i < raw->ports.size(); ++i) {
    napi_value off;
    napi_create_uint32(env, uint32_t(static_cast<uint8_t*>(raw->ports[i].addr) - lo), &off);
    napi_set_element(env, offsets, uint32_t(i), off);
  }
  napi_value obj;
  napi_create_object(env, &obj);
  napi_set_named_property(env, obj, "mem", mem);
  napi_set_named_property(env, obj, "offsets", offsets);
  setFunction(env, obj, "eval", Eval, raw);
  setFunction(env, obj, "step", Step, raw);
  setFunction(env, obj, "step1Checked", Step1, raw);
  raw->handle = Handle{kHandleAbi, stepInstance, evalInstance, raw};
  napi_value handle = nullptr;
  bool v8Calls = false;
#ifdef HASHI_V8_STEP
  // The V8 stepper reads the Handle from an internal field (N-API has no such objects).
  v8Calls = sameV8();
  if (v8Calls) {
    v8::Isolate* isolate = v8::Isolate::GetCurrent();
    v8::Local<v8::ObjectTemplate> shape = v8::ObjectTemplate::New(isolate);
    shape->SetInternalFieldCount(1);
    v8::Local<v8::Object> object;
    if (shape->NewInstance(isolate->GetCurrentContext()).ToLocal(&object)) {
      object->SetAlignedPointerInInternalField(0, &raw->handle);
      napi_value value;
      std::memcpy(&value, &object, sizeof value);
      if (napi_add_finalizer(env, value, raw, FinalizeInstance, nullptr, nullptr) == napi_ok) handle = value;
    }
  }
#endif
  if (!v8Calls) napi_create_external(env, &raw->handle, FinalizeHandle, raw, &handle);
  if (!handle) raw->holders--;  // no handle: JS uses the N-API step1Checked and eval
  if (handle) napi_set_named_property(env, obj, "handle", handle);
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
  // stepper(handle), evaluator(handle): see Handle.
  napi_value stepper = nullptr, evaluator = nullptr;
#ifdef HASHI_V8_STEP
  if (sameV8()) {
    stepper = v8Function(SharedCallV8<true>);
    evaluator = v8Function(SharedCallV8<false>);
  }
#endif
  if (!stepper || !evaluator) {
    napi_create_function(env, "stepper", NAPI_AUTO_LENGTH, StepperNapi, nullptr, &stepper);
    napi_create_function(env, "evaluator", NAPI_AUTO_LENGTH, EvaluatorNapi, nullptr, &evaluator);
  }
  napi_set_named_property(env, exports, "stepper", stepper);
  napi_set_named_property(env, exports, "evaluator", evaluator);
  return exports;
}

}  // namespace hashi

