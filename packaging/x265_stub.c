/* A stand-in for libx265, the HEVC *encoder*, in the Linux desktop build (build.spec).
 *
 * pillow-heif's libheif links x265 to *write* HEIC files; the app only reads them (libde265
 * decodes). libheif asks for the encoder's API through x265_api_get_<build> and treats NULL as
 * "no x265 encoder": writing HEIC then fails with a clear error, reading is unchanged. The real
 * library is 22.9 MB, this one 15 KB. build.spec compiles it only when libheif imports nothing
 * else from x265, with X265_API_GET set to the symbol's name (x265_api_get_217).
 */
#include <stddef.h>

#ifndef X265_API_GET
#error "X265_API_GET must name the x265_api_get_<build> symbol libheif imports"
#endif

const void *X265_API_GET(int bit_depth)
{
    (void)bit_depth;
    return NULL;
}

void x265_cleanup(void) {}
