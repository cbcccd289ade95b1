// libpng, libjpeg-turbo and OpenJPEG for Swift.
#ifndef CCCD_CIMAGE_SHIM_H
#define CCCD_CIMAGE_SHIM_H
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <png.h>
#include <jpeglib.h>
#include <jerror.h>
#include <openjpeg-2.5/openjpeg.h>

// libjpeg's default error_exit calls exit(), and Swift cannot use setjmp/longjmp: the whole decode runs here,
// inside one setjmp scope, with an error manager that jumps back with libjpeg's message instead.
typedef struct {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
    int truncated;
} cccd_jpeg_error_mgr;

static void cccd_jpeg_error_exit(j_common_ptr cinfo) {
    cccd_jpeg_error_mgr *mgr = (cccd_jpeg_error_mgr *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, mgr->message);
    longjmp(mgr->jump, 1);
}

static void cccd_jpeg_output_message(j_common_ptr cinfo) {
    (void)cinfo; // warnings (corrupt data that libjpeg recovers from) are not printed
}

// libjpeg only warns when the data ends early and pads the rest with grey; a cut file is an error here.
static void cccd_jpeg_emit_message(j_common_ptr cinfo, int level) {
    cccd_jpeg_error_mgr *mgr = (cccd_jpeg_error_mgr *)cinfo->err;
    if (level < 0 && cinfo->err->msg_code == JWRN_JPEG_EOF) mgr->truncated = 1;
}

/// The result of cccd_jpeg_decode_grey: 0 success; 1 libjpeg error (message set); 2 too large; 3 out of memory;
/// 4 the data ends before the image does.
/// Decodes a baseline or progressive JPEG to 8-bit grey, scaled by 1/scale_denom (1, 2, 4 or 8) in the IDCT,
/// which is how a 12 MP photo is read quickly. CMYK/YCCK images (Adobe, inverted) are reduced to grey here.
/// On success *out_pixels is malloc'ed (width * height bytes); the caller frees it.
static inline int cccd_jpeg_decode_grey(const unsigned char *data, unsigned long size, unsigned int scale_denom,
                                        unsigned long max_pixels, unsigned char **out_pixels,
                                        unsigned int *out_width, unsigned int *out_height,
                                        unsigned int *full_width, unsigned int *full_height,
                                        char *message, size_t message_size) {
    struct jpeg_decompress_struct cinfo;
    cccd_jpeg_error_mgr err;
    unsigned char *volatile pixels = NULL;
    unsigned char *volatile row = NULL;
    memset(&cinfo, 0, sizeof(cinfo));
    cinfo.err = jpeg_std_error(&err.pub);
    err.pub.error_exit = cccd_jpeg_error_exit;
    err.pub.output_message = cccd_jpeg_output_message;
    err.pub.emit_message = cccd_jpeg_emit_message;
    err.message[0] = 0;
    err.truncated = 0;
    *out_pixels = NULL;
    if (setjmp(err.jump)) {
        if (message && message_size) {
            strncpy(message, err.message, message_size - 1);
            message[message_size - 1] = 0;
        }
        jpeg_destroy_decompress(&cinfo);
        free(pixels);
        free(row);
        return 1;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, size);
    jpeg_read_header(&cinfo, TRUE);
    *full_width = cinfo.image_width;
    *full_height = cinfo.image_height;
    if ((unsigned long)cinfo.image_width * (unsigned long)cinfo.image_height > max_pixels) {
        jpeg_destroy_decompress(&cinfo);
        return 2;
    }
    int cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
    cinfo.out_color_space = cmyk ? JCS_CMYK : JCS_GRAYSCALE;
    cinfo.scale_num = 1;
    cinfo.scale_denom = scale_denom ? scale_denom : 1;
    cinfo.dct_method = JDCT_ISLOW;
    jpeg_start_decompress(&cinfo);
    unsigned int width = cinfo.output_width, height = cinfo.output_height;
    pixels = (unsigned char *)malloc((size_t)width * height + 1);
    if (cmyk) row = (unsigned char *)malloc((size_t)width * 4 + 1);
    if (!pixels || (cmyk && !row)) {
        jpeg_destroy_decompress(&cinfo);
        free(pixels);
        free(row);
        return 3;
    }
    while (cinfo.output_scanline < height) {
        unsigned char *target = pixels + (size_t)cinfo.output_scanline * width;
        JSAMPROW rows[1] = { cmyk ? row : target };
        if (jpeg_read_scanlines(&cinfo, rows, 1) != 1) break;
        if (cmyk) {
            for (unsigned int x = 0; x < width; x++) {
                const unsigned char *p = row + 4 * (size_t)x;
                unsigned int luma = (77u * p[0] + 150u * p[1] + 29u * p[2]) >> 8;
                target[x] = (unsigned char)((luma * p[3]) / 255u);
            }
        }
    }
    if (err.truncated) {
        jpeg_destroy_decompress(&cinfo);
        free(pixels);
        free(row);
        return 4;
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    free(row);
    *out_pixels = pixels;
    *out_width = width;
    *out_height = height;
    return 0;
}

#endif
