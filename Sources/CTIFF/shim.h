#include <tiffio.h>
#include "dip_tiff.h"
