// pcsc-lite for Swift. SCARD_PCI_T0/T1 and MAX_BUFFER_SIZE_EXTENDED are macros Swift cannot import;
// these inline functions hand them over.
#ifndef CCCD_CPCSC_SHIM_H
#define CCCD_CPCSC_SHIM_H
#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>
#include <PCSC/pcsclite.h>
#include <PCSC/reader.h>

static inline const SCARD_IO_REQUEST *cccd_pci_t0(void) { return SCARD_PCI_T0; }
static inline const SCARD_IO_REQUEST *cccd_pci_t1(void) { return SCARD_PCI_T1; }
static inline const SCARD_IO_REQUEST *cccd_pci_raw(void) { return SCARD_PCI_RAW; }
static inline unsigned long cccd_max_buffer_size_extended(void) { return MAX_BUFFER_SIZE_EXTENDED; }
static inline unsigned long cccd_max_buffer_size(void) { return MAX_BUFFER_SIZE; }
static inline unsigned long cccd_max_atr_size(void) { return MAX_ATR_SIZE; }
static inline unsigned long cccd_infinite(void) { return INFINITE; }
static inline unsigned long cccd_scard_auto_allocate(void) { return SCARD_AUTOALLOCATE; }
#endif
