// libFuzzer's driver entry (compiler-rt FuzzerInterface.h), for harnesses that bring their own main.
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));
