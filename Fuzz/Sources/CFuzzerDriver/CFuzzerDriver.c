// Declarations only; the implementation is compiler-rt's libFuzzer, linked by -sanitize=fuzzer.
#include "CFuzzerDriver.h"
