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

// A progressive JPEG may declare thousands of tiny scans, each a full pass over the coefficients (a CPU bomb in a
// small file); past this many the decode stops with an error. Real encoders write about ten.
#define CCCD_JPEG_MAX_SCANS 256

static void cccd_jpeg_progress(j_common_ptr cinfo) {
    if (cinfo->is_decompressor && ((j_decompress_ptr)cinfo)->input_scan_number > CCCD_JPEG_MAX_SCANS) {
        cccd_jpeg_error_mgr *mgr = (cccd_jpeg_error_mgr *)cinfo->err;
        snprintf(mgr->message, sizeof mgr->message, "more than %d scans", CCCD_JPEG_MAX_SCANS);
        longjmp(mgr->jump, 1);
    }
}

static void cccd_jpeg_output_message(j_common_ptr cinfo) {
    (void)cinfo; // warnings (corrupt data that libjpeg recovers from) are not printed
}

// libjpeg only warns when the data ends early and pads the rest with grey; a cut file is an error here.
static void cccd_jpeg_emit_message(j_common_ptr cinfo, int level) {
    cccd_jpeg_error_mgr *mgr = (cccd_jpeg_error_mgr *)cinfo->err;
    if (level < 0 && cinfo->err->msg_code == JWRN_JPEG_EOF) mgr->truncated = 1;
}

// The error manager both directions use: libjpeg's messages kept, its exits turned into a longjmp.
static inline struct jpeg_error_mgr *cccd_jpeg_error_setup(cccd_jpeg_error_mgr *err) {
    struct jpeg_error_mgr *pub = jpeg_std_error(&err->pub);
    err->pub.error_exit = cccd_jpeg_error_exit;
    err->pub.output_message = cccd_jpeg_output_message;
    err->pub.emit_message = cccd_jpeg_emit_message;
    err->message[0] = 0;
    err->truncated = 0;
    return pub;
}

static inline void cccd_jpeg_copy_message(const cccd_jpeg_error_mgr *err, char *message, size_t message_size) {
    if (message && message_size) {
        strncpy(message, err->message, message_size - 1);
        message[message_size - 1] = 0;
    }
}

/// The result of cccd_jpeg_decode_grey: 0 success; 1 libjpeg error (message set); 2 too large; 3 out of memory;
/// 4 the data ends before the image does; 5 the image is not the size the caller's buffer was made for.
/// Decodes a baseline or progressive JPEG to 8-bit grey, scaled by 1/scale_denom (1, 2, 4 or 8) in the IDCT,
/// which is how a 12 MP photo is read quickly. CMYK/YCCK images (Adobe, inverted) are reduced to grey here.
/// On success *out_pixels is `into` when the caller gave a buffer of `into_size` bytes (status 5 when the image is
/// not exactly that size), otherwise malloc'ed (width * height bytes) and the caller frees it.
static inline int cccd_jpeg_decode_grey(const unsigned char *data, unsigned long size, unsigned int scale_denom,
                                        unsigned long max_pixels, unsigned char *into, size_t into_size,
                                        unsigned char **out_pixels,
                                        unsigned int *out_width, unsigned int *out_height,
                                        unsigned int *full_width, unsigned int *full_height,
                                        char *message, size_t message_size) {
    struct jpeg_decompress_struct cinfo;
    cccd_jpeg_error_mgr err;
    unsigned char *volatile pixels = NULL;
    unsigned char *volatile row = NULL;
    memset(&cinfo, 0, sizeof(cinfo));
    cinfo.err = cccd_jpeg_error_setup(&err);
    *out_pixels = NULL;
    if (setjmp(err.jump)) {
        cccd_jpeg_copy_message(&err, message, message_size);
        jpeg_destroy_decompress(&cinfo);
        if (pixels != into) free(pixels);
        free(row);
        return 1;
    }
    jpeg_create_decompress(&cinfo);
    struct jpeg_progress_mgr progress;
    memset(&progress, 0, sizeof progress);
    progress.progress_monitor = cccd_jpeg_progress;
    cinfo.progress = &progress;
    jpeg_mem_src(&cinfo, data, size);
    jpeg_read_header(&cinfo, TRUE);
    *full_width = cinfo.image_width;
    *full_height = cinfo.image_height;
    if ((unsigned long)cinfo.image_width * (unsigned long)cinfo.image_height > max_pixels) {
        jpeg_destroy_decompress(&cinfo);
        return 2;
    }
    // A progressive image keeps every coefficient in memory (2 bytes a sample); libjpeg-turbo refuses (no backing
    // store) rather than exceed this, so a crafted header's component count and sampling cannot multiply it.
    cinfo.mem->max_memory_to_use = (long)(max_pixels * 8 + (64L << 20));
    int cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
    cinfo.out_color_space = cmyk ? JCS_CMYK : JCS_GRAYSCALE;
    cinfo.scale_num = 1;
    cinfo.scale_denom = scale_denom ? scale_denom : 1;
    cinfo.dct_method = JDCT_ISLOW;
    jpeg_start_decompress(&cinfo);
    unsigned int width = cinfo.output_width, height = cinfo.output_height;
    if (into && (size_t)width * height != into_size) {
        jpeg_destroy_decompress(&cinfo);
        return 5;
    }
    pixels = into ? into : (unsigned char *)malloc((size_t)width * height + 1);
    if (cmyk) row = (unsigned char *)malloc((size_t)width * 4 + 1);
    if (!pixels || (cmyk && !row)) {
        jpeg_destroy_decompress(&cinfo);
        if (pixels != into) free(pixels);
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
        if (pixels != into) free(pixels);
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

// libpng reading from memory, row by row, for the commonest PNG a scanner or a screenshot writes: 8-bit RGB, not
// interlaced, without a transparent colour, in sRGB or unstated gamma. libpng's simplified API reads it into a
// full RGB buffer first (three bytes a pixel, then a second pass to grey); here each row goes to grey as it is
// read. libpng's error exits come back through png_longjmp, with its message.
typedef struct {
    const unsigned char *data;
    size_t size;
    size_t offset;
    char message[256];
} cccd_png_source;

static void cccd_png_read(png_structp png, png_bytep target, size_t count) {
    cccd_png_source *source = (cccd_png_source *)png_get_io_ptr(png);
    if (count > source->size - source->offset) png_error(png, "read beyond end of data");
    memcpy(target, source->data + source->offset, count);
    source->offset += count;
}

static void cccd_png_error(png_structp png, png_const_charp message) {
    cccd_png_source *source = (cccd_png_source *)png_get_error_ptr(png);
    if (source->message[0] == 0 && message) {
        strncpy(source->message, message, sizeof source->message - 1);
        source->message[sizeof source->message - 1] = 0;
    }
    png_longjmp(png, 1);
}

static void cccd_png_warning(png_structp png, png_const_charp message) { (void)png; (void)message; }

/// One row of 8-bit RGB to grey, BT.601 integer weights on the encoded values (the weighted sum fits 16 bits).
#define CCCD_RGB8_TO_GREY_BODY                                                                           \
    for (size_t x = 0; x < count; x++) {                                                                 \
        uint16_t r = rgb[3 * x], g = rgb[3 * x + 1], b = rgb[3 * x + 2];                                \
        grey[x] = (unsigned char)((uint16_t)(77 * r + 150 * g + 29 * b + 128) >> 8);                     \
    }
static inline void cccd_rgb8_to_grey(const unsigned char *restrict rgb, unsigned char *restrict grey,
                                     size_t count) {
    CCCD_RGB8_TO_GREY_BODY
}
typedef unsigned char cccd_u8x16 __attribute__((ext_vector_type(16)));
typedef unsigned char cccd_u8x32 __attribute__((ext_vector_type(32)));
typedef unsigned short cccd_u16x16 __attribute__((ext_vector_type(16)));
/// The same sums, 16 pixels at a time in 16-bit lanes (the three colours gathered from 48 bytes by shuffles);
/// the last pixels (fewer than 16) as above. Called only on a processor that has AVX2.
__attribute__((target("avx2"))) static inline void cccd_rgb8_to_grey_avx2(const unsigned char *restrict rgb,
                                                                           unsigned char *restrict grey,
                                                                           size_t count) {
    size_t x = 0;
    for (; x + 16 <= count; x += 16) {
        cccd_u8x16 a, b, c;
        memcpy(&a, rgb + 3 * x, 16);
        memcpy(&b, rgb + 3 * x + 16, 16);
        memcpy(&c, rgb + 3 * x + 32, 16);
        cccd_u8x32 ab = __builtin_shufflevector(a, b, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17,
                                                18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31);
        cccd_u8x32 cc = __builtin_shufflevector(c, c, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1,
                                                2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        cccd_u16x16 r = __builtin_convertvector(__builtin_shufflevector(ab, cc, 0, 3, 6, 9, 12, 15, 18, 21, 24, 27,
                                                                        30, 33, 36, 39, 42, 45), cccd_u16x16);
        cccd_u16x16 g = __builtin_convertvector(__builtin_shufflevector(ab, cc, 1, 4, 7, 10, 13, 16, 19, 22, 25, 28,
                                                                        31, 34, 37, 40, 43, 46), cccd_u16x16);
        cccd_u16x16 bl = __builtin_convertvector(__builtin_shufflevector(ab, cc, 2, 5, 8, 11, 14, 17, 20, 23, 26,
                                                                         29, 32, 35, 38, 41, 44, 47), cccd_u16x16);
        cccd_u16x16 sum = (cccd_u16x16)77 * r + (cccd_u16x16)150 * g + (cccd_u16x16)29 * bl + (cccd_u16x16)128;
        cccd_u8x16 out = __builtin_convertvector(sum >> 8, cccd_u8x16);
        memcpy(grey + x, &out, 16);
    }
    cccd_rgb8_to_grey(rgb + 3 * x, grey + x, count - x);
}

/// The result of cccd_png_decode_rgb8_grey: 0 success; 1 libpng error (message set); 3 out of memory; 5 not an
/// 8-bit RGB PNG of `width` × `height` this path reads as the simplified API would (the caller uses that instead).
/// Writes `width * height` grey bytes to `pixels`, BT.601 integer weights on the encoded values, as the Swift
/// loader does for the simplified API's RGB output. Each IDAT chunk's CRC-32 is still checked (libpng's default
/// for critical chunks), so the zlib stream's Adler-32 over the inflated bytes, which only repeats that check at
/// the cost of a pass over three bytes a pixel, is skipped.
static inline int cccd_png_decode_rgb8_grey(const unsigned char *data, size_t size, unsigned int width,
                                            unsigned int height, unsigned char *pixels, char *message,
                                            size_t message_size) {
    cccd_png_source source;
    memset(&source, 0, sizeof source);
    source.data = data;
    source.size = size;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &source, cccd_png_error, cccd_png_warning);
    if (!png) return 3;
    png_infop info = png_create_info_struct(png);
    unsigned char *volatile row = NULL;
    if (!info) {
        png_destroy_read_struct(&png, NULL, NULL);
        return 3;
    }
    if (setjmp(png_jmpbuf(png))) {
        if (message && message_size) {
            strncpy(message, source.message, message_size - 1);
            message[message_size - 1] = 0;
        }
        png_destroy_read_struct(&png, &info, NULL);
        free(row);
        return 1;
    }
    png_set_option(png, PNG_IGNORE_ADLER32, PNG_OPTION_ON);
    png_set_read_fn(png, &source, cccd_png_read);
    png_read_info(png, info);
    png_uint_32 w = 0, h = 0;
    int depth = 0, colour = 0, interlace = 0;
    png_get_IHDR(png, info, &w, &h, &depth, &colour, &interlace, NULL, NULL);
    // The simplified API turns a gamma other than sRGB's (beyond libpng's 5% threshold) to sRGB; such files go
    // there. An unstated gamma is taken as sRGB by both.
    png_fixed_point gamma = 0;
    int foreignGamma = 0;
    if (png_get_gAMA_fixed(png, info, &gamma) && gamma != 0) {
        png_fixed_point toOne = gamma < PNG_FP_1 ? (png_fixed_point)(((long)gamma * 11 + 2) / 5) : 0;
        foreignGamma = gamma >= PNG_FP_1 || toOne < PNG_FP_1 - 5000 || toOne > PNG_FP_1 + 5000;
    }
    if (w != width || h != height || depth != 8 || colour != PNG_COLOR_TYPE_RGB || interlace != PNG_INTERLACE_NONE
        || png_get_valid(png, info, PNG_INFO_tRNS) || foreignGamma) {
        png_destroy_read_struct(&png, &info, NULL);
        return 5;
    }
    row = (unsigned char *)malloc((size_t)width * 3 + 1);
    if (!row) {
        png_destroy_read_struct(&png, &info, NULL);
        return 3;
    }
    const int avx2 = __builtin_cpu_supports("avx2");
    for (png_uint_32 y = 0; y < height; y++) {
        png_read_row(png, row, NULL);
        unsigned char *out = pixels + (size_t)y * width;
        const unsigned char *p = row;
        if (avx2) {
            cccd_rgb8_to_grey_avx2(p, out, width);
        } else {
            cccd_rgb8_to_grey(p, out, width);
        }
    }
    free(row);
    row = NULL;
    png_destroy_read_struct(&png, &info, NULL);
    return 0;
}

// OpenJPEG reading from memory. The stream callbacks behave as OpenJPEG's own file stream does (skips and seeks
// past the end allowed, the next read reports the end): its bookkeeping in cio.c assumes so.
typedef struct {
    const unsigned char *data;
    size_t size;
    size_t offset;
    char message[256];
} cccd_opj_source;

static OPJ_SIZE_T cccd_opj_read(void *buffer, OPJ_SIZE_T count, void *user) {
    cccd_opj_source *source = (cccd_opj_source *)user;
    if (source->offset >= source->size) return (OPJ_SIZE_T)-1;
    size_t n = source->size - source->offset;
    if (n > count) n = count;
    memcpy(buffer, source->data + source->offset, n);
    source->offset += n;
    return n;
}

static OPJ_OFF_T cccd_opj_skip(OPJ_OFF_T distance, void *user) {
    cccd_opj_source *source = (cccd_opj_source *)user;
    if (distance < 0 && (size_t)(-distance) > source->offset) return -1;
    source->offset += distance;
    return distance;
}

static OPJ_BOOL cccd_opj_seek(OPJ_OFF_T position, void *user) {
    cccd_opj_source *source = (cccd_opj_source *)user;
    if (position < 0) return OPJ_FALSE;
    source->offset = (size_t)position;
    return OPJ_TRUE;
}

static void cccd_opj_error(const char *message, void *user) {
    cccd_opj_source *source = (cccd_opj_source *)user;
    if (source->message[0] == 0 && message) {
        strncpy(source->message, message, sizeof source->message - 1);
        source->message[sizeof source->message - 1] = 0;
    }
}

static void cccd_opj_quiet(const char *message, void *user) { (void)message; (void)user; }

/// Decodes a JP2 file (jp2 != 0) or a bare codestream held in memory, strictly (a cut codestream is an error).
/// Returns the image (the caller destroys it with opj_image_destroy) or NULL with OpenJPEG's first error message.
/// The caller has checked the header's size, components and tiles first: OpenJPEG allocates from them.
static inline opj_image_t *cccd_opj_decode(const unsigned char *data, size_t size, int jp2, char *message,
                                           size_t message_size) {
    cccd_opj_source source;
    memset(&source, 0, sizeof source);
    source.data = data;
    source.size = size;
    opj_image_t *image = NULL;
    opj_codec_t *codec = opj_create_decompress(jp2 ? OPJ_CODEC_JP2 : OPJ_CODEC_J2K);
    opj_stream_t *stream = opj_stream_create(1 << 16, OPJ_TRUE);
    if (!codec || !stream) goto fail;
    opj_set_error_handler(codec, cccd_opj_error, &source);
    opj_set_warning_handler(codec, cccd_opj_quiet, NULL);
    opj_set_info_handler(codec, cccd_opj_quiet, NULL);
    opj_dparameters_t parameters;
    opj_set_default_decoder_parameters(&parameters);
    if (!opj_setup_decoder(codec, &parameters)) goto fail;
    opj_decoder_set_strict_mode(codec, OPJ_TRUE);
    opj_stream_set_user_data(stream, &source, NULL);
    opj_stream_set_user_data_length(stream, size);
    opj_stream_set_read_function(stream, cccd_opj_read);
    opj_stream_set_skip_function(stream, cccd_opj_skip);
    opj_stream_set_seek_function(stream, cccd_opj_seek);
    if (!opj_read_header(stream, codec, &image)) goto fail;
    // No opj_end_decompress: it only reads the JP2 boxes after the codestream, which a face does not need.
    if (!opj_decode(codec, stream, image)) goto fail;
    opj_stream_destroy(stream);
    opj_destroy_codec(codec);
    return image;
fail:
    if (message && message_size) {
        strncpy(message, source.message[0] ? source.message : "OpenJPEG could not decode it", message_size - 1);
        message[message_size - 1] = 0;
    }
    if (image) opj_image_destroy(image);
    if (stream) opj_stream_destroy(stream);
    if (codec) opj_destroy_codec(codec);
    return NULL;
}

/// The result of cccd_jpeg_encode: 0 success; 1 libjpeg error (message set); 3 out of memory.
/// Encodes 8-bit grey (components 1) or RGB (components 3) pixels, rows packed, as a baseline JPEG (4:2:0 for
/// RGB) at the given quality. On success *out_data is malloc'ed (*out_size bytes); the caller frees it.
static inline int cccd_jpeg_encode(const unsigned char *pixels, unsigned int width, unsigned int height,
                                   int components, int quality, unsigned char **out_data,
                                   unsigned long *out_size, char *message, size_t message_size) {
    struct jpeg_compress_struct cinfo;
    cccd_jpeg_error_mgr err;
    // libjpeg-turbo's memory destination mallocs and grows *target itself; it is ours to free, on failure too.
    unsigned char *target = NULL;
    unsigned long buffer_size = 0;
    memset(&cinfo, 0, sizeof(cinfo));
    cinfo.err = cccd_jpeg_error_setup(&err);
    *out_data = NULL;
    *out_size = 0;
    if (setjmp(err.jump)) {
        cccd_jpeg_copy_message(&err, message, message_size);
        jpeg_destroy_compress(&cinfo);
        free(target);
        return 1;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, &target, &buffer_size);
    cinfo.image_width = width;
    cinfo.image_height = height;
    cinfo.input_components = components;
    cinfo.in_color_space = components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < height) {
        JSAMPROW row[1] = { (JSAMPROW)(pixels + (size_t)cinfo.next_scanline * width * components) };
        jpeg_write_scanlines(&cinfo, row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    if (!target) return 3;
    *out_data = target;
    *out_size = buffer_size;
    return 0;
}

#endif
