/* The C ABI's header as a module, so the Swift side (Sources/CBridge) reads the result codes and
** other constants from dip.h itself instead of repeating them. This file only checks, at compile
** time, facts the Swift side relies on. */
#include "dip.h"

_Static_assert(DIP_OK == 0, "DIP_OK must be 0: hosts test results with !rc");
_Static_assert(DIP_ERROR < DIP_MISUSE && DIP_MISUSE < DIP_NOMEM && DIP_NOMEM < DIP_BADPARAM &&
               DIP_BADPARAM < DIP_BADIMAGE && DIP_BADIMAGE < DIP_CANCELLED,
               "result codes are consecutive: dip_errstr indexes its texts by code");
_Static_assert(DIP_CANCELLED == 6, "dip_errstr has a text for each code 0...6");
