/*===-- metadata_scan.h - Reading file metadata ({-# ... #-}) as text -----===*
 *
 * The C API's parser takes no resource parsers: the parts of an input's
 * file metadata that mlir-opt hands to its own parsers (the reproducer's
 * configuration, external resources of unknown groups) are read from the
 * text with this scanner and blanked before the parse.
 *===----------------------------------------------------------------------===*/

#ifndef CIM_OPT_METADATA_SCAN_H
#define CIM_OPT_METADATA_SCAN_H

#include <stdbool.h>
#include <stddef.h>

typedef struct Scanner {
  char *p, *end;
} Scanner;

/// Skips blanks and `//` comments.
void cimOptScanSkipBlanks(Scanner *s);
/// Skips blanks, then consumes `c` if it is next.
bool cimOptScanAccept(Scanner *s, char c);
/// A key: an identifier or a quoted string (without its quotes, escapes as
/// written).
bool cimOptScanParseKey(Scanner *s, const char **key, size_t *length);
/// A string value, unescaped as MLIR's lexer does, in a new NUL-terminated
/// string (*length bytes; it may hold NULs); NULL if there is none.
char *cimOptScanParseString(Scanner *s, size_t *length);
/// `true` or `false`.
bool cimOptScanParseBoolValue(Scanner *s, bool *out);
/// The first `{-#` in [start, end) outside comments and strings.
char *cimOptScanFindMetadata(char *start, char *end);
/// Finds `key:` followed by '{' in [start, end), outside comments and
/// strings, before the metadata's closing `#-}`.
char *cimOptScanFindEntry(char *start, char *end, const char *key);
/// Blanks [from, to) except newlines.
void cimOptScanBlank(char *from, char *to);
/// Blanks the metadata entry [from, to) and one comma next to it (the one
/// after it, else the one before it, looking back no further than `floor`),
/// as if the parser took the entry; `end` bounds the text after it.
void cimOptScanBlankEntry(char *floor, char *from, char *to, char *end);

#endif /* CIM_OPT_METADATA_SCAN_H */
