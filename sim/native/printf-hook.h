// Force-included into every translation unit (g++ -include): Verilator's
// runtime and models print through VL_PRINTF, which we route to hooks.cpp so
// the last error line (an assertion's message) can travel with the JS error.
#ifndef HASHI_PRINTF_HOOK_H
#define HASHI_PRINTF_HOOK_H
int hashi_vl_printf(const char* format, ...);
#define VL_PRINTF hashi_vl_printf
#endif
