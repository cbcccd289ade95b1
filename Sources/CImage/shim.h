// libpng, libjpeg-turbo and OpenJPEG for Swift.
#ifndef CCCD_CIMAGE_SHIM_H
#define CCCD_CIMAGE_SHIM_H
#include <stdio.h>
#include <stddef.h>
#include <png.h>
#include <jpeglib.h>
#include <jerror.h>
#include <openjpeg-2.5/openjpeg.h>
#endif
