# cmake -DINPUT=<file> -DOUTPUT=<file.c> -DSYMBOL=<c identifier> -P EmbedText.cmake
#
# Writes a C source defining `const char SYMBOL[]` (NUL-terminated) and
# `const unsigned long SYMBOL_size` (without the NUL) with the bytes of INPUT.
# Used to embed the IRDL dialect definitions into libcimlir at build time.
file(READ "${INPUT}" _hex HEX)
string(LENGTH "${_hex}" _hexlen)
math(EXPR _size "${_hexlen} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," _bytes "${_hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n  " _bytes "${_bytes}")
get_filename_component(_name "${INPUT}" NAME)
file(WRITE "${OUTPUT}.tmp"
"/* Generated from ${_name} by cmake/EmbedText.cmake. Do not edit. */\n"
"const char ${SYMBOL}[] = {\n  ${_bytes}0x00};\n"
"const unsigned long ${SYMBOL}_size = ${_size}UL;\n")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
