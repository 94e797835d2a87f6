// Verilator's user hooks (enabled by -DVL_USER_FATAL/STOP/FINISH when the runtime
// is compiled): never abort() or exit() the host process; the binding turns the
// exception into a JS error. Separate from harness.cpp so a plain C++ program
// (the native benchmark) can link the runtime without N-API.
#include <string>

#include "harness.h"
#include "verilated.h"

namespace {
std::string where(const char* filename, int linenum) {
  return (filename && filename[0]) ? std::string(filename) + ":" + std::to_string(linenum) + ": " : "";
}
}  // namespace

void vl_fatal(const char* filename, int linenum, const char*, const char* msg) {
  Verilated::threadContextp()->gotError(true);
  Verilated::threadContextp()->gotFinish(true);
  throw hashi::SimFatal(where(filename, linenum) + msg);
}

void vl_stop(const char* filename, int linenum, const char*) {
  Verilated::threadContextp()->gotError(true);
  Verilated::threadContextp()->gotFinish(true);
  throw hashi::SimFatal(where(filename, linenum) + "Verilog $stop");
}

void vl_finish(const char*, int, const char*) { Verilated::threadContextp()->gotFinish(true); }
