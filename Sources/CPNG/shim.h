#include <png.h>
#include "dip_png.h"
