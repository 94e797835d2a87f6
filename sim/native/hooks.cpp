// Verilator's user hooks (enabled by -DVL_USER_FATAL/STOP/FINISH when the runtime
// is compiled): never abort() or exit() the host process; the binding turns the
// exception into a JS error. Separate from harness.cpp so a plain C++ program
// (the native benchmark) can link the runtime without N-API.
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <string>

#include "harness.h"
#include "verilated.h"

namespace {
std::string where(const char* filename, int linenum) {
  return (filename && filename[0]) ? std::string(filename) + ":" + std::to_string(linenum) + ": " : "";
}

// The last "%Error" line printed (e.g. an assertion with its message), so the
// $stop that follows it can carry the message to JavaScript.
thread_local std::string lastError;
}  // namespace

int hashi_vl_printf(const char* format, ...) {
  char small[512];
  va_list ap;
  va_start(ap, format);
  const int n = std::vsnprintf(small, sizeof small, format, ap);
  va_end(ap);
  std::string text;
  if (n >= 0 && static_cast<size_t>(n) < sizeof small) {
    text.assign(small, n);
  } else if (n >= 0) {
    text.resize(n + 1);
    va_start(ap, format);
    std::vsnprintf(&text[0], n + 1, format, ap);
    va_end(ap);
    text.resize(n);
  }
  std::fputs(text.c_str(), stdout);
  std::fflush(stdout);
  const size_t at = text.find("%Error");
  if (at != std::string::npos) {
    lastError = text.substr(at + 1);
    while (!lastError.empty() && (lastError.back() == '\n' || lastError.back() == '\r')) lastError.pop_back();
  }
  return n;
}

void vl_fatal(const char* filename, int linenum, const char*, const char* msg) {
  Verilated::threadContextp()->gotError(true);
  Verilated::threadContextp()->gotFinish(true);
  throw hashi::SimFatal(where(filename, linenum) + msg);
}

void vl_stop(const char* filename, int linenum, const char*) {
  Verilated::threadContextp()->gotError(true);
  Verilated::threadContextp()->gotFinish(true);
  std::string message = lastError.empty() ? where(filename, linenum) + "Verilog $stop" : lastError;
  lastError.clear();
  throw hashi::SimFatal(message);
}

void vl_finish(const char*, int, const char*) { Verilated::threadContextp()->gotFinish(true); }
