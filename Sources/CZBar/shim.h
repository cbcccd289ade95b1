// zbar for Swift. zbar_fourcc is a macro; Y800 (8-bit grey) is the only format the project feeds it.
#ifndef CCCD_CZBAR_SHIM_H
#define CCCD_CZBAR_SHIM_H
#include <zbar.h>
static inline unsigned long cccd_zbar_fourcc_y800(void) { return 0x30303859UL; }
#endif
