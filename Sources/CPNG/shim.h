// The system libpng, as found through pkg-config (-I/usr/include/libpng16).
//
// Only CPNGBridge includes this: libpng reports errors with longjmp, so no Swift
// code may call it directly.
#include <png.h>
